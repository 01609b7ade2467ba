/* Executor of backward-weight (per element type), following the plan of
 * plan/plan_bwweight.c: acc[gi][(c, t)][k] (rows of Kgp, CTp rows a group) is reduced
 * by the plan's mode, then scattered into grad_w.  Every sum's order is fixed by the
 * plan, which depends on the shapes alone. */

/* gT[p][k] = grad_out[k][o] for output rows [r0, r0 + nr) of plane o0, columns
 * [c0, c0 + cw) and channels [k0, k1) of one image and group, p counted from column c0
 * of the first row (rows q2 apart).
 * src points at the group's first channel; channels are out_plane apart.  Garbage lanes
 * are never read, so they are not written.  The padded k lanes [Kg, Kgp) only feed sums
 * that are dropped, but the kernel multiplies them all the same: they are zeroed with
 * the last block of channels, since stale workspace bytes read as floats are often
 * denormals, and an FMA on a denormal takes a microcode assist (K = 1, 8x8 image: 30 us
 * a call instead of 3.6).  Each row walks its 16 channels together with software
 * prefetch: all 64 channels of a row at once are more streams than the hardware
 * prefetcher follows; the pass is bound by moving grad_out, not by its instructions, so
 * a register transpose would not help (benchmarks/ANALYSIS.md, bw_transpose_channels). */
static void FC_F(transpose_go)(const fc_prob *p, const fc_geom *g, const FC_T *src, int64_t o0,
                               int64_t r0, int64_t nr, int64_t c0, int64_t cw, int64_t k0, int64_t k1,
                               FC_T *gT, int64_t Kgp)
{
    const int64_t out_plane = p->out[0] * p->out[1] * p->out[2];
    for (int64_t o1 = r0; o1 < r0 + nr; ++o1) {
        FC_T *drow = gT + (o1 - r0) * g->q[2] * Kgp;
        const FC_T *srow = src + (o0 * p->out[1] + o1) * p->out[2] + c0;
        for (int64_t o2 = 0; o2 < cw; ++o2) {
            if ((o2 & 15) == 0)
                for (int64_t kk = k0; kk < k1; ++kk)
                    __builtin_prefetch(srow + kk * out_plane + o2 + 64);
            for (int64_t kk = k0; kk < k1; ++kk) drow[o2 * Kgp + kk] = srow[kk * out_plane + o2];
            if (k1 == p->Kg)
                for (int64_t kk = k1; kk < Kgp; ++kk) drow[o2 * Kgp + kk] = 0;
        }
    }
}

/* Group gi's first input channel for image n0 + nl, and the stride between its channels:
 * the caller's x when it is read in place, else image nl of the round's packed copy. */
static const FC_T *FC_F(bw_source)(const fc_prob *p, const fc_geom *g, const FC_T *x, const FC_T *xbuf,
                                   int in_place, int64_t n0, int64_t nl, int64_t gi, int64_t *xcs)
{
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2];
    *xcs = in_place ? in_plane : g->cs;
    return in_place ? x + ((n0 + nl) * p->C + gi * p->Cg) * in_plane : xbuf + (nl * p->C + gi * p->Cg) * g->cs;
}

/* The wnj input streams of (c, t) block cb from pixel p0: stream j is ct = cb*wnj + j,
 * channel ct / T of xn (channels xcs apart) shifted by off[ct % T].  Past the last
 * (c, t) any in-bounds stream does: its sums land in accumulator rows never read. */
static void FC_F(bw_streams)(const fc_prob *p, const fc_geom *g, const FC_T *xn, int64_t xcs,
                             int64_t cb, int wnj, int64_t p0, const FC_T **xp)
{
    const int64_t CT = p->Cg * p->T;
    for (int j = 0; j < wnj; ++j) {
        const int64_t ct = cb * wnj + j;
        xp[j] = (ct < CT ? xn + (ct / p->T) * xcs + g->off[ct % p->T] : xn) + p0;
    }
}

/* The tile's kernels: the k-vectorised wgt of the plan's table (or the narrowest
 * ISA's), or the pixel-vectorised wgd. */
typedef struct FC_F(bwk) {
    FC_CAT2(fc_wgt, FC_CAT2(FC_S, fn)) wgt;
    FC_CAT2(fc_wgd, FC_CAT2(FC_S, fn)) wgd;
} FC_F(bwk);

/* Chunk-major: a job is one chunk (rchunk output rows of one plane, cchunk columns of
 * each) of one image.  It transposes that chunk of grad_out into its thread's buffer
 * (L2) and runs every (group, k block, (c, t) block) over it into the chunk's own
 * partial sum, so grad_out is read once and its transposed copy never goes back to
 * memory.  acc then adds the partials in job order, round after round. */
static fc_status FC_F(bw_chunks)(const fc_plan *pl, const FC_F(bwk) *kn, const FC_T *x, const FC_T *go, FC_T *acc)
{
    const fc_prob *p = &pl->p;
    const fc_geom *g = pl->geoms;
    const fc_bw_plan *b = &pl->bw;
    const int nthreads = pl->nthreads;
    const int64_t accn = b->accn, nrc = b->nrc, ncc = b->ncc, rchunk = b->rchunk, cchunk = b->cchunk;
    const int64_t cpi = p->out[0] * nrc * ncc, nb = b->nb, gTn = b->gTn;
    const int64_t kc = fc_tuning_get()->bw_transpose_channels; /* channels transposed together */
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2], out_plane = p->out[0] * p->out[1] * p->out[2];
    FC_T *xbuf = b->x_in_place ? NULL : fc_malloc(sizeof(FC_T) * (size_t)(nb * p->C * g->cs));
    FC_T *part = fc_malloc(sizeof(FC_T) * (size_t)(nb * cpi * accn));
    FC_T *gTl = fc_malloc(sizeof(FC_T) * (size_t)(nthreads * gTn));
    if ((!b->x_in_place && !xbuf) || !part || !gTl) {
        fc_free(xbuf);
        fc_free(part);
        fc_free(gTl);
        return FC_ENOMEM;
    }
    for (int64_t n0 = 0; n0 < p->N; n0 += nb) {
        const int64_t nbb = p->N - n0 < nb ? p->N - n0 : nb, njobs = nbb * cpi;
        FC_OMP(parallel num_threads(nthreads))
        {
            FC_T *gT = gTl + fc_thread_id() * gTn;
            FC_OMP(for schedule(static))
            for (int64_t i = 0; i < (b->x_in_place ? 0 : nbb * p->C); ++i)
                FC_F(pack_plane)(x + (n0 * p->C + i) * in_plane, g, (FC_T)0, xbuf + i * g->cs);
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t job = 0; job < njobs; ++job) {
                const int64_t nl = job / cpi, ci = job % cpi, o0 = ci / (nrc * ncc);
                const int64_t r0 = (ci / ncc % nrc) * rchunk, c0 = ci % ncc * cchunk;
                const int64_t nr = p->out[1] - r0 < rchunk ? p->out[1] - r0 : rchunk;
                const int64_t cw = p->out[2] - c0 < cchunk ? p->out[2] - c0 : cchunk;
                /* the chunk's first pixel: p0 = (o0*q1 + r0)*q2 + c0 */
                const int64_t p0 = (o0 * g->q[1] + r0) * g->q[2] + c0;
                FC_T *pj = part + job * accn;
                memset(pj, 0, sizeof(FC_T) * (size_t)accn);
                for (int64_t gi = 0; gi < p->G; ++gi) {
                    const FC_T *src = go + ((n0 + nl) * p->K + gi * p->Kg) * out_plane;
                    for (int64_t k0 = 0; k0 < p->Kg; k0 += kc)
                        FC_F(transpose_go)(p, g, src, o0, r0, nr, c0, cw, k0, p->Kg - k0 < kc ? p->Kg : k0 + kc, gT,
                                           b->Kgp);
                    int64_t xcs;
                    const FC_T *xn = FC_F(bw_source)(p, g, x, xbuf, b->x_in_place, n0, nl, gi, &xcs);
                    for (int64_t kb = 0; kb < b->nkb; ++kb)
                        for (int64_t cb = 0; cb < b->ncb; ++cb) {
                            const FC_T *xp[64];
                            FC_F(bw_streams)(p, g, xn, xcs, cb, (int)b->tj, p0, xp);
                            kn->wgt(nr, cw, g->q[2], gT + kb * b->tk, b->Kgp, xp,
                                    pj + (gi * b->CTp + cb * b->tj) * b->Kgp + kb * b->tk, b->Kgp);
                        }
                }
            }
            FC_OMP(for schedule(static))
            for (int64_t i = 0; i < accn; ++i)
                for (int64_t job = 0; job < njobs; ++job) acc[i] += part[job * accn + i];
        }
    }
    fc_free(xbuf);
    fc_free(part);
    fc_free(gTl);
    return FC_OK;
}

/* Pixel-vectorised: grad_out is read as it is (no transposition) and every (k, (c, t))
 * pair is a dot product over the pixels, a vector of them at a time (wgd).  A job is a
 * run of whole images and a block of groups, into the run's lane-wise partial sums;
 * partials are added in run order, then their lanes in lane order. */
static fc_status FC_F(bw_dot)(const fc_plan *pl, const FC_F(bwk) *kn, const FC_T *x, const FC_T *go, FC_T *acc)
{
    enum { L = FC_WGD_SLOT(FC_T) }; /* a slot per sum for the widest vector's lanes */
    const fc_prob *p = &pl->p;
    const fc_geom *g = pl->geoms;
    const fc_bw_plan *b = &pl->bw;
    const int nthreads = pl->nthreads, x_in_place = b->x_in_place;
    const int64_t wdk = b->tk, wds = b->tj, Kgp = b->Kgp, CTp = b->CTp, accn = b->accn;
    const int64_t nrun = b->nrun, per = b->per, gpj = b->gpj, ngb = b->ngb, rchunk = b->rchunk;
    const int64_t nkb = b->nkb, ncb = b->ncb;
    const int64_t gslice = CTp * Kgp * L;
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2], out_plane = p->out[0] * p->out[1] * p->out[2];
    const int64_t xper = x_in_place ? 0 : p->C * g->cs;
    FC_T *part = fc_malloc(sizeof(FC_T) * (size_t)(nrun * accn * L));
    FC_T *xbl = x_in_place ? NULL : fc_malloc(sizeof(FC_T) * (size_t)(nthreads * xper));
    if (!part || (!x_in_place && !xbl)) {
        fc_free(part);
        fc_free(xbl);
        return FC_ENOMEM;
    }
    FC_OMP(parallel num_threads(nthreads))
    {
        FC_T *xb = xbl ? xbl + fc_thread_id() * xper : NULL;
        FC_OMP(for schedule(dynamic, 1))
        for (int64_t job = 0; job < nrun * ngb; ++job) {
            const int64_t run = job / ngb, g0 = job % ngb * gpj, g1 = g0 + gpj < p->G ? g0 + gpj : p->G;
            FC_T *pv = part + run * accn * L;
            memset(pv + g0 * gslice, 0, sizeof(FC_T) * (size_t)((g1 - g0) * gslice));
            const int64_t n1 = (run + 1) * per < p->N ? (run + 1) * per : p->N;
            for (int64_t n = run * per; n < n1; ++n) {
                if (!x_in_place)
                    for (int64_t c = g0 * p->Cg; c < g1 * p->Cg; ++c)
                        FC_F(pack_plane)(x + (n * p->C + c) * in_plane, g, (FC_T)0, xb + c * g->cs);
                for (int64_t gi = g0; gi < g1; ++gi) {
                    int64_t xcs;
                    const FC_T *xn = FC_F(bw_source)(p, g, x, xb, x_in_place, n, 0, gi, &xcs);
                    const FC_T *gbase = go + (n * p->K + gi * p->Kg) * out_plane;
                    for (int64_t o0 = 0; o0 < p->out[0]; ++o0)
                        for (int64_t r0 = 0; r0 < p->out[1]; r0 += rchunk) {
                            const int64_t nr = p->out[1] - r0 < rchunk ? p->out[1] - r0 : rchunk;
                            /* the chunk starts at packed pixel (o0*q1 + r0)*q2 and at
                             * grad_out pixel (o0*out1 + r0)*out2 */
                            const int64_t p0 = (o0 * g->q[1] + r0) * g->q[2];
                            const FC_T *gr = gbase + (o0 * p->out[1] + r0) * p->out[2];
                            for (int64_t kb = 0; kb < nkb; ++kb) {
                                /* rows past Kg repeat the last one: their sums are never read */
                                const FC_T *gp[64];
                                for (int64_t i = 0; i < wdk; ++i) {
                                    const int64_t kk = kb * wdk + i < p->Kg ? kb * wdk + i : p->Kg - 1;
                                    gp[i] = gr + kk * out_plane;
                                }
                                for (int64_t cb = 0; cb < ncb; ++cb) {
                                    const FC_T *xp[64];
                                    FC_F(bw_streams)(p, g, xn, xcs, cb, (int)wds, p0, xp);
                                    kn->wgd(nr, p->out[2], gp, p->out[2], xp, g->q[2],
                                           pv + ((gi * CTp + cb * wds) * Kgp + kb * wdk) * L, Kgp);
                                }
                            }
                        }
                }
            }
        }
        /* runs in order, then lanes in order */
        FC_OMP(for schedule(static))
        for (int64_t i = 0; i < accn; ++i) {
            FC_T lane[L];
            for (int l = 0; l < L; ++l) lane[l] = 0;
            for (int64_t run = 0; run < nrun; ++run)
                for (int l = 0; l < L; ++l) lane[l] += part[(run * accn + i) * L + l];
            FC_T sum = 0;
            for (int l = 0; l < L; ++l) sum += lane[l];
            acc[i] = sum;
        }
    }
    fc_free(part);
    fc_free(xbl);
    return FC_OK;
}

/* Block-major: a round of images is packed and its grad_out transposed whole; then a
 * job owns a run of (c, t) blocks of one k block and walks the pixels in chunks (the
 * chunk of gT stays in cache while every block of the run uses it), over every image
 * of the round in order. */
static fc_status FC_F(bw_blocks)(const fc_plan *pl, const FC_F(bwk) *kn, const FC_T *x, const FC_T *go, FC_T *acc)
{
    const fc_prob *p = &pl->p;
    const fc_geom *g = pl->geoms;
    const fc_bw_plan *b = &pl->bw;
    const int nthreads = pl->nthreads, x_in_place = b->x_in_place;
    const int64_t wk = b->tk, wnj = b->tj, Kgp = b->Kgp, CTp = b->CTp, nkb = b->nkb, ncb = b->ncb;
    const int64_t nb = b->nb, nrun = b->nrun, rchunk = b->rchunk, cchunk = b->cchunk, lg = g->lvalid;
    const int64_t kc = fc_tuning_get()->bw_transpose_channels, nkc = fc_ceil_div(p->Kg, kc);
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2], out_plane = p->out[0] * p->out[1] * p->out[2];
    FC_T *xbuf = x_in_place ? NULL : fc_malloc(sizeof(FC_T) * (size_t)(nb * p->C * g->cs));
    FC_T *gbuf = fc_malloc(sizeof(FC_T) * (size_t)(nb * p->G * lg * Kgp));
    if ((!x_in_place && !xbuf) || !gbuf) {
        fc_free(xbuf);
        fc_free(gbuf);
        return FC_ENOMEM;
    }
    for (int64_t n0 = 0; n0 < p->N; n0 += nb) {
        const int64_t nbb = p->N - n0 < nb ? p->N - n0 : nb;
        FC_OMP(parallel num_threads(nthreads))
        {
            FC_OMP(for schedule(static))
            for (int64_t i = 0; i < (x_in_place ? 0 : nbb * p->C); ++i)
                FC_F(pack_plane)(x + (n0 * p->C + i) * in_plane, g, (FC_T)0, xbuf + i * g->cs);
            FC_OMP(for schedule(static))
            for (int64_t i = 0; i < nbb * p->G * nkc; ++i) {
                /* one image, group and run of kc channels, all output rows; output row
                 * (o0, o1) of the image sits at p = (o0*q1 + o1)*q2 */
                const int64_t kci = i % nkc, ig = i / nkc, nl = ig / p->G, gi = ig % p->G;
                const int64_t k0 = kci * kc, k1 = p->Kg - k0 < kc ? p->Kg : k0 + kc;
                const FC_T *src = go + ((n0 + nl) * p->K + gi * p->Kg) * out_plane;
                for (int64_t o0 = 0; o0 < p->out[0]; ++o0)
                    FC_F(transpose_go)(p, g, src, o0, 0, p->out[1], 0, p->out[2], k0, k1,
                                       gbuf + ig * lg * Kgp + o0 * g->q[1] * g->q[2] * Kgp, Kgp);
            }
            const int64_t njobs = p->G * nkb * nrun;
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t job = 0; job < njobs; ++job) {
                const int64_t run = job % nrun, kb = (job / nrun) % nkb, gi = job / (nrun * nkb);
                const int64_t cb0 = run * ncb / nrun, cb1 = (run + 1) * ncb / nrun;
                for (int64_t nl = 0; nl < nbb; ++nl) {
                    const FC_T *gT = gbuf + (nl * p->G + gi) * lg * Kgp + kb * wk;
                    int64_t xcs;
                    const FC_T *xn = FC_F(bw_source)(p, g, x, xbuf, x_in_place, n0, nl, gi, &xcs);
                    /* chunks (o0, rows [r0, r0 + nr), columns [c0, c0 + cw)) from
                     * p = (o0*q1 + r0)*q2 + c0 */
                    for (int64_t o0 = 0; o0 < p->out[0]; ++o0)
                        for (int64_t r0 = 0; r0 < p->out[1]; r0 += rchunk)
                            for (int64_t c0 = 0; c0 < p->out[2]; c0 += cchunk) {
                                const int64_t nr = p->out[1] - r0 < rchunk ? p->out[1] - r0 : rchunk;
                                const int64_t cw = p->out[2] - c0 < cchunk ? p->out[2] - c0 : cchunk;
                                const int64_t p0 = (o0 * g->q[1] + r0) * g->q[2] + c0;
                                for (int64_t cb = cb0; cb < cb1; ++cb) {
                                    const FC_T *xp[64];
                                    FC_F(bw_streams)(p, g, xn, xcs, cb, (int)wnj, p0, xp);
                                    kn->wgt(nr, cw, g->q[2], gT + p0 * Kgp, Kgp, xp,
                                            acc + (gi * CTp + cb * wnj) * Kgp + kb * wk, Kgp);
                                }
                            }
                }
            }
        }
    }
    fc_free(xbuf);
    fc_free(gbuf);
    return FC_OK;
}

/* acc[gi][(c, t)][k] -> gw[gi*Kg + k][c][tap_elem[t]]: per group the transpose of its
 * (Cg*T) x Kg block of acc (the wtrans kernel), in slices of input channels for the
 * threads, then each channel's T taps put in kernel order where tap_elem is not the
 * identity (flip reverses them). */
static fc_status FC_F(bw_scatter)(const fc_plan *pl, const FC_KT *k, const FC_T *acc, FC_T *gw)
{
    const fc_prob *p = &pl->p;
    const fc_geom *g = pl->geoms;
    const fc_bw_plan *b = &pl->bw;
    const int64_t CT = p->Cg * p->T, CTp = b->CTp, Kgp = b->Kgp, nsl = b->scatter_slices;
    const int64_t cps = fc_tuning_get()->bw_scatter_channels;
    int64_t *kid = malloc(sizeof(int64_t) * (size_t)p->Kg);
    FC_T *tmpt = malloc(sizeof(FC_T) * (size_t)p->T * (size_t)pl->nthreads);
    if (!kid || !tmpt) {
        free(kid);
        free(tmpt);
        return FC_ENOMEM;
    }
    for (int64_t kk = 0; kk < p->Kg; ++kk) kid[kk] = kk;
    FC_OMP(parallel for schedule(static) num_threads(pl->nthreads))
    for (int64_t gs = 0; gs < p->G * nsl; ++gs) {
        const int64_t gi = gs / nsl, c0 = (gs % nsl) * cps, c1 = c0 + cps < p->Cg ? c0 + cps : p->Cg;
        FC_T *og = gw + gi * p->Kg * CT;
        k->wtrans((c1 - c0) * p->T, (c1 - c0) * p->T, p->Kg, acc + (gi * CTp + c0 * p->T) * Kgp, Kgp, kid,
                  og + c0 * p->T, CT);
        if (!b->perm) continue;
        FC_T *tmp = tmpt + fc_thread_id() * p->T;
        for (int64_t kk = 0; kk < p->Kg; ++kk)
            for (int64_t c = c0; c < c1; ++c) {
                FC_T *o = og + kk * CT + c * p->T;
                for (int t = 0; t < g->T; ++t) tmp[t] = o[t];
                for (int t = 0; t < g->T; ++t) o[g->tap_elem[t]] = tmp[t];
            }
    }
    free(kid);
    free(tmpt);
    return FC_OK;
}

static fc_status FC_F(backward_weight_exec)(const fc_plan *pl, const FC_T *x, const FC_T *go, FC_T *gw)
{
    const fc_bw_plan *b = &pl->bw;
    const FC_KT *k = FC_F(table)(pl);
    const FC_KT *kt = b->tile == FC_BWT_NARROW ? FC_F(narrow_table)(pl) : k;
    FC_F(bwk) kn;
    kn.wgt = b->tile == FC_BWT_NARROW ? kt->wgtn : b->tile == FC_BWT_WIDE ? kt->wgtw : kt->wgt;
    kn.wgd = b->tile == FC_BWT_DOT1 ? kt->wgd1 : kt->wgd;
    FC_T *acc = fc_malloc(sizeof(FC_T) * (size_t)b->accn);
    if (!acc) return FC_ENOMEM;
    memset(acc, 0, sizeof(FC_T) * (size_t)b->accn);
    fc_status st = b->mode == FC_BW_DOT      ? FC_F(bw_dot)(pl, &kn, x, go, acc)
                   : b->mode == FC_BW_CHUNKS ? FC_F(bw_chunks)(pl, &kn, x, go, acc)
                                             : FC_F(bw_blocks)(pl, &kn, x, go, acc);
    if (!st) st = FC_F(bw_scatter)(pl, k, acc, gw);
    fc_free(acc);
    return st;
}
