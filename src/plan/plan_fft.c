/* Planner of the FFT path of single-array correlation (overlap-save tiles) and the cost
 * model that chooses between it and the direct path (method "auto"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan.h"

/* Passes over a tile's points of the transform of one axis of size n: one a radix
 * stage (radix 4 first, fft_plan.c), the real axis' untangling one more; a radix-3 or -5
 * stage does more arithmetic a point than radix 4's, and counts 1.5 and 2 passes of it
 * (216 = 4*2*27: 1 + 1 + 4.5 = 6.5 passes of its half, + 1; 256: 4 + 1). */
static double passes(int64_t n, int last)
{
    if (last && n % 2 == 0) n /= 2;
    double p = last ? 1 : 0;
    while (n % 4 == 0) { n /= 4; p += 1; }
    while (n % 2 == 0) { n /= 2; p += 1; }
    while (n % 3 == 0) { n /= 3; p += 1.5; }
    while (n % 5 == 0) { n /= 5; p += 2; }
    return p;
}

/* Cost of a tile in the model's units: cm_fft_ns_per_nlogn is per point and per log2 of
 * the points, where a point costs its passes' share (2 log2 n / passes = 1 for radix 4). */
static double tile_ns(const fc_tuning *tu, int elem, const int64_t *n, int a0)
{
    const double a = elem == 4 ? tu->cm_fft_ns_per_nlogn_f32 : tu->cm_fft_ns_per_nlogn_f64;
    const double b = elem == 4 ? tu->cm_fft_ns_per_point_f32 : tu->cm_fft_ns_per_point_f64;
    double ntot = 1, pass = 0;
    for (int i = a0; i < 3; ++i) {
        ntot *= (double)n[i];
        pass += passes(n[i], i == 2);
    }
    const double rank = a0 == 2 ? tu->cm_fft_rank1_factor : a0 == 0 ? tu->cm_fft_rank3_factor : 1.0;
    return rank * ntot * (a * 2.0 * pass + b);
}

/* Cost of one tile's outputs: the tile over the v outputs it keeps. */
static double tile_cost(const fc_tuning *tu, int elem, const int64_t *n, int a0, double vtot)
{
    return tile_ns(tu, elem, n, a0) / vtot;
}

/* Candidate sizes of one axis: 2^a 3^b 5^c from the kernel's k + 1 (at least one output
 * a tile; even on the last axis, whose real transform halves) up to the whole extended
 * axis, at most 24 of them, growing by >= 1/8 each. */
static int candidates(int64_t k, int64_t o, int even, int64_t *c)
{
    const int64_t hi = fc_fft_good_size(o + k - 1, even);
    int nc = 0;
    for (int64_t n = fc_fft_good_size(k + (k > 1), even); nc < 24; n = fc_fft_good_size(n + n / 8 + 1, even)) {
        c[nc++] = n < hi ? n : hi;
        if (n >= hi) break;
    }
    return nc;
}

/* Per-thread elements of a 2-D or 3-D tile of sizes n (ndim axes): its input, the split
 * spectrum and the FFT's work. */
static int64_t tile_elems(const fc_fft_plan *f, const int64_t *n, int ndim)
{
    int64_t rtot = 1;
    for (int a = 0; a < ndim - 1; ++a) rtot *= n[a];
    return rtot * n[ndim - 1] + 2 * rtot * f->m + f->work;
}

/* Tile sizes: the candidates' product (at most 24^3) minimising tile_cost within the
 * budget; the smallest sizes where none fits. */
static void pick_sizes(const fc_prob *p, int ndim, int elem, fc_fft_tiles *ft)
{
    const fc_tuning *tu = fc_tuning_get();
    int64_t c[3][24];
    int nc[3] = {1, 1, 1};
    const int a0 = 3 - ndim;
    for (int a = 0; a < 3; ++a) c[a][0] = 1;
    for (int a = a0; a < 3; ++a) nc[a] = candidates(p->ker[a], p->out[a], a == 2, c[a]);
    const int64_t lanes = tu->fft_row_lanes_bytes / elem;
    /* 3-D tiles keep a product of three fractions: they get 4x the 2-D budget (36x64x36
     * tiles ran 1.3x slower than 64x64x72 ones for 17^3 kernels) */
    const int64_t budget = tu->fft_tile_bytes * (ndim == 3 ? 4 : 1) / elem;
    double best = 0;
    int found = 0;
    for (int a = 0; a < 3; ++a) ft->n[a] = c[a][0];
    for (int i = 0; i < nc[0]; ++i)
        for (int j = 0; j < nc[1]; ++j)
            for (int k = 0; k < nc[2]; ++k) {
                const int64_t n[3] = {c[0][i], c[1][j], c[2][k]};
                double ntot = 1, vtot = 1;
                for (int a = a0; a < 3; ++a) {
                    const int64_t v = n[a] - p->ker[a] + 1, need = p->out[a];
                    ntot *= (double)n[a];
                    vtot *= (double)(v < need ? v : need);
                }
                /* a tile's input, split spectrum and work ~ 4 planes of it, plus the
                 * rows' lane buffers.
                 * Past the budget (L2) each doubling costs fft_spill of the time (its
                 * passes stream from L3), up to fft_spill_max times it; a side more than
                 * fft_max_aspect times another (unless cut by the extent) transforms
                 * in short lane chunks or few rows: measured slower (ANALYSIS.md) */
                const double elems = 4.0 * ntot + 10.0 * (double)n[2] * (double)lanes;
                double cost = tile_cost(tu, elem, n, a0, vtot);
                if (elems > (double)budget) cost *= 1.0 + tu->fft_spill * log2(elems / (double)budget);
                int skewed = 0;
                for (int x = a0; x < 3; ++x)
                    for (int y = a0; y < 3; ++y)
                        if (x != y && p->ker[x] > 1 && p->ker[y] > 1 &&
                            (double)n[x] > tu->fft_max_aspect * (double)n[y] && n[y] < c[y][nc[y] - 1])
                            skewed = 1;
                if (skewed || elems > tu->fft_spill_max * (double)budget) continue;
                if (!found || cost < best) {
                    found = 1;
                    best = cost;
                    for (int a = 0; a < 3; ++a) ft->n[a] = n[a];
                }
            }
}

/* 1-D: the complex length N of a tile pair (fft4_impl.h) among the candidates from
 * k + 1 to the whole extended signal minimising the model's cost of all the tiles, a
 * pair's data and the kernel's spectrum (4N elements) past fft_tile1d_bytes (L2)
 * costing fft_spill more per doubling. */
static int64_t pick_n1d(const fc_prob *p, int elem)
{
    const fc_tuning *tu = fc_tuning_get();
    int64_t c[24];
    const int64_t kmin = tu->fft_min_n1d - 1 > p->ker[2] ? tu->fft_min_n1d - 1 : p->ker[2];
    const int nc = candidates(kmin, p->out[2] + p->ker[2] - kmin, 0, c);
    int64_t best_n = c[0];
    double best = 0;
    for (int i = 0; i < nc; ++i) {
        const int64_t n[3] = {1, 1, c[i]}, v = c[i] - p->ker[2] + 1;
        const double bytes = 4.0 * (double)c[i] * elem;
        double cost = (double)fc_ceil_div(p->out[2], v) * tile_ns(tu, elem, n, 2);
        if (bytes > (double)tu->fft_tile1d_bytes) cost *= 1.0 + tu->fft_spill * log2(bytes / (double)tu->fft_tile1d_bytes);
        if (i == 0 || cost < best) {
            best = cost;
            best_n = c[i];
        }
    }
    return best_n;
}

fc_status fc_plan_single_fft(const fc_prob *p, const fc_ktiles *kt, int ndim, int boundary, int swapped,
                             int num_threads, fc_plan *pl)
{
    fc_status st = fc_plan_init(pl, FC_OP_CORRELATE, p, kt, num_threads, 1);
    if (st) return st;
    fc_geom *g = pl->geoms;
    if ((st = fc_geom_forward(p, 1, g))) {
        fc_plan_free(pl);
        return st;
    }
    g->boundary = boundary;
    pl->single.swapped = swapped;
    pl->algo = FC_ALGO_FFT;
    pl->wpack_elems = p->T;
    fc_fft_tiles *ft = &pl->ft;
    ft->ndim = ndim;
    if (ndim == 1) {
        ft->n[0] = ft->n[1] = 1;
        ft->n[2] = pick_n1d(p, kt->elem);
    } else {
        pick_sizes(p, ndim, kt->elem, ft);
    }
    double ntot = 1, tiles = 1;
    for (int a = 0; a < 3; ++a) {
        ft->v[a] = ft->n[a] - p->ker[a] + 1;
        ft->nt[a] = fc_ceil_div(p->out[a], ft->v[a]);
        tiles *= (double)ft->nt[a];
        ntot *= (double)ft->n[a];
    }
    st = ndim == 1 ? fc_fft4_plan_make(ft->n[2], kt->elem, kt->isa, &ft->f4)
                   : fc_fft_plan_make(ndim, ft->n + 3 - ndim, kt->elem, kt->isa, &ft->fft);
    if (st) {
        fc_plan_free(pl);
        return st;
    }
    if (ndim == 1) {
        /* a job: a pair of tiles, its packed run (v + N), the complex data (2N), work */
        ft->rows = 2;
        ft->njobs = fc_ceil_div(ft->nt[2], 2);
        ft->tper = ft->v[2] + 3 * ft->n[2] + ft->f4.work;
        ft->kspec = 2 * ft->n[2];
    } else {
        ft->rows = 1;
        ft->njobs = ft->nt[0] * ft->nt[1] * ft->nt[2];
        ft->tper = tile_elems(&ft->fft, ft->n + 3 - ndim, ndim);
        ft->kspec = 2 * (int64_t)(ntot / (double)ft->n[2]) * ft->fft.m;
    }
    const fc_tuning *tu = fc_tuning_get();
    ft->cost_fft = tiles * tile_ns(tu, kt->elem, ft->n, 3 - ndim);
    ft->cost_direct = fc_prob_macs(p) * (kt->elem == 4 ? tu->cm_direct_ns_per_mac_f32 : tu->cm_direct_ns_per_mac_f64);
    /* threads: the FFT's work in multiply-add equivalents (one per ns of the model at
     * ~1 multiply-add/ns), but never more threads than jobs */
    pl->nthreads = fc_resolve_threads(num_threads, ft->cost_fft * 4.0);
    if (pl->nthreads > ft->njobs) pl->nthreads = (int)ft->njobs;
    if (pl->nthreads < 1) pl->nthreads = 1;
    const int64_t kwork = ndim == 1 ? ft->f4.work : ft->fft.work;
    pl->workspace_bytes = (pl->wpack_elems + ft->kspec + (ndim == 1 ? 2 : 1) * ntot + (int64_t)pl->nthreads * ft->tper +
                           kwork) * kt->elem;
    return FC_OK;
}

fc_status fc_plan_single_method(const fc_prob *p, const fc_ktiles *kt, int ndim, int boundary, int swapped,
                                int method, int num_threads, fc_plan *pl)
{
    if (method == FC_METHOD_DIRECT) return fc_plan_single(p, kt, ndim, boundary, swapped, num_threads, pl);
    if (method == FC_METHOD_FFT) return fc_plan_single_fft(p, kt, ndim, boundary, swapped, num_threads, pl);
    if (method != FC_METHOD_AUTO) return FC_EINVAL;
    /* auto: FFT where the model says it costs less than direct; a tiny kernel never
     * (its direct cost is a few multiply-adds an output) */
    if (p->T > 8) {
        fc_status st = fc_plan_single_fft(p, kt, ndim, boundary, swapped, num_threads, pl);
        if (st == FC_ENOMEM) return st;
        if (!st && pl->ft.cost_fft < pl->ft.cost_direct) return FC_OK;
        if (!st) fc_plan_free(pl);
    }
    return fc_plan_single(p, kt, ndim, boundary, swapped, num_threads, pl);
}
