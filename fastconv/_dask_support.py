"""The machinery of :mod:`fastconv.dask`: input checks, chunks fitted to a filter's depth,
overlapped windows, the thread count of a task and the fixed-tree reduction.

Every public function of fastconv.dask is built from three pieces:

* ``_fit_chunks``: the chunks of each overlapped axis merged with their neighbours until
  each holds at least the depth (a block's strips come from its immediate neighbours
  only, the limit dask's own overlap has too: dask #6688), so a depth longer than the
  whole axis makes that axis one chunk;
* ``map_windows``: one task per block that runs the in-memory fastconv function on the
  block and its neighbours' depth-wide strips (periodic for the wrapping modes), without
  copying the overlapped window where the output keeps the block's shape
  (``_dask_halo``).  Where a block touches the array's true edge, the in-memory
  function's own mode/boundary extends it there, exactly as on the whole array;
* ``task_threads``: the thread count each task gives fastconv (see its docstring).
"""
from __future__ import annotations

import math
import threading
import time
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

import dask
import dask.array as da
from dask.system import CPU_COUNT

__all__: List[str] = []


# ---------------------------------------------------------------- checks

def dask_input(fname: str, name: str, x: Any) -> da.Array:
    """x itself if it is a dask array with known chunk sizes."""
    if not isinstance(x, da.Array):
        raise TypeError(f"{fname}: {name} must be a dask.array.Array, got {type(x).__name__} "
                        f"(wrap in-memory data with dask.array.from_array, or call the "
                        f"in-memory fastconv function on it)")
    if any(math.isnan(c) for cs in x.chunks for c in cs):
        raise ValueError(f"{fname}: {name} has unknown chunk sizes (NaN), got chunks "
                         f"{x.chunks}; call {name}.compute_chunk_sizes() first")
    return x


def in_memory(fname: str, name: str, a: Any) -> np.ndarray:
    """A small operand (weights, kernels, bias) as a NumPy array; a dask one is computed."""
    if isinstance(a, da.Array):
        a = a.compute()
    return np.asarray(a)


def out_dtype(fname: str, output: Any) -> Any:
    """ndimage's ``output`` on a dask array: None or a dtype (an array cannot be written
    lazily)."""
    if output is None or isinstance(output, (type, np.dtype, str)):
        return output
    raise TypeError(f"{fname}: output must be None or a dtype for a dask input (the result is "
                    f"a new lazy array), got {type(output).__name__}")


def per_axis(value: Any, n: int) -> List[Any]:
    """A scalar repeated n times, or the (already validated) sequence as a list."""
    if not isinstance(value, str) and np.iterable(value):
        return list(value)
    return [value] * n


# ---------------------------------------------------------------- chunks

def fit_axis(chunks: Sequence[int], need: int, need_last: int = 0) -> Tuple[int, ...]:
    """One axis' chunks, neighbours merged in order until each holds >= need elements and
    the last >= need_last; a single chunk when the axis is shorter.

    (5, 1, 5, 2) with need 3 -> (5, 8): 5 stays, 1+5 = 6 >= 3, the short tail 2 joins it.
    """
    chunks = tuple(int(c) for c in chunks)
    if len(chunks) <= 1 or (min(chunks) >= need and chunks[-1] >= need_last):
        return chunks
    out: List[int] = []
    acc = 0
    for c in chunks:
        acc += c
        if acc >= need:
            out.append(acc)
            acc = 0
    if acc:
        if out:
            out[-1] += acc
        else:
            out.append(acc)
    if len(out) > 1 and out[-1] < need_last:
        last = out.pop()
        out[-1] += last
    return tuple(out)


def fit_chunks(x: da.Array, depth: Sequence[int], need_last: Optional[Sequence[int]] = None
               ) -> Tuple[da.Array, List[int]]:
    """x rechunked so that every overlapped axis' chunks hold the depth, and the depths
    that remain (0 on an axis that is one chunk: the in-memory mode sees all of it)."""
    need_last = need_last or [0] * x.ndim
    chunks = tuple(fit_axis(c, d, nl) for c, d, nl in zip(x.chunks, depth, need_last))
    if chunks != x.chunks:
        x = x.rechunk(chunks)
    return x, [d if len(c) > 1 else 0 for c, d in zip(x.chunks, depth)]


def _starts(chunks: Sequence[int]) -> List[int]:
    return [0] + list(np.cumsum(chunks[:-1], dtype=np.int64).tolist())


# ---------------------------------------------------------------- windows

BlockFn = Callable[[np.ndarray, Tuple[int, ...], Tuple[int, ...], Tuple[int, ...], int], Any]
WholeFn = Callable[[np.ndarray, int], np.ndarray]


def _plain_task(b: np.ndarray, block: BlockFn, whole: Optional[WholeFn],
                in_starts: Tuple[List[int], ...], out_starts: Tuple[List[int], ...],
                out_chunks: Tuple[Tuple[int, ...], ...], num_threads: Optional[int],
                block_id: Tuple[int, ...] = ()) -> Any:
    """One output block of a call that needs no neighbours (depth 0 everywhere)."""
    nt = task_threads(num_threads)
    if whole is not None:
        return whole(b, nt)
    w0 = tuple(in_starts[a][j] for a, j in enumerate(block_id))
    o0 = tuple(out_starts[a][j] for a, j in enumerate(block_id))
    o1 = tuple(o + out_chunks[a][j] for a, (o, j) in enumerate(zip(o0, block_id)))
    return block(b, w0, o0, o1, nt)


def map_windows(x: da.Array, depth: Sequence[int], periodic: Sequence[bool], block: BlockFn,
                out_chunks: Sequence[Tuple[int, ...]], dtype: Any,
                num_threads: Optional[int], whole: Optional[WholeFn] = None) -> da.Array:
    """The lazy result whose block j holds outputs [o0, o1) (out_chunks' block j) of
    ``block(window, w0, o0, o1, threads)`` on the window starting at w0: x's block j with
    `depth` more elements of its neighbours on each side (fewer at the array's ends,
    except on periodic axes, where they come from the other end).  With `whole`, whose
    ``whole(b, threads)`` is the filter of block b alone (exact away from b's edges, of
    b's shape), the window is never built (``_dask_halo``): whole on the block, then
    block on thin buffers for the bands near the edges that have neighbours."""
    depth = tuple(int(d) for d in depth)
    periodic = tuple(bool(p) and d > 0 for p, d in zip(periodic, depth))
    out_chunks = tuple(tuple(int(c) for c in cs) for cs in out_chunks)
    if not any(depth):
        return da.map_blocks(
            _plain_task, x, block=block, whole=whole,
            in_starts=tuple(_starts(c) for c in x.chunks),
            out_starts=tuple(_starts(c) for c in out_chunks), out_chunks=out_chunks,
            num_threads=num_threads, chunks=out_chunks, dtype=dtype,
            meta=np.empty((0,) * x.ndim, dtype=dtype))
    from ._dask_halo import halo_map
    return halo_map(x, depth, periodic, block, whole, out_chunks, dtype,
                    partial(task_threads, num_threads))


# ---------------------------------------------------------------- threads

_HOST_SLOTS: Dict[str, Tuple[float, int]] = {}
_HOST_TTL = 30.0   # seconds a worker trusts its count of the host's task slots
_OMP: Any = None
_OMP_LOCK = threading.Lock()


def _host_slots(worker: Any) -> int:
    """Task slots (threads) of every dask.distributed worker on this worker's host, from
    the scheduler (cached for _HOST_TTL); this worker's own if the scheduler cannot say."""
    now = time.monotonic()
    hit = _HOST_SLOTS.get(worker.address)
    if hit is not None and now - hit[0] < _HOST_TTL:
        return hit[1]
    slots = 0
    try:
        from distributed import get_client
        info = get_client().scheduler_info(n_workers=-1)
        host = info["workers"][worker.address]["host"]
        slots = sum(int(v["nthreads"]) for v in info["workers"].values() if v["host"] == host)
    except Exception:   # an old scheduler, a worker not (yet) listed: its own count
        slots = 0
    slots = max(slots, int(worker.state.nthreads), 1)
    _HOST_SLOTS[worker.address] = (now, slots)
    return slots


def task_slots() -> int:
    """How many tasks may run at once on the cores this task runs on."""
    try:
        from distributed import get_worker
        worker = get_worker()
    except (ImportError, ValueError):
        worker = None
    if worker is not None:
        return _host_slots(worker)
    me = threading.current_thread()
    if me is threading.main_thread():
        return 1          # the synchronous scheduler, or a direct call
    # dask's threaded scheduler: its pool size from the configuration (a num_workers=
    # given to compute() is not visible from the task), default CPU_COUNT threads
    pool = dask.config.get("pool", None)
    n = getattr(pool, "_max_workers", None) or dask.config.get("num_workers", None)
    return max(1, int(n or CPU_COUNT))


def task_threads(num_threads: Optional[int]) -> int:
    """Threads one task gives fastconv: `num_threads` if the caller set it, else
    ``max(1, CPU_COUNT // slots)`` where slots is the number of tasks that can run at once
    on those CPUs (every worker thread on the host under dask.distributed, the pool's
    threads under the threaded scheduler, 1 under the synchronous one)."""
    if num_threads is not None:
        return int(num_threads)
    return max(1, int(CPU_COUNT) // task_slots())


def omp_limit(n: int) -> Any:
    """A context manager giving this thread's OpenMP calls n threads (OpenMP's
    nthreads-var is per thread, so concurrent tasks do not see each other's limit); for
    the ndimage filters, which take no num_threads."""
    global _OMP
    with _OMP_LOCK:
        if _OMP is None:
            from threadpoolctl import ThreadpoolController
            _OMP = ThreadpoolController().select(user_api="openmp")
    return _OMP.limit(limits=n)


# ---------------------------------------------------------------- reductions

def _add64(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.add(a, b, dtype=np.float64)


def _cast(a: np.ndarray, dtype: Any) -> np.ndarray:
    return a.astype(dtype)


def tree_sum(parts: List[Any], shape: Tuple[int, ...], dtype: Any) -> da.Array:
    """sum(parts) as a lazy array, added in float64 along a fixed binary tree: level by
    level, part 2i + part 2i+1 (an odd last part goes up unchanged), then cast to dtype.
    Each addition is its own task with fixed operands, so the bits depend on the number
    of parts only, never on workers, scheduler or the order tasks finish.

    5 parts: ((p0+p1) + (p2+p3)) + p4.
    """
    add = dask.delayed(_add64, pure=True)
    level = list(parts)
    if len(level) == 1:
        level = [dask.delayed(_cast, pure=True)(level[0], np.float64)]
    while len(level) > 1:
        nxt = [add(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    root = dask.delayed(_cast, pure=True)(level[0], dtype)
    return da.from_delayed(root, shape=shape, dtype=dtype)
