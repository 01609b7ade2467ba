"""Every layout of fastconv.ndimage's C passes, forced, against scipy.ndimage, and what
fastconv.explain reports of them.

The passes plan in src/ndimage/ (fc_sep_plan_make, fc_sep2d_plan_make): a 1-D pass runs
LANES (vectorised across a contiguous inner axis), LINES (lines one at a time, or an
interleaved group for running means) or the row kernel of running means (rowk, along
contiguous lines); two passes over the last two axes run fused through bands.  Each is
forced here (``sepkind``, ``seprowk`` of fc_plan_force; ``ndfuse``) on shapes where the
planner would not pick it, and compared with SciPy: float64 and every uniform filter
bit for bit, float32 correlations within their documented bound."""
import numpy as np
import pytest
from scipy import ndimage as sn

import fastconv
from fastconv import _plan
from fastconv import ndimage as fn

EPS32 = float(np.finfo(np.float32).eps)
FORCES = ["", "sepkind=lanes", "sepkind=lines", "seprowk=0", "seprowk=1", "ndfuse=0",
          "sepkind=lines,seprowk=0,ndfuse=0"]
SHAPES = [(37, 41), (3, 50, 29), (130, 7), (6, 300)]
CALLS = [  # name, scipy/fastconv function name, args, kwargs, exact in float32
    ("correlate1d", ([0.5, -1.0, 2.0, 0.25],), {"axis": 0}, False),
    ("correlate1d", ([0.5, -1.0, 2.0, 0.25, 3.0],), {"axis": -1}, False),
    ("uniform_filter1d", (4,), {"axis": 0}, True),
    ("uniform_filter1d", (5,), {"axis": -1}, True),
    ("uniform_filter", (3,), {}, True),
    ("gaussian_filter", (1.3,), {}, False),
    ("sobel", (), {"axis": -1}, False),
]


def _check(name, x, args, kw, exact, what):
    got = getattr(fn, name)(x, *args, **kw)
    want = getattr(sn, name)(x, *args, **kw)
    if x.dtype == np.float64 or exact:
        np.testing.assert_array_equal(got, want, err_msg=what)
    else:  # float32 sums in float32: a few eps of the sum of |terms| per pass
        bound = 64 * EPS32 * (np.abs(x).max() + abs(kw.get("cval", 0.0))) * 4
        assert np.abs(got.astype(np.float64) - want).max() <= bound, what


@pytest.mark.parametrize("spec", FORCES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forced_modes_match_scipy(spec, dtype):
    r = np.random.default_rng(40)
    with _plan.forced(spec):
        for shape in SHAPES:
            x = r.standard_normal(shape).astype(dtype)
            for name, args, kw, exact in CALLS:
                for mode in ("reflect", "constant", "wrap"):
                    k = dict(kw, mode=mode, cval=0.1)
                    _check(name, x, args, k, exact, f"{spec} {shape} {name} {k}")


def _modes(plan):
    return [(p["op"], p["mode"]) for p in plan["passes"]]


def test_explain_reports_each_forced_mode():
    """explain shows the layout every pass takes, and each force reaches its layout."""
    x = np.zeros((64, 300), np.float32)
    assert _modes(fastconv.explain(fn.correlate1d, x, [1.0, 2.0, 1.0], axis=0)) == \
        [("correlate1d", "lanes")]
    assert _modes(fastconv.explain(fn.uniform_filter1d, x, 5, axis=-1)) == [("uniform1d", "rowk")]
    assert _modes(fastconv.explain(fn.uniform_filter, x, 5)) == [("uniform_sep2d", "fused")]
    p = fastconv.explain(fn.gaussian_filter, x, 2.0)
    assert _modes(p) == [("correlate_sep2d", "fused")] and p["order"] == "col_first"
    assert p["function"] == "gaussian_filter" and p["dtype"] == "float32"
    assert isinstance(p["workspace_bytes"], int) and p["workspace_bytes"] > 0
    with _plan.forced("sepkind=lines"):
        assert _modes(fastconv.explain(fn.correlate1d, x, [1.0, 2.0, 1.0], axis=0)) == \
            [("correlate1d", "lines")]
    with _plan.forced("seprowk=0"):
        p = fastconv.explain(fn.uniform_filter1d, x, 5, axis=-1)
        assert _modes(p) == [("uniform1d", "lines")] and p["kernel"] == "box"
    with _plan.forced("ndfuse=0"):
        assert _modes(fastconv.explain(fn.uniform_filter, x, 5)) == \
            [("uniform1d", "lanes"), ("uniform1d", "rowk")]
    with _plan.forced("ndfuse=0,sepkind=lines,seprowk=0"):
        assert _modes(fastconv.explain(fn.uniform_filter, x, 5)) == \
            [("uniform1d", "lines"), ("uniform1d", "lines")]
    # a force the layout cannot take is ignored: LANES needs a contiguous inner axis
    with _plan.forced("sepkind=lanes"):
        assert _modes(fastconv.explain(fn.correlate1d, x, [1.0, 2.0], axis=-1)) == \
            [("correlate1d", "lines")]
    out = np.full(x.shape, 7.0, np.float32)
    fastconv.explain(fn.gaussian_filter, x + 1, 2.0, output=out)
    assert np.all(out == 7.0)  # explained, not run
    with pytest.raises(ValueError, match="ndfuse"):
        with _plan.forced("ndfuse=2"):
            pass


def test_describe_threads_and_bad_arguments():
    """The C description follows the thread count and validates like the passes."""
    s, st = (1, 4096, 512), (4096 * 512, 512, 1)
    one = fastconv._core.describe_ndimage(0, s, st, st, 5, 0, False, True, 1)
    two = fastconv._core.describe_ndimage(0, s, st, st, 5, 0, False, True, 2)
    assert "threads=1" in one and "threads=2" in two and "mode=lanes" in one
    with pytest.raises(ValueError):
        fastconv._core.describe_ndimage(0, s, st, st, 0, 0, False, True, 1)  # no taps
    with pytest.raises(ValueError):
        fastconv._core.describe_ndimage(2, s, st, (4096 * 512, 512, 2), 3, 3, True, True, 1)
