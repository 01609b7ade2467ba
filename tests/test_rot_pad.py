"""rot180 and pad_full (the data-movement primitives, any dtype) against NumPy and the
reference: rot180 == np.ascontiguousarray(np.flip(a, axes)); pad_full == np.pad with
dilation*(k-1) zeros on both sides of the trailing len(kernel_shape) axes."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastconv as fc
from fastconv import reference as R

DTYPES = (np.float32, np.float64, np.int8, np.int64, np.bool_, np.complex128, np.float16,
          np.uint16)


def sample(rng, shape, dtype):
    """Distinct-ish values of every dtype (so a misplaced element is visible)."""
    n = int(np.prod(shape))
    base = rng.permutation(max(n, 1))[:n].reshape(shape)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dt.kind == "c":
        return (base + 1j * (n - base)).astype(dt)
    if dt.kind in "iu":
        return (base % min(int(np.iinfo(dt).max) + 1, 2**31)).astype(dt)
    return base.astype(dt)


def check_rot(a, axes):
    got = fc.rot180(a, axes=axes)
    want = np.ascontiguousarray(np.flip(a, axis=axes))
    assert got.dtype == a.dtype
    assert got.shape == a.shape
    assert got.flags.c_contiguous
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, R.rot180(a, axes))
    return got


# ---------------------------------------------------------------- rot180


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ndim", [0, 1, 2, 3, 4, 5, 6])
def test_rot180_every_rank_and_axes_form(dtype, ndim):
    """0-D to 6-D, every dtype (1 to 16 bytes), axes None, each single axis as int and
    negative int, and every subset of axes as a tuple: == np.flip, C-contiguous, dtype
    kept."""
    rng = np.random.default_rng(ndim)
    shape = (3, 2, 4, 1, 2, 3)[:ndim]
    a = sample(rng, shape, dtype)
    check_rot(a, None)
    for ax in range(ndim):
        check_rot(a, ax)
        check_rot(a, ax - ndim)
    for r in range(ndim + 1):
        for axes in itertools.combinations(range(ndim), r):
            check_rot(a, axes)
    if ndim:
        check_rot(a, tuple(-1 - i for i in range(ndim)))
        check_rot(a, list(range(ndim)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.bool_, np.complex128])
def test_rot180_views(dtype):
    """Views with negative and non-unit strides, transposes, Fortran order and read-only
    arrays are read in place: == np.flip of the view, and the input is unchanged."""
    rng = np.random.default_rng(1)
    base = sample(rng, (6, 8, 10), dtype)
    ro = base.copy()
    ro.setflags(write=False)
    views = [base[::-1], base[:, ::2], base[::-2, 1::3, ::-1], base.transpose(2, 0, 1),
             np.asfortranarray(base), base[2:5, :, 7], base[..., ::-4].T, ro[::-1, ::-1],
             np.broadcast_to(base[0, 0], (4, 10))]
    for v in views:
        before = v.copy()
        for axes in (None, 0, -1, (0, v.ndim - 1)):
            check_rot(v, axes)
        np.testing.assert_array_equal(v, before)


def test_rot180_empty_and_kernel_use():
    """Empty arrays (a zero on any axis) give empty arrays of the same shape and dtype;
    rotating a 4-D kernel over its spatial axes (2, 3) reverses exactly those."""
    for shape in [(0,), (3, 0), (0, 4, 2), (2, 3, 0, 1)]:
        for dt in (np.float32, np.int64):
            a = np.zeros(shape, dt)
            got = fc.rot180(a)
            assert got.shape == shape and got.dtype == dt
            got = fc.rot180(a, axes=-1)
            assert got.shape == shape
    w = np.arange(2 * 3 * 2 * 3).reshape(2, 3, 2, 3).astype(np.float64)
    r = fc.rot180(w, axes=(2, 3))
    assert r[1, 2, 0, 0] == w[1, 2, 1, 2]
    np.testing.assert_array_equal(r, w[:, :, ::-1, ::-1])


def test_rot180_result_is_a_new_array():
    """The result never shares memory with the input (even for axes=() and 0-D)."""
    a = np.arange(6.0).reshape(2, 3)
    for axes in ((), None, 0):
        r = fc.rot180(a, axes=axes)
        assert not np.shares_memory(r, a)
    z = np.array(5.0)
    r = fc.rot180(z)
    assert r.shape == () and r == 5.0 and not np.shares_memory(r, z)


def test_rot180_array_like_and_scalars():
    """Lists and scalars are accepted like np.asarray does."""
    np.testing.assert_array_equal(fc.rot180([[1, 2], [3, 4]]), [[4, 3], [2, 1]])
    np.testing.assert_array_equal(fc.rot180([1, 2, 3], axes=0), [3, 2, 1])
    assert fc.rot180(7) == 7


@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=5),
       dtype=st.sampled_from(DTYPES), data=st.data())
def test_rot180_hypothesis(shape, dtype, data):
    """Random shapes (with zeros), dtypes, axis subsets and slicing steps: == np.flip."""
    rng = np.random.default_rng(len(shape))
    a = sample(rng, tuple(s * 2 for s in shape), dtype)
    idx = tuple(slice(None, None, data.draw(st.sampled_from([1, 2, -1, -2]))) for _ in shape)
    a = a[idx]
    axes = data.draw(st.one_of(st.none(), st.lists(st.integers(0, max(len(shape) - 1, 0)),
                                                    unique=True, max_size=len(shape))))
    if axes is not None:
        axes = tuple(axes) if len(shape) else ()
    check_rot(a, axes)


# ---------------------------------------------------------------- pad_full


def np_pad_full(a, kernel_shape, dilation):
    nk = len(kernel_shape)
    dil = (dilation,) * nk if isinstance(dilation, int) else tuple(dilation)
    pads = [(0, 0)] * (a.ndim - nk) + [(d * (k - 1),) * 2 for k, d in zip(kernel_shape, dil)]
    return np.pad(a, pads, mode="constant")


@pytest.mark.parametrize("dtype", DTYPES)
def test_pad_full_matches_np_pad(dtype):
    """kernel_shape of 1 to a.ndim entries (leading batch axes untouched), int and
    per-axis dilation, kernels of size 1 (no padding): == np.pad(constant zeros) and ==
    reference.pad_full, dtype kept, C-contiguous."""
    rng = np.random.default_rng(2)
    a = sample(rng, (2, 3, 4, 5), dtype)
    cases = [((3,), 1), ((3,), 2), ((2, 3), 1), ((2, 3), (1, 3)), ((1, 1), 5),
             ((4, 2, 3), (2, 1, 1)), ((2, 2, 2, 2), 1), ((5,), (3,)), (3, 1)]
    for ks, dil in cases:
        got = fc.pad_full(a, ks, dil)
        ks_t = (ks,) if isinstance(ks, int) else ks
        want = np_pad_full(a, ks_t, dil)
        assert got.dtype == a.dtype and got.flags.c_contiguous
        np.testing.assert_array_equal(got, want, err_msg=f"{ks} {dil}")
        np.testing.assert_array_equal(got, R.pad_full(a, ks_t, dil))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.complex128, np.bool_])
def test_pad_full_views_and_empty(dtype):
    """Non-contiguous, negatively strided, Fortran and read-only inputs; empty inputs
    (the result is then all zeros of the padded shape): == np.pad."""
    rng = np.random.default_rng(3)
    base = sample(rng, (4, 6, 8), dtype)
    ro = base.copy()
    ro.setflags(write=False)
    for v in [base[::-1, ::2], base[:, ::-3, 1::2], np.asfortranarray(base), base.T, ro[1:, ::-1]]:
        before = v.copy()
        np.testing.assert_array_equal(fc.pad_full(v, (3, 2)), np_pad_full(v, (3, 2), 1))
        np.testing.assert_array_equal(fc.pad_full(v, (2,), 3), np_pad_full(v, (2,), 3))
        np.testing.assert_array_equal(v, before)
    for shape in [(0,), (0, 3), (2, 0, 3)]:
        a = np.zeros(shape, dtype)
        got = fc.pad_full(a, (3,) * min(2, a.ndim))
        want = np_pad_full(a, (3,) * min(2, a.ndim), 1)
        assert got.shape == want.shape and got.dtype == a.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.complex128])
def test_read_only_contiguous_inputs(dtype, tmp_path):
    """C-contiguous read-only arrays (setflags(write=False), a read-only np.memmap) are
    valid inputs of rot180 and pad_full: == np.flip / np.pad."""
    rng = np.random.default_rng(4)
    a = sample(rng, (3, 4, 5), dtype)
    ro = a.copy()
    ro.setflags(write=False)
    path = tmp_path / "a.npy"
    np.save(path, a)
    mm = np.load(path, mmap_mode="r")
    for v in (ro, mm):
        np.testing.assert_array_equal(fc.rot180(v, axes=(1, 2)), np.flip(a, (1, 2)))
        np.testing.assert_array_equal(fc.pad_full(v, (3, 2)), np_pad_full(a, (3, 2), 1))
    del mm


def test_pad_full_seed_shapes():
    """Seed 003 (bonus): padding dE/dO of 18x18 for a 3x3 kernel gives 22x22, so that the
    valid correlation with the rotated kernel is 20x20 (the input size); the interior is
    the original and the border is zeros."""
    g = np.arange(5 * 18 * 18, dtype=np.float64).reshape(1, 5, 18, 18) + 1
    p = fc.pad_full(g, (3, 3))
    assert p.shape == (1, 5, 22, 22)
    np.testing.assert_array_equal(p[:, :, 2:-2, 2:-2], g)
    assert np.count_nonzero(p) == g.size


@given(shape=st.lists(st.integers(0, 4), min_size=1, max_size=4), data=st.data())
def test_pad_full_hypothesis(shape, data):
    """Random shapes, kernel ranks, kernel sizes and dilations (int or per axis): ==
    np.pad."""
    rng = np.random.default_rng(len(shape))
    a = sample(rng, tuple(shape), np.float32)
    nk = data.draw(st.integers(1, len(shape)))
    ks = tuple(data.draw(st.integers(1, 4)) for _ in range(nk))
    dil = data.draw(st.one_of(st.integers(1, 3), st.tuples(*[st.integers(1, 3)] * nk)))
    np.testing.assert_array_equal(fc.pad_full(a, ks, dil), np_pad_full(a, ks, dil))
