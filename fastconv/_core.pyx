# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Thin binding of the C library: typed memoryviews in, one C call under ``nogil`` out.

Every argument has been validated, converted and allocated by :mod:`fastconv._api`
before it gets here; this module only unpacks pointers and turns a status into an
exception (:func:`_check`).  Arrays arrive flattened (C-contiguous, 1-D views).
"""
from libc.stdint cimport int64_t, uint64_t
from fastconv.cfastconv cimport *

ctypedef fused real:
    float
    double


cdef int _check(fc_status st) except -1:
    """The one mapping from a C status to a Python exception."""
    if st == FC_OK:
        return 0
    msg = fc_status_message(st).decode()
    if st == FC_ENOMEM:
        raise MemoryError(f"fastconv: {msg}")
    if st == FC_EUNSUPPORTED:
        raise ValueError(f"fastconv: {msg}")
    raise ValueError(f"fastconv: C library rejected the arguments ({msg})")


cdef fc_conv_desc _desc(tuple d) except *:
    """(ndim, N, C, K, groups, input, kernel, stride, dilation, pad_low, pad_high, flip)."""
    cdef fc_conv_desc c
    cdef int i
    c.ndim = d[0]
    c.batch, c.in_channels, c.out_channels, c.groups = d[1], d[2], d[3], d[4]
    for i in range(3):
        c.input[i] = c.kernel[i] = c.stride[i] = c.dilation[i] = 1
        c.pad_low[i] = c.pad_high[i] = 0
    for i in range(c.ndim):
        c.input[i] = d[5][i]
        c.kernel[i] = d[6][i]
        c.stride[i] = d[7][i]
        c.dilation[i] = d[8][i]
        c.pad_low[i] = d[9][i]
        c.pad_high[i] = d[10][i]
    c.flip = 1 if d[11] else 0
    return c


cdef inline real* _ptr(real[::1] a) noexcept nogil:
    return &a[0] if a.shape[0] > 0 else NULL


def conv_output_shape(tuple desc):
    cdef fc_conv_desc d = _desc(desc)
    cdef int64_t out[3]
    with nogil:
        st = fc_conv_output_shape(&d, out)
    _check(st)
    return tuple(out[i] for i in range(d.ndim))


def conv_forward(tuple desc, real[::1] x, real[::1] w, real[::1] bias, real[::1] y, int nthreads):
    cdef fc_conv_desc d = _desc(desc)
    cdef real *b = _ptr(bias) if bias is not None else NULL
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_forward_f32(&d, _ptr(x), _ptr(w), b, _ptr(y), nthreads)
        else:
            st = fc_conv_forward_f64(&d, _ptr(x), _ptr(w), b, _ptr(y), nthreads)
    _check(st)


def conv_backward_input(tuple desc, real[::1] grad_out, real[::1] w, real[::1] grad_in, int nthreads):
    cdef fc_conv_desc d = _desc(desc)
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_backward_input_f32(&d, _ptr(grad_out), _ptr(w), _ptr(grad_in), nthreads)
        else:
            st = fc_conv_backward_input_f64(&d, _ptr(grad_out), _ptr(w), _ptr(grad_in), nthreads)
    _check(st)


def conv_backward_weight(tuple desc, real[::1] x, real[::1] grad_out, real[::1] grad_w, int nthreads):
    cdef fc_conv_desc d = _desc(desc)
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_backward_weight_f32(&d, _ptr(x), _ptr(grad_out), _ptr(grad_w), nthreads)
        else:
            st = fc_conv_backward_weight_f64(&d, _ptr(x), _ptr(grad_out), _ptr(grad_w), nthreads)
    _check(st)


def conv_backward_bias(tuple desc, real[::1] grad_out, real[::1] grad_b, int nthreads):
    cdef fc_conv_desc d = _desc(desc)
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_backward_bias_f32(&d, _ptr(grad_out), _ptr(grad_b), nthreads)
        else:
            st = fc_conv_backward_bias_f64(&d, _ptr(grad_out), _ptr(grad_b), nthreads)
    _check(st)


_MODES = {"full": FC_MODE_FULL, "same": FC_MODE_SAME, "valid": FC_MODE_VALID}
_BOUNDARIES = {"fill": FC_BOUNDARY_FILL, "wrap": FC_BOUNDARY_WRAP, "symm": FC_BOUNDARY_SYMM}


def correlate_output_shape(tuple s1, tuple s2, str mode):
    cdef int nd = len(s1), i
    cdef int64_t a[64]
    cdef int64_t b[64]
    cdef int64_t o[64]
    for i in range(nd):
        a[i] = s1[i]
        b[i] = s2[i]
    _check(fc_correlate_output_shape(nd, a, b, _MODES[mode], o))
    return tuple(o[i] for i in range(nd))


def correlate(tuple s1, real[::1] in1, tuple s2, real[::1] in2, str mode, str boundary,
              double fillvalue, bint flip, bint two_d, real[::1] out, int nthreads):
    """correlate/convolve (two_d False) or correlate2d/convolve2d (two_d True)."""
    cdef int nd = len(s1), i
    cdef int64_t a[3]
    cdef int64_t b[3]
    cdef fc_mode m = _MODES[mode]
    cdef fc_boundary bd = _BOUNDARIES[boundary]
    cdef fc_status st
    for i in range(nd):
        a[i] = s1[i]
        b[i] = s2[i]
    with nogil:
        if real is float:
            if two_d and flip:
                st = fc_convolve2d_f32(a, _ptr(in1), b, _ptr(in2), m, bd, <float>fillvalue, _ptr(out), nthreads)
            elif two_d:
                st = fc_correlate2d_f32(a, _ptr(in1), b, _ptr(in2), m, bd, <float>fillvalue, _ptr(out), nthreads)
            elif flip:
                st = fc_convolve_f32(nd, a, _ptr(in1), b, _ptr(in2), m, _ptr(out), nthreads)
            else:
                st = fc_correlate_f32(nd, a, _ptr(in1), b, _ptr(in2), m, _ptr(out), nthreads)
        else:
            if two_d and flip:
                st = fc_convolve2d_f64(a, _ptr(in1), b, _ptr(in2), m, bd, fillvalue, _ptr(out), nthreads)
            elif two_d:
                st = fc_correlate2d_f64(a, _ptr(in1), b, _ptr(in2), m, bd, fillvalue, _ptr(out), nthreads)
            elif flip:
                st = fc_convolve_f64(nd, a, _ptr(in1), b, _ptr(in2), m, _ptr(out), nthreads)
            else:
                st = fc_correlate_f64(nd, a, _ptr(in1), b, _ptr(in2), m, _ptr(out), nthreads)
    _check(st)


def rot180(size_t src_address, tuple shape, tuple strides, uint64_t mask, size_t itemsize,
           unsigned char[::1] dst):
    """Rotate the array at src_address (read through byte strides) into dst."""
    cdef int nd = len(shape), i
    cdef int64_t sh[64]
    cdef int64_t st_[64]
    cdef fc_status st
    for i in range(nd):
        sh[i] = shape[i]
        st_[i] = strides[i]
    with nogil:
        st = fc_rot180(nd, sh, st_, mask, itemsize, <const void *>src_address,
                       <void *>&dst[0] if dst.shape[0] > 0 else NULL)
    _check(st)


def pad(unsigned char[::1] src, tuple shape, tuple low, tuple high, size_t itemsize,
        unsigned char[::1] dst):
    cdef int nd = len(shape), i
    cdef int64_t sh[64]
    cdef int64_t lo[64]
    cdef int64_t hi[64]
    cdef fc_status st
    for i in range(nd):
        sh[i] = shape[i]
        lo[i] = low[i]
        hi[i] = high[i]
    with nogil:
        st = fc_pad(nd, sh, lo, hi, itemsize, <const void *>&src[0] if src.shape[0] > 0 else NULL,
                    <void *>&dst[0] if dst.shape[0] > 0 else NULL)
    _check(st)


def set_num_threads(int n):
    _check(fc_set_num_threads(n))


def get_num_threads():
    return fc_get_num_threads()


def set_isa(str name):
    _check(fc_set_isa(name.encode()))


def config():
    return {
        "version": fc_version().decode(),
        "isa": fc_isa().decode(),
        "isa_compiled": fc_isa_compiled().decode().split(","),
        "isa_supported": fc_isa_supported().decode().split(","),
        "openmp": bool(fc_has_openmp()),
        "num_threads": fc_get_num_threads(),
        "compiler": fc_compiler().decode(),
    }
