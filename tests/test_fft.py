"""fastconv's own real FFT (src/fft/) against numpy.fft, through the private binding
``fastconv._fft.rfftn`` / ``irfftn``.

Tolerance: an FFT's error on output k is bounded by about eps * log2(N) * ||x||_2 (the
norm of the whole input, as FFT error bounds are stated); the tests allow
``8 * eps * log2(N + 1) * ||x||_2`` against numpy.fft computed in float64 from the same
inputs (the measured worst is below 1 * eps * log2(N) * ||x||_2).  A wrong twiddle or a
misplaced element is an error of the order of ||x||_2 / sqrt(N) or more and fails.
"""
import itertools
import math

import numpy as np
import pytest

import fastconv
from fastconv import _core
from fastconv import _fft
from conftest import ISAS


def _sizes(limit):
    out = sorted({2 ** a * 3 ** b * 5 ** c for a in range(13) for b in range(8) for c in range(6)
                  if 2 ** a * 3 ** b * 5 ** c <= limit})
    return out


#: every 2^a 3^b 5^c up to 600 (odd ones included), and the tile sizes of the conv path
SIZES_1D = _sizes(600) + [640, 720, 768, 800, 960, 1024, 1125, 1215, 1536, 2048, 2187, 3125, 4096,
                          6144, 8192, 16384, 32768]
SHAPES_ND = [(1, 1), (2, 3), (3, 5), (4, 4), (5, 8), (9, 15), (16, 16), (25, 27), (32, 48), (45, 64),
             (64, 64), (96, 80), (128, 128), (75, 125), (256, 256), (512, 384),
             (1, 1, 1), (2, 3, 4), (3, 5, 9), (8, 8, 8), (6, 10, 15), (16, 32, 24), (45, 27, 25),
             (64, 64, 64)]


def _bound(x, dtype):
    eps = np.finfo(dtype).eps
    return 8 * eps * math.log2(x.size + 1) * max(np.linalg.norm(x.ravel()), 1e-300)


def _check_forward(shape, dtype, rng, nthreads=1):
    x = rng.standard_normal(shape).astype(dtype)
    got = _fft.rfftn(x, nthreads)
    assert got.dtype == (np.complex64 if dtype == np.float32 else np.complex128)
    want = np.fft.rfftn(x.astype(np.float64))
    assert got.shape == want.shape
    err = np.max(np.abs(got - want))
    assert err <= _bound(x, dtype), (shape, err, _bound(x, dtype))
    return x, got


def _check_inverse(shape, dtype, rng, nthreads=1):
    x = rng.standard_normal(shape)
    spec = np.fft.rfftn(x)
    # parts irfftn ignores (imaginary DC, and the Nyquist bin's of an even last axis)
    spec[(0,) * len(shape)] += 3j
    spec = spec.astype(np.complex64 if dtype == np.float32 else np.complex128)
    got = _fft.irfftn(spec, tuple(shape), nthreads)
    assert got.dtype == dtype and got.shape == tuple(shape)
    want = np.fft.irfftn(spec.astype(np.complex128), s=shape, axes=tuple(range(len(shape))))
    err = np.max(np.abs(got - want))
    # irfftn of a spectrum of norm sqrt(N)*||x||: the result carries 1/N
    bound = _bound(x, dtype)
    assert err <= bound, (shape, err, bound)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rfft_1d_every_size(dtype):
    rng = np.random.default_rng(0)
    for n in SIZES_1D:
        _check_forward((n,), dtype, rng)
        _check_inverse((n,), dtype, rng)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES_ND, ids=str)
def test_rfftn_nd(shape, dtype):
    rng = np.random.default_rng(1)
    _check_forward(shape, dtype, rng)
    _check_inverse(shape, dtype, rng)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_isa(isa, dtype):
    """Each ISA's butterflies (the fixture selects it in-process) on every radix mix."""
    rng = np.random.default_rng(2)
    for n in (2, 3, 4, 5, 6, 8, 12, 15, 16, 30, 45, 60, 64, 81, 100, 125, 240, 243, 1000, 1024):
        _check_forward((n,), dtype, rng)
        _check_inverse((n,), dtype, rng)
    for shape in ((12, 20), (15, 16), (64, 50), (6, 9, 10), (16, 16, 32)):
        _check_forward(shape, dtype, rng)
        _check_inverse(shape, dtype, rng)


def test_known_values():
    """Exact spectra: an impulse is flat, a constant is a DC spike, a cosine two bins."""
    for dtype in (np.float32, np.float64):
        x = np.zeros(12, dtype)
        x[0] = 1
        np.testing.assert_allclose(_fft.rfftn(x), np.ones(7), atol=1e-6)
        np.testing.assert_allclose(_fft.rfftn(np.ones(15, dtype)), np.r_[15, np.zeros(7)], atol=1e-5)
        n = 40
        c = np.cos(2 * np.pi * 3 * np.arange(n) / n).astype(dtype)
        want = np.zeros(n // 2 + 1)
        want[3] = n / 2
        np.testing.assert_allclose(_fft.rfftn(c), want, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_threads_bit_identical(dtype):
    rng = np.random.default_rng(3)
    for shape in ((4096,), (256, 240), (48, 45, 64)):
        x = rng.standard_normal(shape).astype(dtype)
        ref = _fft.rfftn(x, 1)
        back = _fft.irfftn(ref, shape, 1)
        for t in (2, 3, 4):
            assert np.array_equal(_fft.rfftn(x, t), ref)
            assert np.array_equal(_fft.irfftn(ref, shape, t), back)


def test_round_trip():
    rng = np.random.default_rng(4)
    for shape in ((1000,), (30, 50), (10, 12, 18)):
        x = rng.standard_normal(shape)
        np.testing.assert_allclose(_fft.irfftn(_fft.rfftn(x), shape), x, atol=1e-13)


def test_bad_sizes_rejected():
    with pytest.raises(ValueError, match="not supported"):
        _fft.rfftn(np.zeros(7))
    with pytest.raises(ValueError, match="not supported"):
        _fft.rfftn(np.zeros((6, 14)))
    with pytest.raises(ValueError, match="buffer lengths"):
        _core._fft(False, (8,), np.zeros(8), np.zeros(8), 1)


def test_isas_listed():
    assert "baseline" in ISAS and fastconv.config()["isa"] in ISAS
