"""The public Python API: validation, dtype and shape handling, then one C call.

Everything that can be wrong with an argument is caught here, before any C runs,
with a message naming the argument, what was expected and what was given.  The C
library (through :mod:`fastconv._core`) then receives contiguous float32/float64
buffers and plain ints.

Dtypes: float32 inputs give float32; float64 gives float64; a mix, integers and
bools compute in float64 (float16 computes in float32); complex raises TypeError.
"""
import math
import numbers
import operator

import numpy as np

from . import _core, _plan
from ._params import (as_int_tuple, check_bias, check_grad_out_shape, check_size,
                      normalize_shape, resolve_conv)

__all__ = [
    "correlate", "convolve", "correlate2d", "convolve2d", "rot180", "pad_full",
    "conv_forward", "conv_backward_input", "conv_backward_weight", "conv_backward_bias",
    "conv_output_shape", "set_num_threads", "get_num_threads", "set_isa", "config", "show_config",
    "release_workspace",
]

_MODES = ("full", "same", "valid")
# scipy.signal's aliases for the boundary names
_BOUNDARIES = {"fill": "fill", "pad": "fill", "wrap": "wrap", "circular": "wrap",
               "symm": "symm", "symmetric": "symm"}


# ---------------------------------------------------------------- helpers

def _as_array(fname, name, a):
    """``a`` as an ndarray of a real (or bool/int) dtype, without copying."""
    arr = np.asarray(a)
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{fname}: {name} must be real, got complex dtype {arr.dtype}")
    if kind not in "biuf":
        raise TypeError(f"{fname}: {name} must have a real numeric dtype, got dtype {arr.dtype}")
    return arr


_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


def _compute_dtype(*arrays):
    """float32 when every array is float32 or float16 (either byte order), else float64."""
    # a loop, not all() over a generator: this runs on every call, and a small call's
    # Python part is most of its time
    for a in arrays:
        dt = a.dtype
        if dt.kind != "f" or dt.itemsize > 4:
            return _F64
    return _F32


def _contig(a, dtype):
    """A C-contiguous array of dtype (a view when ``a`` already is one), flattened."""
    # native float32/float64 dtypes are singletons, so "is" finds the common case; ravel
    # is a view of a C-contiguous array and a C-order copy of any other
    if a.dtype is not dtype:
        a = np.ascontiguousarray(a, dtype=dtype)
    return a.ravel()


def _threads(fname, num_threads):
    if num_threads is None:
        return 0
    if isinstance(num_threads, bool) or not isinstance(num_threads, numbers.Integral):
        raise TypeError(f"{fname}: num_threads must be None or a positive int, "
                        f"got {type(num_threads).__name__} {num_threads!r}")
    if num_threads < 1:
        raise ValueError(f"{fname}: num_threads must be None or a positive int, got {num_threads}")
    return int(min(num_threads, 2**31 - 1))


def _empty(shape, dtype):
    """np.empty(shape, dtype), but starting on a 64-byte boundary (a cache line and an
    AVX-512 vector; numpy only promises 16): the kernels then write whole lines, with
    non-temporal stores where the output is large.  The array is a C-contiguous view of
    a slightly larger buffer."""
    dtype = np.dtype(dtype)
    buf = np.empty(math.prod(shape) * dtype.itemsize + _ALIGN, dtype=np.uint8)
    # one constructor call: slicing, view and reshape took 1.1 us together
    return np.ndarray(shape, dtype, buf, _core.align_offset(buf, _ALIGN))


_ALIGN = 64


def _output(fname, out, shape, dtype, inputs):
    """Allocate the result, or check the caller's ``out=`` and return it."""
    if out is None:
        return _empty(shape, dtype)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{fname}: out must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != tuple(shape):
        raise ValueError(f"{fname}: out must have shape {tuple(shape)}, got {out.shape}")
    if out.dtype != dtype:
        raise TypeError(f"{fname}: out must have dtype {dtype} (the result dtype of the "
                        f"inputs), got {out.dtype}")
    if not out.flags.c_contiguous:
        raise ValueError(f"{fname}: out must be C-contiguous, got a non-contiguous array "
                         f"with strides {out.strides}")
    if not out.flags.writeable:
        raise ValueError(f"{fname}: out must be writeable, got a read-only array")
    for name, a in inputs:
        if a is not None and np.shares_memory(out, a):
            raise ValueError(f"{fname}: out must not overlap the input {name}")
    return out


def _desc(nd, x_shape, w_shape, params, flip):
    """The tuple _core turns into an fc_conv_desc."""
    return (nd, x_shape[0], x_shape[1], w_shape[0], params.groups, tuple(x_shape[2:]),
            tuple(w_shape[2:]), params.stride, params.dilation, params.pad_low,
            params.pad_high, bool(flip))


def _flip_flag(fname, flip):
    if not isinstance(flip, (bool, np.bool_)):
        raise TypeError(f"{fname}: flip must be a bool, got {type(flip).__name__} {flip!r}")
    return bool(flip)


# ---------------------------------------------------------------- single-array

def _mode(fname, mode):
    if mode not in _MODES:
        raise ValueError(f"{fname}: mode must be one of 'full', 'same', 'valid', got {mode!r}")
    return mode


def _single(fname, in1, in2, mode, boundary, fillvalue, flip, two_d, out, num_threads):
    a = _as_array(fname, "in1", in1)
    b = _as_array(fname, "in2", in2)
    mode = _mode(fname, mode)
    nt = _threads(fname, num_threads)
    if two_d:
        if a.ndim != 2 or b.ndim != 2:
            raise ValueError(f"{fname}: in1 and in2 must both be 2-D arrays, got shapes "
                             f"{a.shape} and {b.shape}")
        if boundary not in _BOUNDARIES:
            raise ValueError(f"{fname}: boundary must be one of 'fill', 'wrap', 'symm', "
                             f"got {boundary!r}")
        boundary = _BOUNDARIES[boundary]
        if type(fillvalue) is float or (type(fillvalue) is int and abs(fillvalue) < 2**53):
            fill = float(fillvalue)  # the default 0 and plain numbers: no array round trip
        else:
            fv = np.asarray(fillvalue)
            if fv.size != 1:
                raise ValueError(f"{fname}: fillvalue must be a scalar, got an array of shape "
                                 f"{fv.shape}")
            if fv.dtype.kind == "c":
                raise TypeError(f"{fname}: fillvalue must be real, got {fillvalue!r}")
            if fv.dtype.kind not in "biuf":
                raise TypeError(f"{fname}: fillvalue must be a real number, got {fillvalue!r}")
            fill = float(fv.reshape(()))
    else:
        if a.ndim != b.ndim:
            raise ValueError(f"{fname}: in1 and in2 must have the same number of dimensions, "
                             f"got {a.ndim} and {b.ndim}")
        if a.ndim not in (1, 2, 3):
            raise ValueError(f"{fname}: in1 and in2 must be 1-D, 2-D or 3-D, got {a.ndim}-D")
        boundary, fill = "fill", 0.0
    dtype = _compute_dtype(a, b)
    if a.size == 0 or b.size == 0:
        # SciPy is inconsistent here (an error in 1-D, empty arrays elsewhere); a
        # correlation with nothing has no defined output, so say so
        raise ValueError(f"{fname}: in1 and in2 must not be empty, got shapes {a.shape} and "
                         f"{b.shape}")
    if mode == "valid":
        ge = all(m >= n for m, n in zip(a.shape, b.shape))
        le = all(m <= n for m, n in zip(a.shape, b.shape))
        if not (ge or le):
            raise ValueError(f"{fname}: for 'valid' mode one of in1 and in2 must be at least as "
                             f"large as the other in every dimension, got shapes {a.shape} and "
                             f"{b.shape}")
    # per axis: "full" n1+n2-1, "same" n1, "valid" |n1-n2|+1 (in1 5, in2 3: 7, 5, 3); in
    # Python, so that a wrong out= is reported before any C runs
    if mode == "full":
        shape = tuple([m + n - 1 for m, n in zip(a.shape, b.shape)])
    elif mode == "same":
        shape = a.shape
    else:
        shape = tuple([abs(m - n) + 1 for m, n in zip(a.shape, b.shape)])
    out = _output(fname, out, shape, dtype, (("in1", a), ("in2", b)))
    a32 = dtype == np.float32
    ca, cb, co = _contig(a, dtype), _contig(b, dtype), out.ravel()
    if _plan.tracing:
        _plan.run(fname, lambda: _core.correlate(a.shape, ca, b.shape, cb, mode, boundary, fill, flip, two_d,
                                                 co, nt),
                  lambda: _core.describe_correlate(a.shape, b.shape, mode, boundary, flip, two_d, a32, nt),
                  (("in1", a), ("in2", b), ("out", out)))
    else:
        _core.correlate(a.shape, ca, b.shape, cb, mode, boundary, fill, flip, two_d, co, nt)
    return out


def correlate(in1, in2, mode="full", *, out=None, num_threads=None):
    """Cross-correlate two N-dimensional arrays (1-D, 2-D or 3-D).

    Equal to ``scipy.signal.correlate(in1, in2, mode, method="direct")`` for real
    inputs: ``z[k] = sum_l in1[l] * in2[l - k + ...]`` with the output size given by
    ``mode`` ("full": n1+n2-1, "same": n1, centred as SciPy does, "valid": |n1-n2|+1).
    In "valid" mode, when in2 is the larger array in every dimension the inputs are
    swapped and the result reversed, exactly as SciPy does; if neither is at least
    as large as the other in every dimension, ValueError.

    Parameters
    ----------
    in1, in2 : array_like
        Real arrays of the same rank (1 to 3).  float32 stays float32; anything else
        computes in float64.
    mode : {"full", "same", "valid"}
    out : numpy.ndarray, optional
        A C-contiguous, writeable array of the result's shape and dtype, not overlapping
        the inputs, to write the result into; it is returned.  SciPy has no such
        argument.  Reusing one across calls skips the page faults of a fresh large
        result: a 2048x2048 float64 3x3 :func:`correlate2d` took 2.4-3.3 ms into a
        reused ``out`` and 8-13 ms into a new array on the project's 2-core VM.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).
    """
    return _single("correlate", in1, in2, mode, "fill", 0, False, False, out, num_threads)


def convolve(in1, in2, mode="full", *, out=None, num_threads=None):
    """Convolve two N-dimensional arrays (1-D, 2-D or 3-D): correlation with in2 rotated
    180 degrees.  Equal to ``scipy.signal.convolve(in1, in2, mode, method="direct")``;
    see :func:`correlate` for the parameters."""
    return _single("convolve", in1, in2, mode, "fill", 0, True, False, out, num_threads)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0, *, out=None,
                num_threads=None):
    """Cross-correlate two 2-D arrays, equal to ``scipy.signal.correlate2d``.

    Parameters
    ----------
    in1, in2 : array_like, 2-D
    mode : {"full", "same", "valid"}
        "same" is centred as SciPy centres correlate2d: the window starts n2//2
        before each output (for even kernels this differs from :func:`correlate`).
    boundary : {"fill", "wrap", "symm"}
        How in1 is extended outside its bounds: with ``fillvalue``, periodically,
        or mirrored with the edge repeated (``np.pad(mode="symmetric")``).
    fillvalue : scalar
        Value for ``boundary="fill"`` (cast to the compute dtype).
    out : numpy.ndarray, optional
        The result's C-contiguous array, as for :func:`correlate`.
    num_threads : int, optional
    """
    return _single("correlate2d", in1, in2, mode, boundary, fillvalue, False, True, out,
                   num_threads)


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0, *, out=None,
               num_threads=None):
    """Convolve two 2-D arrays, equal to ``scipy.signal.convolve2d``; see
    :func:`correlate2d` for the parameters."""
    return _single("convolve2d", in1, in2, mode, boundary, fillvalue, True, True, out,
                   num_threads)


# ---------------------------------------------------------------- data movement

def _axes(fname, axes, ndim):
    if axes is None:
        return tuple(range(ndim))
    if isinstance(axes, numbers.Integral) and not isinstance(axes, bool):
        axes = (axes,)
    try:
        axes = tuple(axes)
    except TypeError:
        raise TypeError(f"{fname}: axes must be None, an int or a sequence of ints, "
                        f"got {type(axes).__name__} {axes!r}") from None
    norm = []
    for ax in axes:
        if isinstance(ax, bool) or not isinstance(ax, numbers.Integral):
            raise TypeError(f"{fname}: axes must contain ints, got {ax!r}")
        if not -ndim <= ax < ndim:
            raise ValueError(f"{fname}: axis {ax} is out of bounds for an array of "
                             f"dimension {ndim}")
        norm.append(operator.index(ax) % ndim)
    if len(set(norm)) != len(norm):
        raise ValueError(f"{fname}: axes must not repeat an axis, got {axes}")
    return tuple(norm)


def rot180(a, axes=None):
    """Rotate ``a`` by 180 degrees over ``axes`` (None: every axis), computed in C.

    Equal to ``np.ascontiguousarray(np.flip(a, axes))``: a C-contiguous copy whose
    element ``[..., i, ...]`` is ``a[..., n-1-i, ...]`` on each rotated axis.  This is
    the kernel rotation of the backward pass; any dtype except object is accepted and
    kept, and views (non-contiguous, negative strides) are read in place.
    """
    arr = np.asarray(a)
    if arr.dtype.hasobject:
        raise TypeError(f"rot180: a must not have an object dtype, got {arr.dtype}")
    ax = _axes("rot180", axes, arr.ndim)
    out = _empty(arr.shape, arr.dtype)
    mask = 0
    for i in ax:
        mask |= 1 << i
    if arr.size:
        _core.rot180(arr.__array_interface__["data"][0], arr.shape, arr.strides, mask,
                     arr.itemsize, out.reshape(-1).view(np.uint8))
    return out


def pad_full(a, kernel_shape, dilation=1):
    """Zero-pad the trailing ``len(kernel_shape)`` axes of ``a`` for a "full" convolution.

    Each of those axes grows by ``dilation*(k-1)`` on both sides (k=3, dilation=2:
    4 zeros each side), so that a valid correlation of the result with the kernel is
    the full correlation of ``a``.  Equal to ``np.pad`` with zeros; computed in C; the
    dtype is kept.
    """
    arr = np.asarray(a)
    if arr.dtype.hasobject:
        raise TypeError(f"pad_full: a must not have an object dtype, got {arr.dtype}")
    if isinstance(kernel_shape, numbers.Integral) and not isinstance(kernel_shape, bool):
        kernel_shape = (kernel_shape,)
    ks = normalize_shape("pad_full", "kernel_shape", kernel_shape, minimum=1)
    nk = len(ks)
    if nk == 0 or nk > arr.ndim:
        raise ValueError(f"pad_full: kernel_shape must have between 1 and a.ndim = {arr.ndim} "
                         f"entries, got {ks}")
    dil = as_int_tuple("pad_full", "dilation", dilation, nk)
    pads = [0] * (arr.ndim - nk) + [d * (k - 1) for d, k in zip(dil, ks)]
    shape = tuple(n + 2 * p for n, p in zip(arr.shape, pads))
    check_size("pad_full", "output", shape, arr.itemsize)
    out = _empty(shape, arr.dtype)
    if out.size:
        src = np.ascontiguousarray(arr)
        _core.pad(src.reshape(-1).view(np.uint8), arr.shape, tuple(pads), tuple(pads),
                  arr.itemsize, out.reshape(-1).view(np.uint8))
    return out


# ---------------------------------------------------------------- batched

def conv_output_shape(input_shape, weight_shape, *, stride=1, padding=0, dilation=1, groups=1):
    """The shape ``conv_forward`` returns for x of ``input_shape`` and w of ``weight_shape``."""
    _, out_shape = resolve_conv("conv_output_shape", input_shape, weight_shape, stride,
                                padding, dilation, groups)
    return out_shape


def conv_forward(x, w, bias=None, *, stride=1, padding=0, dilation=1, groups=1, flip=False,
                 out=None, num_threads=None):
    """Batched multi-channel convolution, channels-first, 1-D to 3-D.

    ``y[n, k] = bias[k] + sum_c sum_r w[k, c, r] * xpad[n, g*C/G + c, o*stride + r*dilation]``
    with the semantics of ``torch.nn.functional.conv1d/2d/3d`` (a cross-correlation);
    ``flip=True`` rotates the kernel 180 degrees first (a true convolution, Lasagne's
    ``flip_filters=True``).

    Parameters
    ----------
    x : array_like, shape (N, C, *spatial)
        1, 2 or 3 spatial axes, told apart by the rank.
    w : array_like, shape (K, C // groups, *kernel)
    bias : array_like, shape (K,), optional
    stride, dilation : int or one int per spatial axis
    padding : int, one int per axis, one (low, high) pair per axis, "valid", "same"
        (stride 1 only; an odd total puts the extra element on the high side) or
        "full" (``dilation*(k-1)`` on both sides).
    groups : int
    flip : bool
    out : ndarray, optional
        C-contiguous, writeable, of the result shape and dtype, not overlapping x or w.
    num_threads : int, optional

    Returns
    -------
    ndarray, shape (N, K, *out_spatial)
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
    desc = _desc(xa.ndim - 2, xa.shape, wa.shape, params, flip)
    cx, cw, cy = _contig(xa, dtype), _contig(wa, dtype), y.reshape(-1)
    cb = None if ba is None else _contig(ba, dtype)
    if _plan.tracing:
        _plan.run(fname, lambda: _core.conv_forward(desc, cx, cw, cb, cy, nt),
                  lambda: _core.describe_conv(fname, desc, dtype == np.float32, ba is not None, nt),
                  (("x", xa), ("w", wa), ("y", y)))
    else:
        _core.conv_forward(desc, cx, cw, cb, cy, nt)
    return y


def _shape_arg(fname, name, shape, rank):
    shape = normalize_shape(fname, name, shape)
    if len(shape) != rank:
        raise ValueError(f"{fname}: {name} must have {rank} entries, got {shape}")
    return shape


def conv_backward_input(grad_out, w, input_shape, *, stride=1, padding=0, dilation=1, groups=1,
                        flip=False, out=None, num_threads=None):
    """Gradient of ``conv_forward`` with respect to its input x.

    A "full" convolution of ``grad_out`` with the 180-degree-rotated kernel, summed
    over output channels (the kernel's in/out channel axes transposed); equal to
    ``torch.nn.grad.conv*d_input``.  With a stride > 1, input positions no output
    reads get zero.

    Parameters
    ----------
    grad_out : array_like, shape (N, K, *out_spatial)
    w : array_like, shape (K, C // groups, *kernel)
    input_shape : sequence of ints, (N, C, *spatial): the shape of x (it fixes the
        size a strided forward pass would otherwise leave ambiguous).
    stride, padding, dilation, groups, flip : as in :func:`conv_forward`
    out, num_threads : as in :func:`conv_forward`

    Returns
    -------
    ndarray of ``input_shape``
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
    desc = _desc(len(xs) - 2, xs, wa.shape, params, flip)
    if gx.size:
        cg, cw, cx = _contig(ga, dtype), _contig(wa, dtype), gx.reshape(-1)
        if _plan.tracing:
            _plan.run(fname, lambda: _core.conv_backward_input(desc, cg, cw, cx, nt),
                      lambda: _core.describe_conv(fname, desc, dtype == np.float32, False, nt),
                      (("grad_out", ga), ("w", wa), ("grad_in", gx)))
        else:
            _core.conv_backward_input(desc, cg, cw, cx, nt)
    return gx


def conv_backward_weight(x, grad_out, weight_shape, *, stride=1, padding=0, dilation=1, groups=1,
                         flip=False, out=None, num_threads=None):
    """Gradient of ``conv_forward`` with respect to the weights w.

    The valid correlation of (padded) x with ``grad_out``, summed over the batch;
    equal to ``torch.nn.grad.conv*d_weight``.  With ``flip=True`` it is the gradient
    of the flipped forward (the rotated correlation).

    Parameters
    ----------
    x : array_like, shape (N, C, *spatial)
    grad_out : array_like, shape (N, K, *out_spatial)
    weight_shape : sequence of ints, (K, C // groups, *kernel)
    stride, padding, dilation, groups, flip, out, num_threads : as in :func:`conv_forward`

    Returns
    -------
    ndarray of ``weight_shape``
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
    desc = _desc(xa.ndim - 2, xa.shape, ws, params, flip)
    cx, cg, cw = _contig(xa, dtype), _contig(ga, dtype), gw.reshape(-1)
    if _plan.tracing:
        _plan.run(fname, lambda: _core.conv_backward_weight(desc, cx, cg, cw, nt),
                  lambda: _core.describe_conv(fname, desc, dtype == np.float32, False, nt),
                  (("x", xa), ("grad_out", ga), ("grad_w", gw)))
    else:
        _core.conv_backward_weight(desc, cx, cg, cw, nt)
    return gw


def conv_backward_bias(grad_out, *, out=None, num_threads=None):
    """Gradient of ``conv_forward`` with respect to the bias: ``grad_out`` summed over the
    batch and every spatial axis, shape (K,).  float32 sums accumulate in float64."""
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


# ---------------------------------------------------------------- runtime

def set_num_threads(n):
    """Set the default thread count of every call (``None`` restores the OpenMP default,
    which honours ``OMP_NUM_THREADS``)."""
    if n is None:
        _core.set_num_threads(0)
        return
    _core.set_num_threads(_threads("set_num_threads", n))


def release_workspace():
    """Free the workspaces fastconv keeps between calls.

    The C library keeps up to four idle packing buffers so that repeated calls do not
    pay a page fault per 4 KiB of a fresh allocation; this returns them to the system
    (the next call allocates again)."""
    _core.release_workspace()


def get_num_threads():
    """The default thread count used when a call passes no ``num_threads``."""
    return _core.get_num_threads()


def set_isa(name):
    """Use the kernels of one instruction set: "baseline", "avx2" or "avx512".

    The choice is made once at import from CPUID, capped by the environment variable
    ``FASTCONV_ISA``; this overrides it for the process.  An ISA the CPU (or this
    build) cannot run raises ValueError.
    """
    if not isinstance(name, str):
        raise TypeError(f"set_isa: name must be a str, got {type(name).__name__}")
    cfg = _core.config()
    if name not in ("baseline", "avx2", "avx512"):
        raise ValueError(f"set_isa: name must be one of 'baseline', 'avx2', 'avx512', got {name!r}")
    if name not in cfg["isa_supported"]:
        raise ValueError(f"set_isa: {name!r} is not available here (supported: "
                         f"{', '.join(cfg['isa_supported'])})")
    _core.set_isa(name)


def config():
    """Build and run-time configuration: version, selected ISA, ISAs compiled and
    supported, OpenMP on or off, default threads, compiler, and ``"tuning"``: the
    tuning table in force (the L1d and L2 sizes read from this machine, every
    threshold of the planners)."""
    return _core.config()


def show_config():
    """Print :func:`config` one item a line."""
    for k, v in config().items():
        if isinstance(v, list):
            v = ", ".join(v)
        if isinstance(v, dict):
            v = " ".join(f"{a}={b}" for a, b in v.items())
        print(f"{k:>14}: {v}")
