"""numpydoc docstrings of :mod:`fastconv.dask`, assembled from shared parameter entries
(fifteen functions share most of their parameters; one text per parameter keeps them
consistent)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Sequence

_IN = "dask.array.Array"
PARAMS: Dict[str, str] = {
    "input": f"""input : {_IN}
    Any rank and chunking, with known chunk sizes.  A chunk shorter than the depth is
    merged with its neighbours; an axis shorter than the depth becomes one chunk.""",
    "weights": """weights : array_like
    As in :mod:`fastconv.ndimage`; an in-memory array (a dask one is computed).""",
    "axis": """axis : int, default -1
    The axis to filter.""",
    "output": """output : dtype, optional
    dtype of the result (default: as :mod:`fastconv.ndimage` chooses).  An array is not
    accepted: the result is a new lazy array.""",
    "mode": """mode : str or sequence of str, default 'reflect'
    'reflect', 'constant', 'nearest', 'mirror', 'wrap' or a ``grid-`` name, as in
    :mod:`fastconv.ndimage`.  The array's true edges are extended by the mode itself
    ('wrap' through a periodic overlap).""",
    "mode1": """mode : str, default 'reflect'
    As in :mod:`fastconv.ndimage`; the true edges are extended by the mode itself.""",
    "cval": """cval : scalar, default 0.0
    The fill value of mode 'constant'.""",
    "origin": """origin : int or sequence of int, default 0
    Shift of the filter, as in :mod:`fastconv.ndimage`; the depth grows by ``|origin|``.""",
    "axes": """axes : None, int or sequence of int, optional
    The axes to filter (default all).""",
    "sigma": """sigma : float or sequence of float
    Standard deviation of the Gaussian (per filtered axis).""",
    "order": """order : int or sequence of int, default 0
    Order of the derivative of the Gaussian.""",
    "truncate": """truncate : float, default 4.0
    The radius is ``int(truncate * sigma + 0.5)`` unless `radius` is given.""",
    "radius": """radius : int or sequence of int, optional
    The radius of the kernel (the depth of the overlap).""",
    "size": """size : int or sequence of int
    Taps of the mean (per filtered axis).""",
    "in1": f"""in1 : {_IN}
    The signal or image, 1-D to 3-D (2-D for the ``*2d`` functions), any chunking.""",
    "in2": """in2 : array_like
    The kernel, in memory (a dask one is computed), of in1's rank.  In "valid" mode it
    must not be longer than in1 along any axis.""",
    "smode": """mode : {"full", "same", "valid"}, default "full"
    The output size, as in :func:`fastconv.correlate`; "full" and "valid" change the last
    chunk of each axis by ``+-(len(in2) - 1)``.""",
    "boundary": """boundary : {"fill", "wrap", "symm"}, default "fill"
    How in1 is extended beyond its true edges (SciPy's aliases accepted).""",
    "fillvalue": """fillvalue : scalar, default 0
    The value of ``boundary="fill"``.""",
    "num_threads": """num_threads : int, optional
    Threads each task gives fastconv.  Default: ``max(1, CPU_COUNT // slots)``, where
    slots is the number of tasks that can run at once on the same cores (see
    :mod:`fastconv.dask`).""",
    "method": """method : {"auto", "direct", "fft"}, default "auto"
    As in :func:`fastconv.correlate`, chosen per block ("auto" may pick differently for a
    block than for the whole array; "direct" gives the in-memory call's bits).  The
    overlap is the kernel's either way.""",
    "x": f"""x : {_IN}, shape ``(N, C, *spatial)``
    Chunked along the batch axis N (other axes are made one chunk).""",
    "w": """w : array_like, shape ``(K, C // groups, *kernel)``
    The kernels, in memory (a dask array is computed).""",
    "bias": """bias : array_like, shape (K,), optional
    Added to every output pixel of channel k.""",
    "conv": """stride, padding, dilation, groups, flip
    As in :func:`fastconv.conv_forward`.""",
    "grad_out": f"""grad_out : {_IN}, shape ``(N, K, *out_spatial)``
    dLoss/dy, chunked along the batch axis.""",
    "input_shape": """input_shape : sequence of ints
    ``(N, C, *spatial)``, the shape of the forward call's x.""",
    "gx": f"""x : {_IN}, shape ``(N, C, *spatial)``
    The forward call's input, with the same batch chunks as `grad_out`.""",
    "weight_shape": """weight_shape : sequence of ints
    ``(K, C // groups, *kernel)``, the shape of w.""",
}

RAISES_ND = """TypeError
    `input` not a dask array, or `output` an array; otherwise as the in-memory function.
ValueError
    `input` with unknown (NaN) chunk sizes; otherwise as the in-memory function (every
    argument is checked when the lazy array is built, not when it is computed)."""


def docstring(summary: str, params: Sequence[str], returns: str, raises: str, examples: str,
              notes: str = "") -> Callable[[Any], Any]:
    """A decorator setting a function's numpydoc docstring from the shared entries."""
    parts = [summary.strip(), "", "Parameters", "----------"]
    parts += [PARAMS[p] for p in params]
    parts += ["", "Returns", "-------", returns.strip(), "", "Raises", "------", raises.strip()]
    if notes:
        parts += ["", "Notes", "-----", notes.strip()]
    parts += ["", "Examples", "--------", examples.strip()]
    text = "\n".join(parts) + "\n"

    def set_doc(f: Any) -> Any:
        f.__doc__ = text
        return f
    return set_doc
