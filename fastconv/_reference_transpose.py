"""The NumPy oracle of the transposed convolution, written from its definition (every
input pixel scatters its kernel into the output), not through the convolution passes
it equals; re-exported by :mod:`fastconv.reference`, whose conventions it follows
(float64 results, any real input dtype)."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._api import IntOrTuple
from ._transpose_params import resolve_conv_transpose
from .reference import (_SPATIAL_LETTERS, _as_real_f64, _conv_arrays, _tap_slices, check_bias,
                        check_grad_out_shape, normalize_shape)

__all__ = ["conv_transpose", "conv_transpose_backward_input", "conv_transpose_backward_weight"]



def _transpose_setup(fname: str, x_shape: Sequence[int], w_shape: Sequence[int], stride: Any,
                     padding: Any, output_padding: Any, dilation: Any, groups: Any,
                     **names: Any) -> Tuple[Any, Tuple[int, ...], Tuple[int, ...],
                                            Tuple[slice, ...]]:
    """Parameters, output shape, and the extent E of the uncropped output per axis:
    input pixel i, tap r lands at uncropped index i*s + r*d, output o at o + padding."""
    params, y_shape = resolve_conv_transpose(fname, x_shape, w_shape, stride, padding,
                                             output_padding, dilation, groups, **names)
    ext = tuple(max((n - 1) * s + d * (k - 1) + 1, p + o) for n, k, s, d, p, o in zip(
        x_shape[2:], w_shape[2:], params.stride, params.dilation, params.pad_low, y_shape[2:]))
    crop = (slice(None),) * 3 + tuple(slice(p, p + o) for p, o in zip(params.pad_low, y_shape[2:]))
    return params, y_shape, ext, crop


def conv_transpose(x: ArrayLike, w: ArrayLike, bias: Optional[ArrayLike] = None, *,
                   stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                   output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
                   groups: int = 1) -> NDArray[Any]:
    """``torch.nn.functional.conv_transpose{1,2,3}d``: every input pixel i of channel
    ``g*Cig + c`` scatters ``x[n, g*Cig + c, i] * w[g*Cig + c, j, r]`` to output pixel
    ``i*stride - padding + r*dilation`` of channel ``g*Cog + j``; written directly (not
    through the convolution passes it equals).  ``w`` is ``(C_in, C_out // groups, *k)``."""
    fname = "conv_transpose"
    x, w = _conv_arrays(fname, x, w)
    params, y_shape, ext, crop = _transpose_setup(fname, x.shape, w.shape, stride, padding,
                                                  output_padding, dilation, groups)
    nd, (n, cin), g = x.ndim - 2, x.shape[:2], params.groups
    sp = _SPATIAL_LETTERS[:nd]
    xg = x.reshape((n, g, cin // g) + x.shape[2:])
    wg = w.reshape((g, cin // g, w.shape[1]) + w.shape[2:])
    full = np.zeros((n, g, w.shape[1]) + ext)
    for tap in np.ndindex(*w.shape[2:]):
        window = (slice(None),) * 3 + _tap_slices(tap, params, x.shape[2:])
        full[window] += np.einsum(f"ngc{sp},gcj->ngj{sp}", xg, wg[(slice(None),) * 3 + tap])
    y = np.ascontiguousarray(full[crop]).reshape(y_shape)
    if bias is not None:
        bias = _as_real_f64(fname, "bias", bias)
        check_bias(fname, bias.shape, y_shape[1])
        y += bias.reshape((1, -1) + (1,) * nd)
    return y


def _uncropped(fname: str, grad_out: NDArray[Any], y_shape: Tuple[int, ...], ext: Tuple[int, ...],
               crop: Tuple[slice, ...], g: int) -> NDArray[np.float64]:
    """grad_out placed into the uncropped output's extent (zeros where it was cropped)."""
    check_grad_out_shape(fname, grad_out.shape, y_shape)
    full = np.zeros((y_shape[0], g, y_shape[1] // g) + ext)
    full[crop] = grad_out.reshape((y_shape[0], g, y_shape[1] // g) + y_shape[2:])
    return full


def conv_transpose_backward_input(grad_out: ArrayLike, w: ArrayLike, input_shape: Sequence[int],
                                  *, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                                  output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
                                  groups: int = 1) -> NDArray[Any]:
    """Gradient of ``sum(grad_out * conv_transpose(x, w, ...))`` with respect to ``x``:
    each input pixel gathers ``grad_out`` where its taps landed, times the weights."""
    fname = "conv_transpose_backward_input"
    grad_out, w = _conv_arrays(fname, grad_out, w, "grad_out", "w")
    input_shape = normalize_shape(fname, "input_shape", input_shape)
    params, y_shape, ext, crop = _transpose_setup(fname, input_shape, w.shape, stride, padding,
                                                  output_padding, dilation, groups,
                                                  x_name="input_shape")
    nd, (n, cin), g = len(input_shape) - 2, input_shape[:2], params.groups
    sp = _SPATIAL_LETTERS[:nd]
    full = _uncropped(fname, grad_out, y_shape, ext, crop, g)
    wg = w.reshape((g, cin // g, w.shape[1]) + w.shape[2:])
    gx = np.zeros((n, g, cin // g) + tuple(input_shape[2:]))
    for tap in np.ndindex(*w.shape[2:]):
        window = full[(slice(None),) * 3 + _tap_slices(tap, params, input_shape[2:])]
        gx += np.einsum(f"ngj{sp},gcj->ngc{sp}", window, wg[(slice(None),) * 3 + tap])
    return gx.reshape(input_shape)


def conv_transpose_backward_weight(x: ArrayLike, grad_out: ArrayLike,
                                   weight_shape: Sequence[int], *, stride: IntOrTuple = 1,
                                   padding: IntOrTuple = 0, output_padding: IntOrTuple = 0,
                                   dilation: IntOrTuple = 1, groups: int = 1) -> NDArray[Any]:
    """Gradient of ``sum(grad_out * conv_transpose(x, w, ...))`` with respect to ``w``:
    tap r of ``w[c, j]`` gathers ``x[n, c, i] * grad_out[n, j, i*s - p + r*d]``."""
    fname = "conv_transpose_backward_weight"
    x, grad_out = _conv_arrays(fname, x, grad_out, "x", "grad_out")
    weight_shape = normalize_shape(fname, "weight_shape", weight_shape)
    params, y_shape, ext, crop = _transpose_setup(fname, x.shape, weight_shape, stride, padding,
                                                  output_padding, dilation, groups,
                                                  w_name="weight_shape")
    nd, (n, cin), g = x.ndim - 2, x.shape[:2], params.groups
    sp = _SPATIAL_LETTERS[:nd]
    full = _uncropped(fname, grad_out, y_shape, ext, crop, g)
    xg = x.reshape((n, g, cin // g) + x.shape[2:])
    gw = np.zeros((g, cin // g, weight_shape[1]) + tuple(weight_shape[2:]))
    for tap in np.ndindex(*weight_shape[2:]):
        window = full[(slice(None),) * 3 + _tap_slices(tap, params, x.shape[2:])]
        gw[(slice(None),) * 3 + tap] = np.einsum(f"ngc{sp},ngj{sp}->gcj", xg, window)
    return gw.reshape(weight_shape)
