"""The numpydoc sections (Parameters, Returns, Raises, Examples) of :mod:`fastconv.reference`,
appended by :func:`attach` to each function's own docstring when that module loads.

The formulas stay in reference.py beside the code they specify; the sections that
describe arguments, errors and examples are here so that reference.py stays under the
600-line limit of tests/test_layout.py.  Every example runs as a doctest in the docs
build and compares the reference with SciPy, PyTorch-free known values or the public
fastconv function it specifies.
"""
import inspect
from typing import Any, Dict

_P_IN12 = """\
in1, in2 : array_like
    Real arrays (bool, integer or floating, computed in float64) of the same rank;
    0-d inputs give their product."""

_P_MODE = """\
mode : {"full", "same", "valid"}, default "full"
    Size of the output, as in SciPy."""

_P_2D = """\
in1, in2 : array_like
    Real 2-D arrays (computed in float64).
mode : {"full", "same", "valid"}, default "full"
    Size of the output, as in SciPy.
boundary : {"fill", "wrap", "symm"}, default "fill"
    The extension of ``in1`` ("pad", "circular", "symmetric" are aliases); ignored in
    "valid" mode.
fillvalue : real scalar, default 0
    The value past the edges for "fill"."""

_R_SINGLE = """\
Raises
------
TypeError
    An input of a complex or non-numeric dtype{extra_type}.
ValueError
    A `mode` not listed{extra}; inputs of different rank or empty; in "valid" mode,
    neither input at least as large as the other on every axis."""

_P_CONV = """\
stride, padding, dilation, groups
    As in :func:`fastconv.conv_forward`: ints or one int per spatial axis; `padding`
    also one ``(low, high)`` pair per axis, "valid", "same" or "full".
flip : bool, default False
    Rotate the kernel 180 degrees over its spatial axes first (a true convolution)."""

_R_CONV = """\
Raises
------
TypeError
    An array of a complex or non-numeric dtype; a shape, stride, padding, dilation or
    groups of the wrong type.
ValueError
    Ranks, channel counts or shapes that do not fit together (the message names the
    argument), a hyper-parameter out of its domain{extra}."""

_P_TRANSPOSE = """\
stride, padding, output_padding, dilation, groups
    PyTorch's ``conv_transpose{1,2,3}d`` arguments: ints or one int per spatial axis;
    `output_padding` extends the output's high end and must be smaller than `stride`
    or `dilation` on each axis."""

_R_TRANSPOSE = """\
Raises
------
TypeError
    An array of a complex or non-numeric dtype; a shape or hyper-parameter of the
    wrong type.
ValueError
    Ranks, channel counts or shapes that do not fit together (the message names the
    argument), a hyper-parameter out of its domain (`output_padding` not smaller than
    `stride` or `dilation`)."""

SECTIONS = {
    "correlate": f"""\
Parameters
----------
{_P_IN12}
{_P_MODE}

Returns
-------
numpy.ndarray
    float64, ``n1 + n2 - 1`` per axis ("full"), ``n1`` ("same") or ``|n1 - n2| + 1``
    ("valid").

{_R_SINGLE.format(extra_type="", extra="")}

Examples
--------
>>> import numpy as np
>>> import scipy.signal
>>> from fastconv import reference
>>> reference.correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
array([0.5, 2. , 3.5, 3. , 0. ])
>>> a = np.random.default_rng(0).standard_normal((6, 7))
>>> k = np.random.default_rng(1).standard_normal((2, 3))
>>> all(np.allclose(reference.correlate(a, k, m),
...                 scipy.signal.correlate(a, k, m, method="direct")) for m in ("full", "same", "valid"))
True
""",
    "convolve": f"""\
Parameters
----------
{_P_IN12}
{_P_MODE}

Returns
-------
numpy.ndarray
    float64, of the shapes of :func:`correlate`.

{_R_SINGLE.format(extra_type="", extra="")}

Examples
--------
>>> import numpy as np
>>> import scipy.signal
>>> from fastconv import reference
>>> reference.convolve([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
array([0. , 1. , 2.5, 4. , 1.5])
>>> a = np.random.default_rng(0).standard_normal((5, 6, 7))
>>> k = np.random.default_rng(1).standard_normal((2, 3, 2))
>>> np.allclose(reference.convolve(a, k, "same"), scipy.signal.convolve(a, k, "same", method="direct"))
True
""",
    "correlate2d": f"""\
Parameters
----------
{_P_2D}

Returns
-------
numpy.ndarray
    float64, of the shapes of :func:`correlate`.

{_R_SINGLE.format(extra_type=", a non-real `fillvalue`",
                  extra=", a `boundary` not listed, inputs that are not 2-D, a `fillvalue` "
                        "of more than one element")}

Examples
--------
>>> import numpy as np
>>> import scipy.signal
>>> from fastconv import reference
>>> a = np.random.default_rng(0).standard_normal((6, 7))
>>> k = np.random.default_rng(1).standard_normal((4, 3))      # even: "same" at n2 // 2
>>> all(np.allclose(reference.correlate2d(a, k, "same", b, 1.5),
...                 scipy.signal.correlate2d(a, k, "same", b, 1.5)) for b in ("fill", "wrap", "symm"))
True
""",
    "convolve2d": f"""\
Parameters
----------
{_P_2D}

Returns
-------
numpy.ndarray
    float64, of the shapes of :func:`correlate`.

{_R_SINGLE.format(extra_type=", a non-real `fillvalue`",
                  extra=", a `boundary` not listed, inputs that are not 2-D, a `fillvalue` "
                        "of more than one element")}

Examples
--------
>>> import numpy as np
>>> import scipy.signal
>>> from fastconv import reference
>>> a = np.random.default_rng(0).standard_normal((6, 7))
>>> k = np.random.default_rng(1).standard_normal((4, 3))
>>> all(np.allclose(reference.convolve2d(a, k, "same", b), scipy.signal.convolve2d(a, k, "same", b))
...     for b in ("fill", "wrap", "symm"))
True
>>> np.allclose(reference.convolve2d(a, k), reference.correlate2d(a, reference.rot180(k)))
True
""",
    "rot180": """\
Parameters
----------
a : array_like
    Any array; its dtype is kept.
axes : None, int or tuple of ints, default None
    The axes to reverse (None: all).

Returns
-------
numpy.ndarray
    A C-contiguous copy.

Raises
------
numpy.exceptions.AxisError
    An axis out of range (NumPy's error, a ValueError and an IndexError).

Examples
--------
>>> import numpy as np
>>> import fastconv
>>> from fastconv import reference
>>> k = np.arange(6).reshape(2, 3)
>>> reference.rot180(k)
array([[5, 4, 3],
       [2, 1, 0]])
>>> w = np.arange(24.0).reshape(2, 3, 2, 2)
>>> np.array_equal(reference.rot180(w, axes=(2, 3)), fastconv.rot180(w, axes=(2, 3)))
True
""",
    "pad_full": """\
Parameters
----------
a : array_like
    Any array with at least ``len(kernel_shape)`` axes; its dtype is kept.
kernel_shape : sequence of int
    The kernel's shape over the trailing axes of `a`, each >= 1.
dilation : int or sequence of int, default 1
    The kernel's dilation, one value or one per kernel axis, each >= 1.

Returns
-------
numpy.ndarray
    `a` with ``dilation * (k - 1)`` zeros on both sides of each trailing axis.

Raises
------
TypeError
    A `kernel_shape` or `dilation` entry that is not an int.
ValueError
    An empty `kernel_shape`, an entry below 1, a `dilation` of the wrong length, an `a`
    with fewer axes than `kernel_shape`.

Examples
--------
>>> import numpy as np
>>> import fastconv
>>> from fastconv import reference
>>> reference.pad_full(np.array([1, 2, 3]), (3,))
array([0, 0, 1, 2, 3, 0, 0])
>>> x, k = np.arange(12.0).reshape(3, 4), np.ones((2, 3))
>>> np.allclose(reference.correlate2d(reference.pad_full(x, k.shape), k, "valid"),
...             reference.correlate2d(x, k, "full"))
True
>>> np.array_equal(reference.pad_full(x, (2, 3), dilation=2), fastconv.pad_full(x, (2, 3), dilation=2))
True
""",
    "conv_forward": f"""\
Parameters
----------
x : array_like
    ``(N, C, *spatial)`` with 1, 2 or 3 spatial axes, real.
w : array_like
    ``(K, C // groups, *kernel)``, real.
bias : array_like, optional
    ``(K,)``.
{_P_CONV}

Returns
-------
numpy.ndarray
    float64, ``(N, K, *out)`` (see :func:`fastconv.conv_output_shape`).

{_R_CONV.format(extra=", a bias of the wrong shape")}

Examples
--------
>>> import numpy as np
>>> import fastconv
>>> from fastconv import reference
>>> x = np.arange(2 * 3 * 5 * 5, dtype=np.float64).reshape(2, 3, 5, 5)
>>> y = reference.conv_forward(x, np.ones((4, 3, 3, 3)), np.arange(4.0), padding=1)
>>> y[0, :, 0, 0]        # corner: 4 taps x 3 channels, + bias
array([336., 337., 338., 339.])
>>> rng = np.random.default_rng(0)
>>> x, w = rng.standard_normal((2, 4, 9, 8)), rng.standard_normal((6, 2, 3, 2))
>>> np.allclose(reference.conv_forward(x, w, stride=2, padding=(1, 0), dilation=(1, 2), groups=2),
...             fastconv.conv_forward(x, w, stride=2, padding=(1, 0), dilation=(1, 2), groups=2))
True
""",
    "conv_backward_input": f"""\
Parameters
----------
grad_out : array_like
    ``(N, K, *out)``: the gradient of the loss with respect to the forward output.
w : array_like
    ``(K, C // groups, *kernel)``.
input_shape : sequence of int
    ``(N, C, *spatial)``, the shape of the forward pass's ``x``.
{_P_CONV}

Returns
-------
numpy.ndarray
    float64 of `input_shape`.

{_R_CONV.format(extra=", a `grad_out` whose shape is not the forward output's")}

Examples
--------
>>> import numpy as np
>>> from fastconv import reference
>>> rng = np.random.default_rng(0)
>>> x, w = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3))
>>> g = rng.standard_normal(reference.conv_forward(x, w, stride=2).shape)
>>> gx = reference.conv_backward_input(g, w, x.shape, stride=2)
>>> d = rng.standard_normal(x.shape)          # <g, forward(d)> == <backward(g), d>: linear
>>> bool(np.isclose(np.sum(g * reference.conv_forward(d, w, stride=2)), np.sum(gx * d)))
True
""",
    "conv_backward_weight": f"""\
Parameters
----------
x : array_like
    ``(N, C, *spatial)``, the forward pass's input.
grad_out : array_like
    ``(N, K, *out)``: the gradient of the loss with respect to the forward output.
weight_shape : sequence of int
    ``(K, C // groups, *kernel)``, the shape of the forward pass's ``w``.
{_P_CONV}

Returns
-------
numpy.ndarray
    float64 of `weight_shape`.

{_R_CONV.format(extra=", a `grad_out` whose shape is not the forward output's")}

Examples
--------
>>> import numpy as np
>>> from fastconv import reference
>>> rng = np.random.default_rng(0)
>>> x, w = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3))
>>> g = rng.standard_normal(reference.conv_forward(x, w, padding=1).shape)
>>> gw = reference.conv_backward_weight(x, g, w.shape, padding=1)
>>> d = rng.standard_normal(w.shape)          # the forward is linear in w
>>> bool(np.isclose(np.sum(g * reference.conv_forward(x, d, padding=1)), np.sum(gw * d)))
True
""",
    "conv_backward_bias": """\
Parameters
----------
grad_out : array_like
    ``(N, K, *out)`` with 1 to 3 spatial axes, real.

Returns
-------
numpy.ndarray
    float64 ``(K,)``.

Raises
------
TypeError
    A complex or non-numeric dtype.
ValueError
    A `grad_out` that is not 3-D, 4-D or 5-D.

Examples
--------
>>> import numpy as np
>>> from fastconv import reference
>>> reference.conv_backward_bias(np.ones((2, 3, 4, 5)))
array([40., 40., 40.])
""",
    "ndimage_correlate": """\
Parameters
----------
input : array_like
    Real (computed in float64), any rank.
weights : array_like
    Real, non-empty, of the input's rank.
mode : {"reflect", "constant", "nearest", "mirror", "wrap", "grid-mirror", \
"grid-constant", "grid-wrap"}, default "reflect"
    The extension of the input past its edges, as in :func:`fastconv.ndimage.correlate`.
cval : float, default 0.0
    The value past the edges for "constant".
origin : int or sequence of int, default 0
    Shift per axis, in ``[-(w // 2), (w - 1) // 2]``.

Returns
-------
numpy.ndarray
    float64, of the input's shape.

Raises
------
TypeError
    A complex or non-numeric dtype; an `origin` that is not an int.
ValueError
    Weights empty or of another rank, a `mode` not listed, an `origin` of the wrong
    length or out of its range.

Examples
--------
>>> import numpy as np
>>> import scipy.ndimage
>>> from fastconv import reference
>>> a = np.random.default_rng(0).standard_normal((9, 8))
>>> w = np.random.default_rng(1).standard_normal((3, 4))
>>> all(np.allclose(reference.ndimage_correlate(a, w, m, 1.5, (1, -2)),
...                 scipy.ndimage.correlate(a, w, mode=m, cval=1.5, origin=(1, -2)))
...     for m in ("reflect", "constant", "nearest", "mirror", "wrap"))
True
""",
    "conv_transpose": f"""\
Parameters
----------
x : array_like
    ``(N, C_in, *spatial)`` with 1 to 3 spatial axes, real.
w : array_like
    ``(C_in, C_out // groups, *kernel)`` (PyTorch's layout of a transposed kernel).
bias : array_like, optional
    ``(C_out,)``, added to every output pixel of its channel.
{_P_TRANSPOSE}

Returns
-------
numpy.ndarray
    float64 ``(N, C_out, *out)`` with ``out = (in - 1) * stride - 2 * padding +
    dilation * (kernel - 1) + output_padding + 1``.

{_R_TRANSPOSE}

Examples
--------
>>> import numpy as np
>>> from fastconv import reference
>>> rng = np.random.default_rng(0)
>>> x, w = rng.standard_normal((2, 4, 5, 6)), rng.standard_normal((4, 3, 3, 3))
>>> y = reference.conv_transpose(x, w, stride=2, padding=1, output_padding=1)
>>> y.shape
(2, 3, 10, 12)
>>> # the adjoint of the convolution with the same w: <conv(v), x> == <v, conv_transpose(x)>
>>> v = rng.standard_normal(y.shape)
>>> cv = reference.conv_forward(v, w, stride=2, padding=((1, 0), (1, 0)))
>>> bool(np.isclose(np.sum(cv * x), np.sum(v * y)))
True
""",
    "conv_transpose_backward_input": f"""\
Parameters
----------
grad_out : array_like
    ``(N, C_out, *out)``: the gradient of the loss with respect to the output.
w : array_like
    ``(C_in, C_out // groups, *kernel)``.
input_shape : sequence of int
    ``(N, C_in, *spatial)``, the shape of the forward pass's ``x``.
{_P_TRANSPOSE}

Returns
-------
numpy.ndarray
    float64 of `input_shape`.

{_R_TRANSPOSE}

Examples
--------
>>> import numpy as np
>>> from fastconv import reference
>>> rng = np.random.default_rng(0)
>>> x, w = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 3, 3, 3))
>>> g = rng.standard_normal(reference.conv_transpose(x, w, stride=2).shape)
>>> gx = reference.conv_transpose_backward_input(g, w, x.shape, stride=2)
>>> d = rng.standard_normal(x.shape)           # conv_transpose is linear in x
>>> bool(np.isclose(np.sum(g * reference.conv_transpose(d, w, stride=2)), np.sum(gx * d)))
True
""",
    "conv_transpose_backward_weight": f"""\
Parameters
----------
x : array_like
    ``(N, C_in, *spatial)``, the forward pass's input.
grad_out : array_like
    ``(N, C_out, *out)``: the gradient of the loss with respect to the output.
weight_shape : sequence of int
    ``(C_in, C_out // groups, *kernel)``, the shape of the forward pass's ``w``.
{_P_TRANSPOSE}

Returns
-------
numpy.ndarray
    float64 of `weight_shape`.

{_R_TRANSPOSE}

Examples
--------
>>> import numpy as np
>>> from fastconv import reference
>>> rng = np.random.default_rng(0)
>>> x, w = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 3, 3, 3))
>>> g = rng.standard_normal(reference.conv_transpose(x, w, padding=1).shape)
>>> gw = reference.conv_transpose_backward_weight(x, g, w.shape, padding=1)
>>> d = rng.standard_normal(w.shape)           # conv_transpose is linear in w
>>> bool(np.isclose(np.sum(g * reference.conv_transpose(x, d, padding=1)), np.sum(gw * d)))
True
""",
}


def attach(namespace: Dict[str, Any]) -> None:
    """Append SECTIONS[name] to the docstring of every name of ``namespace["__all__"]``
    that has sections here.  A public name without them keeps its own docstring and does
    not break the import: tests/test_docs.py and the docs build (numpydoc's checks) fail
    on it instead."""
    for name in namespace["__all__"]:
        if name in SECTIONS:
            fn = namespace[name]
            fn.__doc__ = inspect.cleandoc(fn.__doc__ or "") + "\n\n" + SECTIONS[name]
