"""The fused uniform_filter pass (fc_uniform_sep2d), the float32 quotient kernel and the
float32 correlation kernels of fastconv.ndimage, each under every instruction set,
at their tile edges, against scipy.ndimage itself (bit for bit where fastconv documents
bit-identical results: uniform_filter and every float64 pass)."""
import numpy as np
import pytest
from scipy import ndimage as sn

import fastconv
from fastconv import ndimage as fn

EPS32 = float(np.finfo(np.float32).eps)


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.fixture
def fused_calls(monkeypatch):
    """Records every call of the fused uniform pass (and lets it run)."""
    calls = []
    real = fn._core.ndimage_uniform2d
    monkeypatch.setattr(fn._core, "ndimage_uniform2d", lambda *a: (calls.append(a[2:8]), real(*a)))
    return calls


# Heights around the bands (at least 64 rows, H / (2 * threads) rows) and the groups of
# 8 rows; widths around the row kernel's 256-position chunks and its 8- and 16-lane
# vectors.
SHAPES = [(131, 255), (300, 257), (65, 9), (200, 513), (8, 256), (1, 17), (129, 1)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_uniform_bit_identical_at_band_and_chunk_edges(isa, dtype, fused_calls):
    r = rng(1)
    try:
        for shape in SHAPES:
            x = r.standard_normal(shape).astype(dtype)
            for size, mode in [((5, 3), "reflect"), ((21, 4), "constant"), ((2, 9), "nearest"),
                               ((8, 8), "mirror"), ((7, 30), "wrap"), ((400, 600), "reflect")]:
                want = sn.uniform_filter(x, size, mode=mode, cval=0.5)
                for threads in (1, 2, 3, 4):
                    fastconv.set_num_threads(threads)
                    got = fn.uniform_filter(x, size, mode=mode, cval=0.5)
                    np.testing.assert_array_equal(got, want, err_msg=f"{shape} {size} {mode} "
                                                  f"{threads} threads")
    finally:
        fastconv.set_num_threads(None)
    # shapes with both axes longer than 1 ran fused (SciPy skips size-1 axes)
    assert len(fused_calls) > 100


def test_fused_uniform_origins_axes_and_batches(fused_calls):
    r = rng(2)
    x = r.standard_normal((3, 70, 90)).astype(np.float32)
    for origin in [(0, -2, 2), (0, 2, -3), (0, 0, 0)]:
        for axes in [None, (1, 2), (0, 1, 2)]:
            kw = dict(size=(1, 5, 6), origin=origin, mode=("wrap", "reflect", "mirror"))
            if axes == (1, 2):
                kw = dict(size=(5, 6), origin=origin[1:], mode=("reflect", "mirror"), axes=axes)
            np.testing.assert_array_equal(fn.uniform_filter(x, **kw), sn.uniform_filter(x, **kw))
    # row pass first (axes in the other order) runs unfused, and stays bit-identical
    n = len(fused_calls)
    kw = dict(size=(5, 6), axes=(2, 1))
    np.testing.assert_array_equal(fn.uniform_filter(x, **kw), sn.uniform_filter(x, **kw))
    assert len(fused_calls) == n
    # a strided view with contiguous rows, and an output of another dtype
    v = x[:, ::2, :]
    np.testing.assert_array_equal(fn.uniform_filter(v, 4), sn.uniform_filter(v, 4))
    np.testing.assert_array_equal(fn.uniform_filter(x, 4, output=np.float64),
                                  sn.uniform_filter(x, 4, output=np.float64))


@pytest.mark.parametrize("scale", [1.0, 1e-40, 1e-38, 5e37])
def test_quotients_at_float_midpoints_and_range_ends(isa, scale):
    """The float32 quotient kernel (a multiply by RN(1/size), checked against float
    rounding midpoints) through the 1-D passes (both layouts) and the fused pass: sizes
    123 and 246 have the least exact reciprocals (|size*RN(1/size) - 1| = 0.95*2^-53), so
    running sums that are exact multiples of the size (a float midpoint as quotient, to be
    rounded to even as SciPy's division does) come out an ulp off without the check, about
    one in 2000 outputs of this data; scaled into the subnormal range and near overflow."""
    x = (rng(3).standard_normal((60, 700)) * scale).astype(np.float32)
    for size in (123, 246, 11):
        for axis in (0, 1):
            np.testing.assert_array_equal(fn.uniform_filter1d(x, size, axis=axis, mode="wrap"),
                                          sn.uniform_filter1d(x, size, axis=axis, mode="wrap"))
        np.testing.assert_array_equal(fn.uniform_filter(x, (5, size)), sn.uniform_filter(x, (5, size)))


@pytest.mark.parametrize("K", [1, 2, 3, 8, 17, 33])
def test_float32_rows_same_bits_at_every_block_edge(isa, K):
    """float32 correlations round alike in the vector body and the remainder: a lane's
    result does not depend on the block it falls in (the LANES blocks change with the
    thread count), and stays within the float32 bound."""
    r = rng(K)
    w = r.standard_normal(K)
    x = r.standard_normal((40, 3 * 64 + 5)).astype(np.float32)
    ref = fn.correlate1d(x, w, axis=0)
    for width in (1, 7, 16, 63, 64, 65, 130):
        got = fn.correlate1d(np.ascontiguousarray(x[:, :width]), w, axis=0)
        np.testing.assert_array_equal(got, ref[:, :width], err_msg=f"width {width}")
    want = sn.correlate1d(x, w, axis=0)
    bound = 2 * K * EPS32 * np.abs(w).sum() * np.abs(x).max()
    assert np.abs(ref.astype(np.float64) - want).max() <= bound
    try:
        for threads in (2, 3):
            fastconv.set_num_threads(threads)
            np.testing.assert_array_equal(fn.correlate1d(x, w, axis=0), ref)
    finally:
        fastconv.set_num_threads(None)
