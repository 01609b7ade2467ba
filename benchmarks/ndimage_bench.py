"""fastconv.ndimage against scipy.ndimage and OpenCV, side by side in one process.

    python benchmarks/ndimage_bench.py [--threads 2] [--repeat 5] [--quick] [--only gaussian]

Rows (issue 15): correlate on 2048^2 images with kernels 3..11 and on 160^3 volumes with
5^3 kernels; gaussian_filter sigma 1..8 on 3000^2 float32 and on a 200^3 volume;
uniform_filter sizes 5..21; sobel.  Each cell is the median (or --stat min) of --repeat
timed calls after one warm-up call, the three libraries taking turns call by call;
ratios are other / fastconv (above 1: fastconv is faster).
OpenCV (opencv-python-headless, optional) runs with the same thread count and
BORDER_REFLECT (= ndimage's 'reflect'); SciPy is single-threaded by construction.
Every row also checks fastconv's result against SciPy's (max |difference| / max |ref|).
"""
import argparse
import statistics
import time

import numpy as np
from scipy import ndimage as sn

import fastconv
from fastconv import ndimage as fn

try:
    import cv2
except ImportError:  # OpenCV is a benchmark extra, never a dependency
    cv2 = None


def interleaved_times(fs, repeats):
    """Times of each callable in fs (None: skipped), the libraries taking turns call by
    call after one warm-up call each, so that a drift of the shared machine's speed falls
    on all of them alike; fs[i] runs repeats[i] times."""
    for f in fs:
        if f is not None:
            f()
    ts = [[] for _ in fs]
    for r in range(max(repeats)):
        for i, f in enumerate(fs):
            if f is not None and r < repeats[i]:
                t0 = time.perf_counter()
                f()
                ts[i].append(time.perf_counter() - t0)
    return ts


def rows(quick):
    r = np.random.default_rng(0)
    n2 = 1024 if quick else 2048
    n3 = 80 if quick else 160
    g2 = 1500 if quick else 3000
    g3 = 100 if quick else 200
    img = {dt: r.standard_normal((n2, n2)).astype(dt) for dt in (np.float32, np.float64)}
    for dt in (np.float32, np.float64):
        x = img[dt]
        for k in (3, 5, 7, 9, 11):
            w = r.standard_normal((k, k)).astype(dt)
            yield (f"correlate {n2}^2 {k}x{k} {np.dtype(dt).name}", x,
                   lambda x=x, w=w: fn.correlate(x, w), lambda x=x, w=w: sn.correlate(x, w),
                   (lambda x=x, w=w: cv2.filter2D(x, -1, w, borderType=cv2.BORDER_REFLECT))
                   if cv2 else None)
    for dt in (np.float32, np.float64):
        v = r.standard_normal((n3,) * 3).astype(dt)
        w = r.standard_normal((5, 5, 5)).astype(dt)
        yield (f"correlate {n3}^3 5^3 {np.dtype(dt).name}", v, lambda v=v, w=w: fn.correlate(v, w),
               lambda v=v, w=w: sn.correlate(v, w), None)
    x = r.standard_normal((g2, g2)).astype(np.float32)
    for s in (1, 2, 4, 8):
        rad = int(4.0 * s + 0.5)
        yield (f"gaussian_filter {g2}^2 sigma {s} float32", x,
               lambda x=x, s=s: fn.gaussian_filter(x, s), lambda x=x, s=s: sn.gaussian_filter(x, s),
               (lambda x=x, s=s, rad=rad: cv2.GaussianBlur(
                   x, (2 * rad + 1, 2 * rad + 1), s, sigmaY=s, borderType=cv2.BORDER_REFLECT))
               if cv2 else None)
    v = r.standard_normal((g3,) * 3).astype(np.float32)
    for s in (1, 4):
        yield (f"gaussian_filter {g3}^3 sigma {s} float32", v,
               lambda v=v, s=s: fn.gaussian_filter(v, s), lambda v=v, s=s: sn.gaussian_filter(v, s),
               None)
    for size in (5, 11, 21):
        yield (f"uniform_filter {g2}^2 size {size} float32", x,
               lambda x=x, k=size: fn.uniform_filter(x, k), lambda x=x, k=size: sn.uniform_filter(x, k),
               (lambda x=x, k=size: cv2.blur(x, (k, k), borderType=cv2.BORDER_REFLECT))
               if cv2 else None)
    yield (f"sobel {g2}^2 axis -1 float32", x, lambda x=x: fn.sobel(x), lambda x=x: sn.sobel(x),
           (lambda x=x: cv2.Sobel(x, -1, 1, 0, ksize=3, borderType=cv2.BORDER_REFLECT))
           if cv2 else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="quarter-size problems, for development")
    ap.add_argument("--only", default="", help="run rows whose name contains this text")
    ap.add_argument("--stat", choices=("median", "min"), default="median",
                    help="statistic of the timed calls (min: the least disturbed call)")
    a = ap.parse_args()
    fastconv.set_num_threads(a.threads)
    if cv2 is not None:
        cv2.setNumThreads(a.threads)
    print(f"# fastconv {fastconv.__version__} isa {fastconv.config()['isa']}, {a.threads} threads, "
          f"{a.stat} of {a.repeat} interleaved; OpenCV {cv2.__version__ if cv2 else 'absent'}")
    head = f"{'row':44s} {'fastconv':>10s} {'scipy':>10s} {'x scipy':>8s} {'opencv':>10s} " \
           f"{'x opencv':>8s} {'rel.err':>9s}"
    print(head)
    for name, x, f_fc, f_sp, f_cv in rows(a.quick):
        if a.only and a.only not in name:
            continue
        got, want = f_fc(), f_sp()
        err = float(np.abs(got.astype(np.float64) - want).max() / max(np.abs(want).max(), 1e-300))
        stat = statistics.median if a.stat == "median" else min
        ts = interleaved_times([f_fc, f_sp, f_cv], [a.repeat, max(1, min(a.repeat, 3)), a.repeat])
        t_fc, t_sp = stat(ts[0]), stat(ts[1])
        cv_cells = f"{'-':>10s} {'-':>8s}"
        if f_cv is not None:
            t_cv = stat(ts[2])
            cv_cells = f"{t_cv * 1e3:9.2f}m {t_cv / t_fc:8.2f}"
        print(f"{name:44s} {t_fc * 1e3:9.2f}m {t_sp * 1e3:9.2f}m {t_sp / t_fc:8.1f} {cv_cells} "
              f"{err:9.1e}", flush=True)


if __name__ == "__main__":
    main()
