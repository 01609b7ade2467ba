"""fastconv.dask against the in-memory fastconv calls on the whole array (and SciPy).

Every filter, every mode, origins, ranks 1-3, both float dtypes, over chunkings whose
chunks are larger than, equal to and smaller than the depth (including uneven ones and
a whole-array chunk); the signal-style functions in every mode and boundary; the
batched passes over uneven batch chunks; the fixed-tree reductions bit for bit under
the synchronous, threaded and dask.distributed schedulers; the per-task thread rule;
laziness, zarr in and out, and examples/dask_large_image.py on a small image.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array")   # the "dask" extra; .ci/run installs it
import dask  # noqa: E402

import fastconv  # noqa: E402
from fastconv import ndimage  # noqa: E402

fcd = pytest.importorskip("fastconv.dask")
from fastconv import _dask_support  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = ["reflect", "wrap", "mirror", "nearest", "constant"]
# per rank: (shape, chunkings); the depths below are 1-4, so (3,), (2,) and (1,) chunks
# are smaller than the depth, 4 about equal, and the uneven tuples mix both
CASES = {
    1: ((41,), [(9,), (2,), ((4, 1, 20, 16),), (41,)]),
    2: ((23, 17), [(8, 5), (3, 2), ((1, 2, 15, 5), (10, 7))]),
    3: ((9, 8, 7), [(4, 3, 5), ((2, 7), (1, 2, 5), (7,))]),
}


def _data(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _check(got, ref, dtype):
    assert got.shape == ref.shape and got.dtype == ref.dtype
    tol = 1e-12 if np.dtype(dtype) == np.float64 else 2e-5
    np.testing.assert_allclose(got, ref, rtol=tol, atol=tol * max(1.0, np.abs(ref).max()))


def _filters(nd):
    """(name, args, kwargs) of each filter for rank nd: origins and widths chosen so the
    depth differs per axis and reaches past a chunk of 2 or 3."""
    w = np.random.default_rng(1).standard_normal((3, 4, 2)[:nd])
    org = (1, -1, 0)[:nd]
    return [
        ("correlate", (w,), dict(origin=org)),
        ("convolve", (w,), dict(origin=org)),
        ("correlate1d", ([0.5, -1.0, 2.0, 0.25, 1.0],), dict(axis=0, origin=-2)),
        ("convolve1d", ([1.0, -2.0, 3.0, 4.0],), dict(axis=-1, origin=1)),
        ("gaussian_filter", (1.2,), {}),
        ("gaussian_filter", ((1.0, 0.6, 0.8)[:nd],), dict(order=1, truncate=3.0)),
        ("gaussian_filter1d", (0.9,), dict(axis=0, radius=4)),
        ("uniform_filter", ((3, 4, 2)[:nd],), dict(origin=(-1, 1, 0)[:nd])),
        ("uniform_filter1d", (5,), dict(axis=-1, origin=2)),
        ("sobel", (), dict(axis=0)),
        ("prewitt", (), dict(axis=-1)),
        ("laplace", (), {}),
    ]


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("fi", range(12), ids=[f[0] + str(i) for i, f in enumerate(_filters(2))])
def test_filters_equal_in_memory(nd, fi):
    """Every mode, chunking and dtype against fastconv.ndimage on the whole array.  The
    blocks compute each element from the same inputs in the same order, so the bits are
    the same, except for the uniform filters: their running sums start where a window's
    line starts, so their rounding depends on the chunk boundaries (within _check)."""
    name, args, kw = _filters(nd)[fi]
    shape, chunkings = CASES[nd]
    cases = []   # float64: every mode and chunking; float32: two modes, two chunkings
    for dtype, modes, chunks_list in ((np.float64, MODES, chunkings),
                                      (np.float32, ("reflect", "wrap"), chunkings[:2])):
        a = _data(shape, dtype)
        for mode in modes:
            ref = getattr(ndimage, name)(a, *args, mode=mode, cval=0.5, **kw)
            for chunks in chunks_list:
                y = getattr(fcd, name)(da.from_array(a, chunks=chunks), *args, mode=mode,
                                       cval=0.5, **kw)
                cases.append((y, ref, (mode, chunks, dtype)))
    got = dask.compute(*[c[0] for c in cases], scheduler="sync")
    for g, (_, ref, what) in zip(got, cases):
        _check(g, ref, what[2])
        if not name.startswith("uniform"):
            assert np.array_equal(g, ref), (name,) + what


def test_mode_sequences_axes_and_output_dtype():
    a = _data((20, 14, 6), np.float64)
    x = da.from_array(a, chunks=(3, 5, 6))
    cases = [
        ("gaussian_filter", (1.0,), dict(mode=("wrap", "nearest"), axes=(0, 1))),
        ("uniform_filter", ((4, 3),), dict(mode=["mirror", "wrap"], axes=(2, 0))),
        ("sobel", (), dict(axis=1, mode=("wrap", "constant", "mirror"))),
        ("laplace", (), dict(axes=(1,), mode="wrap")),
        ("correlate", (np.ones((2, 5)),), dict(axes=(2, 1), mode="wrap", origin=(-1, 0))),
        ("gaussian_filter", (1.0,), dict(output=np.float32)),
    ]
    for name, args, kw in cases:
        got = getattr(fcd, name)(x, *args, **kw).compute()
        ref = getattr(ndimage, name)(a, *args, **kw)
        assert got.dtype == ref.dtype
        _check(got, ref, ref.dtype)
        assert name.startswith("uniform") or np.array_equal(got, ref), name


def test_integer_and_complex_inputs():
    a = np.arange(300, dtype=np.int32).reshape(20, 15)
    got = fcd.uniform_filter(da.from_array(a, chunks=4), 3).compute()
    assert np.array_equal(got, ndimage.uniform_filter(a, 3))
    c = _data((16, 9), np.float64) + 1j * _data((16, 9), np.float64, 2)
    got = fcd.gaussian_filter1d(da.from_array(c, chunks=5), 1.0, axis=0, mode="wrap").compute()
    np.testing.assert_allclose(got, ndimage.gaussian_filter1d(c, 1.0, axis=0, mode="wrap"),
                               rtol=1e-13)


def test_against_scipy():
    sn = pytest.importorskip("scipy.ndimage")
    a = _data((30, 21), np.float64)
    x = da.from_array(a, chunks=(7, 4))
    for mode in MODES:
        np.testing.assert_allclose(fcd.gaussian_filter(x, 2.0, mode=mode).compute(),
                                   sn.gaussian_filter(a, 2.0, mode=mode), rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(
            fcd.correlate1d(x, [1.0, 2.0, -1.0], axis=1, mode=mode, origin=1).compute(),
            sn.correlate1d(a, [1.0, 2.0, -1.0], axis=1, mode=mode, origin=1))


def test_depth_larger_than_the_array_makes_one_chunk():
    a = _data((6, 40), np.float64)
    x = da.from_array(a, chunks=(2, 10))
    y = fcd.gaussian_filter(x, 3.0, mode="wrap")          # radius 12 > 6 rows
    assert y.chunks == ((6,), (20, 20))
    assert np.array_equal(y.compute(), ndimage.gaussian_filter(a, 3.0, mode="wrap"))
    assert _dask_support.fit_axis((5, 1, 5, 2), 3) == (5, 8)
    assert _dask_support.fit_axis((2, 2, 2), 7) == (6,)
    assert _dask_support.fit_axis((1, 3, 30, 3), 3, 4) == (4, 33)


@pytest.mark.parametrize("shape, chunks, two", [
    ((37, 300), ((20, 17), (130, 100, 70)), ((20, 17), (150, 150))),
    ((7, 9, 150), ((4, 3), (5, 4), (60, 50, 40)), ((4, 3), (5, 4), (80, 70)))])
def test_blocks_wider_than_their_bands(shape, chunks, two):
    """Blocks much wider than the depth, so that a task's result is the block filtered
    alone with only its edge bands redone (along the last axis the bands are 64-element
    rows: 50-60 outputs, less than the block); 'wrap' on two chunks makes one neighbour
    both the previous and the next block."""
    a = _data(shape, np.float64)
    x = da.from_array(a, chunks=chunks)
    x2 = da.from_array(a, chunks=two)
    k = _data((3, 5, 4)[-len(shape):], np.float64, 2)
    cases = []
    for mode in ("reflect", "wrap", "constant"):
        for xx in (x, x2):
            cases += [(fcd.gaussian_filter(xx, 1.5, mode=mode),
                       ndimage.gaussian_filter(a, 1.5, mode=mode)),
                      (fcd.correlate(xx, k, mode=mode, origin=1),
                       ndimage.correlate(a, k, mode=mode, origin=1)),
                      (fcd.sobel(xx, axis=-1, mode=mode), ndimage.sobel(a, axis=-1, mode=mode))]
    if len(shape) == 2:
        k2 = _data((5, 8), np.float64, 5)
        for boundary in ("fill", "wrap", "symm"):
            cases.append((fcd.correlate2d(x, k2, "same", boundary, 0.5, method="direct"),
                          fastconv.correlate2d(a, k2, "same", boundary, 0.5, method="direct")))
    got = dask.compute(*[c[0] for c in cases], scheduler="threads")
    for i, (g, (_, ref)) in enumerate(zip(got, cases)):
        assert np.array_equal(g, ref), i
    u = fcd.uniform_filter(x, 5, mode="mirror").compute()
    _check(u, ndimage.uniform_filter(a, 5, mode="mirror"), np.float64)


# ---------------------------------------------------------------- signal-style

SIG = [  # (name, rank, kernel shape, chunkings)
    ("signal_correlate", 1, (4,), [(5,), (2,), ((1, 3, 30, 3),)]),
    ("signal_convolve", 1, (5,), [(6,), (37,)]),
    ("signal_correlate", 2, (4, 3), [(6, 5), (2, 2)]),
    ("signal_convolve", 2, (3, 4), [(7, 4), ((1, 2, 20), (3, 3, 11))]),
    ("signal_correlate", 3, (3, 2, 4), [(4, 3, 5), (2, 2, 2)]),
    ("signal_convolve", 3, (2, 3, 3), [(5, 4, 3)]),
]
SHAPES = {1: (37,), 2: (23, 17), 3: (9, 8, 10)}


@pytest.mark.parametrize("name, nd, kshape, chunkings", SIG)
def test_signal_functions_equal_in_memory(name, nd, kshape, chunkings):
    cases = []
    for dtype in (np.float64, np.float32):
        a, k = _data(SHAPES[nd], dtype), _data(kshape, dtype, 3)
        for mode in ("full", "same", "valid"):
            ref = getattr(fastconv, name.replace("signal_", ""))(a, k, mode, method="direct")
            for chunks in chunkings:
                y = getattr(fcd, name)(da.from_array(a, chunks=chunks), k, mode,
                                       method="direct")
                assert y.shape == ref.shape
                cases.append((y, ref, (mode, chunks, dtype)))
    got = dask.compute(*[c[0] for c in cases], scheduler="sync")
    for g, (_, ref, what) in zip(got, cases):
        _check(g, ref, what[2])
        assert np.array_equal(g, ref), (name,) + what


@pytest.mark.parametrize("name", ["correlate2d", "convolve2d"])
@pytest.mark.parametrize("boundary", ["fill", "wrap", "symm"])
def test_2d_functions_equal_in_memory(name, boundary):
    cases = []
    for dtype, chunks_list in ((np.float64, ((8, 6), (2, 3), ((4, 2, 19), (2, 17)))),
                               (np.float32, ((8, 6),))):
        a = _data((25, 19), dtype)
        for kshape in ((4, 3), (5, 6), (1, 2)):
            k = _data(kshape, dtype, 4)
            for mode in ("full", "same", "valid"):
                ref = getattr(fastconv, name)(a, k, mode, boundary, fillvalue=1.5,
                                              method="direct")
                for chunks in chunks_list:
                    y = getattr(fcd, name)(da.from_array(a, chunks=chunks), k, mode, boundary,
                                           1.5, method="direct")
                    cases.append((y, ref, (mode, kshape, chunks, dtype)))
    got = dask.compute(*[c[0] for c in cases], scheduler="sync")
    for g, (_, ref, what) in zip(got, cases):
        _check(g, ref, what[-1])
        assert np.array_equal(g, ref), what


@pytest.mark.parametrize("method", ["fft", "auto"])
def test_signal_fft_and_auto(method):
    """The FFT path (forced, or chosen per block by auto) on windows of the same depth,
    against the in-memory direct result to the FFT's tolerance."""
    for dtype, tol in ((np.float64, 1e-12), (np.float32, 1e-4)):
        a, k = _data((60, 47), dtype), _data((13, 17), dtype, 3)
        x = da.from_array(a, chunks=(16, (5, 20, 22)))
        for name, kw in (("signal_correlate", {}), ("correlate2d", dict(boundary="wrap")),
                         ("convolve2d", dict(boundary="symm"))):
            for mode in ("full", "same", "valid"):
                ref = getattr(fastconv, name.replace("signal_", ""))(a, k, mode, method="direct",
                                                                     **kw)
                got = getattr(fcd, name)(x, k, mode, method=method, **kw).compute()
                np.testing.assert_allclose(got, ref, rtol=0, atol=tol * np.abs(ref).max())


def test_signal_auto_with_a_nan():
    """auto's rule per block: the FFT where the plan takes it, direct where the data
    (block or neighbours' strips) hold a NaN or Inf, so a NaN stays where direct sums put
    it (an FFT would spread it over its whole tile; checked by disabling the rule)."""
    a, k = _data((390, 260), np.float32), _data((21, 21), np.float32, 3)
    a[140, 31], a[5, 250] = np.nan, np.inf
    ref = fastconv.correlate2d(a, k, "same", "symm", method="direct")
    assert fastconv.explain(fastconv.correlate2d, a[:130, :130], k, "same",
                            boundary="symm")["algorithm"] == "fft"    # where the blocks
    for chunks in ((130, 130), (195, (60, 200))):                     # are finite
        got = fcd.correlate2d(da.from_array(a, chunks=chunks), k, "same", "symm").compute()
        assert np.array_equal(np.isnan(got), np.isnan(ref)) and np.isnan(ref).sum() > 100
        fin = np.isfinite(ref)
        np.testing.assert_allclose(got[fin], ref[fin], rtol=0, atol=1e-4 * np.abs(ref[fin]).max())


def test_signal_output_chunks():
    x = da.zeros((30, 20), chunks=(8, 7))
    k = np.ones((4, 3))
    assert fcd.correlate2d(x, k, "full").chunks == ((8, 8, 8, 9), (7, 7, 8))
    assert fcd.correlate2d(x, k, "valid").chunks == ((8, 8, 8, 3), (7, 7, 4))
    assert fcd.signal_correlate(x, k, "same").chunks == ((8, 8, 8, 6), (7, 7, 6))


# ---------------------------------------------------------------- batched passes

BATCHED = [  # (x shape, w shape, conv kwargs, batch chunks)
    ((7, 3, 20), (4, 3, 5), dict(padding=2, stride=2), (3, 1, 3)),
    ((6, 4, 11, 9), (6, 2, 3, 3), dict(padding="same", groups=2), (2, 2, 2)),
    ((5, 2, 6, 7, 5), (3, 2, 3, 2, 3), dict(padding=1, dilation=(1, 2, 1), flip=True), (4, 1)),
]


@pytest.mark.parametrize("xs, wsh, kw, bchunks", BATCHED)
def test_batched_passes(xs, wsh, kw, bchunks):
    for dtype in (np.float64, np.float32):
        xa, w = _data(xs, dtype), _data(wsh, dtype, 5)
        b = _data(wsh[:1], dtype, 6)
        x = da.from_array(xa, chunks=(bchunks,) + tuple((n // 2 + 1) for n in xs[1:]))
        y = fcd.conv_forward(x, w, b, **kw)
        yref = fastconv.conv_forward(xa, w, b, **kw)
        assert y.chunks[0] == bchunks
        assert np.array_equal(y.compute(), yref)
        g = _data(yref.shape, dtype, 7)
        gd = da.from_array(g, chunks=(bchunks,) + g.shape[1:])
        gx = fcd.conv_backward_input(gd, w, xs, **kw)
        assert np.array_equal(gx.compute(), fastconv.conv_backward_input(g, w, xs, **kw))
        gw = fcd.conv_backward_weight(x, gd, wsh, **kw).compute()
        _check(gw, fastconv.conv_backward_weight(xa, g, wsh, **kw), dtype)
        gb = fcd.conv_backward_bias(gd).compute()
        _check(gb, fastconv.conv_backward_bias(g), dtype)


def _reductions(chunks):
    xa, w = _data((11, 3, 16, 16), np.float32), _data((5, 3, 3, 3), np.float32, 8)
    g = _data((11, 5, 16, 16), np.float32, 9)
    x = da.from_array(xa, chunks=(chunks, 3, 16, 16))
    gd = da.from_array(g, chunks=(chunks, 5, 16, 16))
    return (fcd.conv_backward_weight(x, gd, w.shape, padding=1), fcd.conv_backward_bias(gd),
            (xa, g, w))


def test_tree_reduction_same_bits_under_every_scheduler():
    """A fixed tree: the same bits on sync, threaded (several pool sizes, tasks finishing
    in any order) and a dask.distributed cluster; and the sum of the tree itself."""
    distributed = pytest.importorskip("distributed")
    gw, gb, (xa, g, w) = _reductions((2, 3, 1, 4, 1))
    ref_w, ref_b = (a.compute(scheduler="sync") for a in (gw, gb))
    for n in (1, 2, 4):
        with dask.config.set(scheduler="threads", num_workers=n):
            for _ in range(3):
                assert np.array_equal(gw.compute(), ref_w)
                assert np.array_equal(gb.compute(), ref_b)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        for _ in range(2):
            assert np.array_equal(client.compute(gw).result(), ref_w)
            assert np.array_equal(client.compute(gb).result(), ref_b)
    # the tree's value: partials of the chunks added in float64, ((p0+p1)+(p2+p3))+p4
    parts = [fastconv.conv_backward_weight(xa[s:e], g[s:e], w.shape, padding=1)
             .astype(np.float64) for s, e in ((0, 2), (2, 5), (5, 6), (6, 10), (10, 11))]
    tree = ((parts[0] + parts[1]) + (parts[2] + parts[3])) + parts[4]
    assert np.array_equal(ref_w, tree.astype(np.float32))
    _check(ref_w, fastconv.conv_backward_weight(xa, g, w.shape, padding=1), np.float32)


def test_on_a_cluster_of_two_worker_processes():
    """The tasks pickle and run in other processes: filters, signal functions and the
    batched passes on a LocalCluster of 2 worker processes equal the in-memory calls,
    and the trees give the synchronous scheduler's bits."""
    distributed = pytest.importorskip("distributed")
    a = _data((40, 33), np.float32)
    x = da.from_array(a, chunks=(9, 7))
    gw, gb, _ = _reductions((3, 3, 5))
    lazy = [fcd.gaussian_filter(x, 1.5, mode="wrap"), fcd.correlate(x, np.ones((3, 4)),
                                                                     mode="mirror"),
            fcd.correlate2d(x, np.ones((5, 2)), "full", "wrap"), gw, gb]
    refs = [ndimage.gaussian_filter(a, 1.5, mode="wrap"),
            ndimage.correlate(a, np.ones((3, 4)), mode="mirror"),
            fastconv.correlate2d(a, np.ones((5, 2)), "full", "wrap"),
            gw.compute(scheduler="sync"), gb.compute(scheduler="sync")]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = client.gather(client.compute(lazy))
        slots = client.gather(client.compute(
            dask.delayed(_dask_support.task_threads, pure=False)(None)))
    for g, r in zip(got, refs):
        assert np.array_equal(g, r)
    assert slots == max(1, int(dask.system.CPU_COUNT) // 2)


# ---------------------------------------------------------------- threads, laziness, zarr

def _threads_in_task(**kw):
    f = dask.delayed(lambda: _dask_support.task_threads(None), pure=False)()
    return f.compute(**kw)


def test_thread_rule():
    cpus = int(dask.system.CPU_COUNT)
    assert _threads_in_task(scheduler="sync") == cpus
    for n in (1, 2, 3):
        with dask.config.set(num_workers=n):
            assert _threads_in_task(scheduler="threads") == max(1, cpus // n)
    distributed = pytest.importorskip("distributed")
    for nw, tpw in ((2, 1), (1, 1), (1, 2)):
        with distributed.LocalCluster(n_workers=nw, threads_per_worker=tpw, processes=False,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            got = client.compute(dask.delayed(_dask_support.task_threads, pure=False)(None))
            assert got.result() == max(1, cpus // (nw * tpw)), (nw, tpw)
    # the limit reaches fastconv through OpenMP's per-thread setting
    with _dask_support.omp_limit(1):
        assert fastconv.get_num_threads() == 1
    assert _dask_support.task_threads(3) == 3


def test_lazy_and_zarr(tmp_path):
    zarr = pytest.importorskip("zarr")
    calls = []

    def source(block):
        calls.append(1)
        return block
    a = _data((40, 36), np.float32)
    x = da.from_array(a, chunks=(10, 12)).map_blocks(source, meta=np.empty((0, 0), a.dtype))
    y = fcd.gaussian_filter(fcd.sobel(x, axis=0), 1.5, mode="nearest")
    assert calls == []                                       # nothing ran yet
    da.from_array(a, chunks=(10, 12)).to_zarr(str(tmp_path / "in.zarr"))
    z = da.from_zarr(str(tmp_path / "in.zarr"))
    fcd.gaussian_filter(z, 1.5, mode="nearest").to_zarr(str(tmp_path / "out.zarr"))
    out = np.asarray(zarr.open(str(tmp_path / "out.zarr"), mode="r")[...])
    assert np.array_equal(out, ndimage.gaussian_filter(a, 1.5, mode="nearest"))
    assert np.array_equal(y.compute(), ndimage.gaussian_filter(ndimage.sobel(a, axis=0), 1.5,
                                                                 mode="nearest"))


def test_example_runs_small(tmp_path):
    pytest.importorskip("distributed")
    zarr = pytest.importorskip("zarr")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "dask_large_image.py"),
                        "300", "--chunk", "64", "--dir", str(tmp_path), "--sigma", "2"],
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Mpixel/s" in r.stdout
    src = np.asarray(zarr.open(str(tmp_path / "input.zarr"), mode="r")[...])
    out = np.asarray(zarr.open(str(tmp_path / "output.zarr"), mode="r")[...])
    assert src.shape == (300, 300) and src.dtype == np.float32
    assert np.array_equal(out, ndimage.gaussian_filter(src, 2.0))


# ---------------------------------------------------------------- errors

def test_errors_name_the_argument():
    a = np.zeros((10, 10))
    x = da.from_array(a, chunks=5)
    with pytest.raises(TypeError, match="input must be a dask.array.Array"):
        fcd.gaussian_filter(a, 1.0)
    with pytest.raises(TypeError, match="in1 must be a dask"):
        fcd.correlate2d(a, np.ones((3, 3)))
    with pytest.raises(TypeError, match="output must be None or a dtype"):
        fcd.uniform_filter(x, 3, output=np.zeros((10, 10)))
    nan = x[x[:, 0] > 0]                                      # unknown row chunks
    with pytest.raises(ValueError, match="input has unknown chunk sizes"):
        fcd.sobel(nan)
    with pytest.raises(ValueError, match="in2 must not be longer"):
        fcd.signal_correlate(x, np.ones((11, 2)), "valid")
    with pytest.raises(ValueError, match="mode must be one of"):   # the in-memory check
        fcd.gaussian_filter(x, 1.0, mode="bogus")
    with pytest.raises(ValueError, match="origin"):
        fcd.correlate1d(x, [1.0, 2.0, 3.0], origin=2)
    xb = da.zeros((6, 2, 5, 5), chunks=(3, 2, 5, 5))
    gb = da.zeros((6, 3, 3, 3), chunks=(2, 3, 3, 3))
    with pytest.raises(ValueError, match="grad_out must have x's batch chunks"):
        fcd.conv_backward_weight(xb, gb, (3, 2, 3, 3))
    # unknown chunk sizes name the argument they are in, whichever function
    nan2 = da.from_array(np.ones((10, 10)), chunks=5)
    nan2 = nan2[nan2[:, 0] > 0]
    with pytest.raises(ValueError, match="in1 has unknown chunk sizes"):
        fcd.correlate2d(nan2, np.ones((3, 3)), "same")
    with pytest.raises(ValueError, match="input has unknown chunk sizes"):
        fcd.gaussian_filter(nan2, 1.0)
    nb = da.from_array(np.ones((6, 2, 5, 5)), chunks=(3, 2, 5, 5))
    nb = nb[da.from_array(np.arange(6), chunks=3) >= 0]        # NaN batch chunks
    with pytest.raises(ValueError, match="x has unknown chunk sizes"):
        fcd.conv_forward(nb, np.ones((3, 2, 3, 3)))
    gn = da.zeros((6, 3, 3, 3), chunks=(3, 3, 3, 3))
    gn = gn[da.from_array(np.arange(6), chunks=3) >= 0]
    with pytest.raises(ValueError, match="grad_out has unknown chunk sizes"):
        fcd.conv_backward_weight(xb, gn, (3, 2, 3, 3))
    with pytest.raises(ValueError, match="grad_out has unknown chunk sizes"):
        fcd.conv_backward_bias(gn)
    # same batch size, chunked differently (3+3 against 4+2): named, not rechunked silently
    g42 = da.zeros((6, 3, 3, 3), chunks=((4, 2), 3, 3, 3))
    with pytest.raises(ValueError, match=r"grad_out must have x's batch chunks \(3, 3\)"):
        fcd.conv_backward_weight(xb, g42, (3, 2, 3, 3))
    with pytest.raises(ValueError, match="grad_out"):
        fcd.conv_backward_input(gb, np.ones((3, 2, 3, 3)), (6, 2, 9, 9))
    with pytest.raises(TypeError, match="x must be a dask"):
        fcd.conv_forward(np.zeros((1, 2, 5, 5)), np.ones((3, 2, 3, 3)))
    with pytest.raises(ValueError, match="num_threads"):
        fcd.laplace(x, num_threads=0)
