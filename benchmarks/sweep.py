"""Layers outside the issue's case table, against PyTorch: a search for cliffs.

    python benchmarks/sweep.py [--threads N] [--reps R]

For each layer (stride, dilation, groups, channel counts that are not multiples of the
vector, small and large images, 1-D signals and 3-D volumes, float64) and each pass, it
checks that fastconv and PyTorch agree, then times both in the same process on the same
arrays: the median of R calls, twice per library in alternation, the better median
counting.  It prints a Markdown table of GFLOP/s and the ratio (fastconv speed / PyTorch speed).  PyTorch is
required (``pip install torch==2.13.0``, the CPU build); it is a peer here, never a
dependency of the package.

It is a search, not a verdict: single runs move 10-20% on the project's shared VM; a
ratio that looks low is the place to start an interleaved A/B, as benchmarks/ANALYSIS.md
describes.
"""
import argparse
import dataclasses
import time

import numpy as np

import fastconv as fc
from fcbench.cases import PASSES, Case
from fcbench.libraries import fastconv_style, make_torch_prepare

#: (N, C, K, spatial, kernel, stride, padding, dilation, groups, dtype); spatial is H
#: for an H x H image, or a tuple for a 1-D signal or a 3-D volume
LAYERS = [
    (8, 3, 64, 112, 3, 1, 1, 1, 1, "float32"),
    (8, 64, 3, 56, 3, 1, 1, 1, 1, "float32"),
    (8, 10, 20, 32, 3, 1, 1, 1, 1, "float32"),
    (8, 64, 64, 56, 3, 2, 1, 1, 1, "float32"),
    (8, 64, 128, 56, 1, 2, 0, 1, 1, "float32"),
    (8, 64, 64, 56, 3, 1, 2, 2, 1, "float32"),
    (8, 64, 64, 56, 3, 1, 1, 1, 64, "float32"),
    (8, 64, 64, 56, 3, 1, 1, 1, 8, "float32"),
    (8, 96, 96, 27, 5, 1, 2, 1, 1, "float32"),
    (8, 32, 32, 64, 3, 1, 0, 1, 1, "float32"),
    (32, 16, 16, 32, 3, 1, 1, 1, 1, "float32"),
    (8, 48, 40, 30, 3, 1, 1, 1, 1, "float32"),
    (2, 256, 256, 7, 3, 1, 1, 1, 1, "float32"),
    (1, 64, 64, 224, 3, 1, 1, 1, 1, "float32"),
    (8, 64, 64, 56, 3, 1, 1, 1, 1, "float64"),
    (8, 17, 33, 31, 3, 1, 1, 1, 1, "float32"),
    (4, 512, 512, 7, 3, 1, 1, 1, 1, "float32"),
    (8, 1, 1, 128, 5, 1, 2, 1, 1, "float32"),
    (8, 64, 64, (4096,), 3, 1, 1, 1, 1, "float32"),
    (8, 256, 256, (1024,), 3, 1, 1, 1, 1, "float32"),
    (4, 1, 64, (16000,), 11, 1, 5, 1, 1, "float32"),
    (4, 64, 128, (8000,), 5, 2, 2, 1, 1, "float32"),
    (8, 128, 128, (2048,), 3, 1, 2, 2, 1, "float32"),
    (8, 128, 128, (2048,), 7, 1, 3, 1, 128, "float32"),
    (2, 32, 32, (32, 32, 32), 3, 1, 1, 1, 1, "float32"),
    (2, 64, 64, (16, 16, 16), 3, 1, 1, 1, 1, "float32"),
    (2, 1, 16, (64, 64, 64), 3, 1, 1, 1, 1, "float32"),
    (2, 32, 64, (32, 32, 32), 3, 2, 1, 1, 1, "float32"),
    (1, 256, 256, 14, 3, 1, 1, 1, 1, "float32"),
    (8, 256, 256, 14, 3, 1, 1, 1, 32, "float32"),
]


def median_time(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    torch_prepare = make_torch_prepare(torch)
    rng = np.random.default_rng(0)
    print(f"threads {args.threads}; GFLOP/s fastconv / PyTorch (fastconv speed / PyTorch speed)\n")
    print("| N | C | K | spatial | k | s | p | d | g | dtype | forward | backward-input | backward-weight |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, c, k, h, r, s, p, d, g, dt in LAYERS:
        sp = (h, h) if isinstance(h, int) else tuple(h)
        x = rng.standard_normal((n, c) + sp).astype(dt)
        w = rng.standard_normal((k, c // g) + (r,) * len(sp)).astype(dt)
        layer = Case(f"sweep.{len(sp)}d", "sweep", "fwd", dt, x.shape, w.shape,
                     stride=s, padding=p, dilation=d, groups=g)
        go = rng.standard_normal(layer.y_shape).astype(dt)
        arrays = {"x": x, "w": w, "grad_out": go}
        macs = layer.macs  # the same for the three passes
        cells = []
        for op in PASSES:
            # the calls of run.py's fastconv and PyTorch columns (fcbench.libraries)
            case = dataclasses.replace(layer, op=op)
            ours = fastconv_style(fc, case, arrays, args.threads)[0]
            theirs, torch_to_np, _ = torch_prepare(case, arrays, args.threads)
            a, b = ours(), torch_to_np(theirs())
            tol = (1e-3 if dt == "float32" else 1e-9) * max(1.0, float(np.abs(b).max()))
            if not np.allclose(a, b, rtol=0, atol=tol):
                raise SystemExit(f"disagree: {(n, c, k, h, r, s, p, d, g, dt)} {op}: "
                                 f"max |diff| {np.abs(a - b).max():.3g}")
            ta, tb = median_time(ours, args.reps), median_time(theirs, args.reps)
            ta = min(ta, median_time(ours, args.reps))
            tb = min(tb, median_time(theirs, args.reps))
            cells.append(f"{2 * macs / ta / 1e9:.1f} / {2 * macs / tb / 1e9:.1f} ({tb / ta:.2f}x)")
        spn = str(h) if isinstance(h, int) else "x".join(map(str, sp))
        print(f"| {n} | {c} | {k} | {spn} | {r} | {s} | {p} | {d} | {g} | {dt} | " + " | ".join(cells) + " |",
              flush=True)


if __name__ == "__main__":
    main()
