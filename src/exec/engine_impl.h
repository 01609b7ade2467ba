/* The forward-family engine's executor (forward, backward-input, 1-D single array),
 * written once and instantiated per element type by exec/exec.c.  It follows a planned
 * fc_run (plan/plan.h): for every image n and group, out = sum over the group's R
 * reduction channels and T taps of packed weights x packed source, scattered by each
 * pass's sc.  Every output element is reduced by one job in an order fixed by the plan,
 * whatever the thread count.
 *   src: N x (G*R) source channels of extent g->L (src_plane elements apart)
 *   wpack: G x nblk x R x T x mr packed weights (zero rows past M)
 *   y: N images of G*M channels, each channel ystride apart, image ybatch apart */

typedef struct FC_F(engine) {
    const fc_pass *ps;           /* the pass's plan */
    const FC_T *src;
    FC_T fill;
    const FC_T *wpack;
    const FC_T *bias;            /* G*M or NULL */
    FC_T *y;
    /* the plan's kernels, from the table of the ISA it was made for */
    FC_CAT2(fc_fwd, FC_CAT2(FC_S, fn)) fn;
    FC_CAT2(fc_fwdd, FC_CAT2(FC_S, fn)) fnd;
    FC_CAT2(fc_rowcopy, FC_CAT2(FC_S, fn)) rowcopy;
    const FC_CAT2(fc_fwdk, FC_CAT2(FC_S, fn)) *fwdk;
} FC_F(engine);

/* The kernels a pass's plan names, from table k. */
static void FC_F(engine_kernels)(const FC_KT *k, FC_F(engine) *e)
{
    const fc_pass *ps = e->ps;
    e->rowcopy = k->rowcopy;
    e->fwdk = k->fwdk;
    e->fnd = NULL;
    switch (ps->kern) {
    case FC_FK_TILE_T1: e->fn = k->fwd_t1; e->fnd = k->fwdd; break;
    case FC_FK_TILE_T9: e->fn = k->fwd_t9; e->fnd = k->fwdd_t9; break;
    case FC_FK_NARROW: e->fn = k->fwd2; break;
    case FC_FK_NARROW_T9: e->fn = k->fwd2_t9; break;
    case FC_FK_SINGLE: e->fn = k->fwd1; break;
    default: e->fn = k->fwd; e->fnd = k->fwdd; break;
    }
}

/* One job of the channels-vectorised mode: output rows [r0, r1) (row r = (o0, o1), or
 * chunk r of a folded plane) of one image and group, blocks [kb0, kb1) of output
 * channels.  Rows are cut into chunks of at most kp pixels of near-equal width (20
 * pixels at kp=14: 10 + 10, not 14 + 6), each a full C x T reduction in registers that
 * the kernel transposes into y. */
static void FC_F(kvec_job)(const FC_F(engine) *e, const FC_T *xs, int64_t cs, const FC_T *wg, FC_T *y,
                           int64_t gi, int64_t r0, int64_t r1, int64_t kb0, int64_t kb1)
{
    const fc_pass *ps = e->ps;
    const fc_geom *g = ps->g;
    const fc_scatter *sc = &ps->sc;
    const int64_t O1 = g->O[1], O2 = g->O[2], kw = ps->mr;
    const int64_t wblk = ps->R * g->T * kw;
    const int64_t nch = fc_ceil_div(O2, ps->kp);
    const int64_t st = sc->ystep[2];
    for (int64_t kb = kb0; kb < kb1; ++kb) {
        const int64_t m0 = kb * kw, ch = gi * ps->M + m0;
        const int rows = (int)(ps->M - m0 < kw ? ps->M - m0 : kw);
        const FC_T *bias = e->bias ? e->bias + ch : NULL;
        if (ps->mode == FC_FM_KVEC_FOLD) {
            /* "row" r is chunk r % nfc of plane r / nfc, a run of the plane's O1*O2
             * pixels, which are consecutive in the folded layout and in y alike */
            const int64_t plane = O1 * O2, nfc = fc_ceil_div(plane, ps->kp);
            for (int64_t r = r0; r < r1; ++r) {
                const int64_t o0 = r / nfc, c = r % nfc;
                const int64_t a = c * plane / nfc, P = (c + 1) * plane / nfc - a;
                e->fwdk[P - 1](ps->R, g->T, g->off, xs + o0 * g->q[1] * O2 + a, cs, wg + kb * wblk,
                               y + ch * ps->ystride + fc_scatter_index(sc, o0, 0, 0) + a, ps->ystride, 1, rows,
                               bias);
            }
            continue;
        }
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t o0 = r / O1, o1 = r % O1;
            const int64_t prow = (o0 * g->q[1] + o1) * g->q[2];
            const int64_t yrow = fc_scatter_index(sc, o0, o1, 0);
            for (int64_t c = 0; c < nch; ++c) {
                /* chunk c covers [c*O2/nch, (c+1)*O2/nch): O2 = 20, nch = 2 -> [0,10) [10,20) */
                const int64_t a = c * O2 / nch, P = (c + 1) * O2 / nch - a;
                e->fwdk[P - 1](ps->R, g->T, g->off, xs + prow + a, cs, wg + kb * wblk,
                               y + ch * ps->ystride + yrow + a * st, ps->ystride, st, rows, bias);
            }
        }
    }
}

/* Whether tile pt's block kb of output channels is written by the kernel straight into
 * the output (a whole tile of a layout that is the output's own), not through the
 * scratch tile and copy_out. */
static int FC_F(tile_in_output)(const fc_pass *ps, int64_t pt, int64_t kb)
{
    return ps->store == FC_ST_WHOLE && (kb + 1) * ps->mr <= ps->M && (pt + 1) * ps->nr <= ps->g->lvalid;
}

/* In place, tiles pt >= the returned one would read past the end of the source in its
 * last channel: (n*CH + CH-1)*plane + (pt+1)*nr + maxoff > N*CH*plane.  For the last
 * image that is (pt+1)*nr + maxoff > plane: with 3136-pixel planes and nr = 48,
 * maxoff = 0, tiles 65 and up (the last one). */
static int64_t FC_F(safe_tiles)(const fc_pass *ps, int in_place, int64_t n)
{
    if (!in_place) return ps->ntile;
    const int64_t room = ((ps->N - n - 1) * ps->G * ps->R + 1) * ps->src_plane - ps->maxoff;
    return room > 0 ? room / ps->nr : 0;
}

/* A copy of a tile's windows (cn channels of wcs elements from xt, cs apart), zero past
 * the end of the source, for tiles that would read past it in place. */
static const FC_T *FC_F(tile_windows)(const FC_F(engine) *e, const FC_T *xt, int64_t cs, int64_t cn, FC_T *win)
{
    const fc_pass *ps = e->ps;
    const FC_T *end = e->src + ps->N * ps->G * ps->R * ps->src_plane;
    for (int64_t c = 0; c < cn; ++c) {
        const FC_T *s = xt + c * cs;
        const int64_t m = end - s < ps->wcs ? end - s : ps->wcs;
        memcpy(win + c * ps->wcs, s, sizeof(FC_T) * (size_t)m);
        memset(win + c * ps->wcs + m, 0, sizeof(FC_T) * (size_t)(ps->wcs - m));
    }
    return win;
}

/* One job of the flattened mode: pixel tiles [pc*ptj, (pc+1)*ptj) of image n (its
 * group gi channels at xs, cs apart, from flattened pixel pbase on), every block of
 * output channels.  Channel blocks outside, then tiles, then blocks of output channels,
 * so a tile's slab of the channel block stays in L1 while every block of output
 * channels uses it (a weight block, T*mr values a channel, is the smaller of the two to
 * re-read from L2). */
static void FC_F(flat_job)(const FC_F(engine) *e, const FC_T *xs, int64_t cs, int64_t pbase, int in_place,
                           int64_t n, int64_t gi, int64_t pc, FC_T *tile)
{
    const fc_pass *ps = e->ps;
    const fc_geom *g = ps->g;
    const int64_t nblk = ps->nblk, tsz = ps->tsz, ptj = ps->ptj, nr = ps->nr, mr = ps->mr;
    const int masked = ps->store == FC_ST_MASKED;
    const FC_T *wg = e->wpack + gi * nblk * ps->wblk;
    FC_T *yn = e->y + n * ps->ybatch;
    const int64_t pt0 = pc * ptj, pt1 = pt0 + ptj < ps->ntile ? pt0 + ptj : ps->ntile;
    const int64_t tsafe = FC_F(safe_tiles)(ps, in_place, n);
    for (int64_t c0 = 0; c0 < ps->R; c0 += ps->cblk) {
        const int64_t cn = ps->R - c0 < ps->cblk ? ps->R - c0 : ps->cblk;
        const int beta0 = c0 > 0 ? FC_BETA_ACC : 0;
        for (int64_t pt = pt0; pt < pt1; ++pt) {
            const FC_T *xt = xs + c0 * cs + pt * nr - pbase;
            int64_t xcs = cs;
            if (pt >= tsafe) {
                xt = FC_F(tile_windows)(e, xt, cs, cn, tile + ptj * nblk * tsz);
                xcs = ps->wcs;
            }
            if (masked) {
                fc_seg seg[8];
                fc_tile_segs(g, &ps->sc, pt * nr, (int)(nr / ps->vl), ps->vl, seg);
                for (int64_t kb = 0; kb < nblk; ++kb) {
                    const int64_t m0 = kb * mr, ch = gi * ps->M + m0;
                    const int rows = (int)(ps->M - m0 < mr ? ps->M - m0 : mr);
                    e->fnd(cn, g->T, g->off, xt, xcs, wg + kb * ps->wblk + c0 * g->T * mr, yn + ch * ps->ystride,
                           ps->ystride, seg, rows, beta0, e->bias && c0 + cn == ps->R ? e->bias + ch : NULL);
                }
                continue;
            }
            for (int64_t kb = 0; kb < nblk; ++kb) {
                /* whole tiles of a layout that is the output's own go straight there
                 * (rows ystride apart); the rest through the scratch tile */
                const int inplace = FC_F(tile_in_output)(ps, pt, kb);
                FC_T *dst = inplace ? yn + (gi * ps->M + kb * mr) * ps->ystride + pt * nr
                                    : tile + ((pt - pt0) * nblk + kb) * tsz;
                int beta = beta0;
                if (inplace && ps->stream_out && ((uintptr_t)dst & (FC_ALIGN - 1)) == 0) beta |= FC_BETA_STREAM;
                e->fn(cn, g->T, g->off, xt, xcs, wg + kb * ps->wblk + c0 * g->T * mr, dst,
                      inplace ? ps->ystride : nr, beta);
            }
        }
    }
    if (masked) return; /* every tile is in the output already */
    /* order the job's non-temporal stores before anything that follows */
    if (ps->stream_out) __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int64_t pt = pt0; pt < pt1; ++pt)
        for (int64_t kb = 0; kb < nblk; ++kb) {
            if (FC_F(tile_in_output)(ps, pt, kb)) continue;
            const int64_t m0 = kb * mr;
            const int rows = (int)(ps->M - m0 < mr ? ps->M - m0 : mr);
            const int64_t ch = gi * ps->M + m0;
            FC_F(copy_out)(e->rowcopy, tile + ((pt - pt0) * nblk + kb) * tsz, rows, nr, pt * nr, g, &ps->sc,
                           yn + ch * ps->ystride, ps->ystride, e->bias ? e->bias + ch : NULL);
        }
}

/* Chunk pc (of rows or pixel tiles) of image n and group gi of one pass, in whichever
 * mode the pass runs. */
static void FC_F(pass_job)(const FC_F(engine) *e, const FC_T *xs, int64_t cs, int in_place, int64_t n, int64_t gi,
                           int64_t pc, FC_T *tile)
{
    const fc_pass *ps = e->ps;
    if (ps->mode == FC_FM_FLAT) {
        FC_F(flat_job)(e, xs, cs, 0, in_place, n, gi, pc, tile);
        return;
    }
    /* chunk pc: block pc of output channels over every row, or rows [pc*ptj,
     * (pc+1)*ptj) with every block */
    int64_t r0 = 0, r1 = ps->nrow, kb0 = pc, kb1 = pc + 1;
    if (!ps->kbjob) {
        r0 = pc * ps->ptj;
        r1 = r0 + ps->ptj < ps->nrow ? r0 + ps->ptj : ps->nrow;
        kb0 = 0;
        kb1 = ps->nblk;
    }
    FC_F(kvec_job)(e, xs, cs, e->wpack + gi * ps->nblk * ps->wblk, e->y + n * ps->ybatch, gi, r0, r1, kb0, kb1);
}

/* Bands: job pc packs the rows tiles [pt0, pt1) read, r_lo up to what the image has,
 * then zeros as far as the tiles read (q2 = 226, nr = 48, ptj = 76, maxoff = 454:
 * pc = 1 packs rows 16..35), and runs them. */
static void FC_F(band_job)(const FC_F(engine) *e, int64_t n, int64_t gi, int64_t pc, FC_T *tile, int64_t tper)
{
    const fc_pass *ps = e->ps;
    const fc_geom *g = ps->g;
    const int64_t q2 = g->q[2], CH = ps->G * ps->R;
    const int64_t pt0 = pc * ps->ptj;
    const int64_t pt1 = pt0 + ps->ptj < ps->ntile ? pt0 + ps->ptj : ps->ntile;
    const int64_t r_lo = pt0 * ps->nr / q2, rows = g->q[0] * g->q[1];
    const int64_t need = pt1 * ps->nr + ps->maxoff - r_lo * q2;
    int64_t r_hi = r_lo + fc_ceil_div(need, q2);
    if (r_hi > rows) r_hi = rows;
    FC_T *xb = tile + tper - ps->R * ps->bcs;
    for (int64_t c = 0; c < ps->R; ++c) {
        FC_T *dc = xb + c * ps->bcs;
        FC_F(pack_rows)(e->src + (n * CH + gi * ps->R + c) * ps->src_plane, g, e->fill, dc, r_lo, r_hi);
        if ((r_hi - r_lo) * q2 < need)
            memset(dc + (r_hi - r_lo) * q2, 0, sizeof(FC_T) * (size_t)(need - (r_hi - r_lo) * q2));
    }
    FC_F(flat_job)(e, xb, ps->bcs, r_lo * q2, 0, n, gi, pc, tile);
}

/* Private packing: a job is one whole image and group, packed by the job into the end
 * of its thread's scratch, then every chunk of every pass over it. */
static void FC_F(run_private)(const fc_run *run, const FC_F(engine) *es, int nthreads, FC_T *tiles)
{
    const fc_pass *p0 = run->ps;
    const fc_geom *g = p0->g;
    const int64_t njobs = p0->N * p0->G, CH = p0->G * p0->R, tper = run->tper;
    FC_OMP(parallel num_threads(nthreads))
    {
        FC_T *tile = tiles + fc_thread_id() * tper;
        FC_OMP(for schedule(dynamic, 1))
        for (int64_t job = 0; job < njobs; ++job) {
            const int64_t n = job / p0->G, gi = job % p0->G;
            FC_T *xs = tile + tper - p0->R * g->cs;
            for (int64_t c = 0; c < p0->R; ++c)
                FC_F(pack_plane)(es[0].src + (n * CH + gi * p0->R + c) * p0->src_plane, g, es[0].fill,
                                 xs + c * g->cs);
            for (int ip = 0; ip < run->np; ++ip)
                for (int64_t pc = 0; pc < run->ps[ip].nchunk; ++pc)
                    FC_F(pass_job)(es + ip, xs, g->cs, 0, n, gi, pc, tile);
        }
    }
}

/* Rounds: the in-place images at once, then the packed ones nb at a time; a round
 * packs its images (or reads them in place, or lets band jobs pack), then its jobs run
 * in one dynamic loop.  A job is a run of pixel tiles (or output rows) of one image
 * and group, all its output channels: any split gives the same bits, a job owns its
 * outputs.  Jobs are handed out dynamically: a static split waits on the slower core
 * of a shared machine. */
static void FC_F(run_rounds)(const fc_run *run, const FC_F(engine) *es, int nthreads, FC_T *xbuf, FC_T *tiles,
                             int64_t *jofs)
{
    const fc_pass *p0 = run->ps;
    const fc_geom *g = p0->g;
    const int64_t CH = p0->G * p0->R, N = p0->N, tper = run->tper;
    const int band = run->sched == FC_SCHED_BANDS;
    for (int64_t n0 = 0; n0 < N;) {
        const int in_place = n0 < run->nin;
        const int64_t nbb = in_place ? run->nin - n0 : band ? N : (N - n0 < run->nb ? N - n0 : run->nb);
        jofs[0] = 0;
        for (int i = 0; i < run->np; ++i) jofs[i + 1] = jofs[i] + nbb * p0->G * run->ps[i].nchunk;
        const int64_t njobs = jofs[run->np];
        const FC_T *base = in_place ? es[0].src + n0 * CH * p0->src_plane : xbuf;
        const int64_t cs = in_place ? p0->src_plane : g->cs;
        FC_OMP(parallel num_threads(nthreads))
        {
            FC_T *tile = tiles + fc_thread_id() * tper;
            FC_OMP(for schedule(static))
            for (int64_t i = 0; i < (in_place || band ? 0 : nbb * CH); ++i)
                FC_F(pack_plane)(es[0].src + (n0 * CH + i) * p0->src_plane, g, es[0].fill, xbuf + i * g->cs);
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t job = 0; job < njobs; ++job) {
                int ip = 0;
                while (job >= jofs[ip + 1]) ++ip;
                const fc_pass *pp = run->ps + ip;
                const int64_t jl = job - jofs[ip];
                const int64_t pc = jl % pp->nchunk;
                const int64_t gi = (jl / pp->nchunk) % pp->G;
                const int64_t nl = jl / (pp->nchunk * pp->G);
                if (band)
                    FC_F(band_job)(es + ip, n0 + nl, gi, pc, tile, tper);
                else
                    FC_F(pass_job)(es + ip, base + (nl * CH + gi * pp->R) * cs, cs, in_place, n0 + nl, gi, pc, tile);
            }
        }
        n0 += nbb;
    }
}

/* Run a planned fc_run: es[i] holds pass i's buffers and kernels. */
static fc_status FC_F(engine_run)(const fc_run *run, const FC_F(engine) *es, int nthreads)
{
    FC_T *xbuf = run->xbuf_elems ? fc_malloc(sizeof(FC_T) * (size_t)run->xbuf_elems) : NULL;
    FC_T *tiles = fc_malloc(sizeof(FC_T) * (size_t)(nthreads * run->tper));
    int64_t *jofs = malloc(sizeof(int64_t) * (size_t)(run->np + 1));
    fc_status st = FC_OK;
    if ((run->xbuf_elems && !xbuf) || !tiles || !jofs)
        st = FC_ENOMEM;
    else if (run->sched == FC_SCHED_PRIVATE)
        FC_F(run_private)(run, es, nthreads, tiles);
    else
        FC_F(run_rounds)(run, es, nthreads, xbuf, tiles, jofs);
    fc_free(xbuf);
    fc_free(tiles);
    free(jofs);
    return st;
}
