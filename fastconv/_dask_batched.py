"""The batched passes on dask arrays chunked along the batch axis (re-exported by
:mod:`fastconv.dask`): forward and backward-input map block to block; the weight and bias
gradients are per-chunk partial sums added along a fixed binary tree (in float64), so
their bits depend on the batch chunking only."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

import numpy as np

import dask
import dask.array as da

from . import _api
from ._api import _flip_flag, _shape_arg
from ._arrays import _as_array, _compute_dtype, _threads
from ._dask_docs import docstring
from ._dask_support import dask_input, in_memory, task_threads, tree_sum
from ._params import check_bias, check_grad_out_shape, resolve_conv

__all__ = ["conv_forward", "conv_backward_input", "conv_backward_weight",
           "conv_backward_bias"]


def _batched(fname: str, name: str, a: Any) -> da.Array:
    """A dask array of a real dtype whose non-batch axes are one chunk each."""
    a = dask_input(fname, name, a)
    _as_array(fname, name, np.empty(0, a.dtype))
    if a.ndim >= 2 and any(len(c) > 1 for c in a.chunks[1:]):
        a = a.rechunk({i: -1 for i in range(1, a.ndim)})
    return a


def _conv_kw(stride: Any, padding: Any, dilation: Any, groups: Any, flip: Any) -> Any:
    return dict(stride=stride, padding=padding, dilation=dilation, groups=groups, flip=flip)


def _fwd_task(xb: np.ndarray, *, w: np.ndarray, bias: Any, kw: Any,
              num_threads: Optional[int]) -> np.ndarray:
    return _api.conv_forward(xb, w, bias, num_threads=task_threads(num_threads), **kw)


def _bwi_task(gb: np.ndarray, *, w: np.ndarray, rest: Tuple[int, ...], kw: Any,
              num_threads: Optional[int]) -> np.ndarray:
    return _api.conv_backward_input(gb, w, (gb.shape[0],) + rest,
                                    num_threads=task_threads(num_threads), **kw)


def _bww_task(xb: np.ndarray, gb: np.ndarray, ws: Tuple[int, ...], kw: Any,
              num_threads: Optional[int]) -> np.ndarray:
    return _api.conv_backward_weight(xb, gb, ws, num_threads=task_threads(num_threads), **kw)


def _bwb_task(gb: np.ndarray, num_threads: Optional[int]) -> np.ndarray:
    return _api.conv_backward_bias(gb, num_threads=task_threads(num_threads))


def _ex(body: str) -> str:
    return """>>> import numpy as np
>>> import dask.array as da
>>> import fastconv
>>> from fastconv import dask as fcd
>>> rng = np.random.default_rng(0)
>>> xa, w = rng.random((10, 3, 12, 12)), rng.random((4, 3, 3, 3))
>>> x = da.from_array(xa, chunks=(4, 3, 12, 12))
""" + body.strip()


@docstring("Batched convolution of a batch-chunked dask array, as :func:`fastconv.conv_forward`.",
           ["x", "w", "bias", "conv", "num_threads"],
           """dask.array.Array, shape ``(N, K, *out_spatial)``
    Lazy, with x's batch chunks.""",
           """TypeError
    `x` not a dask array; otherwise as :func:`fastconv.conv_forward`.
ValueError
    `x` with unknown (NaN) chunk sizes; otherwise as :func:`fastconv.conv_forward`.""",
           _ex(""">>> y = fcd.conv_forward(x, w, padding=1)
>>> y.chunks[:2]
((4, 4, 2), (4,))
>>> np.array_equal(y.compute(), fastconv.conv_forward(xa, w, padding=1))
True"""))
def conv_forward(x: Any, w: Any, bias: Any = None, *, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, flip: bool = False,
                 num_threads: Optional[int] = None) -> Any:
    fname = "conv_forward"
    xd = _batched(fname, "x", x)
    wa = _as_array(fname, "w", in_memory(fname, "w", w))
    _flip_flag(fname, flip)
    _threads(fname, num_threads)
    _, out_shape = resolve_conv(fname, xd.shape, wa.shape, stride, padding, dilation, groups)
    arrays = [np.empty(0, xd.dtype), wa]
    ba = None
    if bias is not None:
        ba = _as_array(fname, "bias", in_memory(fname, "bias", bias))
        check_bias(fname, ba.shape, wa.shape[0])
        arrays.append(ba)
    dtype = _compute_dtype(*arrays)
    chunks = (xd.chunks[0],) + tuple((n,) for n in out_shape[1:])
    return da.map_blocks(_fwd_task, xd, w=wa, bias=ba,
                         kw=_conv_kw(stride, padding, dilation, groups, flip),
                         num_threads=num_threads, chunks=chunks, dtype=dtype,
                         meta=np.empty((0,) * xd.ndim, dtype))


@docstring("Gradient of :func:`conv_forward` with respect to x, on a batch-chunked dask "
           "array, as :func:`fastconv.conv_backward_input`.",
           ["grad_out", "w", "input_shape", "conv", "num_threads"],
           """dask.array.Array of ``input_shape``
    Lazy, with grad_out's batch chunks.""",
           """TypeError
    `grad_out` not a dask array; otherwise as :func:`fastconv.conv_backward_input`.
ValueError
    `grad_out` with unknown (NaN) chunk sizes; otherwise as
    :func:`fastconv.conv_backward_input`.""",
           _ex(""">>> g = fcd.conv_forward(x, w)
>>> gx = fcd.conv_backward_input(g, w, x.shape)
>>> gx.chunks[0]
(4, 4, 2)
>>> np.array_equal(gx.compute(), fastconv.conv_backward_input(g.compute(), w, xa.shape))
True"""))
def conv_backward_input(grad_out: Any, w: Any, input_shape: Sequence[int], *, stride: Any = 1,
                        padding: Any = 0, dilation: Any = 1, groups: int = 1,
                        flip: bool = False, num_threads: Optional[int] = None) -> Any:
    fname = "conv_backward_input"
    gd = _batched(fname, "grad_out", grad_out)
    wa = _as_array(fname, "w", in_memory(fname, "w", w))
    _flip_flag(fname, flip)
    _threads(fname, num_threads)
    xs = _shape_arg(fname, "input_shape", input_shape, wa.ndim)
    _, out_shape = resolve_conv(fname, xs, wa.shape, stride, padding, dilation, groups,
                                x_name="input_shape")
    check_grad_out_shape(fname, gd.shape, out_shape)
    dtype = _compute_dtype(np.empty(0, gd.dtype), wa)
    chunks = (gd.chunks[0],) + tuple((n,) for n in xs[1:])
    return da.map_blocks(_bwi_task, gd, w=wa, rest=tuple(xs[1:]),
                         kw=_conv_kw(stride, padding, dilation, groups, flip),
                         num_threads=num_threads, chunks=chunks, dtype=dtype,
                         meta=np.empty((0,) * gd.ndim, dtype))


@docstring("Gradient of :func:`conv_forward` with respect to w, from batch-chunked dask "
           "arrays, as :func:`fastconv.conv_backward_weight`: one partial gradient per batch "
           "chunk, added in float64 along a fixed binary tree.",
           ["gx", "grad_out", "weight_shape", "conv", "num_threads"],
           """dask.array.Array of ``weight_shape``
    Lazy, one chunk.  For a given batch chunking its bits are the same whatever the
    scheduler, workers or task order (each addition is a task with fixed operands);
    they differ from the in-memory call's in the last bits (another summation order).""",
           """TypeError
    `x` or `grad_out` not a dask array; otherwise as :func:`fastconv.conv_backward_weight`.
ValueError
    Unknown (NaN) chunk sizes; `grad_out` whose batch chunks differ from `x`'s;
    otherwise as :func:`fastconv.conv_backward_weight`.""",
           _ex(""">>> g = fcd.conv_forward(x, w, padding=1)
>>> gw = fcd.conv_backward_weight(x, g, w.shape, padding=1)
>>> ref = fastconv.conv_backward_weight(xa, g.compute(), w.shape, padding=1)
>>> np.allclose(gw.compute(), ref, rtol=1e-13)
True"""))
def conv_backward_weight(x: Any, grad_out: Any, weight_shape: Sequence[int], *,
                         stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                         groups: int = 1, flip: bool = False,
                         num_threads: Optional[int] = None) -> Any:
    fname = "conv_backward_weight"
    xd = _batched(fname, "x", x)
    gd = _batched(fname, "grad_out", grad_out)
    _flip_flag(fname, flip)
    _threads(fname, num_threads)
    ws = _shape_arg(fname, "weight_shape", weight_shape, xd.ndim)
    _, out_shape = resolve_conv(fname, xd.shape, ws, stride, padding, dilation, groups,
                                w_name="weight_shape")
    check_grad_out_shape(fname, gd.shape, out_shape)
    if xd.chunks[0] != gd.chunks[0]:
        raise ValueError(f"{fname}: grad_out must have x's batch chunks {xd.chunks[0]}, got "
                         f"{gd.chunks[0]} (rechunk one like the other)")
    dtype = _compute_dtype(np.empty(0, xd.dtype), np.empty(0, gd.dtype))
    task = dask.delayed(_bww_task, pure=True)
    kw = _conv_kw(stride, padding, dilation, groups, flip)
    parts = [task(xb, gb, tuple(ws), kw, num_threads)
             for xb, gb in zip(xd.to_delayed().ravel(), gd.to_delayed().ravel())]
    return tree_sum(parts, tuple(ws), dtype)


@docstring("Gradient of :func:`conv_forward` with respect to the bias, from a batch-chunked "
           "dask array, as :func:`fastconv.conv_backward_bias`: per-chunk sums added in "
           "float64 along a fixed binary tree.",
           ["grad_out", "num_threads"],
           """dask.array.Array, shape (K,)
    Lazy, one chunk; bits fixed by the batch chunking, as for
    :func:`conv_backward_weight`.""",
           """TypeError
    `grad_out` not a dask array; otherwise as :func:`fastconv.conv_backward_bias`.
ValueError
    Unknown (NaN) chunk sizes; otherwise as :func:`fastconv.conv_backward_bias`.""",
           _ex(""">>> gb = fcd.conv_backward_bias(fcd.conv_forward(x, w))
>>> np.allclose(gb.compute(), fastconv.conv_backward_bias(fastconv.conv_forward(xa, w)))
True"""))
def conv_backward_bias(grad_out: Any, *, num_threads: Optional[int] = None) -> Any:
    fname = "conv_backward_bias"
    gd = _batched(fname, "grad_out", grad_out)
    _threads(fname, num_threads)
    # the in-memory checks of rank and sizes, on a probe that costs nothing
    if gd.size == 0 or gd.ndim not in (3, 4, 5):   # a zero-stride view: no memory
        probe = np.broadcast_to(np.zeros((), gd.dtype), gd.shape)
    else:
        probe = np.zeros((1, gd.shape[1]) + (1,) * (gd.ndim - 2), gd.dtype)
    dtype = _api.conv_backward_bias(probe).dtype
    task = dask.delayed(_bwb_task, pure=True)
    parts = [task(gb, num_threads) for gb in gd.to_delayed().ravel()]
    return tree_sum(parts, (gd.shape[1],), dtype)
