"""fastconv on dask arrays: filters of images larger than memory, batches over a cluster.

``pip install "fastconv[dask]"``.  Every function builds a lazy :class:`dask.array.Array`
(nothing runs until ``compute``/``store``/``to_zarr``) whose tasks call the in-memory
fastconv function on one block; dask's scheduler (threaded, synchronous or
``dask.distributed``) runs them.  Arguments are checked when the lazy array is built.

* :mod:`fastconv.ndimage`'s filters (:func:`correlate`, :func:`convolve`,
  :func:`correlate1d`, :func:`convolve1d`, :func:`gaussian_filter`,
  :func:`gaussian_filter1d`, :func:`uniform_filter`, :func:`uniform_filter1d`,
  :func:`sobel`, :func:`prewitt`, :func:`laplace`), same signatures, each block with
  the depth it needs per axis (kernel half-width + ``|origin|``) of its neighbours.
  No overlapped window is copied (unlike ``dask.array.map_overlap``): a task filters
  its block in place, then recomputes the depth-wide bands next to its neighbours from
  small buffers of the block's edge and the neighbours' strips.  At the array's true
  edges the in-memory function's own mode extends the data, so 'reflect', 'mirror',
  'nearest' and 'constant' match the whole-array call; 'wrap' takes its extension
  from the other end of the array (periodic neighbours).  Chunks shorter than the depth
  are merged with neighbours (an axis shorter than the depth becomes one chunk: a depth
  larger than the array is therefore no error).
* :func:`fastconv.correlate`, :func:`fastconv.convolve`, :func:`fastconv.correlate2d`,
  :func:`fastconv.convolve2d` as :func:`signal_correlate`, :func:`signal_convolve`,
  :func:`correlate2d`, :func:`convolve2d`, every mode and boundary; "full" and "valid"
  grow or shrink the last chunk of each axis.
* The batched passes on arrays chunked along the batch axis: :func:`conv_forward`,
  :func:`conv_backward_input`, :func:`conv_backward_bias`, :func:`conv_backward_weight`
  (the last two sum per-chunk results along a fixed binary tree, in float64).

**Results.** Equal to the in-memory call on the whole array: each output element is
computed by the same kernel from the same inputs in the same order, and
``tests/test_dask.py`` finds the bits identical for every filter and mode, except
:func:`uniform_filter` and :func:`uniform_filter1d` (their running sums start at each
window's edge: float64 within 1e-12 relative) and the signal functions with
``method="auto"`` or ``"fft"`` (a block may take the FFT path where the whole array does
not; ``method="direct"`` keeps the bits).  The reductions add the chunks' partial sums
in a fixed tree: the same bits for a given chunking whatever the workers, scheduler or
task order, not the in-memory call's bits.

**Threads.** A task gives fastconv ``num_threads`` threads if given, else
``max(1, CPU_COUNT // slots)``: slots is the number of tasks that can run at once on
the same cores (under dask.distributed the threads of all workers on the host, asked of
the scheduler; under the threaded scheduler its configured pool size, the ``pool`` or
``num_workers`` of ``dask.config`` else CPU_COUNT, since a ``num_workers=`` given to
``compute()`` is not visible from a task; 1 under the synchronous one).  So a worker
running k tasks at once on k cores gives each one thread, and a single one-slot worker
gets every core.  Measured (benchmarks/ANALYSIS.md, 2 cores, 2000^2 blocks): 2
threads a task on two one-thread workers were no faster than the rule's 1 and took
20-35% more CPU; one block on 2 threads of an idle pair of cores runs 1.8-1.9x faster
than on 1, but a single one-slot worker's 2 threads lost on a loaded host, where the
second core was rarely free (pass ``num_threads=1`` there).  The ndimage filters get
it through OpenMP's per-thread limit (threadpoolctl), which
``fastconv.set_num_threads`` overrides.

**Bad input.** A non-dask `input`/`in1`/`x` raises TypeError (use the in-memory
function for in-memory data); unknown (NaN) chunk sizes and batch chunks of `x` and
`grad_out` that differ raise ValueError naming the argument.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Optional, Tuple

import numpy as np

try:
    import dask.array  # noqa: F401
except ImportError as exc:   # the optional extra is not installed
    raise ImportError("fastconv.dask needs dask: pip install \"fastconv[dask]\"") from exc

from . import ndimage as _ndi
from ._arrays import _threads
from ._dask_batched import (conv_backward_bias, conv_backward_input, conv_backward_weight,
                            conv_forward)
from ._dask_docs import RAISES_ND, docstring
from ._dask_signal import convolve2d, correlate2d, signal_convolve, signal_correlate
from ._dask_support import (dask_input, fit_chunks, in_memory, map_windows, omp_limit,
                            out_dtype, per_axis)
from ._ndimage_support import _axes

__all__ = [
    "correlate", "convolve", "correlate1d", "convolve1d", "gaussian_filter",
    "gaussian_filter1d", "uniform_filter", "uniform_filter1d", "sobel", "prewitt", "laplace",
    "signal_correlate", "signal_convolve", "correlate2d", "convolve2d",
    "conv_forward", "conv_backward_input", "conv_backward_weight", "conv_backward_bias",
]

_WRAP = ("wrap", "grid-wrap")
_RET = """dask.array.Array
    Lazy, of the input's shape and chunks (after merging chunks shorter than the depth)."""


def _nd_block(w: np.ndarray, w0: Tuple[int, ...], o0: Tuple[int, ...], o1: Tuple[int, ...],
              nt: int, *, fn: Any, args: Tuple[Any, ...], kw: Any) -> np.ndarray:
    """The in-memory filter on the window, cut to the block (window starts at w0)."""
    with omp_limit(nt):
        y = fn(w, *args, **kw)
    return y[tuple(slice(a - s, b - s) for a, b, s in zip(o0, o1, w0))]


def _nd_whole(b: np.ndarray, nt: int, *, fn: Any, args: Tuple[Any, ...], kw: Any) -> np.ndarray:
    """The in-memory filter on one block alone (exact away from its edges)."""
    with omp_limit(nt):
        return fn(b, *args, **kw)


def _run(fname: str, input: Any, args: Tuple[Any, ...], kw: Any, depth_of: Any,
         num_threads: Optional[int]) -> Any:
    """Check, validate through the in-memory function on a 1x..x1 probe (which also gives
    the result dtype), then map the windows; depth_of(ndim) -> (depths, periodic flags)."""
    x = dask_input(fname, "input", input)
    _threads(fname, num_threads)
    kw["output"] = out_dtype(fname, kw.get("output"))
    fn = getattr(_ndi, fname)
    probe = fn(np.zeros((1,) * x.ndim, x.dtype), *args, **kw)
    depth, periodic = depth_of(x.ndim)
    x, depth = fit_chunks(x, depth)
    block = partial(_nd_block, fn=fn, args=args, kw=kw)
    whole = partial(_nd_whole, fn=fn, args=args, kw=kw)
    return map_windows(x, depth, periodic, block, x.chunks, probe.dtype, num_threads, whole)


def _one_axis(axis: int, depth: int, mode: str) -> Any:
    def depth_of(nd: int) -> Any:
        a = int(axis) % nd
        return [depth if i == a else 0 for i in range(nd)], [mode in _WRAP] * nd
    return depth_of


def _ex(call: str, ref: str) -> str:
    return f""">>> import numpy as np
>>> import dask.array as da
>>> from fastconv import dask as fcd, ndimage
>>> a = np.random.default_rng(0).random((40, 30))
>>> x = da.from_array(a, chunks=(16, 7))
>>> y = {call}
>>> np.allclose(y.compute(), {ref})
True"""


@docstring("Multidimensional correlation of a dask array, as :func:`fastconv.ndimage.correlate`.",
           ["input", "weights", "output", "mode1", "cval", "origin", "axes", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.correlate(x, np.ones((3, 5)), mode='wrap')",
                                "ndimage.correlate(a, np.ones((3, 5)), mode='wrap')"))
def correlate(input: Any, weights: Any, output: Any = None, mode: str = "reflect",
              cval: float = 0.0, origin: Any = 0, *, axes: Any = None,
              num_threads: Optional[int] = None) -> Any:
    return _nd_weights("correlate", input, weights, output, mode, cval, origin, axes,
                       num_threads)


@docstring("Multidimensional convolution of a dask array, as :func:`fastconv.ndimage.convolve`.",
           ["input", "weights", "output", "mode1", "cval", "origin", "axes", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.convolve(x, np.ones((4, 2)), origin=(1, 0))",
                                "ndimage.convolve(a, np.ones((4, 2)), origin=(1, 0))"))
def convolve(input: Any, weights: Any, output: Any = None, mode: str = "reflect",
             cval: float = 0.0, origin: Any = 0, *, axes: Any = None,
             num_threads: Optional[int] = None) -> Any:
    return _nd_weights("convolve", input, weights, output, mode, cval, origin, axes,
                       num_threads)


def _nd_weights(fname: str, input: Any, weights: Any, output: Any, mode: str, cval: Any,
                origin: Any, axes: Any, num_threads: Optional[int]) -> Any:
    w = in_memory(fname, "weights", weights)

    def depth_of(nd: int) -> Any:
        # SciPy's convention: weights' axes follow the filtered axes in increasing order,
        # origin k belongs to axes[k] (axes (2, 1), weights (2, 5): axis 1 is 2 wide)
        ax = _axes(fname, axes, nd)
        origins = per_axis(origin, len(ax))
        width = dict(zip(sorted(ax), w.shape))
        depth = [0] * nd
        for k, a in enumerate(ax):  # 5 wide, origin -1: 2 + 1 = 3 each side
            depth[a] = width[a] // 2 + abs(int(origins[k]))
        return depth, [mode in _WRAP] * nd
    return _run(fname, input, (w,), dict(output=output, mode=mode, cval=cval, origin=origin,
                                          axes=axes), depth_of, num_threads)


@docstring("1-D correlation along an axis of a dask array, as "
           ":func:`fastconv.ndimage.correlate1d`.",
           ["input", "weights", "axis", "output", "mode1", "cval", "origin", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.correlate1d(x, [1.0, 2.0, 3.0, 4.0], axis=1)",
                                "ndimage.correlate1d(a, [1.0, 2.0, 3.0, 4.0], axis=1)"))
def correlate1d(input: Any, weights: Any, axis: int = -1, output: Any = None,
                mode: str = "reflect", cval: float = 0.0, origin: int = 0, *,
                num_threads: Optional[int] = None) -> Any:
    w = in_memory("correlate1d", "weights", weights)
    return _run("correlate1d", input, (w,), dict(axis=axis, output=output, mode=mode, cval=cval,
                                                 origin=origin),
                lambda nd: _one_axis(axis, len(w) // 2 + abs(int(origin)), mode)(nd),
                num_threads)


@docstring("1-D convolution along an axis of a dask array, as "
           ":func:`fastconv.ndimage.convolve1d`.",
           ["input", "weights", "axis", "output", "mode1", "cval", "origin", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.convolve1d(x, [1.0, -1.0], axis=0, mode='mirror')",
                                "ndimage.convolve1d(a, [1.0, -1.0], axis=0, mode='mirror')"))
def convolve1d(input: Any, weights: Any, axis: int = -1, output: Any = None,
               mode: str = "reflect", cval: float = 0.0, origin: int = 0, *,
               num_threads: Optional[int] = None) -> Any:
    w = in_memory("convolve1d", "weights", weights)
    return _run("convolve1d", input, (w,), dict(axis=axis, output=output, mode=mode, cval=cval,
                                                origin=origin),
                lambda nd: _one_axis(axis, len(w) // 2 + abs(int(origin)), mode)(nd),
                num_threads)


def _radius(sigma: Any, truncate: float, radius: Any) -> int:
    if float(sigma) <= 1e-15:
        return 0     # the in-memory filter skips the axis
    return int(radius) if radius is not None else int(float(truncate) * float(sigma) + 0.5)


@docstring("1-D Gaussian filter along an axis of a dask array, as "
           ":func:`fastconv.ndimage.gaussian_filter1d`.",
           ["input", "sigma", "axis", "order", "output", "mode1", "cval", "truncate", "radius",
            "num_threads"],
           _RET, RAISES_ND, _ex("fcd.gaussian_filter1d(x, 1.5, axis=0, mode='nearest')",
                                "ndimage.gaussian_filter1d(a, 1.5, axis=0, mode='nearest')"))
def gaussian_filter1d(input: Any, sigma: float, axis: int = -1, order: int = 0,
                      output: Any = None, mode: str = "reflect", cval: float = 0.0,
                      truncate: float = 4.0, *, radius: Optional[int] = None,
                      num_threads: Optional[int] = None) -> Any:
    return _run("gaussian_filter1d", input, (sigma,),
                dict(axis=axis, order=order, output=output, mode=mode, cval=cval,
                     truncate=truncate, radius=radius),
                lambda nd: _one_axis(axis, _radius(sigma, truncate, radius), mode)(nd),
                num_threads)


def _multi(fname: str, axes: Any, mode: Any, depth_k: Any) -> Any:
    """depth_of for filters with per-axis parameters: depth_k(k) for filtered axis k."""
    def depth_of(nd: int) -> Any:
        ax = _axes(fname, axes, nd)
        modes = per_axis(mode, len(ax))
        depth, periodic = [0] * nd, [False] * nd
        for k, a in enumerate(ax):
            depth[a], periodic[a] = depth_k(k, len(ax)), modes[k] in _WRAP
        return depth, periodic
    return depth_of


@docstring("Multidimensional Gaussian filter of a dask array, as "
           ":func:`fastconv.ndimage.gaussian_filter`.",
           ["input", "sigma", "order", "output", "mode", "cval", "truncate", "radius", "axes",
            "num_threads"],
           _RET, RAISES_ND, _ex("fcd.gaussian_filter(x, 2.0, mode=('wrap', 'constant'))",
                                "ndimage.gaussian_filter(a, 2.0, mode=('wrap', 'constant'))"))
def gaussian_filter(input: Any, sigma: Any, order: Any = 0, output: Any = None,
                    mode: Any = "reflect", cval: float = 0.0, truncate: float = 4.0, *,
                    radius: Any = None, axes: Any = None,
                    num_threads: Optional[int] = None) -> Any:
    def depth_k(k: int, n: int) -> int:
        return _radius(per_axis(sigma, n)[k], truncate, per_axis(radius, n)[k])
    return _run("gaussian_filter", input, (sigma,),
                dict(order=order, output=output, mode=mode, cval=cval, truncate=truncate,
                     radius=radius, axes=axes),
                _multi("gaussian_filter", axes, mode, depth_k), num_threads)


@docstring("1-D mean along an axis of a dask array, as :func:`fastconv.ndimage.uniform_filter1d`.",
           ["input", "size", "axis", "output", "mode1", "cval", "origin", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.uniform_filter1d(x, 5, axis=1, origin=-1)",
                                "ndimage.uniform_filter1d(a, 5, axis=1, origin=-1)"))
def uniform_filter1d(input: Any, size: int, axis: int = -1, output: Any = None,
                     mode: str = "reflect", cval: float = 0.0, origin: int = 0, *,
                     num_threads: Optional[int] = None) -> Any:
    return _run("uniform_filter1d", input, (size,),
                dict(axis=axis, output=output, mode=mode, cval=cval, origin=origin),
                lambda nd: _one_axis(axis, int(size) // 2 + abs(int(origin)), mode)(nd),
                num_threads)


@docstring("Multidimensional mean filter of a dask array, as "
           ":func:`fastconv.ndimage.uniform_filter`.",
           ["input", "size", "output", "mode", "cval", "origin", "axes", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.uniform_filter(x, (3, 9))",
                                "ndimage.uniform_filter(a, (3, 9))"))
def uniform_filter(input: Any, size: Any = 3, output: Any = None, mode: Any = "reflect",
                   cval: float = 0.0, origin: Any = 0, *, axes: Any = None,
                   num_threads: Optional[int] = None) -> Any:
    def depth_k(k: int, n: int) -> int:
        s, o = int(per_axis(size, n)[k]), int(per_axis(origin, n)[k])
        return s // 2 + abs(o) if s > 1 else 0
    return _run("uniform_filter", input, (size,),
                dict(output=output, mode=mode, cval=cval, origin=origin, axes=axes),
                _multi("uniform_filter", axes, mode, depth_k), num_threads)


def _all_axes(mode: Any, axes: Any = None, fname: str = "") -> Any:
    def depth_of(nd: int) -> Any:
        ax = _axes(fname, axes, nd) if axes is not None else tuple(range(nd))
        modes = per_axis(mode, len(ax))
        depth, periodic = [0] * nd, [False] * nd
        for k, a in enumerate(ax):
            depth[a], periodic[a] = 1, modes[k] in _WRAP
        return depth, periodic
    return depth_of


@docstring("Sobel filter of a dask array, as :func:`fastconv.ndimage.sobel`.",
           ["input", "axis", "output", "mode", "cval", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.sobel(x, axis=0)", "ndimage.sobel(a, axis=0)"))
def sobel(input: Any, axis: int = -1, output: Any = None, mode: Any = "reflect",
          cval: float = 0.0, *, num_threads: Optional[int] = None) -> Any:
    return _run("sobel", input, (), dict(axis=axis, output=output, mode=mode, cval=cval),
                _all_axes(mode), num_threads)


@docstring("Prewitt filter of a dask array, as :func:`fastconv.ndimage.prewitt`.",
           ["input", "axis", "output", "mode", "cval", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.prewitt(x, mode='wrap')", "ndimage.prewitt(a, mode='wrap')"))
def prewitt(input: Any, axis: int = -1, output: Any = None, mode: Any = "reflect",
            cval: float = 0.0, *, num_threads: Optional[int] = None) -> Any:
    return _run("prewitt", input, (), dict(axis=axis, output=output, mode=mode, cval=cval),
                _all_axes(mode), num_threads)


@docstring("Laplace filter of a dask array, as :func:`fastconv.ndimage.laplace`.",
           ["input", "output", "mode", "cval", "axes", "num_threads"],
           _RET, RAISES_ND, _ex("fcd.laplace(x, mode='constant', cval=1.0)",
                                "ndimage.laplace(a, mode='constant', cval=1.0)"))
def laplace(input: Any, output: Any = None, mode: Any = "reflect", cval: float = 0.0, *,
            axes: Any = None, num_threads: Optional[int] = None) -> Any:
    return _run("laplace", input, (), dict(output=output, mode=mode, cval=cval, axes=axes),
                _all_axes(mode, axes, "laplace"), num_threads)
