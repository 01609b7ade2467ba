/* The Winograd weight gradient of one element type (included by wg_exec.c after
 * wg_exec_impl.h).  The adjoint of the forward algorithm, per tile: the 3x3 gradient of
 * an m x m tile of grad_out g over its a x a input patch d is G^T [(A g A^T) . (B^T d B)] G,
 * so that, summed over the tiles t of every image,
 *   Mw[g][xi][k][c] = sum_t GOt[g][xi][t][k] * V[g][xi][c][t]      (a^2 products a group)
 *   grad_w[g*Kg + k][c] = G^T Mw[g][:, k, c] G                     (rotated for flip)
 * with the tiles in rounds of nt: V[g][xi][cb][t][nr] (lanes: nr input channels) and
 * GOt[g][xi][t][Kp] (every output channel of a tile contiguous: the product's broadcast
 * operand).  Each Mw element is a two-level sum: per round one chain of adds over its
 * tiles in order (in registers, one job), added onto the earlier rounds' sum (so its
 * rounding grows with the round's length and the round count, not with all the tiles:
 * on 8x64x56^2 F(4x4) float32, max|err| / max|ref| 1.9e-5 -> 5.2e-6).  The rounds are a function of
 * the shapes and the tuning table, not of the threads: bits independent of the threads.
 * x and grad_out are first staged channels-in-lanes (wg.h: Hs, Ws), so that each tile's
 * transform reads its patch as a*a vector loads.
 * Plan fields (wg.h): R = C/G, Rp = R to nr; M = K/G, Mp = M to a multiple of nr and mr;
 * H, W the input plane, OH, OW grad_out's. */

/* Source rows a staging row prefetches ahead (its nr source rows are nr streams, too
 * many for the hardware prefetchers: without it the loads miss). */
#ifndef FC_WGB_AHEAD
#define FC_WGB_AHEAD 4
#endif

/* Row py of one staged plane (wg.h: Hs, Ws): lane l < nl from the channel plane at
 * s + l*plane, source row y and column px + offx; zero outside the H x W plane and for
 * lanes past the channels (l >= nl).  The row's Ws x nr stores stay in L1. */
static void FC_F(wgb_stage_row)(const FC_KWG *k, const FC_T *s, int64_t plane, int64_t nl, int nr, int64_t H,
                                int64_t W, int64_t y, int64_t offx, int64_t Ws, FC_T *dst)
{
    /* px in [x0, x1): source column px + offx inside 0..W-1 (offx = -1: x0 = 1, x1 = W + 1) */
    const int64_t x0 = offx < 0 ? -offx : 0, x1 = W - offx < Ws ? W - offx : Ws;
    const int ahead = y + FC_WGB_AHEAD >= 0 && y + FC_WGB_AHEAD < H;
    if (y < 0 || y >= H) nl = 0;
    if (nl == nr) { /* a whole block of channels: the vectorised transpose, zero margins */
        const FC_T *r = s + y * W + offx;
        if (ahead)
            for (int l = 0; l < nr; ++l)
                for (int64_t q = 0; q < W; q += 64 / (int64_t)sizeof(FC_T))
                    __builtin_prefetch(r + l * plane + FC_WGB_AHEAD * W + q + x0);
        memset(dst, 0, sizeof(FC_T) * (size_t)(x0 * nr));
        k->stage(r + x0, plane, x1 - x0, dst + x0 * nr);
        memset(dst + x1 * nr, 0, sizeof(FC_T) * (size_t)((Ws - x1) * nr));
        return;
    }
    for (int l = 0; l < nr; ++l) {
        FC_T *d = dst + l;
        int64_t px = 0;
        if (l < nl) {
            const FC_T *r = s + l * plane + y * W + offx;
            if (ahead)
                for (int64_t q = 0; q < W; q += 64 / (int64_t)sizeof(FC_T))
                    __builtin_prefetch(r + FC_WGB_AHEAD * W + q + x0);
            for (; px < x0; ++px) d[px * nr] = 0;
            for (; px < x1; ++px) d[px * nr] = r[px];
        }
        for (; px < Ws; ++px) d[px * nr] = 0;
    }
}

/* Staging job j: row py of plane (n, g, cb) of x, or (gout) of plane (n, g, kb) of
 * grad_out. */
static void FC_F(wgb_stage)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *x, const FC_T *go, int gout, int64_t j,
                            FC_T *XS, FC_T *GS)
{
    const int nr = w->nr;
    const int64_t rows = gout ? w->OHs : w->Hs, nb = (gout ? w->Mp : w->Rp) / nr, ch = gout ? w->M : w->R;
    const int64_t py = j % rows, pb = j / rows, b = pb % nb, ng = pb / nb; /* ng = n*G + g */
    const int64_t H = gout ? w->OH : w->H, W = gout ? w->OW : w->W, plane = H * W;
    const int64_t nl = ch - b * nr < nr ? ch - b * nr : nr;
    if (gout)
        FC_F(wgb_stage_row)(k, go + (ng * ch + b * nr) * plane, plane, nl, nr, H, W, py, 0, w->OWs,
                            GS + (pb * rows + py) * w->OWs * nr);
    else
        FC_F(wgb_stage_row)(k, x + (ng * ch + b * nr) * plane, plane, nl, nr, H, W, py + w->offy, w->offx, w->Ws,
                            XS + (pb * rows + py) * w->Ws * nr);
}

/* Tile tt of a round (tile T of the batch, wg.h) for nr input channels (cb) of group g:
 * its patch of the staged x transformed into V, or (gout) for nr output channels (kb) its
 * staged grad_out tile transformed into GOt. */
static void FC_F(wgb_tile)(const fc_wg_plan *w, const FC_KWG *k, int gout, const FC_T *XS, const FC_T *GS, int64_t T,
                           int64_t g, int64_t b, int64_t tt, FC_T *V, FC_T *GOt)
{
    const int m = w->m, nr = w->nr;
    const int64_t n = T / w->tpi, r = T % w->tpi, ty = r / w->tx, tx = r % w->tx, a2 = (int64_t)w->a * w->a;
    const int64_t nt = w->nt;
    if (gout) {
        const FC_T *s = GS + ((((n * w->G + g) * (w->Mp / nr) + b) * w->OHs + ty * m) * w->OWs + tx * m) * nr;
        k->gtrans[m == 4](s, w->OWs * nr, GOt + (g * a2 * nt + tt) * w->Mp + b * nr, nt * w->Mp);
    } else {
        const int64_t ncb = w->Rp / nr;
        const FC_T *s = XS + ((((n * w->G + g) * ncb + b) * w->Hs + ty * m) * w->Ws + tx * m) * nr;
        k->itrans[m == 4](s, w->Ws * nr, V + ((g * a2 * ncb + b) * nt + tt) * nr, ncb * nt * nr);
    }
}

/* grad_w for output channel g*M + kc and input channels cb*nr..: G^T Mw G, scattered. */
static void FC_F(wgb_final)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *Mw, int64_t g, int64_t kc, int64_t cb,
                            FC_T *o, FC_T *gw)
{
    const int nr = w->nr;
    const int64_t a2 = (int64_t)w->a * w->a;
    k->wback[w->m == 4](Mw + (g * a2 * w->Mp + kc) * w->Rp + cb * nr, w->Mp * w->Rp, o);
    FC_T *dst = gw + (g * w->M + kc) * w->R * 9;
    for (int l = 0; l < nr && cb * nr + l < w->R; ++l)
        for (int e = 0; e < 9; ++e) dst[(cb * nr + l) * 9 + (w->rot ? 8 - e : e)] = o[e * nr + l];
}

fc_status FC_F(fc_wg_exec_bw)(const fc_plan *pl, const FC_T *x, const FC_T *go, FC_T *gw)
{
    const fc_wg_plan *w = &pl->wg;
    const FC_KWG *k = FC_CAT2(fc_wg_for, FC_S)(pl->kt.isa);
    const int nthreads = pl->nthreads, mr = w->mr, nr = w->nr;
    const int64_t a2 = (int64_t)w->a * w->a, G = w->G, nt = w->nt;
    const int64_t ncb = w->Rp / nr, nkb = w->Mp / nr, nkm = w->Mp / mr;
    FC_T *Mw = fc_malloc(sizeof(FC_T) * (size_t)w->u_elems);
    FC_T *V = fc_malloc(sizeof(FC_T) * (size_t)w->v_elems);
    FC_T *GOt = fc_malloc(sizeof(FC_T) * (size_t)w->m_elems);
    FC_T *XS = fc_malloc(sizeof(FC_T) * (size_t)w->xs_elems);
    FC_T *GS = fc_malloc(sizeof(FC_T) * (size_t)w->gs_elems);
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(9 * nr * nthreads));
    fc_status st = FC_OK;
    if (!Mw || !V || !GOt || !XS || !GS || !scratch) {
        st = FC_ENOMEM;
        goto done;
    }
    const int64_t nxs = w->N * G * ncb * w->Hs, ngs = w->N * G * nkb * w->OHs;
    FC_OMP(parallel num_threads(nthreads))
    {
        FC_T *mine = scratch + fc_thread_id() * 9 * nr;
        FC_OMP(for schedule(static))
        for (int64_t j = 0; j < nxs + ngs; ++j)
            FC_F(wgb_stage)(w, k, x, go, j >= nxs, j < nxs ? j : j - nxs, XS, GS);
        for (int64_t t0 = 0; t0 < w->ntot; t0 += nt) {
            const int64_t nrt = w->ntot - t0 < nt ? w->ntot - t0 : nt;
            /* transforms: job (g, channel block of x, then of grad_out, tile) */
            FC_OMP(for schedule(dynamic, 8))
            for (int64_t job = 0; job < G * (ncb + nkb) * nrt; ++job) {
                const int64_t gb = job / nrt, g = gb / (ncb + nkb), b = gb % (ncb + nkb);
                FC_F(wgb_tile)(w, k, b >= ncb, XS, GS, t0 + job % nrt, g, b < ncb ? b : b - ncb, job % nrt, V, GOt);
            }
            /* products: job (g, xi, block of mr outputs, block of nr inputs), the round's
             * tiles added onto the earlier rounds' sums */
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t job = 0; job < G * a2 * nkm * ncb; ++job) {
                const int64_t gx = job / (nkm * ncb), kb = job / ncb % nkm, cb = job % ncb;
                k->gemm(nrt, GOt + gx * nt * w->Mp + kb * mr, w->Mp, V + (gx * ncb + cb) * nt * nr,
                        Mw + (gx * w->Mp + kb * mr) * w->Rp + cb * nr, w->Rp, t0 > 0);
            }
        }
        FC_OMP(for schedule(dynamic, 8))
        for (int64_t job = 0; job < G * w->M * ncb; ++job)
            FC_F(wgb_final)(w, k, Mw, job / ncb / w->M, job / ncb % w->M, job % ncb, mine, gw);
    }
done: /* fc_free(NULL) is a no-op: one release for both exits */
    fc_free(Mw);
    fc_free(V);
    fc_free(GOt);
    fc_free(XS);
    fc_free(GS);
    fc_free(scratch);
    return st;
}
