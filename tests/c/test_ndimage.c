/* Tile-edge driver of fastconv's ndimage passes (src/ndimage): fc_correlate1d,
 * fc_uniform1d, fc_correlate_sep2d and fc_uniform_sep2d against naive C loops, under every
 * ISA this CPU supports, in float and double, for every boundary rule, at line lengths,
 * lane counts and row counts just below, at and above the kernels' vectors, blocks,
 * chunks and bands, with 1 to 3 threads.
 *
 * Built by tests/test_sanitizers.py with the library sources under AddressSanitizer +
 * UndefinedBehaviorSanitizer (every array is allocated at its exact size, so a read or
 * write past an edge is reported), and once at -O2.  The oracles: correlate1d by its
 * definition in fastconv.h (within the float bound of naive.h); uniform1d by SciPy's
 * recurrence in double (bit for bit, as documented); each fused pass bit for bit against
 * its two unfused calls.
 *   cc -std=gnu99 -O2 test_ndimage.c <library sources or -lfastconv> -lm -o test_ndimage */
#include <fastconv.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_TEST_NAME "test_ndimage"
#include "naive.h"

static const char *const bnames[] = {"fill", "wrap", "symm", "nearest", "mirror"};

/* correlate1d along axis 1 of (o, n, c) contiguous: the definition in fastconv.h */
static void corr1d_naive(const int64_t s[3], const double *x, const double *w, int64_t K,
                         int64_t pad, int b, double fill, double *out, double *absout)
{
    for (int64_t o = 0; o < s[0]; ++o)
        for (int64_t i = 0; i < s[1]; ++i)
            for (int64_t c = 0; c < s[2]; ++c) {
                double acc = 0.0, aacc = 0.0;
                for (int64_t j = 0; j < K; ++j) {
                    const int64_t m = extend(i - pad + j, s[1], b);
                    const double v = m < 0 ? fill : x[(o * s[1] + m) * s[2] + c];
                    acc += w[j] * v;
                    aacc += fabs(w[j] * v);
                }
                out[(o * s[1] + i) * s[2] + c] = acc;
                absout[(o * s[1] + i) * s[2] + c] = aacc;
            }
}

/* uniform1d along axis 1 by SciPy's recurrence: acc = 0 + e0 + .. + e(K-1), then
 * acc += e(i+K-1) - e(i-1); out = (T)(acc / K), T float where f32 */
static void uni1d_naive(const int64_t s[3], const double *x, int64_t K, int64_t pad, int b,
                        double fill, int f32, double *out)
{
    for (int64_t o = 0; o < s[0]; ++o)
        for (int64_t c = 0; c < s[2]; ++c) {
            double acc = 0.0;
            for (int64_t i = 0; i < s[1]; ++i) {
                if (i == 0) {
                    for (int64_t j = 0; j < K; ++j) {
                        const int64_t m = extend(j - pad, s[1], b);
                        acc += m < 0 ? fill : x[(o * s[1] + m) * s[2] + c];
                    }
                } else {
                    const int64_t ma = extend(i + K - 1 - pad, s[1], b), ms = extend(i - 1 - pad, s[1], b);
                    const double add = ma < 0 ? fill : x[(o * s[1] + ma) * s[2] + c];
                    const double sub = ms < 0 ? fill : x[(o * s[1] + ms) * s[2] + c];
                    acc += add - sub;
                }
                const double q = acc / (double)K;
                out[(o * s[1] + i) * s[2] + c] = f32 ? (double)(float)q : q;
            }
        }
}

static int same_bits(const void *a, const void *b, int64_t n, int f32)
{
    return memcmp(a, b, (size_t)n * (f32 ? 4 : 8)) == 0;
}

/* T array of n from doubles (float where f32) */
static void *as_t(const double *a, int64_t n, int f32)
{
    if (f32) return to_f32(a, n);
    double *d = xmalloc(sizeof(double) * (size_t)n);
    memcpy(d, a, sizeof(double) * (size_t)n);
    return d;
}

static void to_double(const void *a, int64_t n, int f32, double *out)
{
    for (int64_t i = 0; i < n; ++i) out[i] = f32 ? (double)((const float *)a)[i] : ((const double *)a)[i];
}

static fc_status call_corr1d(int f32, const int64_t s[3], const void *x, const void *w, int64_t K,
                             int64_t pad, int b, double fill, void *y, int nt)
{
    const int64_t st[3] = {s[1] * s[2], s[2], 1};
    return f32 ? fc_correlate1d_f32(s, x, st, w, K, pad, b, (float)fill, y, st, nt)
               : fc_correlate1d_f64(s, x, st, w, K, pad, b, fill, y, st, nt);
}

static fc_status call_uni1d(int f32, const int64_t s[3], const void *x, int64_t K, int64_t pad, int b,
                            double fill, void *y, int nt)
{
    const int64_t st[3] = {s[1] * s[2], s[2], 1};
    return f32 ? fc_uniform1d_f32(s, x, st, K, pad, b, fill, y, st, nt)
               : fc_uniform1d_f64(s, x, st, K, pad, b, fill, y, st, nt);
}

/* one 1-D case: correlate1d within the bound, uniform1d bit for bit, along axis 1 */
static void case_1d(int f32, const int64_t s[3], int64_t K, int b, int nt)
{
    const int64_t n = prod(s, 3), pad = K / 2;
    double *x = rand_array(n), *w = rand_array(K), *ref = xmalloc(8 * (size_t)n);
    double *aref = xmalloc(8 * (size_t)n), *got = xmalloc(8 * (size_t)n);
    void *xt = as_t(x, n, f32), *wt = as_t(w, K, f32), *y = xmalloc((size_t)n * (f32 ? 4 : 8));
    if (f32) /* the oracle sees the float inputs */
        for (int64_t i = 0; i < n; ++i) x[i] = ((float *)xt)[i];
    if (f32)
        for (int64_t j = 0; j < K; ++j) w[j] = ((float *)wt)[j];
    char what[160];
    snprintf(what, sizeof what, "correlate1d (%lld,%lld,%lld) K=%lld %s %d threads", (long long)s[0],
             (long long)s[1], (long long)s[2], (long long)K, bnames[b], nt);
    corr1d_naive(s, x, w, K, pad, b, 0.25, ref, aref);
    EXPECT_ST(call_corr1d(f32, s, xt, wt, K, pad, b, 0.25, y, nt), FC_OK);
    check_close(what, n, y, f32, ref, aref, (double)K);
    /* 0.1: not a float, which the running sums must see in double as SciPy's do */
    uni1d_naive(s, x, K, pad, b, 0.1, f32, ref);
    EXPECT_ST(call_uni1d(f32, s, xt, K, pad, b, 0.1, y, nt), FC_OK);
    to_double(y, n, f32, got);
    EXPECT(memcmp(got, ref, 8 * (size_t)n) == 0, "uniform1d %s not bit-identical to the recurrence", what);
    free(x), free(w), free(ref), free(aref), free(got), free(xt), free(wt), free(y);
}

/* the fused passes against their two unfused calls, bit for bit */
static void case_2d(int f32, const int64_t s[3], int64_t k0, int64_t k1, int b0, int b1, int nt)
{
    const int64_t n = prod(s, 3), st[3] = {s[1] * s[2], s[2], 1};
    const int64_t p0 = (k0 - 1) / 2, p1 = k1 / 2;
    const size_t bytes = (size_t)n * (f32 ? 4 : 8);
    double *x = rand_array(n), *w0 = rand_array(k0), *w1 = rand_array(k1);
    void *xt = as_t(x, n, f32), *w0t = as_t(w0, k0, f32), *w1t = as_t(w1, k1, f32);
    void *tmp = xmalloc(bytes), *want = xmalloc(bytes), *got = xmalloc(bytes);
    /* axis 2 of (o, H, W) is axis 1 of the view (o*H, W, 1) */
    const int64_t rows[3] = {s[0] * s[1], s[2], 1}, rst[3] = {s[2], 1, 1};
    for (int col_first = 0; col_first < 2; ++col_first) {
        if (col_first) {
            EXPECT_ST(call_corr1d(f32, s, xt, w0t, k0, p0, b0, 0.5, tmp, nt), FC_OK);
            EXPECT_ST(f32 ? fc_correlate1d_f32(rows, tmp, rst, w1t, k1, p1, b1, 0.5f, want, rst, nt)
                          : fc_correlate1d_f64(rows, tmp, rst, w1t, k1, p1, b1, 0.5, want, rst, nt), FC_OK);
        } else {
            EXPECT_ST(f32 ? fc_correlate1d_f32(rows, xt, rst, w1t, k1, p1, b1, 0.5f, tmp, rst, nt)
                          : fc_correlate1d_f64(rows, xt, rst, w1t, k1, p1, b1, 0.5, tmp, rst, nt), FC_OK);
            EXPECT_ST(call_corr1d(f32, s, tmp, w0t, k0, p0, b0, 0.5, want, nt), FC_OK);
        }
        EXPECT_ST(f32 ? fc_correlate_sep2d_f32(s, xt, st, col_first, w0t, k0, p0, b0, w1t, k1, p1, b1,
                                               0.5f, got, st, nt)
                      : fc_correlate_sep2d_f64(s, xt, st, col_first, w0t, k0, p0, b0, w1t, k1, p1, b1,
                                               0.5, got, st, nt), FC_OK);
        EXPECT(same_bits(got, want, n, f32), "correlate_sep2d (%lld,%lld,%lld) k %lld,%lld %s/%s "
               "col_first %d %s: differs from two correlate1d", (long long)s[0], (long long)s[1],
               (long long)s[2], (long long)k0, (long long)k1, bnames[b0], bnames[b1], col_first,
               f32 ? "f32" : "f64");
    }
    EXPECT_ST(call_uni1d(f32, s, xt, k0, p0, b0, 0.1, tmp, nt), FC_OK);
    EXPECT_ST(f32 ? fc_uniform1d_f32(rows, tmp, rst, k1, p1, b1, 0.1, want, rst, nt)
                  : fc_uniform1d_f64(rows, tmp, rst, k1, p1, b1, 0.1, want, rst, nt), FC_OK);
    EXPECT_ST(f32 ? fc_uniform_sep2d_f32(s, xt, st, k0, p0, b0, k1, p1, b1, 0.1, got, st, nt)
                  : fc_uniform_sep2d_f64(s, xt, st, k0, p0, b0, k1, p1, b1, 0.1, got, st, nt), FC_OK);
    EXPECT(same_bits(got, want, n, f32), "uniform_sep2d (%lld,%lld,%lld) k %lld,%lld %s/%s %s %d "
           "threads: differs from two uniform1d", (long long)s[0], (long long)s[1], (long long)s[2],
           (long long)k0, (long long)k1, bnames[b0], bnames[b1], f32 ? "f32" : "f64", nt);
    free(x), free(w0), free(w1), free(xt), free(w0t), free(w1t), free(tmp), free(want), free(got);
}

static void test_ndimage(void)
{
    /* lines (axis 1) and lanes (axis 2) around 8/16-lane vectors, 4-vector blocks (64
     * floats), the uniform row kernel's 256-position chunks, and bands of 64 rows */
    static const int64_t ns[] = {1, 2, 7, 17, 65, 130};
    static const int64_t cs[] = {1, 3, 16, 17, 64, 65};
    static const int64_t ks[] = {1, 2, 3, 8, 33};
    for (int f32 = 0; f32 < 2; ++f32)
        for (int b = 0; b < 5; ++b)
            for (size_t a = 0; a < sizeof ns / sizeof *ns; ++a)
                for (size_t c = 0; c < sizeof cs / sizeof *cs; ++c)
                    for (size_t k = 0; k < sizeof ks / sizeof *ks; ++k) {
                        const int64_t s[3] = {(a + c) % 2 + 1, ns[a], cs[c]};
                        case_1d(f32, s, ks[k], b, 1 + (int)((a + k) % 3));
                    }
    static const int64_t hw[][2] = {{1, 1}, {5, 300}, {130, 7}, {200, 257}, {64, 513}, {129, 16}};
    for (int f32 = 0; f32 < 2; ++f32)
        for (size_t i = 0; i < sizeof hw / sizeof *hw; ++i)
            for (int b = 0; b < 5; ++b)
                for (int nt = 1; nt <= 3; ++nt) {
                    const int64_t s[3] = {1 + (int64_t)(i % 2), hw[i][0], hw[i][1]};
                    case_2d(f32, s, 1 + 4 * (int64_t)((i + b) % 3), 2 + 3 * (int64_t)((i + nt) % 4), b,
                            (b + nt) % 5, nt);
                }
}

int main(void)
{
    const char *sup = fc_isa_supported();
    char isas[128];
    snprintf(isas, sizeof isas, "%s", sup ? sup : "baseline");
    int n_isa = 0;
    for (char *tok = strtok(isas, ","); tok; tok = strtok(NULL, ",")) {
        const long fail0 = n_fail, pass0 = n_pass;
        EXPECT_ST(fc_set_isa(tok), FC_OK);
        cur_isa = fc_isa();
        test_ndimage();
        fc_release_workspace();
        printf("ndimage [%s]: %ld passed, %ld failed\n", tok, n_pass - pass0, n_fail - fail0);
        ++n_isa;
    }
    printf("ndimage: %d ISAs (%s), %ld passed, %ld failed\n", n_isa, sup ? sup : "?", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
