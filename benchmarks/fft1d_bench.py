"""The 1-D FFT path's rows (issue 16) against the faster of scipy.signal.fftconvolve and
oaconvolve, same process, same thread count; method="fft" (what auto picks for these).

    flock /work/bench.lock nice -n -20 python benchmarks/fft1d_bench.py [--threads 1|2]

One thread is timed by process CPU time (on a shared machine the slices other processes
take do not count), more by wall time; medians of 5 (3 for SciPy).
"""
import sys

import numpy as np
import scipy.fft as sfft
import scipy.signal as ss

import fastconv as fc
from fcbench.timing import median_ms

T = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
CASES = [(2000000, 2000, np.float64), (5000000, 9000, np.float64), (2000000, 2000, np.float32),
         (1000000, 64, np.float64), (1000000, 16384, np.float32), (10**7, 512, np.float64)]


def med(f, reps=5):
    return median_ms(f, reps, cpu=T == 1)

def main():
    rng = np.random.default_rng(0)
    print(f"| samples | taps | dtype | fastconv fft ms | scipy best ms | ratio |  ({T} thread(s))")
    print("|---|---|---|---|---|---|")
    for n, k, dt in CASES:
        a = rng.standard_normal(n).astype(dt)
        w = rng.standard_normal(k).astype(dt)
        tf = med(lambda: fc.convolve(a, w, "same", method="fft", num_threads=T))
        with sfft.set_workers(T):
            ts = min(med(lambda: ss.fftconvolve(a, w, "same"), 3), med(lambda: ss.oaconvolve(a, w, "same"), 3))
        print(f"| {n} | {k} | {np.dtype(dt).name} | {tf:.1f} | {ts:.1f} | {ts / tf:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
