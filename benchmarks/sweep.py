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
import time

import numpy as np

import fastconv as fc

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
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    print(f"threads {args.threads}; GFLOP/s fastconv / PyTorch (fastconv speed / PyTorch speed)\n")
    print("| N | C | K | spatial | k | s | p | d | g | dtype | forward | backward-input | backward-weight |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, c, k, h, r, s, p, d, g, dt in LAYERS:
        sp = (h, h) if isinstance(h, int) else tuple(h)
        nd = len(sp)
        conv = getattr(F, f"conv{nd}d")
        grad_in = getattr(torch.nn.grad, f"conv{nd}d_input")
        grad_w = getattr(torch.nn.grad, f"conv{nd}d_weight")
        x = rng.standard_normal((n, c) + sp).astype(dt)
        w = rng.standard_normal((k, c // g) + (r,) * nd).astype(dt)
        kw = dict(stride=s, padding=p, dilation=d, groups=g)
        xt, wt = torch.from_numpy(x), torch.from_numpy(w)
        y = conv(xt, wt, **kw).numpy()
        go = rng.standard_normal(y.shape).astype(dt)
        gt = torch.from_numpy(go)
        macs = (c // g) * r**nd * int(np.prod(y.shape))
        ours = {
            "fwd": lambda: fc.conv_forward(x, w, num_threads=args.threads, **kw),
            "bi": lambda: fc.conv_backward_input(go, w, x.shape, num_threads=args.threads, **kw),
            "bw": lambda: fc.conv_backward_weight(x, go, w.shape, num_threads=args.threads, **kw),
        }
        theirs = {
            "fwd": lambda: conv(xt, wt, **kw),
            "bi": lambda: grad_in(x.shape, wt, gt, **kw),
            "bw": lambda: grad_w(xt, w.shape, gt, **kw),
        }
        cells = []
        for op in ("fwd", "bi", "bw"):
            a, b = ours[op](), theirs[op]().numpy()
            tol = (1e-3 if dt == "float32" else 1e-9) * max(1.0, float(np.abs(b).max()))
            if not np.allclose(a, b, rtol=0, atol=tol):
                raise SystemExit(f"disagree: {(n, c, k, h, r, s, p, d, g, dt)} {op}: "
                                 f"max |diff| {np.abs(a - b).max():.3g}")
            ta, tb = median_time(ours[op], args.reps), median_time(theirs[op], args.reps)
            ta = min(ta, median_time(ours[op], args.reps))
            tb = min(tb, median_time(theirs[op], args.reps))
            cells.append(f"{2 * macs / ta / 1e9:.1f} / {2 * macs / tb / 1e9:.1f} ({tb / ta:.2f}x)")
        spn = str(h) if isinstance(h, int) else "x".join(map(str, sp))
        print(f"| {n} | {c} | {k} | {spn} | {r} | {s} | {p} | {d} | {g} | {dt} | " + " | ".join(cells) + " |",
              flush=True)


if __name__ == "__main__":
    main()
