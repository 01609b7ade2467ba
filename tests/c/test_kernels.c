/* Tile-edge driver of the fastconv C API: every public C entry point against naive C
 * loops, at output widths and channel counts just below, at and just above each register
 * tile of every kernel (and 1, and primes), under every ISA this CPU supports
 * (fc_set_isa), in float and double, with stride / dilation / padding / groups / flip
 * variants.
 *
 * Tiles (output channels x output pixels), f32; f64 halves the pixel counts:
 *   avx512: forward 8x48, narrow 4x96, single-channel 192, multi-row 6 rows x 64,
 *           backward-weight 32 out-channels x 12 streams, narrow 8x12
 *   avx2:   4x24, 2x48, 48, 6x16, 16x6, 8x12
 *   base:   4x8, 2x16, 16, 4x8, 8x4, 4x8
 *
 * It is built by tests/test_sanitizers.py together with the library *sources* under
 * AddressSanitizer + UndefinedBehaviorSanitizer (every buffer below is allocated at its
 * exact size, so any read or write past a tile edge is reported), and once at -O2 without
 * sanitizers.  Helpers (check_close, conv_naive, corr_naive, single_naive) follow
 * tests/c/test_capi.c: written from the definitions in fastconv.h / fastconv/reference.py.
 *
 * Prints one line per failure on stderr, a summary on stdout; exits 0 only if all pass.
 * TEST_KERNELS_TRACE=1 prints each conv case on stderr before it runs (to name the case a
 * sanitizer report comes from).
 *   cc -std=gnu99 -O2 test_kernels.c <library sources or -lfastconv> -lm -o test_kernels */
#include <fastconv.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long n_pass, n_fail;
static const char *cur_isa = "?";

#define EXPECT(cond, ...)                                                                 \
    do {                                                                                  \
        if (cond) {                                                                       \
            ++n_pass;                                                                     \
        } else {                                                                          \
            ++n_fail;                                                                     \
            fprintf(stderr, "FAIL [%s] %s:%d: ", cur_isa, __FILE__, __LINE__);            \
            fprintf(stderr, __VA_ARGS__);                                                 \
            fprintf(stderr, "\n");                                                        \
        }                                                                                 \
    } while (0)

#define EXPECT_ST(call, want)                                                             \
    do {                                                                                  \
        fc_status got_ = (call);                                                          \
        EXPECT(got_ == (want), "%s -> %d (%s), expected %d (%s)", #call, (int)got_,       \
               fc_status_message(got_), (int)(want), fc_status_message(want));            \
    } while (0)

/* ------------------------------------------------------------------ helpers */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* uniform in [-1, 1), exactly representable in float (multiples of 2^-23) */
static double urand(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(int64_t)((rng_state >> 40) & 0xFFFFFF) / 8388608.0 - 1.0;
}

static void *xmalloc(size_t n)
{
    void *p = calloc(n ? n : 1, 1);
    if (!p) {
        fprintf(stderr, "test_kernels: out of memory\n");
        exit(2);
    }
    return p;
}

static double *rand_array(int64_t n)
{
    double *a = xmalloc(sizeof(double) * (size_t)n);
    for (int64_t i = 0; i < n; ++i) a[i] = urand();
    return a;
}

static float *to_f32(const double *a, int64_t n)
{
    float *f = xmalloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; ++i) f[i] = (float)a[i];
    return f;
}

static int64_t prod(const int64_t *v, int n)
{
    int64_t p = 1;
    for (int i = 0; i < n; ++i) p *= v[i];
    return p;
}

/* got (float or double, as given by f32) against ref with the bound above */
static void check_close(const char *what, int64_t n, const void *got, int f32, const double *ref,
                        const double *absref, double nterms)
{
    const double eps = f32 ? FLT_EPSILON : DBL_EPSILON;
    int64_t bad = 0, worst_i = -1;
    double worst = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const double g = f32 ? (double)((const float *)got)[i] : ((const double *)got)[i];
        const double err = fabs(g - ref[i]), bound = (nterms + 2.0) * eps * absref[i];
        if (!(err <= bound)) {
            ++bad;
            if (worst_i < 0 || err - bound > worst) { worst = err - bound; worst_i = i; }
        }
    }
    if (bad) {
        const double g = f32 ? (double)((const float *)got)[worst_i] : ((const double *)got)[worst_i];
        EXPECT(0, "%s (%s): %lld of %lld elements off; e.g. [%lld] got %.17g expected %.17g", what,
               f32 ? "f32" : "f64", (long long)bad, (long long)n, (long long)worst_i, g, ref[worst_i]);
    } else {
        EXPECT(1, "%s", what);
    }
}

/* ------------------------------------------------------------------ batched convolution */

typedef struct conv_case {
    const char *name;
    int ndim;
    int64_t N, C, K, G;
    int64_t in[3], ker[3], str[3], dil[3], plo[3], phi[3];
    int flip, bias;
} conv_case;

static fc_conv_desc make_desc(const conv_case *c)
{
    fc_conv_desc d;
    memset(&d, 0, sizeof d);
    d.ndim = c->ndim;
    d.batch = c->N;
    d.in_channels = c->C;
    d.out_channels = c->K;
    d.groups = c->G;
    for (int i = 0; i < 3; ++i) {
        d.input[i] = d.kernel[i] = d.stride[i] = d.dilation[i] = 1;
        d.pad_low[i] = d.pad_high[i] = 0;
    }
    for (int i = 0; i < c->ndim; ++i) {
        d.input[i] = c->in[i];
        d.kernel[i] = c->ker[i];
        d.stride[i] = c->str[i];
        d.dilation[i] = c->dil[i];
        d.pad_low[i] = c->plo[i];
        d.pad_high[i] = c->phi[i];
    }
    d.flip = c->flip;
    return d;
}

/* Naive forward, backward-input, backward-weight and backward-bias of one problem, from
 * the definition: y[n,k,o] = b[k] + sum_{c<C/G} sum_r x[n, g*C/G + c, o*s - plo + r*d] * w[k,c,r']
 * (g = k / (K/G), r' = r or its 180-degree rotation when flip), and the gradients of
 * sum(go * y).  Shapes are lifted to 3 spatial axes with leading unit axes. */
static void conv_naive(const conv_case *cc, const int64_t out[3], const double *x, const double *w,
                       const double *b, const double *go, double *y, double *ya, double *gx,
                       double *gxa, double *gw, double *gwa, double *gb, double *gba)
{
    const int lead = 3 - cc->ndim;
    int64_t I[3], R[3], S[3], D[3], P[3], O[3];
    for (int a = 0; a < 3; ++a) {
        const int j = a - lead;
        I[a] = j >= 0 ? cc->in[j] : 1;
        R[a] = j >= 0 ? cc->ker[j] : 1;
        S[a] = j >= 0 ? cc->str[j] : 1;
        D[a] = j >= 0 ? cc->dil[j] : 1;
        P[a] = j >= 0 ? cc->plo[j] : 0;
        O[a] = j >= 0 ? out[j] : 1;
    }
    const int64_t Cg = cc->C / cc->G, Kg = cc->K / cc->G, T = R[0] * R[1] * R[2];
    const int64_t sin = I[0] * I[1] * I[2], sout = O[0] * O[1] * O[2];
    memset(gx, 0, sizeof(double) * (size_t)(cc->N * cc->C * sin));
    memset(gxa, 0, sizeof(double) * (size_t)(cc->N * cc->C * sin));
    memset(gw, 0, sizeof(double) * (size_t)(cc->K * Cg * T));
    memset(gwa, 0, sizeof(double) * (size_t)(cc->K * Cg * T));
    memset(gb, 0, sizeof(double) * (size_t)cc->K);
    memset(gba, 0, sizeof(double) * (size_t)cc->K);
    for (int64_t n = 0; n < cc->N; ++n)
        for (int64_t k = 0; k < cc->K; ++k) {
            const int64_t g = k / Kg;
            for (int64_t o0 = 0; o0 < O[0]; ++o0)
                for (int64_t o1 = 0; o1 < O[1]; ++o1)
                    for (int64_t o2 = 0; o2 < O[2]; ++o2) {
                        const int64_t yi = (n * cc->K + k) * sout + (o0 * O[1] + o1) * O[2] + o2;
                        const double gov = go[yi];
                        double acc = b ? b[k] : 0.0, aacc = b ? fabs(b[k]) : 0.0;
                        gb[k] += gov;
                        gba[k] += fabs(gov);
                        for (int64_t c = 0; c < Cg; ++c)
                            for (int64_t r0 = 0; r0 < R[0]; ++r0)
                                for (int64_t r1 = 0; r1 < R[1]; ++r1)
                                    for (int64_t r2 = 0; r2 < R[2]; ++r2) {
                                        const int64_t i0 = o0 * S[0] - P[0] + r0 * D[0];
                                        const int64_t i1 = o1 * S[1] - P[1] + r1 * D[1];
                                        const int64_t i2 = o2 * S[2] - P[2] + r2 * D[2];
                                        if (i0 < 0 || i0 >= I[0] || i1 < 0 || i1 >= I[1] || i2 < 0 ||
                                            i2 >= I[2])
                                            continue;
                                        const int64_t rr =
                                            cc->flip ? ((R[0] - 1 - r0) * R[1] + (R[1] - 1 - r1)) * R[2] +
                                                           (R[2] - 1 - r2)
                                                     : (r0 * R[1] + r1) * R[2] + r2;
                                        const int64_t xi =
                                            (n * cc->C + g * Cg + c) * sin + (i0 * I[1] + i1) * I[2] + i2;
                                        const int64_t wi = (k * Cg + c) * T + rr;
                                        acc += x[xi] * w[wi];
                                        aacc += fabs(x[xi] * w[wi]);
                                        gx[xi] += gov * w[wi];
                                        gxa[xi] += fabs(gov * w[wi]);
                                        gw[wi] += gov * x[xi];
                                        gwa[wi] += fabs(gov * x[xi]);
                                    }
                        y[yi] = acc;
                        ya[yi] = aacc;
                    }
        }
}

static void run_conv_case(const conv_case *cc)
{
    char what[160];
    const fc_conv_desc d = make_desc(cc);
    int64_t out[3] = {0, 0, 0};
    EXPECT_ST(fc_conv_output_shape(&d, out), FC_OK);
    int64_t out_expect[3];
    for (int i = 0; i < cc->ndim; ++i)
        out_expect[i] =
            (cc->in[i] + cc->plo[i] + cc->phi[i] - cc->dil[i] * (cc->ker[i] - 1) - 1) / cc->str[i] + 1;
    for (int i = 0; i < cc->ndim; ++i)
        EXPECT(out[i] == out_expect[i], "%s: output axis %d: %lld != %lld", cc->name, i,
               (long long)out[i], (long long)out_expect[i]);

    const int64_t T = prod(cc->ker, cc->ndim), Cg = cc->C / cc->G, Kg = cc->K / cc->G;
    const int64_t nx = cc->N * cc->C * prod(cc->in, cc->ndim), nw = cc->K * Cg * T;
    const int64_t sout = prod(out, cc->ndim), ny = cc->N * cc->K * sout;
    double *x = rand_array(nx), *w = rand_array(nw), *b = rand_array(cc->K), *go = rand_array(ny);
    float *xf = to_f32(x, nx), *wf = to_f32(w, nw), *bf = to_f32(b, cc->K), *gof = to_f32(go, ny);
    double *y = xmalloc(8 * (size_t)ny), *ya = xmalloc(8 * (size_t)ny);
    double *gx = xmalloc(8 * (size_t)nx), *gxa = xmalloc(8 * (size_t)nx);
    double *gw = xmalloc(8 * (size_t)nw), *gwa = xmalloc(8 * (size_t)nw);
    double *gb = xmalloc(8 * (size_t)cc->K), *gba = xmalloc(8 * (size_t)cc->K);
    conv_naive(cc, out, x, w, cc->bias ? b : NULL, go, y, ya, gx, gxa, gw, gwa, gb, gba);

    /* library outputs, pre-filled with garbage to catch elements never written */
    double *ry = xmalloc(8 * (size_t)ny), *rgx = xmalloc(8 * (size_t)nx), *rgw = xmalloc(8 * (size_t)nw);
    double *rgb = xmalloc(8 * (size_t)cc->K);
    float *fy = xmalloc(4 * (size_t)ny), *fgx = xmalloc(4 * (size_t)nx), *fgw = xmalloc(4 * (size_t)nw);
    float *fgb = xmalloc(4 * (size_t)cc->K);
    for (int64_t i = 0; i < ny; ++i) ry[i] = fy[i] = 1e3f;
    for (int64_t i = 0; i < nx; ++i) rgx[i] = fgx[i] = 1e3f;
    for (int64_t i = 0; i < nw; ++i) rgw[i] = fgw[i] = 1e3f;
    for (int64_t i = 0; i < cc->K; ++i) rgb[i] = fgb[i] = 1e3f;

    const double n_fwd = (double)(Cg * T + 1), n_bwi = (double)(Kg * T), n_red = (double)(cc->N * sout);
    EXPECT_ST(fc_conv_forward_f64(&d, x, w, cc->bias ? b : NULL, ry, 0), FC_OK);
    EXPECT_ST(fc_conv_forward_f32(&d, xf, wf, cc->bias ? bf : NULL, fy, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_input_f64(&d, go, w, rgx, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_input_f32(&d, gof, wf, fgx, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_weight_f64(&d, x, go, rgw, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_weight_f32(&d, xf, gof, fgw, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_bias_f64(&d, go, rgb, 0), FC_OK);
    EXPECT_ST(fc_conv_backward_bias_f32(&d, gof, fgb, 0), FC_OK);
    snprintf(what, sizeof what, "%s forward", cc->name);
    check_close(what, ny, ry, 0, y, ya, n_fwd);
    check_close(what, ny, fy, 1, y, ya, n_fwd);
    snprintf(what, sizeof what, "%s backward_input", cc->name);
    check_close(what, nx, rgx, 0, gx, gxa, n_bwi);
    check_close(what, nx, fgx, 1, gx, gxa, n_bwi);
    snprintf(what, sizeof what, "%s backward_weight", cc->name);
    check_close(what, nw, rgw, 0, gw, gwa, n_red);
    check_close(what, nw, fgw, 1, gw, gwa, n_red);
    snprintf(what, sizeof what, "%s backward_bias", cc->name);
    check_close(what, cc->K, rgb, 0, gb, gba, n_red);
    check_close(what, cc->K, fgb, 1, gb, gba, n_red);

    /* "bit-for-bit identical for every thread count" */
    double *t1 = xmalloc(8 * (size_t)(ny > nw ? ny : nw)), *t3 = xmalloc(8 * (size_t)(ny > nw ? ny : nw));
    EXPECT_ST(fc_conv_forward_f64(&d, x, w, cc->bias ? b : NULL, t1, 1), FC_OK);
    EXPECT_ST(fc_conv_forward_f64(&d, x, w, cc->bias ? b : NULL, t3, 3), FC_OK);
    EXPECT(memcmp(t1, t3, 8 * (size_t)ny) == 0, "%s: forward differs between 1 and 3 threads", cc->name);
    EXPECT_ST(fc_conv_backward_weight_f64(&d, x, go, t1, 1), FC_OK);
    EXPECT_ST(fc_conv_backward_weight_f64(&d, x, go, t3, 3), FC_OK);
    EXPECT(memcmp(t1, t3, 8 * (size_t)nw) == 0, "%s: backward_weight differs between 1 and 3 threads",
           cc->name);

    free(t1); free(t3);
    free(x); free(w); free(b); free(go); free(xf); free(wf); free(bf); free(gof);
    free(y); free(ya); free(gx); free(gxa); free(gw); free(gwa); free(gb); free(gba);
    free(ry); free(rgx); free(rgw); free(rgb); free(fy); free(fgx); free(fgw); free(fgb);
}

/* ------------------------------------------------------------------ single-array functions */

/* index i of an axis of extent L extended by `boundary` (np.pad semantics, repeating
 * as often as needed); -1 for "fill" */
static int64_t extend(int64_t i, int64_t L, int boundary)
{
    if (i >= 0 && i < L) return i;
    if (boundary == FC_BOUNDARY_FILL) return -1;
    if (boundary == FC_BOUNDARY_WRAP) return ((i % L) + L) % L;
    while (i < 0 || i >= L) i = i < 0 ? -1 - i : 2 * L - 1 - i;   /* symm: c b a | a b c | c b a */
    return i;
}

/* out[j] = sum_t k[t] * ext(a)[j + start + t - (n2 - 1)] over ndim <= 3 axes, where ext
 * is a extended by `boundary` (fill value `fill`); k is used as given (flip it first for
 * a convolution).  start: 0 for "full", the "same" offset, n2 - 1 for "valid". */
static void corr_naive(int ndim, const int64_t *s1, const double *a, const int64_t *s2, const double *k,
                       const int64_t *start, const int64_t *os, int boundary, double fill, double *out,
                       double *absout)
{
    int64_t A[3] = {1, 1, 1}, Kd[3] = {1, 1, 1}, O[3] = {1, 1, 1}, st[3] = {0, 0, 0};
    for (int i = 0; i < ndim; ++i) {
        A[3 - ndim + i] = s1[i];
        Kd[3 - ndim + i] = s2[i];
        O[3 - ndim + i] = os[i];
        st[3 - ndim + i] = start[i] - (s2[i] - 1);
    }
    for (int64_t j0 = 0; j0 < O[0]; ++j0)
        for (int64_t j1 = 0; j1 < O[1]; ++j1)
            for (int64_t j2 = 0; j2 < O[2]; ++j2) {
                double acc = 0.0, aacc = 0.0;
                for (int64_t t0 = 0; t0 < Kd[0]; ++t0)
                    for (int64_t t1 = 0; t1 < Kd[1]; ++t1)
                        for (int64_t t2 = 0; t2 < Kd[2]; ++t2) {
                            const int64_t i0 = extend(j0 + st[0] + t0, A[0], boundary);
                            const int64_t i1 = extend(j1 + st[1] + t1, A[1], boundary);
                            const int64_t i2 = extend(j2 + st[2] + t2, A[2], boundary);
                            const double av = (i0 < 0 || i1 < 0 || i2 < 0) ? fill : a[(i0 * A[1] + i1) * A[2] + i2];
                            const double kv = k[(t0 * Kd[1] + t1) * Kd[2] + t2];
                            acc += av * kv;
                            aacc += fabs(av * kv);
                        }
                out[(j0 * O[1] + j1) * O[2] + j2] = acc;
                absout[(j0 * O[1] + j1) * O[2] + j2] = aacc;
            }
}

static void reverse(double *v, int64_t n)
{
    for (int64_t i = 0, j = n - 1; i < j; ++i, --j) {
        const double t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

/* The scipy.signal definition of correlate / convolve / correlate2d / convolve2d
 * (fastconv/reference.py), from corr_naive. */
static void single_naive(int ndim, const int64_t *s1, const double *in1, const int64_t *s2,
                         const double *in2, fc_mode mode, int conv, int two_d, int boundary, double fill,
                         const int64_t *os, double *out, double *absout)
{
    const int64_t n1 = prod(s1, ndim), n2 = prod(s2, ndim);
    int64_t start[3] = {0, 0, 0};
    if (mode == FC_MODE_VALID) {
        int ge = 1;
        for (int i = 0; i < ndim; ++i) ge &= s1[i] >= s2[i];
        if (!ge) { /* scipy swaps: correlate reverses the result, convolve commutes */
            const int64_t *ts = s1;
            const double *ta = in1;
            s1 = s2; in1 = in2; s2 = ts; in2 = ta;
        }
        const int64_t nk = ge ? n2 : n1;
        double *k = xmalloc(8 * (size_t)nk);
        memcpy(k, in2, 8 * (size_t)nk);
        if (conv) reverse(k, nk);    /* rot180 over every axis = reversed C order */
        for (int i = 0; i < ndim; ++i) start[i] = s2[i] - 1;
        corr_naive(ndim, s1, in1, s2, k, start, os, FC_BOUNDARY_FILL, 0.0, out, absout);
        if (!ge && !conv) {
            reverse(out, prod(os, ndim));
            reverse(absout, prod(os, ndim));
        }
        free(k);
        return;
    }
    double *k = xmalloc(8 * (size_t)n2);
    memcpy(k, in2, 8 * (size_t)n2);
    if (conv) reverse(k, n2);
    for (int i = 0; i < ndim; ++i)
        start[i] = mode == FC_MODE_FULL ? 0 : (two_d && !conv ? s2[i] / 2 : (s2[i] - 1) / 2);
    corr_naive(ndim, s1, in1, s2, k, start, os, boundary, fill, out, absout);
    (void)n1;
    free(k);
}

typedef struct single_case {
    int ndim;
    int64_t s1[3], s2[3];
} single_case;

/* ------------------------------------------------------------------ tile-edge sweeps */

/* pixel tile widths of every kernel (f32 and the f64 halves), 1 and a few primes; the
 * sweeps use w-1, w, w+1 of each */
static const int64_t pix_tiles[] = {3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 192};
static const int64_t pix_extra[] = {1, 2, 7, 13, 29, 37, 53, 97, 101, 191, 193};
/* channel tiles (forward 2/4/8, multi-row 6, backward-weight 8/16/32) */
static const int64_t ch_tiles[] = {2, 4, 6, 8, 16, 32};

static int64_t widths[64];
static int n_widths;

static void add_width(int64_t w)
{
    if (w < 1) return;
    for (int i = 0; i < n_widths; ++i)
        if (widths[i] == w) return;
    widths[n_widths++] = w;
}

static void build_widths(void)
{
    for (size_t i = 0; i < sizeof pix_tiles / sizeof pix_tiles[0]; ++i)
        for (int64_t dw = -1; dw <= 1; ++dw) add_width(pix_tiles[i] + dw);
    for (size_t i = 0; i < sizeof pix_extra / sizeof pix_extra[0]; ++i) add_width(pix_extra[i]);
}

static char name_buf[256];

/* a 1-D or 2-D conv case with output width `ow` (input width solved for), K output
 * channels, C input channels, G groups, and a variant v: 0 plain, 1 stride 2, 2 dilation 2,
 * 3 asymmetric padding, 4 flip + bias, 5 stride 3 + dilation 2 + padding + flip */
static void conv_at(int ndim, int64_t N, int64_t C, int64_t K, int64_t G, int64_t oh, int64_t ow,
                    int64_t kh, int64_t kw, int v)
{
    conv_case c;
    memset(&c, 0, sizeof c);
    c.ndim = ndim;
    c.N = N; c.C = C; c.K = K; c.G = G;
    const int64_t s = v == 1 ? 2 : v == 5 ? 3 : 1, dl = (v == 2 || v == 5) ? 2 : 1;
    const int64_t plo = (v == 3 || v == 5) ? 2 : 0, phi = v == 3 ? 1 : v == 5 ? 1 : 0;
    const int64_t os[2] = {oh, ow}, ks[2] = {kh, kw};
    for (int a = 0; a < ndim; ++a) {
        const int64_t o = ndim == 1 ? ow : os[a], k = ndim == 1 ? kw : ks[a];
        c.ker[a] = k;
        c.str[a] = s;
        c.dil[a] = dl;
        c.plo[a] = plo;
        c.phi[a] = phi;
        /* out = (in + plo + phi - dl*(k-1) - 1) / s + 1  ->  smallest in giving o, plus
         * (o % s) extra so the last stride window is sometimes partial */
        int64_t in = (o - 1) * s + dl * (k - 1) + 1 - plo - phi + (o % s);
        if (in < 1) in = 1;
        c.in[a] = in;
        /* padding larger than the input would let the dilated kernel fit only the pads */
        if (c.in[a] + plo + phi < dl * (k - 1) + 1) c.in[a] = dl * (k - 1) + 1;
    }
    c.flip = v == 4 || v == 5;
    c.bias = v != 2;
    snprintf(name_buf, sizeof name_buf,
             "conv%dd N%lld C%lld K%lld G%lld out %lldx%lld ker %lldx%lld variant %d", ndim,
             (long long)N, (long long)C, (long long)K, (long long)G, (long long)(ndim == 2 ? oh : 1),
             (long long)ow, (long long)(ndim == 2 ? kh : 1), (long long)kw, v);
    c.name = name_buf;
    if (getenv("TEST_KERNELS_TRACE")) fprintf(stderr, "[%s] %s\n", fc_isa(), name_buf);
    run_conv_case(&c);
}

static void test_conv_tiles(void)
{
    /* 1: output widths across every pixel tile, one and a few output channels, every variant */
    for (int i = 0; i < n_widths; ++i) {
        conv_at(1, 1, 2, 1, 1, 1, widths[i], 1, 3, i % 6);     /* single-channel kernels */
        conv_at(1, 2, 3, 5, 1, 1, widths[i], 1, 2, (i + 1) % 6);
        conv_at(1, 1, 2, 9, 1, 1, widths[i], 1, 3, (i + 3) % 6);
    }
    /* 2: output channel counts across every channel tile, at a few pixel-tile edges */
    static const int64_t few_w[] = {1, 7, 12, 13, 47, 48, 49};
    for (size_t t = 0; t < sizeof ch_tiles / sizeof ch_tiles[0]; ++t)
        for (int64_t dk = -1; dk <= 1; ++dk) {
            const int64_t K = ch_tiles[t] + dk;
            for (size_t j = 0; j < sizeof few_w / sizeof few_w[0]; ++j)
                conv_at(1, 1, 3, K, 1, 1, few_w[j], 1, 3, (int)((t + j + (size_t)(dk + 1)) % 6));
        }
    /* 3: backward-weight streams (input channels x taps) across 12 and the 8/32-channel
     * tiles: C*T in {11, 12, 13}, {23, 24, 25} */
    static const int64_t bw_K[] = {1, 7, 8, 9, 31, 32, 33};
    static const int64_t bw_CT[][2] = {{11, 1}, {12, 1}, {13, 1}, {4, 3}, {5, 3}, {3, 4}, {8, 3}, {5, 5}};
    for (size_t a = 0; a < sizeof bw_K / sizeof bw_K[0]; ++a)
        for (size_t b = 0; b < sizeof bw_CT / sizeof bw_CT[0]; ++b)
            conv_at(1, 2, bw_CT[b][0], bw_K[a], 1, 1, 11 + (int64_t)b, 1, bw_CT[b][1], (int)((a + b) % 6));
    /* 4: 2-D, multi-row tiles: output rows around 6 (and 4, 8), widths around 16/64 */
    static const int64_t rows[] = {1, 3, 4, 5, 6, 7, 8, 9, 13};
    static const int64_t cols[] = {5, 6, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; ++r)
        for (size_t q = 0; q < sizeof cols / sizeof cols[0]; ++q)
            conv_at(2, 1, 2, (int64_t)(1 + (r + q) % 9), 1, rows[r], cols[q], 3, 3, (int)((r * 7 + q) % 6));
    /* 5: groups (grouped and depthwise) at tile edges */
    static const int64_t gw[] = {1, 8, 15, 16, 17, 48, 49};
    for (size_t j = 0; j < sizeof gw / sizeof gw[0]; ++j) {
        conv_at(1, 1, 4, 10, 2, 1, gw[j], 1, 3, (int)(j % 6));            /* 5 out-channels per group */
        conv_at(1, 2, 8, 8, 8, 1, gw[j], 1, 5, (int)((j + 2) % 6));       /* depthwise */
        conv_at(2, 1, 6, 18, 3, 5, gw[j] > 33 ? 33 : gw[j], 2, 3, (int)((j + 4) % 6));
        conv_at(1, 1, 6, 66, 2, 1, gw[j], 1, 2, (int)((j + 1) % 6));      /* 33 per group */
    }
    /* 6: 3-D, small */
    conv_case c3 = {"conv3d tile edge", 3, 1, 2, 9, 1, {3, 7, 17}, {2, 2, 2}, {1, 1, 1}, {1, 1, 1},
                    {0, 1, 0}, {1, 0, 0}, 1, 1};
    run_conv_case(&c3);
}

/* correlate / convolve (n-d) and correlate2d / convolve2d (every boundary) */
static void single_at(int nd, const int64_t *s1, const int64_t *s2, int with_2d)
{
    static const char *mode_names[3] = {"full", "same", "valid"};
    char what[256];
    const int64_t n1 = prod(s1, nd), n2 = prod(s2, nd);
    double *a = rand_array(n1), *k = rand_array(n2);
    float *af = to_f32(a, n1), *kf = to_f32(k, n2);
    for (int mode = FC_MODE_FULL; mode <= FC_MODE_VALID; ++mode) {
        int64_t os[3];
        if (fc_correlate_output_shape(nd, s1, s2, (fc_mode)mode, os) != FC_OK) continue;
        const int64_t no = prod(os, nd);
        double *ref = xmalloc(8 * (size_t)no), *aref = xmalloc(8 * (size_t)no), *got = xmalloc(8 * (size_t)no);
        float *gotf = xmalloc(4 * (size_t)no);
        const double nterms = (double)(n1 > n2 ? n1 : n2);
        for (int conv = 0; conv <= 1; ++conv) {
            snprintf(what, sizeof what, "%s %dd %s %lldx%lld * %lldx%lld", conv ? "convolve" : "correlate", nd,
                     mode_names[mode], (long long)s1[0], (long long)(nd > 1 ? s1[1] : 1), (long long)s2[0],
                     (long long)(nd > 1 ? s2[1] : 1));
            single_naive(nd, s1, a, s2, k, (fc_mode)mode, conv, 0, FC_BOUNDARY_FILL, 0.0, os, ref, aref);
            if (conv) {
                EXPECT_ST(fc_convolve_f64(nd, s1, a, s2, k, (fc_mode)mode, got, 0), FC_OK);
                EXPECT_ST(fc_convolve_f32(nd, s1, af, s2, kf, (fc_mode)mode, gotf, 0), FC_OK);
            } else {
                EXPECT_ST(fc_correlate_f64(nd, s1, a, s2, k, (fc_mode)mode, got, 0), FC_OK);
                EXPECT_ST(fc_correlate_f32(nd, s1, af, s2, kf, (fc_mode)mode, gotf, 0), FC_OK);
            }
            check_close(what, no, got, 0, ref, aref, nterms);
            check_close(what, no, gotf, 1, ref, aref, nterms);
            if (nd != 2 || !with_2d) continue;
            for (int bnd = FC_BOUNDARY_FILL; bnd <= FC_BOUNDARY_SYMM; ++bnd) {
                const double fill = bnd == FC_BOUNDARY_FILL ? -0.75 : 0.0;
                snprintf(what, sizeof what, "%s %s boundary %d %lldx%lld * %lldx%lld",
                         conv ? "convolve2d" : "correlate2d", mode_names[mode], bnd, (long long)s1[0],
                         (long long)s1[1], (long long)s2[0], (long long)s2[1]);
                single_naive(nd, s1, a, s2, k, (fc_mode)mode, conv, 1, bnd, fill, os, ref, aref);
                if (conv) {
                    EXPECT_ST(fc_convolve2d_f64(s1, a, s2, k, (fc_mode)mode, (fc_boundary)bnd, fill, got, 0), FC_OK);
                    EXPECT_ST(fc_convolve2d_f32(s1, af, s2, kf, (fc_mode)mode, (fc_boundary)bnd, (float)fill, gotf, 0), FC_OK);
                } else {
                    EXPECT_ST(fc_correlate2d_f64(s1, a, s2, k, (fc_mode)mode, (fc_boundary)bnd, fill, got, 0), FC_OK);
                    EXPECT_ST(fc_correlate2d_f32(s1, af, s2, kf, (fc_mode)mode, (fc_boundary)bnd, (float)fill, gotf, 0), FC_OK);
                }
                check_close(what, no, got, 0, ref, aref, nterms);
                check_close(what, no, gotf, 1, ref, aref, nterms);
            }
        }
        free(ref); free(aref); free(got); free(gotf);
    }
    free(a); free(k); free(af); free(kf);
}

static void test_single_tiles(void)
{
    static const int64_t ks[] = {1, 2, 3, 5, 8};
    /* 1-D: in1 widths at every tile edge, against small kernels (and the swapped "valid") */
    for (int i = 0; i < n_widths; ++i)
        for (size_t j = 0; j < sizeof ks / sizeof ks[0]; ++j) {
            const int64_t s1[1] = {widths[i]}, s2[1] = {ks[j]};
            single_at(1, s1, s2, 0);
            if ((i + (int)j) % 4 == 0) single_at(1, s2, s1, 0);
        }
    /* 2-D: rows and columns at tile edges, every boundary */
    static const int64_t r2[] = {1, 5, 6, 7};
    static const int64_t c2[] = {1, 7, 8, 9, 15, 16, 17, 47, 48, 49, 63, 64, 65};
    for (size_t r = 0; r < sizeof r2 / sizeof r2[0]; ++r)
        for (size_t q = 0; q < sizeof c2 / sizeof c2[0]; ++q) {
            const int64_t s1[2] = {r2[r], c2[q]}, s2[2] = {1 + (int64_t)((r + q) % 3), 1 + (int64_t)(q % 4)};
            single_at(2, s1, s2, 1);
        }
    /* 3-D */
    const int64_t a3[3] = {2, 3, 17}, b3[3] = {2, 2, 3};
    single_at(3, a3, b3, 0);
}

/* rot180 and pad of random shapes (widths at tile edges too), against index loops */
static void test_movement_tiles(void)
{
    static const int64_t dims[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 64, 65};
    const int nd_count = (int)(sizeof dims / sizeof dims[0]);
    for (int t = 0; t < 60; ++t) {
        const int nd = 1 + t % 4;
        int64_t sh[4], st[4], lo[4], hi[4], psh[4];
        int64_t n = 1;
        for (int i = 0; i < nd; ++i) {
            sh[i] = nd > 2 ? dims[(t * 5 + i * 3) % 6] : dims[(t * 7 + i * 5) % nd_count];
            n *= sh[i];
        }
        size_t itemsize = (size_t)(t % 3 == 0 ? 8 : t % 3 == 1 ? 4 : 3);
        /* rot180: contiguous source and a strided view (every other element of the last axis) */
        const int strided = t % 2;
        int64_t base_n = n * (strided ? 2 : 1);
        unsigned char *base = xmalloc(itemsize * (size_t)base_n), *dst = xmalloc(itemsize * (size_t)n),
                      *want = xmalloc(itemsize * (size_t)n);
        for (int64_t i = 0; i < base_n * (int64_t)itemsize; ++i) base[i] = (unsigned char)(i * 31 + t);
        int64_t acc = (int64_t)itemsize * (strided ? 2 : 1);
        for (int i = nd - 1; i >= 0; --i) {
            st[i] = acc;
            acc *= sh[i];
        }
        const uint64_t mask = (uint64_t)(t * 11) & ((1u << nd) - 1);
        for (int64_t e = 0; e < n; ++e) {
            int64_t rem = e, off = 0;
            for (int i = nd - 1; i >= 0; --i) {
                int64_t ix = rem % sh[i];
                rem /= sh[i];
                if (mask & (1u << i)) ix = sh[i] - 1 - ix;
                off += ix * st[i];
            }
            memcpy(want + e * (int64_t)itemsize, base + off, itemsize);
        }
        EXPECT_ST(fc_rot180(nd, sh, st, mask, itemsize, base, dst), FC_OK);
        EXPECT(memcmp(dst, want, itemsize * (size_t)n) == 0, "rot180 nd %d case %d mask %llu", nd, t,
               (unsigned long long)mask);
        /* pad */
        int64_t pn = 1;
        for (int i = 0; i < nd; ++i) {
            lo[i] = (t + i) % 3;
            hi[i] = (t * 3 + i) % 4;
            psh[i] = sh[i] + lo[i] + hi[i];
            pn *= psh[i];
        }
        unsigned char *pd = xmalloc(itemsize * (size_t)pn), *pw = xmalloc(itemsize * (size_t)pn);
        memset(pd, 0xCD, itemsize * (size_t)pn);
        for (int64_t e = 0; e < n; ++e) {
            int64_t rem = e, off = 0, mul = 1;
            for (int i = nd - 1; i >= 0; --i) {
                const int64_t ix = rem % sh[i];
                rem /= sh[i];
                off += (ix + lo[i]) * mul;
                mul *= psh[i];
            }
            memcpy(pw + off * (int64_t)itemsize, dst + e * (int64_t)itemsize, itemsize);
        }
        EXPECT_ST(fc_pad(nd, sh, lo, hi, itemsize, dst, pd), FC_OK);
        EXPECT(memcmp(pd, pw, itemsize * (size_t)pn) == 0, "pad nd %d case %d", nd, t);
        free(base); free(dst); free(want); free(pd); free(pw);
    }
}

int main(void)
{
    build_widths();
    const char *sup = fc_isa_supported();
    char isas[128];
    snprintf(isas, sizeof isas, "%s", sup ? sup : "baseline");
    int n_isa = 0;
    for (char *tok = strtok(isas, ","); tok; tok = strtok(NULL, ",")) {
        const long fail0 = n_fail, pass0 = n_pass;
        EXPECT_ST(fc_set_isa(tok), FC_OK);
        cur_isa = fc_isa();
        EXPECT(strcmp(cur_isa, tok) == 0, "fc_set_isa(%s) left fc_isa() = %s", tok, cur_isa);
        test_conv_tiles();
        test_single_tiles();
        test_movement_tiles();
        fc_release_workspace();
        printf("kernels [%s]: %ld passed, %ld failed\n", tok, n_pass - pass0, n_fail - fail0);
        ++n_isa;
    }
    printf("kernels: %d ISAs (%s), %ld passed, %ld failed\n", n_isa, sup ? sup : "?", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
