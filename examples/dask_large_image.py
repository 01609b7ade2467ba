"""Gaussian-filter a zarr image larger than the workers' memory with fastconv.dask.

    pip install "fastconv[dask]"
    python examples/dask_large_image.py 46000          # 46000^2 float32: 8.5 GB
    python examples/dask_large_image.py 512 --chunk 128 --dir /tmp/demo   # a quick run

It starts a dask.distributed LocalCluster (default: 2 worker processes, 1 thread and
1.5 GB of memory each), writes a random SIZE x SIZE float32 image to ``input.zarr``
chunk by chunk, then streams it through ``fastconv.dask.gaussian_filter`` into
``output.zarr`` with dask's progress bar, and prints the throughput.  Neither the image
nor its result is ever whole in memory: each task holds one chunk and its overlap.
"""
import argparse
import os
import shutil
import tempfile
import time

import dask.array as da
from distributed import Client, LocalCluster, progress

from fastconv import dask as fcd


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("size", type=int, help="image side (pixels); 46000 makes 8.5 GB of float32")
    p.add_argument("--chunk", type=int, default=4096, help="chunk side (default 4096)")
    p.add_argument("--sigma", type=float, default=3.0, help="Gaussian sigma (default 3)")
    p.add_argument("--mode", default="reflect", help="boundary mode (default reflect)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
    p.add_argument("--memory-limit", default="1.5GB", help="per worker (default 1.5GB)")
    p.add_argument("--dir", default=None, help="where the zarr stores go (default: a temporary "
                   "directory, removed at the end)")
    args = p.parse_args(argv)

    work = args.dir or tempfile.mkdtemp(prefix="fastconv-dask-")
    src, dst = os.path.join(work, "input.zarr"), os.path.join(work, "output.zarr")
    nbytes = args.size * args.size * 4
    print(f"image {args.size}x{args.size} float32 ({nbytes / 1e9:.2f} GB), chunks "
          f"{args.chunk}^2, {args.workers} workers x {args.threads} threads, "
          f"{args.memory_limit} each; stores in {work}")
    try:
        with LocalCluster(n_workers=args.workers, threads_per_worker=args.threads,
                          memory_limit=args.memory_limit, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            # the input, written chunk by chunk by the workers (never whole in memory)
            rnd = da.random.default_rng(0).random((args.size, args.size), dtype="float32",
                                                  chunks=args.chunk)
            fut = client.compute(rnd.to_zarr(src, overwrite=True, compute=False))
            progress(fut)
            fut.result()
            print()

            x = da.from_zarr(src)
            y = fcd.gaussian_filter(x, args.sigma, mode=args.mode)     # lazy: nothing runs yet
            t0 = time.perf_counter()
            fut = client.compute(y.to_zarr(dst, overwrite=True, compute=False))
            progress(fut)
            fut.result()
            dt = time.perf_counter() - t0
            print(f"\ngaussian_filter sigma {args.sigma}: {dt:.2f} s, "
                  f"{args.size * args.size / dt / 1e6:.1f} Mpixel/s, "
                  f"{2 * nbytes / dt / 1e6:.0f} MB/s read+written -> {dst}")
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
