/* Planning of the forward-family engine (forward, backward-input, 1-D single array):
 * which kernel, which mode, how passes are blocked and scheduled. */
#include <stdlib.h>
#include "plan/plan.h"

double fc_prob_macs(const fc_prob *p)
{
    return (double)p->N * (double)p->K * (double)p->Cg * (double)p->T *
           (double)(p->out[0] * p->out[1] * p->out[2]);
}

/* Images packed at once: pack_bytes_per_thread of packed data a thread, so a round's
 * packed images are still in each core's L2 when its tiles read them.  At least one
 * image, so there is never an im2col-sized workspace: a packed image is the size of the
 * padded input. */
int64_t fc_images_per_pack(int64_t N, int64_t C, int64_t cs, int elem, int nthreads)
{
    const int64_t budget = fc_tuning_get()->pack_bytes_per_thread * nthreads;
    int64_t per = C * cs * (int64_t)elem;
    int64_t nb = per > 0 ? budget / per : N;
    if (nb < 1) nb = 1;
    if (nb > N) nb = N;
    return nb;
}

/* The packed layout of an unpadded stride-1 problem is the source itself, except that
 * the last tile of a channel reads up to a tile (plus the taps' reach) past its end: so
 * images are read in place as long as those reads stay inside the caller's buffer, and
 * only the last few (one, unless images are smaller than a tile) are packed with slack. */
int fc_identity_geom(const fc_geom *g)
{
    for (int i = 0; i < 3; ++i)
        if (g->s[i] != 1 || g->plo[i] != 0 || g->q[i] != g->L[i]) return 0;
    return 1;
}

/* Pick the kernel for M outputs per group: the single-row kernel when there is only
 * one and the narrow one for a few, so they do not pay for rows of zeros (3 outputs on
 * an 8-row tile would waste 5/8 of the FMAs). */
void fc_pick_kernel(const fc_ktiles *kt, int64_t M, int64_t T, fc_pass *ps)
{
    ps->mode = FC_FM_FLAT;
    ps->store = FC_ST_COPY;
    ps->vl = 0;
    if (M == 1) {
        ps->kern = FC_FK_SINGLE;
        ps->mr = 1;
        ps->nr = kt->nr1;
    } else if (M <= kt->mr2) {
        ps->kern = T == 9 ? FC_FK_NARROW_T9 : FC_FK_NARROW;
        ps->mr = kt->mr2;
        ps->nr = kt->nr2;
    } else {
        ps->kern = T == 9 ? FC_FK_TILE_T9 : T == 1 ? FC_FK_TILE_T1 : FC_FK_TILE;
        ps->mr = kt->mr;
        ps->nr = kt->nr;
        ps->vl = kt->has_fwdd ? kt->vl : 0; /* lanes of the masked-store kernels */
    }
}

/* Switch the pass to the channels-vectorised kernel where it does less work than the
 * flattened one: the flattened tiles compute every padding column and round each image
 * up to whole tiles (14x14 with a 3x3 kernel: 196 real of 240 computed pixels), while
 * the channels-vectorised tile computes real pixels only but rounds the output channels
 * up to kw (and transposes its tile, which a long C x T reduction amortises).  Where the
 * output's columns are not contiguous (unit_cols 0: the residue classes of a strided
 * backward-input) the flattened tiles go through a scratch tile and a strided copy,
 * while the channels-vectorised kernel stores with any column step: it wins there
 * without the margin, as it does with more taps than 3x3. */
void fc_maybe_kvec(const fc_ktiles *kt, const fc_geom *g, int64_t M, int64_t R, int unit_cols, fc_pass *ps)
{
    const fc_tuning *tu = fc_tuning_get();
    const int forced = fc_force_get()->fmode;
    if (!kt->kw || forced == FC_FM_FLAT) return;
    int take;
    if (forced == FC_FM_KVEC || forced == FC_FM_KVEC_FOLD) {
        take = 1;
    } else {
        if (M < ps->mr || R * g->T < tu->kvec_min_reduction) return;
        const double real = (double)(g->O[0] * g->O[1] * g->O[2]);
        const double flat = real / (double)g->lout;                      /* useful share, flattened */
        const double kvec = (double)M / (double)fc_round_up(M, kt->kw);  /* useful share, kvec */
        take = kvec > flat + tu->kvec_margin || ((g->T > tu->kvec_many_taps || !unit_cols) && kvec >= flat);
    }
    if (take) {
        ps->kern = FC_FK_KVEC;
        ps->mode = FC_FM_KVEC;
        ps->kp = kt->kp;
        ps->mr = kt->kw;
    }
}

/* Fold the channels-vectorised mode's layout (fc_geom_fold) where output rows are
 * shorter than its tile: a 7-pixel row fills 7 of the kp = 14 pixels, and each weight
 * vector it loads then feeds half the FMAs.  Needs an output whose rows are consecutive
 * (sc: unit steps, full rows, from column 0) and a constant fill. */
void fc_maybe_fold(fc_geom *g, const fc_scatter *sc, fc_pass *ps)
{
    const int forced = fc_force_get()->fmode;
    if (ps->mode != FC_FM_KVEC || g->boundary != FC_BOUNDARY_FILL || forced == FC_FM_KVEC) return;
    if (g->O[2] >= ps->kp && forced != FC_FM_KVEC_FOLD) return;
    if (sc->ystep[1] != 1 || sc->ystep[2] != 1 || sc->ystart[2] != 0 || sc->ydim[2] != g->O[2]) return;
    if (fc_geom_fold(g) == 0) ps->mode = FC_FM_KVEC_FOLD;
}

/* Reduction channels per kernel call: the packed slab of a block of channels stays in
 * L1 (l1_slab_bytes of it) while every block of output channels sweeps over it.  A
 * channel's slab is one run of nr + (widest column shift) elements on each distinct
 * packed row the taps start on (every tap's offset is row*q2 + column shift):
 * 3x3 over 58-wide rows, nr=48: 3 rows x 50 = 150 floats, 27 channels at 16 KB. */
static int64_t channel_block(const fc_geom *g, int64_t R, int64_t nr, int elem)
{
    if (g->T == 0) return R; /* a residue class no tap reaches: the kernel only zeroes */
    const int64_t q2 = g->q[2];
    int64_t rows = 0, maxcol = 0;
    for (int t = 0; t < g->T; ++t) {
        const int64_t row = g->off[t] / q2, col = g->off[t] % q2;
        if (col > maxcol) maxcol = col;
        /* distinct rows by a quadratic scan, bounded: past 128 taps count every tap */
        int seen = 0;
        for (int u = 0; u < t && !seen && g->T <= 128; ++u) seen = g->off[u] / q2 == row;
        rows += !seen;
    }
    const int64_t foot = rows * (nr + maxcol);
    int64_t cb = fc_tuning_get()->l1_slab_bytes / (foot * (int64_t)elem);
    if (cb < 1) cb = 1;
    return cb < R ? cb : R;
}

/* Blocking of one pass, and its output path.  identity: the run reads images in place
 * (the last tiles then read copies of their windows, wcs elements a channel). */
static void pass_block(fc_pass *ps, int identity, int elem, int nthreads)
{
    const fc_tuning *tu = fc_tuning_get();
    const fc_geom *g = ps->g;
    const int kvec = ps->mode != FC_FM_FLAT;
    /* An unpadded stride-1 source is read in place, every image of it.  A tile reads
     * nr + maxoff elements of each channel from its first pixel, past the end of the
     * channel into the next one (those lanes are dropped); only in the source's last
     * channels would that pass the end of the caller's buffer, so those few tiles read a
     * copy of their windows instead (wcs elements a channel), zero past the end. */
    ps->maxoff = 0;
    for (int t = 0; t < g->T; ++t)
        if (g->off[t] > ps->maxoff) ps->maxoff = g->off[t];
    ps->wcs = ps->nr + ps->maxoff;
    ps->nblk = fc_ceil_div(ps->M, ps->mr);
    ps->ntile = g->lout / ps->nr;
    ps->tsz = ps->mr * ps->nr;
    ps->cblk = channel_block(g, ps->R, ps->nr, elem);
    /* pixel tiles per job: a block of weights is reused from L1 across them, and each
     * channel is read in longer runs; still leave jobs_per_thread jobs a thread.  (Any
     * split gives the same bits: a job holds every output element's whole reduction.) */
    const int64_t jobs = (int64_t)tu->jobs_per_thread * nthreads;
    ps->ptj = ps->N * ps->G * ps->ntile / jobs;
    if (ps->ptj > tu->tiles_per_job_max) ps->ptj = tu->tiles_per_job_max;
    if (ps->ptj < 1) ps->ptj = 1;
    /* channels-vectorised mode: a job is a run of output rows (ptj of them); its kernel
     * writes the output itself, so there is no scratch tile */
    ps->nrow = ps->mode == FC_FM_KVEC_FOLD ? g->O[0] * fc_ceil_div(g->O[1] * g->O[2], ps->kp) : g->O[0] * g->O[1];
    if (kvec) {
        ps->ptj = fc_ceil_div(ps->N * ps->G * ps->nrow, jobs);
        if (ps->ptj > ps->nrow) ps->ptj = ps->nrow;
    }
    ps->nchunk = kvec ? fc_ceil_div(ps->nrow, ps->ptj) : fc_ceil_div(ps->ntile, ps->ptj);
    /* Where rows are split among jobs (few images a thread), each job streams every
     * weight block for its part of an image; with large weights that traffic is the
     * call's bottleneck, so a job is then one block of output channels over a whole
     * image (each weight block read once an image).  The kernel calls are the same
     * either way, so are the bits. */
    const double wbytes = (double)ps->R * (double)g->T * (double)ps->M * (double)elem;
    const int forced = fc_force_get()->kbjob;
    ps->kbjob = kvec && ps->ptj < ps->nrow && wbytes > (double)tu->kvec_block_job_weight_bytes &&
                ps->N * ps->G * ps->nblk >= jobs;
    if (kvec && forced >= 0) ps->kbjob = forced;
    if (ps->kbjob) {
        ps->ptj = ps->nrow;
        ps->nchunk = ps->nblk;
    }
    /* scratch per thread: the job's tiles, and the windows of the tiles at the end */
    ps->tper = kvec ? 1 : ps->ptj * ps->nblk * ps->tsz + (identity ? ps->cblk * ps->wcs : 0);
    ps->wblk = ps->R * g->T * ps->mr;
    ps->store = FC_ST_COPY;
    ps->stream_out = 0;
    if (kvec) return;
    /* the flattened index is the output's own index when there are no garbage lanes
     * (q = O on the inner axes) and the scatter is the identity: then whole tiles need
     * no copy (and no bias, which the copy adds) */
    const fc_scatter *sc = &ps->sc;
    const int whole = !ps->has_bias && g->q[1] == g->O[1] && g->q[2] == g->O[2] && sc->ystart[0] == 0 &&
                      sc->ystart[1] == 0 && sc->ystart[2] == 0 && sc->ystep[0] == 1 && sc->ystep[1] == 1 &&
                      sc->ystep[2] == 1 && sc->ydim[1] == g->O[1] && sc->ydim[2] == g->O[2];
    /* tiles written straight into the output by masked stores: no scratch tile and no
     * copy-out, where the layout's rows are at least a vector long (a vector then spans
     * at most two output rows), the output's columns are contiguous, and the tile has
     * at most 8 vectors (the kernel's segment table) */
    const int masked_ok = ps->vl && ps->kern != FC_FK_KVEC && !whole && sc->ystep[2] == 1 &&
                          g->q[2] >= ps->vl && ps->nr / ps->vl <= 8;
    const int fstore = fc_force_get()->fstore;
    ps->store = whole ? FC_ST_WHOLE : masked_ok && fstore != FC_ST_COPY ? FC_ST_MASKED : FC_ST_COPY;
    /* Tiles written straight into a large output, whole in one kernel call (one block of
     * reduction channels), use non-temporal stores: a plain store first reads the line
     * it writes, a second pass over memory for an output larger than the caches.  Not
     * for tiles that later blocks add to, whose lines are read back. */
    ps->stream_out = whole && ps->cblk >= ps->R && (ps->ystride * (int64_t)elem) % FC_ALIGN == 0 &&
                     (double)ps->N * (double)ps->ybatch * (double)elem >= (double)tu->stream_min_bytes;
}

/* The schedule of np passes over one source (every pass reads the same packed layout,
 * ps[0].g's, and writes outputs no other pass writes).  Rounds: each round packs its
 * images once for all passes, then the jobs of every pass share one dynamic loop. */
fc_status fc_plan_run(fc_pass *ps, int np, int elem, int nthreads, fc_run *run)
{
    const fc_tuning *tu = fc_tuning_get();
    const fc_pass *p0 = ps;
    const fc_geom *g = p0->g;
    const int64_t CH = p0->G * p0->R, N = p0->N;
    const int64_t jobs = (int64_t)tu->jobs_per_thread * nthreads;
    const int forced = fc_force_get()->sched;
    run->np = np;
    run->ps = ps;
    run->identity = fc_identity_geom(g);
    run->nin = run->identity ? N : 0;
    /* in-place images need no buffer; the packed ones go in groups bounded in bytes */
    const int64_t npacked = N - run->nin;
    run->nb = fc_images_per_pack(npacked, CH, g->cs, elem, nthreads);
    run->tper = 1;
    for (int i = 0; i < np; ++i) {
        pass_block(ps + i, run->identity, elem, nthreads);
        if (ps[i].tper > run->tper) run->tper = ps[i].tper;
    }
    /* Many small images: a job is one whole image and group, which it packs itself into
     * its thread's buffer and uses while that is in L1/L2: no packing phase, no barrier
     * between packing and use, and packed data never goes out to L3 and back.  Same
     * bits: the tiles and their kernel calls are the same, only who packs changes. */
    const int64_t gbytes = p0->R * g->cs * (int64_t)elem;
    int private_pack = npacked == N && N * p0->G >= jobs && gbytes <= tu->private_pack_max_bytes;
    if (forced >= 0) private_pack = forced == FC_SCHED_PRIVATE && npacked == N;
    /* Large packed images: a job packs only the rows its own tiles read (about band_rows
     * output rows plus the taps' reach, every channel) into its thread's scratch, and
     * runs its tiles while those rows are in L2, instead of a round packing whole images
     * out to L3 and back behind a barrier.  Same tiles, same kernel calls, same bits.
     * (Flattened mode, stride 1, one pass.) */
    const int band_ok = np == 1 && npacked == N && p0->mode == FC_FM_FLAT && g->nph == 1 && !g->nrep;
    int band = band_ok && !private_pack && gbytes > tu->band_min_bytes;
    /* about band_rows rows a job, still jobs_per_thread jobs a thread; below
     * band_min_rows rows a job (or with rows so long that few fit: 1-D signals are one
     * row) the taps' reach, packed again by the next job, would cost more than it saves */
    const int64_t q2 = g->q[2], bnr = p0->nr;
    int64_t bptj = fc_ceil_div(tu->band_rows * q2, bnr);
    const int64_t bcap = N * p0->G * ps[0].ntile / jobs;
    if (bptj > bcap) bptj = bcap;
    if (bptj < ps[0].ptj) bptj = ps[0].ptj;
    if (bptj * bnr < tu->band_min_rows * q2) band = 0;
    if (forced >= 0) band = forced == FC_SCHED_BANDS && band_ok;
    if (private_pack) run->tper += p0->R * g->cs;
    if (band) {
        fc_pass *pp = ps;
        pp->ptj = bptj;
        pp->nchunk = fc_ceil_div(pp->ntile, bptj);
        /* tiles [pt0, pt0 + ptj) read pixels [pt0*nr, (pt0 + ptj)*nr + maxoff): rows from
         * pt0*nr / q2, at most ceil((ptj*nr + maxoff) / q2) + 1 of them */
        pp->brows = fc_ceil_div(bptj * bnr + pp->maxoff, q2) + 1;
        pp->bcs = fc_round_up(pp->brows * q2, 16);
        pp->tper = bptj * pp->nblk * pp->tsz + p0->R * pp->bcs;
        run->tper = pp->tper;
    }
    run->sched = private_pack ? FC_SCHED_PRIVATE : band ? FC_SCHED_BANDS : FC_SCHED_ROUNDS;
    run->xbuf_elems = npacked && run->sched == FC_SCHED_ROUNDS ? run->nb * CH * g->cs : 0;
    return FC_OK;
}
