#!/usr/bin/env python3
"""Same-bits harness: record a fingerprint of every output of the installed fastconv.

What it is for: proving that a restructuring of the C engine (src/conv_impl.h,
src/correlate_impl.h, the kernels) changes no output bit.  It runs a fixed, seeded set
of calls chosen to reach every path of the engine (the flattened tiles with each kernel
shape, the masked-store and non-temporal output paths, in-place/private/band/round
packing, the channels-vectorised mode and its folded layout, the backward-input residue
classes and direct scatter, every backward-weight mode, the single-array functions with
every mode and boundary), then 60 seeded random layers (odd sizes, strides, dilation,
padding, groups), each at float32 and float64, on every instruction set this CPU
runs (fastconv.set_isa) and with 1 and 2 threads, and records the sha256 of each
output's bytes with its dtype and shape (a call that raises records the exception
instead).  Two builds give the same bits exactly when --compare finds no difference
between their files.  The inputs are uniform random floats (not integers), so a
sum taken in another order shows up as a different hash.

It also checks the library's promise that results do not depend on the thread count:
any case whose 1-thread and 2-thread outputs differ is listed in the file
("thread_mismatches") and on stdout, and the run exits with status 1 (as it does when
a call raises).  (A call uses at
most one thread per 2^18 multiply-adds, so 2 threads are really used only where a
record says "threads_used": 2.)

Usage (stdlib + numpy; imports the installed fastconv, i.e. the build in the active
environment, also when run from the repository root; the file records its path):

    python tools/bits.py --out before.json                 # full set: about 1 min on 2 cores
    python tools/bits.py --out before-quick.json --quick   # a subset: about 15 s
    ... rebuild (pip install --no-build-isolation .) ...
    python tools/bits.py --out after.json
    python tools/bits.py --compare before.json after.json

--compare prints every case whose hash differs and every case present in one file
only; it exits 1 if any hash differs, 2 if none differs but cases are missing from one
side, 0 if both files hold the same cases with the same bits.  --list prints the case
names without running them; --verbose prints each case's time.
"""
import argparse
import hashlib
import json
import math
import platform
import sys
import time
import zlib

import numpy as np

import fastconv as fc

DTYPES = ("float32", "float64")
THREADS = (1, 2)
FORMAT = "fastconv-bits/1"
# a call uses at most one thread per this many multiply-adds (FC_MIN_WORK in the C library)
MIN_WORK = 2 ** 18


# ---------------------------------------------------------------- cases

class Case:
    """One call, run at every (dtype, isa, threads) it applies to.

    make(dtype) returns (run, inputs): run(num_threads) -> ndarray, and the list of
    input arrays (hashed into the record, so that a change of the inputs is told apart
    from a change of the outputs).  threaded=False: the function takes no thread count
    (and runs no SIMD kernel), so it runs once per dtype."""

    def __init__(self, name, why, make, macs, *, quick=False, threaded=True):
        self.name, self.why, self.make, self.macs = name, why, make, macs
        self.quick, self.threaded = quick, threaded

    def threads_used(self, nt):
        """The thread count the C library settles on for nt requested (fc_resolve_threads)."""
        cap = self.macs / MIN_WORK
        return nt if cap >= nt else (1 if cap < 1 else int(cap))


def _seed(name):
    return zlib.crc32(name.encode())


def _uniform(rng, shape, dtype):
    """Uniform in [-1, 1): drawn in float64, then rounded, so that the float32 inputs
    are the float64 ones rounded."""
    return (rng.random(shape) * 2.0 - 1.0).astype(dtype)


def _misaligned(shape, dtype):
    """A C-contiguous array of shape and dtype that starts one element past a 64-byte
    boundary (filled with NaN, which every output element must overwrite)."""
    n = math.prod(shape) * dtype.itemsize
    buf = np.empty(n + 128, dtype=np.uint8)
    start = (-buf.ctypes.data) % 64 + dtype.itemsize
    out = buf[start:start + n].view(dtype).reshape(shape)
    out.fill(np.nan)
    return out


def _fmt(v):
    """Compact text of a shape or parameter: (2, 3) -> 2x3 for shapes, no spaces."""
    if isinstance(v, tuple) and all(isinstance(i, int) for i in v):
        return "x".join(str(i) for i in v)
    return str(v).replace(" ", "")


def _conv_name(kind, x, w, stride, padding, dilation, groups, flip, extra):
    name = (f"{kind} x={_fmt(x)} w={_fmt(w)} s={_fmt(stride)} p={_fmt(padding)} "
            f"d={_fmt(dilation)} g={groups} flip={int(flip)}")
    return name + (" " + extra if extra else "")


def conv(kind, x, w, why, *, stride=1, padding=0, dilation=1, groups=1, flip=False, bias=True,
         poison=None, misaligned_out=False, quick=False):
    """A batched case: kind is "fwd" (conv_forward, with a bias unless bias=False), "bwi"
    (conv_backward_input) or "bww" (conv_backward_weight); x and w are the forward
    pass's input and weight shapes.  poison=(index, value) sets one weight element
    (a NaN or Inf weight); misaligned_out=True passes an out= one element past a
    64-byte boundary (so no tile may be written with non-temporal stores)."""
    x, w = tuple(x), tuple(w)
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    out = fc.conv_output_shape(x, w, **kw)
    extra = []
    if kind == "fwd":
        extra.append(f"bias={int(bool(bias))}")
    if poison is not None:
        extra.append(f"w[{poison[0]}]={poison[1]}")
    if misaligned_out:
        extra.append("out=misaligned")
    fname = {"fwd": "conv_forward", "bwi": "conv_backward_input",
             "bww": "conv_backward_weight"}[kind]
    name = _conv_name(fname, x, w, stride, padding, dilation, groups, flip, " ".join(extra))
    macs = out[0] * out[1] * (w[1] * math.prod(w[2:])) * math.prod(out[2:])

    def make(dtype):
        rng = np.random.default_rng(_seed(name))
        if kind == "fwd":
            xa, wa = _uniform(rng, x, dtype), _uniform(rng, w, dtype)
            ba = _uniform(rng, (w[0],), dtype) if bias else None
            if poison is not None:
                wa.flat[poison[0]] = poison[1]
            def run(nt):
                y = _misaligned(out, dtype) if misaligned_out else None
                return fc.conv_forward(xa, wa, ba, flip=flip, out=y, num_threads=nt, **kw)
            return run, [a for a in (xa, wa, ba) if a is not None]
        if kind == "bwi":
            ga, wa = _uniform(rng, out, dtype), _uniform(rng, w, dtype)
            if poison is not None:
                wa.flat[poison[0]] = poison[1]
            return (lambda nt: fc.conv_backward_input(ga, wa, x, flip=flip, num_threads=nt, **kw),
                    [ga, wa])
        xa, ga = _uniform(rng, x, dtype), _uniform(rng, out, dtype)
        return (lambda nt: fc.conv_backward_weight(xa, ga, w, flip=flip, num_threads=nt, **kw),
                [xa, ga])

    return Case(name, why, make, macs, quick=quick)


def bias_case(g, why, *, quick=False):
    g = tuple(g)
    name = f"conv_backward_bias grad_out={_fmt(g)}"

    def make(dtype):
        ga = _uniform(np.random.default_rng(_seed(name)), g, dtype)
        return (lambda nt: fc.conv_backward_bias(ga, num_threads=nt)), [ga]

    return Case(name, why, make, math.prod(g), quick=quick)


def single(fname, s1, s2, mode, why, *, boundary=None, fillvalue=0, quick=False):
    """A single-array case: fname one of correlate, convolve, correlate2d, convolve2d."""
    s1, s2 = tuple(s1), tuple(s2)
    fn = getattr(fc, fname)
    name = f"{fname} in1={_fmt(s1)} in2={_fmt(s2)} mode={mode}"
    extra = {}
    if boundary is not None:
        name += f" boundary={boundary} fillvalue={fillvalue}"
        extra = dict(boundary=boundary, fillvalue=fillvalue)
    if mode == "full":
        oshape = [m + n - 1 for m, n in zip(s1, s2)]
    elif mode == "same":
        oshape = list(s1)
    else:
        oshape = [abs(m - n) + 1 for m, n in zip(s1, s2)]
    # the C side runs in1 as the input and in2 as the kernel (swapped in "valid" mode
    # when in2 is the larger)
    swap = mode == "valid" and not all(m >= n for m, n in zip(s1, s2))
    k = s1 if swap else s2
    macs = math.prod(oshape) * math.prod(k)

    def make(dtype):
        rng = np.random.default_rng(_seed(name))
        a, b = _uniform(rng, s1, dtype), _uniform(rng, s2, dtype)
        return (lambda nt: fn(a, b, mode, num_threads=nt, **extra)), [a, b]

    return Case(name, why, make, macs, quick=quick)


def movement_cases():
    name_r = "rot180 a=3x4x5x6 axes=(1,3)"

    def make_r(dtype):
        a = _uniform(np.random.default_rng(_seed(name_r)), (3, 4, 5, 6), dtype)
        return (lambda nt: fc.rot180(a, axes=(1, 3))), [a]

    name_p = "pad_full a=2x3x10x9 kernel=3x2 dilation=(2,1)"

    def make_p(dtype):
        a = _uniform(np.random.default_rng(_seed(name_p)), (2, 3, 10, 9), dtype)
        return (lambda nt: fc.pad_full(a, (3, 2), dilation=(2, 1))), [a]

    return [Case(name_r, "data movement: rotation", make_r, 0, quick=True, threaded=False),
            Case(name_p, "data movement: full padding", make_p, 0, quick=True, threaded=False)]


class _Lcg:
    """A 64-bit linear congruential generator (Knuth's MMIX constants): the sweep's
    shapes depend on this code alone, not on the numpy or Python version."""

    def __init__(self, seed):
        self.s = seed

    def int(self, lo, hi):
        """An int in [lo, hi]."""
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) % 2 ** 64
        return lo + (self.s >> 33) % (hi - lo + 1)


def sweep(count, seed=2024, quick=6):
    """count seeded random layers (forward, backward-input, backward-weight in turn):
    1-3 spatial axes, strides, dilation, asymmetric padding, groups, flip, odd sizes,
    so that tiles end at every kind of remainder.  Each is sized to at least 2^20
    multiply-adds where 64 images reach it, so that two threads really run.  The first
    `quick` are in the quick subset."""
    r = _Lcg(seed)
    out = []
    for i in range(count):
        kind = ("fwd", "bwi", "bww")[i % 3]
        nd = r.int(1, 3)
        ks = [r.int(1, 5 if nd < 3 else 3) for _ in range(nd)]
        st = [r.int(1, 3) for _ in range(nd)]
        dl = [r.int(1, 2) for _ in range(nd)]
        pad = [(r.int(0, k - 1), r.int(0, k - 1)) for k in ks]
        G = (1, 1, 2, 3)[r.int(0, 3)]
        Cg, Kg = r.int(1, 12), r.int(1, 40)
        # spatial sizes: at least the dilated kernel, about 2M multiply-adds in all
        per_px = G * Kg * Cg * math.prod(ks)
        side = max(1.0, (2e6 / per_px) ** (1.0 / nd) / max(1, math.prod(st)) ** (1.0 / nd))
        sp = [max(d * (k - 1) + 1, int(side * st_ * r.int(60, 140) / 100))
              for k, st_, d in zip(ks, st, dl)]
        sp = [min(v, 5000) for v in sp]
        N = r.int(1, 6)
        # more images where the layer is under 2^20 multiply-adds (two threads' worth)
        o = fc.conv_output_shape((1, G * Cg, *sp), (G * Kg, Cg, *ks), stride=tuple(st),
                                 padding=tuple(pad), dilation=tuple(dl), groups=G)
        macs = G * Kg * Cg * math.prod(ks) * math.prod(o[2:])
        N = max(N, min(64, -(-2 ** 20 // macs)))
        out.append(conv(kind, (N, G * Cg, *sp), (G * Kg, Cg, *ks),
                        f"seeded sweep #{i}", stride=tuple(st), padding=tuple(pad),
                        dilation=tuple(dl), groups=G, flip=bool(r.int(0, 1)),
                        bias=bool(r.int(0, 1)), quick=i < quick))
    return out


def cases():
    """The case list.  The path notes ("why") say which engine path a case is there for, and
    on which ISA where that depends on the tile sizes: AVX-512 float32 (mr 8, nr 48,
    mr2 4, vl 16, kw 32, kp 14, wk 32, wdk 8), AVX2 float32 (mr 4, nr 24, mr2 2, kw 16,
    kp 6, wk 16, wdk 4) and baseline float32 (mr 4, nr 8, mr2 2, kw 8, kp 6, wk 8);
    float64 halves the lanes."""
    F, I, W = "fwd", "bwi", "bww"
    c = []
    # ---- forward, flattened tiles: kernel choice by output channels M and taps T
    c += [
        conv(F, (8, 16, 32, 32), (1, 16, 3, 3), "flat M==1 (fwd1), padded, round/private packing",
             padding=1, quick=True),
        conv(F, (8, 16, 32, 32), (2, 16, 3, 3), "flat M<=mr2, T==9 (fwd2_t9)", padding=1,
             quick=True),
        conv(F, (8, 16, 32, 32), (3, 16, 5, 5), "flat M=3 (mr2 on AVX-512, mr elsewhere), T==25",
             padding=2),
        conv(F, (4, 16, 30, 30), (2, 16, 5, 5), "flat M<=mr2, T!=9 (fwd2)", padding=2, quick=True),
        conv(F, (4, 16, 30, 30), (6, 16, 3, 3), "flat M between mr2 and mr (partial block), T==9",
             padding=1),
        conv(F, (4, 32, 30, 30), (32, 32, 3, 3), "flat M>mr, T==9 (fwd_t9 / fwdd_t9 masked stores)",
             padding=1, quick=True),
        conv(F, (4, 32, 30, 30), (20, 32, 1, 1), "flat M>mr, T==1 padded (fwd_t1, fwdd, copy-out)",
             padding=1),
        conv(F, (4, 32, 30, 30), (20, 32, 2, 2), "flat M>mr, T==4, stride 2", stride=2),
        conv(F, (4, 24, 33, 31), (20, 24, 3, 5), "flat T==15, asymmetric padding, bias",
             padding=((0, 2), (3, 1))),
        conv(F, (4, 16, 9, 9), (20, 16, 3, 3), "flat, rows shorter than an AVX-512 float32 vector "
             "(no fwdd: copy-out)", padding=1, bias=False),
        conv(F, (1, 160, 64, 64), (24, 160, 3, 3), "flat, several channel blocks on every ISA "
             "(fwdd accumulating on AVX-512)", padding=1, quick=True),
        conv(F, (8, 16, 29, 29), (24, 16, 3, 3), "stride 3, dilation 2", stride=3, padding=2,
             dilation=2),
        conv(F, (4, 16, 30, 30), (24, 16, 3, 3), "dilation 2, 'same', flip", padding="same",
             dilation=2, flip=True),
        conv(F, (4, 16, 30, 30), (24, 16, 4, 4), "even kernel 'same' (extra pad high)",
             padding="same"),
        conv(F, (4, 32, 24, 24), (32, 8, 3, 3), "groups 4", padding=1, groups=4),
        conv(F, (8, 32, 28, 28), (32, 1, 3, 3), "depthwise (groups = C, M==1)", padding=1,
             groups=32),
        conv(F, (4, 16, 2000), (24, 16, 7), "1-D, stride 2", stride=2, padding=3),
        conv(F, (2, 8, 10, 12, 14), (16, 8, 3, 3, 3), "3-D", padding=1, quick=True),
        conv(F, (2, 8, 10, 12, 14), (16, 8, 3, 2, 3), "3-D stride (2,1,2), flip",
             stride=(2, 1, 2), padding=(1, 0, 1), flip=True),
    ]
    # ---- forward output paths, in-place identity geometry, packing modes
    c += [
        conv(F, (4, 48, 20, 20), (24, 48, 1, 1), "out_direct (1x1 no bias, in place), plain stores",
             bias=False),
        conv(F, (8, 64, 28, 28), (256, 64, 1, 1), "out_direct + stream_out (6.4 MB out), in place",
             bias=False, quick=True),
        conv(F, (8, 64, 28, 28), (256, 64, 1, 1), "stream_out with an out= off the 64-byte "
             "boundary: plain stores", bias=False, misaligned_out=True),
        conv(F, (8, 64, 56, 56), (256, 64, 1, 1), "1x1 stride 2: out_direct + stream_out, packed",
             stride=2, bias=False),
        conv(F, (4, 256, 28, 28), (64, 256, 1, 1), "1x1 256->64 in place, several channel blocks",
             bias=False),
        conv(F, (2, 32, 30, 30), (32, 32, 3, 3), "identity geometry (unpadded 3x3) in place, "
             "last-image windows (kvec in place on AVX-512 float32)", bias=False, quick=True),
        conv(F, (512, 8, 4, 4), (16, 8, 1, 1), "identity geometry, images smaller than a tile: "
             "windows over several images"),
        conv(F, (6, 24, 13, 11), (12, 24, 2, 3), "identity geometry with bias (fwdd / copy-out)"),
        conv(F, (64, 8, 28, 28), (16, 8, 3, 3), "private per-job packing (many small images)",
             padding=1, quick=True),
        conv(F, (4, 8, 28, 28), (16, 8, 3, 3), "N*G = 4: private at 1 thread, rounds at 2",
             padding=1),
        conv(F, (2, 16, 20, 20), (16, 16, 3, 3), "one round, few images", padding=1),
        conv(F, (6, 64, 56, 56), (16, 64, 3, 3), "rounds (f64: 1.7 MB an image, several rounds; "
             "f32 private at 1 thread)", padding=1, quick=True),
        conv(F, (1, 32, 224, 224), (32, 32, 3, 3), "band packing (6.5 MB packed image)",
             padding=1, quick=True),
        conv(F, (1, 64, 224, 224), (64, 64, 3, 3), "band packing, 64-ch 224x224 (13 MB)",
             padding=1, bias=False),
    ]
    # ---- forward, channels-vectorised (kvec), folded layout, kbjob
    c += [
        conv(F, (8, 128, 14, 14), (128, 128, 3, 3), "kvec, rows as jobs", padding=1, quick=True),
        conv(F, (2, 256, 14, 14), (256, 256, 3, 3), "kvec + kbjob (2.4 MB of weights, 2 images)",
             padding=1),
        conv(F, (2, 3, 112, 112), (64, 3, 7, 7), "kvec 7x7 stride 2 (T>9, strided phases)",
             stride=2, padding=3),
        conv(F, (2, 3, 112, 112), (64, 3, 7, 7), "kvec 7x7 stride 2, no bias, flip", stride=2,
             padding=3, bias=False, flip=True),
        conv(F, (4, 128, 7, 7), (128, 128, 3, 3), "kvec folded (7x7 images; AVX-512)", padding=1),
        conv(F, (4, 64, 5, 5), (72, 64, 3, 3), "kvec folded (5x5 images: every ISA), partial "
             "kw block",
             padding=1, bias=False, quick=True),
        conv(F, (2, 512, 7, 7), (512, 512, 3, 3), "kvec + kbjob (9.4 MB of weights), folded",
             padding=1, quick=True),
    ]
    # ---- backward-input: residue classes, dilation, direct scatter
    c += [
        conv(I, (4, 32, 30, 30), (32, 32, 3, 3), "stride 1 (one class)", padding=1, quick=True),
        conv(I, (4, 32, 30, 30), (32, 32, 3, 3), "stride 2: 4 residue classes (T 4, 2, 2, 1)",
             stride=2, padding=1, quick=True),
        conv(I, (4, 16, 31, 29), (24, 16, 2, 2), "stride 3, kernel 2: classes with no taps",
             stride=3),
        conv(I, (4, 16, 31, 29), (24, 16, 3, 3), "stride 2, dilation 2: odd classes tapless",
             stride=2, padding=2, dilation=2),
        conv(I, (4, 16, 30, 30), (24, 16, 3, 3), "dilation 2, flip", padding=2, dilation=2,
             flip=True),
        conv(I, (4096, 8, 2, 2), (8, 8, 1, 1), "stride 3 on 2x2 inputs: classes with no inputs, "
             "classes with no taps", stride=3, padding=((0, 2), (0, 2)), quick=True),
        conv(I, (1, 32, 224, 224), (32, 32, 3, 3), "stride 1, band packing of grad_out",
             padding=1),
        conv(I, (2, 3, 112, 112), (64, 3, 7, 7), "7x7 stride 2 3->64 (M=3: mr2 / mr)", stride=2,
             padding=3),
        conv(I, (64, 16, 28, 28), (16, 16, 3, 3), "stride 2, many images: private packing, "
             "4 passes", stride=2, padding=1),
        conv(I, (8, 256, 28, 28), (64, 256, 1, 1), "1x1 in place, stream_out (6.4 MB out)",
             quick=True),
        conv(I, (1, 512, 14, 14), (512, 512, 3, 3), "kvec + kbjob (512-ch 14x14 x1)", padding=1),
        conv(I, (4, 64, 7, 7), (64, 64, 3, 3), "kvec folded (one class)", padding=1),
        conv(I, (4, 32, 24, 24), (32, 8, 3, 3), "groups 4, stride 2", stride=2, padding=1,
             groups=4),
        conv(I, (4, 16, 3000), (24, 16, 5), "1-D stride 3", stride=3, padding=2),
        conv(I, (2, 8, 10, 12, 14), (16, 8, 3, 3, 3), "3-D stride 2, asymmetric padding",
             stride=2, padding=((1, 0), (0, 2), (1, 1))),
        conv(I, (4, 16, 20, 20), (24, 16, 3, 3), "NaN weight: direct scatter", stride=2, padding=1,
             poison=(7, float("nan")), quick=True),
        conv(I, (4, 8, 16, 16), (8, 8, 3, 3), "Inf weight: direct scatter, flip", padding=1,
             poison=(40, float("inf")), flip=True),
    ]
    # ---- backward-weight: dot (pixel-vectorised), chunk-major, block-major
    c += [
        conv(W, (8, 8, 28, 28), (3, 8, 3, 3), "dot: Kg < wk (every ISA), N >= 4", padding=1,
             quick=True),
        conv(W, (8, 8, 28, 28), (16, 8, 3, 3), "dot: Kg 16 < wk on AVX-512 float32 (chunk-major "
             "elsewhere)", padding=1),
        conv(W, (8, 8, 28, 28), (8, 8, 3, 3), "dot: Kg 8 < wk on AVX2 float32 and AVX-512",
             padding=1),
        conv(W, (4, 3, 56, 56), (64, 3, 3, 3), "dot: CT <= 48 (27)", padding=1),
        conv(W, (8, 32, 28, 28), (32, 1, 3, 3), "dot, Kg == 1 (depthwise, wgd1)", padding=1,
             groups=32, quick=True),
        conv(W, (8, 512, 14, 14), (512, 16, 3, 3), "32 groups 16->16: dot with partials capped "
             "(one run) on AVX-512 float32, block-major elsewhere", padding=1, groups=32),
        conv(W, (8, 320, 14, 14), (4096, 5, 3, 3), "dot (CT 45), 64 groups 5->64: partials "
             "capped on every ISA", padding=1, groups=64, quick=True),
        conv(W, (8, 40, 14, 14), (16, 40, 1, 1), "dot (CT 40), x in place (1x1)"),
        conv(W, (2, 64, 56, 56), (64, 64, 3, 3), "chunk-major (small accumulator), wide tile, "
             "row chunks", padding=1, quick=True),
        conv(W, (2, 16, 28, 28), (8, 16, 3, 3), "chunk-major, narrow tile (Kg 8, N < 4)",
             padding=1),
        conv(W, (2, 16, 28, 28), (3, 16, 3, 3), "chunk-major, narrow tile (Kg 3)", padding=1),
        conv(W, (2, 16, 32, 32), (2, 16, 3, 3), "chunk-major, narrow tile (Kg 2: every ISA)",
             padding=1, quick=True),
        conv(W, (2, 16, 112, 112), (32, 16, 3, 3), "chunk-major, row chunks on every ISA",
             padding=1, quick=True),
        conv(W, (4, 256, 28, 28), (64, 256, 1, 1), "chunk-major, x in place (1x1 256->64)"),
        conv(W, (6, 32, 30, 30), (48, 32, 3, 3), "chunk-major, stride 2, Kg 48 (wide tile on "
             "AVX-512 float32)", stride=2,
             padding=1),
        conv(W, (2, 128, 28, 28), (128, 128, 3, 3), "block-major (large accumulator), rounds",
             padding=1, quick=True),
        conv(W, (1, 512, 28, 28), (256, 512, 1, 1), "block-major, x in place"),
        conv(W, (3, 96, 20, 20), (80, 96, 3, 3), "block-major, Kg 80 (padded k block), flip",
             padding=1, flip=True),
        conv(W, (2, 1024, 16, 16), (8, 1024, 3, 3), "block-major, narrow tile (N < 4)",
             padding=1),
        conv(W, (4, 64, 8000), (128, 64, 5), "chunk-major, long 1-D rows: column chunks (AVX-512)",
             stride=2),
        conv(W, (2, 128, 8000), (128, 128, 5), "block-major, long 1-D rows: column chunks "
             "(AVX-512)", stride=2, padding=2),
        conv(W, (2, 32, 26000), (32, 32, 5), "chunk-major, column chunks on every ISA",
             quick=True),
        conv(W, (1, 64, 12400), (128, 64, 9), "block-major, column chunks on every ISA",
             padding=4),
        conv(W, (4, 32, 24, 24), (32, 8, 3, 3), "groups 4, dilation 2", padding=2, dilation=2,
             groups=4),
        conv(W, (2, 8, 10, 12, 14), (16, 8, 3, 3, 3), "3-D, asymmetric padding",
             padding=((1, 0), (0, 2), (1, 1))),
        conv(W, (4, 16, 3000), (24, 16, 5), "1-D stride 3, flip", stride=3, padding=2,
             flip=True),
        conv(W, (2, 3, 112, 112), (64, 3, 7, 7), "7x7 stride 2 3->64 (N < 4: not dot)",
             stride=2, padding=3),
    ]
    # ---- bias gradient
    c += [bias_case((16, 64, 28, 28), "bias: 8 lanes, N*plane terms", quick=True),
          bias_case((1600, 64, 7), "bias: 1-D, plane < 8")]
    # ---- single-array functions
    c += [
        single("correlate", (100000,), (31,), "full", "1-D on the engine (M==1), packed",
               quick=True),
        single("correlate", (100000,), (31,), "same", "1-D same"),
        single("correlate", (100000,), (31,), "valid", "1-D valid: identity geometry, in place"),
        single("correlate", (31,), (100000,), "valid", "1-D valid, in2 larger: swap + reverse",
               quick=True),
        single("convolve", (100000,), (32,), "full", "1-D convolve, even kernel"),
        single("convolve", (100000,), (32,), "same", "1-D convolve same, even kernel"),
        single("convolve", (32,), (100000,), "valid", "1-D convolve valid, swap (no reverse)"),
        single("correlate", (300, 257), (5, 4), "full", "2-D multi-row tiles, border windows",
               quick=True),
        single("correlate", (300, 257), (5, 4), "same", "2-D same"),
        single("correlate", (300, 257), (12, 3), "valid", "2-D kernel taller than 8 rows "
               "(row chunks)", quick=True),
        single("correlate", (12, 3), (300, 257), "valid", "2-D valid, in2 larger: swap + reverse"),
        single("convolve", (300, 257), (10, 7), "full", "2-D convolve, row chunks"),
        single("convolve", (300, 257), (4, 4), "same", "2-D convolve same, even kernel"),
        single("correlate", (20, 30, 40), (3, 4, 5), "full", "3-D", quick=True),
        single("correlate", (20, 30, 40), (3, 4, 5), "same", "3-D same"),
        single("convolve", (20, 30, 40), (3, 9, 5), "valid", "3-D valid, kernel of 9 rows"),
        single("convolve", (3, 4, 5), (20, 30, 40), "valid", "3-D valid, swap"),
    ]
    for fname in ("correlate2d", "convolve2d"):
        for boundary in ("fill", "wrap", "symm"):
            for mode in ("full", "same", "valid"):
                c.append(single(fname, (211, 150), (6, 5), mode, f"2-D boundary {boundary}",
                                boundary=boundary,
                                quick=mode == "same" and fname == "correlate2d"))
        c.append(single(fname, (211, 150), (6, 5), "same", "2-D fill with a nonzero value",
                        boundary="fill", fillvalue=1.5, quick=fname == "convolve2d"))
        c.append(single(fname, (80, 66), (11, 9), "full", "2-D kernel taller than 8, symm",
                        boundary="symm"))
        c.append(single(fname, (80, 66), (9, 12), "same", "2-D wrap, kernel taller than 8",
                        boundary="wrap"))
    c += movement_cases()
    c += sweep(60)
    names = [x.name for x in c]
    assert len(names) == len(set(names)), "duplicate case names"
    return c


# ---------------------------------------------------------------- running

def _digest(arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(str(a.dtype).encode() + str(a.shape).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def run(quick, verbose):
    cfg = fc.config()
    isas = list(cfg["isa_supported"])
    default_isa = cfg["isa"]
    selected = [x for x in cases() if x.quick or not quick]
    records, mismatches, times = {}, [], []
    t_start = time.perf_counter()
    try:
        for case in selected:
            t0 = time.perf_counter()
            case_isas = isas if case.threaded else [default_isa]
            for dtype in DTYPES:
                fn, inputs = case.make(np.dtype(dtype))
                in_digest = _digest(inputs)
                for isa in case_isas:
                    fc.set_isa(isa)
                    hashes = {}
                    for nt in (THREADS if case.threaded else (None,)):
                        try:
                            y = fn(nt)
                            h = hashlib.sha256(np.ascontiguousarray(y).tobytes()).hexdigest()
                            dt_, shape = str(y.dtype), list(y.shape)
                        except Exception as exc:  # recorded, so that --compare shows it
                            h, dt_, shape = f"error: {type(exc).__name__}: {exc}", None, None
                            print(f"ERROR {case.name} | {dtype} {isa} t{nt}: {h}", flush=True)
                        if case.threaded:
                            key = f"{case.name} | {dtype} {isa} t{nt}"
                        else:
                            key = f"{case.name} | {dtype}"
                        records[key] = {"sha256": h, "dtype": dt_, "shape": shape,
                                        "inputs": in_digest, "why": case.why,
                                        "threads_used": case.threads_used(nt) if nt else 1}
                        hashes[nt] = h
                    if case.threaded and len(set(hashes.values())) > 1:
                        m = {"case": case.name, "dtype": dtype, "isa": isa,
                             "threads_used": [case.threads_used(nt) for nt in THREADS]}
                        m.update({f"t{nt}": h for nt, h in hashes.items()})
                        mismatches.append(m)
                        print(f"THREADS DIFFER: {case.name} | {dtype} {isa}", flush=True)
            dt = time.perf_counter() - t0
            times.append((dt, case.name))
            if verbose:
                print(f"{dt:7.2f} s  {case.name}", flush=True)
    finally:
        fc.set_isa(default_isa)
    total = time.perf_counter() - t_start
    meta = {"fastconv_version": cfg.get("version"), "fastconv_file": fc.__file__,
            "config": cfg, "numpy": np.__version__, "python": platform.python_version(),
            "machine": platform.machine(), "quick": quick, "isas": isas, "threads": list(THREADS),
            "dtypes": list(DTYPES), "cases": len(selected), "records": len(records),
            "seconds": round(total, 1)}
    result = {"format": FORMAT, "meta": meta, "cases": records, "thread_mismatches": mismatches}
    return result, times


def compare(path_a, path_b):
    with open(path_a) as f:
        a = json.load(f)
    with open(path_b) as f:
        b = json.load(f)
    for d, p in ((a, path_a), (b, path_b)):
        if d.get("format") != FORMAT:
            print(f"{p}: not a {FORMAT} file (format {d.get('format')!r})")
            return 2
    ca, cb = a["cases"], b["cases"]
    ia, ib = a["meta"].get("isas"), b["meta"].get("isas")
    if ia != ib:
        print(f"note: ISAs differ: {path_a} {ia}, {path_b} {ib}")
    differ = [k for k in ca if k in cb and ca[k]["sha256"] != cb[k]["sha256"]]
    only_a = [k for k in ca if k not in cb]
    only_b = [k for k in cb if k not in ca]
    for k in differ:
        ra, rb = ca[k], cb[k]
        notes = []
        if ra["inputs"] != rb["inputs"]:
            notes.append("INPUTS differ too (the harness or numpy changed, not only the build)")
        if ra["dtype"] != rb["dtype"] or ra["shape"] != rb["shape"]:
            notes.append(f"{ra['dtype']}{ra['shape']} vs {rb['dtype']}{rb['shape']}")
        print(f"DIFFER  {k}" + ("  [" + "; ".join(notes) + "]" if notes else ""))
    for k in only_a:
        print(f"MISSING from {path_b}: {k}")
    for k in only_b:
        print(f"MISSING from {path_a}: {k}")
    for d, p in ((a, path_a), (b, path_b)):
        for m in d.get("thread_mismatches", []):
            print(f"note: {p} has 1 vs 2 threads differing: {m['case']} | {m['dtype']} {m['isa']}")
    same = sum(1 for k in ca if k in cb) - len(differ)
    print(f"{same} same, {len(differ)} differ, {len(only_a)} only in {path_a}, "
          f"{len(only_b)} only in {path_b}")
    if differ:
        return 1
    return 2 if only_a or only_b else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", metavar="FILE.json", help="run the cases and write their hashes")
    g.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"),
                   help="compare two files written by --out")
    g.add_argument("--list", action="store_true", help="print the case names and exit")
    ap.add_argument("--quick", action="store_true", help="the quick subset only")
    ap.add_argument("--verbose", action="store_true", help="print each case's time")
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.list:
        for x in cases():
            if x.quick or not args.quick:
                print(f"{'Q' if x.quick else ' '} {x.name}    # {x.why}")
        return 0
    result, times = run(args.quick, args.verbose)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    meta = result["meta"]
    print(f"{meta['cases']} cases, {meta['records']} records, ISAs {', '.join(meta['isas'])}, "
          f"{meta['seconds']} s -> {args.out}")
    slow = sorted(times, reverse=True)[:5]
    print("slowest: " + "; ".join(f"{' '.join(n.split(' ')[:2])} {t:.1f} s" for t, n in slow))
    errors = [k for k, r in result["cases"].items() if r["sha256"].startswith("error")]
    if errors:
        print(f"{len(errors)} call(s) raised (recorded as errors)")
    mm = result["thread_mismatches"]
    if mm:
        print(f"{len(mm)} case(s) where 1 and 2 threads differ (a bug):")
        for m in mm:
            print(f"  {m['case']} | {m['dtype']} {m['isa']}")
        return 1
    print("1 and 2 threads gave the same bits in every case")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
