"""fastconv benchmark harness.

Times fastconv against its peers -- the NumPy reference (``fastconv.reference``,
small cases only), SciPy (``scipy.signal.correlate2d``, ``scipy.signal.correlate``
with ``method="direct"`` and ``method="fft"``), NumPy (``np.correlate``) and
PyTorch when it is installed -- in one process, on the same inputs and with the
same thread count, after checking that all outputs agree.  The machine's FMA
peak is measured in the same run by a small C probe (``peak.c``), before and
after the cases (the higher reading counts), so every number can be read as a
fraction of what the cores can do.

Usage (``benchmarks/run.py`` is the entry point; nothing needs installing)::

    python benchmarks/run.py --quick          # ~1-3 minutes, representative subset
    python benchmarks/run.py                  # full case table
    python benchmarks/run.py --filter conv3x3 --threads 1
    python benchmarks/run.py --update-results-md          # also rewrite RESULTS.md
    python benchmarks/run.py --from-json results/X.json --update-results-md

Outputs ``benchmarks/results/<date>-<cpu>[-quick][-partial].{json,md,png}``.
The exit status is 1 when any case FAILED (outputs disagree, fastconv raised or
returned a wrong shape/dtype), 0 otherwise.

Modules, in the order a run uses them: ``cli`` (command line, the run), ``cases``
(the case catalogue), ``libraries`` (one adapter per library), ``peak`` (the FMA
probe), ``runner`` (check and time one case), ``timing``, ``machine``, ``targets``,
``report`` (Markdown, RESULTS.md) and ``chart`` (PNG); ``common`` holds the paths.
The first paragraph above is the ``--help`` description.
"""
