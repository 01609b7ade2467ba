"""Winograd against direct and PyTorch (oneDNN) on 3x3 stride-1 layers, side by side.

    flock /work/bench.lock nice -n -20 python benchmarks/winograd_bench.py [--threads 1 2]

Each row times fastconv's direct method, its Winograd path and torch's conv2d (forward),
torch.nn.grad.conv2d_input (backward-input) or conv2d_weight (backward-weight) on the
same arrays in this process (every op by default; --ops to choose),
interleaved, and prints medians and ratios (wall time; with --cpu the 1-thread rows by
thread CPU time); the results are checked against each other
first.  float32 unless --dtype float64.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import fastconv as fc

#: (name, N, C, K, H=W): the benchmark's three ResNet 3x3 layers and three more
LAYERS = [
    ("resnet56", 8, 64, 64, 56),
    ("resnet28", 8, 128, 128, 28),
    ("resnet14", 8, 256, 256, 14),
    ("big112", 2, 64, 64, 112),
    ("odd40", 4, 96, 96, 40),
    ("small7", 8, 512, 512, 7),
]


def _median_time(fn, reps: int, clock=time.perf_counter) -> float:
    fn()
    ts = []
    for _ in range(reps):
        t0 = clock()
        fn()
        ts.append(clock() - t0)
    return float(np.median(ts))


def _runners(op, x, w, g, nt, torch):
    """name -> zero-argument callable for one op."""
    if op == "forward":
        out = {a: (lambda a=a: fc.conv_forward(x, w, padding=1, num_threads=nt, algorithm=a))
               for a in ("direct", "winograd")}
        if torch is not None:
            tx, tw = torch.from_numpy(x), torch.from_numpy(w)
            out["torch"] = lambda: torch.nn.functional.conv2d(tx, tw, padding=1)
    elif op == "backward_input":
        out = {a: (lambda a=a: fc.conv_backward_input(g, w, x.shape, padding=1, num_threads=nt,
                                                      algorithm=a))
               for a in ("direct", "winograd")}
        if torch is not None:
            tg, tw = torch.from_numpy(g), torch.from_numpy(w)
            out["torch"] = lambda: torch.nn.grad.conv2d_input(x.shape, tw, tg, padding=1)
    else:
        out = {a: (lambda a=a: fc.conv_backward_weight(x, g, w.shape, padding=1, num_threads=nt,
                                                       algorithm=a))
               for a in ("direct", "winograd")}
        if torch is not None:
            tx, tg = torch.from_numpy(x), torch.from_numpy(g)
            out["torch"] = lambda: torch.nn.grad.conv2d_weight(tx, w.shape, tg, padding=1)
    return out


def _auto(op, x, w, g, nt) -> str:
    """What algorithm="auto" (the default) runs for this op."""
    kw = dict(padding=1, num_threads=nt)
    if op == "forward":
        return fc.explain(fc.conv_forward, x, w, **kw)["algorithm"]
    if op == "backward_input":
        return fc.explain(fc.conv_backward_input, g, w, x.shape, **kw)["algorithm"]
    return fc.explain(fc.conv_backward_weight, x, g, w.shape, **kw)["algorithm"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--ops", nargs="+", default=["forward", "backward_input", "backward_weight"])
    ap.add_argument("--layers", nargs="+", default=[name for name, *_ in LAYERS])
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--cpu", action="store_true",
                    help="1-thread rows timed by the calling thread's CPU time (every library "
                         "runs a 1-thread call in it): robust to other processes' load")
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    print("layer      op              thr  direct_ms  wino_ms  torch_ms  wino/direct  torch/wino"
          "  wino_GF/s  auto")
    for name, N, C, K, H in LAYERS:
        if name not in args.layers:
            continue
        x = rng.standard_normal((N, C, H, H)).astype(args.dtype)
        w = (rng.standard_normal((K, C, 3, 3)) / np.sqrt(9 * C)).astype(args.dtype)
        g = rng.standard_normal((N, K, H, H)).astype(args.dtype)
        flops = 2.0 * N * K * C * 9 * H * H
        for nt in args.threads:
            clock = time.thread_time if args.cpu and nt == 1 else time.perf_counter
            if torch is not None:
                torch.set_num_threads(nt)
            for op in args.ops:
                run = _runners(op, x, w, g, nt, torch)
                ref = run["direct"]()
                err = np.abs(run["winograd"]() - ref).max() / np.abs(ref).max()
                assert err < 1e-3, (name, op, err)
                t = {k: [] for k in run}
                for _ in range(args.reps):   # interleaved: the machine's noise hits all alike
                    for k, fn in run.items():
                        t[k].append(_median_time(fn, 1, clock))
                m = {k: float(np.median(v)) * 1e3 for k, v in t.items()}
                tt = m.get("torch", float("nan"))
                print(f"{name:10s} {op:15s} {nt:3d} {m['direct']:10.2f} {m['winograd']:8.2f} "
                      f"{tt:9.2f} {m['direct'] / m['winograd']:12.2f} {tt / m['winograd']:11.2f}"
                      f" {flops / m['winograd'] / 1e6:10.1f}  {_auto(op, x, w, g, nt)}",
                      flush=True)


if __name__ == "__main__":
    main()
