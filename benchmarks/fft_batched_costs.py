"""Measure the constants of the batched FFT path's cost model (src/plan/tuning.c, the
cm_fftb_* fields) for algorithm="auto" of conv_forward / conv_backward_input /
conv_backward_weight with 1-D kernels.

One thread, this machine's ISA, CPU time (medians of 3).  fastconv.explain(algorithm=
"fft") gives the model's terms for the tile it picks (units_nlogn: n*log2(n) of real
transforms, units_cmac: complex multiply-adds of the per-bin products, spill); the
script times algorithm="fft" over every pass and fits time = spill * (a * units_nlogn +
c * units_cmac) by non-negative least squares on relative errors, and direct's ns per
multiply-add as the median of time / multiply-adds.  Prints the fields as
FASTCONV_TUNING takes them (copy them into tuning.c) and each case's measured/model.

    flock /work/bench.lock nice -n -20 python benchmarks/fft_batched_costs.py
"""
import platform

import numpy as np

import fastconv as fc
from fcbench.timing import median_ms

# (N, C_in, C_out, L, K): channel counts from 1 to 32 separate the transforms' term
# (S + D rows a tile) from the products' (S * D a bin)
FFT = ((4, 4, 4, 16384, 256), (4, 4, 4, 16384, 2048), (2, 16, 16, 16384, 64), (2, 16, 16, 16384, 1024),
       (1, 32, 32, 8192, 128), (1, 32, 32, 8192, 512), (8, 1, 1, 65536, 1000), (2, 8, 16, 16384, 16))
DIRECT = ((2, 16, 16, 4096, 16), (2, 16, 16, 4096, 64), (4, 4, 4, 8192, 64), (1, 32, 32, 2048, 128),
          (8, 1, 1, 16384, 256))


def med(f, reps=3):
    """Median CPU time of one-thread calls, ns."""
    return median_ms(f, reps, cpu=True) * 1e6

def calls(x, w, g, algo):
    kw = dict(num_threads=1, algorithm=algo)
    return ((fc.conv_forward, (x, w)), (fc.conv_backward_input, (g, w, x.shape)),
            (fc.conv_backward_weight, (x, g, w.shape))), kw


def main():
    rng = np.random.default_rng(0)
    out = {}
    for dt, sfx in ((np.float32, "f32"), (np.float64, "f64")):
        rows, times, direct = [], [], []
        for cases, algo in ((FFT, "fft"), (DIRECT, "direct")):
            for N, C, Co, L, K in cases:
                x = rng.standard_normal((N, C, L)).astype(dt)
                w = rng.standard_normal((Co, C, K)).astype(dt)
                g = rng.standard_normal((N, Co, L - K + 1)).astype(dt)
                fns, kw = calls(x, w, g, algo)
                for fn, args in fns:
                    t = med(lambda: fn(*args, **kw))
                    if algo == "direct":
                        direct.append(t / (N * C * Co * K * (L - K + 1)))
                        continue
                    p = fc.explain(fn, *args, **kw)
                    rows.append((float(p["units_nlogn"]) * float(p["spill"]), float(p["units_cmac"]) * float(p["spill"])))
                    times.append(t)
        A, t = np.array(rows, float), np.array(times)
        # relative least squares: each row divided by its time
        coef, *_ = np.linalg.lstsq(A / t[:, None], np.ones(len(t)), rcond=None)
        coef = np.maximum(coef, 1e-4)
        out[f"cm_fftb_ns_per_nlogn_{sfx}"] = coef[0]
        out[f"cm_fftb_ns_per_cmac_{sfx}"] = coef[1]
        out[f"cm_fftb_direct_ns_per_mac_{sfx}"] = float(np.median(direct))
        print(f"# {sfx}: fft measured/model {np.round(t / (A @ coef), 2)}")
        print(f"# {sfx}: direct ns/mac {np.round(direct, 4)}")
    print(f"# {platform.machine()}, isa={fc.config()['isa']}, 1 thread")
    print(",".join(f"{k}={v:.4g}" for k, v in out.items()))


if __name__ == "__main__":
    main()
