"""fastconv.dask on a dask.distributed LocalCluster, against in-memory fastconv and dask-image.

    pip install ".[dask,bench]" dask-image
    flock /work/bench.lock nice -n -20 python benchmarks/dask_bench.py --size 12000
    flock /work/bench.lock nice -n -20 python benchmarks/dask_bench.py --size 6000 --rule

Issue 18's rows (data already in the workers' memory; results persisted there, not
gathered): a SIZE^2 float32 image on 2 workers x 1 thread, chunks CHUNK^2,
* a 15x15 correlation (fastconv.dask.correlate2d "same"/"symm") against in-memory
  fastconv.correlate2d with 2 threads (target >= 0.8x its throughput);
* gaussian_filter sigma 3 (fastconv.dask) against dask_image.ndfilters.gaussian_filter
  on the same cluster and chunks (target >= 5x), with in-memory fastconv.ndimage and
  scipy.ndimage for reference.
``--sync`` times the windows' own cost without a cluster (synchronous scheduler, one
thread for every library, CPU seconds).  ``--rule`` measures the per-task thread rule instead: the 15x15 correlation on
1 worker x 1 thread and 2 workers x 1 thread, each with num_threads 1 and 2.
Every time is the median of --repeat runs after --warmup untimed rounds, interleaved
case by case.
"""
import argparse
import os
import platform
import statistics
import time

import numpy as np

import dask.array as da
from distributed import Client, LocalCluster, get_client, get_task_stream, wait
from threadpoolctl import threadpool_limits

import fastconv
from fastconv import dask as fcd
from fastconv import ndimage


def _cpu():
    """CPU seconds used so far by this process and every worker process: on this shared
    machine the wall time of a run depends on the others' load, its CPU time much less."""
    return time.process_time() + sum(get_client().run(time.process_time).values())


def _timed(fn, repeat):
    """[(wall, cpu)] of repeat runs."""
    out = []
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        fn()
        t1 = time.perf_counter()
        out.append((t1 - t0, _cpu() - c0))
    return out


def _persist(make):
    """Run a lazy result into the workers' memory and drop it."""
    def run():
        y = make().persist()
        wait(y)
        del y
    return run


def _cluster(workers, threads):
    return LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                        memory_limit=0, dashboard_address=None)


def rows(args):
    n, c = args.size, args.chunk
    k15 = np.random.default_rng(1).random((15, 15)).astype(np.float32)
    with _cluster(2, 1) as cluster, Client(cluster):
        x = da.random.default_rng(0).random((n, n), dtype=np.float32, chunks=c).persist()
        wait(x)
        a = x.compute()                      # the same image in this process
        cases = {
            "fastconv.dask.correlate2d 15x15 (2 workers x 1 thread)":
                _persist(lambda: fcd.correlate2d(x, k15, "same", "symm")),
            "fastconv.correlate2d 15x15 in memory (2 threads)":
                lambda: fastconv.correlate2d(a, k15, "same", "symm", num_threads=2),
            "fastconv.dask.gaussian_filter s3 (2 workers x 1 thread)":
                _persist(lambda: fcd.gaussian_filter(x, 3.0)),
            "fastconv.ndimage.gaussian_filter s3 in memory (2 threads)":
                lambda: _with_threads(2, ndimage.gaussian_filter, a, 3.0),
        }
        if not args.no_dask_image:
            from dask_image import ndfilters
            cases["dask_image.ndfilters.gaussian_filter s3 (2 workers x 1 thread)"] = \
                _persist(lambda: ndfilters.gaussian_filter(x, 3.0))
        if args.scipy:
            from scipy import ndimage as sn
            cases["scipy.ndimage.gaussian_filter s3 in memory (1 thread)"] = \
                lambda: sn.gaussian_filter(a, 3.0)
        times = {name: [] for name in cases}
        for r in range(args.warmup + args.repeat):   # interleaved; warm-up rounds untimed
            for name, fn in cases.items():
                t = _timed(fn, 1)
                if r >= args.warmup:
                    times[name] += t
        if args.task_stream:
            for name, fn in cases.items():
                if "workers" in name:
                    _task_stream(name, fn)
        return _medians(times), times


def _medians(times):
    return {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
            for name, t in times.items()}


def _with_threads(n, f, *a):
    # LocalCluster sets OMP_NUM_THREADS=1 for its workers; the in-memory call gets n
    with threadpool_limits(n, user_api="openmp"):
        return f(*a)


def _task_stream(name, fn):
    """Where the time of one run goes: per kind of task, the seconds workers spent
    computing and transferring, against 2 workers x the wall time."""
    client = get_client()
    cpu0 = sum(client.run(time.process_time).values())
    with get_task_stream() as ts:
        t0 = time.perf_counter()
        fn()
        wall = time.perf_counter() - t0
    cpu = sum(client.run(time.process_time).values()) - cpu0
    agg = {}
    for t in ts.data:
        key = t["key"][0] if isinstance(t["key"], tuple) else t["key"]
        kind = key.rsplit("-", 1)[0][:40]
        for s in t["startstops"]:
            k = (kind, s["action"])
            n, sec = agg.get(k, (0, 0.0))
            agg[k] = (n + 1, sec + s["stop"] - s["start"])
    print(f"# task stream of {name}: wall {wall:.2f} s (2 workers: {2 * wall:.2f} worker-s), "
          f"the workers' processes used {cpu:.2f} s of CPU")
    for (kind, action), (n, sec) in sorted(agg.items(), key=lambda kv: -kv[1][1]):
        print(f"#   {kind:40s} {action:9s} {n:5d} tasks {sec:7.2f} s")


def rule(args):
    n, c = args.size, args.chunk
    k15 = np.random.default_rng(1).random((15, 15)).astype(np.float32)
    res = {}
    for workers in (1, 2):
        with _cluster(workers, 1) as cluster, Client(cluster):
            x = da.random.default_rng(0).random((n, n), dtype=np.float32, chunks=c).persist()
            wait(x)
            cases = {f"{workers} worker(s) x 1 thread, num_threads={nt}":
                     _persist(lambda nt=nt: fcd.correlate2d(x, k15, "same", "symm",
                                                            num_threads=nt))
                     for nt in (1, 2, None)}
            times = {name: [] for name in cases}
            for r in range(args.warmup + args.repeat):
                for name, fn in cases.items():
                    t = _timed(fn, 1)
                    if r >= args.warmup:
                        times[name] += t
            res.update(_medians(times))
    return res, None


def _gauss1(b):
    """fastconv's gaussian on a window dask's map_overlap copied (1 thread)."""
    return ndimage.gaussian_filter(b, 3.0)


def sync(args):
    """No cluster: the windows' own cost, CPU seconds on the synchronous scheduler with
    1 thread for every library (min of --repeat)."""
    import dask
    from dask_image import ndfilters
    from scipy import ndimage as sn
    n, c = args.size, args.chunk
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    # contiguous blocks, as a cluster's or zarr's are (from_array's are views of a)
    x = da.from_array(a, chunks=c).map_blocks(np.copy).persist(scheduler="sync")
    k15 = np.random.default_rng(1).random((15, 15)).astype(np.float32)
    cases = {
        "correlate2d 15x15 in memory": lambda: fastconv.correlate2d(a, k15, "same", "symm"),
        "fastconv.dask.correlate2d 15x15": lambda: dask.persist(
            fcd.correlate2d(x, k15, "same", "symm", num_threads=1), scheduler="sync"),
        "gaussian s3 in memory": lambda: ndimage.gaussian_filter(a, 3.0),
        "fastconv.dask.gaussian_filter s3": lambda: dask.persist(
            fcd.gaussian_filter(x, 3.0, num_threads=1), scheduler="sync"),
        "map_overlap + fastconv gaussian s3 (the copy)": lambda: dask.persist(
            x.map_overlap(_gauss1, depth=12, boundary="none"), scheduler="sync"),
        "dask_image gaussian_filter s3": lambda: dask.persist(
            ndfilters.gaussian_filter(x, 3.0), scheduler="sync"),
        "scipy gaussian s3 in memory": lambda: sn.gaussian_filter(a, 3.0),
    }
    res = {}
    with threadpool_limits(1, user_api="openmp"):
        for name, fn in cases.items():
            runs = []
            for _ in range(args.repeat):
                c0, t0 = time.process_time(), time.perf_counter()
                fn()
                runs.append((time.perf_counter() - t0, time.process_time() - c0))
            res[name] = (min(w for w, _ in runs), min(c for _, c in runs))
    return res, None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=12000)
    p.add_argument("--chunk", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1, help="untimed rounds first: a worker's "
                   "first results land in memory fresh from the OS (0.3-0.6 s of page faults "
                   "for 288 MB a worker), later ones mostly in memory it freed")
    p.add_argument("--rule", action="store_true", help="measure the per-task thread rule")
    p.add_argument("--scipy", action="store_true", help="add scipy.ndimage in memory")
    p.add_argument("--sync", action="store_true", help="no cluster: the synchronous "
                   "scheduler, 1 thread, CPU seconds (min of --repeat)")
    p.add_argument("--no-dask-image", action="store_true")
    p.add_argument("--task-stream", action="store_true",
                   help="print where the dask rows' time goes (dask's task stream)")
    args = p.parse_args()
    med, _ = (rule if args.rule else sync if args.sync else rows)(args)
    mpix = args.size * args.size / 1e6
    stat = "min" if args.sync else "median"
    print(f"# {args.size}^2 float32, chunks {args.chunk}^2, {stat} of {args.repeat}; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"fastconv {fastconv.__version__}")
    print(f"# load average before: {os.getloadavg()[0]:.1f}; wall and CPU seconds (this "
          f"process + the workers)")
    for name, (t, c) in med.items():
        print(f"{name:64s} {t:7.3f} s wall {c:7.3f} s CPU {mpix / t:7.1f} Mpixel/s")
    if not args.rule and not args.sync:
        names = list(med)
        for what, i, j in (("dask correlate2d / in-memory throughput", 1, 0),
                           ("dask gaussian / in-memory throughput", 3, 2)):
            print(f"{what}: {med[names[i]][0] / med[names[j]][0]:.2f}x wall, "
                  f"{med[names[i]][1] / med[names[j]][1]:.2f}x CPU")
        dimg = [n for n in names if n.startswith("dask_image")]
        if dimg:
            print(f"fastconv.dask gaussian vs dask-image: {med[dimg[0]][0] / med[names[2]][0]:.2f}x "
                  f"faster (wall), {med[dimg[0]][1] / med[names[2]][1]:.2f}x less CPU")


if __name__ == "__main__":
    main()
