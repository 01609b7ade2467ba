/* Planner of backward-weight: grad_w[k][c][r] = sum over images and output pixels of
 * grad_out[n][k][o] * xpad[n][c][o*s + r*d].  Three modes, chosen by the shape alone
 * (never by the thread count, since each sums in its own order):
 *   dot     pixel-vectorised: every (k, (c, t)) pair a dot product over the pixels,
 *           grad_out read as it is; for few output channels or few (c, t) streams;
 *   chunks  chunk-major: a job transposes one chunk of one image's grad_out and runs
 *           every block over it into a partial of its own; for small accumulators;
 *   blocks  block-major: grad_out transposed a round of images at a time, each (k block,
 *           (c, t) block) reduced by one thread over all images in order. */
#include <stdlib.h>
#include <string.h>
#include "plan/plan.h"

/* The k-vectorised tile: narrow (the narrowest ISA's one vector of output channels)
 * where a wider vector would be mostly padding, wide where it pads k no more than the
 * standard one. */
static void bw_pick_tile(const fc_ktiles *kt, int64_t Kg, fc_bw_plan *b)
{
    const int narrow_ok = kt->n_wkn < kt->wk, wide_ok = kt->wkw > kt->wk;
    int narrow = narrow_ok && Kg <= kt->n_wkn;
    int wide = !narrow && wide_ok && fc_round_up(Kg, kt->wkw) == fc_round_up(Kg, kt->wk);
    const int f = fc_force_get()->bwtile;
    if (f == FC_BWT_STD || (f == FC_BWT_WIDE && wide_ok) || (f == FC_BWT_NARROW && narrow_ok)) {
        narrow = f == FC_BWT_NARROW;
        wide = f == FC_BWT_WIDE;
    }
    b->tile = narrow ? FC_BWT_NARROW : wide ? FC_BWT_WIDE : FC_BWT_STD;
    b->tk = narrow ? kt->n_wkn : wide ? kt->wkw : kt->wk;
    b->tj = narrow ? kt->n_wnjn : wide ? kt->wnjw : kt->wnj;
}

/* dot mode: runs of whole images (fixed by N and the partials' size alone), jobs of a
 * run and a block of groups, and the output rows of one kernel call. */
static void bw_plan_dot(const fc_prob *p, int elem, int nthreads, fc_bw_plan *b)
{
    const fc_tuning *tu = fc_tuning_get();
    const int64_t L = 64 / elem; /* a slot per sum for the widest vector's lanes */
    int64_t nrun = p->N < tu->bw_dot_max_runs ? p->N : tu->bw_dot_max_runs;
    const int64_t rcap = tu->bw_dot_part_max / (b->accn * L);
    if (nrun > rcap) nrun = rcap > 1 ? rcap : 1;
    if (nrun < 1) nrun = 1;
    b->per = fc_ceil_div(p->N, nrun);
    b->nrun = fc_ceil_div(p->N, b->per);
    /* which groups share a job does not change any sum, so gpj may follow the threads */
    b->gpj = p->G * b->nrun / (tu->bw_dot_jobs_per_thread * (int64_t)nthreads);
    if (b->gpj < 1) b->gpj = 1;
    if (b->gpj > p->G) b->gpj = p->G;
    b->ngb = fc_ceil_div(p->G, b->gpj);
    /* output rows per kernel call: about bw_dot_rows_bytes of grad_out rows (tk of
     * them), which stay in L1 while every block of input streams passes over them */
    int64_t rchunk = tu->bw_dot_rows_bytes / (b->tk * p->out[2] * (int64_t)elem);
    if (rchunk < 1) rchunk = 1;
    if (rchunk > p->out[1]) rchunk = p->out[1];
    /* near-equal chunks: 28 rows under a 27-row cap are 14 + 14, not 27 + 1 */
    b->rchunk = fc_ceil_div(p->out[1], fc_ceil_div(p->out[1], rchunk));
}

/* chunk-major mode: chunks of near-equal height and width (56 rows under a 54-row cap:
 * 28 + 28, not 54 + 2), and images a round: the packing budget of x alone, at least one
 * a thread, partials within bw_part_max, and a multiple of the thread count in jobs
 * where that fits (round sizes never change a sum's order: partials are added in job
 * order, round after round). */
static void bw_plan_chunks(const fc_prob *p, const fc_geom *g, int elem, int nthreads, fc_bw_plan *b)
{
    const int64_t part_max = fc_tuning_get()->bw_part_max;
    b->nrc = fc_ceil_div(p->out[1], b->rchunk);
    b->ncc = fc_ceil_div(p->out[2], b->cchunk);
    const int64_t cpi = p->out[0] * b->nrc * b->ncc;
    b->rchunk = fc_ceil_div(p->out[1], b->nrc);
    b->cchunk = fc_ceil_div(p->out[2], b->ncc);
    b->gTn = ((b->rchunk - 1) * g->q[2] + b->cchunk) * b->Kgp;
    int64_t nb = fc_images_per_pack(p->N, p->C, g->cs, elem, nthreads);
    if (nb < nthreads) nb = nthreads < p->N ? nthreads : p->N;
    if (nb * cpi * b->accn > part_max) nb = part_max / (cpi * b->accn);
    if (nb < 1) nb = 1;
    while (nb < p->N && (nb * cpi) % nthreads != 0 && (nb + 1) * cpi * b->accn <= part_max) ++nb;
    b->nb = nb;
}

fc_status fc_plan_backward_weight(const fc_prob *p, const fc_ktiles *kt, int num_threads, fc_plan *pl)
{
    const fc_tuning *tu = fc_tuning_get();
    fc_status st = fc_plan_init(pl, FC_OP_BACKWARD_WEIGHT, p, kt, num_threads, 1);
    if (st) return st;
    fc_geom *g = pl->geoms;
    if ((st = fc_geom_forward(p, 1, g))) {
        fc_plan_free(pl);
        return st;
    }
    const int nthreads = pl->nthreads, elem = kt->elem;
    fc_bw_plan *b = &pl->bw;
    const int64_t CT = p->Cg * p->T;
    bw_pick_tile(kt, p->Kg, b);
    /* output rows per chunk of transposed grad_out: about bw_chunk_bytes of it at the k-vectorised tile's width, kept in
     * L2 while a run of (c, t) blocks streams over it (long chunks are long runs of
     * each input stream, which the prefetcher follows) */
    const int64_t chunk_px = tu->bw_chunk_bytes / (b->tk * (int64_t)elem);
    /* dot where a vector of k lanes would carry padding (Kg < wk), or with few (c, t)
     * streams (the k-vectorised modes transpose all of grad_out, and each transposed
     * element then feeds only CT multiply-adds); with enough images that its runs of
     * whole images feed the threads (fewer take chunk-major, which splits images) */
    int dot = p->N >= tu->bw_dot_min_images && (p->Kg < kt->wk || CT <= tu->bw_dot_max_streams);
    const int fmode = fc_force_get()->bwmode;
    if (fmode >= 0) dot = fmode == FC_BW_DOT && p->N > 0;
    if (dot) {
        /* one output channel a group (depthwise): the one-row tile, not wdk copies of it */
        b->tile = p->Kg == 1 ? FC_BWT_DOT1 : FC_BWT_DOT;
        b->tk = p->Kg == 1 ? 1 : kt->wdk;
        b->tj = p->Kg == 1 ? kt->wds1 : kt->wds;
    }
    b->Kgp = fc_round_up(p->Kg, b->tk);     /* gT row: the group's k, padded */
    b->nkb = b->Kgp / b->tk;
    b->ncb = fc_ceil_div(CT, b->tj);
    b->CTp = b->ncb * b->tj;                /* acc rows padded to whole blocks */
    b->accn = p->G * b->CTp * b->Kgp;       /* acc[gi][ct][k], k fastest */
    b->rchunk = p->out[2] >= chunk_px ? 1 : chunk_px / p->out[2];
    int chunks = !dot && p->N > 0 && b->accn <= tu->bw_chunks_max_acc;
    if (fmode >= 0) chunks = fmode == FC_BW_CHUNKS && p->N > 0;
    b->mode = dot ? FC_BW_DOT : chunks ? FC_BW_CHUNKS : FC_BW_BLOCKS;
    /* rows longer than a chunk (1-D signals) are cut into column chunks too; the
     * chunk-major partials (one a chunk) stay within bw_part_max: longer chunks past it */
    int64_t ncc = p->out[2] > chunk_px ? fc_ceil_div(p->out[2], chunk_px) : 1;
    if (chunks) {
        const int64_t cap = tu->bw_part_max / (b->accn * p->out[0] * p->out[1]);
        if (ncc > cap) ncc = cap > 1 ? cap : 1;
    }
    b->cchunk = fc_ceil_div(p->out[2], ncc);
    /* an unpadded stride-1 layer is its own packed layout, and the kernel reads valid
     * pixels only: x is then read in place */
    b->x_in_place = fc_identity_geom(g);
    int64_t ws = b->accn;
    if (dot) {
        bw_plan_dot(p, elem, nthreads, b);
        ws += b->nrun * b->accn * (64 / elem) + (b->x_in_place ? 0 : nthreads * p->C * g->cs);
    } else if (chunks) {
        bw_plan_chunks(p, g, elem, nthreads, b);
        const int64_t cpi = p->out[0] * b->nrc * b->ncc;
        ws += (b->x_in_place ? 0 : b->nb * p->C * g->cs) + b->nb * cpi * b->accn + nthreads * b->gTn;
    } else {
        b->nb = p->N ? fc_images_per_pack(p->N, p->C + p->G * b->Kgp, g->cs, elem, nthreads) : 1;
        /* enough runs of (c, t) blocks to feed every thread even with one k block */
        b->nrun = (tu->jobs_per_thread * nthreads + p->G * b->nkb - 1) / (p->G * b->nkb);
        if (b->nrun > b->ncb) b->nrun = b->ncb;
        ws += (b->x_in_place ? 0 : b->nb * p->C * g->cs) + b->nb * p->G * g->lvalid * b->Kgp;
    }
    for (int t = 0; t < g->T; ++t) b->perm |= g->tap_elem[t] != t;
    b->scatter_slices = fc_ceil_div(p->Cg, tu->bw_scatter_channels);
    pl->workspace_bytes = ws * elem + (int64_t)p->Kg * 8 + p->T * elem * (int64_t)nthreads;
    return FC_OK;
}
