/* scipy.ndimage's 1-D passes (correlate1d, uniform_filter1d) along any axis of an N-d
 * array: the caller views the array as (outer, n, inner) with element strides, n the
 * filtered axis, and every output line is computed by one thread in an order fixed by
 * the shapes (results do not depend on the thread count).
 *
 * Two layouts, chosen by the plan:
 *  - LANES (inner > 1, contiguous in input and output): a job is a block of `lanes`
 *    consecutive inner elements of one outer index, over a band of output positions;
 *    output row i is sum_j w[j] * (input row i + j - pad_low), vectorised across the
 *    lanes, so the axis needs no transpose and each input row block is read from memory
 *    once while the K rows it meets stay in cache.
 *  - LINES (the axis is the contiguous one, or strides forbid LANES): a job is a group
 *    of lines; each line is copied with its boundary extension into a buffer and the
 *    correlation vectorises along it (the uniform filter interleaves `line_group` lines
 *    instead, so its running sums vectorise across lines). */
#ifndef FASTCONV_NDIMAGE_SEP_H
#define FASTCONV_NDIMAGE_SEP_H

#include "../internal.h"
#include "plan/tuning.h"

/* The micro-kernels (sep_kernels.h), one table per instruction set.
 *   rows: out[b] = sum_j w[j] * r[j][b], b < nb (SciPy's order; sym: 1 symmetric, -1
 *         antisymmetric odd kernel, 0 neither)
 *   box:  out row i (at out + (i - i0)*ldo) = mean of rows r[i .. i+K-1] for i0 <= i < i1,
 *         by running sums in double carried in acc (nb doubles) from call to call; rows
 *         outside [f->lo, f->hi) are the constant border, f->v (SciPy's cval, unrounded)
 *   boxacc: acc[b] += add[b] - sub[b] in double (start: acc[b] += add[b]), no output;
 *         NULL rows as box's
 *   boxrow: running means along R contiguous lines (ext + r*ldx, n + K - 1 positions each)
 *         into out + r*ldo, bit-identical to box along them, the positions outside
 *         [f->lo, f->hi) of each line read as f->v; s is scratch of R*FC_SEP_BOXROW_CHUNK
 *         doubles (rounded up to 8 rows) */
#define FC_SEP_BOXROW_CHUNK 256
/* The constant border of an extended line: positions p < lo or p >= hi are v (in
 * double); lo = pad_low and hi = pad_low + n under FC_BOUNDARY_FILL, else no position. */
typedef struct fc_sep_fill {
    double v;
    int64_t lo, hi;
} fc_sep_fill;
typedef struct fc_sep_kernels {
    void (*rows_f32)(int64_t K, const float *const *r, const float *w, int sym, int64_t nb, float *out);
    void (*rows_f64)(int64_t K, const double *const *r, const double *w, int sym, int64_t nb, double *out);
    void (*box_f32)(int64_t K, const float *const *r, const fc_sep_fill *f, int64_t i0, int64_t i1,
                    int64_t nb, double *acc, float *out, int64_t ldo);
    void (*box_f64)(int64_t K, const double *const *r, const fc_sep_fill *f, int64_t i0, int64_t i1,
                    int64_t nb, double *acc, double *out, int64_t ldo);
    void (*boxacc_f32)(const float *add, const float *sub, int start, double fill, int64_t nb, double *acc);
    void (*boxacc_f64)(const double *add, const double *sub, int start, double fill, int64_t nb, double *acc);
    void (*boxrow_f32)(int64_t K, const float *ext, int64_t ldx, int64_t R, int64_t n,
                       const fc_sep_fill *f, double *s, float *out, int64_t ldo);
    void (*boxrow_f64)(int64_t K, const double *ext, int64_t ldx, int64_t R, int64_t n,
                       const fc_sep_fill *f, double *s, double *out, int64_t ldo);
} fc_sep_kernels;

extern const fc_sep_kernels fc_sep_kernels_baseline, fc_sep_kernels_avx2, fc_sep_kernels_avx512;
/* The table of the ISA in use (fc_active_isa()), through the one picker (isa.h). */
const fc_sep_kernels *fc_sep_active(void);

typedef enum fc_sep_kind { FC_SEP_LANES = 0, FC_SEP_LINES = 1 } fc_sep_kind;

/* A 1-D pass's decomposition (pure function of the shapes, strides, taps and threads). */
typedef struct fc_sep_plan {
    int kind;              /* fc_sep_kind */
    int uniform;           /* running sums (no bands: SciPy's sums run the whole line) */
    int rowk;              /* uniform LINES along contiguous lines (axis stride 1 in and out,
                              inner 1): `lanes` whole lines extended side by side and the row
                              kernel (boxrow) over them, instead of interleaving them */
    int64_t outer, n, inner, K, pad_low;
    int64_t lanes;         /* LANES: inner elements per block; LINES: lines per group */
    int64_t units;         /* LANES: outer * blocks per outer; LINES: line groups */
    int64_t band, nband;   /* output positions per job along the axis, bands per unit (uniform
                              LINES: one band, processed in pieces of `band` positions) */
    int64_t njobs;         /* units * nband */
    int nthreads;
    int64_t scratch_bytes; /* per thread, each part rounded to FC_ALIGN */
} fc_sep_plan;

/* The arguments both fused 2-D passes (fc_correlate_sep2d, fc_uniform_sep2d) share:
 * shape (outer, H, W) with unit last strides, K taps and pad_low per axis (0 <= pad <
 * K), boundaries up to MIRROR; *total = the element count (0: nothing to do). */
fc_status fc_sep2d_check(const int64_t shape[3], const int64_t in_strides[3], const int64_t out_strides[3],
                         int64_t k0, int64_t pad0, fc_boundary b0, int64_t k1, int64_t pad1, fc_boundary b1,
                         int64_t *total);

/* shape = (outer, n, inner); strides in elements; K taps with pad_low of them before
 * the output position (0 <= pad_low < K); elem = sizeof the element type. */
/* The fused 2-D passes' decomposition (fc_correlate_sep2d, fc_uniform_sep2d): bands of
 * rows of each (H, W) image, one job each; a pure function of the shape, taps, element
 * size and threads, as fc_sep_plan. */
typedef struct fc_sep2d_plan {
    int uniform, col_first;
    int64_t band;          /* correlation: rows per band (running means: 0, see start) */
    int64_t nband, njobs;  /* bands per image; outer * nband */
    int64_t group;         /* running means: rows of column means handed to boxrow at once */
    int nthreads;
    int64_t scratch_bytes; /* per thread */
} fc_sep2d_plan;

fc_status fc_sep2d_plan_make(const fc_tuning *t, const int64_t shape[3], int64_t k0, int64_t k1,
                             int64_t elem, int uniform, int col_first, int num_threads, fc_sep2d_plan *p);

/* The constant border of a line of n positions extended by pad_low before (K taps). */
static inline fc_sep_fill fc_sep_fill_of(fc_boundary b, double v, int64_t n, int64_t K, int64_t pad_low)
{
    fc_sep_fill f = {v, 0, n + K - 1};
    if (b == FC_BOUNDARY_FILL) f.lo = pad_low, f.hi = pad_low + n;
    return f;
}

fc_status fc_sep_plan_make(const fc_tuning *t, const int64_t shape[3], const int64_t in_strides[3],
                           const int64_t out_strides[3], int64_t K, int64_t pad_low, int64_t elem,
                           int uniform, int num_threads, fc_sep_plan *p);

#endif
