/*
 * fastconv: fast CPU convolution primitives (C99 API).
 *
 * Conventions, said once for the whole header:
 *  - Every buffer is a contiguous C-order (row-major) array of the element
 *    type named by the function suffix (_f32: float, _f64: double).
 *  - Shapes are int64_t; batched layouts are channels-first:
 *      x      (batch, in_channels, *input)
 *      w      (out_channels, in_channels / groups, *kernel)
 *      y      (batch, out_channels, *output)
 *  - num_threads <= 0 means the library default (fc_get_num_threads()).
 *  - Every function validates its arguments and returns an fc_status; none
 *    prints, aborts or keeps a pointer after it returns.  Output buffers must
 *    not overlap inputs.
 *  - Results are bit-for-bit identical for every thread count.
 */
#ifndef FASTCONV_H
#define FASTCONV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(FASTCONV_BUILDING_SHARED)
#  define FC_API __declspec(dllexport)
#elif defined(_WIN32) && defined(FASTCONV_SHARED)
#  define FC_API __declspec(dllimport)
#elif defined(__GNUC__)
#  define FC_API __attribute__((visibility("default")))
#else
#  define FC_API
#endif

#define FC_VERSION_MAJOR 0
#define FC_VERSION_MINOR 1
#define FC_VERSION_PATCH 0

/* The largest rank fc_rot180 and fc_pad accept (NumPy's own limit is 64). */
#define FC_MAX_NDIM 64

typedef enum fc_status {
    FC_OK = 0,
    FC_EINVAL = 1,        /* an argument is out of its domain (shape, stride, NULL, ...) */
    FC_ENOMEM = 2,        /* a workspace allocation failed */
    FC_EOVERFLOW = 3,     /* a size or offset does not fit in 64 bits */
    FC_EUNSUPPORTED = 4   /* asked for something this build or CPU cannot do (e.g. an ISA) */
} fc_status;

/* ------------------------------------------------------------------ */
/* Batched multi-channel convolution (PyTorch conv1d/2d/3d semantics). */
/* ------------------------------------------------------------------ */

typedef struct fc_conv_desc {
    int ndim;                                 /* spatial rank: 1, 2 or 3 */
    int64_t batch, in_channels, out_channels, groups;
    int64_t input[3], kernel[3];              /* spatial sizes; the first ndim are used */
    int64_t stride[3], dilation[3], pad_low[3], pad_high[3];
    int flip;                                 /* nonzero: true convolution (kernel rotated 180 degrees) */
} fc_conv_desc;

/* How a batched call computes (the algorithm argument of the *_ex entry points; the
 * entry points without it take AUTO).  It is an argument, not a field of fc_conv_desc,
 * so that code which fills the descriptor field by field keeps its meaning:
 *   AUTO      the library chooses: WINOGRAD for forward and backward-input where a cost
 *             model says it is clearly faster (>= 64 channels a group, tiles enough:
 *             the ResNet 3x3 layers), DIRECT elsewhere and for backward-weight (README)
 *   DIRECT    the direct method (one multiply-add per weight, tap and output)
 *   WINOGRAD  Winograd F(4x4,3x3) or F(2x2,3x3): 2-D 3x3 layers with stride 1 and
 *             dilation 1, every pass; FC_EUNSUPPORTED elsewhere.  Fewer
 *             multiplications, float32 error up to ~1e-4 of max|y| (README, Accuracy);
 *             a NaN or Inf in the input spreads to the whole output tile (4x4 pixels)
 *             that reads it.
 *   FFT       overlap-save FFT tiles over the one spatial axis of 1-D layers with stride 1
 *             and dilation 1 (any padding, groups, flip), every pass; FC_EUNSUPPORTED
 *             elsewhere.  AUTO takes it where its cost model says it is faster (long
 *             kernels); it does not scan for NaN or Inf (the Python layer does). */
typedef enum fc_algorithm {
    FC_ALGORITHM_AUTO = 0, FC_ALGORITHM_DIRECT = 1, FC_ALGORITHM_WINOGRAD = 2, FC_ALGORITHM_FFT = 3
} fc_algorithm;

/* out[i] = (input[i] + pad_low[i] + pad_high[i] - dilation[i]*(kernel[i]-1) - 1) / stride[i] + 1
 * e.g. input 5, pad 1+1, kernel 3, dilation 1, stride 2: (5+2-2-1)/2+1 = 3.
 * pad_low >= 0; pad_high may be negative: the input's last -pad_high elements are then
 * cropped (the forward and backward-weight passes never read them, backward-input gives
 * them zero gradient), which is how fc_conv_transpose's output_padding is expressed.
 * FC_EINVAL when the dilated kernel is larger than the padded input. */
FC_API fc_status fc_conv_output_shape(const fc_conv_desc *d, int64_t out[3]);

/* y = conv(x, w) + bias; bias may be NULL. */
FC_API fc_status fc_conv_forward_f32(const fc_conv_desc *d, const float *x, const float *w,
                                     const float *bias, float *y, int num_threads);
FC_API fc_status fc_conv_forward_f64(const fc_conv_desc *d, const double *x, const double *w,
                                     const double *bias, double *y, int num_threads);

/* grad_in (shape of x) = d(sum(grad_out * y)) / dx: a "full" convolution of grad_out with
 * the 180-degree-rotated, channel-transposed kernel, summed over output channels. */
FC_API fc_status fc_conv_backward_input_f32(const fc_conv_desc *d, const float *grad_out,
                                            const float *w, float *grad_in, int num_threads);
FC_API fc_status fc_conv_backward_input_f64(const fc_conv_desc *d, const double *grad_out,
                                            const double *w, double *grad_in, int num_threads);

/* grad_w (shape of w): the valid correlation of x with grad_out, summed over the batch. */
FC_API fc_status fc_conv_backward_weight_f32(const fc_conv_desc *d, const float *x,
                                             const float *grad_out, float *grad_w, int num_threads);
FC_API fc_status fc_conv_backward_weight_f64(const fc_conv_desc *d, const double *x,
                                             const double *grad_out, double *grad_w, int num_threads);

/* The three passes above with the algorithm chosen by the caller (fc_algorithm);
 * FC_EINVAL for a value outside the enum, FC_EUNSUPPORTED for WINOGRAD on a layer it
 * cannot serve. */
FC_API fc_status fc_conv_forward_ex_f32(const fc_conv_desc *d, int algorithm, const float *x, const float *w,
                                        const float *bias, float *y, int num_threads);
FC_API fc_status fc_conv_forward_ex_f64(const fc_conv_desc *d, int algorithm, const double *x, const double *w,
                                        const double *bias, double *y, int num_threads);
FC_API fc_status fc_conv_backward_input_ex_f32(const fc_conv_desc *d, int algorithm, const float *grad_out,
                                               const float *w, float *grad_in, int num_threads);
FC_API fc_status fc_conv_backward_input_ex_f64(const fc_conv_desc *d, int algorithm, const double *grad_out,
                                               const double *w, double *grad_in, int num_threads);
FC_API fc_status fc_conv_backward_weight_ex_f32(const fc_conv_desc *d, int algorithm, const float *x,
                                                const float *grad_out, float *grad_w, int num_threads);
FC_API fc_status fc_conv_backward_weight_ex_f64(const fc_conv_desc *d, int algorithm, const double *x,
                                                const double *grad_out, double *grad_w, int num_threads);

/* PyTorch's conv_transpose1d/2d/3d: y = the transpose of the convolution d describes,
 * applied to x, plus bias (may be NULL): exactly fc_conv_backward_input(d, x, w, y) with
 * the bias added to every pixel of each of y's channels.  d is the convolution being
 * transposed: for conv_transpose(x, w, stride s, padding p, output_padding op,
 * dilation dl, groups g) with x (N, C_in, *in) and w (C_in, C_out / g, *kernel),
 *   batch N, in_channels C_out, out_channels C_in, groups g, kernel *kernel,
 *   input[i] = (in[i]-1)*s - 2*p + dl*(kernel[i]-1) + op + 1 (y's spatial shape),
 *   stride s, dilation dl, pad_low p, pad_high p - op (negative when op > p);
 * then the convolution's output shape is x's spatial shape; computed by the direct
 * method (there is no _ex variant).  Its gradients are
 * fc_conv_forward(d, grad_y, w) (input) and fc_conv_backward_weight(d, grad_y, x)
 * (weight: grad_y as the input, x as the output gradient). */
FC_API fc_status fc_conv_transpose_f32(const fc_conv_desc *d, const float *x, const float *w,
                                       const float *bias, float *y, int num_threads);
FC_API fc_status fc_conv_transpose_f64(const fc_conv_desc *d, const double *x, const double *w,
                                       const double *bias, double *y, int num_threads);

/* grad_bias[k] = sum over batch and output pixels of grad_out[:, k]. */
FC_API fc_status fc_conv_backward_bias_f32(const fc_conv_desc *d, const float *grad_out,
                                           float *grad_bias, int num_threads);
FC_API fc_status fc_conv_backward_bias_f64(const fc_conv_desc *d, const double *grad_out,
                                           double *grad_bias, int num_threads);

/* ------------------------------------------------------------------ */
/* Single-array correlation / convolution (scipy.signal semantics).    */
/* ------------------------------------------------------------------ */

typedef enum fc_mode { FC_MODE_FULL = 0, FC_MODE_SAME = 1, FC_MODE_VALID = 2 } fc_mode;
/* How an axis of extent L is extended past its ends (L = 3, source a b c):
 *   FILL     f f | a b c | f f   (the fill value; SciPy ndimage 'constant', 'grid-constant')
 *   WRAP     b c | a b c | a b   (period L; ndimage 'wrap', 'grid-wrap')
 *   SYMM     b a | a b c | c b   (mirrored with the edge repeated, period 2L; ndimage 'reflect')
 *   NEAREST  a a | a b c | c c   (the edge repeated; ndimage 'nearest')
 *   MIRROR   c b | a b c | b a   (mirrored about the edge, period 2L-2; L = 1 repeats it;
 *                                 ndimage 'mirror')
 * The periodic rules hold any distance from the source (kernels larger than the input). */
typedef enum fc_boundary {
    FC_BOUNDARY_FILL = 0, FC_BOUNDARY_WRAP = 1, FC_BOUNDARY_SYMM = 2,
    FC_BOUNDARY_NEAREST = 3, FC_BOUNDARY_MIRROR = 4
} fc_boundary;

/* Output shape of the functions below for in1_shape, in2_shape (ndim entries each):
 * full: n1+n2-1; same: n1; valid: |n1-n2|+1 (one array must be at least as large as
 * the other in every axis, else FC_EINVAL). */
FC_API fc_status fc_correlate_output_shape(int ndim, const int64_t *in1_shape,
                                           const int64_t *in2_shape, fc_mode mode,
                                           int64_t *out_shape);

/* scipy.signal.correlate / convolve(in1, in2, mode, method="direct") for 1 <= ndim <= 3,
 * including the swap of in1 and in2 in "valid" mode when in2 is the larger. */
FC_API fc_status fc_correlate_f32(int ndim, const int64_t *in1_shape, const float *in1,
                                  const int64_t *in2_shape, const float *in2, fc_mode mode,
                                  float *out, int num_threads);
FC_API fc_status fc_correlate_f64(int ndim, const int64_t *in1_shape, const double *in1,
                                  const int64_t *in2_shape, const double *in2, fc_mode mode,
                                  double *out, int num_threads);
FC_API fc_status fc_convolve_f32(int ndim, const int64_t *in1_shape, const float *in1,
                                 const int64_t *in2_shape, const float *in2, fc_mode mode,
                                 float *out, int num_threads);
FC_API fc_status fc_convolve_f64(int ndim, const int64_t *in1_shape, const double *in1,
                                 const int64_t *in2_shape, const double *in2, fc_mode mode,
                                 double *out, int num_threads);

/* scipy.signal.correlate2d / convolve2d(in1, in2, mode, boundary, fillvalue). */
FC_API fc_status fc_correlate2d_f32(const int64_t in1_shape[2], const float *in1,
                                    const int64_t in2_shape[2], const float *in2, fc_mode mode,
                                    fc_boundary boundary, float fillvalue, float *out,
                                    int num_threads);
FC_API fc_status fc_correlate2d_f64(const int64_t in1_shape[2], const double *in1,
                                    const int64_t in2_shape[2], const double *in2, fc_mode mode,
                                    fc_boundary boundary, double fillvalue, double *out,
                                    int num_threads);
FC_API fc_status fc_convolve2d_f32(const int64_t in1_shape[2], const float *in1,
                                   const int64_t in2_shape[2], const float *in2, fc_mode mode,
                                   fc_boundary boundary, float fillvalue, float *out,
                                   int num_threads);
FC_API fc_status fc_convolve2d_f64(const int64_t in1_shape[2], const double *in1,
                                   const int64_t in2_shape[2], const double *in2, fc_mode mode,
                                   fc_boundary boundary, double fillvalue, double *out,
                                   int num_threads);

/* ------------------------------------------------------------------ */
/* scipy.ndimage filters (fastconv.ndimage).                           */
/* ------------------------------------------------------------------ */

/* scipy.ndimage.correlate on `batch` contiguous images of ndim (1..3) axes, each
 * in_shape: out (the same shape) at o = sum_j w[j] * ext(in)[o - pad_low + j], ext by
 * `boundary` (fill value `fill`), with 0 <= pad_low[i] < w_shape[i]; ndimage's
 * pad_low = w // 2 + origin (w = 3, origin 0: 1).  Axes longer than the input are fine. */
FC_API fc_status fc_correlate_nd_f32(int ndim, int64_t batch, const int64_t *in_shape, const float *in,
                                     const int64_t *w_shape, const float *w, const int64_t *pad_low,
                                     fc_boundary boundary, float fill, float *out, int num_threads);
FC_API fc_status fc_correlate_nd_f64(int ndim, int64_t batch, const int64_t *in_shape, const double *in,
                                     const int64_t *w_shape, const double *w, const int64_t *pad_low,
                                     fc_boundary boundary, double fill, double *out, int num_threads);

/* Real FFT over the last ndim (1..3) axes, each of size 2^a 3^b 5^c (FC_EUNSUPPORTED
 * otherwise), as numpy.fft.rfftn / irfftn: spec is interleaved complex (re, im) of shape
 * shape[0..ndim-2] x (shape[ndim-1]/2 + 1); fc_irfftn takes the real output's shape and
 * normalises by 1/prod(shape).  Unnormalised forward, unscaled float accumulation. */
FC_API fc_status fc_rfftn_f32(int ndim, const int64_t *shape, const float *x, float *spec, int num_threads);
FC_API fc_status fc_rfftn_f64(int ndim, const int64_t *shape, const double *x, double *spec, int num_threads);
FC_API fc_status fc_irfftn_f32(int ndim, const int64_t *shape, const float *spec, float *x, int num_threads);
FC_API fc_status fc_irfftn_f64(int ndim, const int64_t *shape, const double *spec, double *x, int num_threads);

/* scipy.ndimage.correlate1d along the middle axis of a (outer, n, inner) array read and
 * written through element strides (any sign; out must not overlap in):
 *   out[a, i, b] = sum_{j < nw} w[j] * ext(in)[a, i - pad_low + j, b],  0 <= pad_low < nw.
 * Any axis of an N-d array is such a view (axes before it merged into outer, after it
 * into inner, where their strides allow). */
FC_API fc_status fc_correlate1d_f32(const int64_t shape[3], const float *in, const int64_t in_strides[3],
                                    const float *w, int64_t nw, int64_t pad_low, fc_boundary boundary,
                                    float fill, float *out, const int64_t out_strides[3], int num_threads);
FC_API fc_status fc_correlate1d_f64(const int64_t shape[3], const double *in, const int64_t in_strides[3],
                                    const double *w, int64_t nw, int64_t pad_low, fc_boundary boundary,
                                    double fill, double *out, const int64_t out_strides[3], int num_threads);

/* correlate1d along axis 1 (w0: k0 taps, pad0, boundary b0) and along axis 2 (w1, k1,
 * pad1, b1) of a (outer, H, W) array whose rows are contiguous (in_strides[2] ==
 * out_strides[2] == 1), fused through cache-sized bands: col_first nonzero runs the axis-1
 * pass first (as correlate1d(correlate1d(in, w0, 1), w1, 2)), zero the axis-2 pass first.
 * Bit-identical to the two calls of fc_correlate1d; reads and writes the image once. */
FC_API fc_status fc_correlate_sep2d_f32(const int64_t shape[3], const float *in, const int64_t in_strides[3],
                                        int col_first, const float *w0, int64_t k0, int64_t pad0,
                                        fc_boundary b0, const float *w1, int64_t k1, int64_t pad1,
                                        fc_boundary b1, float fill, float *out,
                                        const int64_t out_strides[3], int num_threads);
FC_API fc_status fc_correlate_sep2d_f64(const int64_t shape[3], const double *in, const int64_t in_strides[3],
                                        int col_first, const double *w0, int64_t k0, int64_t pad0,
                                        fc_boundary b0, const double *w1, int64_t k1, int64_t pad1,
                                        fc_boundary b1, double fill, double *out,
                                        const int64_t out_strides[3], int num_threads);

/* scipy.ndimage.uniform_filter1d: the mean of `size` taps as correlate1d with equal
 * weights, by running sums in double (SciPy's recurrence; cost independent of size).
 * The fill value is a double for both element types: SciPy's sums see cval unrounded
 * (float32 data, cval 0.1: the border adds 0.1, not 0.100000001490116). */
FC_API fc_status fc_uniform1d_f32(const int64_t shape[3], const float *in, const int64_t in_strides[3],
                                  int64_t size, int64_t pad_low, fc_boundary boundary, double fill,
                                  float *out, const int64_t out_strides[3], int num_threads);
FC_API fc_status fc_uniform1d_f64(const int64_t shape[3], const double *in, const int64_t in_strides[3],
                                  int64_t size, int64_t pad_low, fc_boundary boundary, double fill,
                                  double *out, const int64_t out_strides[3], int num_threads);

/* uniform1d along axis 1 (size k0, pad0, boundary b0) and then along axis 2 (k1, pad1, b1)
 * of a (outer, H, W) array whose rows are contiguous (in_strides[2] == out_strides[2] ==
 * 1), fused through bands of rows: bit-identical to the two calls of fc_uniform1d (the
 * intermediate rounded to the element type, as scipy.ndimage.uniform_filter's). */
FC_API fc_status fc_uniform_sep2d_f32(const int64_t shape[3], const float *in, const int64_t in_strides[3],
                                      int64_t k0, int64_t pad0, fc_boundary b0, int64_t k1, int64_t pad1,
                                      fc_boundary b1, double fill, float *out,
                                      const int64_t out_strides[3], int num_threads);
FC_API fc_status fc_uniform_sep2d_f64(const int64_t shape[3], const double *in, const int64_t in_strides[3],
                                      int64_t k0, int64_t pad0, fc_boundary b0, int64_t k1, int64_t pad1,
                                      fc_boundary b1, double fill, double *out,
                                      const int64_t out_strides[3], int num_threads);

/* ------------------------------------------------------------------ */
/* Data movement primitives (any element size).                        */
/* ------------------------------------------------------------------ */

/* dst = src rotated 180 degrees over the axes whose bit is set in axes_mask
 * (bit i: axis i), i.e. dst[..., i, ...] = src[..., n-1-i, ...] on those axes.
 * src is read through byte strides (any sign), so views need no copy; dst is contiguous. */
FC_API fc_status fc_rot180(int ndim, const int64_t *shape, const int64_t *src_strides,
                           uint64_t axes_mask, size_t itemsize, const void *src, void *dst);

/* dst = src zero-padded by pad_low[i] before and pad_high[i] after axis i; both contiguous. */
FC_API fc_status fc_pad(int ndim, const int64_t *shape, const int64_t *pad_low,
                        const int64_t *pad_high, size_t itemsize, const void *src, void *dst);

/* ------------------------------------------------------------------ */
/* Plans: what a call would do, without doing it.                      */
/* ------------------------------------------------------------------ */

/* Every entry point validates its arguments, makes a plan (every decision: algorithm,
 * kernel and tile, vectorisation mode, scheduler, blocking, threads, workspace), then
 * runs it.  These functions make the same plan for the same arguments and write it into
 * buf (n bytes, NUL-terminated) as space-separated "key=value" pairs, e.g.
 *   "op=forward algorithm=direct isa=avx512 dtype=float32 threads=2 kernel=fwd_t9
 *    tile=8x48 mode=flat store=masked ... workspace_bytes=1234"
 * Keys always present: op, algorithm, isa, dtype, threads, kernel, mode,
 * workspace_bytes.  FC_EINVAL when buf is too small or an argument is invalid. */
typedef enum fc_op {
    FC_OP_FORWARD = 0, FC_OP_BACKWARD_INPUT = 1, FC_OP_BACKWARD_WEIGHT = 2, FC_OP_BACKWARD_BIAS = 3,
    FC_OP_CORRELATE = 4
} fc_op;
typedef enum fc_dtype { FC_FLOAT32 = 0, FC_FLOAT64 = 1 } fc_dtype;
/* The single-array functions, for fc_correlate_describe. */
typedef enum fc_single_fn {
    FC_FN_CORRELATE = 0, FC_FN_CONVOLVE = 1, FC_FN_CORRELATE2D = 2, FC_FN_CONVOLVE2D = 3
} fc_single_fn;

/* op: FC_OP_FORWARD .. FC_OP_BACKWARD_BIAS; has_bias: whether the forward call (or, with
 * FC_OP_BACKWARD_INPUT, fc_conv_transpose) passes a bias (the plan differs). */
FC_API fc_status fc_conv_describe(fc_op op, const fc_conv_desc *d, fc_dtype dtype, int has_bias,
                                  int num_threads, char *buf, size_t n);
/* fc_conv_describe of the call made with an algorithm (the *_ex entry points). */
FC_API fc_status fc_conv_describe_ex(fc_op op, const fc_conv_desc *d, int algorithm, fc_dtype dtype,
                                     int has_bias, int num_threads, char *buf, size_t n);
/* fn with ndim, shapes and mode as the function takes them (ndim 2 for the 2-D ones);
 * boundary is FC_BOUNDARY_FILL for fc_correlate / fc_convolve. */
FC_API fc_status fc_correlate_describe(fc_single_fn fn, int ndim, const int64_t *in1_shape,
                                       const int64_t *in2_shape, fc_mode mode, fc_boundary boundary,
                                       fc_dtype dtype, int num_threads, char *buf, size_t n);
/* For tests: force decisions of every later plan where the shape allows them, as
 * "key=value,..." (NULL or "" clears): fmode=flat|kvec|kvec_fold, store=copy|masked,
 * sched=rounds|private|bands, kbjob=0|1, bwmode=dot|chunks|blocks,
 * bwtile=std|wide|narrow, smode=mrow|engine, wgtile=2|4; the ndimage 1-D passes:
 * sepkind=lanes|lines (LANES needs a contiguous inner axis), seprowk=0|1 (the row
 * kernel of running means along contiguous lines).  Process-wide and not thread-safe;
 * FC_EINVAL for an unknown key or value. */
FC_API fc_status fc_plan_force(const char *spec);

/* The plan of one ndimage pass, made as the pass makes it: op FC_ND_CORRELATE1D or
 * FC_ND_UNIFORM1D with shape and strides as fc_correlate1d / fc_uniform1d take them and
 * k0 taps (k1, col_first unused); FC_ND_CORRELATE_SEP2D or FC_ND_UNIFORM_SEP2D as
 * fc_correlate_sep2d / fc_uniform_sep2d take them (k0 taps along H, k1 along W).  Keys:
 * op, algorithm (direct), isa, dtype, threads, kernel (rows | box | boxrow | box,boxrow),
 * mode (lanes | lines | rowk | fused), workspace_bytes, and the decomposition (lanes,
 * units, band, bands, jobs; order and group for the fused passes). */
typedef enum fc_ndimage_op {
    FC_ND_CORRELATE1D = 0, FC_ND_UNIFORM1D = 1, FC_ND_CORRELATE_SEP2D = 2, FC_ND_UNIFORM_SEP2D = 3
} fc_ndimage_op;
FC_API fc_status fc_ndimage_describe(fc_ndimage_op op, const int64_t shape[3], const int64_t in_strides[3],
                                     const int64_t out_strides[3], int64_t k0, int64_t k1, int col_first,
                                     fc_dtype dtype, int num_threads, char *buf, size_t n);

/* ------------------------------------------------------------------ */
/* Runtime configuration.                                              */
/* ------------------------------------------------------------------ */

FC_API const char *fc_status_message(fc_status s);
FC_API const char *fc_version(void);
/* The instruction set in use: "baseline", "avx2" or "avx512".  Chosen once from CPUID,
 * capped by the environment variable FASTCONV_ISA. */
FC_API const char *fc_isa(void);
/* Comma-separated ISAs compiled into this build, e.g. "baseline,avx2,avx512". */
FC_API const char *fc_isa_compiled(void);
/* Comma-separated ISAs this CPU can run among the compiled ones. */
FC_API const char *fc_isa_supported(void);
/* Select an ISA by name (capped by what the CPU supports: FC_EUNSUPPORTED otherwise). */
FC_API fc_status fc_set_isa(const char *name);
FC_API int fc_has_openmp(void);
FC_API const char *fc_compiler(void);
/* Library-wide default thread count; n <= 0 restores the OpenMP default (OMP_NUM_THREADS). */
FC_API fc_status fc_set_num_threads(int n);
FC_API int fc_get_num_threads(void);
/* The tuning table in force, as "field=value" pairs into buf (n bytes, NUL-terminated):
 * the cache sizes read from this machine (l1d_bytes, l2_bytes; 0 where the OS does not
 * say) and every threshold the planners use.  FC_EINVAL if buf is too small. */
FC_API fc_status fc_tuning_describe(char *buf, size_t n);
/* The library keeps up to four idle workspaces between calls (re-faulting large buffers
 * costs more than small convolutions); this frees them. */
FC_API void fc_release_workspace(void);
/* The register tiles of one ISA's micro-kernels ("baseline", "avx2", "avx512") for one
 * element type (elem_bytes 4: float, 8: double), as one NUL-terminated line of
 * space-separated name=value pairs in buf (n bytes; 320 always suffice), e.g.
 *   "lanes=16 mr=8 nr=48 mr2=4 nr2=96 nr1=192 wk=32 wnj=12 ... kw=32 kp=14"
 * with the fields lanes, mr, nr, mr2, nr2, nr1, wk, wnj, wkw, wnjw, wkn, wnjn, wdk, wds,
 * wds1, rb, rnr, kw, kp in that order (their meaning: src/internal.h).  For tests and
 * tuning tools, which thus hold no copy of the numbers.  FC_EINVAL for an unknown isa
 * or elem_bytes, a NULL pointer or a buffer too small (buf then holds "" if n > 0);
 * FC_EUNSUPPORTED for an ISA not compiled in (one the CPU cannot run is fine). */
FC_API fc_status fc_kernel_tiles(const char *isa, int elem_bytes, char *buf, size_t n);

/* How a single-array call computes: the plan's cost model (direct sums for small
 * kernels, overlap-save FFT tiles for large ones), or either one forced.  Direct keeps
 * the bits of fc_correlate & co.; FFT results carry the transforms' rounding (about
 * eps * log2(tile) * ||in1|| * ||in2|| per output) and spread a non-finite input value
 * over its tile. */
typedef enum fc_method { FC_METHOD_AUTO = 0, FC_METHOD_DIRECT = 1, FC_METHOD_FFT = 2 } fc_method;

/* Any of the four single-array functions (fn; the 2-D ones take ndim = 2 and a
 * boundary, the others FC_BOUNDARY_FILL with fill 0) computed by `method`. */
FC_API fc_status fc_single_f32(fc_single_fn fn, int ndim, const int64_t *in1_shape, const float *in1,
                               const int64_t *in2_shape, const float *in2, fc_mode mode, fc_boundary boundary,
                               float fill, fc_method method, float *out, int num_threads);
FC_API fc_status fc_single_f64(fc_single_fn fn, int ndim, const int64_t *in1_shape, const double *in1,
                               const int64_t *in2_shape, const double *in2, fc_mode mode, fc_boundary boundary,
                               double fill, fc_method method, double *out, int num_threads);
/* The plan of fc_single_*, as fc_correlate_describe prints it (algorithm=direct|fft). */
FC_API fc_status fc_single_describe(fc_single_fn fn, int ndim, const int64_t *in1_shape, const int64_t *in2_shape,
                                    fc_mode mode, fc_boundary boundary, fc_dtype dtype, fc_method method,
                                    int num_threads, char *buf, size_t n);

/* fc_correlate_nd computed by `method` (FC_METHOD_DIRECT: fc_correlate_nd's bits). */
FC_API fc_status fc_correlate_nd_method_f32(int ndim, int64_t batch, const int64_t *in_shape, const float *in,
                                            const int64_t *w_shape, const float *w, const int64_t *pad_low,
                                            fc_boundary boundary, float fill, fc_method method, float *out,
                                            int num_threads);
FC_API fc_status fc_correlate_nd_method_f64(int ndim, int64_t batch, const int64_t *in_shape, const double *in,
                                            const int64_t *w_shape, const double *w, const int64_t *pad_low,
                                            fc_boundary boundary, double fill, fc_method method, double *out,
                                            int num_threads);

#ifdef __cplusplus
}
#endif
#endif /* FASTCONV_H */
