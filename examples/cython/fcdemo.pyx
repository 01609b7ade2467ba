# cython: language_level=3, boundscheck=False, wraparound=False
"""fastconv from Cython: ``cimport fastconv`` gives the C API, called under ``nogil``.

The functions below take float64 arrays (any buffer: NumPy arrays, memoryviews),
validate nothing beyond what the C library checks, and return NumPy arrays.  A
training loop written in Cython would call the fc_* functions the same way, on its
own buffers, without the GIL and without going through the Python API.
"""
from libc.stdint cimport int64_t

cimport fastconv
from fastconv cimport FC_OK, fc_conv_desc, fc_mode, fc_status

import numpy as np


cdef int _check(fc_status st) except -1:
    if st != FC_OK:
        raise ValueError("fastconv: " + fastconv.fc_status_message(st).decode())
    return 0


def version():
    """The version of the C library this extension is linked with."""
    return fastconv.fc_version().decode()


def isa():
    return fastconv.fc_isa().decode()


def conv2d_forward(const double[:, :, :, ::1] x, const double[:, :, :, ::1] w,
                   const double[::1] bias, stride=(1, 1), padding=(0, 0), int groups=1):
    """y = conv2d(x, w) + bias (PyTorch semantics); ``padding`` is symmetric per axis."""
    cdef fc_conv_desc d
    cdef int64_t out[3]
    cdef int i
    # the C API trusts the buffers to match the descriptor: check what it cannot see
    if w.shape[1] * groups != x.shape[1]:
        raise ValueError(f"w.shape[1] * groups must equal x.shape[1], got {w.shape[1]} * "
                         f"{groups} and {x.shape[1]}")
    if bias is not None and bias.shape[0] != w.shape[0]:
        raise ValueError(f"bias must have w.shape[0] = {w.shape[0]} elements, got {bias.shape[0]}")
    d.ndim = 2
    d.batch, d.in_channels, d.out_channels, d.groups = x.shape[0], x.shape[1], w.shape[0], groups
    d.flip = 0
    for i in range(3):
        d.input[i] = d.kernel[i] = d.stride[i] = d.dilation[i] = 1
        d.pad_low[i] = d.pad_high[i] = 0
    for i in range(2):
        d.input[i] = x.shape[2 + i]
        d.kernel[i] = w.shape[2 + i]
        d.stride[i] = stride[i]
        d.pad_low[i] = d.pad_high[i] = padding[i]
    _check(fastconv.fc_conv_output_shape(&d, out))
    y = np.empty((d.batch, d.out_channels, out[0], out[1]), dtype=np.float64)
    cdef double[:, :, :, ::1] yv = y
    cdef const double *b = &bias[0] if bias is not None else NULL
    cdef fc_status st
    with nogil:
        st = fastconv.fc_conv_forward_f64(&d, &x[0, 0, 0, 0], &w[0, 0, 0, 0], b,
                                          &yv[0, 0, 0, 0], 0)
    _check(st)
    return y


def correlate2d(const double[:, ::1] a, const double[:, ::1] k, str mode="full",
                str boundary="fill", double fillvalue=0.0):
    """scipy.signal.correlate2d(a, k, mode, boundary, fillvalue) on float64."""
    cdef fc_mode m = {"full": fastconv.FC_MODE_FULL, "same": fastconv.FC_MODE_SAME,
                      "valid": fastconv.FC_MODE_VALID}[mode]
    cdef fastconv.fc_boundary bnd = {"fill": fastconv.FC_BOUNDARY_FILL,
                                     "wrap": fastconv.FC_BOUNDARY_WRAP,
                                     "symm": fastconv.FC_BOUNDARY_SYMM}[boundary]
    cdef int64_t s1[2]
    cdef int64_t s2[2]
    cdef int64_t so[2]
    s1[0], s1[1] = a.shape[0], a.shape[1]
    s2[0], s2[1] = k.shape[0], k.shape[1]
    _check(fastconv.fc_correlate_output_shape(2, s1, s2, m, so))
    c = np.empty((so[0], so[1]), dtype=np.float64)
    cdef double[:, ::1] cv = c
    cdef fc_status st
    with nogil:
        st = fastconv.fc_correlate2d_f64(s1, &a[0, 0], s2, &k[0, 0], m, bnd, fillvalue,
                                         &cv[0, 0], 0)
    _check(st)
    return c
