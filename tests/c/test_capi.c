/* C-level test driver of the fastconv C API (fastconv.h), linked against the installed
 * shared library exactly as a C program embedding fastconv would be.
 *
 * Every entry point is called: results are checked against naive C loops written from
 * the definitions in fastconv.h and fastconv/reference.py (not from the library's code),
 * for every ISA this CPU supports (fc_set_isa), in float and double; every error status
 * the API documents is provoked (FC_EINVAL, FC_EOVERFLOW, FC_EUNSUPPORTED where the
 * build has an ISA this CPU lacks) and every status has a message.
 *
 * Error bound of a result reducing n products: |got - ref| <= (n + 2) * eps * sum|terms|,
 * eps of the result type; this holds for any summation order or blocking (the reference
 * sums the float inputs exactly in double, so only the library's rounding counts).
 *
 * Prints one line per failure on stderr and a summary "capi: N passed, M failed" on
 * stdout; exits 0 only when nothing failed.  Build, e.g.:
 *   cc -std=c99 test_capi.c $(python -m fastconv --cflags --libs) -lm -o test_capi
 * or with CMake (tests/c/CMakeLists.txt, run by ctest). */
#include <fastconv.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_TEST_NAME "test_capi"
#include "naive.h"

static const conv_case conv_cases[] = {
    /* name, ndim, N, C, K, G, input, kernel, stride, dilation, pad_low, pad_high, flip, bias */
    {"2d grouped strided dilated asym-pad", 2, 2, 4, 6, 2, {7, 9}, {3, 2}, {2, 1}, {1, 2}, {1, 0}, {2, 1}, 0, 1},
    {"1d flip stride3 dil2", 1, 3, 3, 2, 1, {17}, {4}, {3}, {2}, {2}, {1}, 1, 0},
    {"3d grouped flip", 3, 1, 2, 4, 2, {4, 5, 6}, {2, 3, 2}, {1, 2, 1}, {2, 1, 1}, {0, 1, 1}, {1, 1, 0}, 1, 1},
    {"2d many channels", 2, 2, 16, 20, 1, {12, 13}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, 0, 1},
    {"2d depthwise 5x5", 2, 1, 8, 8, 8, {10, 11}, {5, 5}, {1, 1}, {1, 1}, {2, 2}, {2, 2}, 0, 1},
    {"2d single output channel", 2, 2, 3, 1, 1, {40, 37}, {3, 4}, {1, 1}, {1, 1}, {0, 1}, {2, 0}, 1, 1},
    {"1d long", 1, 2, 2, 3, 1, {300}, {7}, {1}, {1}, {3}, {3}, 0, 0},
    /* negative pad_high crops the input's end (conv_transpose's output_padding > padding) */
    {"2d cropped high end", 2, 2, 4, 6, 2, {9, 8}, {3, 2}, {2, 1}, {1, 2}, {0, 1}, {-1, -2}, 0, 1},
    {"1d cropped dilated", 1, 2, 3, 2, 1, {12}, {3}, {1}, {3}, {0}, {-2}, 0, 1},
    {"3d cropped strided", 3, 1, 2, 4, 2, {5, 6, 7}, {2, 3, 2}, {2, 2, 3}, {1, 1, 2}, {0, 1, 0}, {-1, 0, -2}, 0, 1},
};

static void test_conv_numbers(void)
{
    for (size_t i = 0; i < sizeof conv_cases / sizeof conv_cases[0]; ++i) run_conv_case(&conv_cases[i]);

    /* the header's worked example: input 5, pad 1+1, kernel 3, dilation 1, stride 2 -> 3 */
    conv_case ex = {"header example", 1, 1, 1, 1, 1, {5}, {3}, {2}, {1}, {1}, {1}, 0, 0};
    fc_conv_desc d = make_desc(&ex);
    int64_t out[3] = {0, 0, 0};
    EXPECT_ST(fc_conv_output_shape(&d, out), FC_OK);
    EXPECT(out[0] == 3, "header example: output %lld != 3", (long long)out[0]);

    /* an empty batch is valid and touches nothing (NULL buffers allowed) */
    conv_case empty = {"batch 0", 2, 0, 2, 2, 1, {4, 4}, {3, 3}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, 0, 0};
    d = make_desc(&empty);
    EXPECT_ST(fc_conv_forward_f64(&d, NULL, NULL, NULL, NULL, 0), FC_OK);
    EXPECT_ST(fc_conv_forward_f32(&d, NULL, NULL, NULL, NULL, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_input_f64(&d, NULL, NULL, NULL, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_input_f32(&d, NULL, NULL, NULL, 0), FC_OK);
    double gw[36], gb[2];
    float gwf[36], gbf[2];
    for (int i = 0; i < 36; ++i) gw[i] = gwf[i] = 7.0f;
    gb[0] = gb[1] = gbf[0] = gbf[1] = 7.0f;
    EXPECT_ST(fc_conv_backward_weight_f64(&d, NULL, NULL, gw, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_weight_f32(&d, NULL, NULL, gwf, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_bias_f64(&d, NULL, gb, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_bias_f32(&d, NULL, gbf, 0), FC_OK);
    int zero = 1;
    for (int i = 0; i < 36; ++i) zero &= gw[i] == 0.0 && gwf[i] == 0.0f;
    zero &= gb[0] == 0.0 && gb[1] == 0.0 && gbf[0] == 0.0f && gbf[1] == 0.0f;
    EXPECT(zero, "batch 0: weight/bias gradients are not zero");
}

/* Every conv entry point (and output_shape) returns `want` for descriptor d, before
 * touching a buffer: the buffers are the right size for the valid 1x2x4x4 case of
 * test_conv_errors and must never be read or written for d. */
static void expect_every_entry(const fc_conv_desc *d, fc_status want, const char *kind, int i)
{
    int64_t out[3];
    double xd[32] = {0}, wd[36] = {0}, yd[32] = {0}, bd[2] = {0};
    float xf[32] = {0}, wf[36] = {0}, yf[32] = {0}, bf[2] = {0};
    EXPECT(fc_conv_output_shape(d, out) == want, "%s descriptor %d: output_shape", kind, i);
    EXPECT(fc_conv_forward_f64(d, xd, wd, bd, yd, 0) == want, "%s descriptor %d: forward_f64", kind, i);
    EXPECT(fc_conv_forward_f32(d, xf, wf, bf, yf, 0) == want, "%s descriptor %d: forward_f32", kind, i);
    EXPECT(fc_conv_backward_input_f64(d, yd, wd, xd, 0) == want, "%s descriptor %d: bwd_input_f64", kind, i);
    EXPECT(fc_conv_backward_input_f32(d, yf, wf, xf, 0) == want, "%s descriptor %d: bwd_input_f32", kind, i);
    EXPECT(fc_conv_backward_weight_f64(d, xd, yd, wd, 0) == want, "%s descriptor %d: bwd_weight_f64", kind, i);
    EXPECT(fc_conv_backward_weight_f32(d, xf, yf, wf, 0) == want, "%s descriptor %d: bwd_weight_f32", kind, i);
    EXPECT(fc_conv_backward_bias_f64(d, yd, bd, 0) == want, "%s descriptor %d: bwd_bias_f64", kind, i);
    EXPECT(fc_conv_backward_bias_f32(d, yf, bf, 0) == want, "%s descriptor %d: bwd_bias_f32", kind, i);
    EXPECT(fc_conv_transpose_f64(d, yd, wd, bd, xd, 0) == want, "%s descriptor %d: transpose_f64", kind, i);
    EXPECT(fc_conv_transpose_f32(d, yf, wf, bf, xf, 0) == want, "%s descriptor %d: transpose_f32", kind, i);
}

static void test_conv_errors(void)
{
    conv_case ok = {"ok", 2, 1, 2, 2, 1, {4, 4}, {3, 3}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, 0, 0};
    const fc_conv_desc good = make_desc(&ok);
    int64_t out[3];
    double xd[32] = {0}, wd[36] = {0}, yd[32], bd[2] = {0};
    float xf[32] = {0}, wf[36] = {0}, yf[32], bf[2] = {0};

    EXPECT_ST(fc_conv_output_shape(NULL, out), FC_EINVAL);
    EXPECT_ST(fc_conv_output_shape(&good, NULL), FC_EINVAL);

    /* each descriptor below differs from `good` in one field and is invalid */
    fc_conv_desc bad[16];
    int nb = 0;
    bad[nb] = good; bad[nb++].ndim = 0;
    bad[nb] = good; bad[nb++].ndim = 4;
    bad[nb] = good; bad[nb++].batch = -1;
    bad[nb] = good; bad[nb++].in_channels = 0;
    bad[nb] = good; bad[nb++].out_channels = 0;
    bad[nb] = good; bad[nb++].groups = 0;
    bad[nb] = good; bad[nb].groups = 2; bad[nb++].in_channels = 3;     /* C % groups */
    bad[nb] = good; bad[nb].groups = 2; bad[nb++].out_channels = 3;    /* K % groups */
    bad[nb] = good; bad[nb++].input[1] = 0;
    bad[nb] = good; bad[nb++].kernel[0] = 0;
    bad[nb] = good; bad[nb++].stride[1] = 0;
    bad[nb] = good; bad[nb++].dilation[0] = -1;
    bad[nb] = good; bad[nb++].pad_low[0] = -1;
    bad[nb] = good; bad[nb++].pad_high[1] = -2;                        /* cropped below the kernel */
    bad[nb] = good; bad[nb++].kernel[0] = 5;                           /* larger than the input */
    bad[nb] = good; bad[nb++].dilation[1] = 2;                         /* dilated extent 5 > 4 */
    for (int i = 0; i < nb; ++i) expect_every_entry(&bad[i], FC_EINVAL, "bad", i);

    /* NULL buffers with a non-empty batch (bias may be NULL) */
    EXPECT_ST(fc_conv_forward_f64(NULL, xd, wd, bd, yd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_forward_f64(&good, NULL, wd, bd, yd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_forward_f64(&good, xd, NULL, bd, yd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_forward_f64(&good, xd, wd, bd, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_forward_f32(&good, NULL, wf, bf, yf, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_forward_f32(&good, xf, wf, bf, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_input_f64(&good, NULL, wd, xd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_input_f64(&good, yd, NULL, xd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_input_f64(&good, yd, wd, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_input_f32(&good, yf, wf, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_weight_f64(&good, NULL, yd, wd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_weight_f64(&good, xd, NULL, wd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_weight_f64(&good, xd, yd, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_weight_f32(&good, xf, NULL, wf, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_bias_f64(&good, NULL, bd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_bias_f64(&good, yd, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_bias_f32(&good, NULL, bf, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_bias_f32(NULL, yf, bf, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_transpose_f64(&good, yd, wd, NULL, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_transpose_f32(&good, NULL, wf, NULL, xf, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_transpose_f64(&good, xd, wd, NULL, yd, 0), FC_OK);

    /* the algorithm argument of the *_ex entry points: outside fc_algorithm, FC_EINVAL;
     * WINOGRAD where it cannot serve (a 1x1 layer), FFT on a 2-D layer, FC_EUNSUPPORTED */
    EXPECT_ST(fc_conv_forward_ex_f64(&good, 4, xd, wd, bd, yd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_forward_ex_f32(&good, -1, xf, wf, bf, yf, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_input_ex_f64(&good, 4, yd, wd, xd, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_backward_weight_ex_f32(&good, 4, xf, yf, wf, 0), FC_EINVAL);
    EXPECT_ST(fc_conv_forward_ex_f64(&good, FC_ALGORITHM_FFT, xd, wd, bd, yd, 0), FC_EUNSUPPORTED);
    EXPECT_ST(fc_conv_backward_input_ex_f32(&good, FC_ALGORITHM_FFT, yf, wf, xf, 0), FC_EUNSUPPORTED);
    EXPECT_ST(fc_conv_backward_weight_ex_f64(&good, FC_ALGORITHM_FFT, xd, yd, wd, 0), FC_EUNSUPPORTED);
    fc_conv_desc pointwise = good;
    pointwise.kernel[0] = pointwise.kernel[1] = 1;
    EXPECT_ST(fc_conv_forward_ex_f64(&pointwise, FC_ALGORITHM_WINOGRAD, xd, wd, bd, yd, 0), FC_EUNSUPPORTED);
    EXPECT_ST(fc_conv_backward_weight_ex_f64(&pointwise, FC_ALGORITHM_WINOGRAD, xd, yd, wd, 0), FC_EUNSUPPORTED);
    char text[512];
    EXPECT_ST(fc_conv_describe_ex(FC_OP_FORWARD, &good, 4, FC_FLOAT64, 0, 1, text, sizeof text), FC_EINVAL);
    EXPECT_ST(fc_conv_describe_ex(FC_OP_FORWARD, &good, FC_ALGORITHM_FFT, FC_FLOAT64, 0, 1, text, sizeof text),
              FC_EUNSUPPORTED);

    /* sizes that overflow 64 bits: checked before any buffer is touched */
    fc_conv_desc ovf[5];
    int no = 0;
    ovf[no] = good; ovf[no].input[0] = INT64_MAX; ovf[no++].pad_high[0] = 1;          /* padded extent */
    ovf[no] = good; ovf[no++].pad_low[1] = INT64_MAX;                                 /* padded extent */
    ovf[no] = good; ovf[no++].dilation[0] = INT64_MAX / 2 + 1;                        /* dilated kernel */
    ovf[no] = good; ovf[no].batch = INT64_MAX / 4; ovf[no++].in_channels = 8;         /* x elements */
    ovf[no] = good; ovf[no].kernel[0] = ovf[no].kernel[1] = 1;
    ovf[no].input[0] = ovf[no].input[1] = INT64_MAX / 64; ovf[no++].ndim = 2;          /* x elements */
    for (int i = 0; i < no; ++i) expect_every_entry(&ovf[i], FC_EOVERFLOW, "overflowing", i);
}


static const single_case single_cases[] = {
    {1, {10}, {4}},       {1, {3}, {7}},        {1, {1}, {1}},          {1, {200}, {9}},
    {2, {6, 7}, {3, 4}},  {2, {2, 3}, {4, 5}},  {2, {30, 33}, {5, 2}},  {2, {5, 5}, {5, 5}},
    {3, {4, 5, 3}, {2, 3, 2}}, {3, {2, 2, 2}, {3, 4, 3}},
};

static void test_single_numbers(void)
{
    static const char *mode_names[3] = {"full", "same", "valid"};
    static const char *bnd_names[5] = {"fill", "wrap", "symm", "nearest", "mirror"};
    char what[200];
    for (size_t ci = 0; ci < sizeof single_cases / sizeof single_cases[0]; ++ci) {
        const single_case *sc = &single_cases[ci];
        const int nd = sc->ndim;
        const int64_t n1 = prod(sc->s1, nd), n2 = prod(sc->s2, nd);
        double *a = rand_array(n1), *k = rand_array(n2);
        float *af = to_f32(a, n1), *kf = to_f32(k, n2);
        for (int mode = FC_MODE_FULL; mode <= FC_MODE_VALID; ++mode) {
            int64_t os[3];
            int valid_ok = 1;
            for (int i = 0; i < nd; ++i) valid_ok &= sc->s1[i] >= sc->s2[i];
            int le = 1;
            for (int i = 0; i < nd; ++i) le &= sc->s1[i] <= sc->s2[i];
            if (mode == FC_MODE_VALID && !valid_ok && !le) {
                EXPECT_ST(fc_correlate_output_shape(nd, sc->s1, sc->s2, (fc_mode)mode, os), FC_EINVAL);
                continue;
            }
            EXPECT_ST(fc_correlate_output_shape(nd, sc->s1, sc->s2, (fc_mode)mode, os), FC_OK);
            for (int i = 0; i < nd; ++i) {
                const int64_t e = mode == FC_MODE_FULL ? sc->s1[i] + sc->s2[i] - 1
                                  : mode == FC_MODE_SAME ? sc->s1[i]
                                  : llabs(sc->s1[i] - sc->s2[i]) + 1;
                EXPECT(os[i] == e, "output shape axis %d: %lld != %lld", i, (long long)os[i], (long long)e);
            }
            const int64_t no = prod(os, nd);
            double *ref = xmalloc(8 * (size_t)no), *aref = xmalloc(8 * (size_t)no);
            double *got = xmalloc(8 * (size_t)no);
            float *gotf = xmalloc(4 * (size_t)no);
            const double nterms = (double)n2 > (double)n1 ? (double)n2 : (double)n1;
            for (int conv = 0; conv <= 1; ++conv) {
                const char *fn = conv ? "convolve" : "correlate";
                single_naive(nd, sc->s1, a, sc->s2, k, (fc_mode)mode, conv, 0, FC_BOUNDARY_FILL, 0.0, os, ref, aref);
                snprintf(what, sizeof what, "%s %dd %s case %zu", fn, nd, mode_names[mode], ci);
                if (conv) {
                    EXPECT_ST(fc_convolve_f64(nd, sc->s1, a, sc->s2, k, (fc_mode)mode, got, 0), FC_OK);
                    EXPECT_ST(fc_convolve_f32(nd, sc->s1, af, sc->s2, kf, (fc_mode)mode, gotf, 0), FC_OK);
                } else {
                    EXPECT_ST(fc_correlate_f64(nd, sc->s1, a, sc->s2, k, (fc_mode)mode, got, 0), FC_OK);
                    EXPECT_ST(fc_correlate_f32(nd, sc->s1, af, sc->s2, kf, (fc_mode)mode, gotf, 0), FC_OK);
                }
                check_close(what, no, got, 0, ref, aref, nterms);
                check_close(what, no, gotf, 1, ref, aref, nterms);
                if (nd != 2) continue;
                for (int bnd = FC_BOUNDARY_FILL; bnd <= FC_BOUNDARY_MIRROR; ++bnd) {
                    const double fill = bnd == FC_BOUNDARY_FILL ? 1.5 : 0.0;
                    fn = conv ? "convolve2d" : "correlate2d";
                    single_naive(nd, sc->s1, a, sc->s2, k, (fc_mode)mode, conv, 1, bnd, fill, os, ref, aref);
                    snprintf(what, sizeof what, "%s %s %s case %zu", fn, mode_names[mode], bnd_names[bnd], ci);
                    if (conv) {
                        EXPECT_ST(fc_convolve2d_f64(sc->s1, a, sc->s2, k, (fc_mode)mode, (fc_boundary)bnd, fill, got, 0), FC_OK);
                        EXPECT_ST(fc_convolve2d_f32(sc->s1, af, sc->s2, kf, (fc_mode)mode, (fc_boundary)bnd, (float)fill, gotf, 0), FC_OK);
                    } else {
                        EXPECT_ST(fc_correlate2d_f64(sc->s1, a, sc->s2, k, (fc_mode)mode, (fc_boundary)bnd, fill, got, 0), FC_OK);
                        EXPECT_ST(fc_correlate2d_f32(sc->s1, af, sc->s2, kf, (fc_mode)mode, (fc_boundary)bnd, (float)fill, gotf, 0), FC_OK);
                    }
                    check_close(what, no, got, 0, ref, aref, nterms);
                    check_close(what, no, gotf, 1, ref, aref, nterms);
                }
            }
            free(ref); free(aref); free(got); free(gotf);
        }
        free(a); free(k); free(af); free(kf);
    }
}

static void test_single_errors(void)
{
    const int64_t s1[3] = {4, 5, 6}, s2[3] = {2, 2, 2}, big[2] = {INT64_MAX, 3}, two[2] = {2, 1};
    const int64_t bad_valid1[2] = {3, 5}, bad_valid2[2] = {4, 4}, zero[2] = {0, 3};
    int64_t os[FC_MAX_NDIM + 1];
    double a[120] = {0}, k[8] = {0}, o[400];
    float af[120] = {0}, kf[8] = {0}, of[400];

    EXPECT_ST(fc_correlate_output_shape(0, s1, s2, FC_MODE_FULL, os), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(-1, s1, s2, FC_MODE_FULL, os), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(FC_MAX_NDIM + 1, s1, s2, FC_MODE_FULL, os), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(2, NULL, s2, FC_MODE_FULL, os), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(2, s1, NULL, FC_MODE_FULL, os), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(2, s1, s2, FC_MODE_FULL, NULL), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(2, zero, s2, FC_MODE_SAME, os), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(2, bad_valid1, bad_valid2, FC_MODE_VALID, os), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(2, s1, s2, (fc_mode)7, os), FC_EINVAL);
    EXPECT_ST(fc_correlate_output_shape(2, big, two, FC_MODE_FULL, os), FC_EOVERFLOW);
    EXPECT_ST(fc_correlate_output_shape(2, big, two, FC_MODE_SAME, os), FC_OK);

    /* correlate/convolve: rank 1..3 only, no NULL buffers, valid shapes and modes */
    const int64_t s4[4] = {2, 2, 2, 2};
    EXPECT_ST(fc_correlate_f64(4, s4, a, s4, k, FC_MODE_FULL, o, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate_f32(0, s1, af, s2, kf, FC_MODE_FULL, of, 0), FC_EINVAL);
    EXPECT_ST(fc_convolve_f64(4, s4, a, s4, k, FC_MODE_FULL, o, 0), FC_EINVAL);
    EXPECT_ST(fc_convolve_f32(4, s4, af, s4, kf, FC_MODE_FULL, of, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate_f64(2, s1, NULL, s2, k, FC_MODE_FULL, o, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate_f64(2, s1, a, s2, NULL, FC_MODE_FULL, o, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate_f64(2, s1, a, s2, k, FC_MODE_FULL, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate_f64(2, NULL, a, s2, k, FC_MODE_FULL, o, 0), FC_EINVAL);
    EXPECT_ST(fc_convolve_f32(2, s1, af, s2, kf, FC_MODE_FULL, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate_f32(2, bad_valid1, af, bad_valid2, kf, FC_MODE_VALID, of, 0), FC_EINVAL);
    EXPECT_ST(fc_convolve_f64(2, bad_valid1, a, bad_valid2, k, FC_MODE_VALID, o, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate_f64(2, s1, a, s2, k, (fc_mode)5, o, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate_f64(2, zero, a, s2, k, FC_MODE_FULL, o, 0), FC_EINVAL);

    /* 2-D: bad boundary, bad mode, NULLs */
    EXPECT_ST(fc_correlate2d_f64(s1, a, s2, k, FC_MODE_SAME, (fc_boundary)5, 0.0, o, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate2d_f32(s1, af, s2, kf, FC_MODE_SAME, (fc_boundary)-1, 0.0f, of, 0), FC_EINVAL);
    EXPECT_ST(fc_convolve2d_f64(s1, a, s2, k, FC_MODE_SAME, (fc_boundary)9, 0.0, o, 0), FC_EINVAL);
    EXPECT_ST(fc_convolve2d_f32(s1, af, s2, kf, (fc_mode)3, FC_BOUNDARY_WRAP, 0.0f, of, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate2d_f64(s1, NULL, s2, k, FC_MODE_SAME, FC_BOUNDARY_FILL, 0.0, o, 0), FC_EINVAL);
    EXPECT_ST(fc_convolve2d_f32(s1, af, s2, kf, FC_MODE_SAME, FC_BOUNDARY_FILL, 0.0f, NULL, 0), FC_EINVAL);
    EXPECT_ST(fc_correlate2d_f32(NULL, af, s2, kf, FC_MODE_SAME, FC_BOUNDARY_FILL, 0.0f, of, 0), FC_EINVAL);
    EXPECT_ST(fc_convolve2d_f64(bad_valid1, a, bad_valid2, k, FC_MODE_VALID, FC_BOUNDARY_SYMM, 0.0, o, 0), FC_EINVAL);

    /* sizes that overflow: before any buffer is read */
    const int64_t huge1[1] = {INT64_MAX}, one1[1] = {2};
    const int64_t huge2[2] = {INT64_MAX / 2, 4}, one2[2] = {1, 1};
    EXPECT_ST(fc_correlate_f64(1, huge1, a, one1, k, FC_MODE_FULL, o, 0), FC_EOVERFLOW);
    EXPECT_ST(fc_convolve_f32(1, huge1, af, one1, kf, FC_MODE_FULL, of, 0), FC_EOVERFLOW);
    EXPECT_ST(fc_correlate_f32(2, huge2, af, one2, kf, FC_MODE_SAME, of, 0), FC_EOVERFLOW);
    EXPECT_ST(fc_convolve_f64(2, huge2, a, one2, k, FC_MODE_VALID, o, 0), FC_EOVERFLOW);
    EXPECT_ST(fc_correlate2d_f64(huge2, a, one2, k, FC_MODE_SAME, FC_BOUNDARY_WRAP, 0.0, o, 0), FC_EOVERFLOW);
    EXPECT_ST(fc_convolve2d_f32(huge2, af, one2, kf, FC_MODE_FULL, FC_BOUNDARY_SYMM, 0.0f, of, 0), FC_EOVERFLOW);
}

/* ------------------------------------------------------------------ rot180 and pad */

static void test_movement(void)
{
    /* rot180 of a (3, 4, 5) int32 view with every other element of a (3, 4, 10) base,
     * over axes {0, 2}; then of a view with a negative stride (a reversed axis). */
    int32_t base[3 * 4 * 10], dst[60], want[60];
    for (int i = 0; i < 120; ++i) base[i] = i * 7 - 300;
    const int64_t shape[3] = {3, 4, 5}, strides[3] = {4 * 10 * 4, 10 * 4, 2 * 4};
    for (uint64_t mask = 0; mask < 8; ++mask) {
        for (int64_t i = 0; i < 3; ++i)
            for (int64_t j = 0; j < 4; ++j)
                for (int64_t l = 0; l < 5; ++l) {
                    const int64_t si = (mask & 1) ? 2 - i : i, sj = (mask & 2) ? 3 - j : j, sl = (mask & 4) ? 4 - l : l;
                    want[(i * 4 + j) * 5 + l] = base[si * 40 + sj * 10 + sl * 2];
                }
        memset(dst, 0, sizeof dst);
        EXPECT_ST(fc_rot180(3, shape, strides, mask, 4, base, dst), FC_OK);
        EXPECT(memcmp(dst, want, sizeof want) == 0, "rot180 strided view, axes mask %llu", (unsigned long long)mask);
    }
    /* negative stride on axis 1: the view base[:, ::-1, ::2] starts at row 3 */
    const int64_t nstrides[3] = {40 * 4, -10 * 4, 2 * 4};
    EXPECT_ST(fc_rot180(3, shape, nstrides, 2u, 4, base + 30, dst), FC_OK);   /* flipping it back */
    int okneg = 1;
    for (int64_t i = 0; i < 3; ++i)
        for (int64_t j = 0; j < 4; ++j)
            for (int64_t l = 0; l < 5; ++l) okneg &= dst[(i * 4 + j) * 5 + l] == base[i * 40 + j * 10 + l * 2];
    EXPECT(okneg, "rot180 of a negative-stride view");
    /* 3-byte elements, contiguous, all axes */
    unsigned char b3[2 * 3 * 3], d3[2 * 3 * 3];
    for (int i = 0; i < 18; ++i) b3[i] = (unsigned char)i;
    const int64_t sh2[2] = {2, 3}, st2[2] = {9, 3};
    EXPECT_ST(fc_rot180(2, sh2, st2, 3u, 3, b3, d3), FC_OK);
    int ok3 = 1;
    for (int e = 0; e < 6; ++e) ok3 &= memcmp(d3 + 3 * e, b3 + 3 * (5 - e), 3) == 0;
    EXPECT(ok3, "rot180 with 3-byte elements");
    /* 0-d: a copy of one element; empty arrays: nothing, NULL buffers allowed */
    double s0 = 2.5, d0 = 0.0;
    EXPECT_ST(fc_rot180(0, NULL, NULL, 0, sizeof(double), &s0, &d0), FC_OK);
    EXPECT(d0 == 2.5, "rot180 of a 0-d array");
    const int64_t sh0[2] = {3, 0};
    EXPECT_ST(fc_rot180(2, sh0, st2, 3u, 8, NULL, NULL), FC_OK);
    /* errors */
    EXPECT_ST(fc_rot180(-1, shape, strides, 0, 4, base, dst), FC_EINVAL);
    EXPECT_ST(fc_rot180(FC_MAX_NDIM + 1, shape, strides, 0, 4, base, dst), FC_EINVAL);
    EXPECT_ST(fc_rot180(3, shape, strides, 8u, 4, base, dst), FC_EINVAL);      /* axis 3 of 3 */
    EXPECT_ST(fc_rot180(3, shape, strides, 1u, 0, base, dst), FC_EINVAL);      /* itemsize 0 */
    EXPECT_ST(fc_rot180(3, NULL, strides, 1u, 4, base, dst), FC_EINVAL);
    EXPECT_ST(fc_rot180(3, shape, NULL, 1u, 4, base, dst), FC_EINVAL);
    EXPECT_ST(fc_rot180(3, shape, strides, 1u, 4, NULL, dst), FC_EINVAL);
    EXPECT_ST(fc_rot180(3, shape, strides, 1u, 4, base, NULL), FC_EINVAL);
    const int64_t negshape[2] = {2, -1};
    EXPECT_ST(fc_rot180(2, negshape, st2, 1u, 4, base, dst), FC_EINVAL);
    const int64_t hugeshape[2] = {INT64_MAX / 2, 4};
    EXPECT_ST(fc_rot180(2, hugeshape, st2, 1u, 1, base, dst), FC_EOVERFLOW);
    const int64_t hugeitems[1] = {INT64_MAX / 4};
    EXPECT_ST(fc_rot180(1, hugeitems, st2, 1u, 8, base, dst), FC_EOVERFLOW);  /* bytes */

    /* pad: (2, 3) float64 by (1, 0) before and (2, 3) after -> (5, 6) */
    const double src[6] = {1, 2, 3, 4, 5, 6};
    double pd[30], pw[30];
    const int64_t ps[2] = {2, 3}, lo[2] = {1, 0}, hi[2] = {2, 3};
    for (int i = 0; i < 30; ++i) pd[i] = -1.0;
    memset(pw, 0, sizeof pw);
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) pw[(i + 1) * 6 + j] = src[i * 3 + j];
    EXPECT_ST(fc_pad(2, ps, lo, hi, sizeof(double), src, pd), FC_OK);
    EXPECT(memcmp(pd, pw, sizeof pw) == 0, "pad (2, 3) by (1, 0) / (2, 3)");
    /* 1-byte elements, 3-D, padding only the middle axis */
    unsigned char s8[8] = {1, 2, 3, 4, 5, 6, 7, 8}, p8[16], w8[16] = {0};
    const int64_t sh8[3] = {2, 2, 2}, lo8[3] = {0, 1, 0}, hi8[3] = {0, 1, 0};
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int l = 0; l < 2; ++l) w8[(i * 4 + j + 1) * 2 + l] = s8[(i * 2 + j) * 2 + l];
    memset(p8, 0xAB, sizeof p8);
    EXPECT_ST(fc_pad(3, sh8, lo8, hi8, 1, s8, p8), FC_OK);
    EXPECT(memcmp(p8, w8, sizeof w8) == 0, "pad 3-D bytes");
    /* padding an empty array gives zeros */
    const int64_t e1[1] = {0}, l1[1] = {2}, h1[1] = {1};
    double pe[3] = {9, 9, 9};
    EXPECT_ST(fc_pad(1, e1, l1, h1, sizeof(double), NULL, pe), FC_OK);
    EXPECT(pe[0] == 0 && pe[1] == 0 && pe[2] == 0, "pad of an empty array");
    /* errors */
    const int64_t neg[2] = {-1, 0};
    EXPECT_ST(fc_pad(2, ps, neg, hi, 8, src, pd), FC_EINVAL);
    EXPECT_ST(fc_pad(2, ps, lo, neg, 8, src, pd), FC_EINVAL);
    EXPECT_ST(fc_pad(2, ps, NULL, hi, 8, src, pd), FC_EINVAL);
    EXPECT_ST(fc_pad(2, ps, lo, NULL, 8, src, pd), FC_EINVAL);
    EXPECT_ST(fc_pad(2, ps, lo, hi, 8, NULL, pd), FC_EINVAL);
    EXPECT_ST(fc_pad(2, ps, lo, hi, 8, src, NULL), FC_EINVAL);
    EXPECT_ST(fc_pad(2, ps, lo, hi, 0, src, pd), FC_EINVAL);
    EXPECT_ST(fc_pad(FC_MAX_NDIM + 1, ps, lo, hi, 8, src, pd), FC_EINVAL);
    EXPECT_ST(fc_pad(2, negshape, lo, hi, 8, src, pd), FC_EINVAL);
    const int64_t bigpad[2] = {INT64_MAX, 0};
    EXPECT_ST(fc_pad(2, ps, lo, bigpad, 8, src, pd), FC_EOVERFLOW);          /* padded extent */
    const int64_t bigish[2] = {INT64_MAX / 4, 0}, zpad[2] = {0, 0};
    EXPECT_ST(fc_pad(2, ps, bigish, zpad, 8, src, pd), FC_EOVERFLOW);        /* bytes of the result */
    EXPECT_ST(fc_pad(1, hugeitems, zpad, zpad, 8, src, pd), FC_EOVERFLOW);   /* bytes */
}

/* ------------------------------------------------------------------ runtime */

static int in_list(const char *list, const char *name)
{
    const size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

static void test_runtime(void)
{
    /* a message for every status, distinct, and one for an unknown value */
    const fc_status all[5] = {FC_OK, FC_EINVAL, FC_ENOMEM, FC_EOVERFLOW, FC_EUNSUPPORTED};
    for (int i = 0; i < 5; ++i) {
        const char *m = fc_status_message(all[i]);
        EXPECT(m && *m, "fc_status_message(%d) is empty", (int)all[i]);
        for (int j = 0; j < i; ++j)
            EXPECT(m && strcmp(m, fc_status_message(all[j])) != 0, "statuses %d and %d share a message", i, j);
        printf("status %d: %s\n", (int)all[i], m ? m : "(null)");
    }
    const char *unknown = fc_status_message((fc_status)42);
    EXPECT(unknown && *unknown, "fc_status_message(42) is empty");

    char ver[64];
    snprintf(ver, sizeof ver, "%d.%d.%d", FC_VERSION_MAJOR, FC_VERSION_MINOR, FC_VERSION_PATCH);
    EXPECT(fc_version() && strcmp(fc_version(), ver) == 0, "fc_version() %s != header %s", fc_version(), ver);

    const char *compiled = fc_isa_compiled(), *supported = fc_isa_supported();
    EXPECT(in_list(compiled, "baseline"), "baseline not compiled: %s", compiled);
    EXPECT(in_list(supported, "baseline"), "baseline not supported: %s", supported);
    EXPECT(in_list(compiled, fc_isa()) && in_list(supported, fc_isa()), "fc_isa() %s not in %s / %s", fc_isa(),
           compiled, supported);
    EXPECT(fc_compiler() && *fc_compiler(), "fc_compiler() empty");
    EXPECT(fc_has_openmp() == 0 || fc_has_openmp() == 1, "fc_has_openmp() = %d", fc_has_openmp());
    printf("fastconv %s, isa %s (compiled: %s; supported: %s), openmp %d, %s\n", fc_version(), fc_isa(),
           compiled, supported, fc_has_openmp(), fc_compiler());

    /* fc_set_isa: unknown names are invalid; known ones work exactly when supported */
    const char *prev = fc_isa();
    EXPECT_ST(fc_set_isa(NULL), FC_EINVAL);
    EXPECT_ST(fc_set_isa("sse9"), FC_EINVAL);
    EXPECT_ST(fc_set_isa(""), FC_EINVAL);
    static const char *names[3] = {"baseline", "avx2", "avx512"};
    int unsupported = 0;
    for (int i = 0; i < 3; ++i) {
        if (in_list(supported, names[i])) {
            EXPECT_ST(fc_set_isa(names[i]), FC_OK);
            EXPECT(strcmp(fc_isa(), names[i]) == 0, "after fc_set_isa(%s) fc_isa() is %s", names[i], fc_isa());
        } else {
            ++unsupported;
            EXPECT_ST(fc_set_isa(names[i]), FC_EUNSUPPORTED);
            printf("fc_set_isa(\"%s\") -> FC_EUNSUPPORTED (%s on this CPU/build)\n", names[i],
                   in_list(compiled, names[i]) ? "compiled, not supported" : "not compiled");
        }
    }
    if (!unsupported) printf("FC_EUNSUPPORTED: not reachable, this CPU supports every ISA of the build\n");
    EXPECT_ST(fc_set_isa(prev), FC_OK);

    /* thread count: explicit, then back to the OpenMP default */
    const int def = fc_get_num_threads();
    EXPECT(def >= 1, "fc_get_num_threads() = %d", def);
    EXPECT_ST(fc_set_num_threads(3), FC_OK);
    EXPECT(fc_get_num_threads() == 3, "after set 3: %d", fc_get_num_threads());
    EXPECT_ST(fc_set_num_threads(0), FC_OK);
    EXPECT(fc_get_num_threads() == def, "after set 0: %d != default %d", fc_get_num_threads(), def);
    EXPECT_ST(fc_set_num_threads(-5), FC_OK);
    EXPECT(fc_get_num_threads() == def, "after set -5: %d != default %d", fc_get_num_threads(), def);
}

int main(void)
{
    test_runtime();
    cur_isa = "any";
    test_conv_errors();
    test_single_errors();
    test_movement();
    /* the numbers, once per ISA this CPU runs */
    const char *supported = fc_isa_supported();
    static const char *names[3] = {"baseline", "avx2", "avx512"};
    const char *prev = fc_isa();
    for (int i = 0; i < 3; ++i) {
        if (!in_list(supported, names[i])) continue;
        if (fc_set_isa(names[i]) != FC_OK) continue;
        cur_isa = names[i];
        const long before = n_fail;
        test_conv_numbers();
        test_single_numbers();
        printf("isa %s: %s\n", names[i], n_fail == before ? "ok" : "FAILED");
    }
    fc_set_isa(prev);
    printf("capi: %ld passed, %ld failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
