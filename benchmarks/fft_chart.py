"""Time against kernel size for fastconv's direct, fft and auto methods, cv2.filter2D and
the faster of scipy.signal.fftconvolve / oaconvolve: one image, "same" mode, 2 threads,
same process, medians (--threads 1 on a loaded machine: 2 threads wait for each
other's time slices at every barrier; one thread is timed by CPU time); draws benchmarks/results/fft_methods.png and prints, per kernel,
auto's time over the faster of direct and fft (issue 16: within 10%).

    flock /work/bench.lock nice -n -20 python benchmarks/fft_chart.py [--size 1024] [--dtype float32] [--threads 2]
"""
import argparse
import os

import numpy as np
import scipy.fft as sfft
import scipy.signal as ss

import fastconv as fc
from fcbench.timing import median_ms

try:
    import cv2
except ImportError:  # pragma: no cover
    cv2 = None

T = 2


def med(f, reps=5):
    return median_ms(f, reps, cpu=T == 1)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "fft_methods.png"))
    args = ap.parse_args()
    global T
    T = args.threads
    dt = np.dtype(args.dtype)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((args.size, args.size)).astype(dt)
    ks = [3, 5, 7, 9, 11, 15, 19, 25, 31, 45, 63, 95, 127]
    rows = {"direct": [], "fft": [], "auto": [], "cv2.filter2D": [], "scipy best FFT": []}
    print("| k | direct ms | fft ms | auto ms | auto picked | auto / best | cv2 ms | scipy ms |")
    print("|---|---|---|---|---|---|---|---|")
    for k in ks:
        w = rng.standard_normal((k, k)).astype(dt)
        out = np.empty_like(a)
        d = med(lambda: fc.convolve2d(a, w, "same", method="direct", num_threads=T, out=out), 3 if k < 40 else 1)
        f = med(lambda: fc.convolve2d(a, w, "same", method="fft", num_threads=T, out=out))
        au = med(lambda: fc.convolve2d(a, w, "same", num_threads=T, out=out))
        pick = fc.choose_method(a, w, "same")
        with sfft.set_workers(T):
            s = min(med(lambda: ss.fftconvolve(a, w, "same"), 1), med(lambda: ss.oaconvolve(a, w, "same"), 1))
        c = float("nan")
        if cv2 is not None:
            cv2.setNumThreads(T)
            c = med(lambda: cv2.filter2D(a, -1, w[::-1, ::-1].copy(), borderType=cv2.BORDER_CONSTANT))
        for key, v in zip(rows, (d, f, au, c, s)):
            rows[key].append(v)
        print(f"| {k} | {d:.2f} | {f:.2f} | {au:.2f} | {pick} | {au / min(d, f):.2f} | {c:.2f} | {s:.2f} |",
              flush=True)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, ys in rows.items():
        ax.plot(ks, ys, marker="o", label=key, lw=2.5 if key == "auto" else 1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("kernel size k (k x k)")
    ax.set_ylabel("CPU time, ms (median)" if T == 1 else "time, ms (median)")
    ax.set_title(f"convolve2d 'same', {args.size}^2 {dt.name}, {T} threads")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
