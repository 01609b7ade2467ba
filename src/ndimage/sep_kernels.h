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

/* Running mean of K rows for outputs i in [i0, i1), nb lanes, by SciPy's recurrence in
 * double: acc = r[0] + .. + r[K-1] (at i0 = 0); acc += r[i+K-1] - r[i-1] for i >= 1;
 * out row i = acc / K, at out + (i - i0)*ldo.  acc (nb doubles) carries the sums from
 * one call to the next, so a line may be processed in consecutive pieces; only rows
 * r[i-1] and r[i+K-1] of the piece are read (r[0..K-1] for i0 = 0). */
#define FC_SK_BOX(T, NAME)                                                                       \
    static void NAME(int64_t K, const T *const *r, int64_t i0, int64_t i1, int64_t nb,            \
                     double *acc, T *out, int64_t ldo)                                           \
    {                                                                                            \
        const double dk = (double)K;                                                             \
        if (i0 == 0 && i1 > 0) {                                                                 \
            for (int64_t b = 0; b < nb; ++b) acc[b] = 0.0;                                       \
            for (int64_t j = 0; j < K; ++j) {                                                    \
                const T *x = r[j];                                                               \
                for (int64_t b = 0; b < nb; ++b) acc[b] += (double)x[b];                         \
            }                                                                                    \
            for (int64_t b = 0; b < nb; ++b) out[b] = (T)(acc[b] / dk);                          \
            i0 = 1;                                                                              \
            out += ldo;                                                                          \
        }                                                                                        \
        for (int64_t i = i0; i < i1; ++i, out += ldo) {                                          \
            const T *add = r[i + K - 1], *sub = r[i - 1];                                        \
            for (int64_t b = 0; b < nb; ++b) {                                                   \
                acc[b] += (double)add[b] - (double)sub[b];                                       \
                out[b] = (T)(acc[b] / dk);                                                       \
            }                                                                                    \
        }                                                                                        \
    }

FC_SK_ROWS(float, FC_SEP_VB, FC_SK_CAT(sep_rows, f32, FC_SEP_ISA))
FC_SK_ROWS(double, FC_SEP_VB, FC_SK_CAT(sep_rows, f64, FC_SEP_ISA))
FC_SK_BOX(float, FC_SK_CAT(sep_box, f32, FC_SEP_ISA))
FC_SK_BOX(double, FC_SK_CAT(sep_box, f64, FC_SEP_ISA))

#define FC_SK_TABLE_(isa) fc_sep_kernels_##isa
#define FC_SK_TABLE(isa) FC_SK_TABLE_(isa)
const fc_sep_kernels FC_SK_TABLE(FC_SEP_ISA) = {
    FC_SK_CAT(sep_rows, f32, FC_SEP_ISA), FC_SK_CAT(sep_rows, f64, FC_SEP_ISA),
    FC_SK_CAT(sep_box, f32, FC_SEP_ISA), FC_SK_CAT(sep_box, f64, FC_SEP_ISA),
};
