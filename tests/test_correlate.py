"""The single-array functions (correlate, convolve, correlate2d, convolve2d) against
fastconv.reference (the NumPy oracle) and scipy.signal, on every ISA.

Every comparison is numeric: float64 results agree with the oracle to 1e-10 of the
output scale, float32 results to the documented float32 bound (see conftest).
"""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastconv as fc
from fastconv import reference as R

from conftest import around, assert_close, rand, tiles

MODES = ("full", "same", "valid")
BOUNDARIES = ("fill", "wrap", "symm")
DTYPES = (np.float32, np.float64)


@pytest.fixture(scope="module")
def signal():
    return pytest.importorskip("scipy.signal")


def fits_valid(s1, s2):
    """SciPy's rule: "valid" needs one input at least as large as the other on every axis."""
    return all(a >= b for a, b in zip(s1, s2)) or all(b >= a for a, b in zip(s1, s2))


def red_len(s1, s2):
    """Most products summed into one output: the overlap of the two arrays per axis."""
    return math.prod(min(a, b) for a, b in zip(s1, s2))


def check_single(name, a, b, mode, dtype, **kw):
    """fastconv.<name> equals reference.<name> (same shape, result dtype, tolerance)."""
    got = getattr(fc, name)(a, b, mode, **kw)
    want = getattr(R, name)(a, b, mode, **kw)
    assert_close(got, want, n=red_len(a.shape, b.shape), dtype=dtype,
                 err_msg=f"{name}{a.shape, b.shape, mode, kw}")
    return got


def shape_pairs(nd, sizes1, sizes2):
    return itertools.product(itertools.product(sizes1, repeat=nd),
                             itertools.product(sizes2, repeat=nd))


GRIDS = {
    # odd and even lengths, kernel smaller, equal to and larger than the input
    1: ((1, 2, 3, 4, 7, 8, 17), (1, 2, 3, 4, 5, 8, 18)),
    2: ((1, 2, 3, 6), (1, 2, 3, 4, 7)),
    3: ((1, 2, 4), (1, 2, 3, 5)),
}


# ---------------------------------------------------------------- correlate / convolve


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("name", ["correlate", "convolve"])
def test_grid_matches_reference(isa, name, nd, dtype):
    """Every shape pair of a small grid (odd/even kernels, kernel larger than the input)
    and every mode: fastconv == reference, result dtype == input dtype; the "valid" pairs
    that SciPy rejects raise ValueError in both."""
    rng = np.random.default_rng(10 * nd + (name == "convolve"))
    s1s, s2s = GRIDS[nd]
    for s1, s2 in shape_pairs(nd, s1s, s2s):
        a, b = rand(rng, s1, dtype), rand(rng, s2, dtype)
        for mode in MODES:
            if mode == "valid" and not fits_valid(s1, s2):
                with pytest.raises(ValueError, match="valid"):
                    getattr(fc, name)(a, b, mode)
                continue
            check_single(name, a, b, mode, dtype)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("name", ["correlate", "convolve"])
def test_grid_matches_scipy_direct(signal, name, nd):
    """float64, every grid pair and mode: fastconv == scipy.signal.<name>(method="direct"),
    including the shape of the "same" and the swapped "valid" outputs."""
    rng = np.random.default_rng(20 + nd)
    theirs = getattr(signal, name)
    s1s, s2s = GRIDS[nd]
    for s1, s2 in shape_pairs(nd, s1s, s2s):
        a, b = rng.standard_normal(s1), rng.standard_normal(s2)
        for mode in MODES:
            if mode == "valid" and not fits_valid(s1, s2):
                continue
            got = getattr(fc, name)(a, b, mode)
            want = theirs(a, b, mode, method="direct")
            assert_close(got, want, n=red_len(s1, s2), dtype=np.float64,
                         err_msg=f"{name}{s1, s2, mode}")


@pytest.mark.parametrize("name", ["correlate", "convolve"])
@pytest.mark.parametrize("s1, s2", [((3,), (7,)), ((2, 3), (4, 6)), ((2, 2, 1), (3, 4, 2)),
                                    ((1, 5), (2, 5))])
def test_valid_swap_when_in2_is_larger(isa, signal, name, s1, s2):
    """"valid" with in2 at least as large on every axis: SciPy swaps the inputs (and for a
    correlation reverses the result); fastconv must give exactly that, i.e. the result
    of the swapped call, reversed on every axis for correlate and unchanged for convolve."""
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    got = getattr(fc, name)(a, b, "valid")
    swapped = getattr(fc, name)(b, a, "valid")
    expect_from_swap = np.flip(swapped) if name == "correlate" else swapped
    assert_close(got, expect_from_swap, n=red_len(s1, s2), err_msg="swap identity")
    assert_close(got, getattr(signal, name)(a, b, "valid", method="direct"), n=red_len(s1, s2))
    assert_close(got, getattr(R, name)(a, b, "valid"), n=red_len(s1, s2))


@pytest.mark.parametrize("name", ["correlate", "convolve", "correlate2d", "convolve2d"])
@pytest.mark.parametrize("s1, s2", [((3, 5), (5, 3)), ((4, 1), (1, 4))])
def test_valid_neither_larger_raises(name, s1, s2):
    """"valid" when neither input is at least as large as the other: ValueError naming
    the mode (SciPy raises too, the reference raises too)."""
    a, b = np.ones(s1), np.ones(s2)
    with pytest.raises(ValueError, match="valid"):
        getattr(fc, name)(a, b, "valid")
    with pytest.raises(ValueError):
        getattr(R, name)(a, b, "valid")


@pytest.mark.parametrize("dtype", DTYPES)
def test_1d_lengths_across_tile_edges(isa, dtype):
    """1-D correlate/convolve with output lengths just below, at and above every ISA's
    single-channel pixel tile (f32: 16/48/192, f64: 8/24/96) and their doubles, plus
    primes: fastconv == reference in every mode."""
    rng = np.random.default_rng(5)
    lengths = sorted({n + d for n in (8, 16, 24, 48, 96, 192, 384) for d in (-1, 0, 1)} | {1, 31, 97})
    for n in lengths:
        for k in (1, 3, 4):
            a, b = rand(rng, (n + k - 1,), dtype), rand(rng, (k,), dtype)
            for mode in MODES:
                check_single("correlate", a, b, mode, dtype)
                check_single("convolve", a, b, mode, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_2d_widths_across_tile_edges(isa, dtype):
    """2-D correlate2d (every boundary) with output widths around the pixel tiles: the
    flattened pixel tiles then straddle rows, and every row must still be right."""
    rng = np.random.default_rng(6)
    for w in (7, 8, 9, 15, 16, 17, 23, 24, 25, 47, 48, 49, 95, 97, 191, 193):
        a, b = rand(rng, (4, w), dtype), rand(rng, (3, 2), dtype)
        for mode in MODES:
            for boundary in BOUNDARIES:
                check_single("correlate2d", a, b, mode, dtype, boundary=boundary, fillvalue=0.5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_multirow_tile_edges_2d_3d(isa, dtype):
    """2-D and 3-D single-array correlation runs on multi-row tiles (rb output rows x rnr
    columns; kernels taller than 8 rows in chunks): output heights and widths just
    below/at/above the tile and 2x+1, kernel heights 1, 2, 7, 8, 9 and 17 (chunking),
    odd/even widths: correlate2d (valid, and full with symm), convolve and 3-D correlate
    == reference."""
    t = tiles(isa, dtype)
    rb, rnr = t["rb"], t["rnr"]
    rng = np.random.default_rng(15)
    for h in around(rb, extra=(1,)):
        for w in sorted({1, rnr - 1, rnr, rnr + 1, 2 * rnr + 1}):
            for kh, kw in ((1, 1), (2, 3), (7, 2), (8, 1), (9, 4), (17, 3)):
                a = rand(rng, (h + kh - 1, w + kw - 1), dtype)
                b = rand(rng, (kh, kw), dtype)
                check_single("correlate2d", a, b, "valid", dtype)
                check_single("convolve", a, b, "same", dtype)
                if h <= rb + 1 and w <= rnr + 1:
                    check_single("correlate2d", a, b, "full", dtype, boundary="symm")
    for shape1, shape2 in [((3, rb + 1, rnr + 1), (2, 3, 2)), ((4, rb, rnr - 1), (3, 9, 1)),
                           ((2, 2 * rb + 1, 5), (2, 1, 3))]:
        a, b = rand(rng, shape1, dtype), rand(rng, shape2, dtype)
        for mode in MODES:
            if mode == "valid" and not fits_valid(shape1, shape2):
                continue
            check_single("correlate", a, b, mode, dtype)
            check_single("convolve", a, b, mode, dtype)


def test_long_1d_against_scipy(signal):
    """A long signal and a long kernel (reduction of 1500 products per output), float64:
    fastconv == scipy.signal.correlate/convolve(method="direct")."""
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(4001), rng.standard_normal(1500)
    for mode in MODES:
        assert_close(fc.correlate(a, b, mode), signal.correlate(a, b, mode, method="direct"),
                     n=1500)
        assert_close(fc.convolve(b, a, mode), signal.convolve(b, a, mode, method="direct"),
                     n=1500)


def test_correlate_known_values():
    """Exact small cases: correlate([1,2,3],[0,1,0.5]) full = [0.5, 2, 3.5, 3, 0];
    convolve of the same = [0, 1, 2.5, 4, 1.5]; "same"/"valid" windows of them."""
    a, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5])
    np.testing.assert_array_equal(fc.correlate(a, b), [0.5, 2.0, 3.5, 3.0, 0.0])
    np.testing.assert_array_equal(fc.convolve(a, b), [0.0, 1.0, 2.5, 4.0, 1.5])
    np.testing.assert_array_equal(fc.correlate(a, b, "same"), [2.0, 3.5, 3.0])
    np.testing.assert_array_equal(fc.convolve(a, b, "same"), [1.0, 2.5, 4.0])
    np.testing.assert_array_equal(fc.correlate(a, b, "valid"), [3.5])
    np.testing.assert_array_equal(fc.convolve(a, b, "valid"), [2.5])


# ---------------------------------------------------------------- correlate2d / convolve2d


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["correlate2d", "convolve2d"])
def test_2d_every_mode_and_boundary(isa, name, dtype):
    """correlate2d/convolve2d over mode x boundary (fill with 0 and a nonzero fillvalue,
    wrap, symm), odd and even kernels (the "same" centring of even kernels differs between
    correlate2d and convolve2d), kernels larger than the image in one or both axes
    (the boundary extension then repeats): fastconv == reference."""
    rng = np.random.default_rng(8 + (name == "convolve2d"))
    shapes = [((5, 6), (3, 3)), ((5, 6), (2, 4)), ((6, 5), (4, 2)), ((4, 4), (4, 4)),
              ((3, 3), (5, 5)), ((2, 3), (7, 8)), ((4, 7), (9, 2)), ((1, 1), (3, 4)),
              ((7, 1), (2, 1)), ((1, 9), (1, 4))]
    for (s1, s2), boundary, fillvalue in itertools.product(
            shapes, BOUNDARIES, (0, 1.5, -2)):
        if boundary != "fill" and fillvalue != 0:
            continue
        a, b = rand(rng, s1, dtype), rand(rng, s2, dtype)
        for mode in MODES:
            if mode == "valid" and not fits_valid(s1, s2):
                continue
            check_single(name, a, b, mode, dtype, boundary=boundary, fillvalue=fillvalue)


@pytest.mark.parametrize("name", ["correlate2d", "convolve2d"])
def test_2d_matches_scipy(signal, name):
    """float64, every mode x boundary (incl. a nonzero fillvalue and the aliases 'pad',
    'circular', 'symmetric'), odd/even/larger kernels: fastconv == scipy.signal.<name>."""
    rng = np.random.default_rng(11)
    theirs = getattr(signal, name)
    shapes = [((5, 6), (3, 3)), ((5, 6), (2, 4)), ((4, 4), (4, 4)), ((3, 3), (5, 5)),
              ((2, 3), (7, 8)), ((6, 2), (1, 3))]
    bounds = [("fill", 0), ("fill", 2.5), ("pad", -1), ("wrap", 0), ("circular", 0),
              ("symm", 0), ("symmetric", 0)]
    for (s1, s2), (boundary, fv) in itertools.product(shapes, bounds):
        a, b = rng.standard_normal(s1), rng.standard_normal(s2)
        for mode in MODES:
            if mode == "valid" and not fits_valid(s1, s2):
                continue
            got = getattr(fc, name)(a, b, mode, boundary, fv)
            want = theirs(a, b, mode, boundary, fv)
            assert_close(got, want, n=red_len(s1, s2), err_msg=f"{name}{s1, s2, mode, boundary, fv}")


def test_2d_fillvalue_known_values():
    """A 1x1 image of 0 correlated with a ones kernel and fillvalue f: every output window
    holds the image element once and f on its other taps (3x3: 8*2 = 16 everywhere)."""
    a = np.zeros((1, 1))
    b = np.ones((3, 3))
    out = fc.correlate2d(a, b, "full", "fill", 2.0)
    # full output 3x3; output (i, j) reads the extended input at (i-2..i, j-2..j) with a
    # single non-fill element at (0, 0): every output window contains it
    np.testing.assert_array_equal(out, np.full((3, 3), 16.0))
    # a 1x2 kernel of ones: every window holds the image element (0) and one fill value
    out = fc.correlate2d(a, np.ones((1, 2)), "full", "fill", 3.0)
    np.testing.assert_array_equal(out, [[3.0, 3.0]])
    out = fc.correlate2d(a, np.ones((1, 2)), "same", "fill", 3.0)
    np.testing.assert_array_equal(out, [[3.0]])


# ---------------------------------------------------------------- views and flags


def _views(rng, dtype):
    base = rand(rng, (9, 12), dtype)
    return {
        "reversed+strided": base[::-1, ::2],
        "transposed": base.T,
        "fortran": np.asfortranarray(base),
        "negative both": base[::-2, ::-3],
        "column slice": base[:, 3:8],
    }


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["correlate", "convolve", "correlate2d", "convolve2d"])
def test_views_and_flags(isa, name, dtype):
    """Non-contiguous, negatively strided (a[::-1, ::2]), transposed and Fortran-order
    inputs (as in1 and as in2) give bit-for-bit the result of their contiguous
    copies, that result matches the reference, and the inputs are not modified."""
    rng = np.random.default_rng(12)
    f = getattr(fc, name)
    kernel_base = rand(rng, (5, 6), dtype)
    kernels = {"contiguous": kernel_base[:3, :4], "reversed kernel": kernel_base[::-2, ::-2],
               "fortran kernel": np.asfortranarray(kernel_base[1:4, 1:3])}
    for vname, a in _views(rng, dtype).items():
        for kname, b in kernels.items():
            a_before, b_before = a.copy(), b.copy()
            for mode in ("full", "same"):
                got = f(a, b, mode)
                ref = f(np.ascontiguousarray(a), np.ascontiguousarray(b), mode)
                np.testing.assert_array_equal(got, ref, err_msg=f"{vname}/{kname}/{mode}")
                assert_close(got, getattr(R, name)(a, b, mode), n=red_len(a.shape, b.shape),
                             dtype=dtype, err_msg=f"{vname}/{kname}/{mode}")
            np.testing.assert_array_equal(a, a_before)
            np.testing.assert_array_equal(b, b_before)
    # in2 as the larger, non-contiguous array in "valid" mode (the swap path)
    a = rand(rng, (6, 8), dtype)[::-1, ::2]
    b = rand(rng, (2, 3), dtype)
    np.testing.assert_array_equal(f(b, a, "valid"), f(b.copy(), a.copy(), "valid"))


@pytest.mark.parametrize("name", ["correlate", "convolve", "correlate2d", "convolve2d"])
def test_read_only_inputs(name):
    """Read-only arrays (setflags(write=False), e.g. np.broadcast_to results or read-only
    memory maps) are valid as in1, in2 or both, in float32 and float64: the result equals
    the writeable-input result."""
    rng = np.random.default_rng(14)
    for dtype in DTYPES:
        a, b = rand(rng, (6, 7), dtype), rand(rng, (3, 2), dtype)
        want = getattr(fc, name)(a, b, "full")
        for which in ("in1", "in2", "both"):
            ra, rb = a.copy(), b.copy()
            if which in ("in1", "both"):
                ra.setflags(write=False)
            if which in ("in2", "both"):
                rb.setflags(write=False)
            np.testing.assert_array_equal(getattr(fc, name)(ra, rb, "full"), want,
                                          err_msg=f"read-only {which}, {np.dtype(dtype)}")


def test_results_are_fresh_c_contiguous_arrays():
    """The result is a new, writeable, C-contiguous ndarray starting on a 64-byte boundary
    (a view of a fresh buffer of its own, never of an input)."""
    a = np.arange(12.0).reshape(3, 4)
    b = np.ones((1, 1))
    for f in (fc.correlate, fc.convolve, fc.correlate2d, fc.convolve2d):
        out = f(a, b, "same")
        assert out.flags.c_contiguous and out.flags.writeable
        assert out.ctypes.data % 64 == 0
        assert not np.shares_memory(out, a) and not np.shares_memory(out.base, a)
        np.testing.assert_array_equal(out, a)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["correlate", "convolve", "correlate2d", "convolve2d"])
def test_out_written_in_place_and_returned(isa, name, dtype):
    """out= is filled completely (pre-filled with NaN: no element may be left unwritten),
    returned itself, and equal bit for bit to the allocating call, in every mode,
    including "valid" with the inputs swapped, and on an out= that starts off the
    64-byte boundary of the library's own results.  Reused for a second call, it is
    overwritten, not added to."""
    rng = np.random.default_rng(31)
    two_d = name.endswith("2d")
    shapes = [((37, 41), (3, 4)), ((5, 6), (7, 9))] if two_d else \
             [((70,), (5,)), ((9, 10, 11), (3, 2, 4)), ((4,), (9,))]
    for (s1, s2), mode in itertools.product(shapes, MODES):
        if mode == "valid" and not fits_valid(s1, s2):
            continue
        a, b = rand(rng, s1, dtype), rand(rng, s2, dtype)
        kw = dict(boundary="fill", fillvalue=1.5) if two_d else {}
        want = getattr(fc, name)(a, b, mode, **kw)
        buf = np.full(want.size + 1, np.nan, dtype=dtype)
        for out in (np.full(want.shape, np.nan, dtype=dtype), buf[1:].reshape(want.shape)):
            for _ in range(2):
                res = getattr(fc, name)(a, b, mode, out=out, **kw)
                assert res is out
                np.testing.assert_array_equal(out, want, err_msg=f"{name} {s1} {s2} {mode}")


# ---------------------------------------------------------------- dtype rules


@pytest.mark.parametrize("name", ["correlate", "convolve", "correlate2d", "convolve2d"])
def test_dtype_rules(name):
    """float32 -> float32, float64 -> float64, float16 -> float32, a float32/float64 mix
    and ints/bools -> float64, each with the reference's values; complex -> TypeError."""
    f, r = getattr(fc, name), getattr(R, name)
    rng = np.random.default_rng(13)
    a64, b64 = rng.standard_normal((5, 6)), rng.standard_normal((3, 2))
    cases = [
        (a64.astype(np.float32), b64.astype(np.float32), np.float32),
        (a64, b64, np.float64),
        (a64.astype(np.float16), b64.astype(np.float16), np.float32),
        (a64.astype(np.float16), b64.astype(np.float32), np.float32),
        (a64.astype(np.float32), b64, np.float64),
        (a64, b64.astype(np.float32), np.float64),
        ((a64 * 10).astype(np.int32), (b64 * 10).astype(np.int64), np.float64),
        ((a64 * 10).astype(np.int8), b64.astype(np.float32), np.float64),
        (a64 > 0, b64 > 0, np.float64),
        ((a64 * 10).astype(np.uint16), b64 > 0, np.float64),
    ]
    for a, b, want_dtype in cases:
        for mode in MODES:
            got = f(a, b, mode)
            assert got.dtype == want_dtype, (a.dtype, b.dtype, mode, got.dtype)
            assert_close(got, r(a, b, mode), n=6, err_msg=f"{a.dtype}, {b.dtype}, {mode}")
    with pytest.raises(TypeError, match="complex"):
        f(a64 + 1j, b64, "full")
    with pytest.raises(TypeError, match="complex"):
        f(a64, b64.astype(np.complex64), "full")


def test_int_inputs_exact():
    """Integer inputs are computed in float64: small integer data gives exact integers."""
    a = np.arange(20, dtype=np.int64).reshape(4, 5)
    b = np.array([[1, -2], [3, 4]], dtype=np.int16)
    for mode in MODES:
        got = fc.correlate2d(a, b, mode)
        want = R.correlate2d(a, b, mode)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(fc.convolve(a, b, mode), R.convolve(a, b, mode))


def test_lists_and_scalars_as_input():
    """array_like inputs (nested lists) are accepted and equal the ndarray results."""
    np.testing.assert_array_equal(fc.correlate([1, 2, 3], [1, 1]), [1.0, 3.0, 5.0, 3.0])
    np.testing.assert_array_equal(fc.correlate([1, 2, 3], [2, 1], "valid"), [4.0, 7.0])
    np.testing.assert_array_equal(fc.convolve2d([[1, 2], [3, 4]], [[1]]), [[1.0, 2.0], [3.0, 4.0]])


# ---------------------------------------------------------------- hypothesis


@st.composite
def single_cases(draw, two_d=False):
    nd = 2 if two_d else draw(st.integers(1, 3))
    hi = {1: 40, 2: 12, 3: 6}[nd]
    s1 = tuple(draw(st.integers(1, hi)) for _ in range(nd))
    s2 = tuple(draw(st.integers(1, hi // 2 + 2)) for _ in range(nd))
    mode = draw(st.sampled_from(MODES))
    if mode == "valid" and not fits_valid(s1, s2):
        s2 = tuple(min(a, b) for a, b in zip(s1, s2))
    if draw(st.booleans()):
        s1, s2 = s2, s1
    dtype = draw(st.sampled_from(DTYPES))
    seed = draw(st.integers(0, 2**32 - 1))
    extra = {}
    if two_d:
        extra["boundary"] = draw(st.sampled_from(BOUNDARIES))
        extra["fillvalue"] = draw(st.sampled_from([0, 1, -0.75])) if extra["boundary"] == "fill" else 0
    return s1, s2, mode, dtype, seed, extra


@given(case=single_cases())
def test_hypothesis_correlate_convolve(isa, case):
    """Random shapes (1-3-D, either input larger), modes and dtypes: correlate and
    convolve == reference."""
    s1, s2, mode, dtype, seed, _ = case
    rng = np.random.default_rng(seed)
    a, b = rand(rng, s1, dtype), rand(rng, s2, dtype)
    check_single("correlate", a, b, mode, dtype)
    check_single("convolve", a, b, mode, dtype)


@given(case=single_cases(two_d=True))
def test_hypothesis_2d(isa, case):
    """Random 2-D shapes, modes, boundaries and fill values: correlate2d and convolve2d ==
    reference."""
    s1, s2, mode, dtype, seed, extra = case
    rng = np.random.default_rng(seed)
    a, b = rand(rng, s1, dtype), rand(rng, s2, dtype)
    check_single("correlate2d", a, b, mode, dtype, **extra)
    check_single("convolve2d", a, b, mode, dtype, **extra)
