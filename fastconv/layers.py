"""Convolution layers with a forward and a backward pass, on fastconv's C kernels.

:class:`Conv1d`, :class:`Conv2d` and :class:`Conv3d` hold a weight (and optionally
a bias) and their gradients, for training a network written in NumPy::

    import numpy as np
    from fastconv.layers import Conv2d

    conv = Conv2d(1, 16, 3, stride=2, padding=1, seed=0)
    y = conv.forward(x)                  # x: (N, 1, H, W) -> y: (N, 16, H', W')
    grad_x = conv.backward(grad_y)       # dLoss/dx; grad_weight, grad_bias += ...
    for param, grad in conv.parameters():
        param -= 0.1 * grad              # update in place
    conv.zero_grad()

:class:`ConvTranspose1d`, :class:`ConvTranspose2d` and :class:`ConvTranspose3d` are the
transposed convolutions (``torch.nn.ConvTranspose1d/2d/3d``, on
:func:`fastconv.conv_transpose` and its gradients), with the same interface.

The layers are thin: every computation is one call of :func:`fastconv.conv_forward`,
:func:`fastconv.conv_backward_input`, :func:`fastconv.conv_backward_weight` or
:func:`fastconv.conv_backward_bias`; this module only validates the arguments, keeps
the state and accumulates the gradients.

Conventions (the same as PyTorch's ``torch.nn.Conv1d/2d/3d``):

* channels first: x is ``(N, in_channels, *spatial)``, the weight is
  ``(out_channels, in_channels // groups, *kernel_size)``, the bias ``(out_channels,)``;
* the forward pass is a cross-correlation; ``flip_filters=True`` rotates the kernel
  by 180 degrees first, a true convolution (Lasagne's ``flip_filters=True``, fastconv's
  ``flip=True``), which matters only when weights are exchanged with a library that
  uses the other convention;
* ``backward`` *accumulates* into ``grad_weight`` and ``grad_bias`` (call
  :meth:`zero_grad` between steps) and returns the gradient with respect to the input.

Parameters and gradients are updated *in place*: :meth:`parameters` returns the
layer's own arrays, and assigning ``layer.weight = array`` copies into the existing
buffer, so an optimiser holding the pairs stays valid.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, List, Optional, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._api import conv_backward_bias, conv_backward_input, conv_backward_weight, conv_forward
from ._api import IntOrTuple, Padding
from ._api import conv_output_shape as _conv_output_shape
from ._algorithm import resolve_algorithm
from ._params import as_int_tuple, normalize_conv_params

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "ConvTranspose3d"]

_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _describe(value):
    return f"{value!r} ({type(value).__name__})"


def _positive_int(cls, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{cls}: {name} must be a positive int, got {_describe(value)}")
    if value < 1:
        raise ValueError(f"{cls}: {name} must be a positive int, got {value!r}")
    return int(value)


def _bool(cls, name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{cls}: {name} must be a bool, got {_describe(value)}")
    return bool(value)


def _layer_dtype(cls, dtype):
    if dtype is None:
        raise TypeError(f"{cls}: dtype must be 'float32' or 'float64', got None")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{cls}: dtype must be 'float32' or 'float64', got {_describe(dtype)}") \
            from None
    if dt not in _DTYPES:
        raise ValueError(f"{cls}: dtype must be 'float32' or 'float64', got {dt}")
    return dt


def _rng(cls, seed):
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{cls}: seed must be None, a non-negative int or a "
                        f"numpy.random.Generator, got {_describe(seed)}")
    if seed < 0:
        raise ValueError(f"{cls}: seed must be None, a non-negative int or a "
                         f"numpy.random.Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def _padding_form(padding):
    """``padding`` (already validated) in an immutable form for the attribute and repr."""
    if isinstance(padding, str):
        return padding
    if isinstance(padding, numbers.Integral):
        return int(padding)
    return tuple(int(p) if isinstance(p, numbers.Integral) else tuple(int(v) for v in p)
                 for p in padding)


def _real_array(cls, name, value):
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{cls}: {name} must be a real numeric array, got dtype {arr.dtype}")
    return arr


class _ConvNd:
    """Base class of :class:`Conv1d`, :class:`Conv2d` and :class:`Conv3d`."""

    _nd = 0
    _spatial = ""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple, *,
                 stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
                 groups: int = 1, bias: bool = True, flip_filters: bool = False,
                 dtype: DTypeLike = "float32",
                 seed: Union[None, int, np.random.Generator] = None,
                 algorithm: str = "auto") -> None:
        cls = type(self).__name__
        nd = self._nd
        in_channels = _positive_int(cls, "in_channels", in_channels)
        out_channels = _positive_int(cls, "out_channels", out_channels)
        kernel = as_int_tuple(cls, "kernel_size", kernel_size, nd, minimum=1)
        params = normalize_conv_params(cls, nd, kernel, stride, padding, dilation, groups)
        if in_channels % params.groups:
            raise ValueError(f"{cls}: in_channels ({in_channels}) must be divisible by groups "
                             f"({params.groups})")
        if out_channels % params.groups:
            raise ValueError(f"{cls}: out_channels ({out_channels}) must be divisible by groups "
                             f"({params.groups})")
        has_bias = _bool(cls, "bias", bias)
        flip = _bool(cls, "flip_filters", flip_filters)
        dt = _layer_dtype(cls, dtype)
        rng = _rng(cls, seed)
        resolve_algorithm(cls, algorithm, kernel, params, op="conv_forward")

        self._in_channels = in_channels
        self._out_channels = out_channels
        self._kernel_size = kernel
        self._stride = params.stride
        self._padding = _padding_form(padding)
        # explicit (low, high) pairs: what every fastconv call receives
        self._pads = tuple(zip(params.pad_low, params.pad_high))
        self._dilation = params.dilation
        self._groups = params.groups
        self._flip = flip
        self._dtype = dt
        self._algorithm = algorithm

        # He initialisation (for ReLU networks): N(0, 2 / fan_in).  Drawn in float64 and
        # rounded, so float32 and float64 layers with the same seed start from the same
        # weights up to rounding.
        w_shape = (out_channels, in_channels // params.groups) + kernel
        fan_in = (in_channels // params.groups) * math.prod(kernel)
        self._weight: NDArray[Any] = (rng.standard_normal(w_shape)
                                      * math.sqrt(2.0 / fan_in)).astype(dt)
        self._grad_weight: NDArray[Any] = np.zeros(w_shape, dtype=dt)
        self._bias: Optional[NDArray[Any]]
        self._grad_bias: Optional[NDArray[Any]]
        if has_bias:
            self._bias = np.zeros(out_channels, dtype=dt)
            self._grad_bias = np.zeros(out_channels, dtype=dt)
        else:
            self._bias = None
            self._grad_bias = None
        self._x: Optional[NDArray[Any]] = None
        self._out_shape: Optional[Tuple[int, ...]] = None

    # ------------------------------------------------------------ hyper-parameters

    in_channels = property(lambda self: self._in_channels, doc="Input channels (int).")
    out_channels = property(lambda self: self._out_channels, doc="Output channels (int).")
    kernel_size = property(lambda self: self._kernel_size,
                           doc="Spatial kernel shape, one int per axis.")
    stride = property(lambda self: self._stride, doc="Stride, one int per axis.")
    padding = property(lambda self: self._padding,
                       doc="Padding as given: an int, a string or a tuple per axis.")
    dilation = property(lambda self: self._dilation, doc="Dilation, one int per axis.")
    groups = property(lambda self: self._groups, doc="Number of channel groups (int).")
    flip_filters = property(lambda self: self._flip,
                            doc="True: true convolution (kernel rotated 180 degrees).")
    dtype = property(lambda self: self._dtype,
                     doc="numpy dtype of the parameters, gradients and outputs.")
    algorithm = property(lambda self: self._algorithm,
                         doc='"auto", "direct", "winograd" or "fft": how every pass computes.')

    # ------------------------------------------------------------ parameters

    @property
    def weight(self) -> NDArray[Any]:
        """The kernel, shape ``(out_channels, in_channels // groups, *kernel_size)``.

        Assigning an array copies it into this buffer (same shape required).
        """
        return self._weight

    @weight.setter
    def weight(self, value: ArrayLike) -> None:
        cls = type(self).__name__
        arr = _real_array(cls, "weight", value)
        if arr.shape != self._weight.shape:
            raise ValueError(f"{cls}: weight must have shape {self._weight.shape}, "
                             f"got {arr.shape}")
        self._weight[...] = arr

    @property
    def bias(self) -> Optional[NDArray[Any]]:
        """The bias, shape ``(out_channels,)``, or None for a layer made with ``bias=False``.

        Assigning an array copies it into this buffer.
        """
        return self._bias

    @bias.setter
    def bias(self, value: Optional[ArrayLike]) -> None:
        cls = type(self).__name__
        if self._bias is None:
            if value is None:
                return
            raise ValueError(f"{cls}: this layer has no bias (it was made with bias=False)")
        arr = _real_array(cls, "bias", value)
        if arr.shape != self._bias.shape:
            raise ValueError(f"{cls}: bias must have shape {self._bias.shape}, got {arr.shape}")
        self._bias[...] = arr

    @property
    def grad_weight(self) -> NDArray[Any]:
        """Accumulated dLoss/dweight (same shape as :attr:`weight`)."""
        return self._grad_weight

    @property
    def grad_bias(self) -> Optional[NDArray[Any]]:
        """Accumulated dLoss/dbias, or None when the layer has no bias."""
        return self._grad_bias

    def parameters(self) -> List[Tuple[NDArray[Any], NDArray[Any]]]:
        """The (parameter, gradient) pairs, for an optimiser.

        The arrays are the layer's own: an optimiser updates ``param`` in place
        (``param -= lr * grad``).

        Returns
        -------
        list of (numpy.ndarray, numpy.ndarray)
            ``[(weight, grad_weight), (bias, grad_bias)]`` (no bias pair when the layer
            was made with ``bias=False``).

        Raises
        ------
        None
            It cannot fail.

        Examples
        --------
        >>> from fastconv.layers import Conv2d
        >>> conv = Conv2d(3, 8, 3, seed=0)
        >>> [p.shape for p, g in conv.parameters()]
        [(8, 3, 3, 3), (8,)]
        """
        pairs = [(self._weight, self._grad_weight)]
        if self._bias is not None and self._grad_bias is not None:
            pairs.append((self._bias, self._grad_bias))
        return pairs

    def zero_grad(self) -> None:
        """Reset the accumulated gradients to zero (in place).

        Returns
        -------
        None

        Raises
        ------
        None
            It cannot fail.

        Examples
        --------
        >>> import numpy as np
        >>> from fastconv.layers import Conv1d
        >>> conv = Conv1d(1, 2, 3, seed=0)
        >>> y = conv.forward(np.ones((1, 1, 8)))
        >>> _ = conv.backward(np.ones_like(y))
        >>> conv.zero_grad()
        >>> float(np.abs(conv.grad_weight).sum())
        0.0
        """
        self._grad_weight.fill(0)
        if self._grad_bias is not None:
            self._grad_bias.fill(0)

    # ------------------------------------------------------------ passes

    def _conv_kwargs(self) -> dict:
        return dict(stride=self._stride, padding=self._pads, dilation=self._dilation,
                    groups=self._groups, flip=self._flip)

    def output_shape(self, input_shape: Tuple[int, ...]) -> Tuple[int, ...]:
        """The shape :meth:`forward` returns for an input of ``input_shape``.

        Parameters
        ----------
        input_shape : tuple of ints
            ``(N, in_channels, *spatial)``.

        Returns
        -------
        tuple of ints
            ``(N, out_channels, *out_spatial)``.

        Raises
        ------
        ValueError
            ``input_shape`` of the wrong rank or channel count, or too small for the
            kernel.

        Examples
        --------
        >>> from fastconv.layers import Conv2d
        >>> Conv2d(1, 16, 3, stride=2, padding=1).output_shape((4, 1, 28, 28))
        (4, 16, 14, 14)
        """
        cls = type(self).__name__
        shape = tuple(input_shape)
        if len(shape) != self._nd + 2 or shape[1] != self._in_channels:
            raise ValueError(f"{cls}: input_shape must be (N, {self._in_channels}, "
                             f"{self._spatial}), got {shape}")
        return _conv_output_shape(shape, self._weight.shape, stride=self._stride,
                                  padding=self._pads, dilation=self._dilation,
                                  groups=self._groups)

    def forward(self, x: ArrayLike) -> NDArray[Any]:
        """Compute the layer's output and keep ``x`` for :meth:`backward`.

        Parameters
        ----------
        x : array_like, shape ``(N, in_channels, *spatial)``
            Cast to the layer's dtype.  The layer keeps a reference to it (no copy when
            it already is a C-contiguous array of that dtype): do not modify it in place
            before calling :meth:`backward`.

        Returns
        -------
        numpy.ndarray
            Shape ``(N, out_channels, *out_spatial)``, of the layer's dtype.

        Raises
        ------
        TypeError
            ``x`` of a non-real dtype.
        ValueError
            ``x`` of the wrong rank or channel count, or too small for the kernel.

        Examples
        --------
        >>> import numpy as np
        >>> from fastconv.layers import Conv2d
        >>> conv = Conv2d(3, 8, 3, padding="same", seed=0)
        >>> conv.forward(np.zeros((2, 3, 10, 10))).shape
        (2, 8, 10, 10)
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
        y = conv_forward(xa, self._weight, self._bias, algorithm=self._algorithm,
                         **self._conv_kwargs())
        self._x = xa
        self._out_shape = y.shape
        return y

    __call__ = forward

    def backward(self, grad_out: ArrayLike, *,
                 input_grad: bool = True) -> Optional[NDArray[Any]]:
        """Back-propagate ``grad_out = dLoss/dy`` through the last :meth:`forward`.

        Adds ``dLoss/dweight`` to :attr:`grad_weight` and ``dLoss/dbias`` to
        :attr:`grad_bias` (accumulation: call :meth:`zero_grad` to reset them), using
        the current weight.  May be called more than once per forward pass.

        Parameters
        ----------
        grad_out : array_like, shape of the last forward output
        input_grad : bool
            False skips the input gradient (for a network's first layer) and returns None.

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
        >>> from fastconv.layers import Conv2d
        >>> conv = Conv2d(3, 8, 3, seed=0)
        >>> x = np.ones((2, 3, 6, 6), np.float32)
        >>> y = conv.forward(x)
        >>> gx = conv.backward(np.ones_like(y))
        >>> gx.shape, conv.grad_weight.shape, conv.grad_bias.tolist()[:2]
        ((2, 3, 6, 6), (8, 3, 3, 3), [32.0, 32.0])
        """
        cls = type(self).__name__
        if self._x is None or self._out_shape is None:
            raise RuntimeError(f"{cls}: backward called before forward (the layer has no "
                               f"input to differentiate with respect to)")
        ga = _real_array(cls, "grad_out", grad_out)
        if ga.shape != self._out_shape:
            raise ValueError(f"{cls}: grad_out must have the shape of the last forward output "
                             f"{self._out_shape}, got {ga.shape}")
        input_grad = _bool(cls, "input_grad", input_grad)
        ga = np.ascontiguousarray(ga, dtype=self._dtype)
        self._grad_weight += self._weight_grad(self._x, ga)
        if self._grad_bias is not None:
            self._grad_bias += conv_backward_bias(ga)
        if not input_grad:
            return None
        return self._input_grad(ga, self._x.shape)

    # The two passes backward runs; the transposed layers override these, nothing else.
    def _weight_grad(self, x: NDArray[Any], ga: NDArray[Any]) -> NDArray[Any]:
        return conv_backward_weight(x, ga, self._weight.shape, algorithm=self._algorithm,
                                    **self._conv_kwargs())

    def _input_grad(self, ga: NDArray[Any], x_shape: Tuple[int, ...]) -> NDArray[Any]:
        return conv_backward_input(ga, self._weight, x_shape, algorithm=self._algorithm,
                                   **self._conv_kwargs())

    # ------------------------------------------------------------ repr

    def __repr__(self) -> str:
        def axes(t: Tuple[int, ...]) -> Union[int, Tuple[int, ...]]:
            return t[0] if len(set(t)) == 1 else t

        parts = [str(self._in_channels), str(self._out_channels),
                 f"kernel_size={axes(self._kernel_size)!r}", f"stride={axes(self._stride)!r}"]
        if self._padding != 0:
            parts.append(f"padding={self._padding!r}")
        if any(d != 1 for d in self._dilation):
            parts.append(f"dilation={axes(self._dilation)!r}")
        if self._groups != 1:
            parts.append(f"groups={self._groups}")
        if self._bias is None:
            parts.append("bias=False")
        if self._flip:
            parts.append("flip_filters=True")
        parts.append(f"dtype='{self._dtype.name}'")
        if self._algorithm != "auto":
            parts.append(f"algorithm={self._algorithm!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


_PARAMS_DOC = """
    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output; both divisible by ``groups``.
    kernel_size : int or tuple of {nd} ints
    stride : int or tuple of {nd} ints, keyword-only, default 1
    padding : keyword-only, default 0
        An int, one int per axis, one ``(low, high)`` pair per axis, ``"valid"``,
        ``"same"`` (stride 1 only) or ``"full"``, as in :func:`fastconv.conv_forward`.
    dilation : int or tuple of {nd} ints, keyword-only, default 1
    groups : int, keyword-only, default 1
    bias : bool, keyword-only, default True
        False: no bias; :attr:`bias` and :attr:`grad_bias` are None.
    flip_filters : bool, keyword-only, default False
        True rotates the kernel by 180 degrees in the forward pass (a true convolution,
        Lasagne's ``flip_filters=True``); False is a cross-correlation (PyTorch).
    dtype : "float32" or "float64", keyword-only
        dtype of the parameters, gradients and outputs (inputs are cast to it).
    seed : None, int or numpy.random.Generator, keyword-only
        Source of the He-initialised weights: ``N(0, 2 / fan_in)`` with
        ``fan_in = in_channels // groups * prod(kernel_size)``; the bias starts at 0.
    algorithm : "auto", "direct", "winograd" or "fft", keyword-only, default "auto"
        How :meth:`forward` and both gradients compute, as in
        :func:`fastconv.conv_forward` ("winograd": 2-D 3x3 layers with stride 1 and
        dilation 1 only; "fft": 1-D layers with stride 1 and dilation 1 only; else
        ValueError).

    Raises
    ------
    TypeError, ValueError
        For a wrong argument, with a message naming it.

    Examples
    --------
    >>> import numpy as np
    >>> from fastconv.layers import {cls}
    >>> conv = {cls}(2, 4, 3, padding=1, seed=0)
    >>> conv
    {cls}(2, 4, kernel_size=3, stride=1, padding=1, dtype='float32')
    >>> x = np.ones((1, 2) + (5,) * {nd}, np.float32)
    >>> y = conv.forward(x)
    >>> y.shape == (1, 4) + (5,) * {nd}
    True
    >>> conv.backward(np.ones_like(y)).shape == x.shape
    True
"""


class Conv1d(_ConvNd):
    __doc__ = ("1-D convolution layer: x ``(N, C, L)`` -> y ``(N, K, L_out)``.\n"
               + _PARAMS_DOC.format(nd=1, cls="Conv1d"))
    _nd = 1
    _spatial = "L"


class Conv2d(_ConvNd):
    __doc__ = ("2-D convolution layer: x ``(N, C, H, W)`` -> y ``(N, K, H_out, W_out)``.\n"
               + _PARAMS_DOC.format(nd=2, cls="Conv2d"))
    _nd = 2
    _spatial = "H, W"


class Conv3d(_ConvNd):
    __doc__ = ("3-D convolution layer: x ``(N, C, D, H, W)`` -> y "
               "``(N, K, D_out, H_out, W_out)``.\n" + _PARAMS_DOC.format(nd=3, cls="Conv3d"))
    _nd = 3
    _spatial = "D, H, W"


# the transposed layers share this module's state handling; they live in their own file
# (this one's length limit) and are imported last, as they subclass _ConvNd
from ._layers_transpose import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d  # noqa: E402
