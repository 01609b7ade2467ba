"""Issue 16's size grid (``python benchmarks/fft_bench.py --grid [--threads 2]``):
fastconv with method="auto" against cv2.filter2D (2-D) and the faster of
scipy.signal.fftconvolve / oaconvolve, same process, same thread count.

The full grid (2-D 1024^2..4096^2 x kernels 3..127 x same/valid x symm/fill x f32/f64,
1-D 10^5..10^7 x 64..16384 taps, 3-D 128^3..256^3 x 3^3..31^3) takes far more than the
4 minutes a quiet run may use, so it is subsampled, deterministically:
- 2-D: sides 1024, 2048, 4096 x kernels 3, 11, 25, 63, 127, both dtypes; the (mode,
  boundary) pair rotates over same/fill, same/symm, valid (valid reads no boundary, so
  valid/symm is valid/fill) from one case to the next: 30 rows, each pair ~10 times.
- 1-D: 10^5, 10^6, 10^7 samples x 64, 512, 4096, 16384 taps, "same", fill, the dtype
  alternating: 12 rows.
- 3-D: 128^3 x 3^3, 9^3, 17^3, 31^3; 192^3 x 15^3; 256^3 x 7^3, 31^3; "same", fill,
  the dtype alternating: 7 rows.
SciPy has no symmetric boundary: its symm rows pad with numpy.pad(mode="symmetric") and
take the valid part, the pad counted in its time.  cv2.filter2D always returns the input's
size; its valid rows are that (what a cv2 user computes).  Times: the median of 3 calls
after a warm-up (of 1 for SciPy calls over 0.3 s); one thread is timed by process CPU
time, more by wall time.
"""
import time

import numpy as np
import scipy.fft as sfft
import scipy.signal as ss

import fastconv as fc
from fcbench.timing import median_ms

try:
    import cv2
except ImportError:  # pragma: no cover
    cv2 = None


def _med(f, threads, reps=3):
    return median_ms(f, reps, cpu=threads == 1, once_over=0.3)

def _scipy_best(a, w, mode, boundary, threads):
    """The faster of fftconvolve and oaconvolve computing fastconv's correlation."""
    wf = np.ascontiguousarray(w[(slice(None, None, -1),) * w.ndim])
    if boundary == "symm" and mode == "same":
        pads = [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in w.shape]
        fns = [lambda f=f: f(np.pad(a, pads, mode="symmetric"), wf, "valid")
               for f in (ss.fftconvolve, ss.oaconvolve)]
    else:
        fns = [lambda f=f: f(a, wf, mode) for f in (ss.fftconvolve, ss.oaconvolve)]
    with sfft.set_workers(threads):
        return min(_med(f, threads) for f in fns)


def grid_cases():
    """(shape, kernel shape, mode, boundary, dtype) of every row, in order."""
    combos = [("same", "fill"), ("same", "symm"), ("valid", "fill")]
    cases, i = [], 0
    for n in (1024, 2048, 4096):
        for k in (3, 11, 25, 63, 127):
            for dt in (np.float32, np.float64):
                mode, bnd = combos[i % 3]
                cases.append(((n, n), (k, k), mode, bnd, dt))
                i += 1
    i = 0
    for n in (10**5, 10**6, 10**7):
        for k in (64, 512, 4096, 16384):
            cases.append(((n,), (k,), "same", "fill", (np.float32, np.float64)[i % 2]))
            i += 1
    for j, (n, k) in enumerate(((128, 3), (128, 9), (128, 17), (128, 31), (192, 15), (256, 7), (256, 31))):
        cases.append(((n,) * 3, (k,) * 3, "same", "fill", (np.float32, np.float64)[j % 2]))
    return cases


def run(threads):
    rng = np.random.default_rng(0)
    t_start = time.perf_counter()
    print(f"\nGrid (benchmarks/fft_grid.py), {threads} thread(s); ratios: other's time / fastconv auto's")
    print("| shape | kernel | mode | boundary | dtype | auto method | auto ms | cv2 ms | scipy best ms "
          "| vs cv2 | vs scipy |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    if cv2 is not None:
        cv2.setNumThreads(threads)
    for shape, ks, mode, bnd, dt in grid_cases():
        a = rng.standard_normal(shape).astype(dt)
        w = rng.standard_normal(ks).astype(dt)
        if a.ndim == 2:
            def ours():
                return fc.correlate2d(a, w, mode, bnd, method="auto", num_threads=threads)
            info = fc.explain(fc.correlate2d, a, w, mode, bnd, method="auto", num_threads=threads)
        else:
            def ours():
                return fc.correlate(a, w, mode, method="auto", num_threads=threads)
            info = fc.explain(fc.correlate, a, w, mode, method="auto", num_threads=threads)
        t_fc = _med(ours, threads)
        t_cv = float("nan")
        if cv2 is not None and a.ndim == 2:
            border = cv2.BORDER_REFLECT if bnd == "symm" else cv2.BORDER_CONSTANT
            t_cv = _med(lambda: cv2.filter2D(a, -1, w, borderType=border), threads)
        t_s = _scipy_best(a, w, mode, bnd, threads)
        print(f"| {'x'.join(map(str, shape))} | {'x'.join(map(str, ks))} | {mode} | {bnd} | {np.dtype(dt).name} "
              f"| {info['algorithm']} | {t_fc:.1f} | {t_cv:.1f} | {t_s:.1f} | {t_cv / t_fc:.2f}x | {t_s / t_fc:.2f}x |",
              flush=True)
    print(f"\ngrid: {time.perf_counter() - t_start:.0f} s")
