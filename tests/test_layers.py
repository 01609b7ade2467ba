"""fastconv.layers (Conv1d, Conv2d, Conv3d) and the digits CNN of examples/.

* gradients w.r.t. the input, the weight and the bias against float64 central finite
  differences (1-D to 3-D; stride, padding forms, dilation, groups, flip_filters,
  bias=False), and the forward pass against fastconv.reference;
* accumulation: two backward calls give twice the gradients, zero_grad resets them in
  place, parameters() hands out the layer's own arrays;
* He initialisation statistics and seed reproducibility;
* argument validation (ValueError/TypeError naming the argument, RuntimeError for
  backward before forward) and the repr;
* the digits model of examples/digits_model.py: a short seeded training run must cut
  the loss by a set factor; with PyTorch installed, SGD-with-momentum steps of the same
  network from the same weights on the same batches give the same weights;
* examples/train_digits.py runs end to end (one epoch) and prints its last line.
"""
import math
import os
import re
import sys

import numpy as np
import pytest

import fastconv as fc
from fastconv import reference as R
from fastconv.layers import Conv1d, Conv2d, Conv3d

from conftest import central_difference

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
if EXAMPLES not in sys.path:
    sys.path.insert(0, EXAMPLES)

CLASSES = {1: Conv1d, 2: Conv2d, 3: Conv3d}

# (class, in_channels, out_channels, kernel_size, input spatial shape, keyword arguments)
GRAD_CASES = [
    (Conv1d, 3, 4, 3, (7,), {}),
    (Conv1d, 4, 6, 4, (11,), dict(stride=2, padding=((2, 1),), dilation=2, groups=2,
                                  flip_filters=True)),
    (Conv1d, 2, 2, 5, (4,), dict(padding="full", bias=False)),
    (Conv2d, 3, 4, 3, (5, 6), dict(padding=1)),
    (Conv2d, 4, 6, (3, 2), (6, 5), dict(stride=(2, 1), padding=((1, 0), (0, 1)), groups=2,
                                        flip_filters=True)),
    (Conv2d, 2, 3, 3, (5, 6), dict(padding="same", dilation=(1, 2), flip_filters=True)),
    (Conv2d, 3, 3, 3, (7, 7), dict(stride=2, groups=3, bias=False)),
    (Conv3d, 2, 3, 2, (4, 3, 5), dict(stride=2, padding=1, flip_filters=True)),
    (Conv3d, 4, 4, (1, 2, 3), (3, 4, 4), dict(padding="same", groups=2)),
]


def _case_id(case):
    cls, cin, cout, k, sp, kw = case
    extra = ",".join(f"{a}={b}" for a, b in kw.items())
    return f"{cls.__name__}-{cin}-{cout}-k{k}-{'x'.join(map(str, sp))}-{extra}"


def assert_grad_close(actual, expected, what):
    scale = max(float(np.max(np.abs(expected))), 1.0)
    err = float(np.max(np.abs(actual - expected)))
    assert err <= 1e-8 * scale, f"{what}: max |err| {err:.3e} (scale {scale:.3e})"


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("case", GRAD_CASES, ids=_case_id)
def test_gradients_match_finite_differences(rng, case):
    cls, cin, cout, k, spatial, kw = case
    layer = cls(cin, cout, k, dtype="float64", seed=1, **kw)
    if layer.bias is not None:
        layer.bias = rng.standard_normal(cout)
    x = rng.standard_normal((2, cin) + spatial)
    y = layer.forward(x)
    r = rng.standard_normal(y.shape)       # loss = sum(r * y), so dLoss/dy = r

    def loss():
        return float(np.sum(r * layer.forward(x)))

    gx = layer.backward(r)
    assert gx.shape == x.shape and gx.dtype == np.float64
    assert_grad_close(gx, central_difference(loss, x), "input gradient")
    assert_grad_close(layer.grad_weight, central_difference(loss, layer.weight),
                      "weight gradient")
    if layer.bias is None:
        assert layer.grad_bias is None
    else:
        assert_grad_close(layer.grad_bias, central_difference(loss, layer.bias), "bias gradient")


@pytest.mark.parametrize("case", GRAD_CASES, ids=_case_id)
def test_forward_matches_reference(rng, case):
    cls, cin, cout, k, spatial, kw = case
    layer = cls(cin, cout, k, dtype="float64", seed=2, **kw)
    x = rng.standard_normal((3, cin) + spatial)
    ref = R.conv_forward(x, layer.weight, layer.bias, stride=layer.stride,
                         padding=layer.padding, dilation=layer.dilation, groups=layer.groups,
                         flip=layer.flip_filters)
    y = layer(x)
    assert y.shape == ref.shape == layer.output_shape(x.shape)
    np.testing.assert_allclose(y, ref, rtol=0, atol=1e-12 * np.max(np.abs(ref)))


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_flip_filters_is_convolution_with_rotated_kernel(rng, nd):
    """Lasagne's flip_filters=True with kernel W equals flip_filters=False with W rotated
    180 degrees, in the forward pass and in every gradient (the weight gradient rotated)."""
    cls = CLASSES[nd]
    spatial = (6, 5, 4)[:nd]
    flipped = cls(2, 3, 3, padding=1, flip_filters=True, dtype="float64", seed=3)
    plain = cls(2, 3, 3, padding=1, dtype="float64", seed=3)
    plain.weight = fc.rot180(flipped.weight, axes=tuple(range(2, 2 + nd)))
    x = rng.standard_normal((2, 2) + spatial)
    yf, yp = flipped(x), plain(x)
    np.testing.assert_allclose(yf, yp, rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(yf.shape)
    np.testing.assert_allclose(flipped.backward(g), plain.backward(g), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(flipped.grad_weight,
                               fc.rot180(plain.grad_weight, axes=tuple(range(2, 2 + nd))),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(flipped.grad_bias, plain.grad_bias)


def test_float32_layer_matches_float64(rng):
    l32 = Conv2d(3, 5, 3, stride=2, padding=1, seed=4)
    l64 = Conv2d(3, 5, 3, stride=2, padding=1, seed=4, dtype="float64")
    assert l32.dtype == np.float32 and l32.weight.dtype == np.float32
    np.testing.assert_array_equal(l32.weight, l64.weight.astype(np.float32))
    x = rng.standard_normal((2, 3, 9, 9))           # float64 input: cast to float32
    y32, y64 = l32(x), l64(x)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, y64, rtol=1e-4, atol=1e-5)
    g = rng.standard_normal(y64.shape)
    gx32 = l32.backward(g)
    assert gx32.dtype == np.float32
    np.testing.assert_allclose(gx32, l64.backward(g), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(l32.grad_weight, l64.grad_weight, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(l32.grad_bias, l64.grad_bias, rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------- accumulation


@pytest.mark.parametrize("bias", [True, False])
def test_backward_accumulates_and_zero_grad_resets(rng, bias):
    layer = Conv2d(2, 4, 3, stride=2, padding=1, bias=bias, dtype="float64", seed=5)
    pairs = layer.parameters()
    assert len(pairs) == (2 if bias else 1)
    assert pairs[0][0] is layer.weight and pairs[0][1] is layer.grad_weight
    if bias:
        assert pairs[1][0] is layer.bias and pairs[1][1] is layer.grad_bias
    assert not np.any(layer.grad_weight)

    x = rng.standard_normal((3, 2, 7, 7))
    g = rng.standard_normal(layer.forward(x).shape)
    gx1 = layer.backward(g)
    gw1 = layer.grad_weight.copy()
    gb1 = None if not bias else layer.grad_bias.copy()
    assert np.any(gw1)
    gx2 = layer.backward(g)                          # again, same forward pass
    np.testing.assert_array_equal(gx1, gx2)
    np.testing.assert_array_equal(layer.grad_weight, 2 * gw1)
    if bias:
        np.testing.assert_array_equal(layer.grad_bias, 2 * gb1)

    grad_arrays = [gr for _, gr in pairs]
    layer.zero_grad()
    for (_, gr), same in zip(layer.parameters(), grad_arrays):
        assert gr is same                            # reset in place
        assert not np.any(gr)
    layer.backward(g)
    np.testing.assert_array_equal(layer.grad_weight, gw1)

    # input_grad=False skips dLoss/dx but still accumulates the parameter gradients
    assert layer.backward(g, input_grad=False) is None
    np.testing.assert_array_equal(layer.grad_weight, 2 * gw1)


def test_parameters_are_updated_in_place(rng):
    layer = Conv1d(2, 3, 3, seed=6, dtype="float64")
    w = layer.weight
    for p, _ in layer.parameters():
        p -= 1.0
    assert layer.weight is w
    new = rng.standard_normal(w.shape)
    layer.weight = new                               # the setter copies into the buffer
    assert layer.weight is w
    np.testing.assert_array_equal(w, new)
    layer.bias = np.arange(3)
    np.testing.assert_array_equal(layer.bias, [0, 1, 2])


# ---------------------------------------------------------------- initialisation


@pytest.mark.parametrize("cls,cin,cout,k,groups", [
    (Conv1d, 512, 64, 7, 1),
    (Conv2d, 256, 256, 3, 1),
    (Conv3d, 64, 128, 3, 4),
])
def test_he_initialisation(cls, cin, cout, k, groups):
    layer = cls(cin, cout, k, groups=groups, seed=7)
    w = layer.weight.astype(np.float64)
    fan_in = cin // groups * k ** cls._nd
    expected = math.sqrt(2.0 / fan_in)
    # the sample std of n normals has relative standard error ~ 1/sqrt(2n) (< 0.3% here)
    assert w.size >= 50_000
    assert abs(w.std() / expected - 1) < 0.02, (w.std(), expected)
    assert abs(w.mean()) < 5 * expected / math.sqrt(w.size)
    assert not np.any(layer.bias)


def test_seed_reproducibility():
    kw = dict(stride=2, padding=1)
    a = Conv2d(3, 8, 3, seed=42, **kw)
    b = Conv2d(3, 8, 3, seed=42, **kw)
    np.testing.assert_array_equal(a.weight, b.weight)
    assert not np.array_equal(a.weight, Conv2d(3, 8, 3, seed=43, **kw).weight)
    # a Generator is consumed: two layers drawn from one generator differ, and the
    # sequence repeats for the same generator seed
    g1, g2 = np.random.default_rng(0), np.random.default_rng(0)
    first, second = Conv2d(3, 8, 3, seed=g1), Conv2d(3, 8, 3, seed=g1)
    assert not np.array_equal(first.weight, second.weight)
    np.testing.assert_array_equal(first.weight, Conv2d(3, 8, 3, seed=g2).weight)
    np.testing.assert_array_equal(second.weight, Conv2d(3, 8, 3, seed=g2).weight)
    # seed=None draws fresh entropy
    assert not np.array_equal(Conv2d(3, 8, 3).weight, Conv2d(3, 8, 3).weight)
    # float64 and float32 layers with one seed start from the same weights
    np.testing.assert_array_equal(Conv1d(2, 2, 3, seed=1).weight,
                                  Conv1d(2, 2, 3, seed=1, dtype="float64").weight
                                  .astype(np.float32))


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("kwargs,exc,name", [
    (dict(in_channels=0), ValueError, "in_channels"),
    (dict(in_channels=2.0), TypeError, "in_channels"),
    (dict(in_channels=True), TypeError, "in_channels"),
    (dict(out_channels=-1), ValueError, "out_channels"),
    (dict(out_channels="4"), TypeError, "out_channels"),
    (dict(kernel_size=0), ValueError, "kernel_size"),
    (dict(kernel_size=(3,)), ValueError, "kernel_size"),
    (dict(kernel_size=(3, 3.0)), TypeError, "kernel_size"),
    (dict(kernel_size="3"), TypeError, "kernel_size"),
    (dict(stride=0), ValueError, "stride"),
    (dict(stride=(1, 2, 3)), ValueError, "stride"),
    (dict(dilation=0), ValueError, "dilation"),
    (dict(padding=-1), ValueError, "padding"),
    (dict(padding="middle"), ValueError, "padding"),
    (dict(padding=1.5), TypeError, "padding"),
    (dict(padding="same", stride=2), ValueError, "padding='same'"),
    (dict(groups=0), ValueError, "groups"),
    (dict(groups=4), ValueError, "groups"),            # 6 input channels
    (dict(in_channels=4, groups=4), ValueError, "groups"),   # 6 output channels
    (dict(bias=1), TypeError, "bias"),
    (dict(flip_filters="yes"), TypeError, "flip_filters"),
    (dict(dtype="int32"), ValueError, "dtype"),
    (dict(dtype="float16"), ValueError, "dtype"),
    (dict(dtype=None), TypeError, "dtype"),
    (dict(dtype="no such dtype"), TypeError, "dtype"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(seed=1.5), TypeError, "seed"),
])
def test_constructor_validation(kwargs, exc, name):
    args = dict(in_channels=6, out_channels=6, kernel_size=3)
    args.update(kwargs)
    pos = [args.pop("in_channels"), args.pop("out_channels"), args.pop("kernel_size")]
    with pytest.raises(exc, match=re.escape(name)) as info:
        Conv2d(*pos, **args)
    assert str(info.value).startswith("Conv2d: ")


def test_constructor_keywords_are_keyword_only():
    with pytest.raises(TypeError):
        Conv2d(1, 2, 3, 1)


def test_call_errors(rng):
    layer = Conv2d(2, 3, 3)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.zeros((1, 3, 2, 2)))
    with pytest.raises(ValueError, match=r"x must be 4-D"):
        layer.forward(np.zeros((2, 5, 5)))
    with pytest.raises(ValueError, match=r"in_channels = 2"):
        layer.forward(np.zeros((1, 3, 5, 5)))
    with pytest.raises(TypeError, match=r"x must be a real"):
        layer.forward(np.zeros((1, 2, 5, 5), dtype=complex))
    with pytest.raises(ValueError, match="kernel is larger"):
        layer.forward(np.zeros((1, 2, 2, 2)))
    y = layer.forward(rng.standard_normal((1, 2, 5, 5)))
    with pytest.raises(ValueError, match=r"grad_out must have the shape"):
        layer.backward(np.zeros((1, 3, 4, 4)))
    with pytest.raises(TypeError, match="input_grad"):
        layer.backward(np.zeros(y.shape), input_grad=None)
    with pytest.raises(ValueError, match="weight must have shape"):
        layer.weight = np.zeros((3, 2, 2, 2))
    with pytest.raises(ValueError, match="no bias"):
        Conv2d(2, 3, 3, bias=False).bias = np.zeros(3)
    with pytest.raises(AttributeError):
        layer.grad_weight = np.zeros_like(layer.weight)
    with pytest.raises(ValueError, match="input_shape"):
        layer.output_shape((1, 5, 5))


def test_repr():
    assert repr(Conv2d(1, 16, 3, stride=2, padding=1)) == \
        "Conv2d(1, 16, kernel_size=3, stride=2, padding=1, dtype='float32')"
    assert repr(Conv3d(4, 8, (1, 2, 3), padding="same", dilation=2, groups=2, bias=False,
                       flip_filters=True, dtype="float64")) == \
        ("Conv3d(4, 8, kernel_size=(1, 2, 3), stride=1, padding='same', dilation=2, "
         "groups=2, bias=False, flip_filters=True, dtype='float64')")
    assert repr(Conv1d(2, 2, 3, padding=[(1, 0)])) == \
        "Conv1d(2, 2, kernel_size=3, stride=1, padding=((1, 0),), dtype='float32')"


def test_hyperparameters_are_normalised():
    layer = Conv3d(2, 4, 3, stride=(1, 2, 1), padding=[1, 0, 2], groups=2)
    assert layer.kernel_size == (3, 3, 3)
    assert layer.stride == (1, 2, 1)
    assert layer.dilation == (1, 1, 1)
    assert layer.padding == (1, 0, 2)
    assert layer.weight.shape == (4, 1, 3, 3, 3)
    assert layer.output_shape((5, 2, 4, 5, 6)) == (5, 4, 4, 2, 8)


# ---------------------------------------------------------------- the digits model


def test_digits_training_loss_falls():
    """A few seeded epochs of the example's CNN on 400 digits: the training loss must fall
    at least 5-fold (it falls ~10-fold) and the run must be reproducible bit for bit."""
    pytest.importorskip("sklearn")
    from digits_model import SGD, DigitsCNN, evaluate, load_digits_split, minibatches, \
        train_step

    x_train, x_test, y_train, y_test = load_digits_split(seed=0)
    x, y = x_train[:400], y_train[:400]

    def run():
        model = DigitsCNN(seed=0, width=8)
        opt = SGD(model.parameters(), lr=0.05, momentum=0.9)
        rng = np.random.default_rng(0)
        losses = [evaluate(model, x, y)[0]]
        for _ in range(5):
            for idx in minibatches(len(x), 32, rng):
                train_step(model, opt, x[idx], y[idx])
            losses.append(evaluate(model, x, y)[0])
        return model, losses

    model, losses = run()
    assert losses[0] > 2.0                          # ~ln(10) at initialisation
    assert losses[-1] < losses[0] / 5, losses
    assert evaluate(model, x_test, y_test)[1] > 0.8
    _, again = run()
    assert again == losses


def _torch_model(torch, model):
    """The same network in PyTorch, with ``model``'s weights."""
    nn = torch.nn
    layers = []
    for conv in model.convs:
        tconv = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size,
                          stride=conv.stride, padding=conv.padding)
        layers += [tconv, nn.ReLU()]
    layers += [nn.Flatten(), nn.Linear(*model.dense.weight.shape[::-1])]
    net = nn.Sequential(*layers)
    dtype = torch.float64 if model.dense.weight.dtype == np.float64 else torch.float32
    net = net.to(dtype)
    with torch.no_grad():
        for conv, tconv in zip(model.convs, net[0:-2:2]):
            w = conv.weight
            if conv.flip_filters:      # fastconv rotates the kernel, torch does not
                w = fc.rot180(w, axes=(2, 3))
            tconv.weight.copy_(torch.from_numpy(np.array(w)))
            tconv.bias.copy_(torch.from_numpy(np.array(conv.bias)))
        net[-1].weight.copy_(torch.from_numpy(model.dense.weight.copy()))
        net[-1].bias.copy_(torch.from_numpy(model.dense.bias.copy()))
    return net


@pytest.mark.parametrize("dtype,flip", [("float64", False), ("float64", True),
                                        ("float32", False)])
def test_sgd_momentum_steps_match_pytorch(dtype, flip):
    """Three SGD-with-momentum steps (weight decay too) of the digits CNN from the same
    initial weights on the same batches give the same weights as torch.optim.SGD."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    from digits_model import SGD, DigitsCNN, train_step

    model = DigitsCNN(seed=3, dtype=dtype, width=4, flip_filters=flip)
    net = _torch_model(torch, model)
    lr, momentum, wd = 0.1, 0.9, 1e-3
    opt = SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=wd)
    topt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum, weight_decay=wd)
    rng = np.random.default_rng(11)
    tol = 1e-10 if dtype == "float64" else 2e-5

    for step in range(3):
        xb = rng.random((16, 1, 8, 8)).astype(dtype)
        yb = rng.integers(0, 10, size=16)
        loss, _ = train_step(model, opt, xb, yb)
        topt.zero_grad()
        tloss = torch.nn.functional.cross_entropy(net(torch.from_numpy(xb)),
                                                  torch.from_numpy(yb))
        tloss.backward()
        topt.step()
        assert abs(loss - tloss.item()) <= tol * max(1.0, abs(loss)), (step, loss, tloss)

        ours = []
        for conv in model.convs:
            w = fc.rot180(conv.weight, axes=(2, 3)) if flip else conv.weight
            ours += [w, conv.bias]
        ours += [model.dense.weight, model.dense.bias]
        for i, (p, tp) in enumerate(zip(ours, net.parameters())):
            tp = tp.detach().numpy()
            assert p.shape == tp.shape
            err = float(np.max(np.abs(p - tp)))
            assert err <= tol * max(1.0, float(np.max(np.abs(tp)))), \
                f"step {step}, parameter {i} {p.shape}: max |err| {err:.3e}"


def test_train_digits_example_runs(tmp_path, capsys):
    """examples/train_digits.py, one epoch: writes the PNG and ends with the accuracy."""
    for mod in ("sklearn", "tqdm", "matplotlib"):
        pytest.importorskip(mod)
    import train_digits

    out = tmp_path / "curves.png"
    threads = fc.get_num_threads()
    try:
        train_digits.main(["--epochs", "1", "--seed", "0", "--quiet", "--out", str(out)])
    finally:
        fc.set_num_threads(threads)         # the example sets its own thread count
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"test accuracy: 0\.\d{4}", lines[-1]), lines
    assert float(lines[-1].split()[-1]) > 0.8
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
