/* The 1-D passes of fastconv.ndimage: the plan (from the tuning table), and the
 * executors of sep_impl.h instantiated for float and double. */
#include <math.h>
#include <string.h>
#include "layout/geom.h"
#include "sep.h"
#include "exec/parallel.h"
#include "plan/plan.h"

fc_status fc_sep2d_check(const int64_t shape[3], const int64_t in_strides[3], const int64_t out_strides[3],
                         int64_t k0, int64_t pad0, fc_boundary b0, int64_t k1, int64_t pad1, fc_boundary b1,
                         int64_t *total)
{
    if (k0 < 1 || k1 < 1 || pad0 < 0 || pad0 >= k0 || pad1 < 0 || pad1 >= k1) return FC_EINVAL;
    if (b0 < FC_BOUNDARY_FILL || b0 > FC_BOUNDARY_MIRROR || b1 < FC_BOUNDARY_FILL ||
        b1 > FC_BOUNDARY_MIRROR)
        return FC_EINVAL;
    if (in_strides[2] != 1 || out_strides[2] != 1) return FC_EINVAL;
    *total = 1;
    for (int i = 0; i < 3; ++i) {
        if (shape[i] < 0) return FC_EINVAL;
        if (fc_mul_ovf(*total, shape[i], total)) return FC_EOVERFLOW;
    }
    return FC_OK;
}

const fc_sep_kernels *fc_sep_active(void)
{
    static const fc_sep_kernels *const t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_sep_kernels);
    return t[fc_isa_best(fc_active_isa())];
}

static int64_t round_down(int64_t a, int64_t m) { return a / m * m; }
static int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }
static int64_t al(int64_t bytes) { return fc_round_up(bytes, FC_ALIGN); }

/* Bands along the axis until there are jobs_per_thread jobs per thread (correlation
 * only: a band's outputs equal the whole line's, while running sums would not). */
static void plan_bands(const fc_tuning *t, fc_sep_plan *p)
{
    p->nband = 1;
    const int64_t want = t->sep_jobs_per_thread * p->nthreads;
    if (!p->uniform && p->nthreads > 1 && p->units < want) {
        const int64_t most = p->n / t->sep_min_band > 1 ? p->n / t->sep_min_band : 1;
        p->nband = clamp64(fc_ceil_div(want, p->units), 1, most);
    }
    p->band = fc_ceil_div(p->n, p->nband);
    p->nband = fc_ceil_div(p->n, p->band);
    p->njobs = p->units * p->nband;
}

fc_status fc_sep_plan_make(const fc_tuning *t, const int64_t shape[3], const int64_t in_strides[3],
                           const int64_t out_strides[3], int64_t K, int64_t pad_low, int64_t elem,
                           int uniform, int num_threads, fc_sep_plan *p)
{
    memset(p, 0, sizeof *p);
    p->outer = shape[0];
    p->n = shape[1];
    p->inner = shape[2];
    p->K = K;
    p->pad_low = pad_low;
    p->uniform = uniform != 0;
    const double elems = (double)shape[0] * (double)shape[1] * (double)shape[2];
    p->nthreads = fc_resolve_threads(num_threads, elems * (uniform ? 4.0 : (double)K));
    const int64_t ext = p->n + K - 1; /* extended line length */
    const fc_force *fo = fc_force_get(); /* tests: LINES, or the row kernel on or off */
    if (p->inner > 1 && in_strides[2] == 1 && out_strides[2] == 1 && fo->sepkind != FC_SEP_LINES) {
        p->kind = FC_SEP_LANES;
        /* correlation: the K rows of a block in half of L2 (f32, K = 17, 1 MB: 7710 -> 7696
         * lanes, clamped to max_lanes); narrower blocks fitting L1 were slower, because
         * each output row then starts a short read in a new page, which the prefetchers
         * do not follow.  Running sums touch two rows and a double accumulator per lane. */
        int64_t lanes = uniform ? t->sep_l2_bytes / 4 / (2 * elem + 8) : t->sep_l2_bytes / 2 / (K * elem);
        lanes = clamp64(round_down(lanes, 16), t->sep_min_lanes, t->sep_max_lanes);
        /* more blocks when the outer count alone leaves threads idle */
        const int64_t want = t->sep_jobs_per_thread * p->nthreads;
        while (lanes > t->sep_min_lanes && p->outer * fc_ceil_div(p->inner, lanes) < want)
            lanes = round_down(lanes / 2, 16) > t->sep_min_lanes ? round_down(lanes / 2, 16) : t->sep_min_lanes;
        p->lanes = lanes < p->inner ? lanes : p->inner;
        p->units = p->outer * fc_ceil_div(p->inner, p->lanes);
        plan_bands(t, p);
        /* row pointers for the band's extended rows, one fill row, accumulators */
        p->scratch_bytes = al((int64_t)sizeof(void *) * (p->band + K - 1)) + al(elem * p->lanes) +
                           al(8 * p->lanes);
    } else {
        p->kind = FC_SEP_LINES;
        const int64_t lines = p->outer * p->inner;
        const int64_t ldx = fc_round_up(ext, 16);
        if (uniform && p->inner == 1 && in_strides[1] == 1 && out_strides[1] == 1 && fo->seprowk != 0 &&
            (t->sep_line_group * ldx * elem <= t->sep_l2_bytes || fo->seprowk == 1)) {
            /* whole extended lines side by side (in L2), the row kernel over them */
            p->rowk = 1;
            p->lanes = t->sep_line_group;
            p->units = fc_ceil_div(lines, p->lanes);
            plan_bands(t, p);
            p->scratch_bytes = al(elem * p->lanes * ldx) + al(8 * 8 * FC_SEP_BOXROW_CHUNK);
        } else if (uniform) {
            p->lanes = t->sep_line_group;
            p->units = fc_ceil_div(lines, p->lanes);
            plan_bands(t, p);
            /* pieces of `band` positions: interleaved extended piece, its output, row
             * pointers for the whole line, accumulators */
            p->band = t->sep_line_piece;
            p->scratch_bytes = al(elem * (p->band + K) * p->lanes) + al(elem * p->band * p->lanes) +
                               al((int64_t)sizeof(void *) * ext) + al(8 * p->lanes);
        } else {
            p->lanes = clamp64(t->sep_min_job_elems / (p->n > 0 ? p->n : 1), 1, lines > 0 ? lines : 1);
            p->units = fc_ceil_div(lines, p->lanes);
            plan_bands(t, p);
            /* one extended band, its output, row pointers */
            p->scratch_bytes = al(elem * (p->band + K - 1)) + al(elem * p->band) +
                               al((int64_t)sizeof(void *) * K);
        }
    }
    if (p->nthreads > p->njobs) p->nthreads = p->njobs > 0 ? (int)p->njobs : 1;
    return FC_OK;
}

/* Correlation: bands of rows sized so the row-first buffer takes half of L2 (W = 3000
 * f32, K0 = 17: 43 - 16 = 27 rows), and enough of them for jobs_per_thread jobs per
 * thread.  Running means: one band per thread over all images (none below an image's
 * height of min_band rows); the band starts are fc_uniform_sep2d's (prefix-balanced). */
fc_status fc_sep2d_plan_make(const fc_tuning *t, const int64_t shape[3], int64_t k0, int64_t k1,
                             int64_t elem, int uniform, int col_first, int num_threads, fc_sep2d_plan *p)
{
    memset(p, 0, sizeof *p);
    const int64_t outer = shape[0], H = shape[1], W = shape[2];
    const double total = (double)outer * (double)H * (double)W;
    int64_t per, m;
    p->uniform = uniform != 0, p->col_first = col_first != 0;
    if (uniform) {
        const int nt = fc_resolve_threads(num_threads, total * 8.0);
        p->nband = outer >= nt ? 1 : fc_ceil_div(nt, outer);
        if (p->nband > H / t->sep_min_band) p->nband = H / t->sep_min_band > 1 ? H / t->sep_min_band : 1;
        p->group = t->sep_box_group;
        /* column sums (W), boxrow scratch, extended rows, row pointers (H + k0) */
        const int64_t ldx = fc_round_up(W + k1, 16);
        if (fc_mul_ovf(p->group, ldx, &m)) return FC_EOVERFLOW;
        per = 8 * (fc_round_up(W, 8) + fc_round_up(p->group, 8) * FC_SEP_BOXROW_CHUNK) +
              elem * fc_round_up(m, 16) + (int64_t)sizeof(void *) * (H + k0);
        p->nthreads = nt;
    } else {
        const int nt = fc_resolve_threads(num_threads, total * (double)(k0 + k1));
        int64_t band = t->sep_l2_bytes / 2 / (elem * W) - (col_first ? 0 : k0 - 1);
        const int64_t want = fc_ceil_div(t->sep_jobs_per_thread * nt, outer);
        if (band > fc_ceil_div(H, want)) band = fc_ceil_div(H, want);
        if (band < 8) band = 8;
        if (band > H) band = H;
        p->band = band;
        p->nband = fc_ceil_div(H, band);
        /* the row's extension, its output, the band buffer, row pointers */
        const int64_t nbuf = col_first ? 1 : band + k0 - 1;
        if (fc_mul_ovf(nbuf, W, &m)) return FC_EOVERFLOW;
        per = elem * (fc_round_up(W + k1 - 1, FC_ALIGN) + fc_round_up(W, FC_ALIGN) + fc_round_up(m, FC_ALIGN)) +
              (int64_t)sizeof(void *) * (fc_round_up(k1, 8) + nbuf + k0);
        p->nthreads = nt;
    }
    p->scratch_bytes = fc_round_up(per, FC_ALIGN);
    p->njobs = outer * p->nband;
    if (p->nthreads > p->njobs) p->nthreads = p->njobs > 0 ? (int)p->njobs : 1;
    return FC_OK;
}

#define FC_T float
#define FC_S f32
#include "sep_impl.h"
#include "sep2d_impl.h"
#include "uni2d_impl.h"
#undef FC_T
#undef FC_S

#define FC_T double
#define FC_S f64
#include "sep_impl.h"
#include "sep2d_impl.h"
#include "uni2d_impl.h"
#undef FC_T
#undef FC_S
