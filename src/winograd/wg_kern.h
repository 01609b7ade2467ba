/* Winograd micro-kernels, one instantiation per instruction set (wg_kern_*.c, each
 * compiled with its ISA's flags; see wg.h for what each kernel computes).
 *   FC_WG_ISA    suffix (baseline, avx2, avx512)
 *   FC_WG_VB     vector bytes (16, 32, 64)
 *   FC_WG_MR4, FC_WG_NV4, FC_WG_MR8, FC_WG_NV8   the product's tile for float (4-byte)
 *                and double (8-byte) elements: MR outputs x NV vectors of tiles, MR*NV
 *                accumulators + NV loaded vectors + 1 broadcast within the ISA's registers
 * GCC vector types (as the ndimage kernels): the same source becomes SSE, AVX2 or
 * AVX-512 code; a*b + c contracts to FMA where the ISA has it. */
#include <string.h>
#include "winograd/wg.h"

#define FC_WG_CAT_(a, b, c) a##_##b##_##c
#define FC_WG_CAT(a, b, c) FC_WG_CAT_(a, b, c)

#if defined(__GNUC__) && !defined(__clang__)
#  define FC_WG_UNROLL _Pragma("GCC unroll 16")
#else
#  define FC_WG_UNROLL
#endif

/* The product: acc[i][j] over every reduction index in registers from zero, one store at
 * the end (add: m + acc, so that a sum split into calls is a two-level sum, each call's
 * part one chain: its rounding grows with the parts' lengths, not the whole sum's). */
#define FC_WG_GEMM(T, MR, NV, NAME)                                                         \
    static void NAME(int64_t R, const T *u, int64_t ldu, const T *v, T *m, int64_t ldm, int add) \
    {                                                                                       \
        typedef T V __attribute__((vector_size(FC_WG_VB), aligned(sizeof(T)), may_alias)); \
        enum { L = FC_WG_VB / sizeof(T) };                                                  \
        V acc[MR][NV];                                                                      \
        FC_WG_UNROLL for (int i = 0; i < MR; ++i)                                           \
            FC_WG_UNROLL for (int j = 0; j < NV; ++j) acc[i][j] = (V){0};                   \
        for (int64_t r = 0; r < R; ++r, u += ldu, v += NV * L) {                            \
            V x[NV];                                                                        \
            FC_WG_UNROLL for (int j = 0; j < NV; ++j) x[j] = *(const V *)(v + j * L);       \
            FC_WG_UNROLL for (int i = 0; i < MR; ++i) {                                     \
                const V b = (V){0} + u[i];                                                  \
                FC_WG_UNROLL for (int j = 0; j < NV; ++j) acc[i][j] += b * x[j];            \
            }                                                                               \
        }                                                                                   \
        FC_WG_UNROLL for (int i = 0; i < MR; ++i)                                           \
            FC_WG_UNROLL for (int j = 0; j < NV; ++j) {                                     \
                V *o = (V *)(m + i * ldm + j * L);                                          \
                if (add) *o += acc[i][j];                                                   \
                else *o = acc[i][j];                                                        \
            }                                                                               \
    }

/* 1-D transforms of a vectors at in[k*si] into out[k*so] (k < a; F(4x4): a = 6, F(2x2):
 * a = 4).  Rows of B^T (points 0, +-1, +-2, inf for F(4x4); 0, +-1, inf for F(2x2)):
 *   F(4x4)  [4 0 -5 0 1 0] [0 -4 -4 1 1 0] [0 4 -4 -1 1 0] [0 -2 -1 2 1 0] [0 2 -1 -2 1 0] [0 4 0 -5 0 1]
 *   F(2x2)  [1 0 -1 0] [0 1 1 0] [0 -1 1 0] [0 1 0 -1]
 * and of A^T:
 *   F(4x4)  [1 1 1 1 1 0] [0 1 -1 2 -2 0] [0 1 1 4 4 0] [0 1 -1 8 -8 1]
 *   F(2x2)  [1 1 1 0] [0 1 -1 -1]
 * written out so that no multiplication by 0 or 1 is left (the compiler may not drop a
 * multiplication by 0: NaN and signed-zero rules). */
#define FC_WG_BT6(V, in, si, out, so)                                                       \
    do {                                                                                    \
        const V d0 = in[0], d1 = in[si], d2 = in[2 * si], d3 = in[3 * si], d4 = in[4 * si], \
                d5 = in[5 * si];                                                            \
        const V t1 = d4 - 4 * d2, t2 = d3 - 4 * d1, t3 = d4 - d2, t4 = 2 * (d3 - d1);      \
        out[0] = 4 * d0 - 5 * d2 + d4;                                                      \
        out[so] = t1 + t2;                                                                  \
        out[2 * so] = t1 - t2;                                                              \
        out[3 * so] = t3 + t4;                                                              \
        out[4 * so] = t3 - t4;                                                              \
        out[5 * so] = 4 * d1 - 5 * d3 + d5;                                                 \
    } while (0)
#define FC_WG_BT4(V, in, si, out, so)                                                       \
    do {                                                                                    \
        const V d0 = in[0], d1 = in[si], d2 = in[2 * si], d3 = in[3 * si];                  \
        out[0] = d0 - d2;                                                                   \
        out[so] = d1 + d2;                                                                  \
        out[2 * so] = d2 - d1;                                                              \
        out[3 * so] = d1 - d3;                                                              \
    } while (0)
#define FC_WG_AT6(V, in, si, out, so)                                                       \
    do {                                                                                    \
        const V m0 = in[0], m1 = in[si], m2 = in[2 * si], m3 = in[3 * si], m4 = in[4 * si], \
                m5 = in[5 * si];                                                            \
        const V s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4;                 \
        out[0] = m0 + s12 + s34;                                                            \
        out[so] = d12 + 2 * d34;                                                            \
        out[2 * so] = s12 + 4 * s34;                                                        \
        out[3 * so] = d12 + 8 * d34 + m5;                                                   \
    } while (0)
#define FC_WG_AT4(V, in, si, out, so)                                                       \
    do {                                                                                    \
        const V m0 = in[0], m1 = in[si], m2 = in[2 * si], m3 = in[3 * si];                  \
        out[0] = m0 + m1 + m2;                                                              \
        out[so] = m1 - m2 - m3;                                                             \
    } while (0)

/* Input transform of nr = NV*L lanes (patch element (i, j) at d + i*ldr + j*nr): for each
 * vector of lanes, columns then rows. */
#define FC_WG_ITRANS(T, NV, A, BT, NAME)                                                    \
    static void NAME(const T *d, int64_t ldr, T *v, int64_t ldv)                            \
    {                                                                                       \
        typedef T V __attribute__((vector_size(FC_WG_VB), aligned(sizeof(T)), may_alias)); \
        enum { L = FC_WG_VB / sizeof(T), NR = NV * L };                                     \
        for (int j = 0; j < NV; ++j) {                                                      \
            V in[A * A], t[A * A], o[A * A];                                                \
            FC_WG_UNROLL for (int e = 0; e < A * A; ++e)                                    \
                in[e] = *(const V *)(d + e / A * ldr + e % A * NR + j * L);                 \
            FC_WG_UNROLL for (int c = 0; c < A; ++c) BT(V, (in + c), A, (t + c), A);        \
            FC_WG_UNROLL for (int r = 0; r < A; ++r) BT(V, (t + r * A), 1, (o + r * A), 1); \
            FC_WG_UNROLL for (int e = 0; e < A * A; ++e) *(V *)(v + e * ldv + j * L) = o[e]; \
        }                                                                                   \
    }

/* Output transform of nr tiles: A^T Mt A, columns then rows, into o[m*m][nr]. */
#define FC_WG_OTRANS(T, NV, A, AT, NAME)                                                    \
    static void NAME(const T *mt, int64_t ldm, T *o)                                        \
    {                                                                                       \
        typedef T V __attribute__((vector_size(FC_WG_VB), aligned(sizeof(T)), may_alias)); \
        enum { L = FC_WG_VB / sizeof(T), NR = NV * L, M = A - 2 };                          \
        for (int j = 0; j < NV; ++j) {                                                      \
            V in[A * A], t[M * A], r_[M * M];                                               \
            FC_WG_UNROLL for (int e = 0; e < A * A; ++e) in[e] = *(const V *)(mt + e * ldm + j * L); \
            FC_WG_UNROLL for (int c = 0; c < A; ++c) AT(V, (in + c), A, (t + c), A);        \
            FC_WG_UNROLL for (int r = 0; r < M; ++r) AT(V, (t + r * A), 1, (r_ + r * M), 1); \
            FC_WG_UNROLL for (int e = 0; e < M * M; ++e) *(V *)(o + e * NR + j * L) = r_[e]; \
        }                                                                                   \
    }

/* Weight transform of n kernels given element-major (k9 + e*n + c: element e = 3*i + j
 * of kernel c), vectorised over the kernels: u + xi*ldx + c = (G k_c G^T)[xi].  G's rows
 * (wg_exec_impl.h) written out: F(4x4) g -> [g0/4, -(g0+g1+g2)/6, -(g0-g1+g2)/6,
 * g0/24 + g1/12 + g2/6, g0/24 - g1/12 + g2/6, g2]; F(2x2) g -> [g0, (g0+g1+g2)/2,
 * (g0-g1+g2)/2, g2]. */
#define FC_WG_G6(T, V, g0, g1, g2, o)                                                       \
    do {                                                                                    \
        const V s_ = g0 + g2, q_ = g0 * (T)(1.0 / 24) + g2 * (T)(1.0 / 6), h_ = g1 * (T)(1.0 / 12); \
        o[0] = g0 * (T)0.25;                                                                \
        o[1] = (s_ + g1) * (T)(-1.0 / 6);                                                   \
        o[2] = (s_ - g1) * (T)(-1.0 / 6);                                                   \
        o[3] = q_ + h_;                                                                     \
        o[4] = q_ - h_;                                                                     \
        o[5] = g2;                                                                          \
    } while (0)
#define FC_WG_G4(T, V, g0, g1, g2, o)                                                       \
    do {                                                                                    \
        const V s_ = g0 + g2;                                                               \
        o[0] = g0;                                                                          \
        o[1] = (s_ + g1) * (T)0.5;                                                          \
        o[2] = (s_ - g1) * (T)0.5;                                                          \
        o[3] = g2;                                                                          \
    } while (0)
#define FC_WG_WT_BODY(T, V, A, GF)                                                          \
    for (int64_t c = 0; c < n; c += L) {                                                    \
        const int nl = n - c < L ? (int)(n - c) : L;                                        \
        V k[9], t[A][3], col[A], row[A];                                                    \
        if (nl == L)                                                                        \
            FC_WG_UNROLL for (int e = 0; e < 9; ++e) k[e] = *(const V *)(k9 + e * n + c);   \
        else                                                                                \
            for (int e = 0; e < 9; ++e) {                                                   \
                T tmp[L] = {0};                                                             \
                for (int l = 0; l < nl; ++l) tmp[l] = k9[e * n + c + l];                    \
                memcpy(&k[e], tmp, sizeof tmp);                                             \
            }                                                                               \
        FC_WG_UNROLL for (int j = 0; j < 3; ++j) {                                          \
            GF(T, V, k[j], k[3 + j], k[6 + j], col);                                        \
            FC_WG_UNROLL for (int x = 0; x < A; ++x) t[x][j] = col[x];                      \
        }                                                                                   \
        FC_WG_UNROLL for (int x = 0; x < A; ++x) {                                          \
            GF(T, V, t[x][0], t[x][1], t[x][2], row);                                       \
            FC_WG_UNROLL for (int y = 0; y < A; ++y) {                                      \
                if (nl == L) *(V *)(u + (x * A + y) * ldx + c) = row[y];                    \
                else {                                                                      \
                    T tmp[L];                                                               \
                    memcpy(tmp, &row[y], sizeof tmp);                                       \
                    for (int l = 0; l < nl; ++l) u[(x * A + y) * ldx + c + l] = tmp[l];     \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }
#define FC_WG_WTRANS(T, NAME)                                                               \
    static void NAME(int f, int64_t n, const T *k9, T *u, int64_t ldx)                      \
    {                                                                                       \
        typedef T V __attribute__((vector_size(FC_WG_VB), aligned(sizeof(T)), may_alias));  \
        enum { L = FC_WG_VB / sizeof(T) };                                                  \
        if (f) {                                                                            \
            FC_WG_WT_BODY(T, V, 6, FC_WG_G6)                                                \
        } else {                                                                            \
            FC_WG_WT_BODY(T, V, 4, FC_WG_G4)                                                \
        }                                                                                   \
    }

/* Weight-gradient transforms (the adjoint of the forward algorithm: gw = G^T [(A go A^T)
 * . (B^T d B)] G per tile).  A (a x m) on a length-m vector, the transpose of A^T:
 *   F(4x4) g -> [g0, g0+g1+g2+g3, g0-g1+g2-g3, g0+2g1+4g2+8g3, g0-2g1+4g2-8g3, g3]
 *   F(2x2) g -> [g0, g0+g1, g0-g1, -g1]
 * G^T (3 x a) on a length-a vector (G's rows in wg_exec_impl.h):
 *   F(4x4) u -> [u0/4 - (u1+u2)/6 + (u3+u4)/24, (u2-u1)/6 + (u3-u4)/12,
 *                (u3+u4-u1-u2)/6 + u5]
 *   F(2x2) u -> [u0 + (u1+u2)/2, (u1-u2)/2, (u1+u2)/2 + u3] */
#define FC_WG_A4(T, V, in, si, out, so)                                                     \
    do {                                                                                    \
        const V g0 = in[0], g1 = in[si], g2 = in[2 * si], g3 = in[3 * si];                  \
        const V ev_ = g0 + g2, od_ = g1 + g3, e4_ = g0 + (T)4 * g2, o8_ = (T)2 * g1 + (T)8 * g3; \
        out[0] = g0;                                                                        \
        out[so] = ev_ + od_;                                                                \
        out[2 * so] = ev_ - od_;                                                            \
        out[3 * so] = e4_ + o8_;                                                            \
        out[4 * so] = e4_ - o8_;                                                            \
        out[5 * so] = g3;                                                                   \
    } while (0)
#define FC_WG_A2(T, V, in, si, out, so)                                                     \
    do {                                                                                    \
        const V g0 = in[0], g1 = in[si];                                                    \
        out[0] = g0;                                                                        \
        out[so] = g0 + g1;                                                                  \
        out[2 * so] = g0 - g1;                                                              \
        out[3 * so] = -g1;                                                                  \
    } while (0)
#define FC_WG_GT6(T, V, in, si, out, so)                                                    \
    do {                                                                                    \
        const V u0 = in[0], u1 = in[si], u2 = in[2 * si], u3 = in[3 * si], u4 = in[4 * si], \
                u5 = in[5 * si];                                                            \
        const V s12 = u1 + u2, s34 = u3 + u4;                                               \
        out[0] = u0 * (T)0.25 - s12 * (T)(1.0 / 6) + s34 * (T)(1.0 / 24);                   \
        out[so] = (u2 - u1) * (T)(1.0 / 6) + (u3 - u4) * (T)(1.0 / 12);                     \
        out[2 * so] = (s34 - s12) * (T)(1.0 / 6) + u5;                                      \
    } while (0)
#define FC_WG_GT4(T, V, in, si, out, so)                                                    \
    do {                                                                                    \
        const V u0 = in[0], u1 = in[si], u2 = in[2 * si], u3 = in[3 * si];                  \
        const V h = (u1 + u2) * (T)0.5;                                                     \
        out[0] = u0 + h;                                                                    \
        out[so] = (u1 - u2) * (T)0.5;                                                       \
        out[2 * so] = h + u3;                                                               \
    } while (0)

/* gtrans: m*m rows of nr lanes (row i*m + j at d + i*ldr + j*nr) -> a*a rows at out + xi*ldo (A g A^T). */
#define FC_WG_GTRANS(T, NV, A, AF, NAME)                                                    \
    static void NAME(const T *d, int64_t ldr, T *out, int64_t ldo)                          \
    {                                                                                       \
        typedef T V __attribute__((vector_size(FC_WG_VB), aligned(sizeof(T)), may_alias)); \
        enum { L = FC_WG_VB / sizeof(T), NR = NV * L, M = A - 2 };                          \
        for (int j = 0; j < NV; ++j) {                                                      \
            V in[M * M], t[A * M], o[A * A];                                                \
            FC_WG_UNROLL for (int e = 0; e < M * M; ++e)                                    \
                in[e] = *(const V *)(d + e / M * ldr + e % M * NR + j * L);                 \
            FC_WG_UNROLL for (int c = 0; c < M; ++c) AF(T, V, (in + c), M, (t + c), M);     \
            FC_WG_UNROLL for (int r = 0; r < A; ++r) AF(T, V, (t + r * M), 1, (o + r * A), 1); \
            FC_WG_UNROLL for (int e = 0; e < A * A; ++e) *(V *)(out + e * ldo + j * L) = o[e]; \
        }                                                                                   \
    }

/* wback: a*a rows at mw + xi*ldx (nr lanes) -> 9 rows of nr lanes at o (G^T M G). */
#define FC_WG_WBACK(T, NV, A, GF, NAME)                                                     \
    static void NAME(const T *mw, int64_t ldx, T *o)                                        \
    {                                                                                       \
        typedef T V __attribute__((vector_size(FC_WG_VB), aligned(sizeof(T)), may_alias)); \
        enum { L = FC_WG_VB / sizeof(T), NR = NV * L };                                     \
        for (int j = 0; j < NV; ++j) {                                                      \
            V in[A * A], t[3 * A], r_[9];                                                   \
            FC_WG_UNROLL for (int e = 0; e < A * A; ++e) in[e] = *(const V *)(mw + e * ldx + j * L); \
            FC_WG_UNROLL for (int c = 0; c < A; ++c) GF(T, V, (in + c), A, (t + c), A);     \
            FC_WG_UNROLL for (int r = 0; r < 3; ++r) GF(T, V, (t + r * A), 1, (r_ + r * 3), 1); \
            FC_WG_UNROLL for (int e = 0; e < 9; ++e) *(V *)(o + e * NR + j * L) = r_[e];    \
        }                                                                                   \
    }

#define FC_WG_INSTANCE(T, SUF, MR, NV)                                                      \
    FC_WG_GTRANS(T, NV, 4, FC_WG_A2, FC_WG_CAT(wg_gt2, SUF, FC_WG_ISA))                     \
    FC_WG_GTRANS(T, NV, 6, FC_WG_A4, FC_WG_CAT(wg_gt4, SUF, FC_WG_ISA))                     \
    FC_WG_WBACK(T, NV, 4, FC_WG_GT4, FC_WG_CAT(wg_wb2, SUF, FC_WG_ISA))                     \
    FC_WG_WBACK(T, NV, 6, FC_WG_GT6, FC_WG_CAT(wg_wb4, SUF, FC_WG_ISA))                     \
    FC_WG_GEMM(T, MR, NV, FC_WG_CAT(wg_gemm, SUF, FC_WG_ISA))                               \
    FC_WG_WTRANS(T, FC_WG_CAT(wg_wt, SUF, FC_WG_ISA))                                       \
    FC_WG_ITRANS(T, NV, 4, FC_WG_BT4, FC_WG_CAT(wg_it2, SUF, FC_WG_ISA))                    \
    FC_WG_ITRANS(T, NV, 6, FC_WG_BT6, FC_WG_CAT(wg_it4, SUF, FC_WG_ISA))                    \
    FC_WG_OTRANS(T, NV, 4, FC_WG_AT4, FC_WG_CAT(wg_ot2, SUF, FC_WG_ISA))                    \
    FC_WG_OTRANS(T, NV, 6, FC_WG_AT6, FC_WG_CAT(wg_ot4, SUF, FC_WG_ISA))                    \
    const fc_wg_kernels_##SUF FC_WG_CAT(fc_wg_kernels, SUF, FC_WG_ISA) = {                  \
        .mr = MR, .nv = NV, .lanes = FC_WG_VB / (int)sizeof(T),                             \
        .gemm = FC_WG_CAT(wg_gemm, SUF, FC_WG_ISA),                                         \
        .wtrans = FC_WG_CAT(wg_wt, SUF, FC_WG_ISA),                                         \
        .itrans = {FC_WG_CAT(wg_it2, SUF, FC_WG_ISA), FC_WG_CAT(wg_it4, SUF, FC_WG_ISA)},   \
        .otrans = {FC_WG_CAT(wg_ot2, SUF, FC_WG_ISA), FC_WG_CAT(wg_ot4, SUF, FC_WG_ISA)},   \
        .gtrans = {FC_WG_CAT(wg_gt2, SUF, FC_WG_ISA), FC_WG_CAT(wg_gt4, SUF, FC_WG_ISA)},   \
        .wback = {FC_WG_CAT(wg_wb2, SUF, FC_WG_ISA), FC_WG_CAT(wg_wb4, SUF, FC_WG_ISA)},    \
    };

FC_WG_INSTANCE(float, f32, FC_WG_MR4, FC_WG_NV4)
FC_WG_INSTANCE(double, f64, FC_WG_MR8, FC_WG_NV8)
