/* FFT kernel driver: every butterfly, untangling and product kernel of every ISA table
 * (fc_fftk_f32_<isa>, fc_fftk_f64_<isa>, src/fft/fft.h) called directly at lane counts
 * around the vector widths (1..35) and strides wider than the lanes, against naive DFT
 * loops written from the contracts in fft.h; then fc_rfftn/fc_irfftn through the public
 * API, under every ISA, at every 2^a 3^b 5^c size up to 400 and a few 2-D/3-D shapes,
 * against a naive O(n^2) DFT in long double; the four-step transform of the 1-D path
 * (fc_fft4_plan) at every 2^a 3^b 5^c length up to 300 and a few longer, and its
 * row-group kernels, against their contracts.
 *
 * Every buffer is malloc'ed at exactly the size the contract lets the kernel touch, so
 * AddressSanitizer reports any access past it; outputs start as NaN (a read before the
 * write would show).  Tolerance: 16 * eps * (log2(n) + 1) * sum|inputs|.
 *
 * Built against the library sources (the tables are internal): tests/test_sanitizers.py
 * (ASan + UBSan, and -O2).  Prints failing cases on stderr and "N passed, M failed" last
 * on stdout; exits 0 only if every case passes. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fft/fft.h"

static long n_pass, n_fail;

#define EXPECT(cond, ...)                                 \
    do {                                                  \
        if (cond) {                                       \
            ++n_pass;                                     \
        } else {                                          \
            ++n_fail;                                     \
            fprintf(stderr, __VA_ARGS__);                 \
            fputc('\n', stderr);                          \
        }                                                 \
    } while (0)

static const double PI = 3.14159265358979323846;

static int isa_ok(int isa)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (isa == FC_ISA_AVX2) return FC_HAVE_AVX2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (isa == FC_ISA_AVX512)
        return FC_HAVE_AVX512 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma");
#endif
    return isa == FC_ISA_BASELINE;
}

static double urand(void) { return (double)rand() / RAND_MAX * 2.0 - 1.0; }

/* One butterfly kernel: r inputs of L lanes at stride is (>= L), outputs at stride os,
 * with or without twiddles, both signs, against the naive r-point DFT. */
#define BFLY_CASE(T, S)                                                                                    \
    static void bfly_case_##S(const fc_fftk_##S *k, int isa, int r, int64_t L, int tw, T sign)            \
    {                                                                                                       \
        const int64_t is = L + 3, os = L + 5;                                                               \
        T *xr = malloc(sizeof(T) * (size_t)(r * is)), *xi = malloc(sizeof(T) * (size_t)(r * is));          \
        T *yr = malloc(sizeof(T) * (size_t)(r * os)), *yi = malloc(sizeof(T) * (size_t)(r * os));          \
        T twr[7], twi[7];                                                                                   \
        for (int64_t i = 0; i < r * is; ++i) {                                                              \
            xr[i] = (T)urand();                                                                             \
            xi[i] = (T)urand();                                                                             \
        }                                                                                                   \
        for (int64_t i = 0; i < r * os; ++i) yr[i] = yi[i] = (T)NAN;                                        \
        for (int j = 0; j < r - 1; ++j) {                                                                   \
            twr[j] = (T)cos(0.3 * (j + 1));                                                                 \
            twi[j] = (T)sin(0.3 * (j + 1));                                                                 \
        }                                                                                                   \
        k->bfly[r](L, xr, xi, is, yr, yi, os, tw ? twr : NULL, tw ? twi : NULL, sign);                      \
        double worst = 0, scale = 0;                                                                        \
        for (int64_t b = 0; b < L; ++b)                                                                     \
            for (int kk = 0; kk < r; ++kk) {                                                                \
                double sr = 0, si = 0;                                                                      \
                for (int j = 0; j < r; ++j) {                                                               \
                    const double ang = sign * 2 * PI * j * kk / r;                                          \
                    sr += xr[j * is + b] * cos(ang) - xi[j * is + b] * sin(ang);                            \
                    si += xr[j * is + b] * sin(ang) + xi[j * is + b] * cos(ang);                            \
                    scale += fabs(xr[j * is + b]) + fabs(xi[j * is + b]);                                   \
                }                                                                                           \
                if (tw && kk) {                                                                             \
                    const double c = twr[kk - 1], s = sign * twi[kk - 1], t = sr * c - si * s;              \
                    si = sr * s + si * c;                                                                   \
                    sr = t;                                                                                 \
                }                                                                                           \
                const double e = fabs(yr[kk * os + b] - sr) + fabs(yi[kk * os + b] - si);                   \
                if (!(e <= worst)) worst = e;                                                               \
            }                                                                                               \
        EXPECT(worst <= 16 * (sizeof(T) == 4 ? 1.2e-7 : 2.3e-16) * (scale + 1),                            \
               "isa %d %s bfly%d L=%lld tw=%d sign=%g: err %g", isa, #S, r, (long long)L, tw, (double)sign,  \
               worst);                                                                                      \
        free(xr);                                                                                           \
        free(xi);                                                                                           \
        free(yr);                                                                                           \
        free(yi);                                                                                           \
    }
BFLY_CASE(float, f32)
BFLY_CASE(double, f64)

/* rpost then rpre on lanes: rpre(rpost(Z)) = 2 Z (fft.h: rpre carries the factor 2),
 * and X_0, X_h real parts against the definition. */
#define REAL_CASE(T, S)                                                                                   \
    static void real_case_##S(const fc_fftk_##S *k, int isa, int64_t h, int64_t L)                       \
    {                                                                                                      \
        T *zr = malloc(sizeof(T) * (size_t)(h * L)), *zi = malloc(sizeof(T) * (size_t)(h * L));           \
        T *xr = malloc(sizeof(T) * (size_t)((h + 1) * L)), *xi = malloc(sizeof(T) * (size_t)((h + 1) * L)); \
        T *wr = malloc(sizeof(T) * (size_t)(h + 1)), *wi = malloc(sizeof(T) * (size_t)(h + 1));           \
        T *br = malloc(sizeof(T) * (size_t)(h * L)), *bi = malloc(sizeof(T) * (size_t)(h * L));           \
        for (int64_t i = 0; i < h * L; ++i) {                                                              \
            zr[i] = (T)urand();                                                                            \
            zi[i] = (T)urand();                                                                            \
            br[i] = bi[i] = (T)NAN;                                                                        \
        }                                                                                                  \
        for (int64_t i = 0; i < (h + 1) * L; ++i) xr[i] = xi[i] = (T)NAN;                                  \
        for (int64_t j = 0; j <= h; ++j) {                                                                 \
            wr[j] = (T)cos(PI * j / h);                                                                    \
            wi[j] = (T)sin(PI * j / h);                                                                    \
        }                                                                                                  \
        k->rpost(h, L, zr, zi, xr, xi, wr, wi);                                                            \
        k->rpre(h, L, xr, xi, br, bi, wr, wi);                                                             \
        double worst = 0;                                                                                  \
        for (int64_t b = 0; b < L; ++b) {                                                                  \
            double e0 = fabs(xr[b] - (zr[b] + zi[b])) + fabs(xi[b]);                                       \
            double eh = fabs(xr[h * L + b] - (zr[b] - zi[b])) + fabs(xi[h * L + b]);                        \
            if (!(e0 + eh <= worst)) worst = e0 + eh;                                                      \
        }                                                                                                  \
        for (int64_t i = 0; i < h * L; ++i) {                                                              \
            const double e = fabs(br[i] - 2 * zr[i]) + fabs(bi[i] - 2 * zi[i]);                           \
            if (!(e <= worst)) worst = e;                                                                  \
        }                                                                                                  \
        EXPECT(worst <= 64 * (sizeof(T) == 4 ? 1.2e-7 : 2.3e-16), "isa %d %s rpost/rpre h=%lld L=%lld: err %g", \
               isa, #S, (long long)h, (long long)L, worst);                                                \
        free(zr); free(zi); free(xr); free(xi); free(wr); free(wi); free(br); free(bi);                   \
    }
REAL_CASE(float, f32)
REAL_CASE(double, f64)

/* fc_rfftn_f64 / fc_irfftn_f64 of shape against a naive DFT in long double. */
static void api_case(int ndim, const int64_t *shape)
{
    int64_t n = 1, rows = 1;
    for (int d = 0; d < ndim; ++d) n *= shape[d];
    for (int d = 0; d < ndim - 1; ++d) rows *= shape[d];
    const int64_t nl = shape[ndim - 1], m = nl / 2 + 1;
    double *x = malloc(sizeof(double) * (size_t)n), *back = malloc(sizeof(double) * (size_t)n);
    double *spec = malloc(sizeof(double) * (size_t)(2 * rows * m));
    float *xf = malloc(sizeof(float) * (size_t)n), *sf = malloc(sizeof(float) * (size_t)(2 * rows * m));
    double l1 = 0;
    for (int64_t i = 0; i < n; ++i) {
        x[i] = urand();
        xf[i] = (float)x[i];
        l1 += fabs(x[i]);
    }
    fc_status st = fc_rfftn_f64(ndim, shape, x, spec, 2), st2 = fc_rfftn_f32(ndim, shape, xf, sf, 2);
    EXPECT(st == FC_OK && st2 == FC_OK, "rfftn status %d %d", (int)st, (int)st2);
    double worst = 0, worstf = 0;
    int64_t dims[3] = {1, 1, 1};
    for (int d = 0; d < ndim; ++d) dims[3 - ndim + d] = shape[d];
    for (int64_t k0 = 0; k0 < dims[0]; ++k0)
        for (int64_t k1 = 0; k1 < dims[1]; ++k1)
            for (int64_t k2 = 0; k2 < m; ++k2) {
                long double sr = 0, si = 0;
                for (int64_t i = 0; i < n; ++i) {
                    const int64_t j2 = i % dims[2], j1 = i / dims[2] % dims[1], j0 = i / (dims[1] * dims[2]);
                    const long double ang = -2 * PI * ((long double)(j0 * k0 % dims[0]) / dims[0] +
                                                       (long double)(j1 * k1 % dims[1]) / dims[1] +
                                                       (long double)(j2 * k2 % dims[2]) / dims[2]);
                    sr += x[i] * cosl(ang);
                    si += x[i] * sinl(ang);
                }
                const int64_t o = (k0 * dims[1] + k1) * m + k2;
                const double e = fabs(spec[2 * o] - (double)sr) + fabs(spec[2 * o + 1] - (double)si);
                const double ef = fabs(sf[2 * o] - (double)sr) + fabs(sf[2 * o + 1] - (double)si);
                if (!(e <= worst)) worst = e;
                if (!(ef <= worstf)) worstf = ef;
            }
    const double lg = log2((double)n) + 1;
    EXPECT(worst <= 16 * 2.3e-16 * lg * (l1 + 1) && worstf <= 16 * 1.2e-7 * lg * (l1 + 1),
           "rfftn %lldd n=%lld: err %g (f32 %g)", (long long)ndim, (long long)n, worst, worstf);
    st = fc_irfftn_f64(ndim, shape, spec, back, 1);
    double eb = 0;
    for (int64_t i = 0; i < n; ++i)
        if (!(fabs(back[i] - x[i]) <= eb)) eb = fabs(back[i] - x[i]);
    EXPECT(st == FC_OK && eb <= 64 * 2.3e-16 * lg, "irfftn %lldd n=%lld: err %g", (long long)ndim, (long long)n, eb);
    free(x); free(back); free(spec); free(xf); free(sf);
}

/* The four-step row-group kernels against their contracts (fft.h): tw4's angle sums,
 * gtw's gather with conj(t), stw's scatter with t, rows at a stride wider than n2
 * (lda = n2 + 3: the transposed blocks' unaligned loads and stores). */
#define ROWK_CASE(T, S)                                                                                   \
    static void rowk_case_##S(const fc_fftk_##S *k, int isa, int64_t n2, int64_t Lg, int64_t G)           \
    {                                                                                                      \
        const int64_t lda = n2 + 3, na = (Lg - 1) * lda + n2;                                              \
        T *hc = malloc(sizeof(T) * (size_t)n2), *hs = malloc(sizeof(T) * (size_t)n2);                     \
        T *lc = malloc(sizeof(T) * (size_t)((n2 - 1) * G + Lg)), *ls = malloc(sizeof(T) * (size_t)((n2 - 1) * G + Lg)); \
        T *tr = malloc(sizeof(T) * (size_t)(n2 * Lg)), *ti = malloc(sizeof(T) * (size_t)(n2 * Lg));       \
        T *zr = malloc(sizeof(T) * (size_t)(n2 * Lg)), *zi = malloc(sizeof(T) * (size_t)(n2 * Lg));       \
        T *ar = malloc(sizeof(T) * (size_t)na), *ai = malloc(sizeof(T) * (size_t)na);                     \
        T *br = malloc(sizeof(T) * (size_t)na), *bi = malloc(sizeof(T) * (size_t)na);                     \
        for (int64_t j = 0; j < n2; ++j) {                                                                 \
            hc[j] = (T)cos(0.1 * j);                                                                       \
            hs[j] = (T)sin(0.1 * j);                                                                       \
            for (int64_t b = 0; b < Lg; ++b) {                                                             \
                lc[j * G + b] = (T)cos(0.03 * (double)(j * b));                                            \
                ls[j * G + b] = (T)sin(0.03 * (double)(j * b));                                            \
            }                                                                                              \
        }                                                                                                  \
        for (int64_t i = 0; i < na; ++i) {                                                                 \
            ar[i] = (T)urand();                                                                            \
            ai[i] = (T)urand();                                                                            \
            br[i] = bi[i] = (T)NAN;                                                                        \
        }                                                                                                  \
        for (int64_t i = 0; i < n2 * Lg; ++i) tr[i] = ti[i] = zr[i] = zi[i] = (T)NAN;                      \
        k->tw4(n2, Lg, G, hc, hs, lc, ls, tr, ti);                                                         \
        k->gtw(n2, Lg, ar, ai, lda, tr, ti, zr, zi);                                                       \
        k->stw(n2, Lg, zr, zi, tr, ti, br, bi, lda);                                                       \
        double worst = 0;                                                                                  \
        for (int64_t j = 0; j < n2; ++j)                                                                   \
            for (int64_t b = 0; b < Lg; ++b) {                                                             \
                const double ang = 0.1 * j + 0.03 * (double)(j * b), c = cos(ang), sn = sin(ang);          \
                const double xr = ar[b * lda + j], xi = ai[b * lda + j];                                   \
                double e = fabs(tr[j * Lg + b] - c) + fabs(ti[j * Lg + b] - sn);                           \
                e += fabs(zr[j * Lg + b] - (xr * c + xi * sn)) + fabs(zi[j * Lg + b] - (xi * c - xr * sn)); \
                e += fabs(br[b * lda + j] - xr) + fabs(bi[b * lda + j] - xi);                              \
                if (!(e <= worst)) worst = e;                                                              \
            }                                                                                              \
        EXPECT(worst <= 64 * (sizeof(T) == 4 ? 1.2e-7 : 2.3e-16), "isa %d %s tw4/gtw/stw n2=%lld Lg=%lld: err %g", \
               isa, #S, (long long)n2, (long long)Lg, worst);                                              \
        free(hc); free(hs); free(lc); free(ls); free(tr); free(ti); free(zr); free(zi);                   \
        free(ar); free(ai); free(br); free(bi);                                                            \
    }
ROWK_CASE(float, f32)
ROWK_CASE(double, f64)

/* The last axis's rows <-> lanes copies (glane, slane; fft_kern_template.h) exactly:
 * ilv 0 two arrays of n columns, ilv 1 a real row of n elements as complex pairs (an
 * odd n's last element alone), rows at a stride wider than the row (lda = 2n + 3), the
 * destination's other elements left alone, scale 0.5 exact. */
#define LANE_CASE(T, S)                                                                                   \
    static void lane_case_##S(const fc_fftk_##S *k, int isa, int64_t n, int64_t Lg, int ilv)             \
    {                                                                                                      \
        const int64_t lda = 2 * n + 3, na = Lg * lda, nz = (n + 1) * Lg;                                  \
        T *ar = malloc(sizeof(T) * (size_t)na), *ai = malloc(sizeof(T) * (size_t)na);                     \
        T *br = malloc(sizeof(T) * (size_t)na), *bi = malloc(sizeof(T) * (size_t)na);                     \
        T *zr = malloc(sizeof(T) * (size_t)nz), *zi = malloc(sizeof(T) * (size_t)nz);                     \
        for (int64_t i = 0; i < na; ++i) {                                                                 \
            ar[i] = (T)urand();                                                                            \
            ai[i] = (T)urand();                                                                            \
            br[i] = bi[i] = (T)7;                                                                          \
        }                                                                                                  \
        for (int64_t i = 0; i < nz; ++i) zr[i] = zi[i] = (T)NAN;                                           \
        k->glane(ilv ? n / 2 : n, Lg, ar, ai, lda, ilv, zr, zi);                                           \
        if (ilv && n % 2)                                                                                  \
            for (int64_t b = 0; b < Lg; ++b) zr[(n / 2) * Lg + b] = ar[b * lda + n - 1];                   \
        k->slane(n, Lg, zr, zi, (T)0.5, br, ilv ? NULL : bi, lda, ilv);                                    \
        long bad = 0;                                                                                      \
        for (int64_t b = 0; b < Lg; ++b)                                                                   \
            for (int64_t j = 0; j < lda; ++j) {                                                            \
                const int in = j < n, lo = ilv ? 2 * (j / 2) + 1 < n : 1;                                  \
                if (!ilv && in && (zr[j * Lg + b] != ar[b * lda + j] || zi[j * Lg + b] != ai[b * lda + j])) ++bad; \
                if (ilv && in && lo && (j % 2 ? zi : zr)[(j / 2) * Lg + b] != ar[b * lda + j]) ++bad;     \
                if (br[b * lda + j] != (in ? ar[b * lda + j] * (T)0.5 : (T)7)) ++bad;                    \
                if (!ilv && bi[b * lda + j] != (in ? ai[b * lda + j] * (T)0.5 : (T)7)) ++bad;              \
            }                                                                                              \
        EXPECT(bad == 0, "isa %d %s glane/slane n=%lld Lg=%lld ilv=%d: %ld wrong", isa, #S, (long long)n, \
               (long long)Lg, ilv, bad);                                                                   \
        free(ar); free(ai); free(br); free(bi); free(zr); free(zi);                                       \
    }
LANE_CASE(float, f32)
LANE_CASE(double, f64)

/* The four-step transform of length N (fc_fft4_plan, every split and row group it
 * picks) against a naive DFT in long double, and inverse(forward) = N x. */
#define F4_CASE(T, S, EPS)                                                                                \
    static void f4_case_##S(int isa, int64_t N)                                                           \
    {                                                                                                      \
        fc_fft4_plan f;                                                                                    \
        if (fc_fft4_plan_make(N, (int)sizeof(T), isa, &f) != FC_OK) {                                      \
            EXPECT(0, "fft4 plan N=%lld failed", (long long)N);                                            \
            return;                                                                                        \
        }                                                                                                  \
        T *x = malloc(sizeof(T) * (size_t)(6 * N));                                                        \
        T *xr = x, *xi = x + N, *sr = x + 2 * N, *si = x + 3 * N, *br = x + 4 * N, *bi = x + 5 * N;        \
        double l1 = 0;                                                                                     \
        for (int64_t i = 0; i < N; ++i) {                                                                  \
            xr[i] = (T)urand();                                                                            \
            xi[i] = (T)urand();                                                                            \
            l1 += fabs(xr[i]) + fabs(xi[i]);                                                               \
        }                                                                                                  \
        for (int64_t i = 2 * N; i < 6 * N; ++i) x[i] = (T)NAN;                                             \
        fc_status st = fc_fft4_check_##S(&f, xr, xi, sr, si, br, bi);                                      \
        double worst = 0, wb = 0;                                                                          \
        for (int64_t kk = 0; kk < N; ++kk) {                                                               \
            long double ar = 0, ai = 0;                                                                    \
            for (int64_t j = 0; j < N; ++j) {                                                              \
                const long double ang = -2 * PI * (long double)(j * kk % N) / N;                           \
                ar += xr[j] * cosl(ang) - xi[j] * sinl(ang);                                               \
                ai += xr[j] * sinl(ang) + xi[j] * cosl(ang);                                               \
            }                                                                                              \
            const double e = fabs(sr[kk] - (double)ar) + fabs(si[kk] - (double)ai);                        \
            const double eb = fabs(br[kk] - N * (double)xr[kk]) + fabs(bi[kk] - N * (double)xi[kk]);        \
            if (!(e <= worst)) worst = e;                                                                  \
            if (!(eb <= wb)) wb = eb;                                                                      \
        }                                                                                                  \
        const double lg = log2((double)N) + 1;                                                             \
        EXPECT(st == FC_OK && worst <= 16 * EPS * lg * (l1 + 1) && wb <= 32 * EPS * lg * (l1 + 1),         \
               "isa %d %s fft4 N=%lld (%lld x %lld, G %lld): err %g, round trip %g", isa, #S, (long long)N, \
               (long long)f.n1, (long long)f.n2, (long long)f.G, worst, wb);                              \
        free(x);                                                                                           \
        fc_fft4_plan_free(&f);                                                                             \
    }
F4_CASE(float, f32, 1.2e-7)
F4_CASE(double, f64, 2.3e-16)

int main(void)
{
    static const char *names[3] = {"baseline", "avx2", "avx512"};
    for (int isa = 0; isa < FC_ISA_COUNT; ++isa) {
        if (!isa_ok(isa)) continue;
        const fc_fftk_f32 *k32 = fc_fftk_for_f32(isa);
        const fc_fftk_f64 *k64 = fc_fftk_for_f64(isa);
        static const int radices[] = {2, 3, 4, 5, 8};
        for (size_t ri = 0; ri < sizeof radices / sizeof radices[0]; ++ri)
            for (int64_t L = 1; L <= 35; ++L)
                for (int tw = 0; tw < 2; ++tw) {
                    const int r = radices[ri];
                    bfly_case_f32(k32, isa, r, L, tw, -1);
                    bfly_case_f32(k32, isa, r, L, tw, 1);
                    bfly_case_f64(k64, isa, r, L, tw, -1);
                    bfly_case_f64(k64, isa, r, L, tw, 1);
                }
        for (int64_t h = 1; h <= 9; ++h)
            for (int64_t L = 1; L <= 17; L += 4) {
                real_case_f32(k32, isa, h, L);
                real_case_f64(k64, isa, h, L);
            }
        /* row groups of one vector (8 doubles, 16 floats: the in-register transposes)
         * and others, n2 below, at and past multiples of it */
        static const int64_t n2s[] = {1, 5, 8, 16, 19, 35}, lgs[] = {1, 3, 8, 13, 16, 17, 24, 32};
        for (size_t i = 0; i < sizeof n2s / sizeof n2s[0]; ++i)
            for (size_t j = 0; j < sizeof lgs / sizeof lgs[0]; ++j) {
                rowk_case_f32(k32, isa, n2s[i], lgs[j], lgs[j] + (n2s[i] & 2));
                rowk_case_f64(k64, isa, n2s[i], lgs[j], lgs[j] + (n2s[i] & 2));
            }
        static const int64_t lns[] = {1, 7, 8, 16, 17, 31, 32, 33, 40, 64, 67};
        for (size_t i = 0; i < sizeof lns / sizeof lns[0]; ++i)
            for (size_t j = 0; j < sizeof lgs / sizeof lgs[0]; ++j)
                for (int ilv = 0; ilv < 2; ++ilv) {
                    lane_case_f32(k32, isa, lns[i], lgs[j], ilv);
                    lane_case_f64(k64, isa, lns[i], lgs[j], ilv);
                }
        /* every 2^a 3^b 5^c up to 300 (splits where G divides n1 and where it does not,
         * one group, a partial last group) and a few long ones */
        for (int64_t N = 1; N <= 300; ++N)
            if (fc_fft_size_ok(N)) {
                f4_case_f32(isa, N);
                f4_case_f64(isa, N);
            }
        static const int64_t big[] = {384, 1000, 1024, 1280};
        for (size_t i = 0; i < sizeof big / sizeof big[0]; ++i) {
            f4_case_f32(isa, big[i]);
            f4_case_f64(isa, big[i]);
        }
        if (fc_set_isa(names[isa]) != FC_OK) continue;
        for (int64_t n = 1; n <= 400; ++n)
            if (fc_fft_size_ok(n)) api_case(1, &n);
        static const int64_t s2[][2] = {{1, 1}, {2, 3}, {5, 8}, {12, 10}, {16, 9}, {9, 16}};
        for (size_t i = 0; i < sizeof s2 / sizeof s2[0]; ++i) api_case(2, s2[i]);
        static const int64_t s3[][3] = {{2, 3, 4}, {3, 5, 6}, {4, 4, 9}};
        for (size_t i = 0; i < sizeof s3 / sizeof s3[0]; ++i) api_case(3, s3[i]);
        /* sizes the FFT cannot take */
        const int64_t bad = 7;
        EXPECT(fc_rfftn_f64(1, &bad, (double[7]){0}, (double[8]){0}, 1) == FC_EUNSUPPORTED, "size 7 accepted");
    }
    printf("%ld passed, %ld failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
