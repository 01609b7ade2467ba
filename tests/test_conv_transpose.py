"""conv_transpose, conv_transpose_backward_input, conv_transpose_backward_weight and the
ConvTranspose1d/2d/3d layers against PyTorch (``conv_transpose1d/2d/3d`` and autograd),
the NumPy reference, finite differences, and the identities they are built on:

* ``conv_transpose(x, w)`` is ``conv_backward_input(x, w, y.shape, padding=[(p, p - op)])``
  of the matching convolution (bit for bit: the same C pass);
* its input gradient is ``conv_forward(g, w, padding=[(p, p - op)])`` and its weight
  gradient ``conv_backward_weight(g, x, w.shape, padding=[(p, p - op)])`` (roles swapped);

on every ISA, both dtypes, 1-D to 3-D, with the plan's modes forced; the same bits for
every thread count; and every bad argument rejected before any C runs, naming it.
"""
import itertools
import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastconv as fc
from fastconv import _plan
from fastconv import reference as R
from fastconv.layers import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

from conftest import assert_close, central_difference, rand, tiles

DTYPES = (np.float32, np.float64)


def t_out(in_shape, k, s, p, op, d):
    """PyTorch's output size per axis, computed here independently of fastconv."""
    return tuple((n - 1) * s_ - 2 * p_ + d_ * (k_ - 1) + o_ + 1
                 for n, k_, s_, p_, o_, d_ in zip(in_shape, k, s, p, op, d))


def grid(nd):
    """(stride, padding, output_padding, dilation, groups) per axis-uniform case PyTorch
    accepts with a non-empty output, for small 1-D to 3-D problems."""
    strides = (1, 2, 3) if nd < 3 else (1, 2)
    for s, p, op, d, g in itertools.product(strides, (0, 1, 2), (0, 1, 2), (1, 2), (1, 2)):
        if op >= s and op >= d:
            continue
        yield s, p, op, d, g


def problem(rng, nd, g, dtype, n=2, cin=4, cog=3, spatial=(5, 6, 4), k=(3, 2, 2)):
    x = rand(rng, (n, cin) + spatial[:nd], dtype)
    w = rand(rng, (cin, cog) + k[:nd], dtype)
    b = rand(rng, (cog * g,), dtype)
    return x, w, b


def torch_all(torch, x, w, b, g_out_seed, **kw):
    """PyTorch's float64 forward and autograd gradients of sum(G * y) for a random G."""
    F = (None, torch.nn.functional.conv_transpose1d, torch.nn.functional.conv_transpose2d,
         torch.nn.functional.conv_transpose3d)[x.ndim - 2]
    tx = torch.tensor(x.astype(np.float64), requires_grad=True)
    tw = torch.tensor(w.astype(np.float64), requires_grad=True)
    tb = torch.tensor(b.astype(np.float64), requires_grad=True)
    ty = F(tx, tw, tb, **kw)
    G = np.random.default_rng(g_out_seed).standard_normal(tuple(ty.shape)).astype(x.dtype)
    ty.backward(torch.tensor(G.astype(np.float64)))
    return (ty.detach().numpy(), G, tx.grad.numpy(), tw.grad.numpy(), tb.grad.numpy())


# ---------------------------------------------------------------- against PyTorch


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_reference_matches_torch(torch, rng, nd):
    """The NumPy oracle (a direct scatter/gather, not the convolution passes) equals
    PyTorch's forward and autograd gradients over the whole parameter grid."""
    for s, p, op, d, g in grid(nd):
        x, w, b = problem(rng, nd, g, np.float64)
        kw = dict(stride=s, padding=p, output_padding=op, dilation=d, groups=g)
        try:
            y, G, gx, gw, gb = torch_all(torch, x, w, b, 1, **kw)
        except RuntimeError:  # an empty output: fastconv raises too (test_errors)
            continue
        tag = f"{nd}-D {kw}"
        np.testing.assert_allclose(R.conv_transpose(x, w, b, **kw), y, rtol=0, atol=1e-12,
                                   err_msg=tag)
        np.testing.assert_allclose(R.conv_transpose_backward_input(G, w, x.shape, **kw), gx,
                                   rtol=0, atol=1e-12, err_msg=tag)
        np.testing.assert_allclose(R.conv_transpose_backward_weight(x, G, w.shape, **kw), gw,
                                   rtol=0, atol=1e-11, err_msg=tag)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_matches_torch(isa, torch, rng, nd, dtype):
    """Forward (with bias), input, weight and bias gradients == PyTorch autograd on the
    same inputs, over strides, paddings, output paddings (also larger than the padding,
    and >= stride where the dilation allows it), dilations and groups."""
    ran = 0
    for s, p, op, d, g in grid(nd):
        x, w, b = problem(rng, nd, g, dtype)
        kw = dict(stride=s, padding=p, output_padding=op, dilation=d, groups=g)
        try:
            y, G, gx, gw, gb = torch_all(torch, x, w, b, ran, **kw)
        except RuntimeError:
            continue
        ran += 1
        assert y.shape[2:] == t_out(x.shape[2:], w.shape[2:], (s,) * nd, (p,) * nd,
                                    (op,) * nd, (d,) * nd)
        tag = f"{isa} {np.dtype(dtype).name} {nd}-D {kw}"
        taps = math.prod(w.shape[2:])
        assert_close(fc.conv_transpose(x, w, b, **kw), y, n=x.shape[1] // g * taps + 1,
                     dtype=dtype, err_msg=tag + " forward")
        assert_close(fc.conv_transpose_backward_input(G, w, x.shape, **kw), gx,
                     n=w.shape[1] * taps, dtype=dtype, err_msg=tag + " input")
        assert_close(fc.conv_transpose_backward_weight(x, G, w.shape, **kw), gw,
                     n=x.shape[0] * math.prod(x.shape[2:]), dtype=dtype, err_msg=tag + " weight")
        assert_close(fc.conv_backward_bias(G), gb, n=G.size // G.shape[1], dtype=dtype,
                     err_msg=tag + " bias")
    assert ran > 30


def test_mixed_axes_match_torch(torch, rng):
    """Different stride, padding, output padding and dilation per axis (2-D and 3-D)."""
    cases = [((2, 4, 6, 5), (4, 2, 3, 4), dict(stride=(2, 3), padding=(0, 2),
                                               output_padding=(1, 2), dilation=(1, 2), groups=2)),
             ((1, 3, 4, 5, 3), (3, 2, 2, 3, 1), dict(stride=(1, 2, 3), padding=(1, 0, 0),
                                                     output_padding=(1, 1, 2), dilation=(2, 1, 1))),
             ((2, 2, 7), (2, 5, 4), dict(stride=4, padding=3, output_padding=3))]
    for i, (xs, ws, kw) in enumerate(cases):
        x, w = rand(rng, xs), rand(rng, ws)
        b = rand(rng, (ws[1] * kw.get("groups", 1),))
        y, G, gx, gw, gb = torch_all(torch, x, w, b, i, **kw)
        np.testing.assert_allclose(fc.conv_transpose(x, w, b, **kw), y, atol=1e-12)
        np.testing.assert_allclose(fc.conv_transpose_backward_input(G, w, xs, **kw), gx, atol=1e-12)
        np.testing.assert_allclose(fc.conv_transpose_backward_weight(x, G, ws, **kw), gw,
                                   atol=1e-11)


def test_output_padding_past_padding_gets_bias_only(torch, rng):
    """output_padding > padding (pad_high < 0 in the C descriptor: the matching
    convolution's input cropped): the last op - p rows are reached by no tap and hold the
    bias exactly; op >= stride with op < dilation is allowed, as in PyTorch."""
    for kw in (dict(stride=2, padding=0, output_padding=1), dict(stride=3, output_padding=2),
               dict(stride=1, dilation=3, output_padding=2), dict(stride=2, dilation=3,
                                                                  padding=1, output_padding=2)):
        x, w, b = rand(rng, (2, 3, 6)), rand(rng, (3, 2, 2)), rand(rng, (2,))
        y = fc.conv_transpose(x, w, b, **kw)
        ty, *_ = torch_all(torch, x, w, b, 0, **kw)
        np.testing.assert_allclose(y, ty, atol=1e-12, err_msg=str(kw))
        s, d = kw.get("stride", 1), kw.get("dilation", 1)
        last = (6 - 1) * s + d * (2 - 1) - kw.get("padding", 0)  # last index a tap reaches
        np.testing.assert_array_equal(y[:, :, last + 1:], np.broadcast_to(
            b[None, :, None], y[:, :, last + 1:].shape))


@st.composite
def transpose_cases(draw):
    """Random rank, batch, groups, channels a group (up to 20, past the channel tiles of
    float64 AVX-512), kernel, stride, dilation, padding and output_padding per axis (the
    latter below max(stride, dilation), also above the padding), input sizes up to 30
    (past the pixel tiles after the stride), bias or not, dtype."""
    nd = draw(st.integers(1, 3))
    smax, kmax = {1: (30, 5), 2: (12, 4), 3: (5, 3)}[nd]
    g = draw(st.sampled_from([1, 1, 2, 3]))
    kernel = tuple(draw(st.integers(1, kmax)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    opad = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    spatial = tuple(draw(st.integers(1, smax)) for _ in range(nd))
    # padding up to what leaves a non-empty output: 2p <= (n-1)s + d(k-1) + op
    pad = tuple(draw(st.integers(0, ((n - 1) * s + d * (k - 1) + o) // 2)) for n, s, d, k, o in
                zip(spatial, stride, dilation, kernel, opad))
    return dict(x_shape=(draw(st.integers(1, 3)), g * draw(st.integers(1, 20))) + spatial,
                cog=draw(st.integers(1, 20)), kernel=kernel, groups=g,
                kw=dict(stride=stride, padding=pad, output_padding=opad, dilation=dilation,
                        groups=g),
                bias=draw(st.booleans()), dtype=draw(st.sampled_from(DTYPES)),
                seed=draw(st.integers(0, 2**31)))


@settings(max_examples=60)
@given(case=transpose_cases())
def test_hypothesis_matches_reference(isa, case):
    """Random problems: conv_transpose (with and without bias) and both gradients ==
    the reference, in the input dtype."""
    rng = np.random.default_rng(case["seed"])
    dt, kw, xs = case["dtype"], case["kw"], case["x_shape"]
    ws = (xs[1], case["cog"]) + case["kernel"]
    x, w = rand(rng, xs, dt), rand(rng, ws, dt)
    b = rand(rng, (case["cog"] * case["groups"],), dt) if case["bias"] else None
    y = fc.conv_transpose(x, w, b, **kw)
    taps = math.prod(case["kernel"])
    assert_close(y, R.conv_transpose(x, w, b, **kw), n=xs[1] // case["groups"] * taps + 1,
                 dtype=dt, err_msg=f"forward {case}")
    G = rand(rng, y.shape, dt)
    assert_close(fc.conv_transpose_backward_input(G, w, xs, **kw),
                 R.conv_transpose_backward_input(G, w, xs, **kw), n=case["cog"] * taps,
                 dtype=dt, err_msg=f"input {case}")
    assert_close(fc.conv_transpose_backward_weight(x, G, ws, **kw),
                 R.conv_transpose_backward_weight(x, G, ws, **kw), n=xs[0] * math.prod(xs[2:]),
                 dtype=dt, err_msg=f"weight {case}")


# ---------------------------------------------------------------- identities


@pytest.mark.parametrize("dtype", DTYPES)
def test_is_backward_input_of_matching_convolution(isa, rng, dtype):
    """conv_transpose == conv_backward_input of the matching convolution, and its
    gradients == conv_forward and conv_backward_weight (grad_out as the input, x as the
    output gradient), bit for bit where the padding p - op is non-negative."""
    for nd in (1, 2, 3):
        for s, p, op, d, g in grid(nd):
            if p < op:
                continue
            x, w, _ = problem(rng, nd, g, dtype)
            kw = dict(stride=s, padding=p, output_padding=op, dilation=d, groups=g)
            try:
                y = fc.conv_transpose(x, w, **kw)
            except ValueError:
                continue
            conv = dict(stride=s, padding=[(p, p - op)] * nd, dilation=d, groups=g)
            np.testing.assert_array_equal(y, fc.conv_backward_input(x, w, y.shape, algorithm="direct",
                                                                    **conv))
            G = rand(rng, y.shape, dtype)
            np.testing.assert_array_equal(fc.conv_transpose_backward_input(G, w, x.shape, **kw),
                                          fc.conv_forward(G, w, **conv))
            np.testing.assert_array_equal(fc.conv_transpose_backward_weight(x, G, w.shape, **kw),
                                          fc.conv_backward_weight(G, x, w.shape, **conv))


def test_adjoint_identity(rng):
    """<conv_transpose(x, w), G> == <x, conv_transpose_backward_input(G)>, and the
    weight gradient is that inner product's derivative in w (it is linear in w)."""
    x, w = rand(rng, (2, 4, 5, 6)), rand(rng, (4, 3, 3, 3))
    kw = dict(stride=(2, 3), padding=1, output_padding=(1, 2), groups=1)
    y = fc.conv_transpose(x, w, **kw)
    G = rand(rng, y.shape)
    assert math.isclose(np.vdot(y, G), np.vdot(x, fc.conv_transpose_backward_input(
        G, w, x.shape, **kw)), rel_tol=1e-12)
    assert math.isclose(np.vdot(y, G), np.vdot(w, fc.conv_transpose_backward_weight(
        x, G, w.shape, **kw)), rel_tol=1e-12)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_finite_differences(rng, nd):
    """The gradients of L = sum(R * conv_transpose(x, w, b)) w.r.t. x, w and b equal
    central differences (float64; L is linear in each, so the quotient is exact up to
    rounding)."""
    spatial, k = (4, 3, 3)[:nd], (3, 2, 2)[:nd]
    x, w, b = rand(rng, (2, 4) + spatial), rand(rng, (4, 1) + k), rand(rng, (2,))
    kw = dict(stride=2, padding=1, output_padding=1, dilation=1, groups=2)
    Rm = rand(rng, fc.conv_transpose(x, w, b, **kw).shape)

    def loss():
        return float(np.sum(Rm * fc.conv_transpose(x, w, b, **kw)))

    np.testing.assert_allclose(fc.conv_transpose_backward_input(Rm, w, x.shape, **kw),
                               central_difference(loss, x), atol=1e-8)
    np.testing.assert_allclose(fc.conv_transpose_backward_weight(x, Rm, w.shape, **kw),
                               central_difference(loss, w), atol=1e-8)
    np.testing.assert_allclose(fc.conv_backward_bias(Rm), central_difference(loss, b), atol=1e-8)


# ---------------------------------------------------------------- plans, threads, edges


def _check_forced(rng, dtype, spec, cases):
    for xs, ws, kw in cases:
        x, w = rand(rng, xs, dtype), rand(rng, ws, dtype)
        b = rand(rng, (ws[1] * kw.get("groups", 1),), dtype)
        with _plan.forced(spec):
            plan = fc.explain(fc.conv_transpose, x, w, b, **kw)
            y = fc.conv_transpose(x, w, b, **kw)
        assert plan["function"] == "conv_transpose" and plan["op"] == "backward_input"
        n = ws[1] * math.prod(ws[2:]) + 1
        assert_close(y, R.conv_transpose(x, w, b, **kw), n=n, dtype=dtype,
                     err_msg=f"{spec} {xs} {ws} {kw}")
        yield plan


@pytest.mark.parametrize("dtype", DTYPES)
def test_forced_modes_with_bias(isa, rng, dtype):
    """The bias is added by every path of the backward-input pass: flattened tiles with
    copy-out or masked stores, channels-vectorised rows and folded planes, each forced,
    with output widths around the tiles and several residue classes: == reference."""
    t = tiles(isa, dtype)
    kwc = t["kw"]
    cases = [((2, 5, 4, t["nr"] // 2 + 1), (5, t["mr"] + 1, 4, 4), dict(stride=2, padding=1)),
             ((1, 2 * kwc, 6, 7), (2 * kwc, kwc + 1, 3, 3), dict(stride=2, padding=1,
                                                                output_padding=1)),
             ((2, 4, 9, 5), (4, 3, 3, 3), dict(padding=1, groups=2)),
             ((1, 3, 5, 6), (3, 2, 2, 2), dict(stride=3, output_padding=2, dilation=2)),
             ((2, 5, 4, 2 * t["lanes"] + 3), (5, t["mr"] + 1, 3, 3), dict(padding=1))]
    for spec in ("fmode=flat,store=copy", "fmode=flat,store=masked", "fmode=kvec"):
        plans = list(_check_forced(rng, dtype, spec, cases))
        modes = {m for p in plans for m in p["mode"].split(",")}
        assert modes == {spec.split(",")[0].split("=")[1]}, (spec, modes)
        stores = {m for p in plans for m in str(p.get("store", "")).split(",")}
        if spec.endswith("masked") and isa == "avx512":  # stride-1 rows of a vector or more
            assert "masked" in stores, stores
        if spec.endswith("copy"):
            assert stores == {"copy"}, stores
    stride1 = [c for c in cases if c[2].get("stride", 1) == 1]
    modes = {p["mode"] for p in _check_forced(rng, dtype, "fmode=kvec_fold", stride1)}
    assert modes == {"kvec_fold"}


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_weight_takes_direct_path_with_bias(rng, dtype):
    """A NaN weight sends the pass to its direct scatter, which forms only real
    (input, weight) pairs and starts from the bias: NaN exactly where the NaN tap
    lands, the reference's values elsewhere."""
    x, w, b = rand(rng, (2, 3, 5, 4), dtype), rand(rng, (3, 2, 3, 3), dtype), rand(rng, (2,), dtype)
    w[1, 0, 2, 1] = np.nan
    kw = dict(stride=2, padding=1, output_padding=1)
    np.testing.assert_allclose(fc.conv_transpose(x, w, b, **kw), R.conv_transpose(x, w, b, **kw),
                               rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_threads_bit_identical(rng, dtype):
    """Forward and both gradients give the same bits on 1, 2 and 3 threads (a decoder
    layer and a grouped, dilated 3-D one)."""
    cases = [((4, 32, 14, 14), (32, 16, 4, 4), dict(stride=2, padding=1)),
             ((2, 8, 5, 6, 4), (8, 3, 3, 2, 2), dict(stride=(2, 1, 2), padding=1,
                                                    output_padding=(1, 0, 1), dilation=(1, 2, 1),
                                                    groups=2))]
    for xs, ws, kw in cases:
        x, w = rand(rng, xs, dtype), rand(rng, ws, dtype)
        b = rand(rng, (ws[1] * kw.get("groups", 1),), dtype)
        y = fc.conv_transpose(x, w, b, num_threads=1, **kw)
        G = rand(rng, y.shape, dtype)
        gx = fc.conv_transpose_backward_input(G, w, xs, num_threads=1, **kw)
        gw = fc.conv_transpose_backward_weight(x, G, ws, num_threads=1, **kw)
        for nt in (2, 3):
            np.testing.assert_array_equal(fc.conv_transpose(x, w, b, num_threads=nt, **kw), y)
            np.testing.assert_array_equal(
                fc.conv_transpose_backward_input(G, w, xs, num_threads=nt, **kw), gx)
            np.testing.assert_array_equal(
                fc.conv_transpose_backward_weight(x, G, ws, num_threads=nt, **kw), gw)


def test_dtypes_out_and_empty_batch(rng):
    """float32 stays float32, a mix and integers give float64; out= is written and
    returned; an empty batch gives an empty result and a zero weight gradient."""
    x, w = rand(rng, (1, 2, 3), np.float32), rand(rng, (2, 2, 3), np.float32)
    assert fc.conv_transpose(x, w).dtype == np.float32
    assert fc.conv_transpose(x, w.astype(np.float64)).dtype == np.float64
    np.testing.assert_allclose(fc.conv_transpose(np.ones((1, 2, 3), int), np.ones((2, 2, 3), int)),
                               R.conv_transpose(np.ones((1, 2, 3)), np.ones((2, 2, 3))))
    out = np.full((1, 2, 8), np.nan, np.float32)
    assert fc.conv_transpose(x, w, stride=2, output_padding=1, out=out) is out
    np.testing.assert_allclose(out, R.conv_transpose(x, w, stride=2, output_padding=1), atol=1e-5)
    e = np.zeros((0, 2, 3))
    assert fc.conv_transpose(e, w.astype(np.float64), stride=2).shape == (0, 2, 7)
    gw = fc.conv_transpose_backward_weight(e, np.zeros((0, 2, 7)), (2, 2, 3), stride=2)
    np.testing.assert_array_equal(gw, np.zeros((2, 2, 3)))


def test_explain_names_the_passes():
    x, w = np.zeros((1, 8, 6, 6), np.float32), np.zeros((8, 4, 3, 3), np.float32)
    g = np.zeros((1, 4, 11, 11), np.float32)
    kw = dict(stride=2, padding=1)
    assert fc.explain(fc.conv_transpose, x, w, **kw)["op"] == "backward_input"
    assert fc.explain(fc.conv_transpose_backward_input, g, w, x.shape, **kw)["op"] == "forward"
    p = fc.explain(fc.conv_transpose_backward_weight, x, g, w.shape, **kw)
    assert p["op"] == "backward_weight" and p["function"] == "conv_transpose_backward_weight"


# ---------------------------------------------------------------- errors


@pytest.fixture
def no_c(monkeypatch):
    """Any call into C fails the test: errors must be raised before."""
    class Guard:
        def __getattr__(self, name):
            raise AssertionError(f"fastconv._core.{name} reached before the argument error")
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("fastconv.") and hasattr(mod, "_core") \
                and mod.__name__ != "fastconv._core":
            monkeypatch.setattr(mod, "_core", Guard())


X, W, G = np.zeros((1, 4, 5, 5)), np.zeros((4, 3, 3, 3)), np.zeros((1, 3, 11, 11))
BAD = [
    (dict(stride=2, output_padding=2), ValueError, r"output_padding must be smaller than stride "
                                                   r"or dilation .*axis 0: 2 >= 2 and 2 >= 1"),
    (dict(stride=1, dilation=2, output_padding=(1, 2)), ValueError, r"output_padding.*axis 1"),
    (dict(output_padding=-1), ValueError, r"output_padding must be a non-negative int"),
    (dict(output_padding=0.5), TypeError, r"output_padding must be"),
    (dict(padding=-1), ValueError, r"padding must be a non-negative int"),
    (dict(padding="same"), TypeError, r"padding must be"),
    (dict(padding=(1, 1, 1)), ValueError, r"padding must be .* \(3 entries\)"),
    (dict(stride=0), ValueError, r"stride must be a positive int"),
    (dict(dilation=(1, 0)), ValueError, r"dilation must be"),
    (dict(groups=3), ValueError, r"input channels \((x.shape|input_shape)\[1\] = 4\) must be "
                                 r"divisible by groups \(3\)"),
    (dict(groups=True), TypeError, r"groups must be a positive int"),
    (dict(padding=5), ValueError, r"output would be empty on spatial axis 0.*padding"),
    (dict(num_threads=0), ValueError, r"num_threads"),
]


@pytest.mark.parametrize("kw,exc,msg", BAD)
def test_bad_parameters(no_c, kw, exc, msg):
    for call in (lambda: fc.conv_transpose(X, W, **kw),
                 lambda: fc.conv_transpose_backward_input(G, W, X.shape, **kw),
                 lambda: fc.conv_transpose_backward_weight(X, G, W.shape, **kw)):
        with pytest.raises(exc, match=msg):
            call()


def test_bad_arrays(no_c):
    cases = [
        (lambda: fc.conv_transpose(X, np.zeros((3, 4, 3, 3))), r"conv_transpose: w.shape\[0\] "
         r"must be the input channels x.shape\[1\] = 4 .*got 3"),
        (lambda: fc.conv_transpose(X, np.zeros((4, 3, 3))), r"w must have the same rank as x"),
        (lambda: fc.conv_transpose(np.zeros((4, 5)), W), r"x must be 3-D, 4-D or 5-D"),
        (lambda: fc.conv_transpose(X, W, np.zeros(4)), r"bias must have shape \(3,\)"),
        (lambda: fc.conv_transpose(X, np.zeros((4, 0, 3, 3))), r"w must have no zero-size axis"),
        (lambda: fc.conv_transpose(X, W, out=np.zeros((1, 3, 6, 6))), r"out must have shape"),
        (lambda: fc.conv_transpose_backward_input(np.zeros((1, 3, 6, 6)), W, X.shape),
         r"grad_out must have the conv_transpose output shape \(1, 3, 7, 7\)"),
        (lambda: fc.conv_transpose_backward_input(G, W, (1, 5, 5, 5), stride=2),
         r"weight|w.shape\[0\] must be the input channels input_shape\[1\] = 5"),
        (lambda: fc.conv_transpose_backward_weight(X, G, (4, 3, 3), stride=2),
         r"weight_shape must have 4 entries"),
        (lambda: fc.conv_transpose_backward_weight(X, np.zeros((1, 3, 10, 11)), W.shape, stride=2),
         r"grad_out must have the conv_transpose output shape \(1, 3, 11, 11\)"),
    ]
    for call, msg in cases:
        with pytest.raises(ValueError, match=msg):
            call()
    with pytest.raises(TypeError, match=r"x must be real"):
        fc.conv_transpose(X.astype(complex), W)


# ---------------------------------------------------------------- layers


@pytest.mark.parametrize("cls,nd", [(ConvTranspose1d, 1), (ConvTranspose2d, 2),
                                    (ConvTranspose3d, 3)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layers_match_torch(torch, rng, cls, nd, dtype):
    """forward, backward (accumulating), zero_grad and parameters against
    torch.nn.ConvTranspose1d/2d/3d with the same weights."""
    kw = dict(stride=2, padding=1, output_padding=1, dilation=1, groups=2)
    layer = cls(4, 6, 3, seed=0, dtype=dtype, **kw)
    tl = getattr(torch.nn, f"ConvTranspose{nd}d")(4, 6, 3, **kw).double()
    layer.bias = rand(rng, (6,))
    with torch.no_grad():
        tl.weight.copy_(torch.tensor(layer.weight.astype(np.float64)))
        tl.bias.copy_(torch.tensor(layer.bias.astype(np.float64)))
    x = rand(rng, (2, 4) + (5, 4, 3)[:nd], np.dtype(dtype))
    tx = torch.tensor(x.astype(np.float64), requires_grad=True)
    y, ty = layer.forward(x), tl(tx)
    assert y.dtype == np.dtype(dtype) and y.shape == layer.output_shape(x.shape)
    tol = 1e-4 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(y, ty.detach().numpy(), atol=tol)
    g = rand(rng, y.shape, np.dtype(dtype))
    ty.backward(torch.tensor(g.astype(np.float64)))
    gx = layer.backward(g)
    np.testing.assert_allclose(gx, tx.grad.numpy(), atol=tol)
    np.testing.assert_allclose(layer.grad_weight, tl.weight.grad.numpy(), atol=tol * 10)
    np.testing.assert_allclose(layer.grad_bias, tl.bias.grad.numpy(), atol=tol * 10)
    assert layer.backward(g, input_grad=False) is None  # accumulates a second time
    np.testing.assert_allclose(layer.grad_weight, 2 * tl.weight.grad.numpy(), atol=tol * 20)
    (w, gw), (b, gb) = layer.parameters()
    assert w is layer.weight and gw is layer.grad_weight and w.shape == (4, 3) + (3,) * nd
    layer.zero_grad()
    assert not gw.any() and not gb.any()


def test_layer_repr_and_errors():
    up = ConvTranspose2d(8, 4, (4, 3), stride=2, padding=(1, 0), output_padding=(0, 1),
                         bias=False, dtype="float64")
    assert repr(up) == ("ConvTranspose2d(8, 4, kernel_size=(4, 3), stride=2, padding=(1, 0), "
                        "output_padding=(0, 1), bias=False, dtype='float64')")
    assert up.output_shape((3, 8, 7, 7)) == (3, 4, 14, 16)
    assert [p.shape for p, _ in up.parameters()] == [(8, 4, 4, 3)]
    with pytest.raises(ValueError, match=r"ConvTranspose2d: output_padding must be smaller"):
        ConvTranspose2d(2, 2, 3, stride=2, output_padding=2)
    with pytest.raises(ValueError, match=r"ConvTranspose1d: out_channels \(3\) must be divisible"):
        ConvTranspose1d(2, 3, 3, groups=2)
    with pytest.raises(RuntimeError, match=r"backward called before forward"):
        up.backward(np.zeros((1, 4, 2, 2)))
    with pytest.raises(ValueError, match=r"x must have in_channels = 8"):
        up.forward(np.zeros((1, 3, 4, 4)))


def test_layer_output_size_matches_torch(torch, rng):
    """forward(x, output_size=...) picks the output padding as PyTorch's layer does, and
    backward differentiates that call; sizes no output padding reaches raise."""
    up = ConvTranspose2d(3, 4, 3, stride=(2, 3), padding=1, dtype="float64", seed=0)
    tl = torch.nn.ConvTranspose2d(3, 4, 3, stride=(2, 3), padding=1).double()
    with torch.no_grad():
        tl.weight.copy_(torch.tensor(up.weight))
        tl.bias.zero_()
    x = rand(rng, (2, 3, 5, 4))
    for size in ((9, 10), (10, 12), (2, 4, 10, 11)):
        tx = torch.tensor(x, requires_grad=True)
        ty = tl(tx, output_size=list(size))
        y = up.forward(x, output_size=size)
        np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-12)
        g = rand(rng, y.shape)
        ty.backward(torch.tensor(g))
        np.testing.assert_allclose(up.backward(g), tx.grad.numpy(), atol=1e-12)
    for bad in ((11, 10), (9, 13), (9,)):
        with pytest.raises(ValueError, match=r"ConvTranspose2d: output_size must be"):
            up.forward(x, output_size=bad)
