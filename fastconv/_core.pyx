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
    """(ndim, N, C, K, groups, input, kernel, stride, dilation, pad_low, pad_high, flip[,
    algorithm]); the algorithm (0 auto, 1 direct, 2 winograd, 3 fft: fc_algorithm) is read by
    _algorithm."""
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


cdef int _algorithm(tuple d):
    """The tuple's algorithm (its 13th element; 0, auto, when absent): an argument of the
    *_ex entry points, not a field of fc_conv_desc."""
    return d[12] if len(d) > 12 else 0


cdef inline real* _ptr(real[::1] a) noexcept nogil:
    return &a[0] if a.shape[0] > 0 else NULL


cdef inline const real* _cptr(const real[::1] a) noexcept nogil:
    return &a[0] if a.shape[0] > 0 else NULL


cdef int _check_lengths(const fc_conv_desc *d, Py_ssize_t nx, Py_ssize_t nw, Py_ssize_t ny,
                        Py_ssize_t nb) except -1:
    """Buffers must match the descriptor (x, w, y = forward output, bias; -1: unused), so a
    direct call of this module cannot make the C library read or write out of bounds."""
    cdef int64_t out[3]
    _check(fc_conv_output_shape(d, out))
    cdef int64_t px = 1, pk = 1, po = 1
    cdef int i
    for i in range(d.ndim):
        px *= d.input[i]
        pk *= d.kernel[i]
        po *= out[i]
    cdef int64_t want[4]
    want[0] = d.batch * d.in_channels * px
    want[1] = d.out_channels * (d.in_channels // d.groups) * pk
    want[2] = d.batch * d.out_channels * po
    want[3] = d.out_channels
    cdef Py_ssize_t got[4]
    got[0], got[1], got[2], got[3] = nx, nw, ny, nb
    for i in range(4):
        if got[i] >= 0 and got[i] != want[i]:
            name = ("x", "w", "output", "bias")[i]
            raise ValueError(f"fastconv._core: {name} buffer has {got[i]} elements, the "
                             f"descriptor needs {want[i]}")
    return 0


def conv_output_shape(tuple desc):
    cdef fc_conv_desc d = _desc(desc)
    cdef int64_t out[3]
    with nogil:
        st = fc_conv_output_shape(&d, out)
    _check(st)
    return tuple(out[i] for i in range(d.ndim))


def conv_forward(tuple desc, const real[::1] x, const real[::1] w, const real[::1] bias, real[::1] y,
                 int nthreads):
    cdef fc_conv_desc d = _desc(desc)
    cdef int algo = _algorithm(desc)
    _check_lengths(&d, x.shape[0], w.shape[0], y.shape[0], bias.shape[0] if bias is not None else -1)
    cdef const real *b = _cptr(bias) if bias is not None else NULL
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_forward_ex_f32(&d, algo, _cptr(x), _cptr(w), b, _ptr(y), nthreads)
        else:
            st = fc_conv_forward_ex_f64(&d, algo, _cptr(x), _cptr(w), b, _ptr(y), nthreads)
    _check(st)


def conv_backward_input(tuple desc, const real[::1] grad_out, const real[::1] w, real[::1] grad_in,
                        int nthreads):
    cdef fc_conv_desc d = _desc(desc)
    cdef int algo = _algorithm(desc)
    _check_lengths(&d, grad_in.shape[0], w.shape[0], grad_out.shape[0], -1)
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_backward_input_ex_f32(&d, algo, _cptr(grad_out), _cptr(w), _ptr(grad_in), nthreads)
        else:
            st = fc_conv_backward_input_ex_f64(&d, algo, _cptr(grad_out), _cptr(w), _ptr(grad_in), nthreads)
    _check(st)


def conv_transpose(tuple desc, const real[::1] x, const real[::1] w, const real[::1] bias, real[::1] y,
                   int nthreads):
    """desc is the convolution being transposed: x has its output's shape, y its input's."""
    cdef fc_conv_desc d = _desc(desc)
    _check_lengths(&d, y.shape[0], w.shape[0], x.shape[0], -1)
    if bias is not None and bias.shape[0] != d.in_channels:
        raise ValueError(f"fastconv._core: bias buffer has {bias.shape[0]} elements, the "
                         f"descriptor needs {d.in_channels}")
    cdef const real *b = _cptr(bias) if bias is not None else NULL
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_transpose_f32(&d, _cptr(x), _cptr(w), b, _ptr(y), nthreads)
        else:
            st = fc_conv_transpose_f64(&d, _cptr(x), _cptr(w), b, _ptr(y), nthreads)
    _check(st)


def conv_backward_weight(tuple desc, const real[::1] x, const real[::1] grad_out, real[::1] grad_w,
                         int nthreads):
    cdef fc_conv_desc d = _desc(desc)
    cdef int algo = _algorithm(desc)
    _check_lengths(&d, x.shape[0], grad_w.shape[0], grad_out.shape[0], -1)
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_backward_weight_ex_f32(&d, algo, _cptr(x), _cptr(grad_out), _ptr(grad_w), nthreads)
        else:
            st = fc_conv_backward_weight_ex_f64(&d, algo, _cptr(x), _cptr(grad_out), _ptr(grad_w), nthreads)
    _check(st)


def conv_backward_bias(tuple desc, const real[::1] grad_out, real[::1] grad_b, int nthreads):
    cdef fc_conv_desc d = _desc(desc)
    _check_lengths(&d, -1, -1, grad_out.shape[0], grad_b.shape[0])
    cdef fc_status st
    with nogil:
        if real is float:
            st = fc_conv_backward_bias_f32(&d, _cptr(grad_out), _ptr(grad_b), nthreads)
        else:
            st = fc_conv_backward_bias_f64(&d, _cptr(grad_out), _ptr(grad_b), nthreads)
    _check(st)


_MODES = {"full": FC_MODE_FULL, "same": FC_MODE_SAME, "valid": FC_MODE_VALID}
_BOUNDARIES = {"fill": FC_BOUNDARY_FILL, "wrap": FC_BOUNDARY_WRAP, "symm": FC_BOUNDARY_SYMM}


def _prod(shape):
    cdef Py_ssize_t n = 1
    for v in shape:
        n *= v
    return n


def correlate_output_shape(tuple s1, tuple s2, str mode):
    cdef int nd = len(s1), i
    if not 1 <= nd <= 64 or len(s2) != nd:
        raise ValueError("fastconv._core.correlate_output_shape: shapes must have 1 to 64 equal-length entries")
    cdef int64_t a[64]
    cdef int64_t b[64]
    cdef int64_t o[64]
    for i in range(nd):
        a[i] = s1[i]
        b[i] = s2[i]
    _check(fc_correlate_output_shape(nd, a, b, _MODES[mode], o))
    return tuple(o[i] for i in range(nd))


def correlate(tuple s1, const real[::1] in1, tuple s2, const real[::1] in2, str mode, str boundary,
              double fillvalue, bint flip, bint two_d, real[::1] out, int nthreads, int method=1):
    """correlate/convolve (two_d False) or correlate2d/convolve2d (two_d True); method
    0 auto, 1 direct, 2 fft (fc_method)."""
    cdef int nd = len(s1), i
    cdef int64_t a[3]
    cdef int64_t b[3]
    cdef fc_mode m = _MODES[mode]
    cdef fc_boundary bd = _BOUNDARIES[boundary]
    cdef fc_status st
    if not 1 <= nd <= 3 or len(s2) != nd:
        raise ValueError("fastconv._core.correlate: shapes must have 1 to 3 equal-length entries")
    cdef int64_t o[3]
    cdef Py_ssize_t n1 = 1, n2 = 1, no = 1
    for i in range(nd):
        a[i] = s1[i]
        b[i] = s2[i]
        n1 *= a[i]
        n2 *= b[i]
    _check(fc_correlate_output_shape(nd, a, b, m, o))
    for i in range(nd):
        no *= o[i]
    if in1.shape[0] != n1 or in2.shape[0] != n2 or out.shape[0] != no:
        raise ValueError("fastconv._core.correlate: buffer lengths do not match the shapes")
    cdef fc_single_fn fn = (FC_FN_CONVOLVE2D if flip else FC_FN_CORRELATE2D) if two_d else \
        (FC_FN_CONVOLVE if flip else FC_FN_CORRELATE)
    cdef fc_method me = <fc_method>method
    with nogil:
        if real is float:
            st = fc_single_f32(fn, nd, a, _cptr(in1), b, _cptr(in2), m, bd, <float>fillvalue, me, _ptr(out),
                               nthreads)
        else:
            st = fc_single_f64(fn, nd, a, _cptr(in1), b, _cptr(in2), m, bd, fillvalue, me, _ptr(out), nthreads)
    _check(st)


# scipy.ndimage's mode names; for filters its grid-* names mean the same as the plain ones
NDIMAGE_MODES = {"reflect": FC_BOUNDARY_SYMM, "grid-mirror": FC_BOUNDARY_SYMM,
                 "constant": FC_BOUNDARY_FILL, "grid-constant": FC_BOUNDARY_FILL,
                 "nearest": FC_BOUNDARY_NEAREST, "mirror": FC_BOUNDARY_MIRROR,
                 "wrap": FC_BOUNDARY_WRAP, "grid-wrap": FC_BOUNDARY_WRAP}


cdef int _view3(object a, object dtype, int64_t *shape, int64_t *strides, size_t *addr) except -1:
    """Shape, element strides and address of a 3-D ndarray of the given dtype."""
    if a.ndim != 3 or a.dtype != dtype:
        raise ValueError("fastconv._core: expected a 3-D array of the computation dtype")
    cdef int i
    cdef Py_ssize_t item = a.itemsize
    for i in range(3):
        shape[i] = a.shape[i]
        if a.strides[i] % item:
            raise ValueError("fastconv._core: strides must be multiples of the item size")
        strides[i] = a.strides[i] // item
    addr[0] = a.__array_interface__["data"][0]
    return 0


def ndimage_line(object a, object out, object w, int64_t size, int64_t pad_low, int boundary,
                 double fill, int nthreads):
    """correlate1d (w: 1-D contiguous weights of a's dtype) or uniform_filter1d (w None, `size`
    taps) along axis 1 of the 3-D arrays a -> out (same shape and dtype, not overlapping)."""
    cdef int64_t sh[3], ish[3], ist[3], ost[3]
    cdef size_t ia, oa, wa = 0
    cdef int i
    cdef bint f32 = a.dtype.char == "f"
    if a.dtype.char not in "fd":
        raise ValueError("fastconv._core.ndimage_line: float32 or float64 only")
    _view3(a, a.dtype, ish, ist, &ia)
    _view3(out, a.dtype, sh, ost, &oa)
    if not out.flags.writeable:
        raise ValueError("fastconv._core.ndimage_line: out is read-only")
    for i in range(3):
        if sh[i] != ish[i]:
            raise ValueError("fastconv._core.ndimage_line: a and out shapes differ")
    cdef int64_t nw = size
    if w is not None:
        if w.ndim != 1 or w.dtype != a.dtype or not w.flags.c_contiguous:
            raise ValueError("fastconv._core.ndimage_line: w must be 1-D contiguous of a's dtype")
        nw = w.shape[0]
        wa = w.__array_interface__["data"][0]
    cdef fc_status st
    cdef fc_boundary bd = <fc_boundary>boundary
    with nogil:
        if f32 and w is not None:
            st = fc_correlate1d_f32(ish, <const float *>ia, ist, <const float *>wa, nw, pad_low, bd,
                                    <float>fill, <float *>oa, ost, nthreads)
        elif f32:
            st = fc_uniform1d_f32(ish, <const float *>ia, ist, nw, pad_low, bd, fill,
                                  <float *>oa, ost, nthreads)
        elif w is not None:
            st = fc_correlate1d_f64(ish, <const double *>ia, ist, <const double *>wa, nw, pad_low, bd,
                                    fill, <double *>oa, ost, nthreads)
        else:
            st = fc_uniform1d_f64(ish, <const double *>ia, ist, nw, pad_low, bd, fill,
                                  <double *>oa, ost, nthreads)
    _check(st)


def ndimage_sep2d(object a, object out, bint col_first, object w0, int64_t pad0, int b0,
                  object w1, int64_t pad1, int b1, double fill, int nthreads):
    """correlate1d along axis 1 (w0) and axis 2 (w1) of the 3-D arrays a -> out, fused;
    rows (axis 2) contiguous in both, same dtype, not overlapping."""
    cdef int64_t sh[3], ish[3], ist[3], ost[3]
    cdef size_t ia, oa, wa0, wa1
    cdef int i
    if a.dtype.char not in "fd":
        raise ValueError("fastconv._core.ndimage_sep2d: float32 or float64 only")
    cdef bint f32 = a.dtype.char == "f"
    _view3(a, a.dtype, ish, ist, &ia)
    _view3(out, a.dtype, sh, ost, &oa)
    if not out.flags.writeable:
        raise ValueError("fastconv._core.ndimage_sep2d: out is read-only")
    for i in range(3):
        if sh[i] != ish[i]:
            raise ValueError("fastconv._core.ndimage_sep2d: a and out shapes differ")
    for w in (w0, w1):
        if w.ndim != 1 or w.dtype != a.dtype or not w.flags.c_contiguous or w.shape[0] < 1:
            raise ValueError("fastconv._core.ndimage_sep2d: weights must be 1-D contiguous of a's dtype")
    cdef int64_t k0 = w0.shape[0], k1 = w1.shape[0]
    wa0 = w0.__array_interface__["data"][0]
    wa1 = w1.__array_interface__["data"][0]
    cdef fc_status st
    cdef fc_boundary bd0 = <fc_boundary>b0, bd1 = <fc_boundary>b1
    with nogil:
        if f32:
            st = fc_correlate_sep2d_f32(ish, <const float *>ia, ist, col_first, <const float *>wa0, k0,
                                        pad0, bd0, <const float *>wa1, k1, pad1, bd1, <float>fill,
                                        <float *>oa, ost, nthreads)
        else:
            st = fc_correlate_sep2d_f64(ish, <const double *>ia, ist, col_first, <const double *>wa0, k0,
                                        pad0, bd0, <const double *>wa1, k1, pad1, bd1, fill,
                                        <double *>oa, ost, nthreads)
    _check(st)


def ndimage_uniform2d(object a, object out, int64_t k0, int64_t pad0, int b0, int64_t k1,
                      int64_t pad1, int b1, double fill, int nthreads):
    """uniform_filter1d along axis 1 (k0 taps) then axis 2 (k1) of the 3-D arrays a -> out,
    fused; rows (axis 2) contiguous in both, same dtype, not overlapping."""
    cdef int64_t sh[3], ish[3], ist[3], ost[3]
    cdef size_t ia, oa
    cdef int i
    if a.dtype.char not in "fd":
        raise ValueError("fastconv._core.ndimage_uniform2d: float32 or float64 only")
    cdef bint f32 = a.dtype.char == "f"
    _view3(a, a.dtype, ish, ist, &ia)
    _view3(out, a.dtype, sh, ost, &oa)
    if not out.flags.writeable:
        raise ValueError("fastconv._core.ndimage_uniform2d: out is read-only")
    for i in range(3):
        if sh[i] != ish[i]:
            raise ValueError("fastconv._core.ndimage_uniform2d: a and out shapes differ")
    cdef fc_status st
    cdef fc_boundary bd0 = <fc_boundary>b0, bd1 = <fc_boundary>b1
    with nogil:
        if f32:
            st = fc_uniform_sep2d_f32(ish, <const float *>ia, ist, k0, pad0, bd0, k1, pad1, bd1,
                                      fill, <float *>oa, ost, nthreads)
        else:
            st = fc_uniform_sep2d_f64(ish, <const double *>ia, ist, k0, pad0, bd0, k1, pad1, bd1,
                                      fill, <double *>oa, ost, nthreads)
    _check(st)


def ndimage_correlate(const real[::1] x, tuple shape, int64_t batch, const real[::1] w, tuple wshape,
                      tuple pad_low, int boundary, double fill, real[::1] out, int nthreads, int method=1):
    """scipy.ndimage.correlate of `batch` contiguous images of `shape` (1 to 3 axes);
    method 0 auto, 1 direct, 2 fft."""
    cdef int nd = len(shape), i
    cdef int64_t s[3]
    cdef int64_t k[3]
    cdef int64_t lo[3]
    cdef Py_ssize_t n = batch, nk = 1
    if not 1 <= nd <= 3 or len(wshape) != nd or len(pad_low) != nd:
        raise ValueError("fastconv._core.ndimage_correlate: 1 to 3 axes, one weight size and pad each")
    for i in range(nd):
        s[i] = shape[i]
        k[i] = wshape[i]
        lo[i] = pad_low[i]
        n *= s[i]
        nk *= k[i]
    if x.shape[0] != n or out.shape[0] != n or w.shape[0] != nk:
        raise ValueError("fastconv._core.ndimage_correlate: buffer lengths do not match the shapes")
    cdef fc_status st
    cdef fc_boundary bd = <fc_boundary>boundary
    with nogil:
        if real is float:
            st = fc_correlate_nd_method_f32(nd, batch, s, _cptr(x), k, _cptr(w), lo, bd, <float>fill,
                                            <fc_method>method, _ptr(out), nthreads)
        else:
            st = fc_correlate_nd_method_f64(nd, batch, s, _cptr(x), k, _cptr(w), lo, bd, fill,
                                            <fc_method>method, _ptr(out), nthreads)
    _check(st)


def rot180(size_t src_address, tuple shape, tuple strides, uint64_t mask, size_t itemsize,
           unsigned char[::1] dst):
    """Rotate the array at src_address (read through byte strides) into dst."""
    cdef int nd = len(shape), i
    cdef int64_t sh[64]
    cdef int64_t st_[64]
    cdef fc_status st
    if nd > 64 or len(strides) != nd:
        raise ValueError("fastconv._core.rot180: at most 64 dimensions, one stride per axis")
    for i in range(nd):
        sh[i] = shape[i]
        st_[i] = strides[i]
    if dst.shape[0] != _prod(shape) * itemsize:
        raise ValueError("fastconv._core.rot180: dst length does not match the shape")
    with nogil:
        st = fc_rot180(nd, sh, st_, mask, itemsize, <const void *>src_address,
                       <void *>&dst[0] if dst.shape[0] > 0 else NULL)
    _check(st)


def pad(const unsigned char[::1] src, tuple shape, tuple low, tuple high, size_t itemsize,
        unsigned char[::1] dst):
    cdef int nd = len(shape), i
    cdef int64_t sh[64]
    cdef int64_t lo[64]
    cdef int64_t hi[64]
    cdef fc_status st
    if nd > 64:
        raise ValueError("fastconv._core.pad: at most 64 dimensions")
    for i in range(nd):
        sh[i] = shape[i]
        lo[i] = low[i]
        hi[i] = high[i]
    if src.shape[0] != _prod(shape) * itemsize or \
            dst.shape[0] != _prod([s + l + h for s, l, h in zip(shape, low, high)]) * itemsize:
        raise ValueError("fastconv._core.pad: buffer lengths do not match the shapes")
    with nogil:
        st = fc_pad(nd, sh, lo, hi, itemsize, <const void *>&src[0] if src.shape[0] > 0 else NULL,
                    <void *>&dst[0] if dst.shape[0] > 0 else NULL)
    _check(st)


def align_offset(unsigned char[::1] buf, size_t alignment):
    """Bytes from the start of buf to its first address that is a multiple of alignment
    (buf must be at least alignment bytes long); cheaper than numpy's ctypes.data."""
    return (alignment - (<size_t>&buf[0]) % alignment) % alignment


def describe_ndimage(int op, tuple s, tuple si, tuple so, int64_t k0, int64_t k1, bint col_first,
                     bint float32, int nthreads):
    """The plan of an ndimage pass (fc_ndimage_describe; shape and element strides as
    tuples of 3) as "key=value" text."""
    cdef int64_t a[3], b[3], c[3]
    cdef char buf[512]
    for i in range(3):
        a[i], b[i], c[i] = s[i], si[i], so[i]
    return _plan_text(buf, fc_ndimage_describe(<fc_ndimage_op>op, a, b, c, k0, k1, col_first,
                                               FC_FLOAT32 if float32 else FC_FLOAT64, nthreads, buf, 512))


_OPS = {"conv_forward": FC_OP_FORWARD, "conv_backward_input": FC_OP_BACKWARD_INPUT,
        "conv_transpose": FC_OP_BACKWARD_INPUT, "conv_transpose_backward_input": FC_OP_FORWARD,
        "conv_transpose_backward_weight": FC_OP_BACKWARD_WEIGHT,
        "conv_backward_weight": FC_OP_BACKWARD_WEIGHT, "conv_backward_bias": FC_OP_BACKWARD_BIAS}


cdef str _plan_text(char *buf, fc_status st):
    _check(st)
    return buf.decode()


def describe_conv(str fn, tuple desc, bint float32, bint has_bias, int nthreads):
    """The plan fc_conv_<fn> would run for these arguments, as "key=value" text."""
    cdef fc_conv_desc d = _desc(desc)
    cdef int algo = _algorithm(desc)
    cdef char buf[2048]
    cdef fc_op op = _OPS[fn]
    cdef fc_status st
    with nogil:
        st = fc_conv_describe_ex(op, &d, algo, FC_FLOAT32 if float32 else FC_FLOAT64, has_bias, nthreads,
                                 buf, 2048)
    return _plan_text(buf, st)


def describe_correlate(tuple s1, tuple s2, str mode, str boundary, bint flip, bint two_d, bint float32,
                       int nthreads, int method=1):
    """The plan of correlate (two_d False) or correlate2d (two_d True), or of the
    convolutions (flip), as "key=value" text."""
    cdef int nd = len(s1), i
    cdef int64_t a[3]
    cdef int64_t b[3]
    cdef char buf[2048]
    cdef fc_status st
    cdef fc_single_fn fn = (FC_FN_CONVOLVE2D if flip else FC_FN_CORRELATE2D) if two_d else \
        (FC_FN_CONVOLVE if flip else FC_FN_CORRELATE)
    if not 1 <= nd <= 3 or len(s2) != nd:
        raise ValueError("fastconv._core.describe_correlate: shapes must have 1 to 3 equal-length entries")
    for i in range(nd):
        a[i] = s1[i]
        b[i] = s2[i]
    cdef fc_mode m = _MODES[mode]
    cdef fc_boundary bd = _BOUNDARIES[boundary]
    with nogil:
        st = fc_single_describe(fn, nd, a, b, m, bd, FC_FLOAT32 if float32 else FC_FLOAT64,
                                <fc_method>method, nthreads, buf, 2048)
    return _plan_text(buf, st)


def plan_force(str spec):
    """Force plan decisions (tests only): "key=value,..." or "" to clear."""
    _check(fc_plan_force(spec.encode()))


def set_num_threads(int n):
    _check(fc_set_num_threads(n))


def get_num_threads():
    return fc_get_num_threads()


def release_workspace():
    with nogil:
        fc_release_workspace()


def set_isa(str name):
    _check(fc_set_isa(name.encode()))


def kernel_tiles(str isa, dtype):
    """Register tiles of one compiled ISA's kernels for float32 or float64 (private: the
    tests read their tile sizes from here), as {name: int} in fc_kernel_tiles' order,
    e.g. kernel_tiles("avx2", "float32")["nr"] == 24."""
    import numpy as np
    cdef char buf[320]
    cdef fc_status st
    cdef int elem
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise ValueError(f"fastconv._core.kernel_tiles: dtype must be float32 or float64, got {dt}")
    elem = dt.itemsize
    compiled = fc_isa_compiled().decode().split(",")
    if isa not in compiled:
        raise ValueError(f"fastconv._core.kernel_tiles: isa must be one of {compiled} (compiled "
                         f"into this build), got {isa!r}")
    cdef bytes isa_b = isa.encode()
    cdef const char *isa_c = isa_b
    with nogil:
        st = fc_kernel_tiles(isa_c, elem, buf, sizeof(buf))
    _check(st)
    return {k: int(v) for k, v in (f.split("=") for f in buf.decode().split())}


def config():
    return {
        "version": fc_version().decode(),
        "isa": fc_isa().decode(),
        "isa_compiled": fc_isa_compiled().decode().split(","),
        "isa_supported": fc_isa_supported().decode().split(","),
        "openmp": bool(fc_has_openmp()),
        "num_threads": fc_get_num_threads(),
        "compiler": fc_compiler().decode(),
        "tuning": _tuning(),
    }


cdef dict _tuning():
    cdef char buf[4096]
    _check(fc_tuning_describe(buf, 4096))
    out = {}
    for item in buf.decode().split():
        k, _, v = item.partition("=")
        out[k] = float(v) if "." in v or "e" in v else int(v)
    return out


def _fft(bint inverse, tuple shape, const real[::1] src, real[::1] dst, int nthreads):
    """Private (tests, benchmarks): fc_rfftn / fc_irfftn over the whole C-contiguous array.
    Real side: prod(shape) elements; spectrum: interleaved complex, shape[:-1] x (n//2+1)."""
    cdef int nd = len(shape), i
    cdef int64_t s[3]
    if nd < 1 or nd > 3:
        raise ValueError("fastconv._core: 1 to 3 axes")
    cdef Py_ssize_t nreal = 1, nspec = 2
    for i in range(nd):
        s[i] = shape[i]
        nreal *= s[i]
        nspec *= s[i] if i < nd - 1 else s[i] // 2 + 1
    if src.shape[0] != (nspec if inverse else nreal) or dst.shape[0] != (nreal if inverse else nspec):
        raise ValueError("fastconv._core: buffer lengths do not match the shape")
    cdef fc_status st
    with nogil:
        if real is float:
            if inverse:
                st = fc_irfftn_f32(nd, s, _cptr(src), _ptr(dst), nthreads)
            else:
                st = fc_rfftn_f32(nd, s, _cptr(src), _ptr(dst), nthreads)
        else:
            if inverse:
                st = fc_irfftn_f64(nd, s, _cptr(src), _ptr(dst), nthreads)
            else:
                st = fc_rfftn_f64(nd, s, _cptr(src), _ptr(dst), nthreads)
    _check(st)

