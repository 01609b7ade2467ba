"""The FFT path of the batched 1-D passes (algorithm="fft"): forced against the float64
reference (fastconv.reference) and PyTorch (conv1d and its autograd), every ISA, both
dtypes, odd and even kernels and lengths, kernels longer than a tile's outputs and than
the input, every padding form, groups, flip, bias; the same bits for 1, 2 and 3 threads;
auto's choices (direct for tiny problems and non-finite inputs, fft for a long kernel);
refusals.  Bound: float64 within 1e-12 of max|ref|, float32 within 1e-4 (docs/accuracy.rst)."""
import numpy as np
import pytest

import fastconv
from fastconv import reference

BOUND = {np.float64: 1e-12, np.float32: 1e-4}

# (N, C_in, C_out, L, K, padding, groups): odd/even K and L, K > L (full padding), K
# longer than a tile's outputs, asymmetric padding, groups, one channel
CASES = [
    (2, 3, 5, 100, 20, 0, 1),
    (1, 1, 1, 64, 65, 64, 1),
    (2, 4, 6, 257, 33, (3, 40), 2),
    (3, 6, 3, 1001, 127, 7, 3),
    (2, 5, 7, 300, 64, "same", 1),
    (1, 2, 3, 50, 200, "full", 1),
    (2, 3, 9, 999, 300, (299, 0), 1),
]


def _rng():
    return np.random.default_rng(16)


def _data(N, C, Co, L, K, g, dtype, rng):
    x = rng.standard_normal((N, C, L)).astype(dtype)
    w = rng.standard_normal((Co, C // g, K)).astype(dtype)
    b = rng.standard_normal(Co).astype(dtype)
    return x, w, b


def _close(got, ref, dtype):
    scale = np.abs(ref).max()
    assert got.dtype == dtype and got.shape == ref.shape
    assert np.abs(got - ref).max() <= BOUND[dtype] * scale, np.abs(got - ref).max() / scale


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("flip", [False, True])
def test_forced_fft_vs_reference(isa, case, dtype, flip):
    N, C, Co, L, K, pad, g = case
    x, w, b = _data(N, C, Co, L, K, g, dtype, _rng())
    kw = dict(padding=(pad,) if isinstance(pad, tuple) else pad, groups=g, flip=flip)
    y = fastconv.conv_forward(x, w, b, algorithm="fft", **kw)
    assert fastconv.explain(fastconv.conv_forward, x, w, b, algorithm="fft", **kw)["algorithm"] == "fft"
    _close(y, reference.conv_forward(x, w, b, **kw), dtype)
    go = _rng().standard_normal(y.shape).astype(dtype)
    gx = fastconv.conv_backward_input(go, w, x.shape, algorithm="fft", **kw)
    _close(gx, reference.conv_backward_input(go, w, x.shape, **kw), dtype)
    gw = fastconv.conv_backward_weight(x, go, w.shape, algorithm="fft", **kw)
    _close(gw, reference.conv_backward_weight(x, go, w.shape, **kw), dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", [(2, 3, 5, 1000, 64, 10, 1), (2, 4, 4, 513, 255, (0, 254), 2)])
def test_fft_vs_torch_autograd(torch, dtype, case):
    N, C, Co, L, K, pad, g = case
    x, w, b = _data(N, C, Co, L, K, g, dtype, _rng())
    lo, hi = (pad, pad) if isinstance(pad, int) else pad
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    ty = torch.nn.functional.conv1d(torch.nn.functional.pad(tx, (lo, hi)), tw, torch.tensor(b), groups=g)
    y = fastconv.conv_forward(x, w, b, padding=[(lo, hi)], groups=g, algorithm="fft")
    _close(y, ty.detach().numpy(), dtype)
    go = _rng().standard_normal(y.shape).astype(dtype)
    ty.backward(torch.tensor(go))
    kw = dict(padding=[(lo, hi)], groups=g, algorithm="fft")
    _close(fastconv.conv_backward_input(go, w, x.shape, **kw), tx.grad.numpy(), dtype)
    _close(fastconv.conv_backward_weight(x, go, w.shape, **kw), tw.grad.numpy(), dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_thread_bit_identity(dtype):
    x, w, b = _data(3, 4, 6, 4000, 300, 2, dtype, _rng())
    go = _rng().standard_normal((3, 6, 4000 + 2 * 17 - 299)).astype(dtype)
    kw = dict(padding=17, groups=2, algorithm="fft")
    outs = []
    for nt in (1, 2, 3):
        outs.append((fastconv.conv_forward(x, w, b, num_threads=nt, **kw),
                     fastconv.conv_backward_input(go, w, x.shape, num_threads=nt, **kw),
                     fastconv.conv_backward_weight(x, go, w.shape, num_threads=nt, **kw)))
    for o in outs[1:]:
        for a, ref in zip(o, outs[0]):
            assert np.array_equal(a, ref)


def test_direct_keeps_its_bits():
    x, w, b = _data(2, 3, 4, 500, 100, 1, np.float32, _rng())
    base = fastconv.conv_forward(x, w, b, algorithm="direct")
    assert fastconv.explain(fastconv.conv_forward, x, w, b, algorithm="direct")["algorithm"] == "direct"
    assert np.array_equal(base, reference.conv_forward(x, w, b).astype(np.float32)) or \
        np.abs(base - reference.conv_forward(x, w, b)).max() < 1e-4 * np.abs(base).max()


def test_auto_picks_direct_for_tiny_and_fft_for_long():
    rng = _rng()
    x, w = rng.standard_normal((1, 2, 50)), rng.standard_normal((2, 2, 3))
    for fn, args in [(fastconv.conv_forward, (x, w)),
                     (fastconv.conv_backward_input, (np.ones((1, 2, 48)), w, x.shape)),
                     (fastconv.conv_backward_weight, (x, np.ones((1, 2, 48)), w.shape))]:
        assert fastconv.explain(fn, *args)["algorithm"] == "direct"
    x, w = rng.standard_normal((4, 8, 16384)), rng.standard_normal((8, 8, 1024))
    g = rng.standard_normal((4, 8, 16384 - 1023))
    for fn, args in [(fastconv.conv_forward, (x, w)),
                     (fastconv.conv_backward_input, (g, w, x.shape)),
                     (fastconv.conv_backward_weight, (x, g, w.shape))]:
        plan = fastconv.explain(fn, *args)
        assert plan["algorithm"] == "fft" and plan["mode"] == "overlap_save_batched"
        assert float(plan["cost_fft_ns"]) < float(plan["cost_direct_ns"])
    y = fastconv.conv_forward(x[:1, :, :4096], w[:, :, :512])
    _close(y, reference.conv_forward(x[:1, :, :4096], w[:, :, :512]), np.float64)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_auto_keeps_non_finite_local(bad):
    rng = _rng()
    x, w = rng.standard_normal((2, 4, 8192)), rng.standard_normal((4, 4, 1024))
    assert fastconv.explain(fastconv.conv_forward, x, w)["algorithm"] == "fft"
    x[0, 1, 100] = bad
    y = fastconv.conv_forward(x, w)
    ref = fastconv.conv_forward(x, w, algorithm="direct")
    assert np.array_equal(np.isfinite(y), np.isfinite(ref))
    assert np.isfinite(y[1]).all() and np.isfinite(y[0, :, 101:]).all()
    assert np.array_equal(y, ref, equal_nan=True)
    go = rng.standard_normal(y.shape)
    go[1, 2, 5] = bad
    gx = fastconv.conv_backward_input(go, w, x.shape)
    assert np.isfinite(gx[0]).all() and np.isfinite(gx[1, :, 1030:]).all()
    w[0, 0, 0] = bad
    x[0, 1, 100] = 0.0
    y = fastconv.conv_forward(x, w)
    assert np.isfinite(y[:, 1:]).all() and not np.isfinite(y[:, 0]).all()


def test_auto_one_row_2d_layer_keeps_nan_local():
    """A 2-D layer of one row is the 1-D problem the FFT plan serves; auto must scan it too."""
    rng = _rng()
    x, w = rng.standard_normal((2, 4, 1, 8192)), rng.standard_normal((4, 4, 1, 1024))
    assert fastconv.explain(fastconv.conv_forward, x, w)["algorithm"] == "fft"
    np.testing.assert_allclose(fastconv.conv_forward(x, w), fastconv.conv_forward(x, w, algorithm="direct"),
                               rtol=0, atol=1e-12 * np.abs(fastconv.conv_forward(x, w)).max())
    x[1, 2, 0, 4000] = np.nan
    assert np.array_equal(fastconv.conv_forward(x, w), fastconv.conv_forward(x, w, algorithm="direct"),
                          equal_nan=True)


def test_conv_transpose_gradients_auto_keep_nan_local():
    """conv_transpose's gradients run the forward and weight-gradient passes under auto."""
    rng = _rng()
    x, w = rng.standard_normal((2, 4, 4000)), rng.standard_normal((4, 3, 1024))
    y = fastconv.conv_transpose(x, w)
    g = rng.standard_normal(y.shape)
    assert fastconv.explain(fastconv.conv_transpose_backward_input, g, w, x.shape)["algorithm"] == "fft"
    assert fastconv.explain(fastconv.conv_transpose_backward_weight, x, g, w.shape)["algorithm"] == "fft"
    gx = fastconv.conv_transpose_backward_input(g, w, x.shape)
    gw = fastconv.conv_transpose_backward_weight(x, g, w.shape)
    _close(gx, reference.conv_forward(g, w), np.float64)
    _close(gw, reference.conv_backward_weight(g, x, w.shape), np.float64)
    g[1, 0, 10] = np.inf
    gx = fastconv.conv_transpose_backward_input(g, w, x.shape)
    assert np.isfinite(gx[0]).all() and np.isfinite(gx[1, :, 11:]).all()


@pytest.mark.parametrize("kw, why", [
    (dict(stride=2), "stride 1 only"),
    (dict(dilation=2), "dilation 1 only"),
])
def test_fft_refusals(kw, why):
    x, w = np.ones((1, 2, 100)), np.ones((2, 2, 20))
    with pytest.raises(ValueError, match=f"algorithm='fft' cannot serve.*{why}"):
        fastconv.conv_forward(x, w, algorithm="fft", **kw)
    with pytest.raises(ValueError, match="algorithm='fft' cannot serve.*1-D layers only"):
        fastconv.conv_forward(np.ones((1, 2, 9, 9)), np.ones((2, 2, 3, 3)), algorithm="fft")
    with pytest.raises(ValueError, match="algorithm must be one of .*'fft'"):
        fastconv.conv_forward(x, w, algorithm="FFT")


def test_conv1d_layer_fft(torch):
    from fastconv.layers import Conv1d
    layer = Conv1d(3, 4, 101, padding=50, groups=1, seed=0, dtype="float64", algorithm="fft")
    ref = Conv1d(3, 4, 101, padding=50, groups=1, seed=0, dtype="float64", algorithm="direct")
    x = _rng().standard_normal((2, 3, 700))
    assert fastconv.explain(layer.forward, x)["algorithm"] == "fft"
    y = layer.forward(x)
    _close(y, ref.forward(x), np.float64)
    g = _rng().standard_normal(y.shape)
    _close(layer.backward(g), ref.backward(g), np.float64)
    _close(layer.grad_weight, ref.grad_weight, np.float64)
    with pytest.raises(ValueError, match="algorithm='fft' cannot serve.*stride"):
        Conv1d(3, 4, 5, stride=2, algorithm="fft")


def test_weight_gradient_rounds_and_small_jobs():
    """Tuning that cuts the weight gradient into many rounds and the forward pass into
    one-tile jobs (a subprocess: the table is read once) gives the same answer, and the
    same bits for 1 and 3 threads."""
    import os
    import subprocess
    import sys
    import tempfile
    code = ("import numpy as np, fastconv\n"
            "rng = np.random.default_rng(3)\n"
            "x = rng.standard_normal((3, 6, 3000)); w = rng.standard_normal((4, 3, 200))\n"
            "g = rng.standard_normal((3, 4, 3000 + 7 - 199))\n"
            "kw = dict(padding=((0, 7),), groups=2, algorithm='fft')\n"
            "out = []\n"
            "for nt in (1, 3):\n"
            "    out.append((fastconv.conv_forward(x, w, num_threads=nt, **kw),\n"
            "                fastconv.conv_backward_weight(x, g, w.shape, num_threads=nt, **kw)))\n"
            "assert all(np.array_equal(a, b) for a, b in zip(out[0], out[1]))\n"
            "p = fastconv.explain(fastconv.conv_backward_weight, x, g, w.shape, **kw)\n"
            "q = fastconv.explain(fastconv.conv_forward, x, w, **kw)\n"
            "np.save(__import__('sys').argv[1], np.concatenate([out[0][0].ravel(), out[0][1].ravel()]))\n"
            "print(p['jobs'], q['tiles_per_job'])\n")
    with tempfile.TemporaryDirectory() as tmp:
        res = {}
        for tag, tuning in (("small", "fftb_round_bytes=20000,fftb_job_bytes=1000,fftb_min_tiles=1"), ("default", None)):
            env = {k: v for k, v in os.environ.items() if k != "FASTCONV_TUNING"}
            if tuning:
                env["FASTCONV_TUNING"] = tuning
            path = os.path.join(tmp, tag + ".npy")
            r = subprocess.run([sys.executable, "-c", code, path], env=env, capture_output=True, text=True,
                               cwd=tmp)
            assert r.returncode == 0, r.stderr
            res[tag] = (np.load(path), [int(v) for v in r.stdout.split()])
        assert res["small"][1][0] > 1 and res["small"][1][1] == 1     # rounds, tiles a job
        assert res["default"][1][0] == 1
        ref = res["default"][0]
        assert np.abs(res["small"][0] - ref).max() <= 1e-12 * np.abs(ref).max()
