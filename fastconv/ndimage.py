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
from __future__ import annotations

import numbers
from typing import Any, Optional, Sequence, Tuple, Union, cast

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from . import _core, _plan
from ._ndimage_support import (_EPS, _MODES, NdimageArgumentError, _axes, _axis, _complex_parts,
                               _ct, _cval, _input, _int, _line, _mode_name, _origin_ok, _output,
                               _run_passes, _seq, _store, _weights)

__all__ = [
    "correlate", "convolve", "correlate1d", "convolve1d", "gaussian_filter",
    "gaussian_filter1d", "uniform_filter", "uniform_filter1d", "sobel", "prewitt", "laplace",
    "NdimageArgumentError",
]


#: ``output``: an array to write into, or the dtype of the new result (None: the input's)
_Output = Optional[Union[NDArray[Any], DTypeLike]]
#: ``cval``: a real or complex scalar
_Scalar = Union[complex, "np.number[Any]"]
#: ``origin``, ``axes``, ``size``, ``order``, ``radius``: one int or one per filtered axis
_IntOrSeq = Union[int, Sequence[int]]
#: ``mode`` of the multi-pass filters: one mode name, or one per filtered axis
_ModeOrSeq = Union[str, Sequence[str]]


# ---------------------------------------------------------------- correlate / convolve

_METHODS = {"auto": 0, "direct": 1, "fft": 2}


def _method(fname: str, method: Any, input: NDArray[Any], weights: NDArray[Any]) -> int:
    """method= as the C code (0 auto, 1 direct, 2 fft); auto takes direct where an input
    has a NaN or Inf (direct keeps it local to the outputs it touches) or for integers."""
    if not isinstance(method, str) or method not in _METHODS:
        raise ValueError(f"{fname}: method must be one of 'auto', 'direct', 'fft', got {method!r}")
    code = _METHODS[method]
    if code == 0 and np.size(weights) > 8:
        if input.dtype.kind != "f" or not (np.isfinite(input).all() and np.isfinite(weights).all()):
            return 1
    return code


def _correlate_nd(input: NDArray[Any], weights: NDArray[Any], output: NDArray[Any], mode: str,
                  cval: Any, origins: Sequence[int], method: int = 1) -> NDArray[Any]:
    """Real N-d correlation (weights.ndim == input.ndim, origins validated) into output;
    method 0 auto, 1 direct, 2 fft (fastconv's FFT tiles, any mode)."""
    if input.size == 0:
        return output
    code = _MODES[mode]
    w = weights.astype(np.float64)
    w[np.abs(w) <= _EPS] = 0.0  # SciPy drops these weights
    longs = [i for i in range(w.ndim) if w.shape[i] > 1]
    pads = [w.shape[i] // 2 + origins[i] for i in range(w.ndim)]
    if len(longs) == 1 and method == 0 and input.size == input.shape[longs[0]]:
        # one line: the FFT where the plan's cost model prefers it
        from ._signal import choose_method
        x1 = np.zeros(input.shape[longs[0]], _ct(input, output))
        method = 2 if choose_method(x1, w.ravel().astype(x1.dtype), "same") == "fft" else 1
    if len(longs) <= 1 and method != 2:
        axis = longs[0] if longs else input.ndim - 1
        _line(input, output, axis, w.ravel(), 0, pads[axis], mode, cval)
        return output
    _plan.not_described("the multi-row engine of fastconv.ndimage.correlate with N-d weights")
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
                                code, float(cval), res.reshape(-1), 0, method)
    else:
        _core.ndimage_correlate(x.ravel(), lshape, B, wl, wshape, lpads, code, float(cval),
                                res.reshape(-1), 0, method)
    if not direct:
        _store(output, res.transpose(np.argsort(perm)))
    return output


def _correlate_or_convolve(fname: str, input: ArrayLike, weights: ArrayLike, output: _Output,
                           mode: str, cval: Any, origin: Any, convolution: bool, axes: Any,
                           method: Any = "auto") -> NDArray[Any]:
    input = _input(fname, input)
    weights = _weights(fname, weights)
    meth = _method(fname, method, input, weights)
    ci, cw = input.dtype.kind == "c", weights.dtype.kind == "c"
    _mode_name(fname, mode)
    _cval(fname, cval, ci)
    if ci or cw:
        if cw and not convolution:
            weights = weights.conj()  # as np.correlate: conjugate the weights
        out = _output(fname, output, input, complex_output=True)
        return _complex_parts(
            lambda i, w, output, cval, **kw: _correlate_or_convolve(
                fname, i, w, output, mode, cval, origin, convolution, axes, method),
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
    return _correlate_nd(input, w, out, mode, cval, ofull, meth)


def correlate(input: ArrayLike, weights: ArrayLike, output: _Output = None, mode: str = "reflect",
              cval: _Scalar = 0.0, origin: _IntOrSeq = 0, *, axes: Optional[_IntOrSeq] = None,
              method: str = "auto") -> NDArray[Any]:
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
    method : {'auto', 'direct', 'fft'}
        fastconv's extension: ``'direct'`` sums the products (SciPy's results to
        rounding); ``'fft'`` uses overlap-save FFT tiles (error relative to the norms of
        input and weights; a NaN or Inf spreads over its tile); ``'auto'`` lets the
        plan's cost model choose (direct for integer or non-finite input, and for several
        lines filtered by 1-D weights).

    Returns
    -------
    ndarray
        The result, of the input's shape.
    """
    return _correlate_or_convolve("correlate", input, weights, output, mode, cval, origin, False,
                                  axes, method)


def convolve(input: ArrayLike, weights: ArrayLike, output: _Output = None, mode: str = "reflect",
             cval: _Scalar = 0.0, origin: _IntOrSeq = 0, *, axes: Optional[_IntOrSeq] = None,
             method: str = "auto") -> NDArray[Any]:
    """Multidimensional convolution, as :func:`scipy.ndimage.convolve`: correlation with
    the weights reversed on every axis and each origin mirrored (``-origin``, and one less
    for even widths).  Parameters as :func:`correlate` (complex weights not conjugated)."""
    return _correlate_or_convolve("convolve", input, weights, output, mode, cval, origin, True,
                                  axes, method)


# ---------------------------------------------------------------- 1-D filters

def _weights1d(fname: str, weights: ArrayLike) -> NDArray[Any]:
    w = _weights(fname, weights)
    if w.ndim != 1 or w.shape[0] < 1:
        raise NdimageArgumentError(f"{fname}: weights must be a non-empty 1-D sequence, got "
                                   f"shape {w.shape}")
    return w


def correlate1d(input: ArrayLike, weights: ArrayLike, axis: int = -1, output: _Output = None,
                mode: str = "reflect", cval: _Scalar = 0.0, origin: int = 0, *,
                method: str = "auto") -> NDArray[Any]:
    """1-D correlation along `axis`, as :func:`scipy.ndimage.correlate1d`.

    ``output[..., i, ...] = sum_j weights[j] * ext(input)[..., i + j - len(weights) // 2 - origin, ...]``
    computed by a C pass along the axis (vectorised across the contiguous axis, threaded
    over lines, no transpose).  Complex weights are conjugated.  Other parameters as
    :func:`correlate` (``method``: FFT tiles along the axis, forced or where ``'auto'``
    finds them faster for a single line).
    """
    return _correlate1d("correlate1d", input, weights, axis, output, mode, cval, origin, False,
                        method)


def convolve1d(input: ArrayLike, weights: ArrayLike, axis: int = -1, output: _Output = None,
               mode: str = "reflect", cval: _Scalar = 0.0, origin: int = 0, *,
               method: str = "auto") -> NDArray[Any]:
    """1-D convolution along `axis`, as :func:`scipy.ndimage.convolve1d`: correlate1d with
    the weights reversed and the origin mirrored (``-origin``, one less for even widths)."""
    return _correlate1d("convolve1d", input, weights, axis, output, mode, cval, origin, True,
                        method)


def _correlate1d(fname: str, input: ArrayLike, weights: ArrayLike, axis: Any, output: _Output,
                 mode: str, cval: Any, origin: Any, convolution: bool,
                 method: Any = "auto") -> NDArray[Any]:
    input = _input(fname, input)
    w = _weights1d(fname, weights)
    meth = _method(fname, method, input, w)
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
                                                     False, method),
            input, w, out, cval)
    out = _output(fname, output, input)
    if meth != 1 and input.size:
        # the N-d path with weights long on `ax` only: FFT tiles where chosen, else _line
        wfull = w.astype(np.float64).reshape([-1 if i == ax else 1 for i in range(input.ndim)])
        return _correlate_nd(input, wfull, out, mode, cval,
                             [origin if i == ax else 0 for i in range(input.ndim)], meth)
    _line(input, out, ax, w.astype(np.float64), 0, w.shape[0] // 2 + origin, mode, cval)
    return out


def _gaussian_kernel1d(sigma: float, order: int, radius: int) -> NDArray[np.float64]:
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


def _gauss_params(fname: str, sigma: Any, order: Any, truncate: Any, radius: Any,
                  allow_zero: bool) -> Tuple[float, int, int]:
    if isinstance(sigma, (bool, np.bool_)) or not isinstance(sigma, (numbers.Real, np.number)):
        raise TypeError(f"{fname}: sigma must be a real number, got {sigma!r}")
    sd = float(sigma)
    if not (sd > 0 or (allow_zero and sd == 0)) or not np.isfinite(sd):
        raise ValueError(f"{fname}: sigma must be positive and finite, got {sigma!r}")
    order = _int(fname, "order", order)
    if order < 0:
        raise ValueError(f"{fname}: order must be non-negative, got {order}")
    if isinstance(truncate, bool) or not isinstance(truncate, (numbers.Real, np.number)) or \
            not np.isfinite(cast(Any, truncate)) or truncate < 0:
        raise ValueError(f"{fname}: truncate must be a finite number >= 0, got {truncate!r}")
    if radius is None:
        lw = int(cast(Any, truncate) * sd + 0.5)
    else:
        lw = _int(fname, "radius", radius)
        if lw < 0:
            raise ValueError(f"{fname}: radius must be a non-negative int, got {radius}")
    return sd, order, lw


def gaussian_filter1d(input: ArrayLike, sigma: float, axis: int = -1, order: int = 0,
                      output: _Output = None, mode: str = "reflect", cval: _Scalar = 0.0,
                      truncate: float = 4.0, *, radius: Optional[int] = None) -> NDArray[Any]:
    """1-D Gaussian filter along `axis`, as :func:`scipy.ndimage.gaussian_filter1d`.

    The kernel is SciPy's: ``exp(-x**2 / (2 sigma**2))`` on ``x = -r..r``, normalised to sum
    1, times the polynomial of the `order`-th derivative; ``r = radius``, or
    ``int(truncate * sigma + 0.5)``.  sigma must be > 0 (SciPy returns NaN for 0).
    """
    fname = "gaussian_filter1d"
    sd, order, lw = _gauss_params(fname, sigma, order, truncate, radius, False)
    weights = _gaussian_kernel1d(sd, order, lw)[::-1]
    return correlate1d(input, weights, axis, output, mode, cval, 0)


def _real_or_complex(fname: str, input: NDArray[Any], output: _Output, cval: Any) -> NDArray[Any]:
    ci = input.dtype.kind == "c"
    _cval(fname, cval, ci)
    return _output(fname, output, input, complex_output=ci)


def gaussian_filter(input: ArrayLike, sigma: Union[float, Sequence[float]], order: _IntOrSeq = 0,
                    output: _Output = None, mode: _ModeOrSeq = "reflect", cval: _Scalar = 0.0,
                    truncate: float = 4.0, *, radius: Union[None, int, Sequence[int]] = None,
                    axes: Optional[_IntOrSeq] = None) -> NDArray[Any]:
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


def uniform_filter1d(input: ArrayLike, size: int, axis: int = -1, output: _Output = None,
                     mode: str = "reflect", cval: _Scalar = 0.0, origin: int = 0) -> NDArray[Any]:
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


def uniform_filter(input: ArrayLike, size: _IntOrSeq = 3, output: _Output = None,
                   mode: _ModeOrSeq = "reflect", cval: _Scalar = 0.0, origin: _IntOrSeq = 0, *,
                   axes: Optional[_IntOrSeq] = None) -> NDArray[Any]:
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


def _derivative(fname: str, input: ArrayLike, axis: Any, output: _Output, mode: Any, cval: Any,
                smooth: NDArray[np.float64]) -> NDArray[Any]:
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


def sobel(input: ArrayLike, axis: int = -1, output: _Output = None, mode: _ModeOrSeq = "reflect",
          cval: _Scalar = 0.0) -> NDArray[Any]:
    """Sobel filter, as :func:`scipy.ndimage.sobel`: the difference (-1, 0, 1) along `axis`,
    then the smoothing (1, 2, 1) along every other axis (mode: one or one per axis)."""
    return _derivative("sobel", input, axis, output, mode, cval, np.array([1.0, 2.0, 1.0]))


def prewitt(input: ArrayLike, axis: int = -1, output: _Output = None, mode: _ModeOrSeq = "reflect",
            cval: _Scalar = 0.0) -> NDArray[Any]:
    """Prewitt filter, as :func:`scipy.ndimage.prewitt`: (-1, 0, 1) along `axis`, then
    (1, 1, 1) along every other axis."""
    return _derivative("prewitt", input, axis, output, mode, cval, np.array([1.0, 1.0, 1.0]))


def laplace(input: ArrayLike, output: _Output = None, mode: _ModeOrSeq = "reflect",
            cval: _Scalar = 0.0, *, axes: Optional[_IntOrSeq] = None) -> NDArray[Any]:
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


# The public docstrings (numpydoc, Examples run as doctests) are in _ndimage_docs.py, as
# NumPy keeps its in _add_newdocs.py: here they would take this file past 600 lines.
from ._ndimage_docs import attach as _attach_docs  # noqa: E402

_attach_docs(globals())
