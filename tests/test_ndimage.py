"""fastconv.ndimage against scipy.ndimage itself (and the NumPy oracle
fastconv.reference.ndimage_correlate for the N-d correlation).

Tolerances: float64 results must agree with SciPy to ``1e-14 * sum|w| * max|x|`` (SciPy
sums in a different order; correlate1d and uniform_filter are compared bit for bit
where they are documented to be bit-identical); float32-in, float32-out results, which
fastconv computes in float32 where SciPy computes in double, to the documented bound
``2 * K * eps32 * sum|w| * max|x|`` per pass.
"""
import numpy as np
import pytest
from scipy import ndimage as sn

import fastconv
from fastconv import ndimage as fn
from fastconv import reference

MODES = ["reflect", "constant", "nearest", "mirror", "wrap", "grid-mirror", "grid-constant",
         "grid-wrap"]
EPS32 = float(np.finfo(np.float32).eps)


def rng(seed=0):
    return np.random.default_rng(seed)


def close64(got, want, scale):
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14 * scale)


def origins_of(w):
    return sorted({-(w // 2), 0, (w - 1) // 2})


# ---------------------------------------------------------------- 1-D filters

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("nw", [1, 2, 3, 4, 7])
def test_correlate1d_modes_origins_axes(mode, nw):
    """Every mode, origin at both limits, even and odd widths, every axis of a 3-D array:
    bit-identical to SciPy in float64 (same summation order)."""
    x = rng(nw).standard_normal((5, 6, 7))
    w = rng(nw + 1).standard_normal(nw)
    for axis in (0, 1, 2, -1):
        for o in origins_of(nw):
            for f in ("correlate1d", "convolve1d"):
                got = getattr(fn, f)(x, w, axis=axis, mode=mode, cval=1.25, origin=o)
                want = getattr(sn, f)(x, w, axis=axis, mode=mode, cval=1.25, origin=o)
                np.testing.assert_array_equal(got, want, err_msg=f"{f} axis {axis} origin {o}")


@pytest.mark.parametrize("mode", MODES)
def test_uniform_filter1d_bit_identical(mode):
    """Running sums in SciPy's order: float64 and float32 equal SciPy exactly."""
    for dt in (np.float64, np.float32):
        x = rng(3).standard_normal((4, 33, 18)).astype(dt)
        for size in (1, 2, 5, 40):   # 40: wider than the axis
            for axis in (0, 1, 2):
                for o in origins_of(size):
                    got = fn.uniform_filter1d(x, size, axis=axis, mode=mode, cval=-0.5, origin=o)
                    want = sn.uniform_filter1d(x, size, axis=axis, mode=mode, cval=-0.5, origin=o)
                    np.testing.assert_array_equal(got, want, err_msg=f"{dt} {size} {axis} {o}")


@pytest.mark.parametrize("mode", ["constant", "grid-constant"])
def test_uniform_float32_cval_not_a_float(mode):
    """SciPy's line buffers are double and hold cval unrounded: a float32 image with
    cval = 0.1 (not a float) sums 0.1, not float32(0.1) = 0.100000001490116, at its
    borders.  Every layout of the running sums (lanes across the inner axis, interleaved
    lines, the row kernel along the last axis, the fused 2-D pass): SciPy's bits."""
    r = rng(30)
    for shape in [(40, 50), (7, 9, 300), (300, 7), (1000,), (2, 600, 40)]:
        x = r.random(shape).astype(np.float32)
        for cval in (0.1, 1 / 3, -2.7e-3):
            assert float(np.float32(cval)) != cval
            for size in (2, 3, 12):
                for axis in range(x.ndim):
                    np.testing.assert_array_equal(
                        fn.uniform_filter1d(x, size, axis=axis, mode=mode, cval=cval),
                        sn.uniform_filter1d(x, size, axis=axis, mode=mode, cval=cval),
                        err_msg=f"{shape} axis {axis} size {size} cval {cval}")
                np.testing.assert_array_equal(fn.uniform_filter(x, size, mode=mode, cval=cval),
                                              sn.uniform_filter(x, size, mode=mode, cval=cval),
                                              err_msg=f"{shape} size {size} cval {cval}")


def test_1d_ranks_and_long_lines():
    """Ranks 1 to 4; lines long enough to be cut into bands for the threads."""
    r = rng(5)
    for shape in [(3000,), (2, 2500), (3, 4, 5), (2, 3, 4, 5), (700, 3)]:
        x = r.standard_normal(shape)
        for axis in range(len(shape)):
            w = r.standard_normal(5)
            np.testing.assert_array_equal(fn.correlate1d(x, w, axis=axis),
                                          sn.correlate1d(x, w, axis=axis))
            np.testing.assert_array_equal(fn.uniform_filter1d(x, 6, axis=axis, mode="wrap"),
                                          sn.uniform_filter1d(x, 6, axis=axis, mode="wrap"))


def test_size_one_axes_and_kernels_larger_than_input():
    """mirror/reflect/wrap on axes of length 1 and 2 with kernels many periods longer."""
    r = rng(6)
    for shape in [(1,), (2,), (1, 5), (3, 1), (2, 1, 3)]:
        x = r.standard_normal(shape)
        for mode in MODES:
            for axis in range(len(shape)):
                w = r.standard_normal(11)
                for o in (-5, 0, 5):
                    np.testing.assert_array_equal(
                        fn.correlate1d(x, w, axis=axis, mode=mode, origin=o, cval=3.0),
                        sn.correlate1d(x, w, axis=axis, mode=mode, origin=o, cval=3.0))
            wn = r.standard_normal((5,) * len(shape))
            close64(fn.correlate(x, wn, mode=mode, cval=3.0),
                    sn.correlate(x, wn, mode=mode, cval=3.0), np.abs(wn).sum() * 4)
            close64(reference.ndimage_correlate(x, wn, mode=mode, cval=3.0),
                    sn.correlate(x, wn, mode=mode, cval=3.0), np.abs(wn).sum() * 4)


def test_strided_views_and_fortran():
    """Negative strides, every-other-element views, Fortran order, and outputs that are
    views: same results as SciPy on the copies."""
    base = rng(7).standard_normal((12, 14, 10))
    w = np.array([0.5, -1.0, 2.0, 0.25])
    views = [base[::-1], base[:, ::2, ::-3], np.asfortranarray(base), base.transpose(2, 0, 1),
             base[1:, 2:, 3]]
    for v in views:
        for axis in range(v.ndim):
            want = sn.correlate1d(np.ascontiguousarray(v), w, axis=axis, mode="mirror")
            np.testing.assert_array_equal(fn.correlate1d(v, w, axis=axis, mode="mirror"), want)
            out = np.zeros((v.shape[0] * 2,) + v.shape[1:])[::2]
            r = fn.correlate1d(v, w, axis=axis, output=out, mode="mirror")
            assert r is out or np.shares_memory(r, out)
            np.testing.assert_array_equal(out, want)
            np.testing.assert_array_equal(fn.uniform_filter1d(v, 3, axis=axis),
                                          sn.uniform_filter1d(np.ascontiguousarray(v), 3, axis=axis))


def test_float32_within_bound():
    """float32 computes in float32: within 2*K*eps32*sum|w|*max|x| of SciPy (double)."""
    x = rng(8).standard_normal((64, 300)).astype(np.float32)
    for K in (3, 9, 25):
        w = rng(K).standard_normal(K)
        for axis in (0, 1):
            got = fn.correlate1d(x, w, axis=axis)
            want = sn.correlate1d(x, w, axis=axis)
            assert got.dtype == np.float32
            bound = 2 * K * EPS32 * np.abs(w).sum() * np.abs(x).max()
            assert np.abs(got.astype(np.float64) - want).max() <= bound
    g = fn.gaussian_filter(x, 3.0)
    want = sn.gaussian_filter(x, 3.0)
    assert np.abs(g.astype(np.float64) - want).max() <= 2 * 2 * 25 * EPS32 * np.abs(x).max()


# ---------------------------------------------------------------- N-d correlate / convolve

@pytest.mark.parametrize("mode", MODES)
def test_correlate_convolve_2d_modes_origins(mode):
    r = rng(9)
    x = r.standard_normal((17, 23))
    for wshape in [(3, 3), (4, 5), (2, 2), (1, 6), (7, 1)]:
        w = r.standard_normal(wshape)
        los = [-(k // 2) for k in wshape]
        his = [(k - 1) // 2 for k in wshape]
        for o in (los, [0, 0], his, (los[0], his[1])):
            scale = np.abs(w).sum() * np.abs(x).max()
            want = sn.correlate(x, w, mode=mode, cval=-2.0, origin=o)
            close64(fn.correlate(x, w, mode=mode, cval=-2.0, origin=o), want, scale)
            close64(reference.ndimage_correlate(x, w, mode=mode, cval=-2.0, origin=o), want, scale)
            close64(fn.convolve(x, w, mode=mode, cval=-2.0, origin=o),
                    sn.convolve(x, w, mode=mode, cval=-2.0, origin=o), scale)


@pytest.mark.parametrize("xshape,wshape", [
    ((30,), (5,)), ((9, 10, 11), (3, 4, 3)), ((9, 10, 11), (1, 3, 3)), ((9, 10, 11), (3, 1, 2)),
    ((4, 5, 6, 7), (2, 3, 1, 3)), ((4, 5, 6, 7), (1, 3, 1, 3)), ((3, 4, 5, 6), (1, 1, 1, 1)),
    ((6, 5, 4), (5, 5, 5)), ((2, 3), (6, 7))])
def test_correlate_ranks(xshape, wshape):
    """Ranks 1 to 4, batches of length-1 weight axes, kernels larger than the input."""
    r = rng(len(xshape) + sum(wshape))
    x = r.standard_normal(xshape)
    w = r.standard_normal(wshape)
    scale = np.abs(w).sum() * np.abs(x).max()
    for mode in ("reflect", "mirror", "constant", "wrap", "nearest"):
        want = sn.correlate(x, w, mode=mode, cval=0.5)
        close64(fn.correlate(x, w, mode=mode, cval=0.5), want, scale)
        close64(reference.ndimage_correlate(x, w, mode=mode, cval=0.5), want, scale)
        close64(fn.convolve(x, w, mode=mode, cval=0.5), sn.convolve(x, w, mode=mode, cval=0.5),
                scale)


def test_correlate_axes_subsets():
    r = rng(10)
    x = r.standard_normal((5, 6, 7, 4))
    for axes, wshape, origin in [((0, 2), (3, 4), (1, -2)), ((2, 0), (3, 4), (-1, 1)),
                                 ((1,), (5,), 2), ((3, 1, 0), (2, 3, 3), (0, 1, -1)), (3, (3,), 0)]:
        w = r.standard_normal(wshape)
        scale = np.abs(w).sum() * np.abs(x).max()
        for f in ("correlate", "convolve"):
            close64(getattr(fn, f)(x, w, mode="mirror", origin=origin, axes=axes),
                    getattr(sn, f)(x, w, mode="mirror", origin=origin, axes=axes), scale)


def test_correlate_views_outputs_dtypes():
    r = rng(11)
    base = r.standard_normal((20, 18))
    w = r.standard_normal((3, 4))
    for v in (base[::-1, ::2], np.asfortranarray(base), base.T):
        scale = np.abs(w).sum() * np.abs(v).max()
        close64(fn.correlate(v, w), sn.correlate(v, w), scale)
    # output arrays and dtypes: float32 from float64, int32 (truncation), a view
    for out_spec in (np.float32, "float64", np.zeros((20, 18), np.float32),
                     np.zeros((20, 18), np.int32), np.zeros((20, 36))[:, ::2]):
        mine = out_spec.copy() if isinstance(out_spec, np.ndarray) else out_spec
        theirs = out_spec.copy() if isinstance(out_spec, np.ndarray) else out_spec
        got = fn.correlate(base * 10, w, output=mine)
        want = sn.correlate(base * 10, w, output=theirs)
        assert got.dtype == want.dtype
        if isinstance(mine, np.ndarray):
            assert got is mine
        if got.dtype.kind == "i":
            # the sums agree to 1e-13; a truncation may differ only where a sum is within
            # that of an integer
            exact = sn.correlate(base * 10, w)
            near = np.abs(exact - np.round(exact)) < 1e-9
            np.testing.assert_array_equal(got[~near], want[~near])
        else:
            np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-5)


def test_integer_inputs_truncate():
    """Integer input -> integer output, SciPy's truncation toward zero, in every filter."""
    x = rng(12).integers(-50, 50, (13, 14)).astype(np.int16)
    for f, args in [("correlate", (np.full((2, 3), 0.3001),)), ("correlate1d", ([0.3, 0.3, 0.35],)),
                    ("gaussian_filter", (1.3,)), ("uniform_filter", (4,)), ("sobel", ()),
                    ("prewitt", ()), ("laplace", ()), ("uniform_filter1d", (3,)),
                    ("gaussian_filter1d", (2.0,)), ("convolve", (np.full((3, 2), 0.3001),))]:
        got = getattr(fn, f)(x, *args)
        want = getattr(sn, f)(x, *args)
        assert got.dtype == want.dtype == np.int16, f
        np.testing.assert_array_equal(got, want, err_msg=f)
    xb = np.array([[True, False, True], [False, False, True]])
    np.testing.assert_array_equal(fn.correlate1d(xb, [0.5, 0.5]), sn.correlate1d(xb, [0.5, 0.5]))
    np.testing.assert_array_equal(fn.uniform_filter(xb.astype(np.uint8), 2),
                                  sn.uniform_filter(xb.astype(np.uint8), 2))


def test_complex():
    r = rng(13)
    x = r.standard_normal((9, 8)) + 1j * r.standard_normal((9, 8))
    xr = r.standard_normal((9, 8))
    w = r.standard_normal((3, 2)) + 1j * r.standard_normal((3, 2))
    w1 = r.standard_normal(4) + 1j * r.standard_normal(4)
    for f in ("correlate", "convolve"):
        for a, ww in ((x, w), (xr, w), (x, w.real)):
            got = getattr(fn, f)(a, ww, mode="wrap", origin=(1, 0))
            want = getattr(sn, f)(a, ww, mode="wrap", origin=(1, 0))
            assert got.dtype == want.dtype
            np.testing.assert_allclose(got, want, atol=1e-13)
    for f in ("correlate1d", "convolve1d"):
        for a, ww in ((x, w1), (xr, w1), (x, w1.real)):
            np.testing.assert_allclose(getattr(fn, f)(a, ww, axis=0, mode="nearest", cval=1),
                                       getattr(sn, f)(a, ww, axis=0, mode="nearest", cval=1),
                                       atol=1e-13)
    x64 = x.astype(np.complex64)
    for f, args in [("gaussian_filter", (1.5,)), ("uniform_filter", (3,)), ("sobel", ()),
                    ("laplace", ())]:
        got, want = getattr(fn, f)(x64, *args), getattr(sn, f)(x64, *args)
        assert got.dtype == want.dtype == np.complex64
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_nan_inf_locality():
    """A NaN or Inf reaches exactly the outputs whose (nonzero) weights see it."""
    x = np.zeros((15, 16))
    x[7, 8] = np.nan
    x[2, 3] = np.inf
    w = rng(14).uniform(0.5, 1.0, (3, 4))
    for mode in ("reflect", "constant"):
        got, want = fn.correlate(x, w, mode=mode), sn.correlate(x, w, mode=mode)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
        np.testing.assert_array_equal(got[np.isfinite(want)], want[np.isfinite(want)])
        assert np.isnan(got).sum() == 12
    for f, args in [("gaussian_filter", (1.0,)), ("uniform_filter", (3,)), ("sobel", ())]:
        got, want = getattr(fn, f)(x, *args), getattr(sn, f)(x, *args)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f)
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want), err_msg=f)


# ---------------------------------------------------------------- separable filters

def test_gaussian_filters():
    r = rng(15)
    x = r.standard_normal((21, 19, 6))
    cases = [dict(sigma=1.0), dict(sigma=(0.5, 2.0, 1.0), order=(0, 1, 2)),
             dict(sigma=2.0, order=3, mode="wrap"), dict(sigma=1.5, truncate=2.0),
             dict(sigma=1.5, radius=(2, 0, 9)), dict(sigma=(2.0, 0.0, 1.0)),
             dict(sigma=1.0, mode=("nearest", "mirror", "constant"), cval=2.0),
             dict(sigma=(1.0, 3.0), axes=(2, 0), mode=("mirror", "wrap")), dict(sigma=0.0)]
    for kw in cases:
        np.testing.assert_allclose(fn.gaussian_filter(x, **kw), sn.gaussian_filter(x, **kw),
                                   rtol=0, atol=1e-14, err_msg=str(kw))
    for kw in [dict(sigma=1.0, axis=0), dict(sigma=3.0, order=2, axis=1, mode="grid-wrap"),
               dict(sigma=0.7, radius=5, axis=-1), dict(sigma=1.0, order=1, truncate=0.1)]:
        np.testing.assert_array_equal(fn.gaussian_filter1d(x, **kw), sn.gaussian_filter1d(x, **kw))


def test_uniform_sobel_prewitt_laplace():
    r = rng(16)
    for dt in (np.float64, np.float32):
        x = r.standard_normal((13, 11, 7)).astype(dt)
        for kw in [dict(size=3), dict(size=(2, 5, 1), origin=(-1, -2, 0)),
                   dict(size=4, mode=("wrap", "nearest", "constant"), cval=1.0),
                   dict(size=(3, 6), axes=(2, 0), origin=(0, 2))]:
            np.testing.assert_array_equal(fn.uniform_filter(x, **kw), sn.uniform_filter(x, **kw),
                                          err_msg=str(kw))
        tol = 0 if dt == np.float64 else 64 * EPS32 * float(np.abs(x).max())
        for f in ("sobel", "prewitt"):
            for axis in (0, 1, -1):
                for mode in ("reflect", ("wrap", "mirror", "nearest")):
                    np.testing.assert_allclose(getattr(fn, f)(x, axis=axis, mode=mode),
                                               getattr(sn, f)(x, axis=axis, mode=mode),
                                               rtol=0, atol=tol, err_msg=f"{f} {axis} {mode}")
        for kw in [dict(), dict(axes=(0, 2)), dict(mode=("mirror", "wrap", "constant"), cval=3.0)]:
            np.testing.assert_allclose(fn.laplace(x, **kw), sn.laplace(x, **kw), rtol=0,
                                       atol=tol, err_msg=str(kw))


def test_output_argument_and_in_place():
    x = rng(17).standard_normal((10, 12))
    out = np.empty_like(x)
    assert fn.gaussian_filter(x, 1.0, output=out) is out
    np.testing.assert_allclose(out, sn.gaussian_filter(x, 1.0), atol=1e-14)
    y = x.copy()
    fn.sobel(y, output=y)  # in place, as SciPy allows
    np.testing.assert_allclose(y, sn.sobel(x), atol=1e-14)
    y = x.copy()
    fn.correlate(y, np.ones((3, 3)), output=y)
    np.testing.assert_allclose(y, sn.correlate(x, np.ones((3, 3))), atol=1e-13)
    got = fn.uniform_filter(x, 3, output=np.float32)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, sn.uniform_filter(x, 3, output=np.float32))


def test_thread_count_does_not_change_results():
    x = rng(18).standard_normal((300, 257)).astype(np.float32)
    w = rng(19).standard_normal((5, 4)).astype(np.float32)
    res = []
    try:
        for n in (1, 2, 3):
            fastconv.set_num_threads(n)
            res.append([fn.correlate(x, w), fn.gaussian_filter(x, 2.0), fn.uniform_filter(x, 7),
                        fn.correlate1d(x, np.arange(5.0), axis=0)])
    finally:
        fastconv.set_num_threads(None)
    for r in res[1:]:
        for a, b in zip(res[0], r):
            np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- errors

@pytest.fixture
def no_c(monkeypatch):
    """Every bad argument must be caught before any C runs."""
    def boom(*a, **k):
        raise AssertionError("C was called")
    monkeypatch.setattr(fn._core, "ndimage_line", boom)
    monkeypatch.setattr(fn._core, "ndimage_correlate", boom)


X = np.zeros((6, 7))


@pytest.mark.parametrize("call,exc,words", [
    (lambda: fn.correlate(X, np.ones((3, 3)), mode="reflekt"), ValueError, ["mode"]),
    (lambda: fn.gaussian_filter(X, 1.0, mode=("wrap", "bad")), ValueError, ["mode"]),
    (lambda: fn.correlate1d(X, [1, 2, 3], origin=2), ValueError, ["origin"]),
    (lambda: fn.convolve1d(X, [1, 2], origin=1), ValueError, ["origin"]),
    (lambda: fn.correlate(X, np.ones((3, 4)), origin=(0, 2)), ValueError, ["origin"]),
    (lambda: fn.uniform_filter(X, 3, origin=-2), ValueError, ["origin"]),
    (lambda: fn.correlate(X, np.ones(3)), ValueError, ["weights"]),
    (lambda: fn.correlate(X, np.ones((3, 3)), axes=(0,)), ValueError, ["weights"]),
    (lambda: fn.correlate(X, np.ones((3, 3)), axes=(0, 2)), ValueError, ["axes"]),
    (lambda: fn.correlate(X, np.ones((3, 3)), axes=(1, 1)), ValueError, ["axes"]),
    (lambda: fn.correlate1d(X, [1.0], axis=2), ValueError, ["axis"]),
    (lambda: fn.sobel(X, axis=-3), ValueError, ["axis"]),
    (lambda: fn.gaussian_filter(X, -1.0), ValueError, ["sigma"]),
    (lambda: fn.gaussian_filter1d(X, 0.0), ValueError, ["sigma"]),
    (lambda: fn.gaussian_filter1d(X, 1.0, radius=-1), ValueError, ["radius"]),
    (lambda: fn.gaussian_filter(X, 1.0, order=-1), ValueError, ["order"]),
    (lambda: fn.uniform_filter(X, 0), ValueError, ["size"]),
    (lambda: fn.uniform_filter1d(X, -2), ValueError, ["size"]),
    (lambda: fn.uniform_filter(X, (3, 3, 3)), ValueError, ["size"]),
    (lambda: fn.correlate(np.array([["a"]]), np.ones((1, 1))), TypeError, ["input"]),
    (lambda: fn.gaussian_filter(np.zeros(3, np.float16), 1.0), TypeError, ["input"]),
    (lambda: fn.correlate1d(X, []), ValueError, ["weights"]),
    (lambda: fn.correlate1d(X, [1.0], output=np.zeros((6, 6))), ValueError, ["output"]),
    (lambda: fn.correlate1d(X, [1.0], cval=1j), ValueError, ["cval"]),
    (lambda: fn.correlate1d(X, [1.0], cval="x"), TypeError, ["cval"]),
    (lambda: fn.correlate(np.zeros((2,) * 5), np.ones((2,) * 4 + (1,))), NotImplementedError,
     ["3 axes"]),
])
def test_bad_arguments(no_c, call, exc, words):
    with pytest.raises(exc) as e:
        call()
    for word in words:
        assert word in str(e.value)


def test_runtime_error_cases_are_both():
    """Where SciPy raises RuntimeError, fastconv's error is a ValueError and a RuntimeError."""
    with pytest.raises(RuntimeError):
        sn.correlate(X, np.ones(3))
    with pytest.raises(RuntimeError):
        fn.correlate(X, np.ones(3))
    with pytest.raises(ValueError):
        fn.correlate(X, np.ones(3))


def test_fused_passes_equal_separate_passes(monkeypatch):
    """Two passes over the last two axes are fused through bands (column pass first for
    gaussian_filter, row pass first for sobel along the last axis): bit-identical to the
    same passes run one by one, for every mode pair, with threads."""
    calls = []
    real = fn._core.ndimage_sep2d
    monkeypatch.setattr(fn._core, "ndimage_sep2d", lambda *a: (calls.append(a[2]), real(*a)))
    r = rng(20)
    for dt in (np.float32, np.float64):
        for shape in [(37, 41), (3, 50, 29), (130, 7)]:
            x = r.standard_normal(shape).astype(dt)
            nd = len(shape)
            for modes in [("reflect", "constant"), ("wrap", "mirror"), ("nearest", "nearest")]:
                m = ("reflect",) * (nd - 2) + modes
                g = fn._gaussian_kernel1d(1.7, 0, 6)[::-1]
                want = x
                for ax in range(nd):
                    want = fn.correlate1d(want, g, axis=ax, mode=m[ax], cval=0.5)
                np.testing.assert_array_equal(fn.gaussian_filter(x, 1.7, mode=m, cval=0.5,
                                                                 truncate=3.5), want)
                want = fn.correlate1d(x, [-1, 0, 1], axis=nd - 1, mode=m[-1], cval=0.5)
                for ax in range(nd - 1):
                    want = fn.correlate1d(want, [1, 2, 1], axis=ax, mode=m[ax], cval=0.5)
                np.testing.assert_array_equal(fn.sobel(x, axis=-1, mode=m, cval=0.5), want)
    assert True in calls and False in calls  # both orders ran fused
