"""Plain NumPy reference implementations: the executable specification.

Every function here has the same name and meaning as the public fastconv
function, and is written to be read, not to be fast: a loop over kernel taps,
each tap adding a shifted (strided) slice of the input times one weight.  The
fast C kernels are tested against these functions, and these functions are
tested against ``scipy.signal`` and PyTorch in ``tests/test_reference.py``.

Numerics: inputs may be any real dtype (bool, integer or floating); the
computation is done in float64 and every function returns float64 (except
:func:`rot180` and :func:`pad_full`, which move data and keep the dtype).
Complex inputs are rejected with TypeError.  float64 makes the oracle more
accurate than a float32 kernel under test, so comparisons against it need only
the kernel's own tolerance.

Conventions for the batched functions (PyTorch's conv1d/2d/3d):

* ``x`` is ``(N, C, *spatial)``, ``w`` is ``(K, C // groups, *kernel)``, the output is
  ``(N, K, *out)``; 1, 2 or 3 spatial dims, told apart by the rank.
* ``conv_forward`` is a cross-correlation (no kernel flip), like every deep
  learning framework; ``flip=True`` rotates the kernel 180 degrees over its
  spatial axes first, giving a true convolution.
* The parameters ``stride``, ``padding``, ``dilation`` and ``groups`` accept
  every form documented in :func:`fastconv._params.normalize_conv_params`.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._api import IntOrTuple, Padding  # the fast functions' hint aliases
from ._params import (
    as_int_tuple,
    check_bias,
    check_grad_out_shape,
    normalize_shape,
    resolve_conv,
)

__all__ = [
    "ndimage_correlate",
    "correlate",
    "convolve",
    "correlate2d",
    "convolve2d",
    "rot180",
    "pad_full",
    "conv_forward",
    "conv_backward_input",
    "conv_backward_weight",
    "conv_backward_bias",
    "conv_transpose",
    "conv_transpose_backward_input",
    "conv_transpose_backward_weight",
]

_MODES = ("full", "same", "valid")

# scipy.signal.correlate2d/convolve2d accept these aliases; the values are
# the np.pad mode that extends in1 the same way.
_BOUNDARIES = {
    "fill": "constant",
    "pad": "constant",
    "wrap": "wrap",
    "circular": "wrap",
    "symm": "symmetric",
    "symmetric": "symmetric",
}


# ---------------------------------------------------------------------------
# Argument helpers
# ---------------------------------------------------------------------------

def _as_real_f64(fname: str, name: str, a: ArrayLike) -> NDArray[np.float64]:
    """``a`` as a float64 ndarray; TypeError unless its dtype is real."""
    arr = np.asarray(a)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{fname}: {name} must be a real (bool, integer or floating) array, got dtype "
            f"{arr.dtype}")
    return arr.astype(np.float64, copy=False)


def _check_mode(fname: str, mode: Any) -> None:
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"{fname}: mode must be 'full', 'same' or 'valid', got {mode!r}")


def _check_pair(fname: str, in1: NDArray[Any], in2: NDArray[Any]) -> None:
    if in1.ndim != in2.ndim:
        raise ValueError(
            f"{fname}: in1 and in2 must have the same number of dimensions, got in1 shape "
            f"{in1.shape} ({in1.ndim}-D) and in2 shape {in2.shape} ({in2.ndim}-D)")
    if in1.size == 0 or in2.size == 0:
        # scipy is inconsistent here (errors in 1-D, "broadcast" errors or
        # empty results in N-D); an explicit error is the useful spec.
        raise ValueError(
            f"{fname}: in1 and in2 must not be empty, got shapes {in1.shape} and {in2.shape}")


def _valid_swap_needed(fname: str, shape1: Tuple[int, ...], shape2: Tuple[int, ...]) -> bool:
    """True when in2 is the larger input in "valid" mode (scipy then swaps).

    ValueError when neither input is at least as large as the other on every
    axis, because then no output element is free of padding.
    """
    ok1 = all(n1 >= n2 for n1, n2 in zip(shape1, shape2))
    ok2 = all(n2 >= n1 for n1, n2 in zip(shape1, shape2))
    if not (ok1 or ok2):
        raise ValueError(
            f"{fname}: in 'valid' mode one input must be at least as large as the other on "
            f"every axis, got in1 shape {shape1} and in2 shape {shape2}")
    return not ok1


# ---------------------------------------------------------------------------
# Single-array correlation (scipy.signal semantics)
# ---------------------------------------------------------------------------

def _correlate_window(padded: NDArray[Any], kernel: NDArray[Any], start: Sequence[int],
                      out_shape: Tuple[int, ...]) -> NDArray[np.float64]:
    """``out[j] = sum_t kernel[t] * padded[start + j + t]`` (indices per axis).

    The one loop that every single-array function below reduces to: for each
    kernel tap ``t``, add the window of ``padded`` shifted by ``t``.
    """
    out = np.zeros(out_shape, dtype=np.float64)
    for tap in np.ndindex(*kernel.shape):
        window = tuple(slice(s + t, s + t + n) for s, t, n in zip(start, tap, out_shape))
        out += kernel[tap] * padded[window]
    return out


def _full_padded(in1: NDArray[Any], kernel_shape: Tuple[int, ...], np_mode: Any,
                 fillvalue: float = 0.0) -> NDArray[Any]:
    """in1 extended by ``k-1`` on both sides of every axis.

    Index ``j`` of the full correlation then starts at index ``j`` of this
    array.  n1=5, k=3: 2 extension values, then in1, then 2 more; full output
    has 5+3-1 = 7 entries.
    """
    pad = [(k - 1, k - 1) for k in kernel_shape]
    if np_mode == "constant":
        return np.pad(in1, pad, mode="constant", constant_values=fillvalue)
    # np.pad "wrap" and "symmetric" keep extending periodically when the pad
    # is wider than the array, which is exactly what scipy's boundary code
    # does for kernels larger than the image.
    return np.pad(in1, pad, mode=np_mode)


def _full_or_same(in1: NDArray[Any], kernel: NDArray[Any], mode: str, same_offset: Sequence[int],
                  np_mode: str = "constant", fillvalue: float = 0.0) -> NDArray[np.float64]:
    """The "full" output, or its "same" window starting at ``same_offset``."""
    padded = _full_padded(in1, kernel.shape, np_mode, fillvalue)
    if mode == "full":
        out_shape = tuple(n1 + n2 - 1 for n1, n2 in zip(in1.shape, kernel.shape))
        return _correlate_window(padded, kernel, (0,) * in1.ndim, out_shape)
    return _correlate_window(padded, kernel, same_offset, in1.shape)


def _valid(in1: NDArray[Any], in2: NDArray[Any]) -> NDArray[np.float64]:
    """Valid correlation of a larger ``in1`` with a smaller ``in2``: no padding.

    n1=5, n2=3: outputs 0..2 read in1[0:3], in1[1:4], in1[2:5].
    """
    out_shape = tuple(n1 - n2 + 1 for n1, n2 in zip(in1.shape, in2.shape))
    return _correlate_window(in1, in2, (0,) * in1.ndim, out_shape)


def correlate(in1: ArrayLike, in2: ArrayLike, mode: str = "full") -> NDArray[Any]:
    """N-D cross-correlation, equal to ``scipy.signal.correlate(method="direct")``.

    ``out[j] = sum_t in1[j + t - offset] * in2[t]`` with ``in1`` zero outside
    its bounds.  The output is float64 of shape

    * "full": ``n1 + n2 - 1`` per axis (``offset = n2 - 1``);
    * "same": ``n1``, the full output from ``(n2 - 1) // 2`` on every axis;
    * "valid": ``|n1 - n2| + 1``, the outputs that need no padding.  One input
      must be at least as large as the other on every axis, else ValueError.
      When ``in2`` is the larger, scipy swaps the inputs and reverses the
      result on every axis; that equals the matching window of "full".

    0-d inputs give their product, as in scipy.
    """
    fname = "correlate"
    _check_mode(fname, mode)
    in1 = _as_real_f64(fname, "in1", in1)
    in2 = _as_real_f64(fname, "in2", in2)
    if in1.ndim == in2.ndim == 0:
        return in1 * in2
    _check_pair(fname, in1, in2)
    if mode == "valid":
        if _valid_swap_needed(fname, in1.shape, in2.shape):
            # correlate(a, b)[j] == correlate(b, a)[-j]: swapping reverses.
            return np.ascontiguousarray(np.flip(_valid(in2, in1)))
        return _valid(in1, in2)
    # n2=4: "same" starts at full index (4-1)//2 = 1; n2=3: at 1 as well.
    offset = tuple((n2 - 1) // 2 for n2 in in2.shape)
    return _full_or_same(in1, in2, mode, offset)


def convolve(in1: ArrayLike, in2: ArrayLike, mode: str = "full") -> NDArray[Any]:
    """N-D convolution, equal to ``scipy.signal.convolve(method="direct")``.

    The correlation of ``in1`` with ``in2`` rotated 180 degrees on every axis;
    output shapes as in :func:`correlate`, including "same" starting at
    ``(n2 - 1) // 2`` of the full output.  In "valid" mode the inputs may be
    given either way round (convolution is commutative).
    """
    fname = "convolve"
    _check_mode(fname, mode)
    in1 = _as_real_f64(fname, "in1", in1)
    in2 = _as_real_f64(fname, "in2", in2)
    if in1.ndim == in2.ndim == 0:
        return in1 * in2
    _check_pair(fname, in1, in2)
    if mode == "valid":
        if _valid_swap_needed(fname, in1.shape, in2.shape):
            in1, in2 = in2, in1
        return _valid(in1, np.flip(in2))
    offset = tuple((n2 - 1) // 2 for n2 in in2.shape)
    return _full_or_same(in1, np.flip(in2), mode, offset)


def _check_2d(fname: str, in1: ArrayLike, in2: ArrayLike, mode: Any, boundary: Any,
              fillvalue: Any) -> Tuple[NDArray[np.float64], NDArray[np.float64], str, float]:
    _check_mode(fname, mode)
    if not isinstance(boundary, str) or boundary not in _BOUNDARIES:
        raise ValueError(
            f"{fname}: boundary must be 'fill', 'wrap' or 'symm' (or the aliases 'pad', "
            f"'circular', 'symmetric'), got {boundary!r}")
    in1 = _as_real_f64(fname, "in1", in1)
    in2 = _as_real_f64(fname, "in2", in2)
    if in1.ndim != 2 or in2.ndim != 2:
        raise ValueError(
            f"{fname}: in1 and in2 must both be 2-D, got shapes {in1.shape} and {in2.shape}")
    _check_pair(fname, in1, in2)
    fv = np.asarray(fillvalue)
    if fv.dtype.kind not in "biuf":
        raise TypeError(f"{fname}: fillvalue must be a real scalar, got {fillvalue!r}")
    if fv.size != 1:
        raise ValueError(
            f"{fname}: fillvalue must be a scalar or a one-element array, got shape {fv.shape}")
    return in1, in2, _BOUNDARIES[boundary], float(fv.reshape(()))


def correlate2d(in1: ArrayLike, in2: ArrayLike, mode: str = "full", boundary: str = "fill",
                fillvalue: float = 0) -> NDArray[Any]:
    """2-D cross-correlation, equal to ``scipy.signal.correlate2d``.

    ``in1`` is extended outside its bounds according to ``boundary``:
    "fill" with ``fillvalue``, "wrap" periodically, "symm" by reflection that
    repeats the edge (``np.pad(mode="symmetric")``: ``c b a | a b c | c b a``);
    the extensions repeat as needed when the kernel is larger than ``in1``.

    Unlike :func:`correlate`, "same" starts at ``n2 // 2`` of the full output
    (one index later than :func:`correlate` for even kernel sizes).  "valid"
    ignores ``boundary`` and swaps like :func:`correlate`.
    """
    fname = "correlate2d"
    in1, in2, np_mode, fv = _check_2d(fname, in1, in2, mode, boundary, fillvalue)
    if mode == "valid":
        if _valid_swap_needed(fname, in1.shape, in2.shape):
            return np.ascontiguousarray(np.flip(_valid(in2, in1)))
        return _valid(in1, in2)
    # n2=4: "same" starts at full index 4//2 = 2 (correlate would use 1).
    offset = tuple(n2 // 2 for n2 in in2.shape)
    return _full_or_same(in1, in2, mode, offset, np_mode, fv)


def convolve2d(in1: ArrayLike, in2: ArrayLike, mode: str = "full", boundary: str = "fill",
               fillvalue: float = 0) -> NDArray[Any]:
    """2-D convolution, equal to ``scipy.signal.convolve2d``.

    :func:`correlate2d` with ``in2`` rotated 180 degrees, same boundary
    handling, but "same" starts at ``(n2 - 1) // 2`` of the full output.
    """
    fname = "convolve2d"
    in1, in2, np_mode, fv = _check_2d(fname, in1, in2, mode, boundary, fillvalue)
    if mode == "valid":
        if _valid_swap_needed(fname, in1.shape, in2.shape):
            in1, in2 = in2, in1
        return _valid(in1, np.flip(in2))
    offset = tuple((n2 - 1) // 2 for n2 in in2.shape)
    return _full_or_same(in1, np.flip(in2), mode, offset, np_mode, fv)


# ---------------------------------------------------------------------------
# Data movement
# ---------------------------------------------------------------------------

def rot180(a: ArrayLike, axes: Union[None, int, Sequence[int]] = None) -> NDArray[Any]:
    """``a`` rotated 180 degrees over ``axes`` (None: all), C-contiguous copy.

    ``out[..., i, ...] = a[..., n-1-i, ...]`` on each axis in ``axes``; the
    dtype is kept.
    """
    return np.ascontiguousarray(np.flip(np.asarray(a), axis=cast(Any, axes)))


def pad_full(a: ArrayLike, kernel_shape: Union[int, Sequence[int]],
             dilation: Union[int, Sequence[int]] = 1) -> NDArray[Any]:
    """Zero-pad the trailing ``len(kernel_shape)`` axes for a "full" convolution.

    Each of those axes gets ``dilation*(k-1)`` zeros on both sides, so that a
    valid correlation with the (dilated) kernel afterwards gives the full
    output.  ``dilation`` is an int or one int per kernel axis.  The dtype is
    kept.
    """
    fname = "pad_full"
    a = np.asarray(a)
    nd = len(kernel_shape) if hasattr(kernel_shape, "__len__") else 0
    if nd < 1:
        raise ValueError(
            f"{fname}: kernel_shape must be a non-empty sequence of positive ints, got "
            f"{kernel_shape!r}")
    kernel_shape = cast(Tuple[int, ...], as_int_tuple(fname, "kernel_shape", kernel_shape, nd,
                                                      minimum=1))
    dilation = cast(Tuple[int, ...], as_int_tuple(fname, "dilation", dilation, nd, minimum=1))
    if a.ndim < nd:
        raise ValueError(
            f"{fname}: a must have at least {nd} axes to pad for kernel_shape {kernel_shape}, "
            f"got shape {a.shape}")
    # k=3, dilation=2: full pad = 2*(3-1) = 4 per side
    pad = [(0, 0)] * (a.ndim - nd) + [(d * (k - 1),) * 2 for k, d in zip(kernel_shape, dilation)]
    return np.pad(a, pad, mode="constant")


# ---------------------------------------------------------------------------
# Batched channels-first convolution (PyTorch semantics)
# ---------------------------------------------------------------------------

def _tap_slices(tap: Tuple[int, ...], params: Any, out_spatial: Sequence[int]) -> Tuple[slice, ...]:
    """Slices of the padded input read by kernel tap ``tap`` for every output.

    Output ``o`` reads padded index ``o*stride + tap*dilation``.
    k=3, dilation=2, stride=2, 4 outputs: tap 1 reads padded rows 2, 4, 6, 8.
    """
    return tuple(
        slice(t * d, t * d + (o - 1) * s + 1, s)
        for t, d, s, o in zip(tap, params.dilation, params.stride, out_spatial))


def _pad_spatial(a: NDArray[Any], params: Any) -> NDArray[Any]:
    """Zero-pad the spatial axes (all but the first two) by pad_low/pad_high."""
    pad = [(0, 0), (0, 0)] + list(zip(params.pad_low, params.pad_high))
    return np.pad(a, pad, mode="constant")


_SPATIAL_LETTERS = "uvw"


def _spatial_axes(nd: int) -> Tuple[int, ...]:
    return tuple(range(2, 2 + nd))


def _conv_arrays(fname: str, x: ArrayLike, w: ArrayLike, x_name: str = "x",
                 w_name: str = "w") -> Tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = _as_real_f64(fname, x_name, x)
    w = _as_real_f64(fname, w_name, w)
    return x, w


def conv_forward(x: ArrayLike, w: ArrayLike, bias: Optional[ArrayLike] = None, *,
                 stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
                 groups: int = 1, flip: bool = False) -> NDArray[Any]:
    """Batched N-D convolution with PyTorch's conv1d/conv2d/conv3d semantics.

    ``y[n, k, o] = bias[k] + sum_{c, t} xp[n, g*Cg + c, o*stride + t*dilation]
    * w[k, c, t]`` where ``xp`` is ``x`` zero-padded, ``g = k // (K/groups)``
    is the group of output channel ``k`` and ``Cg = C / groups``.

    With ``flip=True`` the kernel is rotated 180 degrees over its spatial axes
    first (a true convolution).  Returns float64 of shape ``(N, K, *out)``.
    """
    fname = "conv_forward"
    x, w = _conv_arrays(fname, x, w)
    params, out_shape = resolve_conv(fname, x.shape, w.shape, stride, padding, dilation, groups)
    if bias is not None:
        bias = _as_real_f64(fname, "bias", bias)
        check_bias(fname, bias.shape, w.shape[0])
    nd = x.ndim - 2
    if flip:
        w = rot180(w, _spatial_axes(nd))
    n, c = x.shape[:2]
    k = w.shape[0]
    g = params.groups
    sp = _SPATIAL_LETTERS[:nd]  # einsum letters of the spatial axes
    out_spatial = out_shape[2:]

    # Split the channel axes into (group, channel within group) so one einsum
    # handles every group: x (N, G, C/G, ...), w (G, K/G, C/G, ...).
    padded_spatial = tuple(
        x.shape[2 + i] + params.pad_low[i] + params.pad_high[i] for i in range(nd))
    xg = _pad_spatial(x, params).reshape((n, g, c // g) + padded_spatial)
    wg = w.reshape((g, k // g, c // g) + w.shape[2:])
    y = np.zeros((n, g, k // g) + out_spatial, dtype=np.float64)
    for tap in np.ndindex(*w.shape[2:]):
        window = xg[(slice(None),) * 3 + _tap_slices(tap, params, out_spatial)]
        y += np.einsum(f"ngc{sp},gkc->ngk{sp}", window, wg[(slice(None),) * 3 + tap])
    y = y.reshape(out_shape)
    if bias is not None:
        y += bias.reshape((1, k) + (1,) * nd)
    return y


def conv_backward_input(grad_out: ArrayLike, w: ArrayLike, input_shape: Sequence[int], *,
                        stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
                        groups: int = 1, flip: bool = False) -> NDArray[Any]:
    """Gradient of ``sum(grad_out * conv_forward(x, w, ...))`` with respect to ``x``.

    Equal to ``torch.nn.grad.conv{1,2,3}d_input``.  ``input_shape`` is the
    full shape ``(N, C, *spatial)`` of ``x``: with stride > 1 several input sizes
    give the same output size, so it cannot be inferred.  Input elements that
    no output reads (the tail left over by the stride) get 0.

    Written as the transpose of :func:`conv_forward`: every output gradient
    is scattered back, through each tap's weight, to the padded input element
    that tap read; the padding is then cropped.  For stride 1 this equals the
    seeds' "full convolution of grad_out with the 180-degree-rotated,
    in/out-transposed kernel, summed over output channels".  With
    ``flip=True`` it is the gradient of the flipped forward.
    """
    fname = "conv_backward_input"
    grad_out, w = _conv_arrays(fname, grad_out, w, "grad_out", "w")
    input_shape = normalize_shape(fname, "input_shape", input_shape)
    params, out_shape = resolve_conv(fname, input_shape, w.shape, stride, padding, dilation,
                                     groups, x_name="input_shape")
    check_grad_out_shape(fname, grad_out.shape, out_shape)
    nd = len(input_shape) - 2
    if flip:
        w = rot180(w, _spatial_axes(nd))
    n, c = input_shape[:2]
    k = w.shape[0]
    g = params.groups
    sp = _SPATIAL_LETTERS[:nd]  # einsum letters of the spatial axes
    out_spatial = out_shape[2:]
    padded_spatial = tuple(
        input_shape[2 + i] + params.pad_low[i] + params.pad_high[i] for i in range(nd))

    gy = grad_out.reshape((n, g, k // g) + out_spatial)
    wg = w.reshape((g, k // g, c // g) + w.shape[2:])
    gxp = np.zeros((n, g, c // g) + padded_spatial, dtype=np.float64)
    for tap in np.ndindex(*w.shape[2:]):
        # Scatter-add: the forward read these positions through this tap.
        window = (slice(None),) * 3 + _tap_slices(tap, params, out_spatial)
        gxp[window] += np.einsum(f"ngk{sp},gkc->ngc{sp}", gy, wg[(slice(None),) * 3 + tap])

    # Gradients that landed on padding belong to no input element.
    # in 5, pad_low 2: input element i sits at padded index i + 2.
    crop = (slice(None),) * 3 + tuple(
        slice(lo, lo + size) for lo, size in zip(params.pad_low, input_shape[2:]))
    return np.ascontiguousarray(gxp[crop]).reshape(input_shape)


def conv_backward_weight(x: ArrayLike, grad_out: ArrayLike, weight_shape: Sequence[int], *,
                         stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
                         groups: int = 1, flip: bool = False) -> NDArray[Any]:
    """Gradient of ``sum(grad_out * conv_forward(x, w, ...))`` with respect to ``w``.

    Equal to ``torch.nn.grad.conv{1,2,3}d_weight``.  ``weight_shape`` is the
    full shape ``(K, C // groups, *kernel)`` of ``w``.  Each weight tap gathers
    ``grad_out`` times the input it multiplied in the forward pass: for stride
    and dilation 1 this is the valid correlation of the padded ``x`` with
    ``grad_out``, summed over the batch.  With ``flip=True`` the result is
    rotated back, so it is the gradient of the flipped forward with respect to
    the unflipped ``w``.
    """
    fname = "conv_backward_weight"
    x, grad_out = _conv_arrays(fname, x, grad_out, "x", "grad_out")
    weight_shape = normalize_shape(fname, "weight_shape", weight_shape)
    params, out_shape = resolve_conv(fname, x.shape, weight_shape, stride, padding, dilation,
                                     groups, w_name="weight_shape")
    check_grad_out_shape(fname, grad_out.shape, out_shape)
    nd = x.ndim - 2
    n, c = x.shape[:2]
    k = weight_shape[0]
    g = params.groups
    sp = _SPATIAL_LETTERS[:nd]  # einsum letters of the spatial axes
    out_spatial = out_shape[2:]
    padded_spatial = tuple(
        x.shape[2 + i] + params.pad_low[i] + params.pad_high[i] for i in range(nd))

    xg = _pad_spatial(x, params).reshape((n, g, c // g) + padded_spatial)
    gy = grad_out.reshape((n, g, k // g) + out_spatial)
    gw = np.zeros((g, k // g, c // g) + tuple(weight_shape[2:]), dtype=np.float64)
    for tap in np.ndindex(*weight_shape[2:]):
        window = xg[(slice(None),) * 3 + _tap_slices(tap, params, out_spatial)]
        gw[(slice(None),) * 3 + tap] = np.einsum(f"ngk{sp},ngc{sp}->gkc", gy, window)
    gw = gw.reshape(weight_shape)
    if flip:
        # d/dw of f(rot180(w)) is rot180 of the gradient at rot180(w).
        gw = rot180(gw, _spatial_axes(nd))
    return gw


def conv_backward_bias(grad_out: ArrayLike) -> NDArray[Any]:
    """Gradient with respect to ``bias``: ``grad_out`` summed over batch and space.

    ``grad_out`` is ``(N, K, *out)`` with 1 to 3 spatial dims; returns (K,).
    """
    fname = "conv_backward_bias"
    grad_out = _as_real_f64(fname, "grad_out", grad_out)
    if grad_out.ndim not in (3, 4, 5):
        raise ValueError(
            f"{fname}: grad_out must be 3-D, 4-D or 5-D (batch, channels, *spatial), got shape "
            f"{grad_out.shape}")
    return grad_out.sum(axis=(0,) + _spatial_axes(grad_out.ndim - 2))


# ---------------------------------------------------------------------------
# scipy.ndimage's correlation (fastconv.ndimage)
# ---------------------------------------------------------------------------

# ndimage's mode names as np.pad modes (for filters the grid-* names mean the same):
# reflect repeats the edge (c b a | a b c), mirror does not (c b | a b c), nearest
# repeats the edge value; np.pad keeps extending periodically however wide the pad,
# and its "reflect" of a length-1 axis repeats the element, as ndimage's mirror does.
_NDIMAGE_PAD = {"reflect": "symmetric", "grid-mirror": "symmetric", "mirror": "reflect",
                "nearest": "edge", "wrap": "wrap", "grid-wrap": "wrap",
                "constant": "constant", "grid-constant": "constant"}


def ndimage_correlate(input: ArrayLike, weights: ArrayLike, mode: str = "reflect",
                      cval: float = 0.0, origin: Union[int, Sequence[int]] = 0) -> NDArray[Any]:
    """``scipy.ndimage.correlate(input, weights, mode=mode, cval=cval, origin=origin)``
    for real arrays of equal rank, in float64:
    ``out[i] = sum_j weights[j] * ext(input)[i + j - weights.shape // 2 - origin]``
    (per axis; w = 3, origin 0: taps at i-1, i, i+1; origin 1: i-2, i-1, i)."""
    fname = "ndimage_correlate"
    x = _as_real_f64(fname, "input", input)
    w = _as_real_f64(fname, "weights", weights)
    if w.ndim != x.ndim or w.size == 0:
        raise ValueError(f"{fname}: weights must be non-empty with the input's rank {x.ndim}")
    if mode not in _NDIMAGE_PAD:
        raise ValueError(f"{fname}: mode must be one of {sorted(_NDIMAGE_PAD)}, got {mode!r}")
    origins = as_int_tuple(fname, "origin", origin, x.ndim, minimum=-(2 ** 62))
    pad = []
    for k, o in zip(w.shape, origins):
        if not -(k // 2) <= o <= (k - 1) // 2:
            raise ValueError(f"{fname}: origin {o} outside [{-(k // 2)}, {(k - 1) // 2}]")
        pad.append((k // 2 + o, k - 1 - k // 2 - o))
    np_mode = _NDIMAGE_PAD[mode]
    if np_mode == "constant":
        padded = np.pad(x, pad, mode="constant", constant_values=cval)
    else:
        padded = np.pad(x, pad, mode=cast(Any, np_mode))  # a str of _NDIMAGE_PAD
    return _correlate_window(padded, w, (0,) * x.ndim, x.shape)


# the transposed convolution's oracle lives in its own module (this file's length limit);
# it uses the helpers above, so it is imported last
from ._reference_transpose import (conv_transpose, conv_transpose_backward_input,  # noqa: E402
                                   conv_transpose_backward_weight)

# Each function's numpydoc sections (Parameters, Returns, Raises, Examples) are appended
# from _reference_docs.py: the formulas stay here beside the code they specify, and this
# file under the 600-line limit.
from ._reference_docs import attach as _attach_docs  # noqa: E402

_attach_docs(globals())
