/* fastconv's real FFT: plans (pure functions of the sizes, the element size and the ISA)
 * and the per-ISA butterfly tables.
 *
 * Layout.  Complex data are split: a real plane and an imaginary plane.  Every transform
 * runs over "lanes": element j of lane b of a transform of length n sits at
 * x[j*ld + b], so one butterfly call does the same operation on L consecutive lanes
 * (vector loads, whatever the radix).  A transform along a non-last axis has its lanes
 * in the contiguous axes already; rows (the last axis) are gathered `lanes` at a time
 * into that layout (fft_exec_impl.h).
 *
 * Algorithm.  Stockham autosort, decimation in frequency, radices 4, 2, 3, 5 (n = 2^a
 * 3^b 5^c).  Stage t has s = product of the radices before it, n_t = n/s, m = n_t/r:
 *   a_j = x[q + s*(p + j*m)],  y[q + s*(r*p + k)] = w^(pk) * sum_j a_j e^(sign 2 pi i jk/r)
 * for p < m, q < s, with w = e^(sign 2 pi i/n_t); the output is in natural order after
 * the last stage (n = 8 = 4*2: stage 0 s=1 m=2, stage 1 s=4 m=1).
 * Real input of even length n is transformed as the complex sequence
 * z_j = x_2j + i x_2j+1 of length h = n/2, then untangled (rpost); odd lengths run the
 * complex transform of length n with a zero imaginary part. */
#ifndef FASTCONV_FFT_FFT_H
#define FASTCONV_FFT_FFT_H

#include <stdint.h>
#include "internal.h"

#define FC_FFT_MAXST 64
#define FC_FFT_MAXDIM 3

/* One complex transform length: its stages and where their twiddles are (offsets in
 * the plan's twiddle array: for stage t, re at twoff[t], im at twoff[t] + m*(r-1), entry
 * p*(r-1) + k-1 = cos, sin of 2 pi p k / n_t). */
typedef struct fc_cfft {
    int64_t n;
    int nst;
    int radix[FC_FFT_MAXST];
    int64_t twoff[FC_FFT_MAXST];
} fc_cfft;

typedef struct fc_fft_plan {
    int ndim, elem, isa;
    int64_t n[FC_FFT_MAXDIM];    /* real sizes, last axis last */
    int64_t m;                   /* complex outputs of the last axis: n/2 + 1 */
    int64_t lanes;               /* rows of the last axis transformed together */
    int64_t chunk;               /* lanes of one call along a non-last axis */
    fc_cfft ax[FC_FFT_MAXDIM];   /* ax[d]: axis d; the last: length n/2 (even) or n (odd) */
    int64_t rtw;                 /* the last axis' untangling twiddles cos, sin 2 pi k/n, k <= n/2 */
    int64_t ntw;
    void *tw;                    /* owned: ntw twiddles (cos at off, sin at off + count) */
    int64_t work;                /* work elements a thread needs (rows or one axis chunk) */
} fc_fft_plan;

/* Is n a product of 2, 3 and 5 (n >= 1)? */
int fc_fft_size_ok(int64_t n);
/* The smallest 2^a 3^b 5^c >= n (n >= 1); even if `even`. */
int64_t fc_fft_good_size(int64_t n, int even);
/* The plan of a real transform over the last ndim axes of sizes n (each 2^a 3^b 5^c)
 * for elements of elem bytes on isa: FC_OK and a plan to free, or FC_EINVAL
 * (a size not of that form), FC_ENOMEM, and nothing to free. */
fc_status fc_fft_plan_make(int ndim, const int64_t *n, int elem, int isa, fc_fft_plan *pl);
void fc_fft_plan_free(fc_fft_plan *pl);
/* The same with every axis complex (the last one of length n[ndim-1], not halved): the
 * stages and twiddles of complex transforms for cfft_lanes (fft_exec_impl.h). */
fc_status fc_fft_plan_make_cplx(int ndim, const int64_t *n, int elem, int isa, fc_fft_plan *pl);

/* A complex transform of length N = n1*n2 in four steps (Bailey), every butterfly
 * across SIMD lanes (fft4_plan.c, fft4_impl.h).  Element j = j1*n2 + j2 of x is row j1,
 * column j2 of an n1 x n2 array; with w_M = e^(-2 pi i/M),
 *   X[k1 + n1*k2] = sum_j2 w_n2^(j2 k2) w_N^(j2 k1) sum_j1 w_n1^(j1 k1) x[j1*n2 + j2]:
 * (1) transforms of length n1 down the columns, the n2 columns being lanes (C of them a
 * call); (2) the twiddle w_N^(j2 k1); (3) transforms of length n2 along the rows, G rows
 * at a time gathered into lanes.  The spectrum stays in step 3's layout ("scrambled"):
 * group g = k1/G, lane b = k1%G, element k2 at g*G*n2 + k2*Lg + b (Lg = G but the last
 * group's rows); a pointwise product does not care, and the inverse undoes the steps in
 * reverse order (N = 12 = 4*3, G = 2: group 1 holds k1 = 2, 3; X[3 + 4*2] at 6 + 2*2 + 1).
 * Step 2's twiddle is hi[g][j2] * lo[j2][b] = w_N^(j2*g*G) w_N^(j2*b), two small tables
 * instead of one of N entries (the same size as the data). */
typedef struct fc_fft4_plan {
    int64_t N, n1, n2, G, C;
    fc_fft_plan cp;              /* complex axes: ax[0] length n1, ax[1] length n2 */
    int64_t ng;                  /* row groups: ceil(n1/G) */
    void *tw;                    /* owned: hi (ng x n2) cos, sin; then lo (n2 x G) cos, sin */
    int64_t work;                /* work elements a thread needs for one transform */
} fc_fft4_plan;
/* The plan of length N (2^a 3^b 5^c) for elem-byte elements on isa: n2 the divisor of N
 * nearest sqrt(N) such that G (= fft_row4_bytes/elem) divides n1 where one does;
 * C columns a call so that a call's data stays within fft_col_bytes.  FC_OK and a plan to
 * free, or FC_EINVAL / FC_ENOMEM and nothing to free. */
fc_status fc_fft4_plan_make(int64_t N, int elem, int isa, fc_fft4_plan *p);
void fc_fft4_plan_free(fc_fft4_plan *p);
/* For the tests: the forward transform in natural order (s) and inverse(forward) with a
 * unit spectrum (b = N x) of the complex x (exec.c, fft4_impl.h). */
fc_status fc_fft4_check_f32(const fc_fft4_plan *f, const float *xr, const float *xi, float *sr, float *si, float *br,
                            float *bi);
fc_status fc_fft4_check_f64(const fc_fft4_plan *f, const double *xr, const double *xi, double *sr, double *si,
                            double *br, double *bi);

/* ---- per-ISA kernels (fft_kern_template.h), single-threaded over raw pointers ----
 * bfly: for b < L, a_j = (xr, xi)[j*is + b] for j < r, y_k = DFT_r(a)_k * tw_k with
 *   tw_k = twr[k-1] + i sign twi[k-1] (tw NULL: 1), written at (yr, yi)[k*os + b];
 *   sign -1 forward, +1 inverse.  x and y do not overlap.
 * rpost: Z (h x L, a transform of z_j = x_2j + i x_2j+1) -> X (h+1 x L), the spectrum
 *   of the real x, with wr, wi = cos, sin 2 pi k/(2h).
 * rpre: the inverse: X (h+1 x L) -> Z (h x L), whose inverse transform is n x_2j +
 *   i n x_2j+1, n = 2h (imaginary parts of X_0 and X_h ignored, as numpy does).
 * cmul: a *= b over L lanes, complex.
 * Four-step row groups (fc_fft4_plan), t[j2*Lg + b] for j2 < n2, b < Lg:
 * tw4: t = cos, sin of the angle of hc/hs[j2] plus that of lc/ls[j2*G + b];
 * gtw: z[j2*Lg + b] = a[b*lda + j2] * conj(t) (rows to lanes, forward twiddle);
 * stw: a[b*lda + j2] = z[j2*Lg + b] * t (lanes to rows, inverse twiddle).
 * glane, slane: rows <-> lanes copies of the last axis's real transforms (the
 *   contracts at their definitions in fft_kern_template.h). */
#define FC_FFT_KTYPES(T, S)                                                                                     \
    typedef void (*fc_fft_bfly_##S)(int64_t L, const T *xr, const T *xi, int64_t is, T *yr, T *yi, int64_t os, \
                                    const T *twr, const T *twi, T sign);                                        \
    typedef void (*fc_fft_rpost_##S)(int64_t h, int64_t L, const T *zr, const T *zi, T *xr, T *xi,           \
                                     const T *wr, const T *wi);                                               \
    typedef void (*fc_fft_rpre_##S)(int64_t h, int64_t L, const T *xr, const T *xi, T *zr, T *zi,            \
                                    const T *wr, const T *wi);                                                \
    typedef void (*fc_fft_cmul_##S)(int64_t L, T *ar, T *ai, const T *br, const T *bi);                       \
    typedef void (*fc_fft_tw4_##S)(int64_t n2, int64_t Lg, int64_t G, const T *hc, const T *hs, const T *lc,   \
                                   const T *ls, T *tr, T *ti);                                                \
    typedef void (*fc_fft_gtw_##S)(int64_t n2, int64_t Lg, const T *ar, const T *ai, int64_t lda, const T *tr, \
                                   const T *ti, T *zr, T *zi);                                                \
    typedef void (*fc_fft_stw_##S)(int64_t n2, int64_t Lg, const T *zr, const T *zi, const T *tr, const T *ti, \
                                   T *ar, T *ai, int64_t lda);                                                \
    typedef void (*fc_fft_glane_##S)(int64_t n, int64_t Lg, const T *ar, const T *ai, int64_t lda, int ilv,  \
                                     T *zr, T *zi);                                                           \
    typedef void (*fc_fft_slane_##S)(int64_t n, int64_t Lg, const T *zr, const T *zi, T sc, T *ar, T *ai,    \
                                     int64_t lda, int ilv);                                                   \
    typedef struct fc_fftk_##S {                                                                            \
        fc_fft_bfly_##S bfly[9]; /* by radix: 2, 3, 4, 5, 8 */                                                \
        fc_fft_rpost_##S rpost;                                                                               \
        fc_fft_rpre_##S rpre;                                                                                 \
        fc_fft_cmul_##S cmul;                                                                                 \
        fc_fft_tw4_##S tw4;                                                                                   \
        fc_fft_gtw_##S gtw;                                                                                   \
        fc_fft_stw_##S stw;                                                                                   \
        fc_fft_glane_##S glane;                                                                               \
        fc_fft_slane_##S slane;                                                                               \
    } fc_fftk_##S;
FC_FFT_KTYPES(float, f32)
FC_FFT_KTYPES(double, f64)

extern const fc_fftk_f32 fc_fftk_f32_baseline, fc_fftk_f32_avx2, fc_fftk_f32_avx512;
extern const fc_fftk_f64 fc_fftk_f64_baseline, fc_fftk_f64_avx2, fc_fftk_f64_avx512;
const fc_fftk_f32 *fc_fftk_for_f32(int isa);
const fc_fftk_f64 *fc_fftk_for_f64(int isa);

#endif
