"""Transposed convolution layers (PyTorch's ``torch.nn.ConvTranspose1d/2d/3d``),
re-exported by :mod:`fastconv.layers`, whose state handling they share: the weight,
bias and gradient buffers, :meth:`parameters`, :meth:`zero_grad`, accumulation in
:meth:`backward`.  Every computation is one call of :func:`fastconv.conv_transpose`,
:func:`fastconv.conv_transpose_backward_input`,
:func:`fastconv.conv_transpose_backward_weight` or :func:`fastconv.conv_backward_bias`.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._api import IntOrTuple
from ._params import as_int_tuple
from ._transpose import (conv_transpose, conv_transpose_backward_input,
                         conv_transpose_backward_weight)
from ._transpose_params import normalize_transpose_params, resolve_conv_transpose
from .layers import _bool, _ConvNd, _layer_dtype, _positive_int, _real_array, _rng

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


class _ConvTransposeNd(_ConvNd):
    """Base class of :class:`ConvTranspose1d`, :class:`ConvTranspose2d` and
    :class:`ConvTranspose3d`."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple, *,
                 stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                 output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1, groups: int = 1,
                 bias: bool = True, dtype: DTypeLike = "float32",
                 seed: Union[None, int, np.random.Generator] = None) -> None:
        cls = type(self).__name__
        nd = self._nd
        in_channels = _positive_int(cls, "in_channels", in_channels)
        out_channels = _positive_int(cls, "out_channels", out_channels)
        kernel = as_int_tuple(cls, "kernel_size", kernel_size, nd, minimum=1)
        params, opad = normalize_transpose_params(cls, nd, stride, padding, output_padding,
                                                  dilation, groups)
        groups = params.groups
        if in_channels % groups:
            raise ValueError(f"{cls}: in_channels ({in_channels}) must be divisible by groups "
                             f"({groups})")
        if out_channels % groups:
            raise ValueError(f"{cls}: out_channels ({out_channels}) must be divisible by groups "
                             f"({groups})")
        w_shape = (in_channels, out_channels // groups) + kernel
        has_bias = _bool(cls, "bias", bias)
        dt = _layer_dtype(cls, dtype)
        rng = _rng(cls, seed)

        self._in_channels = in_channels
        self._out_channels = out_channels
        self._kernel_size = kernel
        self._stride = params.stride
        self._padding = params.pad_low
        self._output_padding = opad
        self._pads = tuple(zip(params.pad_low, params.pad_high))
        self._dilation = params.dilation
        self._groups = groups
        self._flip = False
        self._dtype = dt

        # He initialisation for the products an output pixel sums on average: each of
        # the group's in_channels reaches it through prod(kernel) / prod(stride) taps
        fan_in = max(1.0, (in_channels // groups) * math.prod(kernel) / math.prod(params.stride))
        self._weight: NDArray[Any] = (rng.standard_normal(w_shape)
                                      * math.sqrt(2.0 / fan_in)).astype(dt)
        self._grad_weight: NDArray[Any] = np.zeros(w_shape, dtype=dt)
        self._bias: Optional[NDArray[Any]] = np.zeros(out_channels, dt) if has_bias else None
        self._grad_bias: Optional[NDArray[Any]] = (np.zeros(out_channels, dt) if has_bias
                                                   else None)
        self._x: Optional[NDArray[Any]] = None
        self._out_shape: Optional[Tuple[int, ...]] = None
        self._call_kw: dict = self._conv_kwargs()

    padding = property(lambda self: self._padding, doc="Padding, one int per axis.")
    output_padding = property(lambda self: self._output_padding,
                              doc="Output padding, one int per axis.")

    @property
    def weight(self) -> NDArray[Any]:
        """The kernel, shape ``(in_channels, out_channels // groups, *kernel_size)``
        (PyTorch's layout for transposed convolutions).

        Assigning an array copies it into this buffer (same shape required).
        """
        return self._weight

    @weight.setter
    def weight(self, value: ArrayLike) -> None:
        _ConvNd.weight.fset(self, value)  # type: ignore[attr-defined]

    def _conv_kwargs(self) -> dict:
        return dict(stride=self._stride, padding=self._padding,
                    output_padding=self._output_padding, dilation=self._dilation,
                    groups=self._groups)

    def output_shape(self, input_shape: Tuple[int, ...]) -> Tuple[int, ...]:
        """The shape :meth:`forward` returns for an input of ``input_shape``.

        Parameters
        ----------
        input_shape : tuple of ints
            ``(N, in_channels, *spatial)``.

        Returns
        -------
        tuple of ints
            ``(N, out_channels, *out_spatial)``, ``out = (in-1)*stride - 2*padding +
            dilation*(k-1) + output_padding + 1`` per axis.

        Raises
        ------
        ValueError
            ``input_shape`` of the wrong rank or channel count, or an empty output.

        Examples
        --------
        >>> from fastconv.layers import ConvTranspose2d
        >>> ConvTranspose2d(16, 8, 4, stride=2, padding=1).output_shape((4, 16, 14, 14))
        (4, 8, 28, 28)
        """
        cls = type(self).__name__
        shape = tuple(input_shape)
        if len(shape) != self._nd + 2 or shape[1] != self._in_channels:
            raise ValueError(f"{cls}: input_shape must be (N, {self._in_channels}, "
                             f"{self._spatial}), got {shape}")
        return resolve_conv_transpose(cls, shape, self._weight.shape, groups=self._groups,
                                      **{k: v for k, v in self._conv_kwargs().items()
                                         if k != "groups"})[1]

    def _output_padding_for(self, x_shape: Tuple[int, ...], output_size: Any) -> Tuple[int, ...]:
        """The output padding that gives ``output_size`` (PyTorch's rule: the last
        ``nd`` entries are the spatial size; each must lie in [smallest, smallest +
        max(stride, dilation) - 1], the smallest being the size with no output padding)."""
        cls = type(self).__name__
        nd = self._nd
        if not hasattr(output_size, "__len__") or len(output_size) < nd:
            raise ValueError(f"{cls}: output_size must be a sequence of at least {nd} ints (the "
                             f"spatial size, optionally after N and C), got {output_size!r}")
        size = as_int_tuple(cls, "output_size", tuple(output_size)[-nd:], nd, minimum=1)
        ops = []
        for axis, (n, want) in enumerate(zip(x_shape[2:], size)):
            k, s, d, p = (self._kernel_size[axis], self._stride[axis], self._dilation[axis],
                          self._padding[axis])
            low = (n - 1) * s - 2 * p + d * (k - 1) + 1
            high = low + max(s, d) - 1
            if not low <= want <= high:
                raise ValueError(f"{cls}: output_size must be between {low} and {high} on "
                                 f"spatial axis {axis} for an input of size {n}, got {want} "
                                 f"(output_size={output_size!r})")
            ops.append(want - low)
        return tuple(ops)

    def forward(self, x: ArrayLike, output_size: Optional[Any] = None) -> NDArray[Any]:
        """Compute the layer's output and keep ``x`` for :meth:`backward`.

        Parameters
        ----------
        x : array_like, shape ``(N, in_channels, *spatial)``
            Cast to the layer's dtype; kept by reference (do not modify it in place
            before :meth:`backward`).
        output_size : sequence of ints, optional
            As in PyTorch: the spatial size of the output (the last ``nd`` entries are
            used), which picks the output padding for this call in place of the layer's
            ``output_padding`` (a decoder matching the size of its encoder's input).

        Returns
        -------
        numpy.ndarray
            Shape :meth:`output_shape` of ``x.shape``, of the layer's dtype.

        Raises
        ------
        TypeError
            ``x`` of a non-real dtype.
        ValueError
            ``x`` of the wrong rank or channel count; an ``output_size`` no output
            padding reaches.

        Examples
        --------
        >>> import numpy as np
        >>> from fastconv.layers import ConvTranspose2d
        >>> up = ConvTranspose2d(3, 8, 3, stride=2, padding=1, output_padding=1, seed=0)
        >>> up.forward(np.zeros((2, 3, 10, 10))).shape
        (2, 8, 20, 20)
        >>> up.forward(np.zeros((2, 3, 10, 10)), output_size=(19, 20)).shape
        (2, 8, 19, 20)
        """
        cls = type(self).__name__
        xa = _real_array(cls, "x", x)
        if xa.ndim != self._nd + 2:
            raise ValueError(f"{cls}: x must be {self._nd + 2}-D (N, C, {self._spatial}), "
                             f"got shape {xa.shape}")
        if xa.shape[1] != self._in_channels:
            raise ValueError(f"{cls}: x must have in_channels = {self._in_channels} channels "
                             f"(x.shape[1]), got shape {xa.shape}")
        xa = np.ascontiguousarray(xa, dtype=self._dtype)
        kw = self._conv_kwargs()
        if output_size is not None:
            kw["output_padding"] = self._output_padding_for(xa.shape, output_size)
        y = conv_transpose(xa, self._weight, self._bias, **kw)
        self._x = xa
        self._out_shape = y.shape
        self._call_kw = kw  # backward differentiates this call
        return y

    __call__ = forward

    def backward(self, grad_out: ArrayLike, *,
                 input_grad: bool = True) -> Optional[NDArray[Any]]:
        """Back-propagate ``grad_out = dLoss/dy`` through the last :meth:`forward`.

        Adds ``dLoss/dweight`` to :attr:`grad_weight` and ``dLoss/dbias`` to
        :attr:`grad_bias` (call :meth:`zero_grad` to reset them), using the current
        weight.

        Parameters
        ----------
        grad_out : array_like, shape of the last forward output
        input_grad : bool
            False skips the input gradient and returns None.

        Returns
        -------
        numpy.ndarray or None
            ``dLoss/dx``, of the last input's shape, or None when ``input_grad=False``.

        Raises
        ------
        RuntimeError
            No :meth:`forward` call yet.
        TypeError
            ``grad_out`` of a non-real dtype, or a non-bool ``input_grad``.
        ValueError
            ``grad_out`` not of the last forward output's shape.

        Examples
        --------
        >>> import numpy as np
        >>> from fastconv.layers import ConvTranspose1d
        >>> up = ConvTranspose1d(2, 3, 4, stride=2, padding=1, seed=0)
        >>> y = up.forward(np.ones((1, 2, 5), np.float32))
        >>> gx = up.backward(np.ones_like(y))
        >>> y.shape, gx.shape, up.grad_weight.shape, up.grad_bias.tolist()
        ((1, 3, 10), (1, 2, 5), (2, 3, 4), [10.0, 10.0, 10.0])
        """
        return super().backward(grad_out, input_grad=input_grad)

    # backward differentiates the last forward call, with its output_padding (_call_kw)
    def _weight_grad(self, x: NDArray[Any], ga: NDArray[Any]) -> NDArray[Any]:
        return conv_transpose_backward_weight(x, ga, self._weight.shape, **self._call_kw)

    def _input_grad(self, ga: NDArray[Any], x_shape: Tuple[int, ...]) -> NDArray[Any]:
        return conv_transpose_backward_input(ga, self._weight, x_shape, **self._call_kw)

    def __repr__(self) -> str:
        def axes(t: Tuple[int, ...]) -> Union[int, Tuple[int, ...]]:
            return t[0] if len(set(t)) == 1 else t

        parts = [str(self._in_channels), str(self._out_channels),
                 f"kernel_size={axes(self._kernel_size)!r}", f"stride={axes(self._stride)!r}"]
        if any(self._padding):
            parts.append(f"padding={axes(self._padding)!r}")
        if any(self._output_padding):
            parts.append(f"output_padding={axes(self._output_padding)!r}")
        if any(d != 1 for d in self._dilation):
            parts.append(f"dilation={axes(self._dilation)!r}")
        if self._groups != 1:
            parts.append(f"groups={self._groups}")
        if self._bias is None:
            parts.append("bias=False")
        parts.append(f"dtype='{self._dtype.name}'")
        return f"{type(self).__name__}({', '.join(parts)})"


_PARAMS_DOC = """
    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output; both divisible by ``groups``.
    kernel_size : int or tuple of {nd} ints
    stride : int or tuple of {nd} ints, keyword-only, default 1
    padding : int or tuple of {nd} ints, keyword-only, default 0
    output_padding : int or tuple of {nd} ints, keyword-only, default 0
        Each smaller than the stride or the dilation of its axis.
    dilation : int or tuple of {nd} ints, keyword-only, default 1
    groups : int, keyword-only, default 1
    bias : bool, keyword-only, default True
        False: no bias; :attr:`bias` and :attr:`grad_bias` are None.
    dtype : "float32" or "float64", keyword-only
        dtype of the parameters, gradients and outputs (inputs are cast to it).
    seed : None, int or numpy.random.Generator, keyword-only
        Source of the He-initialised weights: ``N(0, 2 / fan_in)`` with ``fan_in =
        in_channels // groups * prod(kernel_size) / prod(stride)`` (at least 1), the
        products an output pixel sums on average; the bias starts at 0.

    Raises
    ------
    TypeError, ValueError
        For a wrong argument, with a message naming it.

    Examples
    --------
    >>> import numpy as np
    >>> from fastconv.layers import {cls}
    >>> up = {cls}(4, 2, 4, stride=2, padding=1, seed=0)
    >>> up
    {cls}(4, 2, kernel_size=4, stride=2, padding=1, dtype='float32')
    >>> x = np.ones((1, 4) + (5,) * {nd}, np.float32)
    >>> y = up.forward(x)
    >>> y.shape == (1, 2) + (10,) * {nd}
    True
    >>> up.backward(np.ones_like(y)).shape == x.shape
    True
"""


class ConvTranspose1d(_ConvTransposeNd):
    __doc__ = ("1-D transposed convolution layer: x ``(N, C_in, L)`` -> y "
               "``(N, C_out, L_out)``, as ``torch.nn.ConvTranspose1d``.\n"
               + _PARAMS_DOC.format(nd=1, cls="ConvTranspose1d"))
    _nd = 1
    _spatial = "L"


class ConvTranspose2d(_ConvTransposeNd):
    __doc__ = ("2-D transposed convolution layer: x ``(N, C_in, H, W)`` -> y "
               "``(N, C_out, H_out, W_out)``, as ``torch.nn.ConvTranspose2d``.\n"
               + _PARAMS_DOC.format(nd=2, cls="ConvTranspose2d"))
    _nd = 2
    _spatial = "H, W"


class ConvTranspose3d(_ConvTransposeNd):
    __doc__ = ("3-D transposed convolution layer: x ``(N, C_in, D, H, W)`` -> y "
               "``(N, C_out, D_out, H_out, W_out)``, as ``torch.nn.ConvTranspose3d``.\n"
               + _PARAMS_DOC.format(nd=3, cls="ConvTranspose3d"))
    _nd = 3
    _spatial = "D, H, W"
