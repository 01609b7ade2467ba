/* Shared by the C test drivers (test_capi.c, test_kernels.c): pass/fail counting,
 * tolerance checks, and the naive C loops every fastconv entry point is compared with,
 * written from the definitions in fastconv.h / fastconv/reference.py.  Each driver
 * defines FC_TEST_NAME (its name in messages) before including this file. */
#ifndef FASTCONV_TEST_NAIVE_H
#define FASTCONV_TEST_NAIVE_H

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
        fprintf(stderr, "%s: out of memory\n", FC_TEST_NAME);
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

#ifndef WG_SLACK
#define WG_SLACK 64.0
#endif

typedef struct conv_case {
    const char *name;
    int ndim;
    int64_t N, C, K, G;
    int64_t in[3], ker[3], str[3], dil[3], plo[3], phi[3];
    int flip, bias;
    int algorithm;   /* fc_algorithm (0: auto) */
} conv_case;

/* a[0..n) := max(a[0..n)): a bound that holds for every element alike (Winograd's). */
static void fill_max(double *a, int64_t n)
{
    double m = 0;
    for (int64_t i = 0; i < n; ++i) m = a[i] > m ? a[i] : m;
    for (int64_t i = 0; i < n; ++i) a[i] = m;
}

/* fill_max on a copy. */
static double *flat_max(const double *a, int64_t n)
{
    double *r = xmalloc(8 * (size_t)(n > 0 ? n : 1));
    memcpy(r, a, 8 * (size_t)n);
    fill_max(r, n);
    return r;
}

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

    /* Winograd's transforms scale the rounding of each product by their coefficients (up
     * to 8 and 1/24 with F(4x4)): its bound is WG_SLACK times the direct one */
    /* the FFT's transforms mix a tile's elements the same way (bound: fastconv.h, FFT) */
    const int mixes = cc->algorithm == FC_ALGORITHM_WINOGRAD || cc->algorithm == FC_ALGORITHM_FFT;
    const double slack = mixes ? WG_SLACK : 1.0;
    const double n_fwd = slack * (double)(Cg * T + 1), n_bwi = slack * (double)(Kg * T),
                 n_red = slack * (double)(cc->N * sout);
    if (mixes) {
        /* and it is not exact where direct is: an output no real term reaches (a tap that
         * only meets padding) gets the rounding of its tile's transforms, so each bound
         * takes the largest sum of |terms| of its result, not its own */
        fill_max(ya, ny);
        fill_max(gxa, nx);
        fill_max(gwa, nw);
    }
    /* the case's algorithm through the *_ex entry points; AUTO through the plain ones */
    const int al = cc->algorithm;
    EXPECT_ST(al ? fc_conv_forward_ex_f64(&d, al, x, w, cc->bias ? b : NULL, ry, 0)
                 : fc_conv_forward_f64(&d, x, w, cc->bias ? b : NULL, ry, 0), FC_OK);
    EXPECT_ST(al ? fc_conv_forward_ex_f32(&d, al, xf, wf, cc->bias ? bf : NULL, fy, 0)
                 : fc_conv_forward_f32(&d, xf, wf, cc->bias ? bf : NULL, fy, 0), FC_OK);
    EXPECT_ST(al ? fc_conv_backward_input_ex_f64(&d, al, go, w, rgx, 0)
                 : fc_conv_backward_input_f64(&d, go, w, rgx, 0), FC_OK);
    EXPECT_ST(al ? fc_conv_backward_input_ex_f32(&d, al, gof, wf, fgx, 0)
                 : fc_conv_backward_input_f32(&d, gof, wf, fgx, 0), FC_OK);
    EXPECT_ST(al ? fc_conv_backward_weight_ex_f64(&d, al, x, go, rgw, 0)
                 : fc_conv_backward_weight_f64(&d, x, go, rgw, 0), FC_OK);
    EXPECT_ST(al ? fc_conv_backward_weight_ex_f32(&d, al, xf, gof, fgw, 0)
                 : fc_conv_backward_weight_f32(&d, xf, gof, fgw, 0), FC_OK);
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
    check_close(what, cc->K, rgb, 0, gb, gba, n_red / slack);
    check_close(what, cc->K, fgb, 1, gb, gba, n_red / slack);

    /* the *_ex entry points with the algorithm given: DIRECT, and WINOGRAD where the
     * layer is a 2-D 3x3 stride-1 dilation-1 one (forward and backward-input) */
    const int wg = cc->ndim == 2 && cc->ker[0] == 3 && cc->ker[1] == 3 && cc->str[0] == 1 && cc->str[1] == 1 &&
                   cc->dil[0] == 1 && cc->dil[1] == 1 && cc->phi[0] >= 0 && cc->phi[1] >= 0;
    for (int a = FC_ALGORITHM_DIRECT; a <= (wg ? FC_ALGORITHM_WINOGRAD : FC_ALGORITHM_DIRECT); ++a) {
        for (int64_t i = 0; i < ny; ++i) ry[i] = fy[i] = 1e3f;
        for (int64_t i = 0; i < nx; ++i) rgx[i] = fgx[i] = 1e3f;
        EXPECT_ST(fc_conv_forward_ex_f64(&d, a, x, w, cc->bias ? b : NULL, ry, 0), FC_OK);
        EXPECT_ST(fc_conv_forward_ex_f32(&d, a, xf, wf, cc->bias ? bf : NULL, fy, 0), FC_OK);
        EXPECT_ST(fc_conv_backward_input_ex_f64(&d, a, go, w, rgx, 0), FC_OK);
        EXPECT_ST(fc_conv_backward_input_ex_f32(&d, a, gof, wf, fgx, 0), FC_OK);
        /* Winograd's transforms mix the pixels of a tile, so its error is bounded by the
         * tile's magnitudes, not each pixel's own sum|terms|: compare against the largest
         * sum|terms| of the output, with 16x the room */
        const int w = a == FC_ALGORITHM_WINOGRAD;
        double *yb = w ? flat_max(ya, ny) : ya, *gxb = w ? flat_max(gxa, nx) : gxa;
        snprintf(what, sizeof what, "%s forward_ex(%d)", cc->name, a);
        check_close(what, ny, ry, 0, y, yb, (w ? 16 : 1) * n_fwd);
        check_close(what, ny, fy, 1, y, yb, (w ? 16 : 1) * n_fwd);
        snprintf(what, sizeof what, "%s backward_input_ex(%d)", cc->name, a);
        check_close(what, nx, rgx, 0, gx, gxb, (w ? 16 : 1) * n_bwi);
        check_close(what, nx, fgx, 1, gx, gxb, (w ? 16 : 1) * n_bwi);
        if (w) {
            free(yb);
            free(gxb);
        }
    }
    for (int a = FC_ALGORITHM_DIRECT; a <= (wg && cc->N > 0 ? FC_ALGORITHM_WINOGRAD : FC_ALGORITHM_DIRECT); ++a) {
        for (int64_t i = 0; i < nw; ++i) rgw[i] = fgw[i] = 1e3f;
        EXPECT_ST(fc_conv_backward_weight_ex_f64(&d, a, x, go, rgw, 0), FC_OK);
        EXPECT_ST(fc_conv_backward_weight_ex_f32(&d, a, xf, gof, fgw, 0), FC_OK);
        const int w = a == FC_ALGORITHM_WINOGRAD;
        double *gwb = w ? flat_max(gwa, nw) : gwa;
        snprintf(what, sizeof what, "%s backward_weight_ex(%d)", cc->name, a);
        check_close(what, nw, rgw, 0, gw, gwb, (w ? 16 : 1) * n_red);
        check_close(what, nw, fgw, 1, gw, gwb, (w ? 16 : 1) * n_red);
        if (w) free(gwb);
    }

    /* conv_transpose of go is backward-input plus a bias per channel of x's shape: the
     * naive gx with b[c % C] added (a bias of the transpose has C entries; b has K, so
     * the first min(C, K) of it are reused, cycled) */
    double *tb = rand_array(cc->C), *tgx = xmalloc(8 * (size_t)nx), *tgxa = xmalloc(8 * (size_t)nx);
    float *tbf = to_f32(tb, cc->C), *ftgx = xmalloc(4 * (size_t)nx);
    double *rtgx = xmalloc(8 * (size_t)nx);
    const int64_t sin = prod(cc->in, cc->ndim);
    for (int64_t i = 0; i < nx; ++i) {
        const double bv = cc->bias ? tb[(i / sin) % cc->C] : 0.0;
        tgx[i] = gx[i] + bv;
        tgxa[i] = gxa[i] + fabs(bv);
        rtgx[i] = ftgx[i] = 1e3f;
    }
    EXPECT_ST(fc_conv_transpose_f64(&d, go, w, cc->bias ? tb : NULL, rtgx, 0), FC_OK);
    EXPECT_ST(fc_conv_transpose_f32(&d, gof, wf, cc->bias ? tbf : NULL, ftgx, 0), FC_OK);
    snprintf(what, sizeof what, "%s conv_transpose", cc->name);
    check_close(what, nx, rtgx, 0, tgx, tgxa, n_bwi + 1);
    check_close(what, nx, ftgx, 1, tgx, tgxa, n_bwi + 1);
    free(tb); free(tgx); free(tgxa); free(tbf); free(ftgx); free(rtgx);

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
    if (boundary == FC_BOUNDARY_NEAREST) return i < 0 ? 0 : L - 1;
    if (boundary == FC_BOUNDARY_MIRROR) {   /* c b | a b c | b a; one element repeats */
        if (L == 1) return 0;
        while (i < 0 || i >= L) i = i < 0 ? -i : 2 * L - 2 - i;
        return i;
    }
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

#endif
