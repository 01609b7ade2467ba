"""Validation and normalisation of convolution hyper-parameters.

This module is the one place where ``stride``, ``padding``, ``dilation`` and
``groups`` are checked and turned into plain tuples of Python ints, and where
output shapes are computed.  The public API and :mod:`fastconv.reference` both
use it, so the two cannot disagree about what an argument means.

It is pure Python on purpose: it runs before any array is touched, and the C
layer receives only the normalised ints (``fc_conv_desc`` in ``fastconv.h``).

Every error is a :class:`ValueError` (the value is out of its domain) or a
:class:`TypeError` (the value has the wrong type).  Messages start with the
name of the public function that was called (``fname``) and name the argument,
what was expected and what was given, for example::

    conv_forward: stride must be a positive int or a sequence of 2 positive
    ints, got (1, 0)

Integers are accepted when they are :class:`numbers.Integral` (``int`` and the
NumPy integer scalars) but not ``bool``: ``stride=True`` is almost certainly a
mistake, not a stride of 1.
"""

from collections.abc import Mapping
from numbers import Integral
from typing import NamedTuple, Tuple

__all__ = [
    "INT64_MAX",
    "ConvParams",
    "as_int_tuple",
    "normalize_shape",
    "normalize_conv_params",
    "conv_output_shape",
    "conv_spatial_ndim",
    "check_channels",
    "check_bias",
    "check_grad_out_shape",
    "check_size",
    "resolve_conv",
]

# The C layer stores every size, stride and offset in int64_t.
INT64_MAX = 2**63 - 1

_PADDING_STRINGS = ("valid", "same", "full")


class ConvParams(NamedTuple):
    """Normalised hyper-parameters of a batched convolution.

    Each tuple has one Python int per spatial axis; ``pad_low[i]`` zeros go
    before axis ``i`` of the input and ``pad_high[i]`` after it.
    """

    stride: Tuple[int, ...]
    dilation: Tuple[int, ...]
    pad_low: Tuple[int, ...]
    pad_high: Tuple[int, ...]
    groups: int


# ---------------------------------------------------------------------------
# Small predicates and message helpers
# ---------------------------------------------------------------------------

def _is_int(value):
    # bool is an Integral subclass, but True as a stride or size is a bug.  The exact-type
    # test first: the ABC check costs ~1 us, and a call validates dozens of ints.
    if type(value) is int:
        return True
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_sequence(value):
    # Accept tuples, lists, torch.Size and 1-D NumPy arrays alike; a string
    # has a length too but is never a sequence of ints here.
    return (
        not isinstance(value, (str, bytes, Mapping))
        and hasattr(value, "__len__")
        and hasattr(value, "__iter__")
    )


def _describe(value):
    """``repr`` plus the type name, for messages about a wrong type."""
    return f"{value!r} ({type(value).__name__})"


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _entries(n):
    return "1 entry" if n == 1 else f"{n} entries"


def _check_fname(fname):
    if not isinstance(fname, str):
        raise TypeError(f"fname must be a str naming the calling function, got {_describe(fname)}")


def _check_nd(fname, nd):
    if not _is_int(nd):
        raise TypeError(f"{fname}: the number of spatial dimensions must be an int, got {_describe(nd)}")
    if nd < 1:
        raise ValueError(f"{fname}: the number of spatial dimensions must be >= 1, got {nd}")
    return int(nd)


def _check_int64(fname, name, value, original):
    if value > INT64_MAX:
        raise ValueError(f"{fname}: {name} must fit in int64 (at most 2**63-1), got {original!r}")


# ---------------------------------------------------------------------------
# Ints and tuples of ints
# ---------------------------------------------------------------------------

def as_int_tuple(fname, name, value, nd, minimum=1):
    """Return ``value`` as a tuple of ``nd`` Python ints, each ``>= minimum``.

    ``value`` is either one int (repeated on every axis) or a sequence of
    ``nd`` ints.  Raises TypeError for a non-int, ValueError for a wrong length
    or an entry below ``minimum`` or above 2**63-1.
    """
    _check_fname(fname)
    nd = _check_nd(fname, nd)
    kind = "positive int" if minimum == 1 else (
        "non-negative int" if minimum == 0 else f"int >= {minimum}")
    expected = f"a {kind} or a sequence of {_plural(nd, kind)}"

    if _is_int(value):
        items = (value,) * nd
    elif _is_sequence(value):
        items = tuple(value)
        if len(items) != nd:
            raise ValueError(
                f"{fname}: {name} must be {expected}, got {value!r} ({_entries(len(items))})")
    else:
        raise TypeError(f"{fname}: {name} must be {expected}, got {_describe(value)}")

    result = []
    for i, item in enumerate(items):
        if not _is_int(item):
            raise TypeError(
                f"{fname}: {name} must be {expected}, got {value!r} "
                f"(entry {i} is {_describe(item)})")
        if item < minimum:
            raise ValueError(f"{fname}: {name} must be {expected}, got {value!r}")
        _check_int64(fname, name, item, value)
        result.append(int(item))
    return tuple(result)


def normalize_shape(fname, name, shape, ndim=None, minimum=0):
    """Return ``shape`` as a tuple of Python ints, each ``>= minimum``.

    ``ndim``, when given, is the required length.  Used for shapes that the
    caller passes explicitly (``input_shape``, ``weight_shape``).
    """
    _check_fname(fname)
    # fast path: an ndarray's .shape (a tuple of small non-negative ints) needs no more
    if type(shape) is tuple and (ndim is None or len(shape) == ndim):
        for v in shape:  # a loop: all() over a generator cost twice as much
            if type(v) is not int or not minimum <= v <= INT64_MAX:
                break
        else:
            return shape
    if not _is_sequence(shape):
        raise TypeError(f"{fname}: {name} must be a sequence of ints, got {_describe(shape)}")
    items = tuple(shape)
    if ndim is not None and len(items) != ndim:
        raise ValueError(
            f"{fname}: {name} must have {_entries(ndim)}, got {shape!r} ({_entries(len(items))})")
    result = []
    for i, item in enumerate(items):
        if not _is_int(item):
            raise TypeError(
                f"{fname}: {name} must be a sequence of ints, got {shape!r} "
                f"(entry {i} is {_describe(item)})")
        if item < minimum:
            raise ValueError(f"{fname}: {name} entries must be >= {minimum}, got {shape!r}")
        _check_int64(fname, name, item, shape)
        result.append(int(item))
    return tuple(result)


def _as_groups(fname, groups):
    if not _is_int(groups):
        raise TypeError(f"{fname}: groups must be a positive int, got {_describe(groups)}")
    if groups < 1:
        raise ValueError(f"{fname}: groups must be a positive int, got {groups!r}")
    _check_int64(fname, "groups", groups, groups)
    return int(groups)


# ---------------------------------------------------------------------------
# Padding
# ---------------------------------------------------------------------------

def _padding_expected(nd):
    return (f"'valid', 'same', 'full', a non-negative int, a sequence of "
            f"{_plural(nd, 'non-negative int')} or a sequence of {nd} (low, high) pairs")


def _normalize_padding(fname, padding, nd, kernel_shape, stride, dilation):
    """Return (pad_low, pad_high) for every accepted form of ``padding``."""
    expected = _padding_expected(nd)
    # Extent of the dilated kernel minus one, per axis: the padding that
    # "full" adds on each side.
    # k=3, dilation=2: full pad = 2*(3-1) = 4 per side
    reach = tuple(d * (k - 1) for d, k in zip(dilation, kernel_shape))

    if isinstance(padding, str):
        if padding == "valid":
            return (0,) * nd, (0,) * nd
        if padding == "full":
            return reach, reach
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(
                    f"{fname}: padding='same' requires stride 1 on every axis, got stride={stride}")
            # The output keeps the input size when the total padding equals
            # the reach; an odd total puts the extra zero on the high side,
            # as PyTorch does.
            # k=4, dilation=1: total 3 -> low 1, high 2
            low = tuple(r // 2 for r in reach)
            high = tuple(r - lo for r, lo in zip(reach, low))
            return low, high
        raise ValueError(f"{fname}: padding must be {expected}, got {padding!r}")

    if _is_int(padding):
        if padding < 0:
            raise ValueError(f"{fname}: padding must be {expected}, got {padding!r}")
        _check_int64(fname, "padding", padding, padding)
        p = (int(padding),) * nd
        return p, p

    if not _is_sequence(padding):
        raise TypeError(f"{fname}: padding must be {expected}, got {_describe(padding)}")

    items = tuple(padding)
    if len(items) != nd:
        hint = ""
        if nd == 1 and len(items) == 2:
            # A 1-D (low, high) pair would be ambiguous with "2 ints"; make
            # the caller say which one they mean.
            hint = f"; for asymmetric padding write (({items[0]!r}, {items[1]!r}),)"
        raise ValueError(
            f"{fname}: padding must be {expected}, got {padding!r} ({_entries(len(items))}){hint}")

    low, high = [], []
    for i, item in enumerate(items):
        if _is_int(item):
            pair = (item, item)
        elif _is_sequence(item) and len(item) == 2 and all(_is_int(v) for v in item):
            pair = tuple(item)
        elif _is_sequence(item) and len(item) != 2:
            raise ValueError(
                f"{fname}: padding must be {expected}, got {padding!r} "
                f"(entry {i} has {len(item)} values, expected an int or a (low, high) pair)")
        else:
            raise TypeError(
                f"{fname}: padding must be {expected}, got {padding!r} "
                f"(entry {i} is {_describe(item)})")
        for v in pair:
            if v < 0:
                raise ValueError(
                    f"{fname}: padding must be non-negative, got {padding!r} (entry {i})")
            _check_int64(fname, "padding", v, padding)
        low.append(int(pair[0]))
        high.append(int(pair[1]))
    return tuple(low), tuple(high)


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------

def normalize_conv_params(fname, nd, kernel_shape, stride=1, padding=0, dilation=1, groups=1):
    """Validate and normalise the hyper-parameters of an ``nd``-D convolution.

    Parameters
    ----------
    fname : str
        Name of the public function, used as the prefix of every message.
    nd : int
        Number of spatial dimensions.
    kernel_shape : sequence of nd ints
        Spatial shape of the kernel (each >= 1); needed to resolve the
        string paddings.
    stride, dilation : int or sequence of nd ints, each >= 1
    padding : int, sequence of nd ints, sequence of nd (low, high) pairs,
        or one of ``"valid"`` (no padding), ``"same"`` (output size equals
        input size; total ``dilation*(k-1)`` per axis, the odd element on the
        high side; stride must be 1) and ``"full"`` (``dilation*(k-1)`` on
        both sides).  Every amount must be >= 0.
    groups : int >= 1

    Returns
    -------
    ConvParams
    """
    _check_fname(fname)
    nd = _check_nd(fname, nd)
    kernel_shape = as_int_tuple(fname, "kernel spatial shape", kernel_shape, nd, minimum=1)
    stride = as_int_tuple(fname, "stride", stride, nd, minimum=1)
    dilation = as_int_tuple(fname, "dilation", dilation, nd, minimum=1)
    groups = _as_groups(fname, groups)
    for axis, (d, k) in enumerate(zip(dilation, kernel_shape)):
        # The C kernels compute tap offsets as dilation*(k-1) in int64.
        if d * (k - 1) > INT64_MAX:
            raise ValueError(
                f"{fname}: dilation*(kernel_size-1) must fit in int64, got "
                f"{d}*({k}-1) on spatial axis {axis}")
    pad_low, pad_high = _normalize_padding(fname, padding, nd, kernel_shape, stride, dilation)
    return ConvParams(stride, dilation, pad_low, pad_high, groups)


def conv_output_shape(fname, input_spatial, kernel_spatial, params):
    """Spatial output shape of a convolution with normalised ``params``.

    ``out = (in + lo + hi - dilation*(k-1) - 1) // stride + 1`` per axis.

    e.g. in 5, pad 1+1, k 3, dilation 1, stride 2: (5+2-2-1)//2+1 = 3.

    Raises ValueError when, on some axis, the dilated kernel is larger than
    the padded input (the output would be empty) or a size overflows int64.
    """
    _check_fname(fname)
    nd = len(params.stride)
    input_spatial = normalize_shape(fname, "input spatial shape", input_spatial, nd)
    kernel_spatial = as_int_tuple(fname, "kernel spatial shape", kernel_spatial, nd, minimum=1)
    out = []
    for axis in range(nd):
        n, k = input_spatial[axis], kernel_spatial[axis]
        lo, hi = params.pad_low[axis], params.pad_high[axis]
        s, d = params.stride[axis], params.dilation[axis]
        padded = n + lo + hi
        if padded > INT64_MAX:
            raise ValueError(
                f"{fname}: padded input size must fit in int64, got {n} + {lo} + {hi} "
                f"on spatial axis {axis}")
        extent = d * (k - 1) + 1
        if extent > padded:
            raise ValueError(
                f"{fname}: the dilated kernel is larger than the padded input on spatial axis "
                f"{axis}: kernel extent dilation*(k-1)+1 = {d}*({k}-1)+1 = {extent}, padded "
                f"input in+pad_low+pad_high = {n}+{lo}+{hi} = {padded} (input spatial shape "
                f"{input_spatial}, kernel spatial shape {kernel_spatial})")
        out.append((padded - extent) // s + 1)
    return tuple(out)


def conv_spatial_ndim(fname, x_shape, w_shape, x_name="x", w_name="w"):
    """Number of spatial dims (1, 2 or 3) of channels-first ``x`` and ``w``.

    ``x`` is (N, C, *spatial) and ``w`` is (K, C // groups, *kernel); both
    must have the same rank, 3, 4 or 5.
    """
    _check_fname(fname)
    xr, wr = len(x_shape), len(w_shape)
    if xr not in (3, 4, 5):
        raise ValueError(
            f"{fname}: {x_name} must be 3-D, 4-D or 5-D (batch, channels, *spatial with 1 to 3 "
            f"spatial dims), got shape {tuple(x_shape)} ({xr}-D)")
    if wr != xr:
        raise ValueError(
            f"{fname}: {w_name} must have the same rank as {x_name} ({xr}-D: out_channels, "
            f"in_channels // groups, *kernel), got shape {tuple(w_shape)} ({wr}-D)")
    return xr - 2


def _axis_ref(name, axis):
    """How a message refers to one axis: ``w.shape[1]`` or ``weight_shape[1]``."""
    return f"{name}[{axis}]" if name.endswith("shape") else f"{name}.shape[{axis}]"


def check_channels(fname, in_channels, weight_shape, groups, x_name="x", w_name="w"):
    """Check channel counts against ``groups``.

    ``in_channels % groups == 0``, ``weight_shape[0] % groups == 0`` and
    ``weight_shape[1] == in_channels // groups``.  ``x_name``/``w_name`` name
    the arrays (or explicit shapes) in messages.
    """
    _check_fname(fname)
    out_channels = weight_shape[0]
    if in_channels % groups != 0:
        raise ValueError(
            f"{fname}: input channels ({_axis_ref(x_name, 1)} = {in_channels}) must be divisible "
            f"by groups ({groups})")
    if out_channels % groups != 0:
        raise ValueError(
            f"{fname}: output channels ({_axis_ref(w_name, 0)} = {out_channels}) must be "
            f"divisible by groups ({groups})")
    if weight_shape[1] != in_channels // groups:
        raise ValueError(
            f"{fname}: {_axis_ref(w_name, 1)} must be in_channels // groups = {in_channels} // "
            f"{groups} = {in_channels // groups}, got {weight_shape[1]} ({w_name} shape "
            f"{tuple(weight_shape)})")


def check_bias(fname, bias_shape, out_channels):
    """Check that ``bias`` is 1-D with one entry per output channel."""
    _check_fname(fname)
    if tuple(bias_shape) != (out_channels,):
        raise ValueError(
            f"{fname}: bias must have shape ({out_channels},) (one value per output channel), "
            f"got {tuple(bias_shape)}")


def check_grad_out_shape(fname, grad_out_shape, expected_shape):
    """Check that ``grad_out`` has the shape the forward pass would produce."""
    _check_fname(fname)
    if tuple(grad_out_shape) != tuple(expected_shape):
        raise ValueError(
            f"{fname}: grad_out must have the forward output shape {tuple(expected_shape)}, "
            f"got {tuple(grad_out_shape)}")


def check_size(fname, name, shape, itemsize=8):
    """Raise ValueError if an array of ``shape`` cannot be addressed in int64.

    Both the element count ``prod(shape)`` and the byte count
    ``prod(shape) * itemsize`` must be at most 2**63-1.
    """
    _check_fname(fname)
    shape = normalize_shape(fname, f"{name} shape", shape)
    count = 1
    for n in shape:
        count *= n
    if count > INT64_MAX:
        raise ValueError(
            f"{fname}: {name} of shape {shape} has {count} elements, more than 2**63-1")
    if count * itemsize > INT64_MAX:
        raise ValueError(
            f"{fname}: {name} of shape {shape} needs {count} * {itemsize} bytes, "
            f"more than 2**63-1")


def _tagged(v):
    """``v`` with the type of every element alongside it, so that 1, True, 1.0 and
    numpy.int64(1) make different keys (they hash and compare equal, but only some of
    them are valid parameters).  Lists and arrays stay unhashable."""
    t = type(v)
    if t is tuple:
        for e in v:  # shapes and most parameters are tuples of ints: one pass
            if type(e) is not int:
                return (tuple, tuple([_tagged(e) for e in v]))
        return (_INTS, v)
    return (t, v)


_INTS = "tuple of int"


#: resolve_conv results by argument (a training loop repeats the same few layers):
#: the checks cost ~25 us a call, more than a small convolution's arithmetic
_RESOLVED: dict = {}
_RESOLVED_MAX = 256


def resolve_conv(fname, x_shape, w_shape, stride=1, padding=0, dilation=1, groups=1,
                 *, x_name="x", w_name="w", itemsize=8):
    """Check a batched convolution's shapes and parameters all at once (see
    _resolve_conv); successful results are remembered per exact argument values and
    types, so a repeated call skips the checks (and raises exactly as before when they
    fail: failures are never stored)."""
    args = (fname, x_shape, w_shape, stride, padding, dilation, groups, x_name, w_name, itemsize)
    # the names and the itemsize come from this package, always str and int: only the
    # caller's values are tagged (tagging the whole tuple was 3.6 us of a 5 us hit)
    key = (fname, x_name, w_name, itemsize, _tagged(x_shape), _tagged(w_shape), _tagged(stride),
           _tagged(padding), _tagged(dilation), _tagged(groups))
    return memo_resolve(_RESOLVED, key, _resolve_conv, args)


def memo_resolve(cache, key, resolve, args):
    """resolve(*args), remembered in cache under key (the cache is emptied when it holds
    _RESOLVED_MAX entries).  A key that cannot be hashed (a list or an array among the
    arguments) resolves every time; a call that raises stores nothing."""
    try:
        hit = cache.get(key)
    except TypeError:  # a list or an array among the arguments: no key, no cache
        return resolve(*args)
    if hit is None:
        hit = resolve(*args)
        if len(cache) >= _RESOLVED_MAX:
            cache.clear()
        cache[key] = hit
    return hit


def _resolve_conv(fname, x_shape, w_shape, stride, padding, dilation, groups, x_name, w_name,
                  itemsize):
    """Check a batched convolution's shapes and parameters all at once.

    ``x_shape`` is (N, C, *spatial), ``w_shape`` is (K, C // groups, *kernel).
    Checks ranks, channel counts, parameters, output size and int64 limits.

    Returns
    -------
    (ConvParams, tuple)
        The normalised parameters and the full output shape (N, K, *out).
    """
    _check_fname(fname)
    x_shape = normalize_shape(fname, f"{x_name} shape", x_shape)
    w_shape = normalize_shape(fname, f"{w_name} shape", w_shape)
    nd = conv_spatial_ndim(fname, x_shape, w_shape, x_name, w_name)
    # An empty batch is a well-defined (empty) convolution; empty channels
    # or spatial axes are not.
    if any(n < 1 for n in x_shape[1:]):
        raise ValueError(
            f"{fname}: {x_name} must have at least one channel and one element on every "
            f"spatial axis, got shape {x_shape}")
    if any(n < 1 for n in w_shape):
        raise ValueError(f"{fname}: {w_name} must have no zero-size axis, got shape {w_shape}")
    params = normalize_conv_params(fname, nd, w_shape[2:], stride, padding, dilation, groups)
    check_channels(fname, x_shape[1], w_shape, params.groups, x_name, w_name)
    out_spatial = conv_output_shape(fname, x_shape[2:], w_shape[2:], params)
    out_shape = (x_shape[0], w_shape[0]) + out_spatial
    check_size(fname, x_name, x_shape, itemsize)
    check_size(fname, w_name, w_shape, itemsize)
    check_size(fname, "output", out_shape, itemsize)
    return params, out_shape
