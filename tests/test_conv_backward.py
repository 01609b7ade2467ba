"""conv_backward_input / conv_backward_weight / conv_backward_bias against
fastconv.reference, PyTorch (torch.nn.grad and autograd) and finite differences, on
every ISA; and the seeds' identities through the public API:

* backward-input (stride 1) is the "full" convolution of grad_out with the 180-degree
  rotated, in/out-transposed kernel, cropped by the forward padding;
* backward-weight is the per-batch valid correlation of (padded) x with grad_out, summed
  over the batch;
* the 1-D example [a b c d e] * [x y] of seed 000 and the 3x20x20 -> 5x18x18 example
  of seed 004.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings

import fastconv as fc
from fastconv import reference as R

from conftest import (assert_close, central_difference, conv_cases, edge_channels, edge_pixels,
                      explicit_pads, fits, out_spatial, per_axis, rand, tiles)

DTYPES = (np.float32, np.float64)


def make(case, with_grad=True):
    """x, w, bias and a random grad_out of the forward output shape."""
    rng = np.random.default_rng(case["seed"])
    dt = case["dtype"]
    x = rand(rng, case["x_shape"], dt)
    w = rand(rng, case["w_shape"], dt)
    g_shape = (x.shape[0], w.shape[0]) + out_spatial(x.shape, w.shape, case["kw"])
    g = rand(rng, g_shape, dt)
    return x, w, g


def n_input(w_shape, groups):
    """Products summed into one input gradient: at most K/groups * prod(kernel)."""
    return w_shape[0] // groups * math.prod(w_shape[2:])


def n_weight(g_shape):
    """Products summed into one weight gradient: N * prod(out spatial)."""
    return g_shape[0] * math.prod(g_shape[2:])


# ---------------------------------------------------------------- random problems


@settings(max_examples=100)
@given(case=conv_cases())
def test_hypothesis_backward_matches_reference(isa, case):
    """Random N, C, K, groups, kernel, stride, dilation, padding form, flip and dtype:
    conv_backward_input, conv_backward_weight and conv_backward_bias == reference, with the
    input dtype and the shapes of x, w and (K,)."""
    x, w, g = make(case)
    kw = case["kw"]
    dt = case["dtype"]
    gx = fc.conv_backward_input(g, w, x.shape, **kw)
    assert_close(gx, R.conv_backward_input(g, w, x.shape, **kw),
                 n=n_input(w.shape, kw["groups"]), dtype=dt, err_msg=f"input {case}")
    gw = fc.conv_backward_weight(x, g, w.shape, **kw)
    assert_close(gw, R.conv_backward_weight(x, g, w.shape, **kw), n=n_weight(g.shape),
                 dtype=dt, err_msg=f"weight {case}")
    gb = fc.conv_backward_bias(g)
    assert_close(gb, R.conv_backward_bias(g), n=n_weight(g.shape), dtype=dt, err_msg="bias")


def _torch_grads(torch, x, w, g, stride, padding, dilation, groups, flip):
    """Gradients of sum(conv(x, w) * g) w.r.t. x and w by torch autograd (float64)."""
    F = torch.nn.functional
    nd = x.ndim - 2
    dil = per_axis(dilation, nd)
    pads = explicit_pads(padding, w.shape[2:], dil)
    tx = torch.tensor(np.asarray(x, np.float64), requires_grad=True)
    tw = torch.tensor(np.asarray(w, np.float64), requires_grad=True)
    ww = torch.flip(tw, dims=list(range(2, 2 + nd))) if flip else tw
    xp = F.pad(tx, [v for lo_hi in reversed(pads) for v in lo_hi])
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[nd]
    y = conv(xp, ww, None, stride=per_axis(stride, nd), dilation=dil, groups=groups)
    (y * torch.as_tensor(np.asarray(g, np.float64))).sum().backward()
    return tx.grad.numpy(), tw.grad.numpy()


@settings(max_examples=40)
@given(case=conv_cases())
def test_hypothesis_backward_matches_torch_autograd(torch, case):
    """float64 random problems (every padding form, flip): conv_backward_input/weight ==
    the gradients torch autograd computes for sum(conv(x, w) * grad_out)."""
    case = dict(case, dtype=np.float64)
    x, w, g = make(case)
    kw = case["kw"]
    tgx, tgw = _torch_grads(torch, x, w, g, **kw)
    assert_close(fc.conv_backward_input(g, w, x.shape, **kw), tgx,
                 n=n_input(w.shape, kw["groups"]), err_msg=f"{case}")
    assert_close(fc.conv_backward_weight(x, g, w.shape, **kw), tgw, n=n_weight(g.shape),
                 err_msg=f"{case}")


@settings(max_examples=30)
@given(case=conv_cases(forms=["int", "axis"]))
def test_hypothesis_backward_matches_torch_nn_grad(torch, case):
    """float64, symmetric paddings (what torch.nn.grad accepts), no flip:
    conv_backward_input == torch.nn.grad.conv{1,2,3}d_input and conv_backward_weight ==
    torch.nn.grad.conv{1,2,3}d_weight."""
    case = dict(case, dtype=np.float64)
    case["kw"] = dict(case["kw"], flip=False)
    x, w, g = make(case)
    kw = case["kw"]
    nd = x.ndim - 2
    tkw = dict(stride=per_axis(kw["stride"], nd), padding=per_axis(kw["padding"], nd),
               dilation=per_axis(kw["dilation"], nd), groups=kw["groups"])
    grad = torch.nn.grad
    f_in = {1: grad.conv1d_input, 2: grad.conv2d_input, 3: grad.conv3d_input}[nd]
    f_w = {1: grad.conv1d_weight, 2: grad.conv2d_weight, 3: grad.conv3d_weight}[nd]
    tx, tw, tg = (torch.as_tensor(a) for a in (x, w, g))
    assert_close(fc.conv_backward_input(g, w, x.shape, **kw), f_in(x.shape, tw, tg, **tkw).numpy(),
                 n=n_input(w.shape, kw["groups"]), err_msg=f"{case}")
    assert_close(fc.conv_backward_weight(x, g, w.shape, **kw), f_w(tx, w.shape, tg, **tkw).numpy(),
                 n=n_weight(g.shape), err_msg=f"{case}")


# ---------------------------------------------------------------- finite differences


@pytest.mark.parametrize("nd, kw", [
    (1, dict(stride=2, padding=((1, 2),), dilation=2)),
    (2, dict(stride=(1, 2), padding=1, dilation=(2, 1), groups=2)),
    (2, dict(padding="same", flip=True)),
    (3, dict(stride=2, padding="full")),
])
def test_finite_differences(isa, nd, kw):
    """float64 central differences of loss = sum(conv_forward(x, w, b) * G) agree with
    conv_backward_input, conv_backward_weight and conv_backward_bias, element by element
    (the loss is linear in each variable, so only rounding separates them)."""
    rng = np.random.default_rng(nd)
    groups = kw.get("groups", 1)
    x = rng.standard_normal((2, 4) + (5, 4, 3)[:nd])
    w = rng.standard_normal((2 * groups, x.shape[1] // groups) + (3, 2, 2)[:nd])
    b = rng.standard_normal(w.shape[0])
    G = rng.standard_normal(fc.conv_forward(x, w, b, **kw).shape)

    def loss(x_, w_, b_):
        return float(np.sum(fc.conv_forward(x_, w_, b_, **kw) * G))

    gx = central_difference(lambda: loss(x, w, b), x)
    gw = central_difference(lambda: loss(x, w, b), w)
    gb = central_difference(lambda: loss(x, w, b), b)
    np.testing.assert_allclose(fc.conv_backward_input(G, w, x.shape, **kw), gx, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(fc.conv_backward_weight(x, G, w.shape, **kw), gw, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(fc.conv_backward_bias(G), gb, rtol=1e-7, atol=1e-8)


# ---------------------------------------------------------------- seed identities


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, "same", ((1, 0), (0, 2), (2, 1)), "full"])
@pytest.mark.parametrize("dilation", [1, 2])
def test_backward_input_is_full_conv_with_rotated_transposed_kernel(isa, nd, padding, dilation):
    """Stride 1: conv_backward_input(G, w) == conv_forward(pad_full(G, k, dilation),
    rot180(w, spatial).transpose(1, 0, ...), dilation) cropped by the forward padding
    (the full result covers the padded input; input i sits at padded index i + pad_low)."""
    rng = np.random.default_rng(nd * 10 + dilation)
    if isinstance(padding, tuple):
        padding = padding[:nd]
    x_shape = (2, 3) + (7, 6, 5)[:nd]
    w = rng.standard_normal((4, 3) + (3, 2, 2)[:nd])
    kernel = w.shape[2:]
    kw = dict(padding=padding, dilation=dilation)
    G = rng.standard_normal((2, 4) + out_spatial(x_shape, w.shape, kw))
    spatial = tuple(range(2, 2 + nd))
    wt = fc.rot180(w, axes=spatial).transpose((1, 0) + spatial)
    full = fc.conv_forward(fc.pad_full(G, kernel, dilation), wt, dilation=dilation)
    pads = explicit_pads(padding, kernel, per_axis(dilation, nd))
    crop = (slice(None), slice(None)) + tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, x_shape[2:]))
    assert full.shape[2:] == tuple(n + lo + hi for n, (lo, hi) in zip(x_shape[2:], pads))
    got = fc.conv_backward_input(G, w, x_shape, **kw)
    assert_close(got, full[crop], n=w.shape[0] * w[0, 0].size)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, 1, "same"])
def test_backward_weight_is_valid_correlation_summed_over_batch(isa, nd, padding):
    """Stride 1, dilation 1: conv_backward_weight(x, G)[k, c] == sum_n correlate(xpad[n, c],
    G[n, k], "valid") with the public correlate, and == conv_forward with batch and channel
    axes swapped (x as (C, N, ...), G as (K, N, ...) kernels)."""
    rng = np.random.default_rng(nd + 40)
    x = rng.standard_normal((3, 2) + (6, 5, 4)[:nd])
    w_shape = (4, 2) + (3, 2, 2)[:nd]
    kw = dict(padding=padding)
    G = rng.standard_normal((3, 4) + out_spatial(x.shape, w_shape, kw))
    pads = explicit_pads(padding, w_shape[2:], (1,) * nd)
    xp = np.pad(x, [(0, 0), (0, 0)] + list(pads))
    want = np.zeros(w_shape)
    for k in range(4):
        for c in range(2):
            for n in range(3):
                want[k, c] += fc.correlate(xp[n, c], G[n, k], "valid")
    got = fc.conv_backward_weight(x, G, w_shape, **kw)
    assert_close(got, want, n=n_weight(G.shape))
    swapped = fc.conv_forward(xp.swapaxes(0, 1), G.swapaxes(0, 1)).swapaxes(0, 1)
    assert_close(got, swapped, n=n_weight(G.shape))


def test_seed_1d_example_with_numbers(isa):
    """Seed 000: L = [a b c d e] = [1 2 3 4 5], filter [x y] = [2 3]; Q = [ax+by, bx+cy,
    cx+dy, dx+ey] = [8 13 18 23].  With dE/dQ = [f g h i] = [1 -1 0.5 2]:
    dE/dL = [fx, fy+gx, gy+hx, hy+ix, iy] = [2 1 -2 5.5 6] (e.g. dE/dc = gy + hx), i.e.
    dE/dQ (zero-extended) correlated with the flipped filter [y x] == convolve(dE/dQ, [x y]);
    dE/d[x y] = [fa+gb+hc+id, fb+gc+hd+ie] = [8.5 11] (valid correlation of L with dE/dQ)."""
    L = np.array([[[1.0, 2.0, 3.0, 4.0, 5.0]]])
    k = np.array([[[2.0, 3.0]]])
    dQ = np.array([[[1.0, -1.0, 0.5, 2.0]]])
    np.testing.assert_array_equal(fc.conv_forward(L, k), [[[8.0, 13.0, 18.0, 23.0]]])
    dL = fc.conv_backward_input(dQ, k, L.shape)
    np.testing.assert_array_equal(dL, [[[2.0, 1.0, -2.0, 5.5, 6.0]]])
    f, g, h, i = dQ.ravel()
    x, y = k.ravel()
    assert dL[0, 0, 2] == g * y + h * x
    np.testing.assert_array_equal(dL.ravel(), fc.correlate(dQ.ravel(), [y, x], "full"))
    np.testing.assert_array_equal(dL.ravel(), fc.convolve(dQ.ravel(), [x, y], "full"))
    dk = fc.conv_backward_weight(L, dQ, k.shape)
    np.testing.assert_array_equal(dk, [[[8.5, 11.0]]])
    np.testing.assert_array_equal(dk.ravel(), fc.correlate(L.ravel(), dQ.ravel(), "valid"))
    np.testing.assert_array_equal(fc.conv_backward_bias(dQ), [2.5])


@pytest.mark.parametrize("dtype", DTYPES)
def test_seed_3x20x20_round_trip(isa, dtype):
    """Seed 004: X 3x20x20, five 3x3x3 kernels, O 5x18x18; dE/dO of 5x18x18 goes back to
    dE/dX of (1,3,20,20) (the full convolution summing the 5 kernels' contributions per
    input channel) and dE/dK of (5,3,3,3); values == reference; dE/dX channel c ==
    sum_k convolve2d(dE/dO[k], K[k, c], "full")."""
    rng = np.random.default_rng(20)
    x, w = rand(rng, (1, 3, 20, 20), dtype), rand(rng, (5, 3, 3, 3), dtype)
    y = fc.conv_forward(x, w)
    assert y.shape == (1, 5, 18, 18)
    G = rand(rng, y.shape, dtype)
    gx = fc.conv_backward_input(G, w, x.shape)
    gw = fc.conv_backward_weight(x, G, w.shape)
    assert gx.shape == (1, 3, 20, 20) and gx.dtype == dtype
    assert gw.shape == (5, 3, 3, 3) and gw.dtype == dtype
    assert_close(gx, R.conv_backward_input(G, w, x.shape), n=45)
    assert_close(gw, R.conv_backward_weight(x, G, w.shape), n=324)
    for c in range(3):
        want = sum(fc.convolve2d(G[0, k].astype(np.float64), w[k, c].astype(np.float64), "full")
                   for k in range(5))
        assert_close(gx[0, c], want, n=45)


# ---------------------------------------------------------------- flip and strides


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_flip_gradients_equal_gradients_on_rotated_kernel(isa, nd):
    """flip=True: backward-input equals the unflipped backward-input with rot180(w); the
    weight gradient equals rot180 of the unflipped weight gradient (chain rule through
    the rotation), with stride, dilation, padding and groups."""
    rng = np.random.default_rng(nd + 60)
    x = rng.standard_normal((2, 4) + (7, 6, 5)[:nd])
    w = rng.standard_normal((6, 2) + (3, 2, 2)[:nd])
    kw = dict(stride=2, dilation=(1, 2, 1)[:nd], padding=1, groups=2)
    sp = tuple(range(2, 2 + nd))
    G = rng.standard_normal(fc.conv_forward(x, w, **kw).shape)
    wr = fc.rot180(w, axes=sp)
    assert_close(fc.conv_backward_input(G, w, x.shape, flip=True, **kw),
                 fc.conv_backward_input(G, wr, x.shape, **kw), n=w[0].size * 3)
    assert_close(fc.conv_backward_weight(x, G, w.shape, flip=True, **kw),
                 fc.rot180(fc.conv_backward_weight(x, G, w.shape, **kw), axes=sp), n=G[0].size * 2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("x_len, k, stride, dilation, padding", [
    (8, 2, 3, 1, 0),     # reads 0,1 3,4 6,7: 2 and 5 unread
    (9, 2, 3, 1, 0),     # and the tail element 8
    (10, 2, 4, 2, 0),    # 2 outputs read 0,2 and 4,6: 1,3,5,7,8,9 unread
    (11, 1, 5, 1, 2),    # padding 2: reads 3 and 8 only
    (7, 3, 3, 3, 1),     # dilation == stride: one output reads 2 and 5
])
def test_unread_inputs_get_exact_zero(isa, dtype, x_len, k, stride, dilation, padding):
    """With stride > 1, input positions no output reads get a gradient of exactly 0 (and
    are written: out= pre-filled with NaN), in 1-D and along one axis of 2-D; the rest ==
    reference."""
    rng = np.random.default_rng(x_len)
    kw1 = dict(stride=stride, dilation=dilation, padding=padding)
    kw2 = dict(stride=(1, stride), dilation=(1, dilation), padding=(0, padding))
    for x_shape, w_shape, kw in [((2, 3, x_len), (4, 3, k), kw1),
                                 ((1, 2, 3, x_len), (3, 2, 2, k), kw2)]:
        w = rand(rng, w_shape, dtype)
        g = rand(rng, (x_shape[0], w_shape[0]) + out_spatial(x_shape, w_shape, kw), dtype)
        # positions read by some output: o*stride + r*dilation - padding
        n_out = g.shape[-1]
        read = {o * stride + r * dilation - padding for o in range(n_out) for r in range(k)}
        unread = [i for i in range(x_len) if i not in read]
        assert unread, "case must leave some input unread"
        out = np.full(x_shape, np.nan, dtype=dtype)
        gx = fc.conv_backward_input(g, w, x_shape, out=out, **kw)
        assert gx is out
        assert np.all(gx[..., unread] == 0), gx[..., unread]
        assert_close(gx, R.conv_backward_input(g, w, x_shape, **kw), n=w_shape[0] * k * 2,
                     dtype=dtype)


# ---------------------------------------------------------------- tile edges


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_input_tile_edges(isa, dtype):
    """Backward-input runs the forward engine with the input channels as tile rows:
    C (per group) just below/at/above both channel tiles, and input widths around the
    pixel tiles, stride 1 (kernel 3, and kernel 1: the in-place path) and 2: == reference."""
    rng = np.random.default_rng(70)
    for c in edge_channels(isa, dtype, extra=(1,)):
        for width in edge_pixels(isa, dtype, extra=(3,)):
            for stride, k in ((1, 3), (2, 3), (1, 1)):
                x_shape = (2, c, width + 2)
                w = rand(rng, (3, c, k), dtype)
                g = rand(rng, (2, 3) + out_spatial(x_shape, w.shape, dict(stride=stride)), dtype)
                assert_close(fc.conv_backward_input(g, w, x_shape, stride=stride),
                             R.conv_backward_input(g, w, x_shape, stride=stride), n=9,
                             dtype=dtype, err_msg=f"{isa} C={c} W={width} s={stride} k={k}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_input_channels_vectorised_tiles(isa, dtype):
    """Small inputs with many channels take the channels-vectorised kernel (kw input
    channels x up to kp pixels of an input row): input widths around kp, C per group
    around kw, stride 1 and 2 (one residue class each), groups: == reference."""
    t = tiles(isa, dtype)
    rng = np.random.default_rng(71)
    kp, kw = t["kp"], t["kw"]
    for width in sorted({1, kp - 1, kp, kp + 1, 2 * kp + 3}):
        for c in (kw, kw + 1, 2 * kw - 1):
            for stride, padding, groups in ((1, 1, 1), (2, 1, 1), (1, 2, 2)):
                x_shape = (2, c * groups, 3, width)
                w = rand(rng, (8 * groups, c, 3, 3), dtype)
                kwargs = dict(stride=stride, padding=padding, groups=groups)
                g = rand(rng, (2, 8 * groups) + out_spatial(x_shape, w.shape, kwargs), dtype)
                assert_close(fc.conv_backward_input(g, w, x_shape, **kwargs),
                             R.conv_backward_input(g, w, x_shape, **kwargs), n=72,
                             dtype=dtype, err_msg=f"{isa} C={c} W={width} {kwargs}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_input_strided_classes_channels_vectorised(isa, dtype):
    """A strided backward-input writes each residue class to every s-th input column, so
    its classes take the channels-vectorised kernel (strided stores) wherever it
    computes no more than the flattened one: C a multiple of kw, classes of 28x28 and
    19x19 inputs, stride 2 and 3, groups, and one class with no tap (zeros): ==
    reference, and the same bits on 1 and 2 threads."""
    t = tiles(isa, dtype)
    kw = t["kw"]
    rng = np.random.default_rng(79)
    cases = [((2, 2 * kw, 56, 56), (6, 2 * kw, 3, 3), dict(stride=2, padding=1)),
             ((1, kw, 57, 58), (5, kw, 3, 3), dict(stride=3, padding=1)),
             ((2, 2 * kw, 20, 21), (8, kw, 3, 3), dict(stride=2, padding=1, groups=2)),
             ((1, kw, 30, 30), (4, kw, 1, 1), dict(stride=2))]
    for x_shape, w_shape, kw_ in cases:
        w = rand(rng, w_shape, dtype)
        g = rand(rng, (x_shape[0], w_shape[0]) + out_spatial(x_shape, w_shape, kw_), dtype)
        got = fc.conv_backward_input(g, w, x_shape, num_threads=1, **kw_)
        assert_close(got, R.conv_backward_input(g, w, x_shape, **kw_),
                     n=w_shape[0] * int(np.prod(w_shape[2:])), dtype=dtype,
                     err_msg=f"{isa} {x_shape} {w_shape} {kw_}")
        np.testing.assert_array_equal(fc.conv_backward_input(g, w, x_shape, num_threads=2, **kw_), got)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_input_column_folded(isa, dtype):
    """Stride-1 backward-input on inputs narrower than kp takes the channels-vectorised
    kernel over the column-folded layout of grad_out (tiles run across input rows):
    heights giving one and several tiles, dilation, padding 0 to 2, even kernels,
    groups and 3-D: == reference."""
    t = tiles(isa, dtype)
    rng = np.random.default_rng(29)
    kp, kw = t["kp"], t["kw"]
    for width in sorted({1, kp // 2 + 1, kp - 1}):
        for height in (2, 2 * kp // width + 1):
            for kernel, dilation, padding, groups in (((3, 3), 1, 1, 1), ((3, 3), 2, 2, 1),
                                                      ((2, 2), 1, 0, 2), ((3, 1), 1, (2, 0), 1)):
                x_shape = (2, (kw + 1) * groups, height, width)
                w = rand(rng, (8 * groups, kw + 1, *kernel), dtype)
                kwargs = dict(dilation=dilation, padding=padding, groups=groups)
                if not fits(x_shape, w.shape, kwargs):
                    continue
                g = rand(rng, (2, 8 * groups) + out_spatial(x_shape, w.shape, kwargs), dtype)
                assert_close(fc.conv_backward_input(g, w, x_shape, **kwargs),
                             R.conv_backward_input(g, w, x_shape, **kwargs),
                             n=8 * kernel[0] * kernel[1], dtype=dtype,
                             err_msg=f"{isa} H={height} W={width} {kernel} {kwargs}")
    x_shape = (2, kw, 3, 4, 5)
    w = rand(rng, (16, kw, 3, 3, 3), dtype)
    g = rand(rng, (2, 16, 3, 4, 5), dtype)
    assert_close(fc.conv_backward_input(g, w, x_shape, padding=1),
                 R.conv_backward_input(g, w, x_shape, padding=1), n=432, dtype=dtype,
                 err_msg=f"{isa} 3-D")


def test_backward_input_jobs_by_output_block(isa):
    """Backward-input with a kernel over 1 MB on one image: one job per block of input
    channels over the whole image (folded and not): == reference, same bits on 1 and 2
    threads."""
    rng = np.random.default_rng(32)
    for x_shape in ((1, 136, 5, 6), (1, 128, 3, 17)):
        w = rand(rng, (128, x_shape[1], 3, 3), np.float64)
        g = rand(rng, (1, 128) + x_shape[2:], np.float64)
        got = fc.conv_backward_input(g, w, x_shape, padding=1, num_threads=1)
        assert_close(got, R.conv_backward_input(g, w, x_shape, padding=1), n=9 * 128,
                     dtype=np.float64, err_msg=f"{isa} {x_shape}")
        np.testing.assert_array_equal(fc.conv_backward_input(g, w, x_shape, padding=1, num_threads=2),
                                      got)


def _check_weight_grads(isa, dtype, rng, cases):
    """conv_backward_weight == reference on each (x shape, weight shape, kwargs) case,
    and the same bits on 1 and 2 threads."""
    for x_shape, w_shape, kw in cases:
        x = rand(rng, x_shape, dtype)
        g = rand(rng, (x_shape[0], w_shape[0]) + out_spatial(x_shape, w_shape, kw), dtype)
        got = fc.conv_backward_weight(x, g, w_shape, num_threads=1, **kw)
        assert_close(got, R.conv_backward_weight(x, g, w_shape, **kw),
                     n=x_shape[0] * int(np.prod(g.shape[2:])), dtype=dtype,
                     err_msg=f"{isa} x={x_shape} w={w_shape} {kw}")
        np.testing.assert_array_equal(fc.conv_backward_weight(x, g, w_shape, num_threads=2, **kw), got)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_weight_one_output_channel_a_group(isa, dtype):
    """One output channel a group (depthwise layers, K = 1) in the pixel-vectorised mode
    takes its one-row tile, 1 x wds1 input streams: C*taps per group around wds1 and
    2*wds1, depthwise with stride 2 and dilation, 1-D and 3-D: == reference, and the same
    bits on 1 and 2 threads."""
    t = tiles(isa, dtype)
    wds1, lanes = t["wds1"], t["lanes"]
    rng = np.random.default_rng(75)
    cases = []
    for cg, taps in ((1, wds1 - 1), (1, wds1), (1, wds1 + 1), (2, wds1 + 1), (3, 2 * wds1 // 3 + 1)):
        for groups in (1, 3):
            cases.append(((4 + groups % 2, cg * groups, 3, lanes + taps + 1), (groups, cg, 1, taps),
                          dict(groups=groups, padding=(0, 1))))
    cases += [((6, 16, 15, 13), (16, 1, 3, 3), dict(groups=16, stride=2, padding=1)),
              ((4, 8, 12, 12), (8, 1, 3, 3), dict(groups=8, dilation=2, padding=2)),
              ((5, 6, 40), (6, 1, 5), dict(groups=6, padding=2)),
              ((4, 4, 5, 6, 7), (4, 1, 3, 3, 3), dict(groups=4, padding=1))]
    _check_weight_grads(isa, dtype, rng, cases)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_weight_tile_edges(isa, dtype):
    """Backward-weight tiles are wk output channels (vectors) x wnj input streams
    (C/groups * taps), reduced over the output pixels in chunks of 256: K just
    below/at/above wk and 2*wk, C*taps around wnj and 2*wnj, pixel counts around the
    chunk; few blocks (images as jobs) and many blocks (groups=2, large K and C*taps):
    == reference."""
    t = tiles(isa, dtype)
    wk, wnj = t["wk"], t["wnj"]
    rng = np.random.default_rng(71)
    cts = [(1, wnj - 1), (1, wnj), (1, wnj + 1), (2, wnj + 1), (3, 1), (wnj + 1, 2)]
    for k in sorted({1, 2, wk - 1, wk, wk + 1, 2 * wk + 1}):
        for c, taps in cts:
            for width in (1, 7, 255, 256, 257):
                x = rand(rng, (2, c, width + taps - 1), dtype)
                g = rand(rng, (2, k, width), dtype)
                gw = fc.conv_backward_weight(x, g, (k, c, taps))
                assert_close(gw, R.conv_backward_weight(x, g, (k, c, taps)), n=2 * width,
                             dtype=dtype, err_msg=f"{isa} K={k} C={c} T={taps} W={width}")
    # many (k, (c, t)) blocks: split across jobs by blocks, several pixel chunks, 2-D
    x = rand(rng, (3, 2 * (wnj + 1), 17, 21), dtype)
    g = rand(rng, (3, 2 * (2 * wk + 1), 16, 19), dtype)
    ws = (2 * (2 * wk + 1), wnj + 1, 2, 3)
    assert_close(fc.conv_backward_weight(x, g, ws, groups=2),
                 R.conv_backward_weight(x, g, ws, groups=2), n=3 * 16 * 19, dtype=dtype)
    # the wide tile (wkw channels x wnjw streams), taken when it pads K no more than wk:
    # K at and around wkw and 2*wkw, C*taps around wnjw
    wkw, wnjw = t["wkw"], t["wnjw"]
    for k in sorted({wkw - wk, wkw, wkw + wk, 2 * wkw} - {0}):
        for c, taps in ((1, wnjw - 1), (1, wnjw + 1), (3, 3)):
            x = rand(rng, (2, c, 9, 40 + taps - 1), dtype)
            g = rand(rng, (2, k, 9, 40), dtype)
            assert_close(fc.conv_backward_weight(x, g, (k, c, 1, taps)),
                         R.conv_backward_weight(x, g, (k, c, 1, taps)), n=2 * 9 * 40,
                         dtype=dtype, err_msg=f"{isa} wide K={k} C={c} T={taps}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_weight_both_modes(isa, dtype):
    """Backward-weight runs chunk-major when its accumulator (C*taps x K, padded) holds
    at most 65536 elements and block-major above: 64 channels x 9 taps with K=96
    (55296) and K=128 (73728), several chunks per image, stride 1 and 2: == reference,
    and the same bits on 1 and 2 threads."""
    rng = np.random.default_rng(73)
    x = rand(rng, (3, 64, 11, 70), dtype)
    for k in (96, 128):
        for stride in (1, 2):
            w_shape = (k, 64, 3, 3)
            kw = dict(stride=stride, padding=1)
            g = rand(rng, (3, k) + out_spatial(x.shape, w_shape, kw), dtype)
            got = fc.conv_backward_weight(x, g, w_shape, num_threads=1, **kw)
            assert_close(got, R.conv_backward_weight(x, g, w_shape, **kw), n=3 * 11 * 70,
                         dtype=dtype, err_msg=f"{isa} K={k} stride={stride}")
            np.testing.assert_array_equal(fc.conv_backward_weight(x, g, w_shape, num_threads=2, **kw), got)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_weight_pixel_vectorised_mode(isa, dtype):
    """With 4+ images and fewer output channels than the k-vector tile (wk), backward-weight
    runs pixel-vectorised: wdk grad_out rows x wds input streams, one row of pixels at a
    time with a masked tail.  K around wdk (below wk), C*taps around wds, row widths
    around the lane count, 1-D/2-D/3-D, stride 2, dilation, groups, and 4, 5 and 37
    images (runs of several images): == reference, and the same bits on 1 and 2 threads."""
    t = tiles(isa, dtype)
    wdk, wds, lanes = t["wdk"], t["wds"], t["lanes"]
    rng = np.random.default_rng(74)
    ks = sorted(k for k in {1, wdk - 1, wdk, wdk + 1, 2 * wdk + 1, t["wk"] - 1} if 1 <= k < t["wk"])
    widths = sorted({1, lanes - 1, lanes, lanes + 1, 2 * lanes + 3} - {0})
    cases = []
    for i, k in enumerate(ks):
        for j, width in enumerate(widths):
            c, taps = ((1, wds - 1), (1, wds), (1, wds + 1), (2, wds + 1))[(i + j) % 4]
            cases.append(((4 + (i + j) % 2, c, 3, width + max(taps, 1) - 1), (k, c, 2, max(taps, 1)),
                          dict(padding=((i + j) % 2, 0))))
    cases += [((37, 2, 9, 10), (5, 2, 3, 3), dict(stride=2, padding=1)),
              ((4, 4, 7, 8), (6, 2, 3, 2), dict(groups=2, dilation=2, padding=1)),
              ((5, 3, 30), (7, 3, 5), dict(stride=3, padding=2)),
              ((4, 2, 4, 5, 6), (3, 2, 2, 3, 2), dict(padding=1))]
    _check_weight_grads(isa, dtype, rng, cases)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_weight_rounds_of_images(isa, dtype):
    """The chunk-major mode packs images in rounds bounded in bytes, made a multiple of
    the thread count in jobs where that fits (5 stride-2 images of 861 KB packed, one
    chunk each: rounds of 3 + 2 become 4 + 1 on 2 threads): == reference, and the same
    bits on 1 and 2 threads, whose rounds differ."""
    t = tiles(isa, dtype)
    rng = np.random.default_rng(80)
    c = 64 if dtype == np.float32 else 32
    x = rand(rng, (5, c, 56, 56), dtype)
    w_shape = (t["wk"], c, 3, 3)
    kw = dict(stride=2, padding=1)
    g = rand(rng, (5, t["wk"]) + out_spatial(x.shape, w_shape, kw), dtype)
    got = fc.conv_backward_weight(x, g, w_shape, num_threads=1, **kw)
    assert_close(got, R.conv_backward_weight(x, g, w_shape, **kw), n=5 * 28 * 28, dtype=dtype,
                 err_msg=f"{isa}")
    np.testing.assert_array_equal(fc.conv_backward_weight(x, g, w_shape, num_threads=2, **kw), got)
    np.testing.assert_array_equal(fc.conv_backward_weight(x, g, w_shape, num_threads=3, **kw), got)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_weight_pixel_vectorised_groups(isa, dtype):
    """The pixel-vectorised mode keeps its partial sums (64 bytes a sum, one set per run
    of images) within 1M elements by making runs longer, and splits each run among
    blocks of groups: 32 groups of 16 -> 8 channels (one run), 8 groups (runs of 2
    images), and depthwise: == reference, and the same bits on 1 and 2 threads (where
    the blocks of groups differ)."""
    rng = np.random.default_rng(78)
    cases = [((5, 512, 6, 7), (256, 16, 3, 3), dict(groups=32, padding=1)),
             ((9, 128, 5, 6), (64, 16, 3, 3), dict(groups=8, padding=1)),
             ((6, 96, 9, 8), (96, 1, 3, 3), dict(groups=96, stride=2, padding=1))]
    _check_weight_grads(isa, dtype, rng, cases)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_weight_few_streams(isa, dtype):
    """With 4+ images and at most 48 (c, t) input streams, backward-weight runs
    pixel-vectorised whatever K is (transposing grad_out for the k-vectorised tiles costs
    more than CT multiply-adds an element repay): K at and above wk, CT = 11, 27, 48
    (pixel-vectorised) and 49, 54 (k-vectorised), 1-D/2-D/3-D, stride 2, groups, and rows
    longer than a chunk of pixels: == reference, and the same bits on 1 and 2 threads."""
    t = tiles(isa, dtype)
    wk, lanes = t["wk"], t["lanes"]
    rng = np.random.default_rng(76)
    cases = [((4, 1, 300), (wk, 1, 11), dict(padding=5)),
             ((5, 3, 19, 23), (2 * wk + 1, 3, 3, 3), dict(padding=1)),
             ((4, 16, 2 * lanes + 5), (wk + 3, 16, 3), dict(stride=2, padding=1)),
             ((4, 7, 40), (wk, 7, 7), dict(padding=3)),
             ((4, 6, 9, 10), (wk + 1, 6, 3, 3), dict(padding=1)),
             ((4, 2, 6, 7, 5), (2 * wk, 1, 3, 3, 3), dict(groups=2, padding=1)),
             ((4, 2, 5000), (wk, 2, 5), dict(padding=2))]
    _check_weight_grads(isa, dtype, rng, cases)


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_weight_long_rows(isa, dtype):
    """Rows longer than a chunk of pixels (384 KB of transposed grad_out for one block of
    output channels) are cut into column chunks in both k-vectorised modes: 1-D rows of
    2 chunks + 7 columns, chunk-major (small accumulator) and block-major (C*taps x K
    over 65536), stride 2, and a 2-D image with such rows: == reference, and the same
    bits on 1 and 2 threads."""
    t = tiles(isa, dtype)
    item = np.dtype(dtype).itemsize

    def long_row(k):
        wk = t["wkw"] if k % t["wkw"] == 0 else t["wk"]
        return 2 * (384 * 1024 // (wk * item)) + 7

    rng = np.random.default_rng(77)
    cases = [((2, 8, long_row(64) + 2), (64, 8, 3), {}),
             ((2, 7, 2 * long_row(96) + 3), (96, 7, 5), dict(stride=2, padding=1)),
             ((1, 3, 2, long_row(40) + 2), (40, 3, 2, 3), {})]
    if isa != "baseline":  # the driver is the same on every ISA; baseline's chunks are
        # 12288 columns, which makes this case 1.7 G multiply-adds for the reference
        cases.append(((1, 22, long_row(1024) + 2), (1024, 22, 3), {}))
    _check_weight_grads(isa, dtype, rng, cases)


def test_backward_weight_large_reduction(isa):
    """A 150x150 image reduced into a 3x3 weight gradient (21904 products each), float64
    and float32 (the float32 bound at n=21904) == reference."""
    rng = np.random.default_rng(72)
    for dtype in DTYPES:
        x = rand(rng, (1, 2, 150, 150), dtype)
        g = rand(rng, (1, 3, 148, 148), dtype)
        assert_close(fc.conv_backward_weight(x, g, (3, 2, 3, 3)),
                     R.conv_backward_weight(x, g, (3, 2, 3, 3)), n=148 * 148, dtype=dtype)


# ---------------------------------------------------------------- bias, out=, batch, dtypes


def test_backward_bias_values_and_dtypes():
    """conv_backward_bias sums over batch and every spatial axis for 1-3 spatial dims;
    float32 stays float32 (accumulated in float64: a sum of 2**20 ones is exact), ints ->
    float64."""
    rng = np.random.default_rng(80)
    for shape in [(2, 3, 7), (2, 3, 4, 5), (1, 2, 3, 4, 5), (0, 3, 4)]:
        g = rng.standard_normal(shape)
        np.testing.assert_allclose(fc.conv_backward_bias(g), g.sum(axis=(0,) + tuple(range(2, g.ndim))),
                                   rtol=1e-12, atol=1e-12)
    ones = np.ones((4, 2, 512, 512), np.float32)
    gb = fc.conv_backward_bias(ones)
    assert gb.dtype == np.float32
    np.testing.assert_array_equal(gb, [2.0**20, 2.0**20])
    gi = fc.conv_backward_bias(np.arange(24).reshape(2, 3, 4))
    assert gi.dtype == np.float64
    np.testing.assert_array_equal(gi, [(0 + 1 + 2 + 3) + (12 + 13 + 14 + 15),
                                       (4 + 5 + 6 + 7) + (16 + 17 + 18 + 19),
                                       (8 + 9 + 10 + 11) + (20 + 21 + 22 + 23)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_out_written_in_place_and_returned(isa, dtype):
    """out= of each backward function is filled completely (pre-filled with NaN) and
    returned itself, with the values of the allocating call."""
    rng = np.random.default_rng(81)
    x, w = rand(rng, (2, 4, 9, 7), dtype), rand(rng, (6, 2, 3, 2), dtype)
    kw = dict(stride=2, padding=(1, 0), groups=2)
    G = rand(rng, fc.conv_forward(x, w, **kw).shape, dtype)
    cases = [
        (lambda out: fc.conv_backward_input(G, w, x.shape, out=out, **kw), x.shape),
        (lambda out: fc.conv_backward_weight(x, G, w.shape, out=out, **kw), w.shape),
        (lambda out: fc.conv_backward_bias(G, out=out), (6,)),
    ]
    for f, shape in cases:
        want = f(None)
        out = np.full(shape, np.nan, dtype=dtype)
        assert f(out) is out
        np.testing.assert_array_equal(out, want)


def test_empty_batch():
    """N=0: the input gradient is empty of input_shape, the weight gradient is all zeros
    (an empty sum), the bias gradient is zeros; out= pre-filled with NaN gets zeros."""
    x = np.zeros((0, 2, 5, 5))
    g = np.zeros((0, 3, 3, 3))
    gx = fc.conv_backward_input(g, np.ones((3, 2, 3, 3)), x.shape)
    assert gx.shape == x.shape
    np.testing.assert_array_equal(fc.conv_backward_weight(x, g, (3, 2, 3, 3)), np.zeros((3, 2, 3, 3)))
    out = np.full((3, 2, 3, 3), np.nan)
    fc.conv_backward_weight(x, g, (3, 2, 3, 3), out=out)
    np.testing.assert_array_equal(out, 0)
    np.testing.assert_array_equal(fc.conv_backward_bias(g), np.zeros(3))


def test_backward_dtype_rules():
    """float32 grad_out and w (x) -> float32; a float64 among them -> float64; ints ->
    float64 with exact integer values."""
    rng = np.random.default_rng(82)
    x, w = rng.standard_normal((1, 2, 6, 6)), rng.standard_normal((3, 2, 3, 3))
    g = rng.standard_normal((1, 3, 4, 4))
    f32 = np.float32
    assert fc.conv_backward_input(g.astype(f32), w.astype(f32), x.shape).dtype == f32
    assert fc.conv_backward_input(g.astype(f32), w, x.shape).dtype == np.float64
    assert fc.conv_backward_weight(x.astype(f32), g.astype(f32), w.shape).dtype == f32
    assert fc.conv_backward_weight(x, g.astype(f32), w.shape).dtype == np.float64
    assert fc.conv_backward_bias(g.astype(np.float16)).dtype == f32
    xi, wi, gi = (np.round(a * 4).astype(np.int64) for a in (x, w, g))
    np.testing.assert_array_equal(fc.conv_backward_input(gi, wi, x.shape),
                                  R.conv_backward_input(gi, wi, x.shape))
    np.testing.assert_array_equal(fc.conv_backward_weight(xi, gi, w.shape),
                                  R.conv_backward_weight(xi, gi, w.shape))


@pytest.mark.parametrize("which", ["grad_out", "w", "x"])
def test_read_only_inputs(which):
    """Read-only grad_out, w and x are valid inputs of the backward passes."""
    rng = np.random.default_rng(83)
    arrays = dict(x=rng.standard_normal((1, 2, 6, 6)), w=rng.standard_normal((3, 2, 3, 3)),
                  grad_out=rng.standard_normal((1, 3, 4, 4)))
    want_x = fc.conv_backward_input(arrays["grad_out"], arrays["w"], (1, 2, 6, 6))
    want_w = fc.conv_backward_weight(arrays["x"], arrays["grad_out"], (3, 2, 3, 3))
    want_b = fc.conv_backward_bias(arrays["grad_out"])
    arrays[which] = arrays[which].copy()
    arrays[which].setflags(write=False)
    np.testing.assert_array_equal(
        fc.conv_backward_input(arrays["grad_out"], arrays["w"], (1, 2, 6, 6)), want_x)
    np.testing.assert_array_equal(
        fc.conv_backward_weight(arrays["x"], arrays["grad_out"], (3, 2, 3, 3)), want_w)
    np.testing.assert_array_equal(fc.conv_backward_bias(arrays["grad_out"]), want_b)


def test_non_contiguous_inputs(isa):
    """Negatively strided / Fortran-order grad_out, w and x give bit-for-bit the results of
    their contiguous copies."""
    rng = np.random.default_rng(84)
    x = rng.standard_normal((2, 6, 12, 10))[:, ::2, ::-2, :]
    w = np.asfortranarray(rng.standard_normal((4, 3, 3, 2)))
    g = rng.standard_normal((2, 8, 4, 9))[:, ::-2, :, ::1]
    np.testing.assert_array_equal(fc.conv_backward_input(g, w, x.shape),
                                  fc.conv_backward_input(g.copy(), w.copy(), x.shape))
    np.testing.assert_array_equal(fc.conv_backward_weight(x, g, w.shape),
                                  fc.conv_backward_weight(x.copy(), g.copy(), w.shape))
    np.testing.assert_array_equal(fc.conv_backward_bias(g), fc.conv_backward_bias(g.copy()))


# ---------------------------------------------------------------- non-finite values


def test_backward_weight_inf_in_x_only_reaches_taps_that_read_it():
    """x = [[1, 2, inf], [4, 5, 6]], grad_out of ones (valid, 1x2 kernel, 2x2 output):
    dL/dw[0] = 1+2+4+5 = 12 (tap 0 never reads x[0, 2]) and dL/dw[1] = 2+inf+5+6 = inf.
    Only the tap that multiplies the inf may become non-finite."""
    x = np.array([[[[1.0, 2.0, np.inf], [4.0, 5.0, 6.0]]]])
    g = np.ones((1, 1, 2, 2))
    want = np.array([[[[12.0, np.inf]]]])
    np.testing.assert_array_equal(R.conv_backward_weight(x, g, (1, 1, 1, 2)), want)
    np.testing.assert_array_equal(fc.conv_backward_weight(x, g, (1, 1, 1, 2)), want)


def test_backward_input_nan_weight_only_reaches_inputs_its_tap_pairs_with():
    """w = [NaN, 1], grad_out = [1, 1], x of length 3 (valid): dL/dx[i] = sum over o + r = i
    of g[o] w[r] = [NaN, NaN + 1, 1] = [NaN, NaN, 1]: x[2] is only ever multiplied by w[1]
    (torch.nn.grad.conv1d_input and autograd agree).  Zeros of an implicit padding of
    grad_out must not be multiplied into it (0 * NaN = NaN)."""
    w = np.array([[[np.nan, 1.0]]])
    g = np.ones((1, 1, 2))
    want = np.array([[[np.nan, np.nan, 1.0]]])
    np.testing.assert_array_equal(R.conv_backward_input(g, w, (1, 1, 3)), want)
    np.testing.assert_array_equal(fc.conv_backward_input(g, w, (1, 1, 3)), want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_input_finds_a_non_finite_weight_anywhere(isa, dtype):
    """The weights are checked for Inf/NaN in their packed copies, block by block of
    input channels and by residue class of the stride; one bad value at the tensor's
    first or last element, at a kernel's or a channel block's edge, or in any tap of a
    stride-2 layer (each tap in another class), must still send the call to the path
    that only forms real (grad_out, weight) pairs.  With padding 1, the fast path would
    multiply it by grad_out's zero padding and turn inputs it never pairs with into NaN,
    which the reference does not."""
    t = tiles(isa, dtype)
    rng = np.random.default_rng(7)
    c = t["kw"] + 3  # two blocks of input channels in the channels-vectorised layout
    for stride in (1, 2):
        w0 = rng.standard_normal((64, c, 3, 3)).astype(dtype)
        x_shape = (1, c, 8, 8)
        g = rng.standard_normal((1, 64) + out_spatial(x_shape, w0.shape, dict(stride=stride, padding=1)))
        g = g.astype(dtype)
        kernel = c * 9
        for pos, bad in ((0, np.inf), (kernel - 1, np.nan), (kernel, -np.inf),
                         (t["kw"] * 9 - 1, np.nan), (t["kw"] * 9, np.inf), (5 * kernel + 4, np.nan),
                         (w0.size - 1, np.inf)):
            w = w0.copy()
            w.reshape(-1)[pos] = bad
            a = fc.conv_backward_input(g, w, x_shape, stride=stride, padding=1)
            with np.errstate(invalid="ignore"):
                b = R.conv_backward_input(g, w, x_shape, stride=stride, padding=1)
            assert np.isfinite(b).any(), "the case must have entries the bad weight never reaches"
            msg = f"{isa} stride {stride}, {bad} at {pos}"
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=f"NaN mask, {msg}")
            np.testing.assert_array_equal(np.isinf(a), np.isinf(b), err_msg=f"inf mask, {msg}")


@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_non_finite_values_propagate_like_the_reference(isa, nd, batch):
    """An inf or NaN at any single position of x (or of grad_out) makes exactly the
    gradient entries that depend on it non-finite, as the reference says, and every other
    entry finite and correct.  Every position of one channel is tried, with stride 1 and 2,
    dilation 1 and 2, padding 0 and 1: border elements that some taps never read, stride
    tails no output reads, and the kernels' extra lanes must not leak them.  With 4 images
    (in the last one) backward-weight takes its pixel-vectorised mode, whose row tails
    are masked loads: the packed padding columns next to x's border must stay unread."""
    rng = np.random.default_rng(90 + nd)
    spatial = (5, 4, 3)[:nd]
    for trial, kw in enumerate([dict(), dict(stride=2), dict(dilation=2, padding=1),
                                dict(stride=2, padding=1)]):
        x0 = rng.standard_normal((batch, 2) + spatial)
        w = rng.standard_normal((3, 2) + (2, 2, 2)[:nd])
        g0 = rng.standard_normal(fc.conv_forward(x0, w, **kw).shape)
        bad = (np.inf, np.nan, -np.inf, np.nan)[trial]
        cases = [("x", pos) for pos in np.ndindex(*spatial)]
        cases += [("grad_out", pos) for pos in list(np.ndindex(*g0.shape[2:]))[:6]]
        for which, pos in cases:
            x, g = x0.copy(), g0.copy()
            (x if which == "x" else g)[(batch - 1, 1) + pos] = bad
            for name, got, ref in (
                    ("input", lambda: fc.conv_backward_input(g, w, x.shape, **kw),
                     lambda: R.conv_backward_input(g, w, x.shape, **kw)),
                    ("weight", lambda: fc.conv_backward_weight(x, g, w.shape, **kw),
                     lambda: R.conv_backward_weight(x, g, w.shape, **kw))):
                a = got()
                with np.errstate(invalid="ignore"):
                    b = ref()
                msg = f"grad {name}, {bad} in {which} at {pos}, {kw}"
                np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg="NaN mask: " + msg)
                np.testing.assert_array_equal(np.isinf(a), np.isinf(b), err_msg="inf mask: " + msg)
                fin = np.isfinite(b)
                if fin.any():
                    np.testing.assert_allclose(a[fin], b[fin], rtol=1e-9,
                                               atol=1e-10 * np.abs(b[fin]).max(), err_msg=msg)
