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
``--rule`` measures the per-task thread rule instead: the 15x15 correlation on
1 worker x 1 thread and 2 workers x 1 thread, each with num_threads 1 and 2.
Every time is the median of --repeat runs, interleaved case by case.
"""
import argparse
import os
import platform
import statistics
import time

import numpy as np

import dask.array as da
from distributed import Client, LocalCluster, wait

import fastconv
from fastconv import dask as fcd
from fastconv import ndimage


def _timed(fn, repeat):
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
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
                lambda: ndimage.gaussian_filter(a, 3.0),
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
        for _ in range(args.repeat):                 # interleaved
            for name, fn in cases.items():
                times[name] += _timed(fn, 1)
        return {name: statistics.median(t) for name, t in times.items()}, times


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
            for _ in range(args.repeat):
                for name, fn in cases.items():
                    times[name] += _timed(fn, 1)
            res.update({name: statistics.median(t) for name, t in times.items()})
    return res, None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=12000)
    p.add_argument("--chunk", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--rule", action="store_true", help="measure the per-task thread rule")
    p.add_argument("--scipy", action="store_true", help="add scipy.ndimage in memory")
    p.add_argument("--no-dask-image", action="store_true")
    args = p.parse_args()
    med, _ = (rule if args.rule else rows)(args)
    mpix = args.size * args.size / 1e6
    print(f"# {args.size}^2 float32, chunks {args.chunk}^2, median of {args.repeat}; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"fastconv {fastconv.__version__}")
    for name, t in med.items():
        print(f"{name:70s} {t:7.3f} s  {mpix / t:8.1f} Mpixel/s")
    if not args.rule:
        names = list(med)
        print(f"dask correlate2d / in-memory throughput: {med[names[1]] / med[names[0]]:.2f}x")
        dimg = [n for n in names if n.startswith("dask_image")]
        if dimg:
            print(f"fastconv.dask gaussian / dask-image: {med[dimg[0]] / med[names[2]]:.2f}x "
                  f"faster")


if __name__ == "__main__":
    main()
