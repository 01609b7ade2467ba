"""The public docstrings of :mod:`fastconv.ndimage` (numpydoc, with Examples run as doctests
by the docs build), attached to its functions by :func:`attach` when that module loads:
here correlate, convolve and their 1-D forms, and the texts shared by every filter; the
smoothing and derivative filters' in _ndimage_docs_filters.py.

They live here, as NumPy keeps its in ``numpy/_core/_add_newdocs.py``, because with them
ndimage.py would pass the 600-line limit of tests/test_layout.py; the implementation's
own short docstrings there are replaced.  Shared parameter texts are the ``_P_*``
strings (as SciPy's ``_ni_docstrings.docfiller``), each already indented for a
Parameters section.
"""
from typing import Any, Dict

_P_INPUT = """\
input : array_like
        Any rank (at least 1 for the 1-D filters); bool, any integer, float32, float64,
        complex64 or complex128.  Other dtypes (float16, long double, object) raise
        TypeError."""

_P_OUTPUT = """\
output : ndarray or dtype, optional
        The array to write the result into (of the input's shape; then also returned),
        or the dtype of a new result.  Default: the input's dtype, so an integer input
        gives an integer result, truncated toward zero as SciPy's C casts do."""

_P_MODE = """\
mode : {'reflect', 'constant', 'nearest', 'mirror', 'wrap', 'grid-mirror', \
'grid-constant', 'grid-wrap'}, optional
        How the input is extended past its edges (default 'reflect'), as in SciPy; for
        an input ``a b c d``:

        - 'reflect' (or 'grid-mirror'): ``d c b a | a b c d | d c b a``
        - 'mirror': ``d c b | a b c d | c b a``
        - 'nearest': ``a a a | a b c d | d d d``
        - 'wrap' (or 'grid-wrap'): ``a b c d | a b c d | a b c d``
        - 'constant' (or 'grid-constant'): ``k k k | a b c d | k k k``, k being `cval`

        The extension repeats however far it reaches, so the weights may be longer than
        the input."""

_P_CVAL = """\
cval : scalar, optional
        The value past the edges in 'constant' mode (default 0.0); complex only for a
        complex input or weights."""

_P_ORIGIN = """\
origin : int or sequence of int, optional
        Shift of the filter (default 0), one value or one per filtered axis; for a
        width ``w`` it must lie in ``[-(w // 2), (w - 1) // 2]``.  A positive origin
        moves the filter's window toward lower indices (``w = 3``, origin 1: taps
        ``i-2, i-1, i``)."""

_P_ORIGIN1 = """\
origin : int, optional
        Shift of the filter (default 0), in ``[-(w // 2), (w - 1) // 2]`` for a width
        ``w``; a positive origin moves the window toward lower indices."""

_P_AXIS = """\
axis : int, optional
        The axis to filter along (default -1, the last); negative values count from
        the end."""

_P_AXES = """\
axes : None, int or sequence of int, optional
        The axes to filter (default None: all of them), unique, negative values
        counting from the end.  Sequence arguments give one value per entry of
        `axes`, in its order."""

_P_METHOD = """\
method : {'auto', 'direct', 'fft'}, optional
        fastconv's extension (default 'auto'): 'direct' sums the products (the results
        above); 'fft' uses overlap-save FFT tiles (error relative to the norms of the
        input and weights; a NaN or Inf spreads over its tile); 'auto' lets the plan's
        cost model choose, and keeps 'direct' for integer or non-finite input and for
        many lines under 1-D weights."""

_RET = """\
    Returns
    -------
    ndarray
        The filtered array, of the input's shape and of `output`'s dtype (`output`
        itself when it is an array); complex when the input or the weights are."""

_RAISES = """\
    Raises
    ------
    TypeError
        An input, weights or `output` dtype that is not supported, an `output` that
        is neither an array nor a dtype, a `cval` that is not a number, an integer
        argument (axis, origin, size, order, radius) given as another type.
    ValueError
        A `mode` not listed, an axis out of range or repeated, an origin out of its
        range, a read-only `output`, a complex `cval` for real data{extra}.
    NdimageArgumentError
        Where SciPy raises RuntimeError (a ValueError here too): an `output` array of
        another shape, a real `output` for complex data, a sequence argument with
        another length than the number of filtered axes{nd_extra}."""


def _raises(extra: str = "", nd_extra: str = "") -> str:
    return _RAISES.format(extra=extra, nd_extra=nd_extra)


_CORRELATE = f"""Multidimensional correlation, as :func:`scipy.ndimage.correlate`.

    Per filtered axis,
    ``output[i] = sum_j weights[j] * ext(input)[i + j - weights.shape // 2 - origin]``
    where ``ext`` extends the input by `mode`.  Input axes not in `axes`, and weight axes
    of length 1, form a batch; the axes longer than 1 (at most three) run on the
    multi-row engine of :func:`fastconv.correlate2d`.

    Parameters
    ----------
    {_P_INPUT}
    weights : array_like
        Real or complex, one axis per filtered axis (``input.ndim``, or ``len(axes)``),
        at most three of them longer than 1.  Complex weights are conjugated, as
        SciPy (and :func:`numpy.correlate`) do.
    {_P_OUTPUT}
    {_P_MODE}
    {_P_CVAL}
    {_P_ORIGIN}
    {_P_AXES}
    {_P_METHOD}

{_RET}

{_raises(", empty weights", ", weights whose rank is not the number of filtered axes")}
    NotImplementedError
        Weights with more than three axes longer than 1.

    See Also
    --------
    convolve : the same with the weights reversed.
    correlate1d : one axis; faster for a separable filter applied axis by axis.
    fastconv.reference.ndimage_correlate : the plain NumPy specification it is tested
        against.

    Notes
    -----
    float64 (and bool and integer inputs, computed in float64 like SciPy) agree with
    SciPy to rounding.  A float32 input with a float32 output is computed in float32,
    where SciPy computes in double and rounds once: the difference per output is
    bounded by ``2 * K * eps32 * sum_j |w_j x_(i+j)|`` for K taps.  SciPy skips the
    weights with ``|w| <= 2.2e-16`` from its sums and fastconv does too, but an Inf or
    NaN under such a weight is multiplied by zero here and reaches the output.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> a = np.arange(25.0).reshape(5, 5)
    >>> cross = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]])
    >>> ndimage.correlate(a, cross)
    array([[  6.,  10.,  15.,  20.,  24.],
           [ 26.,  30.,  35.,  40.,  44.],
           [ 51.,  55.,  60.,  65.,  69.],
           [ 76.,  80.,  85.,  90.,  94.],
           [ 96., 100., 105., 110., 114.]])
    >>> x = np.random.default_rng(0).standard_normal((4, 30, 40))
    >>> w = np.random.default_rng(1).standard_normal((3, 5))
    >>> for mode in ["reflect", "constant", "nearest", "mirror", "wrap"]:
    ...     ours = ndimage.correlate(x, w, mode=mode, cval=0.5, axes=(1, 2))
    ...     theirs = scipy.ndimage.correlate(x, w, mode=mode, cval=0.5, axes=(1, 2))
    ...     assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12), mode
    >>> u8 = np.array([[10, 20], [30, 40]], np.uint8)     # result in uint8, truncated
    >>> r = ndimage.correlate(u8, np.full((2, 2), 0.3))
    >>> r
    array([[12, 18],
           [24, 30]], dtype=uint8)
    >>> np.array_equal(r, scipy.ndimage.correlate(u8, np.full((2, 2), 0.3)))
    True
    """

_CONVOLVE = f"""Multidimensional convolution, as :func:`scipy.ndimage.convolve`.

    :func:`correlate` with the weights reversed on every axis and each origin mirrored
    (``-origin``, and one less for an even width, so that a filter and its reversal
    cover the same window): ``output[i] = sum_j weights[j] * ext(input)[i - j + c]``
    with ``c = weights.shape // 2 + origin``.  Complex weights are not conjugated.

    Parameters
    ----------
    {_P_INPUT}
    weights : array_like
        Real or complex, one axis per filtered axis (``input.ndim``, or ``len(axes)``),
        at most three of them longer than 1.
    {_P_OUTPUT}
    {_P_MODE}
    {_P_CVAL}
    {_P_ORIGIN}
    {_P_AXES}
    {_P_METHOD}

{_RET}

{_raises(", empty weights", ", weights whose rank is not the number of filtered axes")}
    NotImplementedError
        Weights with more than three axes longer than 1.

    See Also
    --------
    correlate : the same without the reversal; its Notes on accuracy apply.
    fastconv.convolve : scipy.signal's convolution ('full', 'same', 'valid' sizes).

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> a = np.array([[1.0, 2, 0, 0], [5, 3, 0, 4], [0, 0, 0, 7], [9, 3, 0, 0]])
    >>> k = np.array([[1.0, 1, 1], [1, 1, 0], [1, 0, 0]])
    >>> ndimage.convolve(a, k, mode="constant", cval=0.0)
    array([[11., 10.,  7.,  4.],
           [10.,  3., 11., 11.],
           [15., 12., 14.,  7.],
           [12.,  3.,  7.,  0.]])
    >>> np.array_equal(ndimage.convolve(a, k, mode="constant"),
    ...                ndimage.correlate(a, k[::-1, ::-1], mode="constant"))
    True
    >>> x = np.random.default_rng(2).standard_normal((20, 21, 22))
    >>> w = np.random.default_rng(3).standard_normal((2, 3, 4))
    >>> np.allclose(ndimage.convolve(x, w, mode="wrap", origin=(0, 1, -1)),
    ...             scipy.ndimage.convolve(x, w, mode="wrap", origin=(0, 1, -1)))
    True
    """

_CORRELATE1D = f"""1-D correlation along one axis, as :func:`scipy.ndimage.correlate1d`.

    ``output[..., i, ...] = sum_j weights[j] * ext(input)[..., i + j - len(weights) // 2 - origin, ...]``,
    computed by one C pass along the axis (vectorised across the contiguous axis,
    threaded over lines, with no transposed copy).  Sums run in SciPy's order, so
    float64 results are usually bit-identical to SciPy's.

    Parameters
    ----------
    {_P_INPUT}
    weights : array_like
        1-D, non-empty, real or complex (complex weights are conjugated, as SciPy does).
    {_P_AXIS}
    {_P_OUTPUT}
    {_P_MODE}
    {_P_CVAL}
    {_P_ORIGIN1}
    {_P_METHOD}

{_RET}

{_raises(", a 0-d input", ", weights that are not a non-empty 1-D sequence")}

    See Also
    --------
    convolve1d : the same with the weights reversed.
    correlate : N-d weights.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> ndimage.correlate1d([2, 8, 0, 4, 1, 9, 9, 0], weights=[1, 3])
    array([ 8, 26,  8, 12,  7, 28, 36,  9])
    >>> x = np.random.default_rng(0).standard_normal((50, 60))
    >>> w = [0.25, -1.0, 0.5, 2.0]
    >>> for axis in (0, 1):
    ...     for origin in (-2, 0, 1):
    ...         ours = ndimage.correlate1d(x, w, axis=axis, mode="mirror", origin=origin)
    ...         theirs = scipy.ndimage.correlate1d(x, w, axis=axis, mode="mirror",
    ...                                            origin=origin)
    ...         assert np.allclose(ours, theirs, rtol=1e-13, atol=1e-13)
    """

_CONVOLVE1D = f"""1-D convolution along one axis, as :func:`scipy.ndimage.convolve1d`.

    :func:`correlate1d` with the weights reversed and the origin mirrored (``-origin``,
    one less for an even width): ``output[i] = sum_j weights[j] * ext(input)[i - j + c]``
    with ``c = len(weights) // 2 + origin``.  Complex weights are not conjugated.

    Parameters
    ----------
    {_P_INPUT}
    weights : array_like
        1-D, non-empty, real or complex.
    {_P_AXIS}
    {_P_OUTPUT}
    {_P_MODE}
    {_P_CVAL}
    {_P_ORIGIN1}
    {_P_METHOD}

{_RET}

{_raises(", a 0-d input", ", weights that are not a non-empty 1-D sequence")}

    See Also
    --------
    correlate1d : the same without the reversal.
    fastconv.convolve : scipy.signal's convolution ('full', 'same', 'valid' sizes).

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> ndimage.convolve1d([2, 8, 0, 4, 1, 9, 9, 0], weights=[1, 3])
    array([14, 24,  4, 13, 12, 36, 27,  0])
    >>> x = np.random.default_rng(1).standard_normal((3, 40, 7)).astype(np.float32)
    >>> ours = ndimage.convolve1d(x, [1.0, 2.0, -1.0, 0.5], axis=1, mode="nearest")
    >>> theirs = scipy.ndimage.convolve1d(x, [1.0, 2.0, -1.0, 0.5], axis=1, mode="nearest")
    >>> ours.dtype, bool(np.allclose(ours, theirs, rtol=1e-5, atol=1e-6))
    (dtype('float32'), True)
    """

DOCS = {
    "correlate": _CORRELATE, "convolve": _CONVOLVE, "correlate1d": _CORRELATE1D,
    "convolve1d": _CONVOLVE1D,
}


def attach(namespace: Dict[str, Any]) -> None:
    """Set the docstring of every name of ``namespace["__all__"]`` found in DOCS or
    _ndimage_docs_filters.DOCS.  A public name without one keeps its own docstring and
    does not break the import: tests/test_docs.py and the docs build (numpydoc's checks)
    fail on it instead."""
    from ._ndimage_docs_filters import DOCS as FILTER_DOCS
    docs = {**DOCS, **FILTER_DOCS}
    for name in namespace["__all__"]:
        if name in docs:
            namespace[name].__doc__ = docs[name]
