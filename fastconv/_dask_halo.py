"""Overlapped blocks without dask's overlap copy: the graph behind ``map_windows``.

``dask.array.overlap.overlap`` gives each task a *window*: its block concatenated with
its neighbours' strips, a fresh copy of the whole block (16 MB for a 2000^2 float32
block, a quarter of a sigma-3 Gaussian's task time) made by one task per strip plus
one per window.  Here the graph is built directly, two tasks per block:

* ``_edges(block)``: the thin pieces of one block its neighbours read (per neighbour
  offset e, the last/first ``depth`` elements along each axis where e is -1/+1, all of
  it where e is 0), copied so they travel alone (a few hundred KB, not the block);
* ``_halo(block, neighbours' edges)``: the block's result, computed

  1. on the block itself, in place (``whole``): exact wherever an output reads inputs
     of this block only, or of the array's true edge (the in-memory mode extends it);
  2. then, per overlapped axis and side that has a neighbour, a *band* of ``depth``
     outputs recomputed by ``block`` from a small buffer assembled from the block and
     the neighbours' pieces (3 x depth wide along the axis, the whole window across),
     written over the block's result.

  A 2000^2 block with depth 12 assembles four 36 x 2024 buffers (3.6% of the block)
  instead of one 2024^2 window.  Without a ``whole`` (an output block shaped unlike the
  input block: the signal functions' "full" and "valid") it assembles the window.

Every output reads inputs within ``depth`` of its own position (both sides), and each
output element is computed by the same in-memory kernel from the same inputs whatever
the buffer, so the bits are those of the window (and of the whole-array call where the
window's are).
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

import dask.array as da
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

from ._dask_support import _starts

__all__: List[str] = []

Offset = Tuple[int, ...]


def _offsets(depth: Sequence[int]) -> List[Offset]:
    """Every neighbour offset e in {-1, 0, 1}^N, nonzero only on overlapped axes, e != 0."""
    ranges = [(-1, 0, 1) if d else (0,) for d in depth]
    return [e for e in itertools.product(*ranges) if any(e)]


def _piece(shape: Sequence[int], e: Offset, depth: Sequence[int]) -> Tuple[slice, ...]:
    """The part of a block that its neighbour at -e reads: e = (-1, 0) (the block above)
    gives its last depth[0] rows, all columns."""
    return tuple(slice(n - d, n) if s < 0 else slice(0, d) if s > 0 else slice(0, n)
                 for n, s, d in zip(shape, e, depth))


def _edges(block: np.ndarray, offsets: List[Offset], depth: Tuple[int, ...]) -> List[Any]:
    """The pieces of `block` its neighbours read, one per offset, as small copies."""
    return [np.array(block[_piece(block.shape, e, depth)]) for e in offsets]


def _assemble(pieces: Dict[Offset, np.ndarray], n: Sequence[int], depth: Sequence[int],
              box: Sequence[Tuple[int, int]]) -> np.ndarray:
    """The window's box [b0, b1) per axis (coordinates relative to the block's start,
    negative in the neighbours before it) copied from the pieces it crosses."""
    first = pieces[(0,) * len(n)]
    buf = np.empty(tuple(b1 - b0 for b0, b1 in box), dtype=first.dtype)
    for e, p in pieces.items():
        src, dst = [], []
        for a, (s, (b0, b1)) in enumerate(zip(e, box)):
            lo = -depth[a] if s < 0 else n[a] if s > 0 else 0   # piece spans [lo, lo + len)
            i0, i1 = max(b0, lo), min(b1, lo + p.shape[a])
            if i0 >= i1:
                break
            src.append(slice(i0 - lo, i1 - lo))
            dst.append(slice(i0 - b0, i1 - b0))
        else:
            buf[tuple(dst)] = p[tuple(src)]
    return buf


def _band(d: int, n: int, last: bool) -> int:
    """Outputs a band recomputes along its axis: the depth d, except along the last axis,
    where the buffer's rows (wa + 2d) are made at least 64 elements and a multiple of 16:
    the in-memory filters run short or odd rows 2-3x slower per element (2024 x 36
    float32, sigma 3: 1.18 ms; 2024 x 64: 0.42 ms).  d = 12: 40 outputs, 64-wide rows."""
    if not last:
        return min(d, n)
    rows = max(64, -(-3 * d // 16) * 16)
    return min(n, max(d, rows - 2 * d))


def _halo(block: np.ndarray, edges: List[List[np.ndarray]], take: List[Tuple[int, int]],
          *, fn: Callable[..., Any], whole: Optional[Callable[..., Any]],
          depth: Tuple[int, ...], start: Tuple[int, ...], o_start: Tuple[int, ...],
          o_shape: Tuple[int, ...], threads: Callable[[], int]) -> np.ndarray:
    """One output block from its input block and the neighbours' edges: take[i] is
    (offset index, which edges list) of the piece at offsets[offset index]."""
    offsets = _offsets(depth)
    pieces: Dict[Offset, np.ndarray] = {(0,) * block.ndim: block}
    for (k, i) in take:
        pieces[offsets[k]] = edges[i][k]
    n = block.shape
    lo = [d if (tuple(-1 if b == a else 0 for b in range(block.ndim)) in pieces) else 0
          for a, d in enumerate(depth)]
    hi = [d if (tuple(1 if b == a else 0 for b in range(block.ndim)) in pieces) else 0
          for a, d in enumerate(depth)]
    nt = threads()
    o1 = tuple(o + s for o, s in zip(o_start, o_shape))
    if whole is None:          # the window, as dask's overlap would make it
        box = [(-lo[a], n[a] + hi[a]) for a in range(block.ndim)]
        w0 = tuple(s - l for s, l in zip(start, lo))
        return fn(_assemble(pieces, n, depth, box), w0, o_start, o1, nt)
    y = whole(block, nt)       # same shape as the block; its bands are redone below
    for a, d in enumerate(depth):
        wa = _band(d, n[a], a == block.ndim - 1)
        for side in (-1, 1):
            if not (lo[a] if side < 0 else hi[a]):
                continue
            # outputs [0, wa) (side -1) or [n - wa, n) (side +1) along a read inputs
            # [-d, wa + d) or [n - wa - d, n + d): buffer clipped to the window, whole across
            b0, b1 = (-d, min(wa + d, n[a] + hi[a])) if side < 0 else \
                (max(n[a] - wa - d, -lo[a]), n[a] + d)
            box = [(b0, b1) if b == a else (-lo[b], n[b] + hi[b]) for b in range(block.ndim)]
            r0 = [0] * block.ndim
            r1 = list(n)
            r0[a], r1[a] = (0, wa) if side < 0 else (n[a] - wa, n[a])
            band = fn(_assemble(pieces, n, depth, box),
                      tuple(s + b for s, (b, _) in zip(start, box)),
                      tuple(s + r for s, r in zip(start, r0)),
                      tuple(s + r for s, r in zip(start, r1)), nt)
            y[tuple(slice(p, q) for p, q in zip(r0, r1))] = band
    return y


def halo_map(x: da.Array, depth: Sequence[int], periodic: Sequence[bool], block: Any,
             whole: Optional[Callable[..., Any]], out_chunks: Sequence[Tuple[int, ...]],
             dtype: Any, threads: Callable[[], int]) -> da.Array:
    """The lazy result whose block j is block j of the filter (see the module docstring);
    every axis with depth > 0 has chunks of at least depth elements (``fit_chunks``)."""
    depth = tuple(int(d) for d in depth)
    offsets = _offsets(depth)
    token = tokenize(x, depth, periodic, block, whole, out_chunks, dtype, threads)
    ename, name = "fc-edges-" + token, "fc-halo-" + token
    nblocks = x.numblocks
    in_starts = [_starts(c) for c in x.chunks]
    out_starts = [_starts(c) for c in out_chunks]
    layer: Dict[Any, Any] = {}
    for j in itertools.product(*(range(nb) for nb in nblocks)):
        layer[(ename,) + j] = (_edges, (x.name,) + j, offsets, depth)
    for j in itertools.product(*(range(nb) for nb in nblocks)):
        keys: List[Any] = []
        take: List[Tuple[int, int]] = []
        for k, e in enumerate(offsets):
            m = []
            for a, s in enumerate(e):
                i = j[a] + s
                if periodic[a]:
                    i %= nblocks[a]
                elif not 0 <= i < nblocks[a]:
                    break
                m.append(i)
            else:
                key = (ename,) + tuple(m)
                if key not in keys:
                    keys.append(key)
                take.append((k, keys.index(key)))
        task = _HaloTask(block, whole, depth, tuple(in_starts[a][j[a]] for a in range(x.ndim)),
                         tuple(out_starts[a][j[a]] for a in range(x.ndim)),
                         tuple(out_chunks[a][j[a]] for a in range(x.ndim)), threads)
        layer[(name,) + j] = (task, (x.name,) + j, keys, take)
    deps: List[Any] = [x]      # (dask's stubs do not see an Array as a DaskCollection)
    graph = HighLevelGraph.from_collections(name, layer, dependencies=deps)
    return da.Array(graph, name, chunks=tuple(tuple(c) for c in out_chunks),
                    meta=np.empty((0,) * x.ndim, dtype=dtype))


class _HaloTask:
    """_halo with its fixed arguments (a picklable callable: one per output block)."""

    def __init__(self, fn: Any, whole: Any, depth: Tuple[int, ...], start: Tuple[int, ...],
                 o_start: Tuple[int, ...], o_shape: Tuple[int, ...], threads: Any) -> None:
        self.args = (fn, whole, depth, start, o_start, o_shape, threads)

    def __call__(self, block: np.ndarray, edges: List[Any], take: List[Tuple[int, int]]
                 ) -> np.ndarray:
        fn, whole, depth, start, o_start, o_shape, threads = self.args
        return _halo(block, edges, take, fn=fn, whole=whole, depth=depth, start=start,
                     o_start=o_start, o_shape=o_shape, threads=threads)
