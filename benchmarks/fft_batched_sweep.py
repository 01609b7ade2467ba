"""auto's choice for the batched 1-D passes near the crossover: for each pass, channels
C -> C in {1, 4, 16, 64} and K in {8, 16, 24, 32, 48, 96}, one thread, CPU time (median
of 3): direct, fft, what auto took, and auto's time over the faster of the two; prints
the worst ratio and how many are over 1.1.

    flock /work/bench.lock nice -n -20 python benchmarks/fft_batched_sweep.py [float32|float64]
"""
import sys

import numpy as np

import fastconv as fc
from fcbench.timing import median_ms


def med(f, reps=3):
    return median_ms(f, reps, cpu=True)

def main():
    rng = np.random.default_rng(0)
    worst = []
    dts = [np.float32, np.float64] if len(sys.argv) < 2 else [np.dtype(sys.argv[1]).type]
    for dt in dts:
        for C in (1, 4, 16, 64):
            for K in (8, 16, 24, 32, 48, 96):
                N, L = (4 if C >= 16 else 8), (16384 if C < 64 else 4096)
                x = rng.standard_normal((N, C, L)).astype(dt)
                w = rng.standard_normal((C, C, K)).astype(dt)
                g = rng.standard_normal((N, C, L - K + 1)).astype(dt)
                for name, fn, args in (("fwd", fc.conv_forward, (x, w)),
                                       ("bwi", fc.conv_backward_input, (g, w, x.shape)),
                                       ("bww", fc.conv_backward_weight, (x, g, w.shape))):
                    td = med(lambda: fn(*args, algorithm="direct", num_threads=1))
                    tf = med(lambda: fn(*args, algorithm="fft", num_threads=1))
                    auto = fc.explain(fn, *args, num_threads=1)["algorithm"]
                    pf = fc.explain(fn, *args, algorithm="fft", num_threads=1)
                    r = (tf if auto == "fft" else td) / min(td, tf)
                    worst.append(r)
                    model = float(pf["cost_fft_ns"]) / float(pf["cost_direct_ns"])
                    print(f"{np.dtype(dt).name} C={C} K={K} {name}: direct {td:.2f} fft {tf:.2f} auto={auto} "
                          f"ratio {r:.2f} model f/d {model:.2f} meas f/d {tf / td:.2f}", flush=True)
    print(f"worst {max(worst):.2f}, over 1.1: {sum(r > 1.1 for r in worst)} of {len(worst)}")


if __name__ == "__main__":
    main()
