"""Shared fixtures and tolerances of the fastconv test suite.

Import path
-----------
The repository-root conftest.py makes ``python -m pytest`` from the root test the
installed package.  The test modules import the helpers below with ``from conftest
import ...``; this file puts its own folder on ``sys.path`` so that works under every
``--import-mode``.

ISA fixture
-----------
``isa`` runs a test once per instruction set this CPU and build support
(``fastconv.config()["isa_supported"]``, e.g. baseline, avx2, avx512), selecting
it in-process with :func:`fastconv.set_isa` and restoring the previous choice
afterwards.

Hypothesis
----------
The "ci" profile (loaded by default) is derandomised and keeps no example
database, so every run draws the same examples; ``deadline=None`` because the
first call of a kernel may page in code.  ``HYPOTHESIS_PROFILE=dev`` gives a
randomised profile with more examples for local bug hunting.

Tolerances
----------
See :func:`assert_close`: float64 results must agree with the float64 oracle to
``1e-10 * max|ref|``; float32 results to ``1e-5 * sqrt(n) * max|ref|`` where n
is the reduction length (the number of products summed into one output).
"""
import functools
import math
import os
import sys

# The test modules import their helpers with ``from conftest import ...``; make that work
# under every --import-mode (pytest's default "prepend" already puts tests/ on sys.path).
_TESTS = os.path.dirname(os.path.abspath(__file__))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

import fastconv  # noqa: E402
from fastconv import _core  # noqa: E402

# --------------------------------------------------------------------------- hypothesis

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=200,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# --------------------------------------------------------------------------- threads

#: Default thread count while testing.  One thread keeps the suite's CPU use modest and
#: its run time stable on a shared machine (OpenMP barriers of tiny calls slow down a lot
#: when cores are oversubscribed).  Multi-threaded execution is covered by
#: tests/test_threads.py (bit-for-bit equality with one thread, random problems included)
#: and by the tests that pass num_threads explicitly.  Override with FASTCONV_TEST_THREADS.
TEST_THREADS = int(os.environ.get("FASTCONV_TEST_THREADS", "1"))
fastconv.set_num_threads(TEST_THREADS)


# --------------------------------------------------------------------------- ISA fixture

ISAS = list(fastconv.config()["isa_supported"])


@pytest.fixture(scope="session")
def torch():
    """PyTorch as an extra oracle, one thread (the machine has two); skip where absent."""
    t = pytest.importorskip("torch")
    t.set_num_threads(1)
    return t


@pytest.fixture(params=ISAS)
def isa(request):
    """Select one supported ISA for the duration of the test, then restore the old one."""
    original = fastconv.config()["isa"]
    fastconv.set_isa(request.param)
    assert fastconv.config()["isa"] == request.param
    try:
        yield request.param
    finally:
        fastconv.set_isa(original)


# --------------------------------------------------------------------------- tolerances

#: float64 results: |err| <= F64_RTOL * max|ref| (summation error is ~1e-16 * sqrt(n)).
F64_RTOL = 1e-10

#: float32 results: |err| <= F32_COEF * sqrt(n) * max|ref|, n the reduction length
#: (products summed into one output: C/groups * prod(kernel) (+1 with a bias) forward,
#: K/groups * prod(kernel) backward-input, N * prod(out) backward-weight, the overlap
#: prod(min(n1, n2)) for the single-array functions).  The reference is computed in float64
#: from the same float32 inputs, so only the kernels' arithmetic is measured.  Measured on
#: random normal data, every ISA, n from 1 to ~22000: the worst err / (sqrt(n) * max|ref|)
#: is 5.7e-8 (float32 eps is 1.2e-7; blocked/vector summation keeps the error near
#: eps * sqrt(n) * typical term, and max|ref| is ~sqrt(n) typical terms).  1e-5 leaves
#: >100x headroom, while an indexing bug (a wrong or missing term, an error of the order
#: of max|ref| / sqrt(n)) still fails whenever n < ~1e4: every float32 test here except
#: the one that checks the bound itself at n = 21904 (test_backward_weight_large_reduction).
F32_COEF = 1e-5


def tolerance(dtype, n=1):
    """Absolute-error bound per unit of max|ref| for a result of ``dtype`` reducing n terms."""
    if np.dtype(dtype) == np.float64:
        return F64_RTOL
    if np.dtype(dtype) == np.float32:
        return F32_COEF * math.sqrt(max(int(n), 1))
    raise AssertionError(f"unexpected result dtype {dtype}")


def assert_close(actual, expected, n=1, dtype=None, scale=None, err_msg=""):
    """Assert ``actual`` (a fastconv result) matches ``expected`` (the float64 oracle).

    Checks: ``actual`` is an ndarray of ``dtype`` (default: its own dtype, which must
    be float32 or float64) and of ``expected``'s shape, every value is finite where the
    reference is, and ``max|actual - expected| <= tolerance(dtype, n) * scale`` with
    ``scale = max|expected|`` (1 when the reference is all zero).
    """
    assert isinstance(actual, np.ndarray), f"{err_msg}: expected an ndarray, got {type(actual)}"
    if dtype is not None:
        assert actual.dtype == np.dtype(dtype), f"{err_msg}: dtype {actual.dtype} != {dtype}"
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{err_msg}: shape {actual.shape} != {expected.shape}"
    if expected.size == 0:
        return
    assert np.all(np.isfinite(actual)), f"{err_msg}: non-finite values in the result"
    if scale is None:
        scale = float(np.max(np.abs(expected)))
        if scale == 0.0:
            scale = 1.0
    bound = tolerance(actual.dtype, n) * scale
    err = np.abs(actual.astype(np.float64) - expected)
    worst = float(np.max(err))
    if worst > bound:
        idx = np.unravel_index(int(np.argmax(err)), err.shape)
        raise AssertionError(
            f"{err_msg}: max |err| = {worst:.3e} > bound {bound:.3e} (dtype {actual.dtype}, "
            f"n={n}, scale={scale:.3e}); worst at {idx}: got {actual[idx]!r}, "
            f"expected {expected[idx]!r}; {int(np.sum(err > bound))} of {err.size} elements off")


def central_difference(f, a, eps=1e-3):
    """d f / d a by central differences, perturbing ``a`` in place element by element.

    The tests' losses are linear in every argument (sum(R * conv(x, w) + b)), so the
    difference quotient is exact up to rounding whatever eps is.
    """
    grad = np.empty_like(a)
    for i in np.ndindex(a.shape):
        old = a[i]
        a[i] = old + eps
        fp = f()
        a[i] = old - eps
        fm = f()
        a[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad


def rand(rng, shape, dtype=np.float64):
    """Standard-normal array of ``shape`` and ``dtype`` (the test data of every module)."""
    return rng.standard_normal(shape).astype(dtype)


@pytest.fixture
def rng(request):
    """A NumPy Generator seeded from the test's node id (repeatable, distinct per test)."""
    seed = sum(ord(ch) * (i + 1) for i, ch in enumerate(request.node.nodeid)) % (2**32)
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------- conv cases

@functools.lru_cache(maxsize=None)
def _kernel_tiles(isa, dtype_name):
    return _core.kernel_tiles(isa, dtype_name)


def tiles(isa, dtype):
    """Register tiles of ``isa``'s kernels for ``dtype``, read from the library's kernel
    tables (fc_kernel_tiles: the only copy of the numbers; float64 has half the lanes).
    A dict of ints: lanes; mr, nr (forward tile: output channels x pixels), mr2, nr2 (the
    narrow tile, for <= mr2 output channels a group), nr1 (one output channel); rb, rnr
    (2-D/3-D single-array multi-row tile: rows x pixels); wk, wnj, wkw, wnjw, wkn, wnjn
    (backward-weight: output channels x input streams, the standard, the wide tile used
    when it pads k no more, and the one-vector tile); wdk, wds (pixel-vectorised
    backward-weight: grad_out rows x input streams, used for 4+ images with fewer than
    wk output channels or at most 48 (c, t) input streams; 1 x wds1 with one output
    channel a group); kw, kp (channels-vectorised forward: kw output channels x up to kp
    pixels of a row)."""
    return dict(_kernel_tiles(isa, np.dtype(dtype).name))


def edge_channels(isa, dtype, extra=(1, 2, 5, 13)):
    """Output-channel counts around both forward channel tiles (mr2 and mr) plus extras."""
    t = tiles(isa, dtype)
    return around(t["mr2"], t["mr"], extra=extra)


def edge_pixels(isa, dtype, extra=(1, 7, 31)):
    """Pixel counts around every forward pixel tile (nr, nr2, nr1) plus extras."""
    t = tiles(isa, dtype)
    return around(t["nr"], t["nr2"], t["nr1"], extra=extra)


def around(*centres, extra=()):
    """Sorted positive sizes c-1, c, c+1 for every centre, 2c+1, plus ``extra``."""
    out = set(extra)
    for c in centres:
        out.update((c - 1, c, c + 1, 2 * c + 1))
    return sorted(n for n in out if n >= 1)


def explicit_pads(padding, kernel, dilation):
    """(low, high) zeros per spatial axis for every padding form, computed independently
    of fastconv._params (the torch comparisons pad with these)."""
    nd = len(kernel)
    reach = [d * (k - 1) for k, d in zip(kernel, dilation)]
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * nd
        if padding == "full":
            return [(r, r) for r in reach]
        assert padding == "same"
        return [(r // 2, r - r // 2) for r in reach]
    if isinstance(padding, int):
        return [(padding, padding)] * nd
    return [(p, p) if isinstance(p, int) else tuple(p) for p in padding]


def per_axis(v, nd):
    return (v,) * nd if isinstance(v, int) else tuple(v)


def conv_reduction_length(w_shape, bias=False):
    """Products summed into one forward output: C/groups * prod(kernel) (+1 for a bias)."""
    return math.prod(w_shape[1:]) + (1 if bias else 0)


def _maybe_int(draw, values):
    """An int when every axis has the same value and a coin says so, else the tuple."""
    from hypothesis import strategies as st
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return tuple(values)


def conv_cases(nd=None, max_batch=3, max_cg=4, max_kg=4, forms=None):
    """Hypothesis strategy of batched-convolution problems.

    Draws the rank (1-3 spatial axes), batch, groups (1-3) and channels per group, kernel
    sizes (odd and even), stride, dilation and one padding form: an int, one int per
    axis, (low, high) pairs, "valid", "same" (stride 1) or "full"; then input sizes large
    enough for at least one output.  Returns a dict with x_shape, w_shape, kw (keyword
    arguments of conv_forward except bias), bias (bool), dtype and seed.
    """
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        n_sp = nd if nd is not None else draw(st.integers(1, 3))
        kmax, smax = {1: (5, 24), 2: (4, 9), 3: (3, 5)}[n_sp]
        groups = draw(st.sampled_from([1, 1, 2, 3]))
        cg = draw(st.integers(1, max_cg))
        kg = draw(st.integers(1, max_kg))
        batch = draw(st.integers(1, max_batch))
        kernel = [draw(st.integers(1, kmax)) for _ in range(n_sp)]
        form = draw(st.sampled_from(forms or ["int", "axis", "pairs", "valid", "same", "full"]))
        stride = [1] * n_sp if form == "same" else [draw(st.integers(1, 3)) for _ in range(n_sp)]
        dilation = [draw(st.integers(1, 3)) for _ in range(n_sp)]
        if form == "int":
            padding = draw(st.integers(0, 3))
        elif form == "axis":
            padding = tuple(draw(st.integers(0, 3)) for _ in range(n_sp))
        elif form == "pairs":
            padding = tuple((draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(n_sp))
        else:
            padding = form
        pads = explicit_pads(padding, kernel, dilation)
        spatial = []
        for k, d, (lo, hi) in zip(kernel, dilation, pads):
            size = draw(st.integers(1, smax))
            spatial.append(max(size, d * (k - 1) + 1 - lo - hi, 1))
        kw = dict(stride=_maybe_int(draw, stride), padding=padding,
                  dilation=_maybe_int(draw, dilation), groups=groups,
                  flip=draw(st.booleans()))
        return dict(x_shape=(batch, groups * cg) + tuple(spatial),
                    w_shape=(groups * kg, cg) + tuple(kernel), kw=kw,
                    bias=draw(st.booleans()),
                    dtype=draw(st.sampled_from([np.float32, np.float64])),
                    seed=draw(st.integers(0, 2**32 - 1)))

    return build()


def out_spatial(x_shape, w_shape, kw):
    """Forward output spatial shape, computed independently of fastconv."""
    nd = len(x_shape) - 2
    kernel = w_shape[2:]
    stride, dilation = per_axis(kw.get("stride", 1), nd), per_axis(kw.get("dilation", 1), nd)
    pads = explicit_pads(kw.get("padding", 0), kernel, dilation)
    return tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                 for n, k, s, d, (lo, hi) in zip(x_shape[2:], kernel, stride, dilation, pads))


def torch_conv_forward(torch, x, w, b, stride=1, padding=0, dilation=1, groups=1, flip=False):
    """PyTorch float64 forward (padding applied with F.pad so every form is supported)."""
    F = torch.nn.functional
    nd = x.ndim - 2
    kernel = w.shape[2:]
    dil = per_axis(dilation, nd)
    pads = explicit_pads(padding, kernel, dil)
    tx = torch.as_tensor(np.asarray(x, dtype=np.float64))
    tw = torch.as_tensor(np.asarray(w, dtype=np.float64))
    if flip:
        tw = torch.flip(tw, dims=list(range(2, 2 + nd)))
    flat = [v for lo_hi in reversed(pads) for v in lo_hi]
    tx = F.pad(tx, flat)
    tb = None if b is None else torch.as_tensor(np.asarray(b, dtype=np.float64))
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[nd]
    return conv(tx, tw, tb, stride=per_axis(stride, nd), dilation=dil, groups=groups).numpy()


def fits(x_shape, w_shape, kw):
    """True when the dilated kernel fits in the padded input on every axis."""
    nd = len(x_shape) - 2
    dilation = per_axis(kw.get("dilation", 1), nd)
    pads = explicit_pads(kw.get("padding", 0), w_shape[2:], dilation)
    return all(n + lo + hi >= d * (k - 1) + 1
               for n, k, d, (lo, hi) in zip(x_shape[2:], w_shape[2:], dilation, pads))
