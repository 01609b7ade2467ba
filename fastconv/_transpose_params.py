"""Validation of a transposed convolution's shapes and parameters (pure Python, shared
by :mod:`fastconv._transpose` and the reference), in the style of :mod:`fastconv._params`:
every error names the function, the argument, what was expected and what was given."""
from __future__ import annotations

from typing import Any, Tuple

from ._params import (ConvParams, _as_groups, _tagged, as_int_tuple, check_size, memo_resolve,
                      normalize_shape)

__all__ = ["normalize_transpose_params", "resolve_conv_transpose"]


def normalize_transpose_params(fname: str, nd: int, stride: Any, padding: Any,
                               output_padding: Any, dilation: Any,
                               groups: Any) -> Tuple[ConvParams, Tuple[int, ...]]:
    """The hyper-parameters as tuples of ints, checked: the matching convolution's
    ConvParams (``pad_high = padding - output_padding``) and the output padding."""
    stride = as_int_tuple(fname, "stride", stride, nd, minimum=1)
    dilation = as_int_tuple(fname, "dilation", dilation, nd, minimum=1)
    pad = as_int_tuple(fname, "padding", padding, nd, minimum=0)
    opad = as_int_tuple(fname, "output_padding", output_padding, nd, minimum=0)
    groups = _as_groups(fname, groups)
    for axis, (op, s, d) in enumerate(zip(opad, stride, dilation)):
        if op >= s and op >= d:
            raise ValueError(
                f"{fname}: output_padding must be smaller than stride or dilation on every "
                f"axis (as PyTorch requires), got output_padding={opad}, stride={stride}, "
                f"dilation={dilation} (spatial axis {axis}: {op} >= {s} and {op} >= {d})")
    params = ConvParams(stride, dilation, pad, tuple(p - op for p, op in zip(pad, opad)), groups)
    return params, opad


def _check_shapes(fname: str, x_shape: Tuple[int, ...], w_shape: Tuple[int, ...], x_name: str,
                  w_name: str) -> int:
    xr, wr = len(x_shape), len(w_shape)
    if xr not in (3, 4, 5):
        raise ValueError(
            f"{fname}: {x_name} must be 3-D, 4-D or 5-D (batch, in_channels, *spatial with 1 to "
            f"3 spatial dims), got shape {x_shape} ({xr}-D)")
    if wr != xr:
        raise ValueError(
            f"{fname}: {w_name} must have the same rank as {x_name} ({xr}-D: in_channels, "
            f"out_channels // groups, *kernel), got shape {w_shape} ({wr}-D)")
    if any(n < 1 for n in x_shape[1:]):
        raise ValueError(f"{fname}: {x_name} must have at least one channel and one element on "
                         f"every spatial axis, got shape {x_shape}")
    if any(n < 1 for n in w_shape):
        raise ValueError(f"{fname}: {w_name} must have no zero-size axis, got shape {w_shape}")
    return xr - 2


def _ref(name: str, axis: int) -> str:
    return f"{name}[{axis}]" if name.endswith("shape") else f"{name}.shape[{axis}]"


def _resolve(fname: str, x_shape: Any, w_shape: Any, stride: Any, padding: Any,
             output_padding: Any, dilation: Any, groups: Any, x_name: str, w_name: str,
             itemsize: int) -> Tuple[ConvParams, Tuple[int, ...]]:
    x_shape = normalize_shape(fname, f"{x_name} shape", x_shape)
    w_shape = normalize_shape(fname, f"{w_name} shape", w_shape)
    nd = _check_shapes(fname, x_shape, w_shape, x_name, w_name)
    params, opad = normalize_transpose_params(fname, nd, stride, padding, output_padding,
                                              dilation, groups)
    stride, dilation, pad, groups = params.stride, params.dilation, params.pad_low, params.groups
    cin = x_shape[1]
    if w_shape[0] != cin:
        raise ValueError(
            f"{fname}: {_ref(w_name, 0)} must be the input channels {_ref(x_name, 1)} = {cin} "
            f"({w_name} is (in_channels, out_channels // groups, *kernel)), got {w_shape[0]} "
            f"({w_name} shape {w_shape})")
    if cin % groups:
        raise ValueError(f"{fname}: input channels ({_ref(x_name, 1)} = {cin}) must be divisible "
                         f"by groups ({groups})")
    out = []
    for axis in range(nd):
        n, k = x_shape[2 + axis], w_shape[2 + axis]
        s, d, p, op = stride[axis], dilation[axis], pad[axis], opad[axis]
        # in 28, stride 2, padding 1, k 4, output_padding 0: 27*2 - 2 + 3 + 0 + 1 = 56
        size = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        if size < 1:
            raise ValueError(
                f"{fname}: the output would be empty on spatial axis {axis}: "
                f"(in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1 = "
                f"({n}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {size}; reduce padding "
                f"(got padding={pad})")
        out.append(size)
    out_shape = (x_shape[0], w_shape[1] * groups) + tuple(out)
    check_size(fname, x_name, x_shape, itemsize)
    check_size(fname, w_name, w_shape, itemsize)
    check_size(fname, "output", out_shape, itemsize)
    return params, out_shape


#: resolve_conv_transpose's results (its own cache; see _params.memo_resolve)
_RESOLVED: dict = {}


def resolve_conv_transpose(fname: str, x_shape: Any, w_shape: Any, stride: Any = 1,
                           padding: Any = 0, output_padding: Any = 0, dilation: Any = 1,
                           groups: Any = 1, *, x_name: str = "x", w_name: str = "w",
                           itemsize: int = 8) -> Tuple[ConvParams, Tuple[int, ...]]:
    """Check a transposed convolution's shapes and parameters.

    ``x_shape`` is ``(N, C_in, *in)``, ``w_shape`` ``(C_in, C_out // groups, *kernel)``.
    Returns the matching convolution's parameters (``pad_low = padding``, ``pad_high =
    padding - output_padding``, possibly negative) and the output shape ``(N, C_out,
    *out)``.  Successful results are remembered per exact argument values and types (a
    training loop repeats a few layers); failures are never stored.
    """
    args = (fname, x_shape, w_shape, stride, padding, output_padding, dilation, groups,
            x_name, w_name, itemsize)
    key = (fname, x_name, w_name, itemsize, _tagged(x_shape), _tagged(w_shape), _tagged(stride),
           _tagged(padding), _tagged(output_padding), _tagged(dilation), _tagged(groups))
    return memo_resolve(_RESOLVED, key, _resolve, args)
