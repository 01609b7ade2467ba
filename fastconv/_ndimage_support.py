"""Validation and the pass machinery of :mod:`fastconv.ndimage` (SciPy's _ni_support
equivalents, checked: every error names the argument, before any C runs)."""
from __future__ import annotations

import numbers
import threading
import warnings
from collections.abc import Iterable
from typing import Any, Callable, List, Optional, Sequence, Tuple, cast

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from . import _core, _plan

_MODES = _core.NDIMAGE_MODES
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_EPS = np.finfo(np.float64).eps


class NdimageArgumentError(ValueError, RuntimeError):
    """An invalid argument where SciPy raises RuntimeError: catchable as either."""


# ---------------------------------------------------------------- validation

def _supported(dt: np.dtype[Any]) -> bool:
    """bool, integers, float32/64 and complex64/128 (either byte order), as SciPy."""
    return dt.kind in "biu" or (dt.kind == "f" and dt.itemsize in (4, 8)) or \
        (dt.kind == "c" and dt.itemsize in (8, 16))


def _input(fname: str, input: ArrayLike) -> NDArray[Any]:
    arr = np.asarray(input)
    if not _supported(arr.dtype):
        raise TypeError(f"{fname}: input must have a bool, integer, float32, float64 or complex "
                        f"dtype, got {arr.dtype}")
    return arr


def _mode_name(fname: str, mode: Any, name: str = "mode") -> str:
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"{fname}: {name} must be one of {sorted(_MODES)}, got {mode!r}")
    return mode


def _seq(fname: str, name: str, value: Any, n: int) -> List[Any]:
    """SciPy's _normalize_sequence: a scalar repeated n times, or a sequence of length n."""
    if not isinstance(value, str) and np.iterable(value):
        out = list(value)
        if len(out) != n:
            raise NdimageArgumentError(f"{fname}: {name} must be a scalar or have one entry per "
                                       f"filtered axis ({n}), got {len(out)} entries")
        return out
    return [value] * n


def _int(fname: str, name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (numbers.Integral, np.integer)):
        raise TypeError(f"{fname}: {name} must be an int, got {type(v).__name__} {v!r}")
    return int(v)


def _axis(fname: str, axis: Any, ndim: int, name: str = "axis") -> int:
    a = _int(fname, name, axis)
    if not -ndim <= a < ndim:
        raise ValueError(f"{fname}: {name} {a} is out of range for an input of rank {ndim}")
    return a % ndim


def _axes(fname: str, axes: Any, ndim: int) -> Tuple[int, ...]:
    if axes is None:
        return tuple(range(ndim))
    if isinstance(axes, (numbers.Integral, np.integer)) and not isinstance(axes, bool):
        axes = (axes,)
    if not isinstance(axes, Iterable):
        raise TypeError(f"{fname}: axes must be None, an int or a sequence of ints, got {axes!r}")
    out = tuple(_axis(fname, a, ndim, "axes entry") for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"{fname}: axes must be unique, got {tuple(axes)}")
    return out


def _origin_ok(fname: str, name: str, origin: Any, w: int) -> int:
    o = _int(fname, name, origin)
    if o < -(w // 2) or o > (w - 1) // 2:
        raise ValueError(f"{fname}: {name} must satisfy -(w // 2) <= origin <= (w - 1) // 2 for "
                         f"a filter of width w = {w}, i.e. lie in [{-(w // 2)}, {(w - 1) // 2}], "
                         f"got {o}")
    return o


def _cval(fname: str, cval: Any, complex_ok: bool) -> Any:
    if isinstance(cval, (bool, np.bool_)) or not isinstance(cval, (numbers.Number, np.number)):
        raise TypeError(f"{fname}: cval must be a number, got {type(cval).__name__} {cval!r}")
    if np.iscomplexobj(cast(Any, cval)) and not complex_ok:
        raise ValueError(f"{fname}: cval must be real for a real input and real weights, "
                         f"got {cval!r}")
    return cval


def _output(fname: str, output: Any, input: NDArray[Any],
            complex_output: bool = False) -> NDArray[Any]:
    """SciPy's _get_output, validated: the array to write (a new one, or `output`)."""
    shape = input.shape
    if output is None:
        dt = np.promote_types(input.dtype, np.complex64) if complex_output else input.dtype
        return np.zeros(shape, dtype=dt)
    if isinstance(output, np.ndarray):
        if output.shape != shape:
            raise NdimageArgumentError(f"{fname}: output must have the input's shape {shape}, "
                                       f"got {output.shape}")
        if complex_output and output.dtype.kind != "c":
            raise NdimageArgumentError(f"{fname}: output must have a complex dtype for a complex "
                                       f"input or weights, got {output.dtype}")
        _check_out_dtype(fname, output.dtype)
        if not output.flags.writeable:
            raise ValueError(f"{fname}: output array is read-only")
        return output
    if isinstance(output, (type, np.dtype, str)):
        try:
            dt = np.dtype(output)
        except TypeError:
            raise TypeError(f"{fname}: output must be None, an ndarray or a dtype, got {output!r}")
        if complex_output and dt.kind != "c":
            if isinstance(output, str):
                raise NdimageArgumentError(f"{fname}: output must have a complex dtype for a "
                                           f"complex input or weights, got {dt}")
            warnings.warn("promoting specified output dtype to complex", stacklevel=3)
            dt = np.promote_types(dt, np.complex64)
        _check_out_dtype(fname, dt)
        return np.zeros(shape, dtype=dt)
    raise TypeError(f"{fname}: output must be None, an ndarray or a dtype, got "
                    f"{type(output).__name__}")


def _check_out_dtype(fname: str, dt: np.dtype[Any]) -> None:
    if not _supported(dt):
        raise TypeError(f"{fname}: output dtype must be bool, integer, float32, float64 or "
                        f"complex, got {dt}")


def _weights(fname: str, weights: ArrayLike, name: str = "weights") -> NDArray[Any]:
    w = np.asarray(weights)
    if w.dtype.kind not in "biufc":
        raise TypeError(f"{fname}: {name} must be numeric, got dtype {w.dtype}")
    return w


# ---------------------------------------------------------------- computation

def _store(dst: NDArray[Any], src: NDArray[Any]) -> None:
    """dst[...] = src with SciPy's C cast: truncation toward zero into integers, and a
    bool is the truncated value's being nonzero (0.5 -> False)."""
    if dst.dtype.kind == "b" and src.dtype.kind == "f":
        np.not_equal(np.trunc(src), 0, out=dst)
    else:
        np.copyto(dst, src, casting="unsafe")


def _merge(shape: Sequence[int], strides: Sequence[int]) -> Optional[Tuple[int, int]]:
    """(size, stride) of axes merged into one, or None where their strides do not allow."""
    dims = [(n, s) for n, s in zip(shape, strides) if n != 1]
    size = int(np.prod(shape, dtype=np.int64))
    if not dims:
        return size, 0
    for (n0, s0), (n1, s1) in zip(dims, dims[1:]):
        if s0 != s1 * n1:
            return None
    return size, dims[-1][1]


def _view3(a: NDArray[Any], axis: int) -> Optional[NDArray[Any]]:
    """a as an (outer, n, inner) view along axis, or None without a copy-free one."""
    pre = _merge(a.shape[:axis], a.strides[:axis])
    post = _merge(a.shape[axis + 1:], a.strides[axis + 1:])
    if pre is None or post is None:
        return None
    return np.lib.stride_tricks.as_strided(
        a, (pre[0], a.shape[axis], post[0]), (pre[1], a.strides[axis], post[1]),
        writeable=a.flags.writeable)


def _ct(src: NDArray[Any], dst: NDArray[Any]) -> np.dtype[Any]:
    """Computation dtype of one pass: float32 only from float32 to float32 (SciPy computes
    every pass in double; a float64 or integer end keeps that)."""
    return _F32 if src.dtype == _F32 and dst.dtype == _F32 else _F64


def _line(src: NDArray[Any], dst: NDArray[Any], axis: int, w: Optional[NDArray[Any]], size: int,
          pad_low: int, code: str, cval: Any) -> None:
    """One 1-D pass along `axis` from real src into real dst (same shape, any dtypes, may
    overlap): correlate1d with weights w, or the running mean of `size` taps (w None)."""
    if src.size == 0:
        return
    ct = _ct(src, dst)
    if src.dtype != ct:
        src = src.astype(ct)
    direct = dst.dtype == ct and not np.may_share_memory(src, dst)
    a3 = _view3(src, axis)
    if a3 is None:
        a3 = _view3(np.ascontiguousarray(src), axis)
    o3 = _view3(dst, axis) if direct else None
    tmp = None
    if o3 is None:
        tmp = np.empty(src.shape, ct)
        o3 = _view3(tmp, axis)
    wc = None if w is None else np.ascontiguousarray(w, dtype=ct)
    i3, r3 = cast(NDArray[Any], a3), cast(NDArray[Any], o3)  # a contiguous copy views always
    call = lambda: _core.ndimage_line(i3, r3, wc, size, pad_low, _MODES[code], float(cval), 0)
    if _plan.tracing:
        op, k = (0, len(wc)) if wc is not None else (1, size)  # FC_ND_CORRELATE1D, _UNIFORM1D
        _plan.run_pass(("correlate1d", "uniform1d")[op], call,
                       lambda: _describe(op, i3, r3, k, 0, False), [("input", src), ("output", dst)])
    else:
        call()
    if tmp is not None:
        _store(dst, tmp)


def _describe(op: int, a3: NDArray[Any], o3: NDArray[Any], k0: int, k1: int, col_first: bool) -> str:
    """fc_ndimage_describe of a pass over the 3-D views a3 -> o3."""
    st = tuple(x // a3.itemsize for x in a3.strides), tuple(x // o3.itemsize for x in o3.strides)
    return _core.describe_ndimage(op, a3.shape, st[0], st[1], k0, k1, col_first,
                                  a3.dtype == _F32, 0)


_SPARE = threading.local()
_SPARE_MAX_BYTES = 1 << 28


def _spare(shape: Tuple[int, ...], dtype: DTypeLike) -> NDArray[Any]:
    """A scratch array for the alternating passes, kept per thread between calls (up to
    256 MB): a fresh one page-faults on every call, which cost as much as a pass."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buf = getattr(_SPARE, "buf", None)
    if buf is None or buf.size < n:
        buf = np.empty(n, np.uint8)
        if n <= _SPARE_MAX_BYTES:
            _SPARE.buf = buf
    return buf[:n].view(dtype).reshape(shape)


#: one 1-D pass: (axis, weights or None for a running mean of `size` taps, size, pad_low, mode)
_Pass = Tuple[int, Optional[NDArray[Any]], int, int, str]


def _fusable(p: _Pass, q: Optional[_Pass], nd: int) -> bool:
    """Passes p, q fuse: correlations along the last two axes in either order, or running
    means along the second-last axis and then the last (uniform_filter's order)."""
    if q is None or nd < 2:
        return False
    if p[1] is None and q[1] is None:
        return (p[0], q[0]) == (nd - 2, nd - 1)
    return p[1] is not None and q[1] is not None and {p[0], q[0]} == {nd - 2, nd - 1}


def _fused(src: NDArray[Any], dst: NDArray[Any], p: _Pass, q: _Pass, cval: Any) -> bool:
    """Passes p then q (see _fusable) fused in one C call; False (nothing done) where the
    arrays do not allow it."""
    nd = src.ndim
    if not _fusable(p, q, nd) or not _plan.fuse:
        return False
    ct = _ct(src, dst)
    if dst.dtype != ct or np.may_share_memory(src, dst):
        return False
    if src.dtype != ct:
        src = src.astype(ct)
    a3, o3 = _view3(src, nd - 2), _view3(dst, nd - 2)
    if a3 is None or o3 is None or a3.strides[2] != ct.itemsize or o3.strides[2] != ct.itemsize:
        return False
    col, row = (p, q) if p[0] == nd - 2 else (q, p)
    if p[1] is None:
        call = lambda: _core.ndimage_uniform2d(a3, o3, col[2], col[3], _MODES[col[4]], row[2],
                                               row[3], _MODES[row[4]], float(cval), 0)
        op, k0, k1 = 3, col[2], row[2]  # FC_ND_UNIFORM_SEP2D
    else:
        w0, w1 = np.ascontiguousarray(col[1], dtype=ct), np.ascontiguousarray(row[1], dtype=ct)
        call = lambda: _core.ndimage_sep2d(a3, o3, p[0] == nd - 2, w0, col[3], _MODES[col[4]], w1,
                                           row[3], _MODES[row[4]], float(cval), 0)
        op, k0, k1 = 2, len(w0), len(w1)  # FC_ND_CORRELATE_SEP2D
    if _plan.tracing:
        _plan.run_pass(("correlate_sep2d", "uniform_sep2d")[op - 2], call,
                       lambda: _describe(op, a3, o3, k0, k1, p[0] == nd - 2),
                       [("input", src), ("output", dst)])
    else:
        call()
    return True


def _run_passes(input: NDArray[Any], output: NDArray[Any], passes: Sequence[_Pass],
                cval: Any) -> NDArray[Any]:
    """Passes (axis, w, size, pad_low, mode) in order, input -> output, each pass's result
    stored in output's dtype as SciPy does.  For float outputs two buffers alternate so
    that each step reads and writes the image once and the last one lands in output; a
    step is one pass, or two passes along the last two axes fused through bands (_fusable)."""
    if not passes:
        _store(output, input)
        return output
    if output.dtype not in (_F32, _F64) or output.size == 0:
        src = input
        for axis, w, size, lo, mode in passes:
            _line(src, output, axis, w, size, lo, mode, cval)
            src = output
        return output
    nd = input.ndim
    steps: List[Tuple[_Pass, ...]] = []
    k = 0
    while k < len(passes):
        p = passes[k]
        q = passes[k + 1] if k + 1 < len(passes) else None
        if q is not None and _fusable(p, q, nd):  # (_fusable is False for None too)
            steps.append((p, q))
            k += 2
        else:
            steps.append((p,))
            k += 1
    # None only with one step, which writes output (bufs[0])
    spare: Any = _spare(output.shape, output.dtype) if len(steps) > 1 else None
    # step k writes bufs[k % 2]; the last one must be output
    bufs = (output, spare) if len(steps) % 2 else (spare, output)
    src = input
    for k, step in enumerate(steps):
        dst = bufs[k % 2]
        if len(step) == 1 or not _fused(src, dst, step[0], step[1], cval):
            s = src
            for axis, w, size, lo, mode in step:
                _line(s, dst, axis, w, size, lo, mode, cval)
                s = dst
        src = dst
    return output


def _complex_parts(func: Callable[..., Any], input: NDArray[Any], weights: NDArray[Any],
                   output: NDArray[Any], cval: Any, **kw: Any) -> NDArray[Any]:
    """SciPy's _complex_via_real_components: complex results from real passes."""
    ci, cw = input.dtype.kind == "c", weights.dtype.kind == "c"
    cval = complex(cval)
    if ci and cw:
        func(input.real, weights.real, output=output.real, cval=cval.real, **kw)
        output.real -= func(input.imag, weights.imag, output=None, cval=cval.imag, **kw)
        func(input.real, weights.imag, output=output.imag, cval=cval.real, **kw)
        output.imag += func(input.imag, weights.real, output=None, cval=cval.imag, **kw)
    elif ci:
        func(input.real, weights, output=output.real, cval=cval.real, **kw)
        func(input.imag, weights, output=output.imag, cval=cval.imag, **kw)
    else:
        func(input, weights.real, output=output.real, cval=cval.real, **kw)
        func(input, weights.imag, output=output.imag, cval=cval.real, **kw)
    return output
