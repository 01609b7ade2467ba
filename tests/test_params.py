"""Tests of fastconv._params: every validation error, every padding form, shapes."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastconv._params import (
    INT64_MAX,
    ConvParams,
    as_int_tuple,
    check_bias,
    check_channels,
    check_grad_out_shape,
    check_size,
    conv_output_shape,
    conv_spatial_ndim,
    normalize_conv_params,
    normalize_shape,
    resolve_conv,
)

F = "conv_forward"


def raises(exc, *fragments):
    """pytest.raises matching every fragment literally, in order."""
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


# ---------------------------------------------------------------------------
# stride / dilation / groups
# ---------------------------------------------------------------------------

def test_defaults():
    p = normalize_conv_params(F, 2, (3, 3))
    assert p == ConvParams((1, 1), (1, 1), (0, 0), (0, 0), 1)
    assert isinstance(p, tuple) and p._fields == (
        "stride", "dilation", "pad_low", "pad_high", "groups")


@pytest.mark.parametrize("name", ["stride", "dilation"])
@pytest.mark.parametrize("value, expected", [
    (2, (2, 2)),
    ((1, 3), (1, 3)),
    ([4, 5], (4, 5)),
    (np.int32(2), (2, 2)),
    ((np.int64(2), np.uint8(3)), (2, 3)),
    (np.array([2, 3]), (2, 3)),
])
def test_int_or_sequence_accepted(name, value, expected):
    p = normalize_conv_params(F, 2, (3, 3), **{name: value})
    got = getattr(p, name)
    assert got == expected
    assert all(type(v) is int for v in got)


@pytest.mark.parametrize("name", ["stride", "dilation"])
def test_stride_dilation_value_errors(name):
    with raises(ValueError, f"{F}: {name} must be a positive int or a sequence of 2 positive ints, got (1, 0)"):
        normalize_conv_params(F, 2, (3, 3), **{name: (1, 0)})
    with raises(ValueError, f"{F}: {name} must be a positive int", "got -1"):
        normalize_conv_params(F, 2, (3, 3), **{name: -1})
    with raises(ValueError, f"{F}: {name} must be", "got 0"):
        normalize_conv_params(F, 2, (3, 3), **{name: 0})
    with raises(ValueError, f"{F}: {name} must be", "got (1, 2, 3) (3 entries)"):
        normalize_conv_params(F, 2, (3, 3), **{name: (1, 2, 3)})
    with raises(ValueError, f"{F}: {name} must be", "got [] (0 entries)"):
        normalize_conv_params(F, 2, (3, 3), **{name: []})
    with raises(ValueError, f"{F}: {name} must fit in int64"):
        normalize_conv_params(F, 2, (3, 3), **{name: 2**63})


@pytest.mark.parametrize("name", ["stride", "dilation"])
@pytest.mark.parametrize("value, shown", [
    (True, "True (bool)"),
    (1.0, "1.0 (float)"),
    ("2", "'2' (str)"),
    (None, "None (NoneType)"),
    ({1: 1}, "(dict)"),
    ((1, 2.0), "(entry 1 is 2.0 (float))"),
    ((True, 1), "(entry 0 is True (bool))"),
    ((np.True_, 1), "(entry 0 is np.True_ (bool"),
])
def test_stride_dilation_type_errors(name, value, shown):
    with raises(TypeError, f"{F}: {name} must be a positive int or a sequence of 2 positive ints, got", shown):
        normalize_conv_params(F, 2, (3, 3), **{name: value})


def test_one_spatial_dim_message_is_singular():
    with raises(ValueError, "conv_forward: stride must be a positive int or a sequence of 1 positive int, got (0,)"):
        normalize_conv_params(F, 1, (3,), stride=(0,))


def test_groups():
    assert normalize_conv_params(F, 1, (3,), groups=np.int16(4)).groups == 4
    with raises(ValueError, f"{F}: groups must be a positive int, got 0"):
        normalize_conv_params(F, 1, (3,), groups=0)
    with raises(ValueError, f"{F}: groups must be a positive int, got -2"):
        normalize_conv_params(F, 1, (3,), groups=-2)
    with raises(TypeError, f"{F}: groups must be a positive int, got True (bool)"):
        normalize_conv_params(F, 1, (3,), groups=True)
    with raises(TypeError, f"{F}: groups must be a positive int, got 2.0 (float)"):
        normalize_conv_params(F, 1, (3,), groups=2.0)
    with raises(TypeError, f"{F}: groups must be a positive int, got (1,) (tuple)"):
        normalize_conv_params(F, 1, (3,), groups=(1,))
    with raises(ValueError, f"{F}: groups must fit in int64"):
        normalize_conv_params(F, 1, (3,), groups=2**63)


def test_kernel_shape_and_nd():
    with raises(ValueError, f"{F}: kernel spatial shape must be", "got (3, 0)"):
        normalize_conv_params(F, 2, (3, 0))
    with raises(ValueError, f"{F}: kernel spatial shape must be", "got (3,) (1 entry)"):
        normalize_conv_params(F, 2, (3,))
    with raises(TypeError, f"{F}: kernel spatial shape must be", "(entry 1 is 2.5 (float))"):
        normalize_conv_params(F, 2, (3, 2.5))
    with raises(ValueError, f"{F}: the number of spatial dimensions must be >= 1, got 0"):
        normalize_conv_params(F, 0, ())
    with raises(TypeError, f"{F}: the number of spatial dimensions must be an int, got 2.0 (float)"):
        normalize_conv_params(F, 2.0, (3, 3))
    with raises(TypeError, "fname must be a str"):
        normalize_conv_params(None, 2, (3, 3))


def test_dilation_times_kernel_overflow():
    # 2**62 * (3-1) = 2**63, one past INT64_MAX
    with raises(ValueError, f"{F}: dilation*(kernel_size-1) must fit in int64, got {2**62}*(3-1) on spatial axis 1"):
        normalize_conv_params(F, 2, (1, 3), dilation=(1, 2**62))
    # the largest reach that fits is fine
    p = normalize_conv_params(F, 1, (2,), dilation=INT64_MAX)
    assert p.dilation == (INT64_MAX,)


# ---------------------------------------------------------------------------
# padding
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("padding, low, high", [
    (0, (0, 0), (0, 0)),
    (2, (2, 2), (2, 2)),
    (np.int64(1), (1, 1), (1, 1)),
    ((1, 2), (1, 2), (1, 2)),
    ([0, 3], (0, 3), (0, 3)),
    (((1, 2), (3, 0)), (1, 3), (2, 0)),
    ([[1, 2], [3, 0]], (1, 3), (2, 0)),
    ((1, (0, 2)), (1, 0), (1, 2)),             # mixed int and pair
    (np.array([[1, 2], [3, 4]]), (1, 3), (2, 4)),
    ("valid", (0, 0), (0, 0)),
])
def test_padding_forms(padding, low, high):
    p = normalize_conv_params(F, 2, (3, 4), padding=padding)
    assert (p.pad_low, p.pad_high) == (low, high)
    assert all(type(v) is int for v in p.pad_low + p.pad_high)


@pytest.mark.parametrize("k, d, low, high", [
    (1, 1, 0, 0),
    (3, 1, 1, 1),
    (4, 1, 1, 2),   # total 3: the extra zero goes on the high side (PyTorch)
    (2, 1, 0, 1),
    (3, 2, 2, 2),   # total 2*(3-1) = 4
    (4, 3, 4, 5),   # total 3*(4-1) = 9
    (2, 2, 1, 1),
])
def test_padding_same(k, d, low, high):
    p = normalize_conv_params(F, 1, (k,), padding="same", dilation=d)
    assert (p.pad_low, p.pad_high) == ((low,), (high,))
    # "same" keeps the input size
    assert conv_output_shape(F, (7,), (k,), p) == (7,)


@pytest.mark.parametrize("k, d, s", [(1, 1, 1), (3, 1, 2), (4, 2, 3), (2, 3, 1)])
def test_padding_full(k, d, s):
    p = normalize_conv_params(F, 1, (k,), padding="full", dilation=d, stride=s)
    reach = d * (k - 1)
    assert (p.pad_low, p.pad_high) == ((reach,), (reach,))
    # stride 1: the full output has in + reach outputs
    if s == 1:
        assert conv_output_shape(F, (5,), (k,), p) == (5 + reach,)


def test_padding_same_requires_stride_1():
    with raises(ValueError, "conv_forward: padding='same' requires stride 1 on every axis, got stride=(2, 2)"):
        normalize_conv_params(F, 2, (3, 3), padding="same", stride=2)
    with raises(ValueError, "padding='same' requires stride 1 on every axis, got stride=(1, 3)"):
        normalize_conv_params(F, 2, (3, 3), padding="same", stride=(1, 3))


def test_padding_errors():
    expected = ("padding must be 'valid', 'same', 'full', a non-negative int, a sequence of "
                "2 non-negative ints or a sequence of 2 (low, high) pairs")
    with raises(ValueError, f"{F}: {expected}, got 'SAME'"):
        normalize_conv_params(F, 2, (3, 3), padding="SAME")
    with raises(ValueError, f"{F}: {expected}, got -1"):
        normalize_conv_params(F, 2, (3, 3), padding=-1)
    with raises(ValueError, f"{F}: padding must be non-negative, got (1, -1) (entry 1)"):
        normalize_conv_params(F, 2, (3, 3), padding=(1, -1))
    with raises(ValueError, f"{F}: padding must be non-negative, got ((0, 1), (-2, 0)) (entry 1)"):
        normalize_conv_params(F, 2, (3, 3), padding=((0, 1), (-2, 0)))
    with raises(ValueError, f"{F}: {expected}, got (1, 2, 3) (3 entries)"):
        normalize_conv_params(F, 2, (3, 3), padding=(1, 2, 3))
    with raises(ValueError, f"{F}: {expected}, got ((1, 2, 3), 0) (entry 0 has 3 values"):
        normalize_conv_params(F, 2, (3, 3), padding=((1, 2, 3), 0))
    with raises(TypeError, f"{F}: {expected}, got 1.5 (float)"):
        normalize_conv_params(F, 2, (3, 3), padding=1.5)
    with raises(TypeError, f"{F}: {expected}, got True (bool)"):
        normalize_conv_params(F, 2, (3, 3), padding=True)
    with raises(TypeError, f"{F}: {expected}, got None (NoneType)"):
        normalize_conv_params(F, 2, (3, 3), padding=None)
    with raises(TypeError, f"{F}: {expected}, got (1, 'a') (entry 1 is 'a' (str))"):
        normalize_conv_params(F, 2, (3, 3), padding=(1, "a"))
    with raises(TypeError, f"{F}: {expected}, got ((1.0, 2), 0) (entry 0 is (1.0, 2) (tuple))"):
        normalize_conv_params(F, 2, (3, 3), padding=((1.0, 2), 0))
    with raises(ValueError, f"{F}: padding must fit in int64"):
        normalize_conv_params(F, 2, (3, 3), padding=2**63)
    with raises(ValueError, f"{F}: padding must fit in int64"):
        normalize_conv_params(F, 2, (3, 3), padding=((0, 2**63), 0))


def test_padding_1d_pair_is_not_guessed():
    # For nd=1, (1, 2) could mean "2 ints" or "(low, high)": neither is guessed.
    with raises(ValueError, "conv_forward: padding must be", "got (1, 2) (2 entries); for asymmetric padding write ((1, 2),)"):
        normalize_conv_params(F, 1, (3,), padding=(1, 2))
    p = normalize_conv_params(F, 1, (3,), padding=((1, 2),))
    assert (p.pad_low, p.pad_high) == ((1,), (2,))


# ---------------------------------------------------------------------------
# output shape
# ---------------------------------------------------------------------------

def test_output_shape_worked_examples():
    # in 5, pad 1+1, k 3, dilation 1, stride 2: (5+2-2-1)//2+1 = 3
    p = normalize_conv_params(F, 1, (3,), stride=2, padding=1)
    assert conv_output_shape(F, (5,), (3,), p) == (3,)
    # 3x20x20 with 3x3 kernels, no padding -> 18x18
    p = normalize_conv_params(F, 2, (3, 3))
    assert conv_output_shape(F, (20, 20), (3, 3), p) == (18, 18)
    # 3-D, mixed parameters per axis
    p = normalize_conv_params(F, 3, (3, 2, 1), stride=(1, 2, 3), padding=((0, 1), 2, 0),
                              dilation=(2, 1, 1))
    assert conv_output_shape(F, (9, 6, 7), (3, 2, 1), p) == (
        (9 + 1 - 4 - 1) // 1 + 1, (6 + 4 - 1 - 1) // 2 + 1, (7 - 0 - 1) // 3 + 1)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(n=st.integers(1, 30), k=st.integers(1, 6), s=st.integers(1, 5), d=st.integers(1, 4),
       lo=st.integers(0, 5), hi=st.integers(0, 5))
def test_output_shape_counts_window_positions(n, k, s, d, lo, hi):
    """out is the number of positions o*s whose dilated window fits the padded input."""
    p = normalize_conv_params(F, 1, (k,), stride=s, padding=((lo, hi),), dilation=d)
    padded, extent = n + lo + hi, d * (k - 1) + 1
    count = sum(1 for start in range(0, padded, s) if start + extent <= padded)
    if count == 0:
        with raises(ValueError, f"{F}: the dilated kernel is larger than the padded input on spatial axis 0"):
            conv_output_shape(F, (n,), (k,), p)
    else:
        assert conv_output_shape(F, (n,), (k,), p) == (count,)


def test_output_shape_errors():
    p = normalize_conv_params(F, 2, (3, 5), padding=((0, 0), (1, 1)), dilation=(1, 2))
    with raises(ValueError, "conv_forward: the dilated kernel is larger than the padded input on spatial axis 1: "
                "kernel extent dilation*(k-1)+1 = 2*(5-1)+1 = 9, padded input in+pad_low+pad_high = 6+1+1 = 8"):
        conv_output_shape(F, (4, 6), (3, 5), p)
    # exactly fitting is fine: one output
    assert conv_output_shape(F, (4, 7), (3, 5), p) == (2, 1)
    p = normalize_conv_params(F, 1, (1,), padding=((INT64_MAX, 1),))
    with raises(ValueError, "conv_forward: padded input size must fit in int64"):
        conv_output_shape(F, (1,), (1,), p)
    with raises(ValueError, "conv_forward: input spatial shape must have 1 entry, got (3, 3) (2 entries)"):
        conv_output_shape(F, (3, 3), (1,), normalize_conv_params(F, 1, (1,)))


# ---------------------------------------------------------------------------
# channels, ranks, shapes, sizes
# ---------------------------------------------------------------------------

def test_check_channels():
    check_channels(F, 6, (4, 3, 3, 3), 2)
    with raises(ValueError, "conv_forward: input channels (x.shape[1] = 5) must be divisible by groups (2)"):
        check_channels(F, 5, (4, 3, 3, 3), 2)
    with raises(ValueError, "conv_forward: output channels (w.shape[0] = 3) must be divisible by groups (2)"):
        check_channels(F, 6, (3, 3, 3, 3), 2)
    with raises(ValueError, "conv_forward: w.shape[1] must be in_channels // groups = 6 // 2 = 3, got 6 "
                "(w shape (4, 6, 3, 3))"):
        check_channels(F, 6, (4, 6, 3, 3), 2)


def test_conv_spatial_ndim():
    assert conv_spatial_ndim(F, (1, 2, 5), (3, 2, 2)) == 1
    assert conv_spatial_ndim(F, (1, 2, 5, 5), (3, 2, 2, 2)) == 2
    assert conv_spatial_ndim(F, (1, 2, 5, 5, 5), (3, 2, 2, 2, 2)) == 3
    with raises(ValueError, "conv_forward: x must be 3-D, 4-D or 5-D", "got shape (2, 5) (2-D)"):
        conv_spatial_ndim(F, (2, 5), (2, 5))
    with raises(ValueError, "conv_forward: x must be 3-D, 4-D or 5-D", "got shape (1, 1, 1, 1, 1, 1) (6-D)"):
        conv_spatial_ndim(F, (1,) * 6, (1,) * 6)
    with raises(ValueError, "conv_forward: w must have the same rank as x (4-D", "got shape (3, 2, 2) (3-D)"):
        conv_spatial_ndim(F, (1, 2, 5, 5), (3, 2, 2))


def test_normalize_shape():
    assert normalize_shape(F, "input_shape", [1, np.int64(2), 3], 3) == (1, 2, 3)
    with raises(ValueError, "conv_forward: input_shape must have 4 entries, got (1, 2, 3) (3 entries)"):
        normalize_shape(F, "input_shape", (1, 2, 3), 4)
    with raises(ValueError, "conv_forward: input_shape entries must be >= 0, got (1, -2, 3)"):
        normalize_shape(F, "input_shape", (1, -2, 3))
    with raises(TypeError, "conv_forward: input_shape must be a sequence of ints, got 3 (int)"):
        normalize_shape(F, "input_shape", 3)
    with raises(TypeError, "conv_forward: input_shape must be a sequence of ints, got (1, 2.0) (entry 1 is 2.0 (float))"):
        normalize_shape(F, "input_shape", (1, 2.0))


def test_as_int_tuple_minimum_zero():
    assert as_int_tuple(F, "padding", 0, 3, minimum=0) == (0, 0, 0)
    with raises(ValueError, "conv_forward: padding must be a non-negative int or a sequence of 3 non-negative ints, got -1"):
        as_int_tuple(F, "padding", -1, 3, minimum=0)


def test_check_bias_and_grad_out():
    check_bias(F, (4,), 4)
    with raises(ValueError, "conv_forward: bias must have shape (4,) (one value per output channel), got (4, 1)"):
        check_bias(F, (4, 1), 4)
    check_grad_out_shape("conv_backward_input", (1, 2, 3), (1, 2, 3))
    with raises(ValueError, "conv_backward_input: grad_out must have the forward output shape (1, 2, 3), got (1, 2, 4)"):
        check_grad_out_shape("conv_backward_input", (1, 2, 4), (1, 2, 3))


def test_check_size():
    check_size(F, "x", (2**20, 2**20), itemsize=8)   # 2**43 bytes: fine
    check_size(F, "x", (0, 2**62))                   # empty: 0 elements
    with raises(ValueError, "conv_forward: x shape must fit in int64 (at most 2**63-1), got (0, 2361183241434822606848)"):
        check_size(F, "x", (0, 2**71))
    with raises(ValueError, "conv_forward: x of shape (4294967296, 4294967296) has 18446744073709551616 "
                "elements, more than 2**63-1"):
        check_size(F, "x", (2**32, 2**32))
    with raises(ValueError, "conv_forward: output of shape (1152921504606846976, 2) needs "
                "2305843009213693952 * 8 bytes, more than 2**63-1"):
        check_size(F, "output", (2**60, 2))
    with raises(ValueError, "conv_forward: x shape entries must be >= 0, got (2, -1)"):
        check_size(F, "x", (2, -1))


def test_check_size_boundary():
    # INT64_MAX // 8 elements of 8 bytes fit exactly; one more does not.
    check_size(F, "x", (INT64_MAX // 8,))
    with raises(ValueError, "bytes, more than 2**63-1"):
        check_size(F, "x", (INT64_MAX // 8 + 1,))
    check_size(F, "x", (INT64_MAX // 4,), itemsize=4)


def test_resolve_conv():
    params, out = resolve_conv(F, (2, 6, 10, 9), (4, 3, 3, 2), stride=(2, 1), padding="valid",
                               groups=2)
    assert params == ConvParams((2, 1), (1, 1), (0, 0), (0, 0), 2)
    assert out == (2, 4, 4, 8)
    # an empty batch is allowed: the output is empty too
    assert resolve_conv(F, (0, 3, 5), (2, 3, 3))[1] == (0, 2, 3)
    with raises(ValueError, "conv_forward: x must have at least one channel and one element on every spatial "
                "axis, got shape (1, 3, 0)"):
        resolve_conv(F, (1, 3, 0), (2, 3, 1))
    with raises(ValueError, "conv_forward: w must have no zero-size axis, got shape (0, 3, 1)"):
        resolve_conv(F, (1, 3, 4), (0, 3, 1))
    with raises(ValueError, "conv_backward_input: input channels (input_shape[1] = 3) must be divisible by groups (2)"):
        resolve_conv("conv_backward_input", (1, 3, 4), (2, 3, 1), groups=2, x_name="input_shape")
    with raises(ValueError, "conv_forward: x of shape (1, 4294967296, 4294967296) has"):
        resolve_conv(F, (1, 2**32, 2**32), (1, 2**32, 1))
    with raises(ValueError, "conv_forward: padding='same' requires stride 1"):
        resolve_conv(F, (1, 1, 5), (1, 1, 3), stride=2, padding="same")


def test_resolve_conv_remembers_results_but_not_lookalike_arguments():
    """resolve_conv keeps its successful results by argument value and type: after a
    call with stride 1 and padding (1, 1) has been remembered, True, 1.0 and (True, 1) (equal
    to them in Python) still raise TypeError as on a fresh call; numpy ints and lists
    (no cache key) still work; and a remembered result is the one a fresh check gives."""
    ok = resolve_conv("f", (2, 1, 8, 8), (8, 1, 3, 3), 1, (1, 1))
    assert resolve_conv("f", (2, 1, 8, 8), (8, 1, 3, 3), 1, (1, 1)) == ok
    assert ok[1] == (2, 8, 8, 8) and ok[0].pad_low == (1, 1)
    for stride, padding in ((True, (1, 1)), (1.0, (1, 1)), (1, (True, 1)), (1, (1.0, 1))):
        with pytest.raises(TypeError):
            resolve_conv("f", (2, 1, 8, 8), (8, 1, 3, 3), stride, padding)
    assert resolve_conv("f", (2, 1, 8, 8), (8, 1, 3, 3), np.int64(1), [1, 1]) == ok
    with pytest.raises(ValueError, match="groups"):
        resolve_conv("f", (2, 1, 8, 8), (8, 1, 3, 3), 1, (1, 1), groups=3)
