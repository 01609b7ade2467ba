"""The public Python API: validation, dtype and shape handling, then one C call.

Everything that can be wrong with an argument is caught here, before any C runs,
with a message naming the argument, what was expected and what was given.  The C
library (through :mod:`fastconv._core`) then receives contiguous float32/float64
buffers and plain ints.  This module holds the batched, channels-first functions;
the single-array functions are in :mod:`fastconv._signal`, the run-time settings in
:mod:`fastconv._runtime`, and all are re-exported here.

Dtypes: float32 inputs give float32; float64 gives float64; a mix, integers and
bools compute in float64 (float16 computes in float32); complex raises TypeError.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _core, _plan
from ._algorithm import auto_finite, resolve_algorithm
from ._arrays import (_ALIGN, _F32, _F64, _as_array, _compute_dtype, _contig,  # noqa: F401
                      _empty, _output, _threads)
from ._params import (ConvParams, check_bias, check_grad_out_shape, normalize_shape,
                      resolve_conv)
from ._runtime import (config, get_num_threads, release_workspace, set_isa,  # noqa: F401
                       set_num_threads, show_config)
from ._signal import (choose_method, convolve, convolve2d, correlate, correlate2d,  # noqa: F401
                      pad_full, rot180)

__all__ = [
    "correlate", "convolve", "correlate2d", "convolve2d", "choose_method", "rot180", "pad_full",
    "conv_forward", "conv_backward_input", "conv_backward_weight", "conv_backward_bias",
    "conv_output_shape", "set_num_threads", "get_num_threads", "set_isa", "config", "show_config",
    "release_workspace",
]

#: ``stride`` and ``dilation``: one int for every spatial axis, or one int per axis
IntOrTuple = Union[int, Sequence[int]]
#: ``padding``: an int, one int or one (low, high) pair per axis, or a string
Padding = Union[int, str, Sequence[Union[int, Tuple[int, int]]]]


def _desc(nd: int, x_shape: Sequence[int], w_shape: Sequence[int], params: ConvParams,
          flip: bool, algorithm: int = 0) -> tuple:
    """The tuple _core turns into an fc_conv_desc (algorithm: an fc_algorithm code)."""
    return (nd, x_shape[0], x_shape[1], w_shape[0], params.groups, tuple(x_shape[2:]),
            tuple(w_shape[2:]), params.stride, params.dilation, params.pad_low,
            params.pad_high, bool(flip), algorithm)


def _flip_flag(fname: str, flip: Any) -> bool:
    if not isinstance(flip, (bool, np.bool_)):
        raise TypeError(f"{fname}: flip must be a bool, got {type(flip).__name__} {flip!r}")
    return bool(flip)



# ---------------------------------------------------------------- batched

def conv_output_shape(input_shape: Sequence[int], weight_shape: Sequence[int], *,
                      stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
                      groups: int = 1) -> Tuple[int, ...]:
    """The shape :func:`conv_forward` returns for x of ``input_shape`` and w of ``weight_shape``.

    Per spatial axis ``out = (n + pad_low + pad_high - dilation*(k-1) - 1) // stride + 1``
    (n=32, padding 1, k=3, stride 2: 16).  Nothing is allocated or computed.

    Parameters
    ----------
    input_shape : sequence of ints
        ``(N, C, *spatial)`` with 1, 2 or 3 spatial axes.
    weight_shape : sequence of ints
        ``(K, C // groups, *kernel)``, of the same rank.
    stride, padding, dilation, groups
        As in :func:`conv_forward`.

    Returns
    -------
    tuple of ints
        ``(N, K, *out_spatial)``.

    Raises
    ------
    TypeError
        A shape, stride, padding, dilation or groups of the wrong type.
    ValueError
        Shapes that do not fit together, or a hyper-parameter out of its domain, as in
        :func:`conv_forward`.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.conv_output_shape((8, 3, 32, 32), (16, 3, 3, 3), stride=2, padding=1)
    (8, 16, 16, 16)
    >>> fastconv.conv_output_shape((1, 1, 10), (1, 1, 3), padding="full")
    (1, 1, 12)
    """
    _, out_shape = resolve_conv("conv_output_shape", input_shape, weight_shape, stride,
                                padding, dilation, groups)
    return out_shape


def conv_forward(x: ArrayLike, w: ArrayLike, bias: Optional[ArrayLike] = None, *,
                 stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
                 groups: int = 1, flip: bool = False, out: Optional[NDArray[Any]] = None,
                 num_threads: Optional[int] = None, algorithm: str = "auto") -> NDArray[Any]:
    """Batched multi-channel convolution, channels-first, 1-D to 3-D.

    ``y[n, k] = bias[k] + sum_c sum_r w[k, c, r] * xpad[n, g*C/G + c, o*stride + r*dilation]``
    with the semantics of ``torch.nn.functional.conv1d/2d/3d`` (a cross-correlation);
    ``flip=True`` rotates the kernel 180 degrees first (a true convolution, Lasagne's
    ``flip_filters=True``).

    Parameters
    ----------
    x : array_like, shape ``(N, C, *spatial)``
        1, 2 or 3 spatial axes, told apart by the rank.
    w : array_like, shape ``(K, C // groups, *kernel)``
        The kernels, one per output channel.
    bias : array_like, shape (K,), optional
        Added to every output pixel of channel k.
    stride : int or one int per spatial axis, default 1
        The step between output pixels.
    padding : int, one int per axis, one (low, high) pair per axis, or a string, default 0
        Zeros added around each spatial axis; "valid" is 0, "same" keeps the size
        (stride 1 only; an odd total puts the extra element on the high side, as
        PyTorch does), "full" is ``dilation*(k-1)`` on both sides.
    dilation : int or one int per spatial axis, default 1
        The step between kernel taps.
    groups : int, default 1
        Channel groups: C and K must both be divisible by it; group g maps input
        channels ``g*C/G ...`` to output channels ``g*K/G ...``.
    flip : bool, default False
        True computes a true convolution (each kernel rotated 180 degrees).
    out : numpy.ndarray, optional
        C-contiguous, writeable, of the result shape and dtype, not overlapping x or w;
        written and returned.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).
    algorithm : {"auto", "direct", "winograd", "fft"}, default "auto"
        "direct" is the direct method; "winograd" is Winograd F(4x4, 3x3) (F(2x2, 3x3)
        on small images) for 2-D 3x3 layers with stride 1 and dilation 1: fewer
        multiplications, float32 error up to about 1e-4 of ``max|y|``, and a NaN or Inf
        in x spreads to the whole output tile that reads it.  "auto" (the default)
        takes Winograd where a cost model says it is clearly faster (at least 64
        input and output channels a group and tiles enough, e.g. the ResNet 3x3
        layers), "direct" elsewhere; :func:`fastconv.explain` shows which.
        "fft" plays the role of ``method="fft"`` of the single-array functions:
        overlap-save FFT tiles along the axis of 1-D layers with stride 1 and dilation
        1 (any padding, groups, flip; ValueError elsewhere), each kernel transformed
        once a call; float64 error within 1e-12 and float32 within 1e-4 of ``max|y|``,
        and a NaN or Inf spreads over the tile that reads it.  "auto" takes it where
        the plan's cost model says it is faster (long kernels: 16 channels, 64 taps
        and more), never for inputs holding a NaN or Inf nor for small calls.

    Returns
    -------
    numpy.ndarray, shape ``(N, K, *out_spatial)``
        float32 when every input is float32, float64 otherwise; see
        :func:`conv_output_shape` for the spatial size.

    Raises
    ------
    TypeError
        An array of a complex or non-numeric dtype; a stride, padding, dilation or
        groups of the wrong type; a non-bool ``flip``; an ``out`` of the wrong dtype;
        an ``algorithm`` that is not a str.
    ValueError
        Ranks, channel counts or shapes that do not fit together (the message names the
        argument); a stride, dilation or groups below 1, a negative padding,
        ``padding="same"`` with a stride above 1, a dilated kernel larger than the
        padded input; an ``out`` of the wrong shape, not C-contiguous, read-only or
        overlapping an input; ``num_threads < 1``; an unknown ``algorithm``, or
        "winograd" on a layer it cannot serve (the message says why).
    MemoryError
        A workspace could not be allocated.

    See Also
    --------
    conv_backward_input, conv_backward_weight, conv_backward_bias : its gradients.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> x = np.arange(2 * 3 * 5 * 5, dtype=np.float64).reshape(2, 3, 5, 5)
    >>> w = np.ones((4, 3, 3, 3))
    >>> y = fastconv.conv_forward(x, w, np.arange(4.0), padding=1)
    >>> y.shape
    (2, 4, 5, 5)
    >>> y[0, :, 0, 0]        # corner: 4 taps x 3 channels, + bias
    array([336., 337., 338., 339.])
    """
    fname = "conv_forward"
    xa = _as_array(fname, "x", x)
    wa = _as_array(fname, "w", w)
    flip = _flip_flag(fname, flip)
    nt = _threads(fname, num_threads)
    params, out_shape = resolve_conv(fname, xa.shape, wa.shape, stride, padding, dilation, groups)
    arrays = [xa, wa]
    ba = None
    if bias is not None:
        ba = _as_array(fname, "bias", bias)
        check_bias(fname, ba.shape, wa.shape[0])
        arrays.append(ba)
    dtype = _compute_dtype(*arrays)
    y = _output(fname, out, out_shape, dtype, [("x", xa), ("w", wa), ("bias", ba)])
    algo = resolve_algorithm(fname, algorithm, wa.shape[2:], params)
    algo = auto_finite(algo, wa.shape[2:], params, lambda: _core.describe_conv(
        fname, _desc(xa.ndim - 2, xa.shape, wa.shape, params, flip, algo), dtype == np.float32,
        ba is not None, nt), xa, wa)
    desc = _desc(xa.ndim - 2, xa.shape, wa.shape, params, flip, algo)
    cx, cw, cy = _contig(xa, dtype), _contig(wa, dtype), y.reshape(-1)
    cb = None if ba is None else _contig(ba, dtype)
    if _plan.tracing:
        _plan.run(fname, lambda: _core.conv_forward(desc, cx, cw, cb, cy, nt),
                  lambda: _core.describe_conv(fname, desc, dtype == np.float32, ba is not None, nt),
                  (("x", xa), ("w", wa), ("y", y)))
    else:
        _core.conv_forward(desc, cx, cw, cb, cy, nt)
    return y


def _shape_arg(fname: str, name: str, shape: Sequence[int], rank: int) -> Tuple[int, ...]:
    shape = normalize_shape(fname, name, shape)
    if len(shape) != rank:
        raise ValueError(f"{fname}: {name} must have {rank} entries, got {shape}")
    return tuple(shape)


def conv_backward_input(grad_out: ArrayLike, w: ArrayLike, input_shape: Sequence[int], *,
                        stride: IntOrTuple = 1, padding: Padding = 0,
                        dilation: IntOrTuple = 1, groups: int = 1, flip: bool = False,
                        out: Optional[NDArray[Any]] = None,
                        num_threads: Optional[int] = None, algorithm: str = "auto") -> NDArray[Any]:
    """Gradient of :func:`conv_forward` with respect to its input x.

    A "full" convolution of ``grad_out`` with the 180-degree-rotated kernel, summed
    over output channels (the kernel's in/out channel axes transposed); equal to
    ``torch.nn.grad.conv1d/2d/3d_input``.  With a stride > 1, input positions no output
    reads get zero.

    Parameters
    ----------
    grad_out : array_like, shape ``(N, K, *out_spatial)``
        dLoss/dy, of the shape the forward call returned.
    w : array_like, shape ``(K, C // groups, *kernel)``
        The forward call's kernels.
    input_shape : sequence of ints
        ``(N, C, *spatial)``, the shape of x (it fixes the size a strided forward pass
        would otherwise leave ambiguous).
    stride, padding, dilation, groups, flip
        The forward call's, as in :func:`conv_forward`.
    out : numpy.ndarray, optional
        As in :func:`conv_forward`, of ``input_shape``.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).
    algorithm : {"auto", "direct", "winograd", "fft"}, default "auto"
        As in :func:`conv_forward` (Winograd runs on the rotated, channel-transposed
        kernel; a NaN or Inf in ``grad_out`` spreads to the tiles that read it); "fft"
        correlates ``grad_out`` with the reversed, channel-transposed kernel by FFT
        tiles (1-D layers, stride 1, dilation 1).

    Returns
    -------
    numpy.ndarray of ``input_shape``
        dLoss/dx.

    Raises
    ------
    TypeError
        As for :func:`conv_forward`.
    ValueError
        As for :func:`conv_forward`, and a ``grad_out`` whose shape is not the forward
        output's.
    MemoryError
        A workspace could not be allocated.

    Examples
    --------
    The gradient is the adjoint of the forward pass: ``<conv(x), g> == <x, grad_in(g)>``.

    >>> import numpy as np
    >>> import fastconv
    >>> rng = np.random.default_rng(0)
    >>> x, w = rng.standard_normal((2, 3, 9, 9)), rng.standard_normal((5, 3, 3, 3))
    >>> y = fastconv.conv_forward(x, w, stride=2, padding=1)
    >>> g = rng.standard_normal(y.shape)
    >>> gx = fastconv.conv_backward_input(g, w, x.shape, stride=2, padding=1)
    >>> gx.shape
    (2, 3, 9, 9)
    >>> bool(np.isclose(np.vdot(y, g), np.vdot(x, gx)))
    True
    """
    fname = "conv_backward_input"
    ga = _as_array(fname, "grad_out", grad_out)
    wa = _as_array(fname, "w", w)
    flip = _flip_flag(fname, flip)
    nt = _threads(fname, num_threads)
    xs = _shape_arg(fname, "input_shape", input_shape, wa.ndim)
    params, out_shape = resolve_conv(fname, xs, wa.shape, stride, padding, dilation, groups,
                                     x_name="input_shape")
    check_grad_out_shape(fname, ga.shape, out_shape)
    dtype = _compute_dtype(ga, wa)
    gx = _output(fname, out, xs, dtype, [("grad_out", ga), ("w", wa)])
    algo = resolve_algorithm(fname, algorithm, wa.shape[2:], params)
    algo = auto_finite(algo, wa.shape[2:], params, lambda: _core.describe_conv(
        fname, _desc(len(xs) - 2, xs, wa.shape, params, flip, algo), dtype == np.float32, False,
        nt), ga, wa)
    desc = _desc(len(xs) - 2, xs, wa.shape, params, flip, algo)
    if gx.size:
        cg, cw, cx = _contig(ga, dtype), _contig(wa, dtype), gx.reshape(-1)
        if _plan.tracing:
            _plan.run(fname, lambda: _core.conv_backward_input(desc, cg, cw, cx, nt),
                      lambda: _core.describe_conv(fname, desc, dtype == np.float32, False, nt),
                      (("grad_out", ga), ("w", wa), ("grad_in", gx)))
        else:
            _core.conv_backward_input(desc, cg, cw, cx, nt)
    return gx


def conv_backward_weight(x: ArrayLike, grad_out: ArrayLike, weight_shape: Sequence[int], *,
                         stride: IntOrTuple = 1, padding: Padding = 0,
                         dilation: IntOrTuple = 1, groups: int = 1, flip: bool = False,
                         out: Optional[NDArray[Any]] = None,
                         num_threads: Optional[int] = None, algorithm: str = "auto") -> NDArray[Any]:
    """Gradient of :func:`conv_forward` with respect to the weights w.

    The valid correlation of (padded) x with ``grad_out``, summed over the batch;
    equal to ``torch.nn.grad.conv1d/2d/3d_weight``.  With ``flip=True`` it is the
    gradient of the flipped forward (the rotated correlation).

    Parameters
    ----------
    x : array_like, shape ``(N, C, *spatial)``
        The forward call's input.
    grad_out : array_like, shape ``(N, K, *out_spatial)``
        dLoss/dy.
    weight_shape : sequence of ints
        ``(K, C // groups, *kernel)``, the shape of w.
    stride, padding, dilation, groups, flip
        The forward call's, as in :func:`conv_forward`.
    out : numpy.ndarray, optional
        As in :func:`conv_forward`, of ``weight_shape``.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).
    algorithm : {"auto", "direct", "winograd", "fft"}, default "auto"
        As in :func:`conv_forward`; "winograd" sums ``G^T [(A g A^T) . (B^T d B)] G``
        over the output tiles g and their input patches d (the adjoint of the forward
        algorithm).  "fft" (1-D layers, stride 1, dilation 1) sums the per-bin products
        ``conj(FFT(grad_out tile)) * FFT(x window)`` over the batch and the tiles in a
        fixed order, then one inverse transform per channel pair.  "auto" runs direct
        here for Winograd's layers (not yet measured) and the FFT where its cost model
        says it is faster, as in :func:`conv_forward`.

    Returns
    -------
    numpy.ndarray of ``weight_shape``
        dLoss/dw.

    Raises
    ------
    TypeError
        As for :func:`conv_forward`.
    ValueError
        As for :func:`conv_forward`, and a ``grad_out`` whose shape is not the forward
        output's.
    MemoryError
        A workspace could not be allocated.

    Examples
    --------
    One image, one channel: the valid correlation of x with ``grad_out``.

    >>> import numpy as np
    >>> import fastconv
    >>> rng = np.random.default_rng(1)
    >>> x, g = rng.standard_normal((1, 1, 6, 6)), rng.standard_normal((1, 1, 4, 4))
    >>> gw = fastconv.conv_backward_weight(x, g, (1, 1, 3, 3))
    >>> np.allclose(gw[0, 0], fastconv.correlate2d(x[0, 0], g[0, 0], "valid"))
    True
    """
    fname = "conv_backward_weight"
    xa = _as_array(fname, "x", x)
    ga = _as_array(fname, "grad_out", grad_out)
    flip = _flip_flag(fname, flip)
    nt = _threads(fname, num_threads)
    ws = _shape_arg(fname, "weight_shape", weight_shape, xa.ndim)
    params, out_shape = resolve_conv(fname, xa.shape, ws, stride, padding, dilation, groups,
                                     w_name="weight_shape")
    check_grad_out_shape(fname, ga.shape, out_shape)
    dtype = _compute_dtype(xa, ga)
    gw = _output(fname, out, ws, dtype, [("x", xa), ("grad_out", ga)])
    algo = resolve_algorithm(fname, algorithm, ws[2:], params)
    algo = auto_finite(algo, ws[2:], params, lambda: _core.describe_conv(
        fname, _desc(xa.ndim - 2, xa.shape, ws, params, flip, algo), dtype == np.float32, False,
        nt), xa, ga)
    desc = _desc(xa.ndim - 2, xa.shape, ws, params, flip, algo)
    cx, cg, cw = _contig(xa, dtype), _contig(ga, dtype), gw.reshape(-1)
    if _plan.tracing:
        _plan.run(fname, lambda: _core.conv_backward_weight(desc, cx, cg, cw, nt),
                  lambda: _core.describe_conv(fname, desc, dtype == np.float32, False, nt),
                  (("x", xa), ("grad_out", ga), ("grad_w", gw)))
    else:
        _core.conv_backward_weight(desc, cx, cg, cw, nt)
    return gw


def conv_backward_bias(grad_out: ArrayLike, *, out: Optional[NDArray[Any]] = None,
                       num_threads: Optional[int] = None) -> NDArray[Any]:
    """Gradient of :func:`conv_forward` with respect to the bias.

    ``grad_out`` summed over the batch and every spatial axis; float32 sums accumulate
    in float64.

    Parameters
    ----------
    grad_out : array_like, shape ``(N, K, *out_spatial)``
        dLoss/dy, with 1 to 3 spatial axes.
    out : numpy.ndarray, optional
        As in :func:`conv_forward`, of shape ``(K,)``.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).

    Returns
    -------
    numpy.ndarray, shape (K,)
        dLoss/dbias, of ``grad_out``'s compute dtype.

    Raises
    ------
    TypeError
        ``grad_out`` of a complex or non-numeric dtype; an ``out`` of the wrong dtype.
    ValueError
        ``grad_out`` not 3-D to 5-D, or with no channel or an empty spatial axis; an
        ``out`` of the wrong shape, not C-contiguous, read-only or overlapping
        ``grad_out``; ``num_threads < 1``.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> fastconv.conv_backward_bias(np.ones((2, 4, 5, 5)))
    array([50., 50., 50., 50.])
    """
    fname = "conv_backward_bias"
    ga = _as_array(fname, "grad_out", grad_out)
    nt = _threads(fname, num_threads)
    if ga.ndim not in (3, 4, 5):
        raise ValueError(f"{fname}: grad_out must be 3-D, 4-D or 5-D (batch, channels, "
                         f"*spatial), got shape {ga.shape}")
    if any(n < 1 for n in ga.shape[1:]):
        raise ValueError(f"{fname}: grad_out must have at least one channel and one element "
                         f"on every spatial axis, got shape {ga.shape}")
    dtype = _compute_dtype(ga)
    gb = _output(fname, out, (ga.shape[1],), dtype, [("grad_out", ga)])
    nd = ga.ndim - 2
    # a 1x..x1 kernel makes the "forward output" shape equal grad_out's spatial shape
    desc = (nd, ga.shape[0], ga.shape[1], ga.shape[1], 1, ga.shape[2:], (1,) * nd, (1,) * nd,
            (1,) * nd, (0,) * nd, (0,) * nd, False)
    cg = _contig(ga, dtype)
    if _plan.tracing:
        _plan.run(fname, lambda: _core.conv_backward_bias(desc, cg, gb, nt),
                  lambda: _core.describe_conv(fname, desc, dtype == np.float32, False, nt),
                  (("grad_out", ga), ("grad_b", gb)))
    else:
        _core.conv_backward_bias(desc, cg, gb, nt)
    return gb
