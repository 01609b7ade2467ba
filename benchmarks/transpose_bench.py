"""fastconv.conv_transpose and its gradients against PyTorch's conv_transpose2d, same
process, side by side, on a few decoder layers (float32).

    flock /work/bench.lock nice -n -20 python benchmarks/transpose_bench.py \
        [--threads 2] [--repeat 7]

Per layer and pass: both results checked against each other first, then the two
libraries timed alternately (one fastconv call, one torch call, ``--repeat`` times after a
warm-up) and the medians printed with their ratio ``x torch`` = torch's time over
fastconv's (above 1: fastconv faster).  PyTorch's passes are its ATen ops without
autograd: ``conv_transpose2d`` forward, and ``convolution_backward`` (transposed=True)
with only the input or only the weight gradient asked for.
"""
import argparse
import statistics
import time

import numpy as np
import torch

import fastconv as fc

#: name, N, C_in, C_out, in H=W, kernel, stride, padding, output_padding
LAYERS = [
    ("dcgan 128->64 28->56", 8, 128, 64, 28, 4, 2, 1, 0),      # the target row
    ("dcgan 256->128 14->28", 8, 256, 128, 14, 4, 2, 1, 0),
    ("dcgan 64->3 56->112", 8, 64, 3, 56, 4, 2, 1, 0),
    ("unet up 256->128 k2 s2 28->56", 4, 256, 128, 28, 2, 2, 0, 0),
    ("3x3 s2 op1 64->32 56->112", 4, 64, 32, 56, 3, 2, 1, 1),
]


def _median_pair(f, g, repeat):
    f(), g()
    tf, tg = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        t1 = time.perf_counter()
        g()
        t2 = time.perf_counter()
        tf.append(t1 - t0)
        tg.append(t2 - t1)
    return statistics.median(tf), statistics.median(tg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    nt = args.threads
    torch.set_num_threads(nt)
    rng = np.random.default_rng(0)
    print(f"# fastconv {fc.__version__} isa {fc.config()['isa']}, torch {torch.__version__}, "
          f"{nt} threads, float32, median of {args.repeat} (ms)")
    print(f"{'layer':34s} {'pass':8s} {'fastconv':>9s} {'torch':>9s} {'x torch':>8s}")
    for name, n, cin, cout, hw, k, s, p, op in LAYERS:
        x = rng.standard_normal((n, cin, hw, hw)).astype(np.float32)
        scale = np.sqrt(cin * k * k / (s * s))
        w = (rng.standard_normal((cin, cout, k, k)) / scale).astype(np.float32)
        b = rng.standard_normal(cout).astype(np.float32)
        kw = dict(stride=s, padding=p, output_padding=op)
        tx, tw, tb = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)
        y = fc.conv_transpose(x, w, b, num_threads=nt, **kw)
        with torch.no_grad():
            ty = torch.nn.functional.conv_transpose2d(tx, tw, tb, **kw)
        g = rng.standard_normal(y.shape).astype(np.float32)
        tg = torch.from_numpy(g)

        def t_bw(mask):
            return torch.ops.aten.convolution_backward(tg, tx, tw, [cout], [s, s], [p, p], [1, 1],
                                                       True, [op, op], 1, mask)
        passes = [
            ("forward", lambda: fc.conv_transpose(x, w, b, num_threads=nt, **kw),
             lambda: torch.nn.functional.conv_transpose2d(tx, tw, tb, **kw), ty),
            ("input",
             lambda: fc.conv_transpose_backward_input(g, w, x.shape, num_threads=nt, **kw),
             lambda: t_bw([True, False, False])[0], None),
            ("weight",
             lambda: fc.conv_transpose_backward_weight(x, g, w.shape, num_threads=nt, **kw),
             lambda: t_bw([False, True, False])[1], None),
        ]
        for pname, f_fc, f_t, _ in passes:
            with torch.no_grad():
                a, r = f_fc(), f_t().numpy()
            scale = float(np.max(np.abs(r)))
            err = float(np.max(np.abs(a - r))) / scale
            assert err < 1e-4, (name, pname, err)
            with torch.no_grad():
                tf, tt = _median_pair(f_fc, f_t, args.repeat)
            print(f"{name:34s} {pname:8s} {tf * 1e3:9.2f} {tt * 1e3:9.2f} {tt / tf:8.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
