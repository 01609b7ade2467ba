"""The SciPy-compatible single-array functions and the data-movement primitives.

:func:`correlate`, :func:`convolve` (1-D to 3-D) follow ``scipy.signal.correlate`` and
``convolve`` with ``method="direct"``; :func:`correlate2d`, :func:`convolve2d` follow
``scipy.signal.correlate2d`` and ``convolve2d`` with their boundaries; :func:`rot180`
and :func:`pad_full` are the kernel rotation and the padding of a "full" convolution.
Every argument is checked here before any C runs.
"""
from __future__ import annotations

import numbers
import operator
from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _core, _plan
from ._arrays import _as_array, _compute_dtype, _contig, _empty, _output, _threads
from ._method import _auto_finite, _exactness, _method, choose_method  # noqa: F401
from ._params import as_int_tuple, check_size, normalize_shape

__all__ = ["correlate", "convolve", "correlate2d", "convolve2d", "choose_method", "rot180", "pad_full"]

_MODES = ("full", "same", "valid")
# scipy.signal's aliases for the boundary names
_BOUNDARIES = {"fill": "fill", "pad": "fill", "wrap": "wrap", "circular": "wrap",
               "symm": "symm", "symmetric": "symm"}

def _mode(fname: str, mode: str) -> str:
    if mode not in _MODES:
        raise ValueError(f"{fname}: mode must be one of 'full', 'same', 'valid', got {mode!r}")
    return mode


def _single(fname: str, in1: ArrayLike, in2: ArrayLike, mode: str, boundary: str, fillvalue: Any,
            flip: bool, two_d: bool, out: Optional[NDArray[Any]], num_threads: Optional[int],
            method: str = "direct") -> NDArray[Any]:
    a = _as_array(fname, "in1", in1)
    b = _as_array(fname, "in2", in2)
    mode = _mode(fname, mode)
    meth = _method(fname, method)
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
    meth = _exactness(fname, a, b, meth)
    out = _output(fname, out, shape, dtype, (("in1", a), ("in2", b)))
    a32 = dtype == np.float32
    if meth == 0:
        meth = _auto_finite(a, b, lambda: _core.describe_correlate(a.shape, b.shape, mode, boundary, flip,
                                                                   two_d, a32, nt, 0))
    ca, cb, co = _contig(a, dtype), _contig(b, dtype), out.ravel()
    if _plan.tracing:
        _plan.run(fname, lambda: _core.correlate(a.shape, ca, b.shape, cb, mode, boundary, fill, flip, two_d,
                                                 co, nt, meth),
                  lambda: _core.describe_correlate(a.shape, b.shape, mode, boundary, flip, two_d, a32, nt,
                                                   meth),
                  (("in1", a), ("in2", b), ("out", out)))
    else:
        _core.correlate(a.shape, ca, b.shape, cb, mode, boundary, fill, flip, two_d, co, nt, meth)
    return out


def correlate(in1: ArrayLike, in2: ArrayLike, mode: str = "full", *,
              out: Optional[NDArray[Any]] = None,
              num_threads: Optional[int] = None, method: str = "auto") -> NDArray[Any]:
    """Cross-correlate two N-dimensional arrays (1-D, 2-D or 3-D).

    Equal to ``scipy.signal.correlate(in1, in2, mode, method="direct")`` for real
    inputs: ``z[k] = sum_l in1[l] * in2[l - k + ...]`` with the output size given by
    ``mode`` ("full": ``n1+n2-1``, "same": ``n1``, centred as SciPy does, "valid":
    ``|n1-n2|+1``).
    In "valid" mode, when in2 is the larger array in every dimension the inputs are
    swapped and the result reversed, exactly as SciPy does.

    Parameters
    ----------
    in1, in2 : array_like
        Real arrays of the same rank (1 to 3).  float32 stays float32; anything else
        computes in float64.
    mode : {"full", "same", "valid"}, default "full"
        Size of the output, as in SciPy.
    out : numpy.ndarray, optional
        A C-contiguous, writeable array of the result's shape and dtype, not overlapping
        the inputs, to write the result into; it is returned.  SciPy has no such
        argument.  Reusing one across calls skips the page faults of a fresh large
        result: a 2048x2048 float64 3x3 :func:`correlate2d` took 2.4-3.3 ms into a
        reused ``out`` and 8-13 ms into a new array on the project's 2-core VM.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).
    method : {"auto", "direct", "fft"}, default "auto"
        ``"direct"`` sums the products (SciPy's ``method="direct"`` results, to
        rounding); ``"fft"`` uses overlap-save FFT tiles (error about
        ``1e-15 * ||in1|| * ||in2||`` in float64, ``1e-6 *`` that in float32; a NaN or
        Inf spreads over its tile); ``"auto"`` picks the faster by the plan's cost model
        (see :func:`choose_method`), direct for small kernels, booleans, integers whose
        products could pass 2**52 and non-finite inputs.

    Returns
    -------
    numpy.ndarray
        The correlation, C-contiguous, float32 when both inputs are float32 and
        float64 otherwise (``out`` when given).

    Raises
    ------
    TypeError
        An input of a complex or non-numeric dtype, an ``out`` of the wrong dtype or
        type, a ``num_threads`` that is not an int.
    ValueError
        A ``mode`` not listed; inputs of different rank, of rank above 3, or empty; in
        "valid" mode, neither input at least as large as the other in every dimension;
        an ``out`` of the wrong shape, not C-contiguous, read-only or overlapping an
        input; ``num_threads < 1``; a ``method`` not listed, or ``"fft"`` with integer
        inputs whose products could exceed 2**52.
    MemoryError
        A workspace could not be allocated.

    See Also
    --------
    convolve : the same with ``in2`` rotated 180 degrees.
    correlate2d : 2-D only, with SciPy's boundary conditions.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> fastconv.correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
    array([0.5, 2. , 3.5, 3. , 0. ])
    >>> fastconv.correlate([1.0, 2.0, 3.0, 4.0], [1.0, -1.0], mode="valid")
    array([-1., -1., -1.])

    It is ``scipy.signal.correlate`` with ``method="direct"``:

    >>> from scipy import signal
    >>> rng = np.random.default_rng(0)
    >>> a, k = rng.standard_normal((20, 30)), rng.standard_normal((3, 5))
    >>> np.allclose(fastconv.correlate(a, k, "same"),
    ...             signal.correlate(a, k, "same", method="direct"))
    True
    """
    return _single("correlate", in1, in2, mode, "fill", 0, False, False, out, num_threads, method)


def convolve(in1: ArrayLike, in2: ArrayLike, mode: str = "full", *,
             out: Optional[NDArray[Any]] = None,
             num_threads: Optional[int] = None, method: str = "auto") -> NDArray[Any]:
    """Convolve two N-dimensional arrays (1-D, 2-D or 3-D).

    A correlation with ``in2`` rotated 180 degrees (reversed along every axis); equal
    to ``scipy.signal.convolve(in1, in2, mode, method="direct")`` for real inputs.

    Parameters
    ----------
    in1, in2 : array_like
        Real arrays of the same rank (1 to 3); dtypes as in :func:`correlate`.
    mode : {"full", "same", "valid"}, default "full"
        Size of the output, as in SciPy.
    out : numpy.ndarray, optional
        The result's C-contiguous array, as for :func:`correlate`.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).
    method : {"auto", "direct", "fft"}, default "auto"
        ``"direct"`` sums the products (SciPy's ``method="direct"`` results, to
        rounding); ``"fft"`` uses overlap-save FFT tiles (error about
        ``1e-15 * ||in1|| * ||in2||`` in float64, ``1e-6 *`` that in float32; a NaN or
        Inf spreads over its tile); ``"auto"`` picks the faster by the plan's cost model
        (see :func:`choose_method`), direct for small kernels, booleans, integers whose
        products could pass 2**52 and non-finite inputs.

    Returns
    -------
    numpy.ndarray
        The convolution (``out`` when given).

    Raises
    ------
    TypeError
        As for :func:`correlate`.
    ValueError
        As for :func:`correlate`.
    MemoryError
        A workspace could not be allocated.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> fastconv.convolve([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])

    Convolution is correlation with the kernel reversed:

    >>> k = np.array([0.0, 1.0, 0.5])
    >>> np.array_equal(fastconv.convolve([1.0, 2.0, 3.0], k),
    ...                fastconv.correlate([1.0, 2.0, 3.0], k[::-1]))
    True
    """
    return _single("convolve", in1, in2, mode, "fill", 0, True, False, out, num_threads, method)


def correlate2d(in1: ArrayLike, in2: ArrayLike, mode: str = "full", boundary: str = "fill",
                fillvalue: float = 0, *, out: Optional[NDArray[Any]] = None,
                num_threads: Optional[int] = None, method: str = "auto") -> NDArray[Any]:
    """Cross-correlate two 2-D arrays, equal to ``scipy.signal.correlate2d``.

    Parameters
    ----------
    in1, in2 : array_like, 2-D
        Real arrays; dtypes as in :func:`correlate`.
    mode : {"full", "same", "valid"}, default "full"
        "same" is centred as SciPy centres correlate2d: the window starts
        ``(n2-1)//2`` before each output, where :func:`correlate`'s starts ``n2//2``
        before (they differ for even kernels).
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How in1 is extended outside its bounds: with ``fillvalue``, periodically,
        or mirrored with the edge repeated (``np.pad(mode="symmetric")``).  SciPy's
        aliases "pad", "circular" and "symmetric" are accepted.
    fillvalue : scalar, default 0
        Value for ``boundary="fill"`` (cast to the compute dtype).
    out : numpy.ndarray, optional
        The result's C-contiguous array, as for :func:`correlate`.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).
    method : {"auto", "direct", "fft"}, default "auto"
        ``"direct"`` sums the products (SciPy's ``method="direct"`` results, to
        rounding); ``"fft"`` uses overlap-save FFT tiles (error about
        ``1e-15 * ||in1|| * ||in2||`` in float64, ``1e-6 *`` that in float32; a NaN or
        Inf spreads over its tile); ``"auto"`` picks the faster by the plan's cost model
        (see :func:`choose_method`), direct for small kernels, booleans, integers whose
        products could pass 2**52 and non-finite inputs.

    Returns
    -------
    numpy.ndarray
        The 2-D correlation (``out`` when given).

    Raises
    ------
    TypeError
        An input or ``fillvalue`` of a complex or non-numeric dtype; otherwise as for
        :func:`correlate`.
    ValueError
        An input that is not 2-D, a ``boundary`` not listed, a ``fillvalue`` that is
        not a scalar; otherwise as for :func:`correlate`.
    MemoryError
        A workspace could not be allocated.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> img = np.arange(16.0).reshape(4, 4)
    >>> fastconv.correlate2d(img, [[0, 1], [1, 0]], mode="valid")
    array([[ 5.,  7.,  9.],
           [13., 15., 17.],
           [21., 23., 25.]])

    With an even kernel, "same" windows start ``(n2-1)//2`` before the output
    (:func:`correlate` starts them ``n2//2`` before):

    >>> a = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    >>> fastconv.correlate2d(a, [[1.0, 10.0]], "same")
    array([[21., 32., 43., 54.,  5.]])
    >>> fastconv.correlate(a, [[1.0, 10.0]], "same")
    array([[10., 21., 32., 43., 54.]])

    Every boundary matches SciPy:

    >>> from scipy import signal
    >>> k = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    >>> all(np.allclose(fastconv.correlate2d(img, k, "same", b),
    ...                 signal.correlate2d(img, k, "same", b))
    ...     for b in ("fill", "wrap", "symm"))
    True
    """
    return _single("correlate2d", in1, in2, mode, boundary, fillvalue, False, True, out, num_threads,
                   method)


def convolve2d(in1: ArrayLike, in2: ArrayLike, mode: str = "full", boundary: str = "fill",
               fillvalue: float = 0, *, out: Optional[NDArray[Any]] = None,
               num_threads: Optional[int] = None, method: str = "auto") -> NDArray[Any]:
    """Convolve two 2-D arrays, equal to ``scipy.signal.convolve2d``.

    Parameters
    ----------
    in1, in2 : array_like, 2-D
        Real arrays; dtypes as in :func:`correlate`.
    mode : {"full", "same", "valid"}, default "full"
        Size of the output, as in :func:`correlate2d`.
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How in1 is extended, as in :func:`correlate2d`.
    fillvalue : scalar, default 0
        Value for ``boundary="fill"``.
    out : numpy.ndarray, optional
        The result's C-contiguous array, as for :func:`correlate`.
    num_threads : int, optional
        Threads for this call (default: :func:`get_num_threads`).
    method : {"auto", "direct", "fft"}, default "auto"
        ``"direct"`` sums the products (SciPy's ``method="direct"`` results, to
        rounding); ``"fft"`` uses overlap-save FFT tiles (error about
        ``1e-15 * ||in1|| * ||in2||`` in float64, ``1e-6 *`` that in float32; a NaN or
        Inf spreads over its tile); ``"auto"`` picks the faster by the plan's cost model
        (see :func:`choose_method`), direct for small kernels, booleans, integers whose
        products could pass 2**52 and non-finite inputs.

    Returns
    -------
    numpy.ndarray
        The 2-D convolution (``out`` when given).

    Raises
    ------
    TypeError
        As for :func:`correlate2d`.
    ValueError
        As for :func:`correlate2d`.
    MemoryError
        A workspace could not be allocated.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> from scipy import signal
    >>> img = np.arange(20.0).reshape(4, 5)
    >>> k = np.array([[1.0, 0.0], [2.0, -1.0]])
    >>> np.allclose(fastconv.convolve2d(img, k, boundary="wrap"),
    ...             signal.convolve2d(img, k, boundary="wrap"))
    True
    """
    return _single("convolve2d", in1, in2, mode, boundary, fillvalue, True, True, out, num_threads,
                   method)


# ---------------------------------------------------------------- data movement

def _axes(fname: str, axes: Any, ndim: int) -> Tuple[int, ...]:
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
        i = operator.index(ax)
        if not -ndim <= i < ndim:
            raise ValueError(f"{fname}: axis {ax} is out of bounds for an array of "
                             f"dimension {ndim}")
        norm.append(i % ndim)
    if len(set(norm)) != len(norm):
        raise ValueError(f"{fname}: axes must not repeat an axis, got {axes}")
    return tuple(norm)


def rot180(a: ArrayLike, axes: Union[None, int, Sequence[int]] = None) -> NDArray[Any]:
    """Rotate ``a`` by 180 degrees over ``axes`` (None: every axis), computed in C.

    Equal to ``np.ascontiguousarray(np.flip(a, axes))``: a C-contiguous copy whose
    element ``[..., i, ...]`` is ``a[..., n-1-i, ...]`` on each rotated axis.  This is
    the kernel rotation of the backward pass; any dtype except object is accepted and
    kept, and views (non-contiguous, negative strides) are read in place.

    Parameters
    ----------
    a : array_like
        Any rank, any dtype except object.
    axes : None, int or sequence of ints, optional
        The axes to reverse (negative values count from the end); None reverses every
        axis.  To rotate the kernels of a ``(K, C, kh, kw)`` weight, pass ``(-2, -1)``.

    Returns
    -------
    numpy.ndarray
        A new C-contiguous array of ``a``'s shape and dtype.

    Raises
    ------
    TypeError
        ``a`` of an object dtype; ``axes`` not an int or a sequence of ints.
    ValueError
        An axis out of range or repeated.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> fastconv.rot180(np.arange(6).reshape(2, 3))
    array([[5, 4, 3],
           [2, 1, 0]])
    >>> w = np.arange(2 * 3 * 3).reshape(1, 2, 3, 3)
    >>> np.array_equal(fastconv.rot180(w, axes=(-2, -1)), w[..., ::-1, ::-1])
    True
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


def pad_full(a: ArrayLike, kernel_shape: Union[int, Sequence[int]],
             dilation: Union[int, Sequence[int]] = 1) -> NDArray[Any]:
    """Zero-pad the trailing ``len(kernel_shape)`` axes of ``a`` for a "full" convolution.

    Each of those axes grows by ``dilation*(k-1)`` on both sides (k=3, dilation=2:
    4 zeros each side), so that a valid correlation of the result with the kernel is
    the full correlation of ``a``.  Equal to ``np.pad`` with zeros; computed in C; the
    dtype is kept.

    Parameters
    ----------
    a : array_like
        Any rank at least ``len(kernel_shape)``, any dtype except object.
    kernel_shape : int or sequence of ints
        The kernel's spatial shape; its length is the number of trailing axes padded.
    dilation : int or sequence of ints, default 1
        The kernel's dilation, one int or one per padded axis.

    Returns
    -------
    numpy.ndarray
        A new C-contiguous array of ``a``'s dtype.

    Raises
    ------
    TypeError
        ``a`` of an object dtype; a non-integer kernel size or dilation.
    ValueError
        ``kernel_shape`` with no entry, more entries than ``a`` has axes, or an entry
        below 1; a dilation below 1; an output too large to index.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> fastconv.pad_full(np.ones((2, 2), np.float32), (3, 3)).shape
    (6, 6)

    A valid correlation of the padded array is the full correlation:

    >>> a, k = np.arange(12.0).reshape(3, 4), np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> np.allclose(fastconv.correlate2d(fastconv.pad_full(a, k.shape), k, "valid"),
    ...             fastconv.correlate2d(a, k, "full"))
    True
    """
    arr = np.asarray(a)
    if arr.dtype.hasobject:
        raise TypeError(f"pad_full: a must not have an object dtype, got {arr.dtype}")
    kshape: Any = kernel_shape
    if isinstance(kshape, numbers.Integral) and not isinstance(kshape, bool):
        kshape = (kshape,)
    ks = normalize_shape("pad_full", "kernel_shape", kshape, minimum=1)
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

