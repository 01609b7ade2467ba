"""Measure the constants of method="auto"'s cost model (src/plan/tuning.c, cm_* fields).

One thread, this machine's ISA.  For each shape, fastconv.explain(method="fft") gives the
model's estimates with the constants in force (cost_fft_ns, cost_direct_ns); the script
times method="fft" and method="direct" and scales each constant by the median ratio of
measured to estimated time (2-D cases: the constant; 3-D and 1-D: their rank factors,
printed per dtype: tuning.c takes one value for both).  Prints the new fields as FASTCONV_TUNING takes them
(copy them into tuning.c).  The per-point term cm_fft_ns_per_point is left as it is.

    flock /work/bench.lock nice -n -20 python benchmarks/fft_costs.py
"""
import platform

import numpy as np

import fastconv as fc
from fcbench.timing import median_ms


def med(f, reps=5):
    """Median CPU time of one-thread calls, ns."""
    return median_ms(f, reps, cpu=True) * 1e6

CASES = (((1024, 1024), (31, 31)), ((1024, 1024), (63, 63)), ((600, 600), (101, 101)),
         ((64, 64, 64), (9, 9, 9)), ((96, 96, 96), (15, 15, 15)), ((1000000,), (1000,)))
DIRECT = (((512, 512), (7, 7)), ((512, 512), (15, 15)), ((384, 384), (31, 31)), ((100000,), (500,)))


def main():
    rng = np.random.default_rng(0)
    tu = fc.config()["tuning"]
    out = {}
    for dt, sfx in ((np.float32, "f32"), (np.float64, "f64")):
        rf, rd = [], []
        for cases, meth, acc in ((CASES, "fft", rf), (DIRECT, "direct", rd)):
            for shape, ks in cases:
                a = rng.standard_normal(shape).astype(dt)
                w = rng.standard_normal(ks).astype(dt)
                plan = fc.explain(fc.correlate, a, w, "valid", method="fft", num_threads=1)
                t = med(lambda: fc.correlate(a, w, "valid", method=meth, num_threads=1))
                acc.append(t / plan["cost_fft_ns" if meth == "fft" else "cost_direct_ns"])
        r2 = float(np.median(rf[:3]))  # the 2-D cases set the constant, 3-D and 1-D their factors
        out[f"cm_fft_ns_per_nlogn_{sfx}"] = tu[f"cm_fft_ns_per_nlogn_{sfx}"] * r2
        out[f"cm_fft_rank3_factor ({sfx})"] = tu["cm_fft_rank3_factor"] * float(np.median(rf[3:5])) / r2
        out[f"cm_fft_rank1_factor ({sfx})"] = tu["cm_fft_rank1_factor"] * rf[5] / r2
        out[f"cm_direct_ns_per_mac_{sfx}"] = tu[f"cm_direct_ns_per_mac_{sfx}"] * float(np.median(rd))
        print(f"# {sfx}: fft measured/model {np.round(rf, 2)}, direct {np.round(rd, 2)}")
    print(f"# {platform.machine()}, isa={fc.config()['isa']}, 1 thread")
    print(",".join(f"{k}={v:.4g}" for k, v in out.items()))


if __name__ == "__main__":
    main()
