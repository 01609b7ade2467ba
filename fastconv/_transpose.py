"""Transposed convolution (PyTorch's ``conv_transpose1d/2d/3d``) and its gradients.

No new arithmetic: a transposed convolution is the backward-input pass of the
convolution it transposes, and its gradients are that convolution's other passes.
For ``y = conv_transpose(x, w, stride=s, padding=p, output_padding=op, dilation=d,
groups=g)`` with ``x (N, C_in, *in)`` and ``w (C_in, C_out // g, *k)``, the
*matching convolution* maps an input of y's shape ``(N, C_out, *out)`` to one of x's
shape with the same ``w`` (read as ``(K = C_in, C_out // g, *k)``), stride, dilation
and groups, and padding ``p`` before and ``p - op`` after each axis.  Per axis
``out = (in-1)*s - 2*p + d*(k-1) + op + 1`` and the matching convolution's output is
``(out + p + (p-op) - d*(k-1) - 1) // s + 1 = ((in-1)*s + op) // s + 1 = in``, exactly
(``op < s``; with ``s <= op < d`` the same holds: ``(in-1)*s + op`` over ``s`` is
``in-1`` plus ``op // s``, and the high pad ``p - op`` is what cuts the extra outputs).
Then, with ``A`` that convolution as a linear map of its input,

* ``y = A^T x + bias``: ``conv_backward_input(x, w, y.shape)`` (C: fc_conv_transpose,
  which adds the bias inside the same pass);
* ``dL/dx = A (dL/dy)``: ``conv_forward(grad_y, w)``;
* ``dL/dw``: ``L = <grad_y, A_w^T x> = <A_w grad_y, x>``, the weight gradient of a
  convolution whose input is ``grad_y`` and whose output gradient is ``x``:
  ``conv_backward_weight(grad_y, x, w.shape)`` (the roles swapped);
* ``dL/dbias = conv_backward_bias(grad_y)`` (a sum over batch and space, as for any
  convolution).

``p - op`` is negative when the output padding exceeds the padding (stride 2, padding
0, output_padding 1); the public ``conv_*`` functions reject a negative padding, as
PyTorch does, but the C descriptor takes one: the convolution's input is cropped at its
high end (see ``fc_conv_desc`` in ``fastconv.h``).  Those last ``op - p`` output rows
of ``y`` then get only the bias (no tap of any input reaches them), which is PyTorch's
result too.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _core, _plan
from ._algorithm import auto_finite
from ._api import _shape_arg
from ._arrays import _as_array, _compute_dtype, _contig, _output, _threads
from ._params import ConvParams
from ._transpose_params import resolve_conv_transpose

__all__ = ["conv_transpose", "conv_transpose_backward_input", "conv_transpose_backward_weight"]

#: one int for every spatial axis, or one int per axis
IntOrTuple = Union[int, Sequence[int]]


def _desc(y_shape: Sequence[int], x_shape: Sequence[int], w_shape: Sequence[int],
          params: ConvParams, algorithm: int = 0) -> tuple:
    """The fc_conv_desc of the matching convolution: input of y's shape (C_out
    channels), output of x's (C_in channels); algorithm an fc_algorithm code (0 auto,
    1 direct: fc_conv_transpose is direct only, and its plan is described as such)."""
    return (len(y_shape) - 2, y_shape[0], y_shape[1], x_shape[1], params.groups,
            tuple(y_shape[2:]), tuple(w_shape[2:]), params.stride, params.dilation,
            params.pad_low, params.pad_high, False, algorithm)


def _call(fname: str, call: Any, desc: tuple, dtype: Any, has_bias: bool, nt: int,
          arrays: Any) -> None:
    if _plan.tracing:
        _plan.run(fname, call,
                  lambda: _core.describe_conv(fname, desc, dtype == np.float32, has_bias, nt),
                  arrays)
    else:
        call()


def conv_transpose(x: ArrayLike, w: ArrayLike, bias: Optional[ArrayLike] = None, *,
                   stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                   output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1, groups: int = 1,
                   out: Optional[NDArray[Any]] = None,
                   num_threads: Optional[int] = None) -> NDArray[Any]:
    """Transposed convolution ("deconvolution"), channels-first, 1-D to 3-D.

    ``torch.nn.functional.conv_transpose1d/2d/3d``: every input pixel ``i`` of channel
    ``c`` adds ``x[n, c, i] * w[c, j, r]`` to output pixel ``i*stride - padding +
    r*dilation`` of channel ``g*C_out/G + j`` (g the group of c), then the bias is added.
    It is the gradient of :func:`conv_forward` with respect to its input, with x in the
    role of ``grad_out``: ``conv_transpose(x, w, stride=s, padding=p)`` equals
    ``conv_backward_input(x, w, (N, C_out, *out), stride=s, padding=[(p, p - op)])``
    where that padding is non-negative (the module docstring derives it); the bias
    gradient is :func:`conv_backward_bias` of ``grad_out``.

    Parameters
    ----------
    x : array_like, shape ``(N, C_in, *in)``
        1, 2 or 3 spatial axes, told apart by the rank.
    w : array_like, shape ``(C_in, C_out // groups, *kernel)``
        PyTorch's layout for transposed convolutions (input channels first).
    bias : array_like, shape (C_out,), optional
        Added to every output pixel of its channel.
    stride : int or one int per spatial axis, default 1
        The step between the output positions of consecutive input pixels.
    padding : int or one int per spatial axis, default 0
        Output rows and columns removed from both ends (``dilation*(k-1) - padding``
        zeros pad the input of the equivalent direct convolution).
    output_padding : int or one int per spatial axis, default 0
        Rows added at the high end of each axis; each must be smaller than the stride or
        the dilation of its axis.  It selects one of the input sizes a strided
        convolution maps to the same output size.
    dilation : int or one int per spatial axis, default 1
        The step between kernel taps.
    groups : int, default 1
        Channel groups: ``C_in`` must be divisible by it; ``C_out = w.shape[1] * groups``.
    out : numpy.ndarray, optional
        C-contiguous, writeable, of the result shape and dtype, not overlapping the
        inputs; written and returned.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).

    Returns
    -------
    numpy.ndarray, shape ``(N, C_out, *out)``
        ``out = (in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1`` per
        axis; float32 when every input is float32, float64 otherwise.

    Raises
    ------
    TypeError
        An array of a complex or non-numeric dtype; a stride, padding, output_padding,
        dilation or groups of the wrong type; an ``out`` of the wrong dtype.
    ValueError
        Ranks or channel counts that do not fit (``w.shape[0]`` must be ``x.shape[1]``);
        a stride, dilation or groups below 1, a negative padding or output_padding; an
        output_padding not smaller than the stride or the dilation; an empty output; an
        ``out`` of the wrong shape, not C-contiguous, read-only or overlapping an input;
        ``num_threads < 1``.
    MemoryError
        A workspace could not be allocated.

    See Also
    --------
    conv_transpose_backward_input, conv_transpose_backward_weight : its gradients.
    conv_backward_bias : its bias gradient (the same as a convolution's).

    Examples
    --------
    A 2x upsampling decoder layer, 28x28 to 56x56:

    >>> import numpy as np
    >>> import fastconv
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((1, 8, 28, 28)).astype(np.float32)
    >>> w = rng.standard_normal((8, 4, 4, 4)).astype(np.float32)
    >>> y = fastconv.conv_transpose(x, w, np.zeros(4, np.float32), stride=2, padding=1)
    >>> y.shape, y.dtype
    ((1, 4, 56, 56), dtype('float32'))

    One input pixel spreads the kernel, scaled, over the output:

    >>> fastconv.conv_transpose(np.ones((1, 1, 1)), np.array([[[1.0, 2.0, 3.0]]]), stride=2)
    array([[[1., 2., 3.]]])
    >>> fastconv.conv_transpose(np.ones((1, 1, 2)), np.array([[[1.0, 2.0, 3.0]]]), stride=2,
    ...                         output_padding=1)
    array([[[1., 2., 4., 2., 3., 0.]]])
    """
    fname = "conv_transpose"
    xa = _as_array(fname, "x", x)
    wa = _as_array(fname, "w", w)
    nt = _threads(fname, num_threads)
    params, y_shape = resolve_conv_transpose(fname, xa.shape, wa.shape, stride, padding,
                                             output_padding, dilation, groups)
    arrays = [xa, wa]
    ba = None
    if bias is not None:
        ba = _as_array(fname, "bias", bias)
        if ba.shape != (y_shape[1],):
            raise ValueError(f"{fname}: bias must have shape ({y_shape[1]},) (one value per "
                             f"output channel, w.shape[1] * groups), got {ba.shape}")
        arrays.append(ba)
    dtype = _compute_dtype(*arrays)
    y = _output(fname, out, y_shape, dtype, [("x", xa), ("w", wa), ("bias", ba)])
    desc = _desc(y_shape, xa.shape, wa.shape, params, 1)
    cx, cw, cy = _contig(xa, dtype), _contig(wa, dtype), y.reshape(-1)
    cb = None if ba is None else _contig(ba, dtype)
    _call(fname, lambda: _core.conv_transpose(desc, cx, cw, cb, cy, nt), desc, dtype,
          ba is not None, nt, (("x", xa), ("w", wa), ("y", y)))
    return y


def _check_grad(fname: str, got: Tuple[int, ...], want: Tuple[int, ...]) -> None:
    if tuple(got) != tuple(want):
        raise ValueError(f"{fname}: grad_out must have the conv_transpose output shape "
                         f"{tuple(want)}, got {tuple(got)}")


def conv_transpose_backward_input(grad_out: ArrayLike, w: ArrayLike, input_shape: Sequence[int],
                                  *, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                                  output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
                                  groups: int = 1, out: Optional[NDArray[Any]] = None,
                                  num_threads: Optional[int] = None) -> NDArray[Any]:
    """Gradient of :func:`conv_transpose` with respect to its input x.

    The direct convolution of ``grad_out`` with the same ``w``: ``conv_forward(grad_out,
    w, stride=s, padding=[(p, p - op)], dilation=d, groups=g)`` (``w`` read as ``(K =
    C_in, C_out // g, *kernel)``), whose output has x's shape exactly; equal to
    PyTorch's autograd gradient of ``conv_transpose1d/2d/3d``.

    Parameters
    ----------
    grad_out : array_like, shape ``(N, C_out, *out)``
        dLoss/dy, of the shape :func:`conv_transpose` returned.
    w : array_like, shape ``(C_in, C_out // groups, *kernel)``
        The forward call's weights.
    input_shape : sequence of ints
        ``(N, C_in, *in)``, the shape of x.
    stride, padding, output_padding, dilation, groups
        The forward call's, as in :func:`conv_transpose`.
    out : numpy.ndarray, optional
        As in :func:`conv_transpose`, of ``input_shape``.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).

    Returns
    -------
    numpy.ndarray of ``input_shape``
        dLoss/dx.

    Raises
    ------
    TypeError
        As for :func:`conv_transpose`.
    ValueError
        As for :func:`conv_transpose`, and a ``grad_out`` whose shape is not the forward
        output's.
    MemoryError
        A workspace could not be allocated.

    Examples
    --------
    The adjoint identity ``<conv_transpose(x), g> == <x, grad_in(g)>``:

    >>> import numpy as np
    >>> import fastconv
    >>> rng = np.random.default_rng(0)
    >>> x, w = rng.standard_normal((2, 4, 5, 5)), rng.standard_normal((4, 3, 3, 3))
    >>> y = fastconv.conv_transpose(x, w, stride=2, padding=1, output_padding=1)
    >>> g = rng.standard_normal(y.shape)
    >>> gx = fastconv.conv_transpose_backward_input(g, w, x.shape, stride=2, padding=1,
    ...                                             output_padding=1)
    >>> y.shape, gx.shape
    ((2, 3, 10, 10), (2, 4, 5, 5))
    >>> bool(np.isclose(np.vdot(y, g), np.vdot(x, gx)))
    True
    """
    fname = "conv_transpose_backward_input"
    ga = _as_array(fname, "grad_out", grad_out)
    wa = _as_array(fname, "w", w)
    nt = _threads(fname, num_threads)
    xs = _shape_arg(fname, "input_shape", input_shape, wa.ndim)
    params, y_shape = resolve_conv_transpose(fname, xs, wa.shape, stride, padding,
                                             output_padding, dilation, groups,
                                             x_name="input_shape")
    _check_grad(fname, ga.shape, y_shape)
    dtype = _compute_dtype(ga, wa)
    gx = _output(fname, out, xs, dtype, [("grad_out", ga), ("w", wa)])
    desc = _desc(y_shape, xs, wa.shape, params)
    # auto may take the batched FFT (long 1-D kernels): direct for NaN/Inf inputs
    desc = desc[:-1] + (auto_finite(0, wa.shape[2:], params, lambda: _core.describe_conv(
        "conv_forward", desc, dtype == np.float32, False, nt), ga, wa),)
    cg, cw, cx = _contig(ga, dtype), _contig(wa, dtype), gx.reshape(-1)
    _call(fname, lambda: _core.conv_forward(desc, cg, cw, None, cx, nt), desc, dtype, False, nt,
          (("grad_out", ga), ("w", wa), ("grad_in", gx)))
    return gx


def conv_transpose_backward_weight(x: ArrayLike, grad_out: ArrayLike, weight_shape: Sequence[int],
                                   *, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                                   output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
                                   groups: int = 1, out: Optional[NDArray[Any]] = None,
                                   num_threads: Optional[int] = None) -> NDArray[Any]:
    """Gradient of :func:`conv_transpose` with respect to the weights w.

    The weight gradient of the matching convolution with the roles of its arrays
    swapped: ``grad_out`` is that convolution's input and x its output gradient,
    ``conv_backward_weight(grad_out, x, w.shape, stride=s, padding=[(p, p - op)],
    dilation=d, groups=g)``; equal to PyTorch's autograd gradient of
    ``conv_transpose1d/2d/3d``.

    Parameters
    ----------
    x : array_like, shape ``(N, C_in, *in)``
        The forward call's input.
    grad_out : array_like, shape ``(N, C_out, *out)``
        dLoss/dy.
    weight_shape : sequence of ints
        ``(C_in, C_out // groups, *kernel)``, the shape of w.
    stride, padding, output_padding, dilation, groups
        The forward call's, as in :func:`conv_transpose`.
    out : numpy.ndarray, optional
        As in :func:`conv_transpose`, of ``weight_shape``.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).

    Returns
    -------
    numpy.ndarray of ``weight_shape``
        dLoss/dw.

    Raises
    ------
    TypeError
        As for :func:`conv_transpose`.
    ValueError
        As for :func:`conv_transpose`, and a ``grad_out`` whose shape is not the forward
        output's.
    MemoryError
        A workspace could not be allocated.

    Examples
    --------
    The loss is linear in w, so its gradient is the loss of the unit weights:

    >>> import numpy as np
    >>> import fastconv
    >>> rng = np.random.default_rng(2)
    >>> x = rng.standard_normal((2, 2, 4))
    >>> g = rng.standard_normal((2, 3, 9))
    >>> gw = fastconv.conv_transpose_backward_weight(x, g, (2, 3, 3), stride=2)
    >>> e = np.zeros((2, 3, 3)); e[1, 2, 0] = 1.0
    >>> bool(np.isclose(gw[1, 2, 0], np.vdot(fastconv.conv_transpose(x, e, stride=2), g)))
    True
    """
    fname = "conv_transpose_backward_weight"
    xa = _as_array(fname, "x", x)
    ga = _as_array(fname, "grad_out", grad_out)
    nt = _threads(fname, num_threads)
    ws = _shape_arg(fname, "weight_shape", weight_shape, xa.ndim)
    params, y_shape = resolve_conv_transpose(fname, xa.shape, ws, stride, padding,
                                             output_padding, dilation, groups,
                                             w_name="weight_shape")
    _check_grad(fname, ga.shape, y_shape)
    dtype = _compute_dtype(xa, ga)
    gw = _output(fname, out, ws, dtype, [("x", xa), ("grad_out", ga)])
    desc = _desc(y_shape, xa.shape, ws, params)
    desc = desc[:-1] + (auto_finite(0, ws[2:], params, lambda: _core.describe_conv(
        "conv_backward_weight", desc, dtype == np.float32, False, nt), xa, ga),)
    cx, cg, cw = _contig(xa, dtype), _contig(ga, dtype), gw.reshape(-1)
    # the matching convolution's input is grad_out and its output gradient is x
    _call(fname, lambda: _core.conv_backward_weight(desc, cg, cx, cw, nt), desc, dtype, False,
          nt, (("x", xa), ("grad_out", ga), ("grad_w", gw)))
    return gw
