# Cython declarations of the C API (src/include/fastconv.h): the one place they live.
from libc.stdint cimport int64_t, uint64_t

cdef extern from "fastconv.h" nogil:
    ctypedef enum fc_status:
        FC_OK
        FC_EINVAL
        FC_ENOMEM
        FC_EOVERFLOW
        FC_EUNSUPPORTED

    ctypedef enum fc_mode:
        FC_MODE_FULL
        FC_MODE_SAME
        FC_MODE_VALID

    ctypedef enum fc_boundary:
        FC_BOUNDARY_FILL
        FC_BOUNDARY_WRAP
        FC_BOUNDARY_SYMM
        FC_BOUNDARY_NEAREST
        FC_BOUNDARY_MIRROR

    ctypedef struct fc_conv_desc:
        int ndim
        int64_t batch, in_channels, out_channels, groups
        int64_t input[3]
        int64_t kernel[3]
        int64_t stride[3]
        int64_t dilation[3]
        int64_t pad_low[3]
        int64_t pad_high[3]
        int flip

    fc_status fc_conv_output_shape(const fc_conv_desc *d, int64_t *out)
    fc_status fc_conv_forward_f32(const fc_conv_desc *d, const float *x, const float *w,
                                  const float *bias, float *y, int num_threads)
    fc_status fc_conv_forward_f64(const fc_conv_desc *d, const double *x, const double *w,
                                  const double *bias, double *y, int num_threads)
    fc_status fc_conv_backward_input_f32(const fc_conv_desc *d, const float *grad_out,
                                         const float *w, float *grad_in, int num_threads)
    fc_status fc_conv_backward_input_f64(const fc_conv_desc *d, const double *grad_out,
                                         const double *w, double *grad_in, int num_threads)
    fc_status fc_conv_backward_weight_f32(const fc_conv_desc *d, const float *x,
                                          const float *grad_out, float *grad_w, int num_threads)
    fc_status fc_conv_backward_weight_f64(const fc_conv_desc *d, const double *x,
                                          const double *grad_out, double *grad_w, int num_threads)
    fc_status fc_conv_forward_ex_f32(const fc_conv_desc *d, int algorithm, const float *x,
                                     const float *w, const float *bias, float *y, int num_threads)
    fc_status fc_conv_forward_ex_f64(const fc_conv_desc *d, int algorithm, const double *x,
                                     const double *w, const double *bias, double *y, int num_threads)
    fc_status fc_conv_backward_input_ex_f32(const fc_conv_desc *d, int algorithm, const float *grad_out,
                                            const float *w, float *grad_in, int num_threads)
    fc_status fc_conv_backward_input_ex_f64(const fc_conv_desc *d, int algorithm, const double *grad_out,
                                            const double *w, double *grad_in, int num_threads)
    fc_status fc_conv_backward_weight_ex_f32(const fc_conv_desc *d, int algorithm, const float *x,
                                             const float *grad_out, float *grad_w, int num_threads)
    fc_status fc_conv_backward_weight_ex_f64(const fc_conv_desc *d, int algorithm, const double *x,
                                             const double *grad_out, double *grad_w, int num_threads)
    fc_status fc_conv_transpose_f32(const fc_conv_desc *d, const float *x, const float *w,
                                    const float *bias, float *y, int num_threads)
    fc_status fc_conv_transpose_f64(const fc_conv_desc *d, const double *x, const double *w,
                                    const double *bias, double *y, int num_threads)
    fc_status fc_conv_backward_bias_f32(const fc_conv_desc *d, const float *grad_out,
                                        float *grad_bias, int num_threads)
    fc_status fc_conv_backward_bias_f64(const fc_conv_desc *d, const double *grad_out,
                                        double *grad_bias, int num_threads)

    fc_status fc_correlate_output_shape(int ndim, const int64_t *in1_shape, const int64_t *in2_shape,
                                        fc_mode mode, int64_t *out_shape)
    fc_status fc_correlate_f32(int ndim, const int64_t *in1_shape, const float *in1,
                               const int64_t *in2_shape, const float *in2, fc_mode mode,
                               float *out, int num_threads)
    fc_status fc_correlate_f64(int ndim, const int64_t *in1_shape, const double *in1,
                               const int64_t *in2_shape, const double *in2, fc_mode mode,
                               double *out, int num_threads)
    fc_status fc_convolve_f32(int ndim, const int64_t *in1_shape, const float *in1,
                              const int64_t *in2_shape, const float *in2, fc_mode mode,
                              float *out, int num_threads)
    fc_status fc_convolve_f64(int ndim, const int64_t *in1_shape, const double *in1,
                              const int64_t *in2_shape, const double *in2, fc_mode mode,
                              double *out, int num_threads)
    fc_status fc_correlate2d_f32(const int64_t *in1_shape, const float *in1,
                                 const int64_t *in2_shape, const float *in2, fc_mode mode,
                                 fc_boundary boundary, float fillvalue, float *out, int num_threads)
    fc_status fc_correlate2d_f64(const int64_t *in1_shape, const double *in1,
                                 const int64_t *in2_shape, const double *in2, fc_mode mode,
                                 fc_boundary boundary, double fillvalue, double *out, int num_threads)
    fc_status fc_convolve2d_f32(const int64_t *in1_shape, const float *in1,
                                const int64_t *in2_shape, const float *in2, fc_mode mode,
                                fc_boundary boundary, float fillvalue, float *out, int num_threads)
    fc_status fc_convolve2d_f64(const int64_t *in1_shape, const double *in1,
                                const int64_t *in2_shape, const double *in2, fc_mode mode,
                                fc_boundary boundary, double fillvalue, double *out, int num_threads)

    fc_status fc_correlate_nd_f32(int ndim, int64_t batch, const int64_t *in_shape, const float *inp,
                                  const int64_t *w_shape, const float *w, const int64_t *pad_low,
                                  fc_boundary boundary, float fill, float *out, int num_threads)
    fc_status fc_correlate_nd_f64(int ndim, int64_t batch, const int64_t *in_shape, const double *inp,
                                  const int64_t *w_shape, const double *w, const int64_t *pad_low,
                                  fc_boundary boundary, double fill, double *out, int num_threads)
    fc_status fc_correlate1d_f32(const int64_t *shape, const float *inp, const int64_t *in_strides,
                                 const float *w, int64_t nw, int64_t pad_low, fc_boundary boundary,
                                 float fill, float *out, const int64_t *out_strides, int num_threads)
    fc_status fc_correlate1d_f64(const int64_t *shape, const double *inp, const int64_t *in_strides,
                                 const double *w, int64_t nw, int64_t pad_low, fc_boundary boundary,
                                 double fill, double *out, const int64_t *out_strides, int num_threads)
    fc_status fc_correlate_sep2d_f32(const int64_t *shape, const float *inp, const int64_t *in_strides,
                                     int col_first, const float *w0, int64_t k0, int64_t pad0,
                                     fc_boundary b0, const float *w1, int64_t k1, int64_t pad1,
                                     fc_boundary b1, float fill, float *out,
                                     const int64_t *out_strides, int num_threads)
    fc_status fc_correlate_sep2d_f64(const int64_t *shape, const double *inp, const int64_t *in_strides,
                                     int col_first, const double *w0, int64_t k0, int64_t pad0,
                                     fc_boundary b0, const double *w1, int64_t k1, int64_t pad1,
                                     fc_boundary b1, double fill, double *out,
                                     const int64_t *out_strides, int num_threads)
    fc_status fc_uniform1d_f32(const int64_t *shape, const float *inp, const int64_t *in_strides,
                               int64_t size, int64_t pad_low, fc_boundary boundary, double fill,
                               float *out, const int64_t *out_strides, int num_threads)
    fc_status fc_uniform_sep2d_f32(const int64_t *shape, const float *inp, const int64_t *in_strides,
                                   int64_t k0, int64_t pad0, fc_boundary b0, int64_t k1, int64_t pad1,
                                   fc_boundary b1, double fill, float *out, const int64_t *out_strides,
                                   int num_threads)
    fc_status fc_uniform_sep2d_f64(const int64_t *shape, const double *inp, const int64_t *in_strides,
                                   int64_t k0, int64_t pad0, fc_boundary b0, int64_t k1, int64_t pad1,
                                   fc_boundary b1, double fill, double *out, const int64_t *out_strides,
                                   int num_threads)
    fc_status fc_uniform1d_f64(const int64_t *shape, const double *inp, const int64_t *in_strides,
                               int64_t size, int64_t pad_low, fc_boundary boundary, double fill,
                               double *out, const int64_t *out_strides, int num_threads)

    fc_status fc_rot180(int ndim, const int64_t *shape, const int64_t *src_strides,
                        uint64_t axes_mask, size_t itemsize, const void *src, void *dst)
    fc_status fc_pad(int ndim, const int64_t *shape, const int64_t *pad_low,
                     const int64_t *pad_high, size_t itemsize, const void *src, void *dst)

    ctypedef enum fc_op:
        FC_OP_FORWARD
        FC_OP_BACKWARD_INPUT
        FC_OP_BACKWARD_WEIGHT
        FC_OP_BACKWARD_BIAS
        FC_OP_CORRELATE
    ctypedef enum fc_dtype:
        FC_FLOAT32
        FC_FLOAT64
    ctypedef enum fc_single_fn:
        FC_FN_CORRELATE
        FC_FN_CONVOLVE
        FC_FN_CORRELATE2D
        FC_FN_CONVOLVE2D
    fc_status fc_conv_describe(fc_op op, const fc_conv_desc *d, fc_dtype dtype, int has_bias,
                               int num_threads, char *buf, size_t n)
    fc_status fc_conv_describe_ex(fc_op op, const fc_conv_desc *d, int algorithm, fc_dtype dtype,
                                  int has_bias, int num_threads, char *buf, size_t n)
    fc_status fc_correlate_describe(fc_single_fn fn, int ndim, const int64_t *in1_shape,
                                    const int64_t *in2_shape, fc_mode mode, fc_boundary boundary,
                                    fc_dtype dtype, int num_threads, char *buf, size_t n)
    fc_status fc_plan_force(const char *spec)
    ctypedef enum fc_ndimage_op:
        FC_ND_CORRELATE1D
        FC_ND_UNIFORM1D
        FC_ND_CORRELATE_SEP2D
        FC_ND_UNIFORM_SEP2D
    fc_status fc_ndimage_describe(fc_ndimage_op op, const int64_t *shape, const int64_t *in_strides,
                                  const int64_t *out_strides, int64_t k0, int64_t k1, int col_first,
                                  fc_dtype dtype, int num_threads, char *buf, size_t n)
    fc_status fc_tuning_describe(char *buf, size_t n)

    const char *fc_status_message(fc_status s)
    const char *fc_version()
    const char *fc_isa()
    const char *fc_isa_compiled()
    const char *fc_isa_supported()
    fc_status fc_set_isa(const char *name)
    int fc_has_openmp()
    const char *fc_compiler()
    fc_status fc_set_num_threads(int n)
    int fc_get_num_threads()
    void fc_release_workspace()
    fc_status fc_kernel_tiles(const char *isa, int elem_bytes, char *buf, size_t n)

    fc_status fc_rfftn_f32(int ndim, const int64_t *shape, const float *x, float *spec, int num_threads)
    fc_status fc_rfftn_f64(int ndim, const int64_t *shape, const double *x, double *spec, int num_threads)
    fc_status fc_irfftn_f32(int ndim, const int64_t *shape, const float *spec, float *x, int num_threads)
    fc_status fc_irfftn_f64(int ndim, const int64_t *shape, const double *spec, double *x, int num_threads)

    ctypedef enum fc_method:
        FC_METHOD_AUTO
        FC_METHOD_DIRECT
        FC_METHOD_FFT

    fc_status fc_single_f32(fc_single_fn fn, int ndim, const int64_t *in1_shape, const float *in1,
                            const int64_t *in2_shape, const float *in2, fc_mode mode, fc_boundary boundary,
                            float fill, fc_method method, float *out, int num_threads)
    fc_status fc_single_f64(fc_single_fn fn, int ndim, const int64_t *in1_shape, const double *in1,
                            const int64_t *in2_shape, const double *in2, fc_mode mode, fc_boundary boundary,
                            double fill, fc_method method, double *out, int num_threads)
    fc_status fc_single_describe(fc_single_fn fn, int ndim, const int64_t *in1_shape, const int64_t *in2_shape,
                                 fc_mode mode, fc_boundary boundary, fc_dtype dtype, fc_method method,
                                 int num_threads, char *buf, size_t n)
    fc_status fc_correlate_nd_method_f32(int ndim, int64_t batch, const int64_t *in_shape, const float *inp,
                                         const int64_t *w_shape, const float *w, const int64_t *pad_low,
                                         fc_boundary boundary, float fill, fc_method method, float *out,
                                         int num_threads)
    fc_status fc_correlate_nd_method_f64(int ndim, int64_t batch, const int64_t *in_shape, const double *inp,
                                         const int64_t *w_shape, const double *w, const int64_t *pad_low,
                                         fc_boundary boundary, double fill, fc_method method, double *out,
                                         int num_threads)
