"""Plans: explain(), FASTCONV_VERBOSE, and every engine mode tested with the mode forced.

The forced-mode tests check each mode alone against the NumPy reference, at the edges of
its tiles, whatever the thresholds that pick it in ordinary calls; each also checks (with
explain) that the forced mode is the one that ran.  test_typical_plans is the only test
that knows the thresholds: it says which plan common shapes get.
"""
import functools
import os
import subprocess
import sys

import numpy as np
import pytest

import fastconv
from fastconv import reference as ref
from fastconv._plan import forced

from conftest import assert_close, conv_reduction_length, rand, tiles

REQUIRED = ("function", "algorithm", "kernel", "mode", "isa", "dtype", "threads", "workspace_bytes")


def _x_w(rng, dtype, N, C, K, spatial, kernel, groups=1):
    return (rand(rng, (N, C) + tuple(spatial), dtype),
            rand(rng, (K, C // groups) + tuple(kernel), dtype))


# ------------------------------------------------------------------------ explain


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_explain_every_function(rng, dtype):
    x, w = _x_w(rng, dtype, 2, 4, 6, (9, 9), (3, 3))
    y = fastconv.conv_forward(x, w, padding=1)
    calls = [
        (fastconv.conv_forward, (x, w), dict(padding=1), "forward"),
        (fastconv.conv_backward_input, (y, w, x.shape), dict(padding=1), "backward_input"),
        (fastconv.conv_backward_weight, (x, y, w.shape), dict(padding=1), "backward_weight"),
        (fastconv.conv_backward_bias, (y,), {}, "backward_bias"),
        (fastconv.correlate, (x[0, 0], w[0, 0]), {}, "correlate"),
        (fastconv.convolve, (x[0, 0, 0], w[0, 0, 0]), dict(mode="same"), "correlate"),
        (fastconv.correlate2d, (x[0, 0], w[0, 0]), dict(boundary="symm"), "correlate"),
        (fastconv.convolve2d, (x[0, 0], w[0, 0]), dict(mode="valid"), "correlate"),
    ]
    for fn, args, kw, op in calls:
        p = fastconv.explain(fn, *args, **kw)
        for key in REQUIRED:
            assert key in p, (fn.__name__, key, p)
        assert p["function"] == fn.__name__
        assert p["op"] == op
        assert p["algorithm"] == "direct"
        assert p["isa"] == fastconv.config()["isa"]
        assert p["dtype"] == np.dtype(dtype).name
        assert p["threads"] >= 1 and p["workspace_bytes"] >= 0


def test_explain_runs_nothing_and_validates(rng):
    x, w = _x_w(rng, np.float64, 1, 3, 4, (8, 8), (3, 3))
    out = np.full((1, 4, 6, 6), 7.0)
    p = fastconv.explain(fastconv.conv_forward, x, w, out=out)
    assert p["op"] == "forward"
    assert np.all(out == 7.0)  # not written
    with pytest.raises(ValueError, match="conv_forward: .*stride"):
        fastconv.explain(fastconv.conv_forward, x, w, stride=0)
    with pytest.raises(TypeError, match="explain: fn"):
        fastconv.explain(print, "not a fastconv function")
    with pytest.raises(TypeError, match="explain: the multi-row engine"):
        fastconv.explain(fastconv.ndimage.correlate, x[0, 0], np.ones((3, 3)))
    # an ordinary call afterwards runs as usual
    assert_close(fastconv.conv_forward(x, w), ref.conv_forward(x, w), n=27)


def test_explain_threads_follow_the_call(rng):
    x, w = _x_w(rng, np.float32, 4, 32, 32, (32, 32), (3, 3))
    assert fastconv.explain(fastconv.conv_forward, x, w, num_threads=1)["threads"] == 1
    assert fastconv.explain(fastconv.conv_forward, x, w, num_threads=2)["threads"] == 2
    # a tiny call keeps one thread whatever is asked (the fork/join would cost more)
    xs, ws = _x_w(rng, np.float32, 1, 1, 1, (4, 4), (3, 3))
    assert fastconv.explain(fastconv.conv_forward, xs, ws, num_threads=2)["threads"] == 1


def test_explain_of_a_layer_method(rng):
    from fastconv.layers import Conv2d
    layer = Conv2d(3, 8, 3, padding=1)
    x = rand(rng, (2, 3, 10, 10))
    p = fastconv.explain(layer.forward, x)
    assert p["op"] == "forward" and p["function"] == "conv_forward"


def test_explain_empty_output():
    w = np.ones((2, 3, 3, 3))
    g = np.ones((0, 2, 4, 4))
    p = fastconv.explain(fastconv.conv_backward_input, g, w, (0, 3, 6, 6))
    assert p["algorithm"] == "none"


def test_verbose_prints_one_line_per_call(tmp_path):
    code = ("import numpy as np, fastconv\n"
            "x = np.ones((1, 2, 8, 8), np.float32); w = np.ones((3, 2, 3, 3), np.float32)\n"
            "y = fastconv.conv_forward(x, w)\n"
            "fastconv.conv_backward_weight(x, y, w.shape)\n"
            "fastconv.correlate2d(x[0, 0], w[0, 0])\n")
    env = dict(os.environ, FASTCONV_VERBOSE="1")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("fastconv: ")]
    assert len(lines) == 3, r.stderr
    assert lines[0].startswith("fastconv: conv_forward x=(1, 2, 8, 8):float32 w=(3, 2, 3, 3):float32")
    assert "op=backward_weight" in lines[1] and "correlate2d" in lines[2]
    for ln in lines:
        assert "algorithm=direct" in ln and " time_ms=" in ln and "workspace_bytes=" in ln
    env["FASTCONV_VERBOSE"] = "0"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                       cwd=tmp_path)
    assert r.returncode == 0 and "fastconv: " not in r.stderr


def test_force_rejects_unknown():
    for bad in ("fmode=fast", "nokey=1", "store=whole", "fmode", "x" * 300):
        with pytest.raises(ValueError):
            fastconv._core.plan_force(bad)
    fastconv._core.plan_force("")


# ------------------------------------------------------------------------ forced modes


def _fwd_bwd(rng, dtype, N, C, K, spatial, kernel, **kw):
    """Forward and backward-input against the reference; returns their plans."""
    x, w = _x_w(rng, dtype, N, C, K, spatial, kernel, kw.get("groups", 1))
    b = rand(rng, (K,), dtype) if kw.pop("bias", False) else None
    y = fastconv.conv_forward(x, w, b, **kw)
    assert_close(y, ref.conv_forward(x, w, b, **kw), n=conv_reduction_length(w.shape, b is not None),
                 dtype=dtype)
    g = rand(rng, y.shape, dtype)
    gx = fastconv.conv_backward_input(g, w, x.shape, **kw)
    assert_close(gx, ref.conv_backward_input(g, w, x.shape, **kw), n=K * int(np.prod(kernel)), dtype=dtype)
    return (fastconv.explain(fastconv.conv_forward, x, w, b, **kw),
            fastconv.explain(fastconv.conv_backward_input, g, w, x.shape, **kw))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forced_flat(isa, rng, dtype):
    """Flattened tiles, every kernel (M = 1, M <= mr2, M > mr; T = 1, 9, other), widths
    around the pixel tile, also where thresholds would pick the channels-vectorised mode."""
    t = tiles(isa, dtype)
    with forced("fmode=flat"):
        for K in (1, t["mr2"], t["mr"] + 1, 2 * t["mr"]):
            for ow in (t["nr"] - 1, t["nr"] + 1):
                for k in (1, 3, 2):
                    pf, pb = _fwd_bwd(rng, dtype, 2, 3, K, (k + 1, ow + k - 1), (k, k), bias=True)
                    assert pf["mode"] == "flat" and set(pb["mode"].split(",")) == {"flat"}
        # 256-ch 7x7 would take kvec unforced
        pf, _ = _fwd_bwd(rng, dtype, 1, 64, 40, (7, 7), (3, 3), padding=1)
        assert pf["mode"] == "flat"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forced_kvec(isa, rng, dtype):
    """Channels-vectorised tiles: rows cut into chunks of at most kp pixels, output
    channels around its kw tile, strided residue classes (any column step), groups."""
    t = tiles(isa, dtype)
    kw = t["kw"]
    with forced("fmode=kvec"):
        for K in (1, kw - 1, kw + 1):
            for ow in (1, t["kp"], t["kp"] + 1, 2 * t["kp"] + 3):
                pf, pb = _fwd_bwd(rng, dtype, 2, 3, K, (3, ow + 2), (3, 3), bias=True)
                assert pf["mode"] == "kvec" and pf["kernel"] == "fwdk"
        _, pb = _fwd_bwd(rng, dtype, 2, 4, kw + 3, (11, 13), (3, 3), stride=2, padding=1)
        assert set(pb["mode"].split(",")) == {"kvec"}
        _fwd_bwd(rng, dtype, 2, 4, 6, (9, 9), (3, 3), groups=2, dilation=2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forced_kvec_fold(isa, rng, dtype):
    """The column-folded layout: output rows shorter and longer than kp, planes whose
    pixel count is not a multiple of kp, 1-D to 3-D, flip."""
    t = tiles(isa, dtype)
    with forced("fmode=kvec_fold"):
        for ow in (1, 5, t["kp"] - 1, t["kp"] + 2):
            pf, pb = _fwd_bwd(rng, dtype, 2, 5, t["kw"] + 1, (ow, ow), (3, 3), padding=1, bias=True)
            assert pf["mode"] == "kvec_fold" and pb["mode"] == "kvec_fold"
        _fwd_bwd(rng, dtype, 1, 3, 7, (4, 5, 6), (3, 1, 3), padding=(1, 0, 1), flip=True)
        _fwd_bwd(rng, dtype, 3, 2, 5, (9,), (3,), padding=1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forced_stores(isa, rng, dtype):
    """Masked stores straight into the output (AVX-512) against copy-out, rows around
    the vector length, with bias and accumulation over several channel blocks."""
    t = tiles(isa, dtype)
    for store in ("copy", "masked"):
        with forced("fmode=flat,store=" + store):
            for ow in (t["lanes"] - 1, t["lanes"], t["nr"] + 3):
                pf, _ = _fwd_bwd(rng, dtype, 2, 3, t["mr"] + 2, (5, ow), (3, 3), padding=(1, 1), bias=True)
                want = "masked" if store == "masked" and isa == "avx512" and ow + 2 >= t["lanes"] else "copy"
                assert pf["store"] == want, (ow, pf)
            # many reduction channels: several channel blocks accumulate into the output
            pf, _ = _fwd_bwd(rng, dtype, 1, 300, t["mr"] + 1, (6, 9), (3, 3), padding=1)


@pytest.mark.parametrize("sched", ["rounds", "private", "bands"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forced_schedules(isa, rng, dtype, sched):
    """Round packing, a job packing its own image, bands of rows packed per job: with
    few and many images, padding (packed) and none (read in place), 1-D to 3-D."""
    with forced("fmode=flat,sched=" + sched):
        for shape, kernel, pad in (((23, 37), (3, 3), 1), ((70,), (5,), 2), ((5, 6, 7), (3, 3, 3), 1)):
            for N in (1, 5):
                pf, pb = _fwd_bwd(rng, dtype, N, 3, 4, shape, kernel, padding=pad)
                assert pf["sched"] == sched
        # unpadded stride 1: read in place whatever is forced; stride 2 forbids bands
        pf, _ = _fwd_bwd(rng, dtype, 3, 4, 5, (17, 19), (1, 1))
        assert pf["in_place"] == 1
        pf, _ = _fwd_bwd(rng, dtype, 2, 3, 4, (17, 19), (3, 3), stride=2, padding=1)
        assert pf["sched"] == ("rounds" if sched == "bands" else sched)


@pytest.mark.parametrize("kbjob", ["0", "1"])
def test_forced_kvec_job_split(isa, rng, kbjob):
    with forced("fmode=kvec,kbjob=" + kbjob):
        for dtype in (np.float32, np.float64):
            pf, _ = _fwd_bwd(rng, dtype, 1, 8, 70, (9, 10), (3, 3), padding=1)
            assert pf["kbjob"] == int(kbjob)


@pytest.mark.parametrize("mode", ["dot", "chunks", "blocks"])
@pytest.mark.parametrize("tile", ["std", "wide", "narrow"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forced_backward_weight(isa, rng, dtype, mode, tile):
    """Each backward-weight mode and tile alone: output channels around the tiles (and one
    a group, depthwise), long 1-D rows (column chunks), strides, dilation, groups, flip."""
    t = tiles(isa, dtype)
    cases = [
        dict(N=3, C=3, K=1, spatial=(9, 11), kernel=(3, 3), kw=dict(padding=1)),
        dict(N=2, C=4, K=t["wk"] + 1, spatial=(10, 7), kernel=(3, 3), kw=dict(stride=2, flip=True)),
        dict(N=2, C=6, K=6, spatial=(8, 8), kernel=(3, 3), kw=dict(groups=6, padding=1)),
        dict(N=2, C=3, K=t["wdk"] + 1, spatial=(5000,), kernel=(5,), kw=dict(dilation=2)),
        dict(N=1, C=2, K=3, spatial=(4, 5, 6), kernel=(2, 3, 2), kw=dict(padding=1)),
    ]
    with forced(f"bwmode={mode},bwtile={tile}"):
        for c in cases:
            x, w = _x_w(rng, dtype, c["N"], c["C"], c["K"], c["spatial"], c["kernel"], c["kw"].get("groups", 1))
            g = rand(rng, ref.conv_forward(x, w, **c["kw"]).shape, dtype)
            gw = fastconv.conv_backward_weight(x, g, w.shape, **c["kw"])
            n = c["N"] * int(np.prod(g.shape[2:]))
            assert_close(gw, ref.conv_backward_weight(x, g, w.shape, **c["kw"]), n=n, dtype=dtype)
            p = fastconv.explain(fastconv.conv_backward_weight, x, g, w.shape, **c["kw"])
            assert p["mode"] == mode
            if mode != "dot" and (tile != "wide" or t["wkw"] > t["wk"]):
                assert p["bwtile"] == tile  # every ISA has std and narrow; wide only AVX-512


@pytest.mark.parametrize("smode", ["mrow", "engine"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forced_single(isa, rng, dtype, smode):
    """Single-array correlation on the multi-row kernels and on the engine, every
    boundary and mode, kernels taller than the multi-row limit, 1-D to 3-D."""
    t = tiles(isa, dtype)
    with forced("smode=" + smode):
        for shape, kshape in (((t["rb"] + 1, t["rnr"] + 2), (3, 4)), ((20, 13), (10, 3)), ((40,), (7,))):
            a, k = rand(rng, shape, dtype), rand(rng, kshape, dtype)
            n = int(np.prod(kshape))
            for mode in ("full", "same", "valid"):
                assert_close(fastconv.correlate(a, k, mode), ref.correlate(a, k, mode), n=n, dtype=dtype)
                assert_close(fastconv.convolve(a, k, mode), ref.convolve(a, k, mode), n=n, dtype=dtype)
                if a.ndim == 2:
                    for bd in ("fill", "wrap", "symm"):
                        got = fastconv.correlate2d(a, k, mode, bd, fillvalue=1.5)
                        assert_close(got, ref.correlate2d(a, k, mode, bd, 1.5), n=n, dtype=dtype)
            assert fastconv.explain(fastconv.correlate, a, k)["single"] == smode
        v = rand(rng, (6, 7, 8), dtype)
        assert_close(fastconv.correlate(v, v[:3, :2, :4], "same"), ref.correlate(v, v[:3, :2, :4], "same"),
                     n=24, dtype=dtype)


# ------------------------------------------------------------------------ thresholds


def test_typical_plans():
    """Which plan typical shapes get: the only test that knows the tuning table."""
    isa = fastconv.config()["isa"]
    z = np.zeros
    f32 = np.float32

    def plan(fn, *a, **k):
        return fastconv.explain(fn, *a, num_threads=2, **k)

    # the ResNet 3x3 layers take Winograd under "auto" (cost model in wg_plan.c), but not
    # a 512-channel 7x7 layer of one image (weights outweigh its 4 tiles) ...
    for shape in ((8, 64, 56, 56), (8, 128, 28, 28), (8, 256, 14, 14), (8, 512, 7, 7)):
        x, w = z(shape, f32), z((shape[1], shape[1], 3, 3), f32)
        assert plan(fastconv.conv_forward, x, w, padding=1)["algorithm"] == "winograd"
        assert plan(fastconv.conv_backward_input, x, w, shape, padding=1)["algorithm"] == "winograd"
        assert plan(fastconv.conv_backward_weight, x, x, w.shape, padding=1)["algorithm"] == "winograd"
    assert plan(fastconv.conv_forward, z((1, 512, 7, 7), f32), z((512, 512, 3, 3), f32),
                padding=1)["algorithm"] == "direct"
    assert plan(fastconv.conv_backward_weight, z((1, 512, 7, 7), f32), z((1, 512, 7, 7), f32),
                (512, 512, 3, 3), padding=1)["algorithm"] == "direct"
    assert plan(fastconv.conv_backward_weight, z((8, 32, 56, 56), f32), z((8, 32, 56, 56), f32),
                (32, 32, 3, 3), padding=1)["algorithm"] == "direct"
    assert plan(fastconv.conv_forward, z((8, 32, 56, 56), f32), z((32, 32, 3, 3), f32),
                padding=1)["algorithm"] == "direct"
    # ... and these are their direct plans
    plan = functools.partial(plan, algorithm="direct")
    # 256-channel 14x14 3x3: the channels-vectorised kernel (real pixels only)
    p = plan(fastconv.conv_forward, z((8, 256, 14, 14), f32), z((256, 256, 3, 3), f32), padding=1)
    assert p["mode"] == "kvec" and p["kernel"] == "fwdk"
    # 7x7 images: folded
    p = plan(fastconv.conv_forward, z((8, 512, 7, 7), f32), z((512, 512, 3, 3), f32), padding=1)
    assert p["mode"] == "kvec_fold"
    # 64-channel 56x56 3x3: flattened tiles, 3x3-specialised kernel, masked stores on AVX-512
    p = plan(fastconv.conv_forward, z((8, 64, 56, 56), f32), z((64, 64, 3, 3), f32), padding=1)
    assert p["mode"] == "flat" and p["kernel"] == "fwd_t9"
    assert p["store"] == ("masked" if isa == "avx512" else "copy")
    assert p["sched"] == "private"
    # an unpadded 1x1 layer: read in place, tiles straight into the output
    p = plan(fastconv.conv_forward, z((8, 256, 28, 28), f32), z((64, 256, 1, 1), f32))
    assert p["in_place"] == 1 and p["store"] == "whole" and p["kernel"] == "fwd_t1"
    # one large image: bands
    p = plan(fastconv.conv_forward, z((1, 64, 224, 224), f32), z((64, 64, 3, 3), f32), padding=1)
    assert p["sched"] == "bands"
    plan = functools.partial(fastconv.explain, num_threads=2)
    # backward-weight: few output channels -> dot; small accumulator -> chunks; large -> blocks
    assert plan(fastconv.conv_backward_weight, z((64, 1, 28, 28), f32), z((64, 8, 28, 28), f32),
                (8, 1, 3, 3), padding=1, algorithm="direct")["mode"] == "dot"
    assert plan(fastconv.conv_backward_weight, z((8, 64, 28, 28), f32), z((8, 64, 28, 28), f32),
                (64, 64, 3, 3), padding=1, algorithm="direct")["mode"] == "chunks"
    assert plan(fastconv.conv_backward_weight, z((8, 256, 14, 14), f32), z((8, 256, 14, 14), f32),
                (256, 256, 3, 3), padding=1, algorithm="direct")["mode"] == "blocks"
    # strided backward-input: one pass per residue class
    p = plan(fastconv.conv_backward_input, z((8, 64, 28, 28), f32), z((64, 32, 3, 3), f32), (8, 32, 56, 56),
             stride=2, padding=1)
    assert p["classes"] == 4
    # single arrays: multi-row kernels in 2-D, the engine in 1-D
    assert plan(fastconv.correlate2d, z((512, 512), f32), z((5, 5), f32))["single"] == "mrow"
    assert plan(fastconv.correlate, z((100000,), f32), z((31,), f32))["single"] == "engine"


def test_tuning_table_reports_the_machine_and_takes_overrides(tmp_path):
    t = fastconv.config()["tuning"]
    for key in ("l1d_bytes", "l2_bytes", "pack_bytes_per_thread", "kvec_margin", "bw_chunk_bytes"):
        assert key in t
    if hasattr(os, "sysconf") and "SC_LEVEL2_CACHE_SIZE" in os.sysconf_names:
        assert t["l2_bytes"] == max(os.sysconf("SC_LEVEL2_CACHE_SIZE"), 0)
    # an override reaches the planners: no image is small enough to pack privately
    code = ("import numpy as np, fastconv\n"
            "x = np.zeros((16, 8, 28, 28), np.float32); w = np.zeros((16, 8, 3, 3), np.float32)\n"
            "t = fastconv.config()['tuning']\n"
            "p = fastconv.explain(fastconv.conv_forward, x, w, padding=1, num_threads=2)\n"
            "print(p['sched'], t['private_pack_max_bytes'], t['band_rows'], t['kvec_margin'])\n")
    env = dict(os.environ, FASTCONV_TUNING="private_pack_max_bytes=1,nosuchfield=3,band_rows=-2,kvec_margin=x")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["rounds", "1", str(t["band_rows"]), str(t["kvec_margin"])]
    env.pop("FASTCONV_TUNING")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                       cwd=tmp_path)
    assert r.stdout.split()[0] == "private"
