"""Issue 16's batched rows: conv_forward, conv_backward_input and conv_backward_weight
with long 1-D kernels, fastconv algorithm auto / direct / fft against PyTorch
(torch.nn.functional.conv1d, torch.nn.grad.conv1d_input / conv1d_weight), same process,
same thread count, medians; and which algorithm auto took.  Default: N=8, C=16->16,
L=16384, K in {64, 256, 1024, 4096}, float32, 2 threads (one thread: CPU time); with
--dtype float64 PyTorch is timed up to K = 1024 only (its float64 path is 10-30x slower).

    flock /work/bench.lock nice -n -20 python benchmarks/fft_batched_bench.py [--threads 1]
        [--dtype float32|float64|both] [--quick]
"""
import argparse
import time

import numpy as np

import fastconv as fc

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def med(f, threads, budget=1.0):
    """Median ms of 3 calls (1 where a call takes more than `budget` s), after a warm-up:
    wall time, or with one thread CPU time (other processes' slices do not count)."""
    clock = time.process_time if threads == 1 else time.perf_counter
    t0 = clock()
    f()
    first = clock() - t0
    ts = []
    for _ in range(1 if first > budget else 3):
        t0 = clock()
        f()
        ts.append(clock() - t0)
    return float(np.median(ts)) * 1e3


def passes(x, w, g, T, with_torch):
    """name -> {method: callable}"""
    out = {}
    tx, tw, tg = (torch.from_numpy(a) for a in (x, w, g)) if torch else (None,) * 3
    out["forward"] = {a: (lambda a=a: fc.conv_forward(x, w, num_threads=T, algorithm=a))
                      for a in ("auto", "direct", "fft")}
    out["backward_input"] = {a: (lambda a=a: fc.conv_backward_input(g, w, x.shape, num_threads=T, algorithm=a))
                             for a in ("auto", "direct", "fft")}
    out["backward_weight"] = {a: (lambda a=a: fc.conv_backward_weight(x, g, w.shape, num_threads=T, algorithm=a))
                              for a in ("auto", "direct", "fft")}
    if torch and with_torch:
        out["forward"]["torch"] = lambda: torch.nn.functional.conv1d(tx, tw)
        out["backward_input"]["torch"] = lambda: torch.nn.grad.conv1d_input(x.shape, tw, tg)
        out["backward_weight"]["torch"] = lambda: torch.nn.grad.conv1d_weight(tx, w.shape, tg)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", default="float32", choices=("float32", "float64", "both"))
    ap.add_argument("--quick", action="store_true", help="K in {64, 1024} only")
    a = ap.parse_args()
    T = a.threads
    if torch:
        torch.set_num_threads(T)
    dts = (np.float32, np.float64) if a.dtype == "both" else (np.dtype(a.dtype).type,)
    ks = (64, 1024) if a.quick else (64, 256, 1024, 4096)
    N, C, Co, L = 8, 16, 16, 16384
    rng = np.random.default_rng(0)
    print(f"# {fc.config()['isa']}, {T} thread(s), N={N}, C={C}->{Co}, L={L}, valid padding")
    print("| pass | dtype | K | auto ms | direct ms | fft ms | torch ms | auto took | auto vs direct "
          "| auto vs torch | auto vs best of direct/fft |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for dt in dts:
        for K in ks:
            x = rng.standard_normal((N, C, L)).astype(dt)
            w = rng.standard_normal((Co, C, K)).astype(dt)
            g = rng.standard_normal((N, Co, L - K + 1)).astype(dt)
            # PyTorch's float64 conv1d is slow (21 s a forward call at K = 1024, one
            # thread): its float64 rows stop at K = 1024
            for name, fns in passes(x, w, g, T, dt == np.float32 or K <= 1024).items():
                ms = {m: med(f, T) for m, f in fns.items()}
                plan = fc.explain(getattr(fc, "conv_" + name), *({"forward": (x, w), "backward_input": (g, w, x.shape),
                                                                  "backward_weight": (x, g, w.shape)}[name]),
                                  num_threads=T)
                tt = ms.get("torch", float("nan"))
                best = min(ms["direct"], ms["fft"])
                print(f"| {name} | {np.dtype(dt).name} | {K} | {ms['auto']:.1f} | {ms['direct']:.1f} | "
                      f"{ms['fft']:.1f} | {tt:.1f} | {plan['algorithm']} | {ms['direct'] / ms['auto']:.2f}x | "
                      f"{tt / ms['auto']:.2f}x | {best / ms['auto']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
