"""The FFT path of the single-array functions (method="fft"), method="auto" and
fastconv.choose_method, against scipy.signal's direct results.

Tolerance of the FFT path (documented in the README): the transforms' rounding is
relative to the norms of the inputs, |err| <= C * eps * log2(N) * ||in1||_2 * ||in2||_2
with N the points of a tile; the tests hold float64 to 1e-12 * max|direct| on the
issue's 1024^2 / 63x63 case, float32 to 1e-4 * max|direct|, and every other case to
8 * eps * log2(N + 1) * ||in1|| * ||in2||.
"""
import math

import numpy as np
import pytest
import scipy.signal as ss

import fastconv as fc

FNS = {"correlate": (fc.correlate, ss.correlate), "convolve": (fc.convolve, ss.convolve)}


def _bound(a, b, dtype):
    eps = np.finfo(dtype).eps
    return 8 * eps * math.log2(a.size + b.size + 1) * np.linalg.norm(a) * np.linalg.norm(b)


CASES = [((100,), (7,)), ((1000,), (64,)), ((5000,), (300,)), ((31,), (40,)), ((1,), (5,)),
         ((50, 60), (9, 7)), ((64, 65), (8, 12)), ((20, 22), (30, 25)), ((3, 4), (2, 2)),
         ((130, 127), (25, 26)), ((16, 17, 18), (5, 6, 7)), ((9, 10, 11), (12, 3, 4))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fname", ["correlate", "convolve"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shapes", CASES, ids=str)
def test_fft_matches_scipy(shapes, mode, fname, dtype):
    s1, s2 = shapes
    rng = np.random.default_rng(abs(hash((s1, s2))) % 2**32)
    a = rng.standard_normal(s1).astype(dtype)
    b = rng.standard_normal(s2).astype(dtype)
    ours, theirs = FNS[fname]
    if mode == "valid" and not (all(m >= n for m, n in zip(s1, s2)) or all(m <= n for m, n in zip(s1, s2))):
        # SciPy swaps the inputs where in2 is the larger in every axis (the cases above with
        # a longer in2) and refuses where neither is: fastconv must refuse the same way
        with pytest.raises(ValueError, match="at least as large as the other in every dimension"):
            theirs(a.astype(np.float64), b.astype(np.float64), mode, method="direct")
        with pytest.raises(ValueError, match=f"{fname}: .*'valid'.* at least as large as the other"):
            ours(a, b, mode, method="fft")
        return
    got = ours(a, b, mode, method="fft")
    want = theirs(a.astype(np.float64), b.astype(np.float64), mode, method="direct")
    assert got.dtype == dtype and got.shape == want.shape
    assert np.max(np.abs(got - want)) <= _bound(a, b, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("boundary", ["fill", "wrap", "symm"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("flip", [False, True])
def test_fft_2d_boundaries(boundary, mode, dtype, flip):
    rng = np.random.default_rng(5)
    for s1, s2 in (((40, 37), (9, 6)), ((33, 64), (16, 15)), ((7, 8), (5, 7))):
        a = rng.standard_normal(s1).astype(dtype)
        b = rng.standard_normal(s2).astype(dtype)
        ours = fc.convolve2d if flip else fc.correlate2d
        theirs = ss.convolve2d if flip else ss.correlate2d
        got = ours(a, b, mode, boundary, fillvalue=1.5, method="fft")
        want = theirs(a.astype(np.float64), b.astype(np.float64), mode, boundary, fillvalue=1.5)
        scale = _bound(a, b, dtype) + (8 * np.finfo(dtype).eps * 1.5 * np.abs(b).sum() * 20)
        assert np.max(np.abs(got - want)) <= scale, (s1, s2)


def test_issue_accuracy_targets():
    """1024^2 with 63x63: float64 within 1e-12 of max|direct|, float32 within 1e-4."""
    rng = np.random.default_rng(6)
    a = rng.standard_normal((1024, 1024))
    b = rng.standard_normal((63, 63))
    ref = fc.correlate2d(a, b, "same", method="direct")
    got = fc.correlate2d(a, b, "same", method="fft")
    assert np.max(np.abs(got - ref)) <= 1e-12 * np.max(np.abs(ref))
    got32 = fc.correlate2d(a.astype(np.float32), b.astype(np.float32), "same", method="fft")
    assert np.max(np.abs(got32 - ref)) <= 1e-4 * np.max(np.abs(ref))


@pytest.mark.parametrize("shape,ks", [((300, 310), (31, 31)), ((20000,), (900,)), ((40, 41, 42), (9, 9, 9))])
def test_threads_bit_identical(shape, ks):
    rng = np.random.default_rng(7)
    for dt in (np.float32, np.float64):
        a = rng.standard_normal(shape).astype(dt)
        b = rng.standard_normal(ks).astype(dt)
        ref = fc.correlate(a, b, "same", method="fft", num_threads=1)
        for t in (2, 3, 4):
            assert np.array_equal(fc.correlate(a, b, "same", method="fft", num_threads=t), ref)


def test_explain_and_auto():
    big = np.ones((512, 512))
    k = np.ones((45, 45))
    assert fc.explain(fc.correlate2d, big, k, method="fft")["algorithm"] == "fft"
    assert fc.explain(fc.correlate2d, big, k, method="direct")["algorithm"] == "direct"
    assert fc.explain(fc.correlate2d, big, k, method="auto")["algorithm"] == "fft"
    assert fc.choose_method(big, k) == "fft"
    # tiny inputs and small kernels: direct
    assert fc.choose_method(np.ones(10), np.ones(3)) == "direct"
    assert fc.choose_method(np.ones((512, 512)), np.ones((3, 3))) == "direct"
    assert fc.explain(fc.correlate, np.ones(8), np.ones(4))["algorithm"] == "direct"


def test_direct_keeps_bits():
    rng = np.random.default_rng(8)
    a = rng.standard_normal((200, 200))
    b = rng.standard_normal((5, 5))
    assert np.array_equal(fc.correlate2d(a, b, method="direct"), fc.correlate2d(a, b))


def test_auto_keeps_nonfinite_local():
    a = np.random.default_rng(9).standard_normal((256, 256))
    a[100, 100] = np.nan
    b = np.ones((41, 41))
    assert fc.choose_method(np.nan_to_num(a), b) == "fft"
    got = fc.correlate2d(a, b, "same")       # auto: direct because of the NaN
    ref = ss.correlate2d(np.nan_to_num(a, nan=0.0), b, "same")
    nan = np.isnan(got)
    assert nan.sum() == 41 * 41 and nan[100, 100] and not nan[0, 0]
    assert np.allclose(got[~nan], ref[~nan])
    assert fc.choose_method(a, b) == "direct"


def test_integer_and_bool_rules():
    big = np.full(4096, 2**40, dtype=np.int64)
    with pytest.raises(ValueError, match="method='fft'"):
        fc.correlate(big, big[:100], method="fft")
    assert fc.choose_method(big, big[:100]) == "direct"
    bools = np.ones(4096, bool)
    assert fc.choose_method(bools, bools[:500]) == "direct"
    small = np.arange(4096, dtype=np.int32) % 7
    got = fc.correlate(small, small[:500], method="fft")
    assert np.allclose(got, ss.correlate(small.astype(float), small[:500].astype(float)), atol=1e-6)


def test_bad_method():
    with pytest.raises(ValueError, match="method"):
        fc.correlate(np.ones(5), np.ones(3), method="fast")
    with pytest.raises(ValueError, match="method"):
        fc.correlate2d(np.ones((5, 5)), np.ones((3, 3)), method=None)


@pytest.mark.parametrize("mode", ["reflect", "constant", "nearest", "mirror", "wrap"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ndimage_methods(mode, dtype):
    """fastconv.ndimage's method=: every mode and origins against scipy.ndimage."""
    import scipy.ndimage as snd
    from fastconv import ndimage as fnd
    rng = np.random.default_rng(10)
    x = rng.standard_normal((60, 70)).astype(dtype)
    w = rng.standard_normal((13, 12)).astype(dtype)
    tol = _bound(x, w, dtype) * 2
    for meth in ("fft", "auto", "direct"):
        got = fnd.correlate(x, w, mode=mode, cval=0.5, origin=(2, -3), method=meth)
        want = snd.correlate(x.astype(np.float64), w.astype(np.float64), mode=mode, cval=0.5, origin=(2, -3))
        assert np.max(np.abs(got - want)) <= tol + 1e-5 * (dtype == np.float32), meth
        got = fnd.convolve(x, w, mode=mode, cval=0.5, method=meth)
        want = snd.convolve(x.astype(np.float64), w.astype(np.float64), mode=mode, cval=0.5)
        assert np.max(np.abs(got - want)) <= tol + 1e-5 * (dtype == np.float32), meth
    x1 = rng.standard_normal(5000).astype(dtype)
    w1 = rng.standard_normal(700).astype(dtype)
    for fn, sfn in ((fnd.correlate1d, snd.correlate1d), (fnd.convolve1d, snd.convolve1d)):
        got = fn(x1, w1, mode=mode, cval=0.5, origin=3, method="fft")
        want = sfn(x1.astype(np.float64), w1.astype(np.float64), mode=mode, cval=0.5, origin=3)
        assert np.max(np.abs(got - want)) <= _bound(x1, w1, dtype) * 2
    x3 = rng.standard_normal((8, 30, 9)).astype(dtype)
    got = fnd.correlate1d(x3, w1[:11], axis=1, mode=mode, method="fft")
    want = snd.correlate1d(x3.astype(np.float64), w1[:11].astype(np.float64), axis=1, mode=mode)
    assert np.max(np.abs(got - want)) <= _bound(x3, w1[:11], dtype) * 2


def test_ndimage_plans_and_bad_method():
    from fastconv import ndimage as fnd
    x = np.random.default_rng(11).standard_normal((300, 300))
    with pytest.raises(ValueError, match="method"):
        fnd.correlate(x, np.ones((3, 3)), method="fast")
    with pytest.raises(ValueError, match="method"):
        fnd.correlate1d(x, np.ones(3), method=1)
    # direct keeps the module's bits
    w = np.random.default_rng(12).standard_normal((5, 5))
    assert np.array_equal(fnd.correlate(x, w, method="direct"), fnd.correlate(x, w))
    x[100, 100] = np.nan  # auto stays direct: the NaN reaches only its 41x41 neighbours
    got = fnd.correlate(x, np.ones((41, 41)), mode="constant")
    assert np.isnan(got).sum() == 41 * 41


# 1-D: a job is a pair of tiles in one four-step complex transform (src/fft/fft4_impl.h).
# Signal lengths give one tile, an even and an odd count of tiles (the last pair with one
# tile), tile lengths whose split leaves a partial row group, and kernels longer than the
# signal; every mode, both directions, fill and the other boundaries through ndimage.
ONE_D = [(1, 1), (2, 3), (17, 5), (200, 64), (999, 100), (1000, 999), (4097, 33), (30001, 2000),
         (12345, 4097), (64, 300)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("n,k", ONE_D, ids=str)
def test_fft_1d_pairs(n, k, mode, dtype):
    rng = np.random.default_rng(n * 7919 + k)
    a = rng.standard_normal(n).astype(dtype)
    b = rng.standard_normal(k).astype(dtype)
    for ours, theirs in FNS.values():
        got = ours(a, b, mode, method="fft")
        want = theirs(a.astype(np.float64), b.astype(np.float64), mode, method="direct")
        assert got.dtype == dtype and got.shape == want.shape
        assert np.max(np.abs(got - want), initial=0) <= _bound(a, b, dtype), (n, k, mode)


def test_fft_1d_tiles_and_threads():
    """A long signal is many tile pairs: both threads take them, the same bits for every
    thread count, and the result against numpy.fft's whole-signal convolution."""
    rng = np.random.default_rng(11)
    a = rng.standard_normal(300001)
    b = rng.standard_normal(2001)
    info = fc.explain(fc.convolve, a, b, "same", method="fft", num_threads=2)
    assert info["algorithm"] == "fft" and info["threads"] == 2 and info["jobs"] >= 4
    ref = fc.convolve(a, b, "same", method="fft", num_threads=1)
    for t in (2, 3):
        assert np.array_equal(fc.convolve(a, b, "same", method="fft", num_threads=t), ref)
    m = a.size + b.size - 1
    full = np.fft.irfft(np.fft.rfft(a, m) * np.fft.rfft(b, m), m)
    want = full[(b.size - 1) // 2:(b.size - 1) // 2 + a.size]
    assert np.max(np.abs(ref - want)) <= _bound(a, b, np.float64)
    for dt in (np.float32,):
        a32, b32 = a.astype(dt), b.astype(dt)
        r32 = fc.convolve(a32, b32, "same", method="fft", num_threads=1)
        assert np.array_equal(fc.convolve(a32, b32, "same", method="fft", num_threads=2), r32)
        assert np.max(np.abs(r32 - want)) <= _bound(a32, b32, dt)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fft_interior_tiles(dtype):
    # many tiles (explain: 64x128 and 64x64x30), so windows inside the input are read in
    # place and the others packed (src/fft/fft_conv_impl.h); against SciPy and direct
    rng = np.random.default_rng(11)
    for s1, s2 in (((700, 650), (21, 17)), ((90, 96, 100), (9, 9, 9))):
        a = rng.standard_normal(s1).astype(dtype)
        b = rng.standard_normal(s2).astype(dtype)
        assert fc.explain(fc.correlate, a, b, "same", method="fft")["jobs"] > 8
        for mode in ("same", "valid", "full"):
            got = fc.correlate(a, b, mode, method="fft")
            want = ss.correlate(a.astype(np.float64), b.astype(np.float64), mode, method="fft")
            assert got.shape == want.shape
            assert np.max(np.abs(got - want)) <= _bound(a, b, dtype)
    a = rng.standard_normal((300, 410)).astype(dtype)
    b = rng.standard_normal((15, 20)).astype(dtype)
    for boundary in ("wrap", "symm"):
        got = fc.correlate2d(a, b, "same", boundary, method="fft")
        want = fc.correlate2d(a.astype(np.float64), b.astype(np.float64), "same", boundary, method="direct")
        assert np.max(np.abs(got - want)) <= _bound(a, b, dtype)
