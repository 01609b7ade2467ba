"""The public docstrings of :mod:`fastconv.ndimage`'s smoothing and derivative filters and of
NdimageArgumentError (the shared parameter texts and :func:`attach` are in
_ndimage_docs.py)."""
from ._ndimage_docs import (_P_AXES, _P_AXIS, _P_CVAL, _P_INPUT, _P_MODE, _P_ORIGIN,
                            _P_ORIGIN1, _P_OUTPUT, _RET, _raises)

_P_SIGMA_TRUNC = """\
truncate : float, optional
        Cut the kernel at this many standard deviations (default 4.0): the radius is
        ``int(truncate * sigma + 0.5)`` unless `radius` is given."""

_GAUSSIAN_FILTER1D = f"""1-D Gaussian filter along one axis, as :func:`scipy.ndimage.gaussian_filter1d`.

    A :func:`correlate1d` with SciPy's kernel, computed by the same operations:
    ``exp(-x**2 / (2 sigma**2))`` on ``x = -r..r``, normalised to sum 1, times the
    polynomial of the `order`-th derivative.

    Parameters
    ----------
    {_P_INPUT}
    sigma : float
        Standard deviation, > 0 and finite (SciPy raises ZeroDivisionError for 0, or
        returns NaN for a NumPy float 0).
    {_P_AXIS}
    order : int, optional
        0 (default) smooths; ``n > 0`` correlates with the n-th derivative of the
        Gaussian.
    {_P_OUTPUT}
    {_P_MODE}
    {_P_CVAL}
    {_P_SIGMA_TRUNC}
    radius : int, optional
        The kernel's radius r (``2r + 1`` taps), >= 0; overrides `truncate`.

{_RET}

{_raises(", a sigma that is not positive and finite, a negative order or radius, "
         "a negative or non-finite truncate, a 0-d input")}

    See Also
    --------
    gaussian_filter : along several axes.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> ndimage.gaussian_filter1d([1.0, 2.0, 3.0, 4.0, 5.0], 1)
    array([1.42704095, 2.06782203, 3.        , 3.93217797, 4.57295905])
    >>> step = np.r_[np.zeros(20), np.ones(20)]
    >>> d = ndimage.gaussian_filter1d(step, 2.0, order=1)   # peaks at the step
    >>> int(np.argmax(d)) in (19, 20), bool(np.isclose(d.sum(), 1.0, atol=1e-3))
    (True, True)
    >>> x = np.random.default_rng(0).standard_normal((64, 64))
    >>> for order in (0, 1, 2):
    ...     ours = ndimage.gaussian_filter1d(x, 1.5, axis=0, order=order, radius=5)
    ...     theirs = scipy.ndimage.gaussian_filter1d(x, 1.5, axis=0, order=order, radius=5)
    ...     assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12), order
    """

_GAUSSIAN_FILTER = f"""Multidimensional Gaussian filter, as :func:`scipy.ndimage.gaussian_filter`.

    One :func:`gaussian_filter1d` pass per filtered axis, in the order of `axes`, each
    result stored in the output dtype as SciPy stores it; an axis with ``sigma <= 1e-15``
    is skipped.

    Parameters
    ----------
    {_P_INPUT}
    sigma : float or sequence of float
        Standard deviation, one value or one per filtered axis, >= 0 and finite (0
        skips that axis).
    order : int or sequence of int, optional
        Derivative order, one value or one per filtered axis (default 0).
    {_P_OUTPUT}
    mode : str or sequence of str, optional
        One mode, or one per filtered axis, among those of :func:`correlate`
        (default 'reflect').
    {_P_CVAL}
    {_P_SIGMA_TRUNC}
    radius : None, int or sequence of int, optional
        The kernel's radius, one value or one per filtered axis; overrides `truncate`.
    {_P_AXES}

{_RET}

{_raises(", a negative or non-finite sigma, a negative order or radius, a negative "
         "or non-finite truncate")}

    See Also
    --------
    gaussian_filter1d : one axis.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> impulse = np.zeros((7, 7))
    >>> impulse[3, 3] = 1.0
    >>> g = ndimage.gaussian_filter(impulse, 1.0)
    >>> bool(np.isclose(g.sum(), 1.0)), bool(np.allclose(g, g.T))
    (True, True)
    >>> img = np.random.default_rng(0).random((3, 48, 64)).astype(np.float32)
    >>> ours = ndimage.gaussian_filter(img, sigma=(0, 2.0, 1.5), mode=["wrap", "nearest", "reflect"])
    >>> theirs = scipy.ndimage.gaussian_filter(img, sigma=(0, 2.0, 1.5),
    ...                                        mode=["wrap", "nearest", "reflect"])
    >>> ours.dtype, float(np.abs(ours - theirs).max()) < 1e-6
    (dtype('float32'), True)
    """

_UNIFORM_FILTER1D = f"""1-D mean filter along one axis, as :func:`scipy.ndimage.uniform_filter1d`.

    The mean of `size` consecutive taps, as a running sum in double (the cost does not
    depend on `size`), bit-identical to SciPy's.

    Parameters
    ----------
    {_P_INPUT}
    size : int
        The number of taps, >= 1.
    {_P_AXIS}
    {_P_OUTPUT}
    {_P_MODE}
    {_P_CVAL}
    {_P_ORIGIN1}

{_RET}

{_raises(", a size below 1, a 0-d input")}

    See Also
    --------
    uniform_filter : along several axes.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> ndimage.uniform_filter1d([2, 8, 0, 4, 1, 9, 9, 0], size=3)
    array([4, 3, 4, 1, 4, 6, 6, 3])
    >>> x = np.random.default_rng(0).standard_normal((5, 1000))
    >>> np.array_equal(ndimage.uniform_filter1d(x, 31, mode="wrap", origin=-3),
    ...                scipy.ndimage.uniform_filter1d(x, 31, mode="wrap", origin=-3))
    True
    """

_UNIFORM_FILTER = f"""Multidimensional mean filter, as :func:`scipy.ndimage.uniform_filter`.

    One :func:`uniform_filter1d` pass per filtered axis whose size is above 1, in the
    order of `axes`, each result stored in the output dtype as SciPy stores it.

    Parameters
    ----------
    {_P_INPUT}
    size : int or sequence of int, optional
        Taps per filtered axis (default 3), each >= 1.
    {_P_OUTPUT}
    mode : str or sequence of str, optional
        One mode, or one per filtered axis, among those of :func:`correlate`
        (default 'reflect').
    {_P_CVAL}
    {_P_ORIGIN}
    {_P_AXES}

{_RET}

{_raises(", a size below 1")}

    See Also
    --------
    uniform_filter1d : one axis.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> a = np.arange(16.0).reshape(4, 4)
    >>> r = ndimage.uniform_filter(a, size=3, mode="nearest")
    >>> r
    array([[ 1.66666667,  2.33333333,  3.33333333,  4.        ],
           [ 4.33333333,  5.        ,  6.        ,  6.66666667],
           [ 8.33333333,  9.        , 10.        , 10.66666667],
           [11.        , 11.66666667, 12.66666667, 13.33333333]])
    >>> np.array_equal(r, scipy.ndimage.uniform_filter(a, size=3, mode="nearest"))
    True
    >>> x = np.random.default_rng(0).standard_normal((40, 50, 6))
    >>> np.array_equal(ndimage.uniform_filter(x, size=(5, 4), axes=(0, 1)),
    ...                scipy.ndimage.uniform_filter(x, size=(5, 4), axes=(0, 1)))
    True
    """

_DERIV = """{summary}

    The difference ``(-1, 0, 1)`` along `axis` (``output[i] = ext(input)[i+1] -
    ext(input)[i-1]``), then the smoothing ``{smooth}`` along every other axis, each
    result stored in the output dtype as SciPy does.

    Parameters
    ----------
    {p_input}
    {p_axis}
    {p_output}
    mode : str or sequence of str, optional
        One mode, or one per axis of the input, among those of :func:`correlate`
        (default 'reflect').
    {p_cval}

{ret}

{raises}

    See Also
    --------
    {other} : the same with the smoothing ``{other_smooth}``.
    correlate : any other stencil.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> ramp = np.tile(np.arange(6.0), (4, 1))      # grows by 1 along axis 1
    >>> ndimage.{name}(ramp, axis=1, mode="nearest")[1]
    array({ramp_row})
    >>> ndimage.{name}(ramp, axis=0)                # nothing changes along axis 0
    array([[0., 0., 0., 0., 0., 0.],
           [0., 0., 0., 0., 0., 0.],
           [0., 0., 0., 0., 0., 0.],
           [0., 0., 0., 0., 0., 0.]])
    >>> img = np.random.default_rng(0).random((30, 40, 5))
    >>> all(np.allclose(ndimage.{name}(img, axis=a), scipy.ndimage.{name}(img, axis=a))
    ...     for a in (0, 1, 2))
    True
    """


def _deriv(name: str, summary: str, smooth: str, other: str, other_smooth: str,
           ramp_row: str) -> str:
    return _DERIV.format(
        summary=summary, smooth=smooth, other=other, other_smooth=other_smooth, name=name,
        ramp_row=ramp_row, p_input=_P_INPUT, p_axis=_P_AXIS, p_output=_P_OUTPUT,
        p_cval=_P_CVAL, ret=_RET, raises=_raises(", a 0-d input"))


_SOBEL = _deriv("sobel", "Sobel filter, as :func:`scipy.ndimage.sobel`.", "(1, 2, 1)",
                "prewitt", "(1, 1, 1)", "[4., 8., 8., 8., 8., 4.]")
_PREWITT = _deriv("prewitt", "Prewitt filter, as :func:`scipy.ndimage.prewitt`.", "(1, 1, 1)",
                  "sobel", "(1, 2, 1)", "[3., 6., 6., 6., 6., 3.]")

_LAPLACE = f"""Laplace filter, as :func:`scipy.ndimage.laplace`.

    The sum over the filtered axes of the second difference ``(1, -2, 1)``
    (``ext(input)[i-1] - 2 input[i] + ext(input)[i+1]``), each computed from the input,
    stored in the output dtype and added in it, in SciPy's order.

    Parameters
    ----------
    {_P_INPUT}
    {_P_OUTPUT}
    mode : str or sequence of str, optional
        One mode, or one per filtered axis, among those of :func:`correlate`
        (default 'reflect').
    {_P_CVAL}
    {_P_AXES}

{_RET}

{_raises()}

    See Also
    --------
    gaussian_filter : with ``order=2`` per axis, a smoothed second derivative.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> y, x = np.mgrid[0:5, 0:6].astype(float)
    >>> ndimage.laplace(x**2 + y**2, mode="nearest")[1:-1, 1:-1]   # 2 + 2 inside
    array([[4., 4., 4., 4.],
           [4., 4., 4., 4.],
           [4., 4., 4., 4.]])
    >>> img = np.random.default_rng(0).standard_normal((3, 30, 40))
    >>> np.allclose(ndimage.laplace(img, mode=["wrap", "constant"], cval=1.0, axes=(1, 2)),
    ...             scipy.ndimage.laplace(img, mode=["wrap", "constant"], cval=1.0, axes=(1, 2)))
    True
    """

_ARGUMENT_ERROR = """An invalid argument where SciPy raises RuntimeError: catchable as either.

    A subclass of both ValueError (what fastconv raises for a bad argument) and
    RuntimeError (what ``scipy.ndimage`` raises in these cases), so code written for
    either keeps working.  Raised for an `output` array of another shape than the input,
    a real `output` for complex data, weights of the wrong rank, and a sequence argument
    (sigma, size, origin, mode, ...) whose length is not the number of filtered axes.

    Raises
    ------
    NdimageArgumentError
        Itself, from the functions of :mod:`fastconv.ndimage`.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.ndimage
    >>> from fastconv import ndimage
    >>> x = np.ones(3)
    >>> try:
    ...     ndimage.correlate1d(x, [1.0, 1.0], output=np.empty(4))
    ... except RuntimeError as e:
    ...     print(type(e).__name__, "|", e)
    NdimageArgumentError | correlate1d: output must have the input's shape (3,), got (4,)
    >>> try:
    ...     scipy.ndimage.correlate1d(x, [1.0, 1.0], output=np.empty(4))
    ... except RuntimeError as e:
    ...     print(type(e).__name__, "|", e)
    RuntimeError | output shape not correct
    >>> issubclass(ndimage.NdimageArgumentError, ValueError)
    True
    """

DOCS = {
    "gaussian_filter": _GAUSSIAN_FILTER, "gaussian_filter1d": _GAUSSIAN_FILTER1D,
    "uniform_filter": _UNIFORM_FILTER, "uniform_filter1d": _UNIFORM_FILTER1D,
    "sobel": _SOBEL, "prewitt": _PREWITT, "laplace": _LAPLACE,
    "NdimageArgumentError": _ARGUMENT_ERROR,
}
