"""fastconv's scipy.signal-style correlate/convolve (1-D to 3-D) and correlate2d/convolve2d
on dask arrays (re-exported by :mod:`fastconv.dask`).

Per axis, with k = in2's length, an output position o reads ``p = o + shift`` of the
"full" correlation, and full[p] reads in1[p - (k-1) .. p]: shift is 0 ("full"), k - 1
("valid"), and for "same" (k-1)//2, except correlate2d's k//2 (SciPy centres it so; k = 4:
correlate's same[o] reads in1[o-2 .. o+1], correlate2d's in1[o-1 .. o+2]).  Output block
j covers input chunk j's positions, the last one grown by k - 1 ("full") or shrunk by
k - 1 ("valid"); its window needs max(k - 1 - shift, shift) neighbours per side.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import _signal
from ._plan import explain
from ._arrays import _threads
from ._dask_docs import docstring
from ._dask_support import dask_input, fit_chunks, in_memory, map_windows

__all__ = ["signal_correlate", "signal_convolve", "correlate2d", "convolve2d"]


def _block(w: np.ndarray, w0: Tuple[int, ...], o0: Tuple[int, ...], o1: Tuple[int, ...],
           nt: int, *, fn: Any, in2: np.ndarray, shift: Tuple[int, ...], kw: Any) -> np.ndarray:
    """Outputs [o0, o1) from the window starting at w0: a "valid" correlation of the
    exact input range they read when the window holds it all, else (a true edge, where
    the boundary rule supplies the rest) the "full" one of what it holds, cut."""
    cut, c0, inside = [], [], True
    for a in range(w.ndim):
        k = in2.shape[a]
        lo, hi = o0[a] + shift[a] - (k - 1), o1[a] + shift[a]   # in1[lo:hi] is read
        l2, h2 = max(lo, w0[a]), min(hi, w0[a] + w.shape[a])
        inside &= (l2, h2) == (lo, hi)
        cut.append(slice(l2 - w0[a], h2 - w0[a]))
        c0.append(l2)
    win = w[tuple(cut)]
    if inside:
        return _call(fn, win, in2, "valid", nt, kw)
    full = _call(fn, win, in2, "full", nt, kw)   # full[r] is p = c0 + r
    return full[tuple(slice(o0[a] + shift[a] - c0[a], o1[a] + shift[a] - c0[a])
                      for a in range(w.ndim))]


def _same(b: np.ndarray, nt: int, *, fn: Any, in2: np.ndarray, kw: Any) -> np.ndarray:
    """The "same" call on one block alone (exact away from its edges)."""
    return _call(fn, b, in2, "same", nt, kw)


_PLANNED: Dict[Any, bool] = {}   # (function, shapes, dtypes, mode, kw, threads) -> FFT?


def _finite(a: np.ndarray) -> bool:
    """No NaN or Inf in `a`: its min and max are finite (NaN propagates through both, an
    infinity is one of them); no temporary, 0.42 ms for 2000^2 float32 against 0.60 ms
    for np.isfinite(a).all() on warm memory."""
    return a.size == 0 or bool(np.isfinite(a.min()) and np.isfinite(a.max()))


def _call(fn: Any, a: np.ndarray, in2: np.ndarray, mode: str, nt: int, kw: Any) -> np.ndarray:
    """fn(a, in2, mode), method "auto" resolved here as the call would resolve it: the
    plan's choice for these shapes (the FFT or direct), direct if `a` or `in2` holds a NaN
    or Inf.  The call's own check scans with ``np.isfinite(a).all()``, whose temporary (a
    bool per element: 4 MB for a 2000^2 block) is fresh memory in every task of a
    dask.distributed worker (its malloc returns freed memory to the OS at once:
    MALLOC_TRIM_THRESHOLD_), 1500 page faults and 3-9 ms of a 20 ms 15x15 task.  Here:
    the plan once per shape (on zeros), then ``_finite``."""
    if kw.get("method") != "auto" or a.dtype.kind != "f" or in2.dtype.kind != "f":
        return fn(a, in2, mode, num_threads=nt, **kw)
    key = (fn, a.shape, a.dtype.str, in2.shape, in2.dtype.str, mode, nt,
           tuple(sorted((k, str(v)) for k, v in kw.items())))
    fft = _PLANNED.get(key)
    if fft is None:
        if len(_PLANNED) > 4096:   # shapes of many different calls: start again
            _PLANNED.clear()
        plan = explain(fn, np.zeros(a.shape, a.dtype), np.zeros(in2.shape, in2.dtype), mode,
                       num_threads=nt, **kw)
        fft = _PLANNED[key] = plan.get("algorithm") == "fft"
    if fft and not (_finite(a) and _finite(in2)):
        fft = False
    return fn(a, in2, mode, num_threads=nt, **dict(kw, method="fft" if fft else "direct"))


def _run(fname: str, in1: Any, in2: Any, mode: str, kw: Any, two_d: bool,
         num_threads: Optional[int]) -> Any:
    x = dask_input(fname, "in1", in1)
    b = in_memory(fname, "in2", in2)
    _threads(fname, num_threads)
    fn = getattr(_signal, fname.replace("signal_", ""))
    # the in-memory function checks every argument on a probe of in1's dtype (in1's own
    # shape when it is empty, so that its error is the in-memory one)
    if x.size == 0 or b.ndim != x.ndim:   # a zero-stride view of in1's shape: no memory
        probe = fn(np.broadcast_to(np.zeros((), x.dtype), x.shape), b, mode, **kw)
    else:
        probe = fn(np.zeros(tuple(max(k, 1) for k in b.shape), x.dtype), b, mode, **kw)
    if mode == "valid" and any(k > n for k, n in zip(b.shape, x.shape)):
        raise ValueError(f"{fname}: in2 must not be longer than in1 along any axis in mode "
                         f"'valid' on a dask array (SciPy swaps the inputs then; compute that "
                         f"in memory), got shapes {x.shape} and {b.shape}")
    ks = b.shape
    if mode == "full":
        shift = [0] * x.ndim
    elif mode == "valid":
        shift = [k - 1 for k in ks]
    else:
        shift = [k // 2 if fname == "correlate2d" else (k - 1) // 2 for k in ks]
    depth = [max(k - 1 - s, s) for k, s in zip(ks, shift)]
    x, depth = fit_chunks(x, depth, [k if mode == "valid" else 0 for k in ks])
    grow = {"full": 1, "same": 0, "valid": -1}[mode]
    out_chunks: List[Tuple[int, ...]] = [
        c[:-1] + (c[-1] + grow * (k - 1),) for c, k in zip(x.chunks, ks)]
    periodic = [kw.get("boundary") in ("wrap", "circular")] * x.ndim
    block = partial(_block, fn=fn, in2=b, shift=tuple(shift), kw=kw)
    # "same" keeps the block's shape: the block alone gives all but its edge bands
    whole = partial(_same, fn=fn, in2=b, kw=kw) if mode == "same" else None
    return map_windows(x, depth, periodic, block, out_chunks, probe.dtype, num_threads, whole)


_RET = """dask.array.Array
    Lazy, of the in-memory function's shape: per axis n1 + n2 - 1 ("full"), n1 ("same")
    or n1 - n2 + 1 ("valid"); in1's chunks with the last one changed by that difference."""
_RAISES = """TypeError
    `in1` not a dask array; otherwise as the in-memory function.
ValueError
    `in1` with unknown (NaN) chunk sizes; `in2` longer than `in1` along an axis in
    "valid" mode; otherwise as the in-memory function (checked when the lazy array is
    built)."""


def _ex(call: str, ref: str, shape: str) -> str:
    return f""">>> import numpy as np
>>> import dask.array as da
>>> import fastconv
>>> from fastconv import dask as fcd
>>> rng = np.random.default_rng(0)
>>> a, k = rng.random((30, 20)), rng.random((4, 3))
>>> x = da.from_array(a, chunks=8)
>>> y = {call}
>>> y.shape, y.chunks[0]
({shape})
>>> np.allclose(y.compute(), {ref})
True"""


@docstring("N-d correlation of a dask array with an in-memory kernel, as "
           ":func:`fastconv.correlate`.",
           ["in1", "in2", "smode", "num_threads", "method"], _RET, _RAISES,
           _ex("fcd.signal_correlate(x, k, 'full')", "fastconv.correlate(a, k, 'full')",
               "(33, 22), (8, 8, 8, 9)"))
def signal_correlate(in1: Any, in2: Any, mode: str = "full", *,
                     num_threads: Optional[int] = None, method: str = "auto") -> Any:
    return _run("signal_correlate", in1, in2, mode, dict(method=method), False, num_threads)


@docstring("N-d convolution of a dask array with an in-memory kernel, as "
           ":func:`fastconv.convolve`.",
           ["in1", "in2", "smode", "num_threads", "method"], _RET, _RAISES,
           _ex("fcd.signal_convolve(x, k, 'valid')", "fastconv.convolve(a, k, 'valid')",
               "(27, 18), (8, 8, 8, 3)"))
def signal_convolve(in1: Any, in2: Any, mode: str = "full", *,
                    num_threads: Optional[int] = None, method: str = "auto") -> Any:
    return _run("signal_convolve", in1, in2, mode, dict(method=method), False, num_threads)


@docstring("2-D correlation of a dask array with an in-memory kernel, as "
           ":func:`fastconv.correlate2d`.",
           ["in1", "in2", "smode", "boundary", "fillvalue", "num_threads", "method"], _RET, _RAISES,
           _ex("fcd.correlate2d(x, k, 'same', boundary='wrap')",
               "fastconv.correlate2d(a, k, 'same', boundary='wrap')", "(30, 20), (8, 8, 8, 6)"))
def correlate2d(in1: Any, in2: Any, mode: str = "full", boundary: str = "fill",
                fillvalue: float = 0, *, num_threads: Optional[int] = None,
                method: str = "auto") -> Any:
    return _run("correlate2d", in1, in2, mode,
                dict(boundary=boundary, fillvalue=fillvalue, method=method), True, num_threads)


@docstring("2-D convolution of a dask array with an in-memory kernel, as "
           ":func:`fastconv.convolve2d`.",
           ["in1", "in2", "smode", "boundary", "fillvalue", "num_threads", "method"], _RET, _RAISES,
           _ex("fcd.convolve2d(x, k, 'full', boundary='symm')",
               "fastconv.convolve2d(a, k, 'full', boundary='symm')", "(33, 22), (8, 8, 8, 9)"))
def convolve2d(in1: Any, in2: Any, mode: str = "full", boundary: str = "fill",
               fillvalue: float = 0, *, num_threads: Optional[int] = None,
               method: str = "auto") -> Any:
    return _run("convolve2d", in1, in2, mode,
                dict(boundary=boundary, fillvalue=fillvalue, method=method), True, num_threads)
