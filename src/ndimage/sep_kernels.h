/* Micro-kernels of the 1-D passes, one instantiation per instruction set (sep_kern_*.c,
 * each compiled with its ISA's flags and -ffp-contract=off, so that every ISA rounds
 * each product and sum as SciPy's C does and float64 results stay bit-identical to it).
 *   FC_SEP_ISA   suffix (baseline, avx2, avx512)
 *   FC_SEP_VB    vector bytes (16, 32, 64); a register block is four vectors. */
#include <string.h>
#include "sep.h"

#define FC_SK_CAT_(a, b, c) a##_##b##_##c
#define FC_SK_CAT(a, b, c) FC_SK_CAT_(a, b, c)

/* out[b] = sum_j w[j] * r[j][b] for b < nb, in SciPy's order: odd symmetric kernels
 * (sym 1) add mirrored pairs, (r[j] + r[K-1-j]) * w[j] after the centre tap; antisymmetric
 * ones (sym -1) subtract; others start from the last tap and add taps 0..K-2.  Four
 * vectors at a time (GCC vector types: plain loops were reordered into scalar code), the
 * sums in registers across the K taps; then the remainder one lane at a time. */
#define FC_SK_ROWS(T, VB, NAME)                                                                  \
    static void NAME(int64_t K, const T *const *r, const T *w, int sym, int64_t nb, T *out)      \
    {                                                                                            \
        typedef T V __attribute__((vector_size(VB), aligned(sizeof(T)), may_alias));             \
        enum { L = VB / sizeof(T), U = 4 * L };                                                  \
        const int64_t c = K / 2;                                                                 \
        int64_t b = 0;                                                                           \
        for (; b + U <= nb; b += U) {                                                            \
            V a0, a1, a2, a3;                                                                    \
            if (sym) {                                                                           \
                const T *m = r[c] + b;                                                           \
                const V wc = (V){0} + w[c];                                                      \
                a0 = *(const V *)m * wc;                                                         \
                a1 = *(const V *)(m + L) * wc;                                                   \
                a2 = *(const V *)(m + 2 * L) * wc;                                               \
                a3 = *(const V *)(m + 3 * L) * wc;                                               \
                for (int64_t j = 0; j < c; ++j) {                                                \
                    const T *lo = r[j] + b, *hi = r[K - 1 - j] + b;                              \
                    const V wj = (V){0} + w[j];                                                  \
                    if (sym > 0) {                                                               \
                        a0 += (*(const V *)lo + *(const V *)hi) * wj;                            \
                        a1 += (*(const V *)(lo + L) + *(const V *)(hi + L)) * wj;                \
                        a2 += (*(const V *)(lo + 2 * L) + *(const V *)(hi + 2 * L)) * wj;        \
                        a3 += (*(const V *)(lo + 3 * L) + *(const V *)(hi + 3 * L)) * wj;        \
                    } else {                                                                     \
                        a0 += (*(const V *)lo - *(const V *)hi) * wj;                            \
                        a1 += (*(const V *)(lo + L) - *(const V *)(hi + L)) * wj;                \
                        a2 += (*(const V *)(lo + 2 * L) - *(const V *)(hi + 2 * L)) * wj;        \
                        a3 += (*(const V *)(lo + 3 * L) - *(const V *)(hi + 3 * L)) * wj;        \
                    }                                                                            \
                }                                                                                \
            } else {                                                                             \
                const T *x = r[K - 1] + b;                                                       \
                const V wl = (V){0} + w[K - 1];                                                  \
                a0 = *(const V *)x * wl;                                                         \
                a1 = *(const V *)(x + L) * wl;                                                   \
                a2 = *(const V *)(x + 2 * L) * wl;                                               \
                a3 = *(const V *)(x + 3 * L) * wl;                                               \
                for (int64_t j = 0; j < K - 1; ++j) {                                            \
                    const T *y = r[j] + b;                                                       \
                    const V wj = (V){0} + w[j];                                                  \
                    a0 += *(const V *)y * wj;                                                    \
                    a1 += *(const V *)(y + L) * wj;                                              \
                    a2 += *(const V *)(y + 2 * L) * wj;                                          \
                    a3 += *(const V *)(y + 3 * L) * wj;                                          \
                }                                                                                \
            }                                                                                    \
            *(V *)(out + b) = a0;                                                                \
            *(V *)(out + b + L) = a1;                                                            \
            *(V *)(out + b + 2 * L) = a2;                                                        \
            *(V *)(out + b + 3 * L) = a3;                                                        \
        }                                                                                        \
        for (; b < nb; ++b) {                                                                    \
            T s;                                                                                 \
            if (sym) {                                                                           \
                s = r[c][b] * w[c];                                                              \
                for (int64_t j = 0; j < c; ++j)                                                  \
                    s += (sym > 0 ? r[j][b] + r[K - 1 - j][b] : r[j][b] - r[K - 1 - j][b]) * w[j]; \
            } else {                                                                             \
                s = r[K - 1][b] * w[K - 1];                                                      \
                for (int64_t j = 0; j < K - 1; ++j) s += r[j][b] * w[j];                         \
            }                                                                                    \
            out[b] = s;                                                                          \
        }                                                                                        \
    }

/* o[i] = (T)(s[i] / dk) for i < n, bit for bit.  Doubles divide (and so does the
 * baseline, without FMA).  Floats multiply by rk = RN(1/dk) instead: q = RN(s*rk) is
 * within 2 double ulps of d = RN(s/dk) (|s*rk - s/dk| <= |s/dk| 2^-53 < 1 ulp, plus half
 * an ulp of rounding), so RN_float(q) = RN_float(d) unless a float rounding midpoint
 * (low 29 bits 0x10000000) lies within a few ulps of q.  Near one, q is still right where
 * it is the exact quotient (s - q*dk == 0, by FMA): sums of K floats are exact multiples
 * of K often enough (about 1.5% of random data, K = 11) that their quotient is a float
 * midpoint, whose tie must go to the even float as SciPy's division does.  Any other lane
 * near a midpoint (about 1 in 2^25 random values), or outside the normal float range,
 * sends the whole call back to the divisions.  Worked example: dk = 3, s = 3 + 3*2^-24
 * (three floats 2, 1 and 3*2^-24): s/3 = 1 + 2^-24, a midpoint; q = RN(s*rk) may land an
 * ulp off it, but then s - q*3 != 0 flags the call; where q is it exactly, RN_float(q) =
 * 1.0f, the even neighbour, as RN_float(s/3) is. */
#if FC_SEP_VB == 64
#include <immintrin.h>
#define FC_SK_FNMA(a, b, c) ((VD)_mm512_fnmadd_pd((__m512d)(a), (__m512d)(b), (__m512d)(c)))
#elif FC_SEP_VB == 32
#include <immintrin.h>
#define FC_SK_FNMA(a, b, c) ((VD)_mm256_fnmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))
#endif
#ifdef FC_SK_FNMA
/* lanes of q = RN(x * rk) that need the division (the test above); VU, VI, vk in scope */
#define FC_SK_QBAD(q, x)                                                                         \
    (((VI)((((VU)(q) & 0x1FFFFFFF) - (0x10000000 - 8)) <= 16) & (FC_SK_FNMA(q, vk, x) != 0)) |  \
     (VI)((((VU)(q) & 0x7FFFFFFFFFFFFFFF) - 0x0010000000000000) <                               \
          0x3810000000000000 - 0x0010000000000000))
/* One step of FC_SK_BOX for floats, the sums' update and their quotients in one pass:
 * acc[b] += (double)add[b] - (double)sub[b]; out[b] = (float)(acc[b] / dk), bit for bit
 * (the quotients as in FC_SK_QUOT, the divisions redone for the row where flagged). */
#define FC_SK_STEPQ(VB, NAME)                                                                    \
    static void NAME(const float *restrict add, const float *restrict sub, int64_t nb,           \
                     double *restrict acc, float *restrict out, double dk)                       \
    {                                                                                            \
        typedef double VD __attribute__((vector_size(VB), aligned(8), may_alias));               \
        typedef int64_t VI __attribute__((vector_size(VB)));                                     \
        typedef uint64_t VU __attribute__((vector_size(VB)));                                    \
        typedef float VF __attribute__((vector_size(VB / 2), aligned(4), may_alias));            \
        enum { L = VB / 8 };                                                                     \
        const double rk = 1.0 / dk;                                                              \
        const VD vk = (VD){0} + dk;                                                              \
        VI bad = {0};                                                                            \
        int64_t b = 0;                                                                           \
        for (; b + L <= nb; b += L) {                                                            \
            const VD x = *(const VD *)(acc + b) + (__builtin_convertvector(*(const VF *)(add + b), VD) - \
                                                   __builtin_convertvector(*(const VF *)(sub + b), VD)); \
            *(VD *)(acc + b) = x;                                                                \
            const VD q = x * rk;                                                                 \
            *(VF *)(out + b) = __builtin_convertvector(q, VF);                                   \
            bad |= FC_SK_QBAD(q, x);                                                             \
        }                                                                                        \
        for (; b < nb; ++b) {                                                                    \
            acc[b] += (double)add[b] - (double)sub[b];                                           \
            out[b] = (float)(acc[b] / dk);                                                       \
        }                                                                                        \
        int any = 0;                                                                             \
        for (int l = 0; l < L; ++l) any |= bad[l] != 0;                                          \
        if (any)                                                                                 \
            for (b = 0; b < nb; ++b) out[b] = (float)(acc[b] / dk);                              \
    }
FC_SK_STEPQ(FC_SEP_VB, FC_SK_CAT(sep_stepq, f32, FC_SEP_ISA))
#define FC_SK_STEP_FAST(T, add, sub, nb, acc, out, dk)                                           \
    if (sizeof(T) == 4) {                                                                        \
        FC_SK_CAT(sep_stepq, f32, FC_SEP_ISA)((const float *)(add), (const float *)(sub), nb, acc, \
                                              (float *)(out), dk);                               \
        continue;                                                                                \
    }
#else
#define FC_SK_STEP_FAST(T, add, sub, nb, acc, out, dk)
#endif
#ifdef FC_SK_FNMA
#define FC_SK_QUOT_FAST(T, VB)                                                                   \
    if (sizeof(T) == 4) {                                                                        \
        typedef double VD __attribute__((vector_size(VB), aligned(8), may_alias));               \
        typedef int64_t VI __attribute__((vector_size(VB)));                                     \
        typedef uint64_t VU __attribute__((vector_size(VB)));                                    \
        typedef float VF __attribute__((vector_size(VB / 2), aligned(4), may_alias));            \
        enum { L = VB / 8 };                                                                     \
        const double rk = 1.0 / dk;                                                              \
        const VD vk = (VD){0} + dk;                                                              \
        VI bad = {0};                                                                            \
        for (; i + L <= n; i += L) {                                                             \
            const VD x = *(const VD *)(s + i), q = x * rk;                                       \
            *(VF *)((float *)o + i) = __builtin_convertvector(q, VF);                            \
            bad |= FC_SK_QBAD(q, x);                                                             \
        }                                                                                        \
        int any = 0;                                                                             \
        for (int l = 0; l < L; ++l) any |= bad[l] != 0;                                          \
        if (any) i = 0;                                                                          \
    }
#else
#define FC_SK_QUOT_FAST(T, VB)
#endif
#define FC_SK_QUOT(T, VB, NAME)                                                                  \
    static void NAME(const double *restrict s, int64_t n, double dk, T *restrict o)              \
    {                                                                                            \
        int64_t i = 0;                                                                           \
        FC_SK_QUOT_FAST(T, VB)                                                                   \
        for (; i < n; ++i) o[i] = (T)(s[i] / dk);                                                \
    }

/* Row t of r, or NULL for a border row (t < lo or t >= hi). */
#define FC_SK_ROW(r, t, lo, hi) ((t) < (lo) || (t) >= (hi) ? NULL : (r)[t])

/* acc[b] += add[b] - sub[b] in double where add or sub is NULL, a row of fill: one loop
 * per case, so that each vectorises (fill - fill is kept: it is NaN for an infinite fill). */
#define FC_SK_BORDER_STEP(add, sub, fill, nb, acc)                                               \
    if (!(add) && !(sub))                                                                        \
        for (int64_t b = 0; b < (nb); ++b) (acc)[b] += (fill) - (fill);                          \
    else if (!(add))                                                                             \
        for (int64_t b = 0; b < (nb); ++b) (acc)[b] += (fill) - (double)(sub)[b];                \
    else                                                                                         \
        for (int64_t b = 0; b < (nb); ++b) (acc)[b] += (double)(add)[b] - (fill);

/* One output row i of FC_SK_BOX that reads a border row, or its first (i = 0): the
 * recurrence with the border rows (t < f->lo or t >= f->hi) as f->v in double.  Not
 * inlined, so that the loop of the other rows keeps its constants in registers. */
#define FC_SK_BOXEDGE(T, NAME, QUOT)                                                             \
    static __attribute__((noinline)) void NAME(int64_t K, const T *const *r,                     \
                                               const fc_sep_fill *f, int64_t i, int64_t nb,      \
                                               double *acc, T *out)                              \
    {                                                                                            \
        const int64_t lo = f->lo, hi = f->hi;                                                    \
        const double fill = f->v;                                                                \
        if (i == 0) {                                                                            \
            for (int64_t b = 0; b < nb; ++b) acc[b] = 0.0;                                       \
            for (int64_t j = 0; j < K; ++j) {                                                    \
                const T *x = FC_SK_ROW(r, j, lo, hi);                                            \
                if (x)                                                                           \
                    for (int64_t b = 0; b < nb; ++b) acc[b] += (double)x[b];                     \
                else                                                                             \
                    for (int64_t b = 0; b < nb; ++b) acc[b] += fill;                             \
            }                                                                                    \
        } else {                                                                                 \
            const T *add = FC_SK_ROW(r, i + K - 1, lo, hi), *sub = FC_SK_ROW(r, i - 1, lo, hi);  \
            FC_SK_BORDER_STEP(add, sub, fill, nb, acc)                                           \
        }                                                                                        \
        QUOT(acc, nb, (double)K, out);                                                           \
    }

/* Running mean of K rows for outputs i in [i0, i1), nb lanes, by SciPy's recurrence in
 * double: acc = r[0] + .. + r[K-1] (at i0 = 0); acc += r[i+K-1] - r[i-1] for i >= 1;
 * out row i = acc / K, at out + (i - i0)*ldo.  acc (nb doubles) carries the sums from
 * one call to the next, so a line may be processed in consecutive pieces; only rows
 * r[i-1] and r[i+K-1] of the piece are read (r[0..K-1] for i0 = 0).  Rows t < f->lo or
 * t >= f->hi are the constant border, f->v in double, and r[t] is not read there:
 * SciPy's line buffers hold cval as a double, so a float32 image's border must not be
 * rounded to float (cval = 0.1).  Those outputs (and i = 0) go to EDGE; the others,
 * [lo + 1, hi - K + 1), run in a loop of their own. */
#define FC_SK_BOX(T, NAME, QUOT, EDGE)                                                           \
    static void NAME(int64_t K, const T *const *r, const fc_sep_fill *f, int64_t i0, int64_t i1, \
                     int64_t nb, double *acc, T *out, int64_t ldo)                               \
    {                                                                                            \
        const double dk = (double)K;                                                             \
        const int64_t ia = f->lo + 1, ib = f->hi - K + 1;                                        \
        for (int64_t i = i0; i < i1;) {                                                          \
            if (i < ia || i >= ib) {                                                             \
                EDGE(K, r, f, i, nb, acc, out);                                                  \
                ++i, out += ldo;                                                                 \
                continue;                                                                        \
            }                                                                                    \
            for (const int64_t e = ib < i1 ? ib : i1; i < e; ++i, out += ldo) {                  \
                const T *restrict add = r[i + K - 1], *restrict sub = r[i - 1];                  \
                FC_SK_STEP_FAST(T, add, sub, nb, acc, out, dk)                                   \
                double *restrict a = acc;                                                        \
                for (int64_t b = 0; b < nb; ++b) a[b] += (double)add[b] - (double)sub[b];        \
                QUOT(acc, nb, dk, out);                                                          \
            }                                                                                    \
        }                                                                                        \
    }

/* The column step of the checkpoint pre-pass (no output): acc[b] += (double)add[b] -
 * (double)sub[b], the recurrence of FC_SK_BOX; start nonzero begins a sum instead:
 * acc[b] += add[b] (sub unused).  A NULL row is a row of `fill`, as in FC_SK_BOX. */
#define FC_SK_BOXACC(T, NAME)                                                                    \
    static void NAME(const T *restrict add, const T *restrict sub, int start, double fill,       \
                     int64_t nb, double *restrict acc)                                           \
    {                                                                                            \
        if (start && add)                                                                        \
            for (int64_t b = 0; b < nb; ++b) acc[b] += (double)add[b];                           \
        else if (start)                                                                          \
            for (int64_t b = 0; b < nb; ++b) acc[b] += fill;                                     \
        else if (add && sub)                                                                     \
            for (int64_t b = 0; b < nb; ++b) acc[b] += (double)add[b] - (double)sub[b];          \
        else                                                                                     \
            FC_SK_BORDER_STEP(add, sub, fill, nb, acc)                                           \
    }

/* Position j of line e in double, or v where j is outside [lo, hi) (the border fill). */
#define FC_SK_AT(e, j, lo, hi, v) ((j) < (lo) || (j) >= (hi) ? (v) : (double)(e)[j])

/* The differences of FC_SK_BOXROW's chunk (outputs c0 + j, j0 <= j < nc, of the line
 * that starts at e) that read a border position, p - 1 < lo or p + K - 1 >= hi for
 * output p, again with the border as f->v in double: sr[j] = e[p+K-1] - e[p-1]. */
#define FC_SK_ROWEDGE(T, NAME)                                                                   \
    static __attribute__((noinline)) void NAME(const T *e, int64_t K, int64_t c0, int64_t j0,    \
                                               int64_t nc, const fc_sep_fill *f, double *sr)     \
    {                                                                                            \
        const int64_t lo = f->lo, hi = f->hi;                                                    \
        const int64_t l1 = lo - c0 + 1 < nc ? lo - c0 + 1 : nc;   /* [j0, l1): p - 1 < lo */     \
        const int64_t h0 = hi - c0 - K + 1 > j0 ? hi - c0 - K + 1 : j0; /* [h0, nc) */           \
        for (int64_t j = j0; j < l1; ++j)                                                        \
            sr[j] = FC_SK_AT(e, c0 + j + K - 1, lo, hi, f->v) -                                  \
                    FC_SK_AT(e, c0 + j - 1, lo, hi, f->v);                                       \
        for (int64_t j = h0; j < nc; ++j)                                                        \
            sr[j] = FC_SK_AT(e, c0 + j + K - 1, lo, hi, f->v) -                                  \
                    FC_SK_AT(e, c0 + j - 1, lo, hi, f->v);                                       \
    }

/* Running means along R contiguous lines at once (the last axis): line r is ext + r*ldx,
 * n + K - 1 extended positions; out + r*ldo gets its n means, by FC_SK_BOX's recurrence
 * (bit-identical to it).  In chunks of FC_SEP_BOXROW_CHUNK positions (s: R of them, in
 * L1): the differences ext[i+K-1] - ext[i-1] are vector work into s; the sums carried
 * along each line are a chain of dependent adds, so eight lines run interleaved to cover
 * the adder's latency; the quotients are vector work again.  Worked example, K = 3:
 * s[0] = e0 + e1 + e2, s[1] = s[0] + (e3 - e0).  Positions p < f->lo or p >= f->hi of
 * every line are the constant border, f->v in double (as FC_SK_BOX's border rows): EDGE
 * recomputes the differences that read them, in the chunks that have any (lo = 0,
 * hi = n + K - 1: none). */
#define FC_SK_BOXROW(T, NAME, QUOT, EDGE)                                                        \
    static void NAME(int64_t K, const T *restrict ext, int64_t ldx, int64_t R, int64_t n,        \
                     const fc_sep_fill *f, double *restrict s, T *restrict out, int64_t ldo)     \
    {                                                                                            \
        enum { C = FC_SEP_BOXROW_CHUNK };                                                        \
        const double dk = (double)K;                                                             \
        const int64_t lo = f->lo, hi = f->hi;                                                    \
        for (int64_t r0 = 0; r0 < R; r0 += 8) {                                                  \
            const int64_t nr = R - r0 < 8 ? R - r0 : 8;                                          \
            double a[8] = {0};                                                                   \
            for (int64_t c0 = 0; c0 < n; c0 += C) {                                              \
                const int64_t nc = n - c0 < C ? n - c0 : C, j0 = c0 == 0;                        \
                for (int64_t r = 0; r < nr; ++r) {                                               \
                    const T *e = ext + (r0 + r) * ldx + c0;                                      \
                    double *sr = s + r * C;                                                      \
                    if (c0 == 0) {                                                               \
                        double t = 0.0;                                                          \
                        if (lo == 0 && hi >= K) /* no border among the first K */                \
                            for (int64_t j = 0; j < K; ++j) t += (double)e[j];                   \
                        else                                                                     \
                            for (int64_t j = 0; j < K; ++j) t += FC_SK_AT(e, j, lo, hi, f->v);   \
                        a[r] = sr[0] = t;                                                        \
                    }                                                                            \
                    for (int64_t j = j0; j < nc; ++j)                                            \
                        sr[j] = (double)e[j + K - 1] - (double)e[j - 1];                         \
                    if (c0 + j0 <= lo || c0 + nc + K - 2 >= hi)                                  \
                        EDGE(e - c0, K, c0, j0, nc, f, sr);                                      \
                }                                                                                \
                if (nr == 8) {                                                                   \
                    double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];                           \
                    double a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];                           \
                    for (int64_t j = j0; j < nc; ++j) {                                          \
                        s[j] = a0 += s[j];                                                       \
                        s[C + j] = a1 += s[C + j];                                               \
                        s[2 * C + j] = a2 += s[2 * C + j];                                       \
                        s[3 * C + j] = a3 += s[3 * C + j];                                       \
                        s[4 * C + j] = a4 += s[4 * C + j];                                       \
                        s[5 * C + j] = a5 += s[5 * C + j];                                       \
                        s[6 * C + j] = a6 += s[6 * C + j];                                       \
                        s[7 * C + j] = a7 += s[7 * C + j];                                       \
                    }                                                                            \
                    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;                                  \
                    a[4] = a4, a[5] = a5, a[6] = a6, a[7] = a7;                                  \
                } else {                                                                         \
                    for (int64_t r = 0; r < nr; ++r) {                                           \
                        double *sr = s + r * C, t = a[r];                                        \
                        for (int64_t j = j0; j < nc; ++j) sr[j] = t += sr[j];                    \
                        a[r] = t;                                                                \
                    }                                                                            \
                }                                                                                \
                for (int64_t r = 0; r < nr; ++r)                                                 \
                    QUOT(s + r * C, nc, dk, out + (r0 + r) * ldo + c0);                          \
            }                                                                                    \
        }                                                                                        \
    }

FC_SK_ROWS(float, FC_SEP_VB, FC_SK_CAT(sep_rows, f32, FC_SEP_ISA))
FC_SK_ROWS(double, FC_SEP_VB, FC_SK_CAT(sep_rows, f64, FC_SEP_ISA))
FC_SK_QUOT(float, FC_SEP_VB, FC_SK_CAT(sep_quot, f32, FC_SEP_ISA))
FC_SK_QUOT(double, FC_SEP_VB, FC_SK_CAT(sep_quot, f64, FC_SEP_ISA))
FC_SK_BOXEDGE(float, FC_SK_CAT(sep_boxedge, f32, FC_SEP_ISA), FC_SK_CAT(sep_quot, f32, FC_SEP_ISA))
FC_SK_BOXEDGE(double, FC_SK_CAT(sep_boxedge, f64, FC_SEP_ISA), FC_SK_CAT(sep_quot, f64, FC_SEP_ISA))
FC_SK_BOX(float, FC_SK_CAT(sep_box, f32, FC_SEP_ISA), FC_SK_CAT(sep_quot, f32, FC_SEP_ISA),
          FC_SK_CAT(sep_boxedge, f32, FC_SEP_ISA))
FC_SK_BOX(double, FC_SK_CAT(sep_box, f64, FC_SEP_ISA), FC_SK_CAT(sep_quot, f64, FC_SEP_ISA),
          FC_SK_CAT(sep_boxedge, f64, FC_SEP_ISA))
FC_SK_BOXACC(float, FC_SK_CAT(sep_boxacc, f32, FC_SEP_ISA))
FC_SK_BOXACC(double, FC_SK_CAT(sep_boxacc, f64, FC_SEP_ISA))
FC_SK_ROWEDGE(float, FC_SK_CAT(sep_rowedge, f32, FC_SEP_ISA))
FC_SK_ROWEDGE(double, FC_SK_CAT(sep_rowedge, f64, FC_SEP_ISA))
FC_SK_BOXROW(float, FC_SK_CAT(sep_boxrow, f32, FC_SEP_ISA), FC_SK_CAT(sep_quot, f32, FC_SEP_ISA),
             FC_SK_CAT(sep_rowedge, f32, FC_SEP_ISA))
FC_SK_BOXROW(double, FC_SK_CAT(sep_boxrow, f64, FC_SEP_ISA), FC_SK_CAT(sep_quot, f64, FC_SEP_ISA),
             FC_SK_CAT(sep_rowedge, f64, FC_SEP_ISA))

#define FC_SK_TABLE_(isa) fc_sep_kernels_##isa
#define FC_SK_TABLE(isa) FC_SK_TABLE_(isa)
const fc_sep_kernels FC_SK_TABLE(FC_SEP_ISA) = {
    .rows_f32 = FC_SK_CAT(sep_rows, f32, FC_SEP_ISA),
    .rows_f64 = FC_SK_CAT(sep_rows, f64, FC_SEP_ISA),
    .box_f32 = FC_SK_CAT(sep_box, f32, FC_SEP_ISA),
    .box_f64 = FC_SK_CAT(sep_box, f64, FC_SEP_ISA),
    .boxacc_f32 = FC_SK_CAT(sep_boxacc, f32, FC_SEP_ISA),
    .boxacc_f64 = FC_SK_CAT(sep_boxacc, f64, FC_SEP_ISA),
    .boxrow_f32 = FC_SK_CAT(sep_boxrow, f32, FC_SEP_ISA),
    .boxrow_f64 = FC_SK_CAT(sep_boxrow, f64, FC_SEP_ISA),
};
