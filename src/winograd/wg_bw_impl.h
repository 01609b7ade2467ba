/* The Winograd weight gradient of one element type (included by wg_exec.c after
 * wg_exec_impl.h).  The adjoint of the forward algorithm, per tile: the 3x3 gradient of
 * an m x m tile of grad_out g over its a x a input patch d is G^T [(A g A^T) . (B^T d B)] G,
 * so that, summed over the tiles t of every image,
 *   Mw[g][xi][k][c] = sum_t GOt[g][xi][t][k] * V[g][xi][c][t]      (a^2 products a group)
 *   grad_w[g*Kg + k][c] = G^T Mw[g][:, k, c] G                     (rotated for flip)
 * with the tiles in rounds of nt: V[g][xi][cb][t][nr] (lanes: nr input channels) and
 * GOt[g][xi][t][Kp] (every output channel of a tile contiguous: the product's broadcast
 * operand).  Each Mw element is one chain of adds over the tiles in order, continued
 * across rounds by one job a round: bits independent of the threads and the rounds.
 * Plan fields (wg.h): R = C/G, Rp = R to nr; M = K/G, Mp = M to a multiple of nr and mr;
 * H, W the input plane, OH, OW grad_out's. */

/* x patches of one tile for nr input channels (cb), transformed into V. */
static void FC_F(wgb_input)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *x, const fc_wg_tile *t, int64_t g,
                            int64_t cb, int64_t tt, int64_t nt, FC_T *d, FC_T *V)
{
    const int a = w->a, nr = w->nr;
    const int64_t H = w->H, W = w->W, plane = H * W, ncb = w->Rp / nr;
    const int64_t iy = t->iy, ix = t->ix;
    const int i0 = iy < 0 ? (int)-iy : 0, j0 = ix < 0 ? (int)-ix : 0;
    const int i1 = H - iy < a ? (int)(H - iy) : a, j1 = W - ix < a ? (int)(W - ix) : a;
    for (int l = 0; l < nr; ++l) {
        const int64_t c = cb * nr + l;
        if (c >= w->R || !(t->interior || (i0 < i1 && j0 < j1))) {
            for (int e = 0; e < a * a; ++e) d[e * nr + l] = 0;
            continue;
        }
        const FC_T *s = x + (t->n * w->G * w->R + g * w->R + c) * plane + iy * W + ix;
        if (t->interior) { /* constant trip counts, as in the forward gather */
            if (a == 6)
                FC_F(wg_patch)(s, W, 6, d + l, nr);
            else
                FC_F(wg_patch)(s, W, 4, d + l, nr);
            continue;
        }
        for (int e = 0; e < a * a; ++e) d[e * nr + l] = 0;
        for (int i = i0; i < i1; ++i)
            for (int j = j0; j < j1; ++j) d[(i * a + j) * nr + l] = s[i * W + j];
    }
    const int64_t a2 = (int64_t)a * a;
    k->itrans[a == 6](d, V + ((g * a2 * ncb + cb) * nt + tt) * nr, ncb * nt * nr);
}

/* grad_out's m x m tile for nr output channels (kb), transformed into GOt. */
static void FC_F(wgb_gout)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *go, const fc_wg_tile *t, int64_t g,
                           int64_t kb, int64_t tt, int64_t nt, FC_T *d, FC_T *GOt)
{
    const int m = w->m, nr = w->nr;
    const int64_t oplane = w->OH * w->OW, a2 = (int64_t)w->a * w->a;
    for (int l = 0; l < nr; ++l) {
        const int64_t kc = kb * nr + l;
        if (kc >= w->M) {
            for (int e = 0; e < m * m; ++e) d[e * nr + l] = 0;
            continue;
        }
        const FC_T *s = go + (g * w->M + kc) * oplane + t->dst; /* dst: image n's offset included */
        if (t->ni == m && t->nj == m) { /* a whole tile: constant trip counts */
            if (m == 4)
                FC_F(wg_patch)(s, w->OW, 4, d + l, nr);
            else
                FC_F(wg_patch)(s, w->OW, 2, d + l, nr);
            continue;
        }
        for (int e = 0; e < m * m; ++e) d[e * nr + l] = 0;
        for (int i = 0; i < t->ni; ++i)
            for (int j = 0; j < t->nj; ++j) d[(i * m + j) * nr + l] = s[i * w->OW + j];
    }
    k->gtrans[m == 4](d, GOt + (g * a2 * nt + tt) * w->Mp + kb * nr, nt * w->Mp);
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
    const int64_t a2 = (int64_t)w->a * w->a, per = a2 * nr, G = w->G, nt = w->nt;
    const int64_t ncb = w->Rp / nr, nkb = w->Mp / nr, nkm = w->Mp / mr;
    FC_T *Mw = fc_malloc(sizeof(FC_T) * (size_t)w->u_elems);
    FC_T *V = fc_malloc(sizeof(FC_T) * (size_t)w->v_elems);
    FC_T *GOt = fc_malloc(sizeof(FC_T) * (size_t)w->m_elems);
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(per * nthreads));
    fc_wg_tile *places = fc_malloc(sizeof(fc_wg_tile) * (size_t)(nt * nthreads));
    if (!Mw || !V || !GOt || !scratch || !places) {
        fc_free(Mw);
        fc_free(V);
        fc_free(GOt);
        fc_free(scratch);
        fc_free(places);
        return FC_ENOMEM;
    }
    FC_OMP(parallel num_threads(nthreads))
    {
        const int64_t me = fc_thread_id();
        FC_T *mine = scratch + me * per;
        fc_wg_tile *ti = places + me * nt;
        for (int64_t t0 = 0; t0 < w->ntot; t0 += nt) {
            const int64_t nrt = w->ntot - t0 < nt ? w->ntot - t0 : nt;
            FC_F(wg_places)(w, t0, fc_ceil_div(nrt, nr), ti);
            FC_OMP(for schedule(dynamic, 8))
            for (int64_t job = 0; job < G * ncb * nrt; ++job)
                FC_F(wgb_input)(w, k, x, ti + job % nrt, job / nrt / ncb, job / nrt % ncb, job % nrt, nt, mine, V);
            FC_OMP(for schedule(dynamic, 8))
            for (int64_t job = 0; job < G * nkb * nrt; ++job)
                FC_F(wgb_gout)(w, k, go, ti + job % nrt, job / nrt / nkb, job / nrt % nkb, job % nrt, nt, mine, GOt);
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
    fc_free(Mw);
    fc_free(V);
    fc_free(GOt);
    fc_free(scratch);
    fc_free(places);
    return FC_OK;
}
