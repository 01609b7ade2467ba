"""scipy.ndimage's linear filters on fastconv's C engine: ``from fastconv import ndimage``.

The functions take SciPy 1.17's signatures and give its results (tested against
``scipy.ndimage`` in ``tests/test_ndimage.py``):

* :func:`correlate`, :func:`convolve`: N-d weights with up to three axes longer than 1
  (the others, and every input axis the weights do not span, form a batch), on the
  multi-row engine of :func:`fastconv.correlate2d`;
* :func:`correlate1d`, :func:`convolve1d`, :func:`gaussian_filter1d`,
  :func:`gaussian_filter`, :func:`uniform_filter1d`, :func:`uniform_filter`,
  :func:`sobel`, :func:`prewitt`, :func:`laplace`: 1-D passes along any axis of any
  rank, composed as SciPy composes them (intermediate results in the output dtype).

Modes: 'reflect' (= 'grid-mirror'; fastconv's 'symm'), 'constant' (= 'grid-constant' for
filters; 'fill'), 'nearest', 'mirror', 'wrap' (= 'grid-wrap').  Extensions are periodic
however far they reach, so weights may be longer than the input.

Numerics: float64 (and every integer or bool input, computed in float64 like SciPy) agrees
with SciPy to rounding (``correlate1d`` and ``uniform_filter1d`` sum in SciPy's order and
are usually bit-identical).  float32 input with float32 output computes in float32 where
SciPy computes in double and rounds: the difference is bounded by
``2 * K * eps32 * sum_j |w_j| |x_(i+j)|`` per pass (K taps; ``uniform_filter`` sums in
double and matches SciPy exactly).  Integer outputs truncate toward zero, as SciPy's C
casts do.

Differences from SciPy (all documented in the functions): invalid arguments raise
ValueError or TypeError before any computation, where SciPy raises RuntimeError (the
class raised then, :class:`NdimageArgumentError`, is both a ValueError and a
RuntimeError) or computes NaN; ``correlate``/``convolve`` multiply zero weights too, so a
NaN or Inf under a zero weight reaches the output (SciPy skips weights with
``|w| <= 2.2e-16``); float16 and long double inputs raise TypeError (SciPy raises
RuntimeError).
"""
import numbers
import threading
import warnings
from collections.abc import Iterable

import numpy as np

from . import _core

__all__ = [
    "correlate", "convolve", "correlate1d", "convolve1d", "gaussian_filter",
    "gaussian_filter1d", "uniform_filter", "uniform_filter1d", "sobel", "prewitt", "laplace",
    "NdimageArgumentError",
]

_MODES = _core.NDIMAGE_MODES
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_EPS = np.finfo(np.float64).eps


class NdimageArgumentError(ValueError, RuntimeError):
    """An invalid argument where SciPy raises RuntimeError: catchable as either."""


# ---------------------------------------------------------------- validation

def _supported(dt):
    """bool, integers, float32/64 and complex64/128 (either byte order), as SciPy."""
    return dt.kind in "biu" or (dt.kind == "f" and dt.itemsize in (4, 8)) or \
        (dt.kind == "c" and dt.itemsize in (8, 16))


def _input(fname, input):
    arr = np.asarray(input)
    if not _supported(arr.dtype):
        raise TypeError(f"{fname}: input must have a bool, integer, float32, float64 or complex "
                        f"dtype, got {arr.dtype}")
    return arr


def _mode_name(fname, mode, name="mode"):
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"{fname}: {name} must be one of {sorted(_MODES)}, got {mode!r}")
    return mode


def _seq(fname, name, value, n):
    """SciPy's _normalize_sequence: a scalar repeated n times, or a sequence of length n."""
    if not isinstance(value, str) and np.iterable(value):
        out = list(value)
        if len(out) != n:
            raise NdimageArgumentError(f"{fname}: {name} must be a scalar or have one entry per "
                                       f"filtered axis ({n}), got {len(out)} entries")
        return out
    return [value] * n


def _int(fname, name, v):
    if isinstance(v, bool) or not isinstance(v, (numbers.Integral, np.integer)):
        raise TypeError(f"{fname}: {name} must be an int, got {type(v).__name__} {v!r}")
    return int(v)


def _axis(fname, axis, ndim, name="axis"):
    a = _int(fname, name, axis)
    if not -ndim <= a < ndim:
        raise ValueError(f"{fname}: {name} {a} is out of range for an input of rank {ndim}")
    return a % ndim


def _axes(fname, axes, ndim):
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


def _origin_ok(fname, name, origin, w):
    o = _int(fname, name, origin)
    if o < -(w // 2) or o > (w - 1) // 2:
        raise ValueError(f"{fname}: {name} must satisfy -(w // 2) <= origin <= (w - 1) // 2 for "
                         f"a filter of width w = {w}, i.e. lie in [{-(w // 2)}, {(w - 1) // 2}], "
                         f"got {o}")
    return o


def _cval(fname, cval, complex_ok):
    if isinstance(cval, (bool, np.bool_)) or not isinstance(cval, (numbers.Number, np.number)):
        raise TypeError(f"{fname}: cval must be a number, got {type(cval).__name__} {cval!r}")
    if np.iscomplexobj(cval) and not complex_ok:
        raise ValueError(f"{fname}: cval must be real for a real input and real weights, "
                         f"got {cval!r}")
    return cval


def _output(fname, output, input, complex_output=False):
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


def _check_out_dtype(fname, dt):
    if not _supported(dt):
        raise TypeError(f"{fname}: output dtype must be bool, integer, float32, float64 or "
                        f"complex, got {dt}")


def _weights(fname, weights, name="weights"):
    w = np.asarray(weights)
    if w.dtype.kind not in "biufc":
        raise TypeError(f"{fname}: {name} must be numeric, got dtype {w.dtype}")
    return w


# ---------------------------------------------------------------- computation

def _store(dst, src):
    """dst[...] = src with SciPy's C cast: truncation toward zero into integers, and a
    bool is the truncated value's being nonzero (0.5 -> False)."""
    if dst.dtype.kind == "b" and src.dtype.kind == "f":
        np.not_equal(np.trunc(src), 0, out=dst)
    else:
        np.copyto(dst, src, casting="unsafe")


def _merge(shape, strides):
    """(size, stride) of axes merged into one, or None where their strides do not allow."""
    dims = [(n, s) for n, s in zip(shape, strides) if n != 1]
    size = int(np.prod(shape, dtype=np.int64))
    if not dims:
        return size, 0
    for (n0, s0), (n1, s1) in zip(dims, dims[1:]):
        if s0 != s1 * n1:
            return None
    return size, dims[-1][1]


def _view3(a, axis):
    """a as an (outer, n, inner) view along axis, or None without a copy-free one."""
    pre = _merge(a.shape[:axis], a.strides[:axis])
    post = _merge(a.shape[axis + 1:], a.strides[axis + 1:])
    if pre is None or post is None:
        return None
    return np.lib.stride_tricks.as_strided(
        a, (pre[0], a.shape[axis], post[0]), (pre[1], a.strides[axis], post[1]),
        writeable=a.flags.writeable)


def _ct(src, dst):
    """Computation dtype of one pass: float32 only from float32 to float32 (SciPy computes
    every pass in double; a float64 or integer end keeps that)."""
    return _F32 if src.dtype == _F32 and dst.dtype == _F32 else _F64


def _line(src, dst, axis, w, size, pad_low, code, cval):
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
    _core.ndimage_line(a3, o3, wc, size, pad_low, _MODES[code], float(cval), 0)
    if tmp is not None:
        _store(dst, tmp)


_SPARE = threading.local()
_SPARE_MAX_BYTES = 1 << 28


def _spare(shape, dtype):
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


def _fused(src, dst, p, q, cval):
    """Passes p then q (correlations along the last two axes) fused in one C call; False
    (nothing done) where the arrays do not allow it."""
    nd = src.ndim
    if p[1] is None or q[1] is None or nd < 2 or {p[0], q[0]} != {nd - 2, nd - 1}:
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
    _core.ndimage_sep2d(a3, o3, p[0] == nd - 2, np.ascontiguousarray(col[1], dtype=ct), col[3],
                        _MODES[col[4]], np.ascontiguousarray(row[1], dtype=ct), row[3],
                        _MODES[row[4]], float(cval), 0)
    return True


def _run_passes(input, output, passes, cval):
    """Passes (axis, w, size, pad_low, mode) in order, input -> output, each pass's result
    stored in output's dtype as SciPy does.  For float outputs two buffers alternate so
    that each step reads and writes the image once and the last one lands in output; a
    step is one pass, or two correlations along the last two axes fused through bands."""
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
    steps, k = [], 0
    while k < len(passes):
        p = passes[k]
        q = passes[k + 1] if k + 1 < len(passes) else None
        if q is not None and p[1] is not None and q[1] is not None and \
                {p[0], q[0]} == {nd - 2, nd - 1}:
            steps.append((p, q))
            k += 2
        else:
            steps.append((p,))
            k += 1
    spare = _spare(output.shape, output.dtype) if len(steps) > 1 else None
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


def _complex_parts(func, input, weights, output, cval, **kw):
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


# ---------------------------------------------------------------- correlate / convolve

def _correlate_nd(input, weights, output, mode, cval, origins):
    """Real N-d correlation (weights.ndim == input.ndim, origins validated) into output."""
    if input.size == 0:
        return output
    code = _MODES[mode]
    w = weights.astype(np.float64)
    w[np.abs(w) <= _EPS] = 0.0  # SciPy drops these weights
    longs = [i for i in range(w.ndim) if w.shape[i] > 1]
    pads = [w.shape[i] // 2 + origins[i] for i in range(w.ndim)]
    if len(longs) <= 1:
        axis = longs[0] if longs else input.ndim - 1
        _line(input, output, axis, w.ravel(), 0, pads[axis], mode, cval)
        return output
    ct = _ct(input, output)
    batch = [i for i in range(w.ndim) if w.shape[i] == 1]
    perm = batch + longs
    x = np.ascontiguousarray(input.transpose(perm), dtype=ct)
    B = int(np.prod([input.shape[i] for i in batch], dtype=np.int64))
    lshape = tuple(input.shape[i] for i in longs)
    wl = np.ascontiguousarray(w.reshape([w.shape[i] for i in longs]), dtype=ct).ravel()
    wshape = tuple(w.shape[i] for i in longs)
    lpads = tuple(pads[i] for i in longs)
    direct = perm == sorted(perm) and output.dtype == ct and output.flags.c_contiguous and \
        not np.may_share_memory(input, output)
    res = output if direct else np.empty(x.shape, ct)
    if len(longs) == 2 and B > 1:
        # the batch as a third axis of a weight of length 1: one call, one thread team
        _core.ndimage_correlate(x.ravel(), (B,) + lshape, 1, wl, (1,) + wshape, (0,) + lpads,
                                code, float(cval), res.reshape(-1), 0)
    else:
        _core.ndimage_correlate(x.ravel(), lshape, B, wl, wshape, lpads, code, float(cval),
                                res.reshape(-1), 0)
    if not direct:
        _store(output, res.transpose(np.argsort(perm)))
    return output


def _correlate_or_convolve(fname, input, weights, output, mode, cval, origin, convolution, axes):
    input = _input(fname, input)
    weights = _weights(fname, weights)
    ci, cw = input.dtype.kind == "c", weights.dtype.kind == "c"
    _mode_name(fname, mode)
    _cval(fname, cval, ci)
    if ci or cw:
        if cw and not convolution:
            weights = weights.conj()  # as np.correlate: conjugate the weights
        out = _output(fname, output, input, complex_output=True)
        return _complex_parts(
            lambda i, w, output, cval, **kw: _correlate_or_convolve(
                fname, i, w, output, mode, cval, origin, convolution, axes),
            input, weights, out, cval)
    axes = _axes(fname, axes, input.ndim)
    if weights.ndim != len(axes):
        raise NdimageArgumentError(f"{fname}: weights must have one axis per filtered axis "
                                   f"({len(axes)}: the input's rank or len(axes)), got "
                                   f"weights.ndim = {weights.ndim}")
    if any(s == 0 for s in weights.shape):
        raise ValueError(f"{fname}: weights must not be empty, got shape {weights.shape}")
    if sum(s > 1 for s in weights.shape) > 3:
        raise NotImplementedError(f"{fname}: weights with more than 3 axes longer than 1 are "
                                  f"not supported, got shape {weights.shape}")
    origins = [_int(fname, "origin", o) for o in _seq(fname, "origin", origin, len(axes))]
    for k, ax in enumerate(axes):
        _origin_ok(fname, "origin", origins[k], weights.shape[k])
    # SciPy's expansion to the input's rank: weight axes of length 1 inserted at the
    # unfiltered axes (so weights' axes follow the filtered axes in increasing order),
    # while origin k belongs to axes[k]
    w = np.expand_dims(weights, tuple(i for i in range(input.ndim) if i not in axes))
    ofull = [0] * input.ndim
    for k, ax in enumerate(axes):
        ofull[ax] = origins[k]
    for i in range(input.ndim):
        _origin_ok(fname, "origin", ofull[i], w.shape[i])
    if convolution:
        w = w[(slice(None, None, -1),) * w.ndim]
        ofull = [-o - (0 if w.shape[i] & 1 else 1) for i, o in enumerate(ofull)]
    out = _output(fname, output, input)
    return _correlate_nd(input, w, out, mode, cval, ofull)


def correlate(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):
    """Multidimensional correlation, as :func:`scipy.ndimage.correlate`.

    ``output[i] = sum_j weights[j] * ext(input)[i + j - weights.shape // 2 - origin]``,
    ``ext`` extending the input by `mode` (`cval` for 'constant').

    Parameters
    ----------
    input : array_like
        Any rank; bool, integer, float32, float64 or complex.
    weights : array_like
        One axis per filtered axis (``input.ndim``, or ``len(axes)``); at most three of
        them longer than 1 (NotImplementedError otherwise).  Complex weights are
        conjugated, as SciPy does.
    output : ndarray or dtype, optional
        Array to write (then also returned) or dtype of the result; default the input's.
    mode : {'reflect', 'constant', 'nearest', 'mirror', 'wrap', 'grid-mirror', 'grid-constant', 'grid-wrap'}
    cval : scalar
        Fill value of 'constant'.
    origin : int or sequence of int
        Shift of the filter, per filtered axis, in ``[-(w // 2), (w - 1) // 2]``.
    axes : None, int or sequence of int
        The axes to filter (default all).

    Returns
    -------
    ndarray
        The result, of the input's shape.
    """
    return _correlate_or_convolve("correlate", input, weights, output, mode, cval, origin, False,
                                  axes)


def convolve(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):
    """Multidimensional convolution, as :func:`scipy.ndimage.convolve`: correlation with
    the weights reversed on every axis and each origin mirrored (``-origin``, and one less
    for even widths).  Parameters as :func:`correlate` (complex weights not conjugated)."""
    return _correlate_or_convolve("convolve", input, weights, output, mode, cval, origin, True,
                                  axes)


# ---------------------------------------------------------------- 1-D filters

def _weights1d(fname, weights):
    w = _weights(fname, weights)
    if w.ndim != 1 or w.shape[0] < 1:
        raise NdimageArgumentError(f"{fname}: weights must be a non-empty 1-D sequence, got "
                                   f"shape {w.shape}")
    return w


def correlate1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """1-D correlation along `axis`, as :func:`scipy.ndimage.correlate1d`.

    ``output[..., i, ...] = sum_j weights[j] * ext(input)[..., i + j - len(weights) // 2 - origin, ...]``
    computed by a C pass along the axis (vectorised across the contiguous axis, threaded
    over lines, no transpose).  Complex weights are conjugated.  Other parameters as
    :func:`correlate`.
    """
    return _correlate1d("correlate1d", input, weights, axis, output, mode, cval, origin, False)


def convolve1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """1-D convolution along `axis`, as :func:`scipy.ndimage.convolve1d`: correlate1d with
    the weights reversed and the origin mirrored (``-origin``, one less for even widths)."""
    return _correlate1d("convolve1d", input, weights, axis, output, mode, cval, origin, True)


def _correlate1d(fname, input, weights, axis, output, mode, cval, origin, convolution):
    input = _input(fname, input)
    w = _weights1d(fname, weights)
    if input.ndim == 0:
        raise ValueError(f"{fname}: input must have at least one axis, got a 0-d array")
    ax = _axis(fname, axis, input.ndim)
    origin = _origin_ok(fname, "origin", origin, w.shape[0])
    if convolution:
        w = w[::-1]
        origin = -origin - (0 if w.shape[0] & 1 else 1)
    elif w.dtype.kind == "c":
        w = w.conj()
    _mode_name(fname, mode)
    ci, cw = input.dtype.kind == "c", w.dtype.kind == "c"
    _cval(fname, cval, ci)
    if ci or cw:
        out = _output(fname, output, input, complex_output=True)
        return _complex_parts(
            lambda i, ww, output, cval: _correlate1d(fname, i, ww, ax, output, mode, cval, origin,
                                                     False),
            input, w, out, cval)
    out = _output(fname, output, input)
    _line(input, out, ax, w.astype(np.float64), 0, w.shape[0] // 2 + origin, mode, cval)
    return out


def _gaussian_kernel1d(sigma, order, radius):
    """SciPy's Gaussian kernel (and its derivatives), computed by the same operations."""
    exponent_range = np.arange(order + 1)
    sigma2 = sigma * sigma
    x = np.arange(-radius, radius + 1)
    phi_x = np.exp(-0.5 / sigma2 * x ** 2)
    phi_x = phi_x / phi_x.sum()
    if order == 0:
        return phi_x
    q = np.zeros(order + 1)
    q[0] = 1
    D = np.diag(exponent_range[1:], 1)
    P = np.diag(np.ones(order) / -sigma2, -1)
    Q_deriv = D + P
    for _ in range(order):
        q = Q_deriv.dot(q)
    q = (x[:, None] ** exponent_range).dot(q)
    return q * phi_x


def _gauss_params(fname, sigma, order, truncate, radius, allow_zero):
    if isinstance(sigma, (bool, np.bool_)) or not isinstance(sigma, (numbers.Real, np.number)):
        raise TypeError(f"{fname}: sigma must be a real number, got {sigma!r}")
    sd = float(sigma)
    if not (sd > 0 or (allow_zero and sd == 0)) or not np.isfinite(sd):
        raise ValueError(f"{fname}: sigma must be positive and finite, got {sigma!r}")
    order = _int(fname, "order", order)
    if order < 0:
        raise ValueError(f"{fname}: order must be non-negative, got {order}")
    if isinstance(truncate, bool) or not isinstance(truncate, (numbers.Real, np.number)) or \
            not np.isfinite(truncate) or truncate < 0:
        raise ValueError(f"{fname}: truncate must be a finite number >= 0, got {truncate!r}")
    if radius is None:
        lw = int(truncate * sd + 0.5)
    else:
        lw = _int(fname, "radius", radius)
        if lw < 0:
            raise ValueError(f"{fname}: radius must be a non-negative int, got {radius}")
    return sd, order, lw


def gaussian_filter1d(input, sigma, axis=-1, order=0, output=None, mode="reflect", cval=0.0,
                      truncate=4.0, *, radius=None):
    """1-D Gaussian filter along `axis`, as :func:`scipy.ndimage.gaussian_filter1d`.

    The kernel is SciPy's: ``exp(-x**2 / (2 sigma**2))`` on ``x = -r..r``, normalised to sum
    1, times the polynomial of the `order`-th derivative; ``r = radius``, or
    ``int(truncate * sigma + 0.5)``.  sigma must be > 0 (SciPy returns NaN for 0).
    """
    fname = "gaussian_filter1d"
    sd, order, lw = _gauss_params(fname, sigma, order, truncate, radius, False)
    weights = _gaussian_kernel1d(sd, order, lw)[::-1]
    return correlate1d(input, weights, axis, output, mode, cval, 0)


def _real_or_complex(fname, input, output, cval):
    ci = input.dtype.kind == "c"
    _cval(fname, cval, ci)
    return _output(fname, output, input, complex_output=ci)


def gaussian_filter(input, sigma, order=0, output=None, mode="reflect", cval=0.0, truncate=4.0, *,
                    radius=None, axes=None):
    """Multidimensional Gaussian filter, as :func:`scipy.ndimage.gaussian_filter`: one
    :func:`gaussian_filter1d` pass per axis (sigma, order, mode, radius scalars or one per
    filtered axis), skipping axes with sigma <= 1e-15; intermediate results are stored in
    the output dtype as SciPy stores them."""
    fname = "gaussian_filter"
    input = _input(fname, input)
    out = _output(fname, output, input)
    _cval(fname, cval, input.dtype.kind == "c")
    axes = _axes(fname, axes, input.ndim)
    n = len(axes)
    sigmas = _seq(fname, "sigma", sigma, n)
    orders = _seq(fname, "order", order, n)
    modes = [_mode_name(fname, m) for m in _seq(fname, "mode", mode, n)]
    radii = _seq(fname, "radius", radius, n)
    passes = []
    for ax, s, o, m, r in zip(axes, sigmas, orders, modes, radii):
        sd, o, lw = _gauss_params(fname, s, o, truncate, r, True)
        if sd > 1e-15:
            passes.append((ax, _gaussian_kernel1d(sd, o, lw)[::-1], 0, lw, m))
    if input.dtype.kind == "c" or out.dtype.kind == "c":
        if not passes:
            out[...] = input
        src = input
        for ax, w, _, _, m in passes:
            correlate1d(src, w, ax, out, m, cval, 0)
            src = out
        return out
    return _run_passes(input, out, passes, cval)


def uniform_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """1-D mean of `size` taps along `axis`, as :func:`scipy.ndimage.uniform_filter1d`:
    running sums in double (cost independent of size), bit-identical to SciPy's."""
    fname = "uniform_filter1d"
    input = _input(fname, input)
    size = _int(fname, "size", size)
    if size < 1:
        raise ValueError(f"{fname}: size must be >= 1, got {size}")
    if input.ndim == 0:
        raise ValueError(f"{fname}: input must have at least one axis, got a 0-d array")
    ax = _axis(fname, axis, input.ndim)
    origin = _origin_ok(fname, "origin", origin, size)
    _mode_name(fname, mode)
    out = _real_or_complex(fname, input, output, cval)
    if input.dtype.kind == "c":
        c = complex(cval)
        uniform_filter1d(input.real, size, ax, out.real, mode, c.real, origin)
        uniform_filter1d(input.imag, size, ax, out.imag, mode, c.imag, origin)
        return out
    _line(input, out, ax, None, size, size // 2 + origin, mode, cval)
    return out


def uniform_filter(input, size=3, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):
    """Multidimensional mean filter, as :func:`scipy.ndimage.uniform_filter`: one
    :func:`uniform_filter1d` pass per axis with size > 1 (size, origin, mode scalars or one
    per filtered axis), intermediate results in the output dtype."""
    fname = "uniform_filter"
    input = _input(fname, input)
    out = _real_or_complex(fname, input, output, cval)
    axes = _axes(fname, axes, input.ndim)
    n = len(axes)
    sizes = [_int(fname, "size", s) for s in _seq(fname, "size", size, n)]
    origins = _seq(fname, "origin", origin, n)
    modes = [_mode_name(fname, m) for m in _seq(fname, "mode", mode, n)]
    passes = []
    for ax, s, o, m in zip(axes, sizes, origins, modes):
        if s < 1:
            raise ValueError(f"{fname}: size must be >= 1 on every axis, got {s}")
        o = _origin_ok(fname, "origin", o, s)
        if s > 1:
            passes.append((ax, None, s, s // 2 + o, m))
    if input.dtype.kind == "c":
        c = complex(cval)
        for part, dst, cv in ((input.real, out.real, c.real), (input.imag, out.imag, c.imag)):
            _run_passes(part, dst, passes, cv)
        return out
    return _run_passes(input, out, passes, cval)


def _derivative(fname, input, axis, output, mode, cval, smooth):
    input = _input(fname, input)
    if input.ndim == 0:
        raise ValueError(f"{fname}: input must have at least one axis, got a 0-d array")
    ax = _axis(fname, axis, input.ndim)
    out = _output(fname, output, input)
    modes = [_mode_name(fname, m) for m in _seq(fname, "mode", mode, input.ndim)]
    _cval(fname, cval, input.dtype.kind == "c")
    diff = np.array([-1.0, 0.0, 1.0])
    passes = [(ax, diff, 0, 1, modes[ax])]
    passes += [(i, smooth, 0, 1, modes[i]) for i in range(input.ndim) if i != ax]
    if input.dtype.kind == "c" or out.dtype.kind == "c":
        src = input
        for i, w, _, _, m in passes:
            correlate1d(src, w, i, out, m, cval, 0)
            src = out
        return out
    return _run_passes(input, out, passes, cval)


def sobel(input, axis=-1, output=None, mode="reflect", cval=0.0):
    """Sobel filter, as :func:`scipy.ndimage.sobel`: the difference (-1, 0, 1) along `axis`,
    then the smoothing (1, 2, 1) along every other axis (mode: one or one per axis)."""
    return _derivative("sobel", input, axis, output, mode, cval, np.array([1.0, 2.0, 1.0]))


def prewitt(input, axis=-1, output=None, mode="reflect", cval=0.0):
    """Prewitt filter, as :func:`scipy.ndimage.prewitt`: (-1, 0, 1) along `axis`, then
    (1, 1, 1) along every other axis."""
    return _derivative("prewitt", input, axis, output, mode, cval, np.array([1.0, 1.0, 1.0]))


def laplace(input, output=None, mode="reflect", cval=0.0, *, axes=None):
    """Laplace filter, as :func:`scipy.ndimage.laplace`: the sum over the filtered axes of
    the second difference (1, -2, 1), each computed from the input into the output dtype
    and added in it (SciPy's order)."""
    fname = "laplace"
    input = _input(fname, input)
    out = _output(fname, output, input)
    _cval(fname, cval, input.dtype.kind == "c")
    axes = _axes(fname, axes, input.ndim)
    if not axes:
        out[...] = input
        return out
    modes = [_mode_name(fname, m) for m in _seq(fname, "mode", mode, len(axes))]
    d2 = np.array([1.0, -2.0, 1.0])
    correlate1d(input, d2, axes[0], out, modes[0], cval, 0)
    for ax, m in zip(axes[1:], modes[1:]):
        out += correlate1d(input, d2, ax, out.dtype, m, cval, 0)
    return out
