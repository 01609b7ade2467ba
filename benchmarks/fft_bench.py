"""Issue 16's table: fastconv (method auto / direct / fft) against cv2.filter2D and the
faster of scipy.signal.fftconvolve / oaconvolve, and fastconv's FFT alone against
scipy.fft.rfftn/irfftn on its tile sizes; 2 threads (--threads: another count, one
thread timed by CPU time), same process, medians.

    flock /work/bench.lock nice -n -20 python benchmarks/fft_bench.py [--quick] [--threads 2]
    flock /work/bench.lock nice -n -20 python benchmarks/fft_bench.py --grid [--threads 2]

--grid runs the issue's size grid instead (benchmarks/fft_grid.py: how it is subsampled).
"""
import sys

import numpy as np
import scipy.fft as sfft
import scipy.signal as ss

import fastconv as fc
from fcbench.timing import median_ms
from fastconv import _fft

try:
    import cv2
except ImportError:  # pragma: no cover
    cv2 = None

T = 2


def med(f, reps=3):
    return median_ms(f, reps, cpu=T == 1)

def conv_rows(quick):
    rng = np.random.default_rng(0)
    cases = [((2048, 2048), (25, 25)), ((1536, 1536), (45, 45)), ((1024, 1024), (63, 63)),
             ((1200, 1200), (101, 101)), ((2000000,), (2000,)), ((5000000,), (9000,)),
             ((128, 140, 150), (17, 17, 17))]
    if quick:
        cases = cases[:3]
    print("| case | dtype | auto ms | direct ms | fft ms | cv2 ms | scipy best ms | auto vs cv2 | auto vs scipy |")
    print("|---|---|---|---|---|---|---|---|---|")
    for shape, ks in cases:
        for dt in (np.float32, np.float64):
            if len(shape) != 2 and dt == np.float32:
                continue
            a = rng.standard_normal(shape).astype(dt)
            w = rng.standard_normal(ks).astype(dt)
            big = np.prod(ks) > 2000
            t_auto = med(lambda: fc.convolve(a, w, "same", num_threads=T))
            t_fft = med(lambda: fc.convolve(a, w, "same", method="fft", num_threads=T))
            t_dir = med(lambda: fc.convolve(a, w, "same", method="direct", num_threads=T), 1) if not big or len(shape) == 2 and np.prod(ks) < 4000 else float("nan")
            with sfft.set_workers(T):
                t_s = min(med(lambda: ss.fftconvolve(a, w, "same"), 1), med(lambda: ss.oaconvolve(a, w, "same"), 1))
            t_cv = float("nan")
            if cv2 is not None and len(shape) == 2:
                cv2.setNumThreads(T)
                t_cv = med(lambda: cv2.filter2D(a, -1, w[::-1, ::-1].copy(), borderType=cv2.BORDER_CONSTANT))
            print(f"| {'x'.join(map(str, shape))}, {'x'.join(map(str, ks))} | {np.dtype(dt).name} | {t_auto:.1f} | "
                  f"{t_dir:.1f} | {t_fft:.1f} | {t_cv:.1f} | {t_s:.1f} | {t_cv / t_auto:.2f}x | {t_s / t_auto:.2f}x |",
                  flush=True)


def fft_rows():
    rng = np.random.default_rng(1)
    print("\n| FFT alone (rfftn + irfftn) | dtype | fastconv ms | scipy.fft ms | ratio |")
    print("|---|---|---|---|---|")
    for shape in ((180, 216), (256, 256), (36, 36, 36), (9600,)):
        for dt in (np.float32, np.float64):
            x = rng.standard_normal((64,) + shape if len(shape) == 1 else shape).astype(dt)
            if len(shape) == 1:  # a batch of 1-D tiles, as the 1-D path runs them
                continue
            t_fc = med(lambda: _fft.irfftn(_fft.rfftn(x, T), x.shape, T), 5)
            t_s = med(lambda: sfft.irfftn(sfft.rfftn(x, workers=T), x.shape, workers=T), 5)
            print(f"| {'x'.join(map(str, shape))} | {np.dtype(dt).name} | {t_fc:.3f} | {t_s:.3f} | {t_s / t_fc:.2f}x |",
                  flush=True)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    if "--threads" in sys.argv:
        T = int(sys.argv[sys.argv.index("--threads") + 1])
    if "--grid" in sys.argv:
        import fft_grid
        fft_grid.run(T)
    else:
        fft_rows()
        conv_rows(quick)
