"""Measure the constants of method="auto"'s cost model (src/plan/tuning.c, cm_* fields).

One thread, this machine's ISA.  Direct: ns per multiply-add of correlate2d "valid"
over a few kernel sizes (median).  FFT: time of method="fft" on 2-D and 3-D shapes, fitted
as a = time / (tiles * n * log2(n)), n the points of a tile (read from fastconv.explain),
median over the shapes (a least-squares fit with a per-point term b degenerated on this
noisy machine: b is left at a small floor, 0.05 ns f32, 0.1 ns f64).  Prints the fields as FASTCONV_TUNING would take them.

    flock /work/bench.lock nice -n -20 python benchmarks/fft_costs.py
"""
import platform
import time

import numpy as np

import fastconv as fc


def best(f, reps=5):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def main():
    rng = np.random.default_rng(0)
    out = {}
    for dt, sfx in ((np.float32, "f32"), (np.float64, "f64")):
        per_mac = []
        for n, k in ((512, 7), (512, 15), (384, 31)):
            a = rng.standard_normal((n, n)).astype(dt)
            w = rng.standard_normal((k, k)).astype(dt)
            t = best(lambda: fc.correlate2d(a, w, "valid", method="direct", num_threads=1))
            per_mac.append(t * 1e9 / ((n - k + 1) ** 2 * k * k))
        rows, ys = [], []
        for shape, ks in (((1024, 1024), (31, 31)), ((1024, 1024), (63, 63)), ((512, 512), (101, 101)),
                          ((64, 64, 64), (9, 9, 9)), ((96, 96, 96), (15, 15, 15))):
            a = rng.standard_normal(shape).astype(dt)
            w = rng.standard_normal(ks).astype(dt)
            plan = fc.explain(fc.correlate, a, w, "same", method="fft", num_threads=1)
            tile = [int(x) for x in str(plan["tile"]).split("x")]
            npts = float(np.prod(tile))
            tiles = 1.0
            for s, t_, k in zip(shape, tile, ks):
                tiles *= -(-s // (t_ - k + 1))
            t = best(lambda: fc.correlate(a, w, "same", method="fft", num_threads=1))
            rows.append([tiles * npts * np.log2(npts + 1), tiles * npts])
            ys.append(t * 1e9)
        out[f"cm_direct_ns_per_mac_{sfx}"] = float(np.median(per_mac))
        out[f"cm_fft_ns_per_nlogn_{sfx}"] = float(np.median([y / r[0] for r, y in zip(rows, ys)]))
        out[f"cm_fft_ns_per_point_{sfx}"] = 0.05 if sfx == "f32" else 0.1
    print(f"# {platform.processor() or platform.machine()}, isa={fc.config()['isa']}, 1 thread")
    print(",".join(f"{k}={v:.4g}" for k, v in out.items()))


if __name__ == "__main__":
    main()
