/* Internal declarations shared by the drivers and the per-ISA kernels. */
#ifndef FASTCONV_INTERNAL_H
#define FASTCONV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "fastconv.h"
#include "isa.h"

/* Every packed buffer is aligned to a cache line (and to a zmm vector). */
#define FC_ALIGN 64

/* Forward "tap convolution" micro-kernel: one tile of MR output channels x NR
 * flattened output pixels, starting at pixel p0 = 0 of the pointers given.
 *   tile[i*ldt + j] (+)= sum_{c<C} sum_{t<T} w[(c*T + t)*MR + i] * x[c*cs + off[t] + j]
 * beta bit 0 (FC_BETA_ACC) accumulates into the tile instead of overwriting it; bit 1
 * (FC_BETA_STREAM) writes it with non-temporal stores, where the ISA has them: the
 * caller then guarantees every row of the tile is vector-aligned and issues a store
 * fence before anything else reads it.  x is read only at c*cs + off[t] + [0, NR):
 * the driver guarantees those reads are in bounds. */
#define FC_BETA_ACC 1
#define FC_BETA_STREAM 2
typedef void (*fc_fwd_f32_fn)(int64_t C, int T, const int64_t *off, const float *x, int64_t cs,
                              const float *w, float *tile, int64_t ldt, int beta);
typedef void (*fc_fwd_f64_fn)(int64_t C, int T, const int64_t *off, const double *x, int64_t cs,
                              const double *w, double *tile, int64_t ldt, int beta);

/* Where one vector of a flattened forward tile goes in the output: lanes set in mask[s]
 * are stored at off[s] + lane (elements from the tile's channel-row base), for the up to
 * two output rows the vector spans; lanes in neither mask are padding columns or rows
 * and are not written.  NV of them describe a tile. */
typedef struct fc_seg {
    int64_t off[2];
    unsigned mask[2];
} fc_seg;

/* Forward micro-kernel that writes its tile straight into the output (AVX-512 only):
 * the sums of fc_fwd_*_fn for rows i < rows, stored lane by lane by seg (row i at
 * y + i*ystride), with bias[i] added when bias is not NULL; beta & FC_BETA_ACC first
 * adds what the same lanes of y hold. */
typedef void (*fc_fwdd_f32_fn)(int64_t C, int T, const int64_t *off, const float *x, int64_t cs,
                               const float *w, float *y, int64_t ystride, const fc_seg *seg,
                               int rows, int beta, const float *bias);
typedef void (*fc_fwdd_f64_fn)(int64_t C, int T, const int64_t *off, const double *x, int64_t cs,
                               const double *w, double *y, int64_t ystride, const fc_seg *seg,
                               int rows, int beta, const double *bias);

/* Channels-vectorised forward micro-kernel (kernels/tapconv_template.h): P pixels of
 * one output row x KW output channels, written transposed into the output:
 *   y[k*ystride + i*ystep] = bias[k] + sum_{c<C} sum_{t<T} w[(c*T + t)*KW + k] * x[c*cs + off[t] + i]
 * for k < rows (<= KW), i < P; bias may be NULL. */
typedef void (*fc_fwdk_f32_fn)(int64_t C, int T, const int64_t *off, const float *x, int64_t cs,
                               const float *w, float *y, int64_t ystride, int64_t ystep, int rows,
                               const float *bias);
typedef void (*fc_fwdk_f64_fn)(int64_t C, int T, const int64_t *off, const double *x, int64_t cs,
                               const double *w, double *y, int64_t ystride, int64_t ystep, int rows,
                               const double *bias);

/* Backward-weight micro-kernel: wk output channels (grad_out transposed, gT[p][k])
 * times wnj shifted input streams, reduced in order over nrows rows of ncols pixels:
 *   out[j*ldo + k] += sum_{r,c} xp[j][r*pitch + c] * gT[(r*pitch + c)*ldg + k]      */
typedef void (*fc_wgt_f32_fn)(int64_t nrows, int64_t ncols, int64_t pitch, const float *gT,
                              int64_t ldg, const float *const *xp, float *out, int64_t ldo);
typedef void (*fc_wgt_f64_fn)(int64_t nrows, int64_t ncols, int64_t pitch, const double *gT,
                              int64_t ldg, const double *const *xp, double *out, int64_t ldo);

/* Backward-weight micro-kernel vectorised over pixels: wdk grad_out rows times wds
 * shifted input streams, over nrows rows of ncols pixels, into lane-wise partial sums
 * (the caller adds the lanes).  Each sum has a slot of FC_WGD_SLOT elements (64 bytes,
 * the widest vector), of which an ISA with fewer lanes fills the first `lanes`:
 *   out[(j*ldo + i)*FC_WGD_SLOT + l] += sum_{r, c = l mod lanes} gp[i][r*gpitch + c] * xp[j][r*xpitch + c] */
#define FC_WGD_SLOT(T) ((int)(64 / sizeof(T)))
typedef void (*fc_wgd_f32_fn)(int64_t nrows, int64_t ncols, const float *const *gp, int64_t gpitch,
                              const float *const *xp, int64_t xpitch, float *out, int64_t ldo);
typedef void (*fc_wgd_f64_fn)(int64_t nrows, int64_t ncols, const double *const *gp, int64_t gpitch,
                              const double *const *xp, int64_t xpitch, double *out, int64_t ldo);

/* Single-channel multi-row kernel (see kernels/tapconv_template.h), one per kernel
 * height 1..FC_RMAX:  tile[i][v] (+)= sum_r sum_s w[r*S + s] * x[(i + r)*q2 + s + v] */
#define FC_RMAX 8

/* Widest pixel count of the channels-vectorised forward kernel (fwdk in the tables). */
#define FC_KPMAX 14
typedef void (*fc_mrow_f32_fn)(int64_t S, const float *x, int64_t q2, const float *w, float *tile,
                               int64_t ldt, int beta);
typedef void (*fc_mrow_f64_fn)(int64_t S, const double *x, int64_t q2, const double *w,
                               double *tile, int64_t ldt, int beta);

/* Row copy of a tile into the output with a per-row bias (NULL: none). */
typedef void (*fc_rowcopy_f32_fn)(int rows, int64_t n, const float *src, int64_t lds, float *dst,
                                  int64_t ldd, const float *bias);
typedef void (*fc_rowcopy_f64_fn)(int rows, int64_t n, const double *src, int64_t lds, double *dst,
                                  int64_t ldd, const double *bias);

/* Weight repacking (transpose with a row map; kernels/tapconv_template.h):
 *   dst[drow[j]*ldd + i] = (i < nrows ? src[i*lds + j] : 0) for i < ni, j < ncols, drow[j] >= 0 */
typedef void (*fc_wtrans_f32_fn)(int64_t nrows, int64_t ni, int64_t ncols, const float *src,
                                 int64_t lds, const int64_t *drow, float *dst, int64_t ldd);
typedef void (*fc_wtrans_f64_fn)(int64_t nrows, int64_t ni, int64_t ncols, const double *src,
                                 int64_t lds, const int64_t *drow, double *dst, int64_t ldd);

typedef struct fc_kernels_f32 {
    int mr, nr;          /* multi-channel forward tile */
    fc_fwd_f32_fn fwd, fwd_t1, fwd_t9;   /* any T; specialised for T = 1 and T = 9 */
    fc_fwdd_f32_fn fwdd, fwdd_t9;        /* the same tile written into the output; NULL: none */
    int vl;              /* lanes of a vector (of the forward tile's nr = nv * vl) */
    int mr2, nr2;        /* narrower tile for few output channels (mr2 < mr) */
    fc_fwd_f32_fn fwd2, fwd2_t9;
    int nr1;             /* single-output-channel forward tile (mr = 1) */
    fc_fwd_f32_fn fwd1;
    int wk, wnj;         /* backward-weight tile: output channels x input streams */
    fc_wgt_f32_fn wgt;
    int wkw, wnjw;       /* a wider backward-weight tile (= wk, wnj where there is none) */
    fc_wgt_f32_fn wgtw;
    int wkn, wnjn;       /* the same with one vector of output channels */
    fc_wgt_f32_fn wgtn;
    int wdk, wds;        /* pixel-vectorised backward-weight tile: grad_out rows x streams */
    fc_wgd_f32_fn wgd;
    fc_rowcopy_f32_fn rowcopy;
    int rb, rnr;         /* multi-row tile: rows x pixels per row */
    fc_mrow_f32_fn mrow[FC_RMAX];
    int kw, kp;          /* channels-vectorised forward tile: kw output channels x <= kp pixels */
    fc_fwdk_f32_fn fwdk[FC_KPMAX]; /* fwdk[P-1] computes P pixels; NULL past kp */
    fc_wtrans_f32_fn wtrans;
    int wds1;            /* the pixel-vectorised tile with one grad_out row: 1 x wds1 */
    fc_wgd_f32_fn wgd1;
} fc_kernels_f32;

typedef struct fc_kernels_f64 {
    int mr, nr;
    fc_fwd_f64_fn fwd, fwd_t1, fwd_t9;
    fc_fwdd_f64_fn fwdd, fwdd_t9;
    int vl;
    int mr2, nr2;
    fc_fwd_f64_fn fwd2, fwd2_t9;
    int nr1;
    fc_fwd_f64_fn fwd1;
    int wk, wnj;
    fc_wgt_f64_fn wgt;
    int wkw, wnjw;       /* a wider backward-weight tile (= wk, wnj where there is none) */
    fc_wgt_f64_fn wgtw;
    int wkn, wnjn;
    fc_wgt_f64_fn wgtn;
    int wdk, wds;
    fc_wgd_f64_fn wgd;
    fc_rowcopy_f64_fn rowcopy;
    int rb, rnr;
    fc_mrow_f64_fn mrow[FC_RMAX];
    int kw, kp;          /* channels-vectorised forward tile: kw output channels x <= kp pixels */
    fc_fwdk_f64_fn fwdk[FC_KPMAX]; /* fwdk[P-1] computes P pixels; NULL past kp */
    fc_wtrans_f64_fn wtrans;
    int wds1;            /* the pixel-vectorised tile with one grad_out row: 1 x wds1 */
    fc_wgd_f64_fn wgd1;
} fc_kernels_f64;

/* The kernel tables of each ISA (only those compiled in exist: isa.h). */
extern const fc_kernels_f32 fc_kernels_f32_baseline, fc_kernels_f32_avx2, fc_kernels_f32_avx512;
extern const fc_kernels_f64 fc_kernels_f64_baseline, fc_kernels_f64_avx2, fc_kernels_f64_avx512;

/* The ISA selected for this process (CPUID capped by FASTCONV_ISA, or fc_set_isa), and
 * the kernel tables of an ISA (its own; the narrowest vectors it can run). */
int fc_active_isa(void);
const fc_kernels_f32 *fc_kernels_for_f32(int isa);
const fc_kernels_f64 *fc_kernels_for_f64(int isa);
const fc_kernels_f32 *fc_narrow_for_f32(int isa);
const fc_kernels_f64 *fc_narrow_for_f64(int isa);

/* Effective thread count for a call of `work` multiply-adds: n > 0 wins, else the
 * library default; then at most one thread per min_macs_per_thread multiply-adds (the
 * tuning table).  Results never depend on the thread count. */
int fc_resolve_threads(int n, double work);

/* Aligned allocation that returns NULL on failure or on a size that overflows. */
void *fc_malloc(size_t bytes);
void fc_free(void *p);

/* Overflow-checked int64 arithmetic: return nonzero on overflow. */
static inline int fc_mul_ovf(int64_t a, int64_t b, int64_t *r) { return __builtin_mul_overflow(a, b, r); }
static inline int fc_add_ovf(int64_t a, int64_t b, int64_t *r) { return __builtin_add_overflow(a, b, r); }

static inline int64_t fc_round_up(int64_t a, int64_t m) { return (a + m - 1) / m * m; }
static inline int64_t fc_ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
/* floor division for any sign of a (b > 0): floor_div(-1, 2) = -1 */
static inline int64_t fc_floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

#endif
