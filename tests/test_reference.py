"""Proof of the oracle: fastconv.reference against scipy.signal, PyTorch and the maths.

fastconv.reference is the specification the C kernels are tested against, so
it has to be right on its own: here it is compared with scipy.signal (the
single-array functions) and PyTorch (the batched ones), in float64, and checked
against the identities of the seeds (backward-input is a full convolution with
the rotated, transposed kernel; backward-weight is a valid correlation summed
over the batch), worked examples with exact numbers, and finite differences.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastconv import reference as R
from fastconv._params import normalize_conv_params

TOL = dict(rtol=1e-10, atol=1e-10)


@pytest.fixture(scope="module")
def signal():
    return pytest.importorskip("scipy.signal")


# ===========================================================================
# 1. Single-array functions against scipy.signal
# ===========================================================================

def _pairs_of_shapes(nd, sizes1, sizes2):
    return itertools.product(itertools.product(sizes1, repeat=nd),
                             itertools.product(sizes2, repeat=nd))


def _fits_valid(s1, s2):
    return all(a >= b for a, b in zip(s1, s2)) or all(b >= a for a, b in zip(s1, s2))


@pytest.mark.parametrize("nd, sizes1, sizes2", [
    (1, range(1, 8), range(1, 8)),
    (2, range(1, 5), range(1, 5)),
    (3, (1, 2, 3), (1, 2, 3)),
])
@pytest.mark.parametrize("name", ["correlate", "convolve"])
def test_correlate_convolve_match_scipy_exhaustively(signal, nd, sizes1, sizes2, name):
    """Every shape pair on a small grid, all modes, incl. in2 larger than in1."""
    ours, theirs = getattr(R, name), getattr(signal, name)
    rng = np.random.default_rng(nd)
    for s1, s2 in _pairs_of_shapes(nd, sizes1, sizes2):
        a, b = rng.standard_normal(s1), rng.standard_normal(s2)
        for mode in ("full", "same", "valid"):
            if mode == "valid" and not _fits_valid(s1, s2):
                continue
            want = theirs(a, b, mode=mode, method="direct")
            got = ours(a, b, mode=mode)
            assert got.shape == want.shape, (s1, s2, mode)
            np.testing.assert_allclose(got, want, **TOL, err_msg=f"{s1} {s2} {mode}")


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data(), nd=st.integers(1, 3), name=st.sampled_from(["correlate", "convolve"]),
       mode=st.sampled_from(["full", "same", "valid"]))
def test_correlate_convolve_random_shapes(signal, data, nd, name, mode):
    top = {1: 40, 2: 12, 3: 6}[nd]
    s1 = tuple(data.draw(st.lists(st.integers(1, top), min_size=nd, max_size=nd)))
    s2 = tuple(data.draw(st.lists(st.integers(1, top), min_size=nd, max_size=nd)))
    if mode == "valid" and not _fits_valid(s1, s2):
        s2 = tuple(min(a, b) for a, b in zip(s1, s2))
    rng = np.random.default_rng(sum(s1) * 100 + sum(s2))
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    want = getattr(signal, name)(a, b, mode=mode, method="direct")
    np.testing.assert_allclose(getattr(R, name)(a, b, mode=mode), want, **TOL)


def test_same_mode_offset_is_n2_minus_1_over_2(signal):
    """correlate/convolve "same" = full[(n2-1)//2 : (n2-1)//2 + n1] on every axis."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((7, 6)), rng.standard_normal((4, 5))
    for name in ("correlate", "convolve"):
        full = getattr(R, name)(a, b, "full")
        same = getattr(R, name)(a, b, "same")
        # n2=4: start 1; n2=5: start 2
        np.testing.assert_array_equal(same, full[1:1 + 7, 2:2 + 6])
        np.testing.assert_allclose(same, getattr(signal, name)(a, b, "same", method="direct"), **TOL)


def test_valid_swap(signal):
    """in2 larger in every axis: scipy swaps; correlate's result is then reversed."""
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 0.0, 0.0, 0.0, -1.0])
    # scipy computes correlate(b, a, "valid") = [b[0:3].a, b[1:4].a, b[2:5].a]
    # = [1, 0, -3] and reverses it.  Directly: full[j] = sum_t a[j+t-4] b[t]
    # and the valid window is j = 2..4; j=2: a0*b2 + a1*b3 + a2*b4 = -3.
    got = R.correlate(a, b, "valid")
    np.testing.assert_array_equal(got, [-3.0, 0.0, 1.0])
    np.testing.assert_array_equal(R.correlate(b, a, "valid"), [1.0, 0.0, -3.0])
    np.testing.assert_allclose(got, signal.correlate(a, b, "valid", method="direct"))
    # convolve is commutative: no reversal
    np.testing.assert_array_equal(R.convolve(a, b, "valid"), R.convolve(b, a, "valid"))
    np.testing.assert_allclose(R.convolve(a, b, "valid"), signal.convolve(a, b, "valid", method="direct"))
    # N-D: swapping when in2 is at least as large on every axis (equal on one)
    rng = np.random.default_rng(2)
    x, k = rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2, 6))
    for name in ("correlate", "convolve"):
        np.testing.assert_allclose(getattr(R, name)(x, k, "valid"),
                                   getattr(signal, name)(x, k, "valid", method="direct"), **TOL)
    # the swapped "valid" output is the fully-overlapping window of "full"
    full = R.correlate(x, k, "full")
    np.testing.assert_allclose(R.correlate(x, k, "valid"), full[2:5, 1:2, 3:6], **TOL)


@pytest.mark.parametrize("fn", ["correlate", "convolve", "correlate2d", "convolve2d"])
def test_valid_error_when_neither_is_larger(signal, fn):
    a, b = np.ones((3, 5)), np.ones((4, 2))
    with pytest.raises(ValueError, match="at least as large"):
        getattr(signal, fn)(a, b, mode="valid")
    with pytest.raises(ValueError, match=rf"{fn}: in 'valid' mode one input must be at least as large "
                                         r"as the other on every axis, got in1 shape \(3, 5\) and in2 shape \(4, 2\)"):
        getattr(R, fn)(a, b, mode="valid")


def test_single_array_argument_errors():
    with pytest.raises(ValueError, match=r"correlate: in1 and in2 must have the same number of dimensions, "
                                         r"got in1 shape \(3,\) \(1-D\) and in2 shape \(2, 2\) \(2-D\)"):
        R.correlate(np.ones(3), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"convolve: mode must be 'full', 'same' or 'valid', got 'bogus'"):
        R.convolve(np.ones(3), np.ones(2), mode="bogus")
    with pytest.raises(ValueError, match=r"correlate: in1 and in2 must not be empty"):
        R.correlate(np.ones(0), np.ones(2))
    with pytest.raises(TypeError, match=r"correlate: in2 must be a real .* got dtype complex128"):
        R.correlate(np.ones(3), np.ones(2) * 1j)
    with pytest.raises(TypeError, match=r"convolve: in1 must be a real"):
        R.convolve(np.array(["a"]), np.ones(1))
    with pytest.raises(ValueError, match=r"correlate2d: in1 and in2 must both be 2-D, got shapes \(3,\)"):
        R.correlate2d(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=r"convolve2d: boundary must be 'fill', 'wrap' or 'symm'"):
        R.convolve2d(np.ones((3, 3)), np.ones((2, 2)), boundary="reflect")
    with pytest.raises(ValueError, match=r"correlate2d: fillvalue must be a scalar or a one-element array"):
        R.correlate2d(np.ones((3, 3)), np.ones((2, 2)), fillvalue=[1, 2])
    with pytest.raises(TypeError, match=r"correlate2d: fillvalue must be a real scalar"):
        R.correlate2d(np.ones((3, 3)), np.ones((2, 2)), fillvalue=1j)


def test_dtypes_and_0d(signal):
    a = np.arange(5, dtype=np.int32)
    b = np.array([True, False, True])
    got = R.correlate(a, b)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, signal.correlate(a, b.astype(int), method="direct"))
    assert R.convolve(np.float32(2), np.float32(3)) == 6.0
    np.testing.assert_array_equal(R.correlate(np.array(2.0), np.array(3.0)),
                                  signal.correlate(np.array(2.0), np.array(3.0)))


@pytest.mark.parametrize("name", ["correlate2d", "convolve2d"])
@pytest.mark.parametrize("boundary", ["fill", "wrap", "symm"])
def test_2d_match_scipy_exhaustively(signal, name, boundary):
    """All modes, odd/even kernels, kernels larger than the image, swaps."""
    ours, theirs = getattr(R, name), getattr(signal, name)
    rng = np.random.default_rng(len(name) + len(boundary))
    sizes1, sizes2 = (1, 2, 3, 5), (1, 2, 3, 4, 7)
    for s1, s2 in _pairs_of_shapes(2, sizes1, sizes2):
        a, b = rng.standard_normal(s1), rng.standard_normal(s2)
        for mode in ("full", "same", "valid"):
            if mode == "valid" and not _fits_valid(s1, s2):
                continue
            fv = 1.5 if boundary == "fill" else 0
            want = theirs(a, b, mode=mode, boundary=boundary, fillvalue=fv)
            got = ours(a, b, mode=mode, boundary=boundary, fillvalue=fv)
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, **TOL, err_msg=f"{s1} {s2} {mode}")


@pytest.mark.parametrize("alias, canonical", [("pad", "fill"), ("circular", "wrap"),
                                              ("symmetric", "symm")])
def test_2d_boundary_aliases(signal, alias, canonical):
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((4, 5)), rng.standard_normal((3, 2))
    np.testing.assert_array_equal(R.correlate2d(a, b, "same", alias, 2.0),
                                  R.correlate2d(a, b, "same", canonical, 2.0))
    np.testing.assert_allclose(R.correlate2d(a, b, "same", alias, 2.0),
                               signal.correlate2d(a, b, "same", alias, 2.0), **TOL)


def test_2d_same_offsets_differ_for_even_kernels(signal):
    """correlate2d "same" starts at n2//2, convolve2d and correlate at (n2-1)//2."""
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((6, 7)), rng.standard_normal((4, 2))
    full = R.correlate2d(a, b, "full")
    # n2 = (4, 2): correlate2d starts at (2, 1); correlate at (1, 0)
    np.testing.assert_array_equal(R.correlate2d(a, b, "same"), full[2:8, 1:8])
    np.testing.assert_array_equal(R.correlate(a, b, "same"), full[1:7, 0:7])
    cfull = R.convolve2d(a, b, "full")
    np.testing.assert_array_equal(R.convolve2d(a, b, "same"), cfull[1:7, 0:7])
    np.testing.assert_allclose(R.correlate2d(a, b, "same"), signal.correlate2d(a, b, "same"), **TOL)
    assert not np.allclose(R.correlate2d(a, b, "same"), R.correlate(a, b, "same"))


def test_2d_boundaries_with_kernel_larger_than_image_by_hand(signal):
    """Extensions repeat periodically when the kernel is wider than the image.

    in1 = [[1, 2]] extended by 4 on each side of axis 1:
      symm (edge repeated): 1 2 2 1 | 1 2 | 2 1 1 2   (period 4)
      wrap:                 1 2 1 2 | 1 2 | 1 2 1 2   (period 2)
      fill 10:              10 x4   | 1 2 | 10 x4
    correlated with ones((1, 5)) in "full" mode (6 outputs: sums of 5).
    """
    a, k = np.array([[1.0, 2.0]]), np.ones((1, 5))
    cases = {
        ("symm", 0): [[7, 8, 8, 7, 7, 8]],
        ("wrap", 0): [[7, 8, 7, 8, 7, 8]],
        ("fill", 10): [[41, 33, 33, 33, 33, 42]],
    }
    for (boundary, fv), want in cases.items():
        for fn in ("correlate2d", "convolve2d"):
            got = getattr(R, fn)(a, k, "full", boundary, fv)
            np.testing.assert_array_equal(got, want, err_msg=f"{fn} {boundary}")
            np.testing.assert_allclose(getattr(signal, fn)(a, k, "full", boundary, fv), want)
    # "same" with an even kernel larger than the image: scipy windows agree too
    a, k = np.array([[1.0, 2.0, 3.0]]), np.arange(1.0, 9.0).reshape(2, 4)
    for boundary in ("fill", "wrap", "symm"):
        for fn in ("correlate2d", "convolve2d"):
            np.testing.assert_allclose(getattr(R, fn)(a, k, "same", boundary, 3.0),
                                       getattr(signal, fn)(a, k, "same", boundary, 3.0), **TOL)


def test_2d_valid_ignores_boundary_and_swaps(signal):
    rng = np.random.default_rng(5)
    a, k = rng.standard_normal((3, 4)), rng.standard_normal((5, 6))
    for fn in ("correlate2d", "convolve2d"):
        base = getattr(R, fn)(a, k, "valid")
        for boundary, fv in (("fill", 7.0), ("wrap", 0), ("symm", 0)):
            got = getattr(R, fn)(a, k, "valid", boundary, fv)
            np.testing.assert_array_equal(got, base)
            np.testing.assert_allclose(got, getattr(signal, fn)(a, k, "valid", boundary, fv), **TOL)
    # correlate2d's swap reverses both axes, exactly like correlate
    np.testing.assert_allclose(R.correlate2d(a, k, "valid"), R.correlate(a, k, "valid"), **TOL)


# ===========================================================================
# 2. rot180 and pad_full
# ===========================================================================

def test_rot180():
    a = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    r = R.rot180(a)
    assert r.dtype == np.int16 and r.flags.c_contiguous
    np.testing.assert_array_equal(r, a[::-1, ::-1, ::-1])
    np.testing.assert_array_equal(R.rot180(a, axes=(1, 2)), a[:, ::-1, ::-1])
    np.testing.assert_array_equal(R.rot180(a, axes=-1), a[..., ::-1])
    np.testing.assert_array_equal(R.rot180(R.rot180(a)), a)
    # a 2-D kernel: out[i, j] = k[n-1-i, m-1-j]
    k = np.array([[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(R.rot180(k), [[6, 5, 4], [3, 2, 1]])
    assert R.rot180(a[:, ::2]).flags.c_contiguous


def test_pad_full():
    a = np.ones((2, 3, 4), dtype=np.float32)
    p = R.pad_full(a, (3, 2))
    # k=3 -> 2 per side on axis 1; k=2 -> 1 per side on axis 2
    assert p.shape == (2, 7, 6) and p.dtype == np.float32
    assert p.sum() == a.sum() and p[:, 2:5, 1:5].min() == 1
    # k=3, dilation=2: full pad = 2*(3-1) = 4 per side
    assert R.pad_full(a, (3,), dilation=2).shape == (2, 3, 12)
    assert R.pad_full(a, (3, 3), dilation=(1, 3)).shape == (2, 7, 16)
    # a valid correlation of the padded array with the kernel is the full correlation
    rng = np.random.default_rng(6)
    x, k = rng.standard_normal((4, 5)), rng.standard_normal((3, 2))
    np.testing.assert_allclose(R.correlate(R.pad_full(x, k.shape), k, "valid"),
                               R.correlate(x, k, "full"), **TOL)
    with pytest.raises(ValueError, match=r"pad_full: a must have at least 3 axes"):
        R.pad_full(np.ones((3, 3)), (1, 1, 1))
    with pytest.raises(ValueError, match=r"pad_full: dilation must be a positive int"):
        R.pad_full(a, (3,), dilation=0)
    with pytest.raises(ValueError, match=r"pad_full: kernel_shape must be a non-empty sequence"):
        R.pad_full(a, ())


# ===========================================================================
# 3. Batched convolution against PyTorch
# ===========================================================================

def torch_conv(torch, x, w, bias, gy, params, flip=False):
    """(y, dx, dw, dbias) from PyTorch autograd, asymmetric padding via F.pad."""
    F = torch.nn.functional
    nd = x.ndim - 2
    X = torch.tensor(x, requires_grad=True)
    W = torch.tensor(w, requires_grad=True)
    B = torch.tensor(bias, requires_grad=True)
    # F.pad lists (low, high) pairs from the LAST axis backwards.
    pads = [p for i in reversed(range(nd)) for p in (params.pad_low[i], params.pad_high[i])]
    Wf = torch.flip(W, dims=list(range(2, 2 + nd))) if flip else W
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[nd]
    Y = conv(F.pad(X, pads), Wf, B, stride=params.stride, dilation=params.dilation,
             groups=params.groups)
    if gy is None:
        gy = np.random.default_rng(7).standard_normal(tuple(Y.shape))
    Y.backward(torch.tensor(gy))
    return Y.detach().numpy(), X.grad.numpy(), W.grad.numpy(), B.grad.numpy(), gy


def check_against_torch(torch, x_shape, w_shape, *, stride=1, padding=0, dilation=1, groups=1,
                        flip=False, seed=0):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    bias = rng.standard_normal(w_shape[0])
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups, flip=flip)
    params = normalize_conv_params("test", len(x_shape) - 2, w_shape[2:], stride, padding,
                                   dilation, groups)
    y_t, gx_t, gw_t, gb_t, gy = torch_conv(torch, x, w, bias, None, params, flip)
    y = R.conv_forward(x, w, bias, **kw)
    assert y.shape == y_t.shape and y.dtype == np.float64
    np.testing.assert_allclose(y, y_t, **TOL)
    np.testing.assert_allclose(R.conv_backward_input(gy, w, x.shape, **kw), gx_t, **TOL)
    np.testing.assert_allclose(R.conv_backward_weight(x, gy, w.shape, **kw), gw_t, **TOL)
    np.testing.assert_allclose(R.conv_backward_bias(gy), gb_t, **TOL)


CASES = [
    # (x_shape, w_shape, keywords)
    ((2, 3, 11), (4, 3, 3), {}),
    ((2, 3, 11), (4, 3, 3), dict(stride=2, padding=1)),
    ((1, 2, 10), (2, 2, 4), dict(padding="same")),
    ((1, 2, 10), (2, 2, 4), dict(padding="same", dilation=3)),
    ((1, 2, 10), (2, 2, 4), dict(padding="full", stride=3)),
    ((1, 2, 10), (2, 2, 4), dict(padding="valid", dilation=2)),
    ((1, 4, 9), (6, 2, 2), dict(padding=((2, 0),), groups=2, flip=True)),
    ((2, 3, 8, 7), (5, 3, 3, 2), {}),
    ((2, 3, 8, 7), (5, 3, 3, 2), dict(stride=(2, 3), padding=(1, 2))),
    ((1, 4, 9, 9), (4, 1, 3, 3), dict(groups=4, padding="same", dilation=(2, 1))),  # depthwise
    ((1, 6, 9, 8), (4, 3, 2, 3), dict(groups=2, padding=((0, 3), (2, 1)), stride=2, flip=True)),
    ((2, 2, 7, 6), (3, 2, 4, 4), dict(padding="full", dilation=2, stride=(3, 1))),
    ((1, 2, 6, 5), (3, 2, 2, 4), dict(padding="same", flip=True)),
    ((1, 2, 5, 6, 4), (3, 2, 2, 3, 2), {}),
    ((2, 2, 6, 5, 7), (4, 1, 3, 2, 3), dict(groups=2, stride=(1, 2, 3), padding=((1, 0), 1, (0, 2)))),
    ((1, 3, 6, 6, 6), (3, 3, 3, 3, 3), dict(padding="same", dilation=(1, 2, 1), flip=True)),
    ((1, 1, 7, 5, 5), (2, 1, 2, 2, 2), dict(padding="full", stride=2)),
]


@pytest.mark.parametrize("x_shape, w_shape, kw", CASES)
def test_batched_against_torch(torch, x_shape, w_shape, kw):
    check_against_torch(torch, x_shape, w_shape, **kw)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_torch_nn_grad_functions(torch, nd):
    """The public torch.nn.grad.conv*d_input/_weight (symmetric int padding only)."""
    g = torch.nn.grad
    conv_in = {1: g.conv1d_input, 2: g.conv2d_input, 3: g.conv3d_input}[nd]
    conv_w = {1: g.conv1d_weight, 2: g.conv2d_weight, 3: g.conv3d_weight}[nd]
    rng = np.random.default_rng(nd)
    x_shape = (2, 4) + (7, 6, 5)[:nd]
    w_shape = (6, 2) + (3, 2, 3)[:nd]
    kw = dict(stride=2, padding=1, dilation=1, groups=2)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    y = R.conv_forward(x, w, **kw)
    gy = rng.standard_normal(y.shape)
    want_x = conv_in(x_shape, torch.tensor(w), torch.tensor(gy), **kw).numpy()
    want_w = conv_w(torch.tensor(x), w_shape, torch.tensor(gy), **kw).numpy()
    np.testing.assert_allclose(R.conv_backward_input(gy, w, x_shape, **kw), want_x, **TOL)
    np.testing.assert_allclose(R.conv_backward_weight(x, gy, w_shape, **kw), want_w, **TOL)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("k, d", [(1, 1), (2, 1), (3, 1), (4, 1), (4, 2), (3, 3), (2, 3)])
def test_padding_same_matches_torch_same(torch, k, d):
    """PyTorch's own padding="same" puts an odd total's extra zero on the high side."""
    rng = np.random.default_rng(k * 10 + d)
    x, w = rng.standard_normal((1, 2, 9, 8)), rng.standard_normal((3, 2, k, 3))
    want = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding="same",
                                      dilation=(d, 1)).numpy()
    got = R.conv_forward(x, w, padding="same", dilation=(d, 1))
    assert got.shape == (1, 3, 9, 8)
    np.testing.assert_allclose(got, want, **TOL)


@st.composite
def conv_geometry(draw):
    nd = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    cg, kg = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    n = draw(st.integers(1, 2))
    kmax = {1: 4, 2: 3, 3: 2}[nd]
    # "pairs": ((lo, hi), ...); "ints": (p, ...); "int": one p for every axis
    form = draw(st.sampled_from(["pairs", "ints", "int"]))
    same_p = draw(st.integers(0, 2))
    kernel, stride, dilation, pads, spatial = [], [], [], [], []
    for _ in range(nd):
        k, d, s = draw(st.integers(1, kmax)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
        if form == "pairs":
            lo, hi = draw(st.integers(0, 2)), draw(st.integers(0, 2))
            pads.append((lo, hi))
        else:
            lo = hi = same_p if form == "int" else draw(st.integers(0, 2))
            pads.append(lo)
        # the padded input must hold the dilated kernel at least once
        extent = d * (k - 1) + 1
        size = max(1, extent - lo - hi) + draw(st.integers(0, {1: 6, 2: 4, 3: 2}[nd]))
        kernel.append(k), stride.append(s), dilation.append(d), spatial.append(size)
    return dict(x_shape=(n, groups * cg, *spatial), w_shape=(groups * kg, cg, *kernel),
                stride=tuple(stride), padding=same_p if form == "int" else tuple(pads),
                dilation=tuple(dilation), groups=groups, flip=draw(st.booleans()))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(geom=conv_geometry())
def test_batched_random_geometry_against_torch(torch, geom):
    check_against_torch(torch, **geom)


def test_unreached_input_gets_zero_gradient(torch):
    """in 6, k 2, stride 3: outputs read 0,1 and 3,4; elements 2 and 5 get 0."""
    rng = np.random.default_rng(8)
    w = rng.standard_normal((2, 1, 2))
    gy = rng.standard_normal((1, 2, 2))
    gx = R.conv_backward_input(gy, w, (1, 1, 6), stride=3)
    assert gx[0, 0, 2] == 0 and gx[0, 0, 5] == 0
    assert np.all(gx[0, 0, [0, 1, 3, 4]] != 0)
    want = torch.nn.grad.conv1d_input((1, 1, 6), torch.tensor(w), torch.tensor(gy), stride=3)
    np.testing.assert_allclose(gx, want.numpy(), **TOL)


def test_empty_batch():
    x, w = np.zeros((0, 2, 5)), np.ones((3, 2, 2))
    assert R.conv_forward(x, w).shape == (0, 3, 4)
    assert R.conv_backward_input(np.zeros((0, 3, 4)), w, x.shape).shape == (0, 2, 5)
    np.testing.assert_array_equal(R.conv_backward_weight(x, np.zeros((0, 3, 4)), w.shape),
                                  np.zeros((3, 2, 2)))


def test_batched_argument_errors():
    x, w = np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3))
    with pytest.raises(ValueError, match=r"conv_forward: stride must be a positive int or a sequence of "
                                         r"2 positive ints, got \(1, 0\)"):
        R.conv_forward(x, w, stride=(1, 0))
    with pytest.raises(ValueError, match=r"conv_forward: padding='same' requires stride 1 on every axis, "
                                         r"got stride=\(2, 2\)"):
        R.conv_forward(x, w, stride=2, padding="same")
    with pytest.raises(ValueError, match=r"conv_forward: bias must have shape \(3,\)"):
        R.conv_forward(x, w, np.ones(2))
    with pytest.raises(ValueError, match=r"conv_forward: output channels \(w.shape\[0\] = 3\) must be "
                                         r"divisible by groups \(2\)"):
        R.conv_forward(x, w, groups=2)
    with pytest.raises(ValueError, match=r"conv_forward: w.shape\[1\] must be in_channels // groups "
                                         r"= 2 // 2 = 1, got 2"):
        R.conv_forward(x, np.ones((4, 2, 3, 3)), groups=2)
    with pytest.raises(ValueError, match=r"conv_forward: x must be 3-D, 4-D or 5-D"):
        R.conv_forward(np.ones((2, 5)), np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"conv_forward: the dilated kernel is larger than the padded input"):
        R.conv_forward(x, w, dilation=3)
    with pytest.raises(TypeError, match=r"conv_forward: x must be a real"):
        R.conv_forward(x + 0j, w)
    with pytest.raises(ValueError, match=r"conv_backward_input: grad_out must have the forward output "
                                         r"shape \(1, 3, 3, 3\), got \(1, 3, 4, 4\)"):
        R.conv_backward_input(np.ones((1, 3, 4, 4)), w, x.shape)
    with pytest.raises(ValueError, match=r"conv_backward_input: input_shape must be 3-D, 4-D or 5-D"):
        R.conv_backward_input(np.ones((1, 3, 3, 3)), w, (2, 5))
    with pytest.raises(ValueError, match=r"conv_backward_input: input channels \(input_shape\[1\] = 3\)"):
        R.conv_backward_input(np.ones((1, 4, 3, 3)), np.ones((4, 1, 3, 3)), (1, 3, 5, 5), groups=2)
    with pytest.raises(ValueError, match=r"conv_backward_weight: grad_out must have the forward output shape"):
        R.conv_backward_weight(x, np.ones((1, 3, 4, 4)), w.shape)
    with pytest.raises(ValueError, match=r"conv_backward_weight: weight_shape\[1\] must be in_channels // groups"):
        R.conv_backward_weight(x, np.ones((1, 3, 3, 3)), (3, 1, 3, 3))
    with pytest.raises(TypeError, match=r"conv_backward_weight: weight_shape must be a sequence of ints"):
        R.conv_backward_weight(x, np.ones((1, 3, 3, 3)), 3)
    with pytest.raises(ValueError, match=r"conv_backward_bias: grad_out must be 3-D, 4-D or 5-D"):
        R.conv_backward_bias(np.ones((3, 3)))


# ===========================================================================
# 4. The seeds' identities and worked examples
# ===========================================================================

def _transpose_in_out(w, groups):
    """(K, C/G, *k) -> (C, K/G, *k): swap in/out channels within each group."""
    k, cg = w.shape[:2]
    g = groups
    wg = w.reshape((g, k // g, cg) + w.shape[2:])
    return np.swapaxes(wg, 1, 2).reshape((g * cg, k // g) + w.shape[2:])


@pytest.mark.parametrize("nd, groups, dilation, padding", [
    (1, 1, 1, 0), (1, 2, 2, ((1, 2),)), (2, 1, 1, 0), (2, 1, 1, "same"), (2, 3, (1, 2), ((0, 1), 2)),
    (3, 1, 1, 1), (3, 2, 2, "full"),
])
def test_backward_input_is_full_convolution_with_rotated_transposed_kernel(nd, groups, dilation, padding):
    """Stride 1: dL/dx = conv_forward(pad_full(dL/dy), rot180(w) with in/out swapped), cropped.

    The full padding of grad_out is reduced by the forward padding: the
    forward padded x by (lo, hi), so the gradient of the padded x is cropped
    by lo at the start and hi at the end, i.e. grad_out needs only
    dilation*(k-1) - lo and - hi.
    """
    rng = np.random.default_rng(nd * 10 + groups)
    spatial, kernel = (7, 6, 5)[:nd], (3, 2, 3)[:nd]
    x_shape, w_shape = (2, 2 * groups) + spatial, (3 * groups, 2) + kernel
    w = rng.standard_normal(w_shape)
    p = normalize_conv_params("test", nd, kernel, 1, padding, dilation, groups)
    out = R.conv_forward(np.zeros(x_shape), w, padding=padding, dilation=dilation, groups=groups)
    gy = rng.standard_normal(out.shape)

    w_rot = _transpose_in_out(R.rot180(w, axes=tuple(range(2, 2 + nd))), groups)
    full = R.pad_full(gy, kernel, p.dilation)
    gx_full = R.conv_forward(full, w_rot, dilation=dilation, groups=groups)
    # gx_full covers the padded input; drop the padding
    crop = (slice(None),) * 2 + tuple(slice(lo, lo + n) for lo, n in zip(p.pad_low, spatial))
    want = gx_full[crop]
    got = R.conv_backward_input(gy, w, x_shape, padding=padding, dilation=dilation, groups=groups)
    np.testing.assert_allclose(got, want, **TOL)
    # flip=True: the rotation cancels, the transposed kernel is used as-is
    got_f = R.conv_backward_input(gy, w, x_shape, padding=padding, dilation=dilation,
                                  groups=groups, flip=True)
    want_f = R.conv_forward(full, _transpose_in_out(w, groups), dilation=dilation,
                            groups=groups)[crop]
    np.testing.assert_allclose(got_f, want_f, **TOL)


@pytest.mark.parametrize("nd, padding", [(1, 0), (1, ((2, 1),)), (2, 0), (2, "same"), (3, 1)])
def test_backward_weight_is_valid_correlation_summed_over_batch(nd, padding):
    rng = np.random.default_rng(nd)
    spatial, kernel = (6, 5, 4)[:nd], (3, 2, 2)[:nd]
    x = rng.standard_normal((3, 2) + spatial)
    w_shape = (4, 2) + kernel
    p = normalize_conv_params("test", nd, kernel, 1, padding)
    gy = rng.standard_normal(R.conv_forward(x, np.zeros(w_shape), padding=padding).shape)
    xp = np.pad(x, [(0, 0), (0, 0)] + list(zip(p.pad_low, p.pad_high)))
    want = np.zeros(w_shape)
    for k, c in np.ndindex(*w_shape[:2]):
        want[k, c] = sum(R.correlate(xp[n, c], gy[n, k], "valid") for n in range(x.shape[0]))
    np.testing.assert_allclose(R.conv_backward_weight(x, gy, w_shape, padding=padding), want, **TOL)
    # flip=True: the gradient of the true convolution is the rotated correlation
    axes = tuple(range(2, 2 + nd))
    np.testing.assert_allclose(R.conv_backward_weight(x, gy, w_shape, padding=padding, flip=True),
                               R.rot180(want, axes), **TOL)


def test_flip_forward_is_true_convolution():
    """flip=True: y[n, k] = sum_c convolve(x[n, c], w[k, c], "valid")."""
    rng = np.random.default_rng(9)
    x, w = rng.standard_normal((2, 3, 6, 7)), rng.standard_normal((4, 3, 3, 2))
    want = np.zeros((2, 4, 4, 6))
    for n, k in np.ndindex(2, 4):
        want[n, k] = sum(R.convolve(x[n, c], w[k, c], "valid") for c in range(3))
    np.testing.assert_allclose(R.conv_forward(x, w, flip=True), want, **TOL)
    np.testing.assert_allclose(R.conv_forward(x, w, flip=True),
                               R.conv_forward(x, R.rot180(w, (2, 3))), **TOL)


def test_seed_1d_worked_example():
    """Seed 000: L = [a b c d e] correlated with [x y] gives Q = [ax+by ... dx+ey ex].

    The fifth output ex+? reads one zero of padding on the high side.  With
    dE/dQ = [f g h i j]: dE/db = fy + gx, dE/dc = gy + hx, dE/dd = hy + ix;
    dE/dL slides the flipped kernel [y x] over dE/dQ (a correlation with
    [y x], i.e. a true convolution with [x y]).
    """
    a, b, c, d, e = 2.0, 3.0, 5.0, 7.0, 11.0
    x, y = 13.0, 17.0
    f, g, h, i, j = 19.0, 23.0, 29.0, 31.0, 37.0
    L = np.array([[[a, b, c, d, e]]])
    K = np.array([[[x, y]]])
    Q = R.conv_forward(L, K, padding=((0, 1),))
    np.testing.assert_array_equal(Q, [[[a * x + b * y, b * x + c * y, c * x + d * y,
                                        d * x + e * y, e * x]]])
    dQ = np.array([[[f, g, h, i, j]]])
    dL = R.conv_backward_input(dQ, K, L.shape, padding=((0, 1),))
    np.testing.assert_array_equal(dL, [[[f * x, f * y + g * x, g * y + h * x, h * y + i * x,
                                         i * y + j * x]]])
    # the "flipped kernel" reading: slide [y x] over the zero-padded dE/dQ
    np.testing.assert_array_equal(dL[0, 0], R.correlate(dQ[0, 0], [y, x], "full")[:5])
    np.testing.assert_array_equal(dL[0, 0], R.convolve(dQ[0, 0], [x, y], "full")[:5])
    # and dE/dK: dE/dx = sum Q_j/dx * dE/dQ_j = af + bg + ch + di + ej
    dK = R.conv_backward_weight(L, dQ, K.shape, padding=((0, 1),))
    np.testing.assert_array_equal(dK, [[[a * f + b * g + c * h + d * i + e * j,
                                         b * f + c * g + d * h + e * i]]])


def test_seed_3x20x20_with_five_3x3x3_kernels():
    """3x20x20 input, five 3x3x3 kernels -> 5x18x18, and back to 3x20x20.

    dE/dX[c] = sum over the 5 kernels k of the full convolution of dE/dO[k]
    with w[k, c]: the 5 -> 3 channel change is the in/out transpose.
    """
    rng = np.random.default_rng(10)
    X, K = rng.standard_normal((1, 3, 20, 20)), rng.standard_normal((5, 3, 3, 3))
    O = R.conv_forward(X, K)
    assert O.shape == (1, 5, 18, 18)
    dO = rng.standard_normal(O.shape)
    dX = R.conv_backward_input(dO, K, X.shape)
    assert dX.shape == (1, 3, 20, 20)
    want = np.zeros((3, 20, 20))
    for c in range(3):
        want[c] = sum(R.convolve(dO[0, k], K[k, c], "full") for k in range(5))
    np.testing.assert_allclose(dX[0], want, **TOL)
    dK = R.conv_backward_weight(X, dO, K.shape)
    assert dK.shape == (5, 3, 3, 3)
    for k, c in np.ndindex(5, 3):
        np.testing.assert_allclose(dK[k, c], R.correlate(X[0, c], dO[0, k], "valid"), **TOL)


def test_seed_128x128x3_with_32_kernels_same(torch):
    """(1,3,128,128) with 32 kernels 3x3x3, padding "same" -> (1,32,128,128).

    The weight gradient is a valid correlation of the padded input (130x130)
    with the 128x128 error: 3x3, one per (kernel, channel): shape (32,3,3,3).
    """
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal((1, 3, 128, 128)), rng.standard_normal((32, 3, 3, 3))
    y = R.conv_forward(x, w, padding="same")
    assert y.shape == (1, 32, 128, 128)
    gy = rng.standard_normal(y.shape)
    gw = R.conv_backward_weight(x, gy, w.shape, padding="same")
    gx = R.conv_backward_input(gy, w, x.shape, padding="same")
    assert gw.shape == (32, 3, 3, 3) and gx.shape == (1, 3, 128, 128)
    xp = np.pad(x[0, 1], 1)
    np.testing.assert_allclose(gw[7, 1], R.correlate(xp, gy[0, 7], "valid"), **TOL)
    params = normalize_conv_params("test", 2, (3, 3), padding="same")
    y_t, gx_t, gw_t, _, _ = torch_conv(torch, x, w, np.zeros(32), gy, params)
    np.testing.assert_allclose(y, y_t, **TOL)
    np.testing.assert_allclose(gx, gx_t, **TOL)
    np.testing.assert_allclose(gw, gw_t, rtol=1e-10, atol=1e-8)  # sums of 16k products


# ===========================================================================
# 5. Finite differences of the reference backward functions
# ===========================================================================

@pytest.mark.parametrize("x_shape, w_shape, kw", [
    ((2, 2, 5), (3, 2, 2), dict(stride=2, padding=((1, 0),))),
    ((1, 4, 6), (2, 2, 3), dict(groups=2, dilation=2, padding="same", flip=True)),
    ((1, 2, 4, 5), (2, 1, 2, 3), dict(groups=2, stride=(1, 2), padding=((0, 2), 1))),
    ((1, 1, 4, 4), (2, 1, 3, 2), dict(padding="full", dilation=(1, 2), flip=True)),
    ((1, 1, 3, 4, 3), (2, 1, 2, 2, 2), dict(stride=(2, 1, 1), padding=((0, 1), 0, (1, 0)))),
])
def test_finite_differences(x_shape, w_shape, kw):
    """Central differences of L = sum(gy * conv_forward(x, w, b)) in float64."""
    rng = np.random.default_rng(12)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    gy = rng.standard_normal(R.conv_forward(x, w, b, **kw).shape)

    def loss(x_, w_, b_):
        return float(np.sum(gy * R.conv_forward(x_, w_, b_, **kw)))

    def numeric_grad(arr, f, eps=1e-6):
        grad = np.zeros_like(arr)
        for idx in np.ndindex(*arr.shape):
            up, down = arr.copy(), arr.copy()
            up[idx] += eps
            down[idx] -= eps
            grad[idx] = (f(up) - f(down)) / (2 * eps)
        return grad

    tol = dict(rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(R.conv_backward_input(gy, w, x.shape, **kw),
                               numeric_grad(x, lambda v: loss(v, w, b)), **tol)
    np.testing.assert_allclose(R.conv_backward_weight(x, gy, w.shape, **kw),
                               numeric_grad(w, lambda v: loss(x, v, b)), **tol)
    np.testing.assert_allclose(R.conv_backward_bias(gy),
                               numeric_grad(b, lambda v: loss(x, w, v)), **tol)
