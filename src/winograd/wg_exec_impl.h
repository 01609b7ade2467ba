/* The Winograd executor of one element type (FC_T, suffix FC_S; included by wg_exec.c).
 * It follows pl->wg (see wg.h for the layouts): weights transformed once, then per round
 * of tiles the input transform, the a*a batched products and the output transform, each
 * a parallel loop whose jobs write disjoint elements. */

/* Reduction channels a weight-transform call takes (its element-major copy of the
 * kernels: 9 x WG_RC x mr elements on the stack). */
#ifndef FC_WG_RC
#define FC_WG_RC 32
#define FC_WG_MRMAX 16
#endif

/* U[g][xi][ob][r][i] = (G w'[g][ob*mr + i][r] G^T)[xi], zero for outputs past M: per
 * block (g, ob) and run of reduction channels, the kernels copied element-major in U's
 * (r, i) order (rotated as the plan says), then transformed by the ISA's wtrans. */
static void FC_F(wg_weights)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *wsrc, FC_T *U, int nthreads)
{
    const int mr = w->mr;
    const int64_t R = w->R, M = w->M, nob = w->Mp / mr, a2 = (int64_t)w->a * w->a;
    FC_OMP(parallel for schedule(static) num_threads(nthreads))
    for (int64_t gb = 0; gb < w->G * nob; ++gb) {
        const int64_t g = gb / nob, ob = gb % nob;
        FC_T k9[9 * FC_WG_RC * FC_WG_MRMAX];
        for (int64_t r0 = 0; r0 < R; r0 += FC_WG_RC) {
            const int64_t rc = R - r0 < FC_WG_RC ? R - r0 : FC_WG_RC, n = rc * mr;
            for (int64_t r = 0; r < rc; ++r)
                for (int i = 0; i < mr; ++i) {
                    const int64_t o = ob * mr + i, c = r * mr + i;
                    if (o >= M) {
                        for (int e = 0; e < 9; ++e) k9[e * n + c] = 0;
                        continue;
                    }
                    /* forward: w[g*M + o][r]; backward-input: w[g*R + r][o] (w is (K, C/G, 3, 3)) */
                    const FC_T *src = wsrc + (w->transposed ? (g * R + r0 + r) * M + o : (g * M + o) * R + r0 + r) * 9;
                    for (int e = 0; e < 9; ++e) k9[e * n + c] = src[w->rot ? 8 - e : e];
                }
            k->wtrans(w->a == 6, n, k9, U + ((g * a2 * nob + ob) * R + r0) * mr, nob * R * mr);
        }
    }
}

static inline __attribute__((always_inline)) void FC_F(wg_patch)(const FC_T *s, int64_t W, const int a, FC_T *d,
                                                                  int64_t nr)
{
    for (int i = 0; i < a; ++i, s += W)
        for (int j = 0; j < a; ++j) d[(i * a + j) * nr] = s[j];
}

/* Phase 1 for source channel gr (of G*R) and tile block tb of a round: the a x a
 * patches of nr tiles (ti: their places) into d (row i*a + j, lane l; zeros outside the
 * plane and for tiles past the batch), then their transform into V. */
static void FC_F(wg_input)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *src, const fc_wg_tile *ti,
                           int64_t nb, int64_t gr, int64_t tb, FC_T *d, FC_T *V)
{
    const int a = w->a, nr = w->nr;
    const int64_t H = w->H, W = w->W, plane = H * W;
    const FC_T *sc = src + gr * plane;
    ti += tb * nr;
    for (int l = 0; l < nr; ++l) {
        if (ti[l].interior) {
            /* constant trip counts: the copy unrolls into 36 (or 16) loads and stores */
            if (a == 6)
                FC_F(wg_patch)(sc + ti[l].src, W, 6, d + l, nr);
            else
                FC_F(wg_patch)(sc + ti[l].src, W, 4, d + l, nr);
        } else if (ti[l].n < 0) {
            for (int e = 0; e < a * a; ++e) d[e * nr + l] = 0;
        } else {
            /* zeros, then the rows i0..i1 and columns j0..j1 of the patch inside the plane */
            const int64_t iy = ti[l].iy, ix = ti[l].ix;
            const int i0 = iy < 0 ? (int)-iy : 0, j0 = ix < 0 ? (int)-ix : 0;
            const int i1 = H - iy < a ? (int)(H - iy) : a, j1 = W - ix < a ? (int)(W - ix) : a;
            const FC_T *s = sc + ti[l].n * w->G * w->R * plane + iy * W + ix;
            for (int e = 0; e < a * a; ++e) d[e * nr + l] = 0;
            for (int i = i0; i < i1; ++i)
                for (int j = j0; j < j1; ++j) d[(i * a + j) * nr + l] = s[i * W + j];
        }
    }
    const int64_t g = gr / w->R, r = gr % w->R, a2 = (int64_t)a * a;
    /* V[g][xi][tb][r][nr]: rows xi are nb*R*nr apart */
    k->itrans[a == 6](d, (int64_t)a * nr, V + ((g * a2 * nb + tb) * w->R + r) * nr, nb * w->R * nr);
}

/* Phase 3 for output channel go (of G*M) and tile block tb: A^T Mt A + bias into out. */
static void FC_F(wg_output)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *Mt, const FC_T *bias,
                            const fc_wg_tile *ti, int64_t nb, int64_t go, int64_t tb, FC_T *o, FC_T *out)
{
    const int m = w->m, nr = w->nr;
    const int64_t g = go / w->M, oc = go % w->M, a2 = (int64_t)w->a * w->a, OW = w->OW;
    /* Mt[g][xi][o][tb][nr]: rows xi are Mp*nb*nr apart */
    k->otrans[m == 4](Mt + ((g * a2 * w->Mp + oc) * nb + tb) * nr, w->Mp * nb * nr, o);
    const FC_T b = bias ? bias[go] : 0;
    FC_T *oc_plane = out + go * w->OH * OW;
    ti += tb * nr;
    for (int l = 0; l < nr && ti[l].n >= 0; ++l) {
        FC_T *dst = oc_plane + ti[l].dst;
        const int ni = ti[l].ni, nj = ti[l].nj;
        if (ni == 4 && nj == 4) { /* whole F(4x4) tiles: constant trip counts */
            for (int i = 0; i < 4; ++i, dst += OW)
                for (int j = 0; j < 4; ++j) dst[j] = o[(i * 4 + j) * nr + l] + b;
            continue;
        }
        for (int i = 0; i < ni; ++i, dst += OW)
            for (int j = 0; j < nj; ++j) dst[j] = o[(i * m + j) * nr + l] + b;
    }
}

/* Places of the round's tiles t0 .. t0 + nb*nr: T = n*tpi + ty*tx + tx_ (tpi = 9,
 * tx = 3, m = 4: T = 14 is image 1, tile row 1, column 2: output rows 4.., columns 8..). */
static void FC_F(wg_places)(const fc_wg_plan *w, int64_t t0, int64_t nb, fc_wg_tile *ti)
{
    const int m = w->m, a = w->a;
    for (int64_t l = 0; l < nb * w->nr; ++l) {
        fc_wg_tile *t = ti + l;
        const int64_t T = t0 + l;
        if (T >= w->ntot) {
            *t = (fc_wg_tile){.n = -1};
            continue;
        }
        const int64_t n = T / w->tpi, r = T % w->tpi, oy = r / w->tx * m, ox = r % w->tx * m;
        t->n = n;
        t->iy = oy + w->offy;
        t->ix = ox + w->offx;
        t->interior = t->iy >= 0 && t->ix >= 0 && t->iy + a <= w->H && t->ix + a <= w->W;
        t->src = n * w->G * w->R * w->H * w->W + t->iy * w->W + t->ix;
        t->dst = n * w->G * w->M * w->OH * w->OW + oy * w->OW + ox;
        t->ni = (int)(w->OH - oy < m ? w->OH - oy : m);
        t->nj = (int)(w->OW - ox < m ? w->OW - ox : m);
    }
}

/* Products of one (g, xi) and output block ob over the nb tile blocks of a round. */
static inline void FC_F(wg_products)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *U, const FC_T *V, int64_t nb,
                                     int64_t gx, int64_t ob, FC_T *Mt)
{
    const int mr = w->mr, nr = w->nr;
    const int64_t nob = w->Mp / mr;
    const FC_T *u = U + (gx * nob + ob) * w->R * mr;
    for (int64_t tb = 0; tb < nb; ++tb)
        k->gemm(w->R, u, mr, V + (gx * nb + tb) * w->R * nr, Mt + ((gx * w->Mp + ob * mr) * nb + tb) * nr, nb * nr,
                0);
}

static inline int64_t FC_F(wg_blocks)(const fc_wg_plan *w, int64_t t0)
{
    return fc_ceil_div(w->ntot - t0 < w->nt ? w->ntot - t0 : w->nt, w->nr);
}

/* A whole round on one thread (private rounds): its V and Mt stay in this core's L2. */
static void FC_F(wg_round)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *src, const FC_T *U, const FC_T *bias,
                           int64_t t0, FC_T *V, FC_T *Mt, FC_T *d, fc_wg_tile *ti, FC_T *out)
{
    const int64_t nb = FC_F(wg_blocks)(w, t0), a2 = (int64_t)w->a * w->a, nob = w->Mp / w->mr;
    FC_F(wg_places)(w, t0, nb, ti);
    for (int64_t gr = 0; gr < w->G * w->R; ++gr)
        for (int64_t tb = 0; tb < nb; ++tb) FC_F(wg_input)(w, k, src, ti, nb, gr, tb, d, V);
    for (int64_t gx = 0; gx < w->G * a2; ++gx)
        for (int64_t ob = 0; ob < nob; ++ob) FC_F(wg_products)(w, k, U, V, nb, gx, ob, Mt);
    for (int64_t go = 0; go < w->G * w->M; ++go)
        for (int64_t tb = 0; tb < nb; ++tb) FC_F(wg_output)(w, k, Mt, bias, ti, nb, go, tb, d, out);
}

fc_status FC_F(fc_wg_exec)(const fc_plan *pl, const FC_T *src, const FC_T *wsrc, const FC_T *bias, FC_T *out)
{
    const fc_wg_plan *w = &pl->wg;
    const FC_KWG *k = FC_CAT2(fc_wg_for, FC_S)(pl->kt.isa);
    const int nthreads = pl->nthreads;
    const int64_t a2 = (int64_t)w->a * w->a, per = a2 * w->nr, nob = w->Mp / w->mr;
    const int64_t nbuf = w->private_rounds ? nthreads : 1; /* V and Mt: one a thread, or one shared */
    FC_T *U = fc_malloc(sizeof(FC_T) * (size_t)w->u_elems);
    FC_T *V = fc_malloc(sizeof(FC_T) * (size_t)(w->v_elems * nbuf));
    FC_T *Mt = fc_malloc(sizeof(FC_T) * (size_t)(w->m_elems * nbuf));
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(per * nthreads));
    fc_wg_tile *places = fc_malloc(sizeof(fc_wg_tile) * (size_t)(w->nt * nthreads));
    if (!U || !V || !Mt || !scratch || !places) {
        fc_free(U);
        fc_free(V);
        fc_free(Mt);
        fc_free(scratch);
        fc_free(places);
        return FC_ENOMEM;
    }
    FC_F(wg_weights)(w, k, wsrc, U, nthreads);
    FC_OMP(parallel num_threads(nthreads))
    {
        const int64_t me = fc_thread_id();
        FC_T *mine = scratch + me * per;
        fc_wg_tile *ti = places + me * w->nt;
        if (w->private_rounds) {
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t rd = 0; rd < w->nround; ++rd)
                FC_F(wg_round)(w, k, src, U, bias, rd * w->nt, V + me * w->v_elems, Mt + me * w->m_elems, mine, ti,
                               out);
        } else {
            /* shared rounds: each phase split among the threads (each knows the places) */
            for (int64_t t0 = 0; t0 < w->ntot; t0 += w->nt) {
                const int64_t nb = FC_F(wg_blocks)(w, t0);
                FC_F(wg_places)(w, t0, nb, ti);
                FC_OMP(for schedule(dynamic, 4))
                for (int64_t job = 0; job < w->G * w->R * nb; ++job)
                    FC_F(wg_input)(w, k, src, ti, nb, job / nb, job % nb, mine, V);
                FC_OMP(for schedule(dynamic, 1))
                for (int64_t job = 0; job < w->G * a2 * nob; ++job)
                    FC_F(wg_products)(w, k, U, V, nb, job / nob, job % nob, Mt);
                FC_OMP(for schedule(dynamic, 4))
                for (int64_t job = 0; job < w->G * w->M * nb; ++job)
                    FC_F(wg_output)(w, k, Mt, bias, ti, nb, job / nb, job % nb, mine, out);
            }
        }
    }
    fc_free(U);
    fc_free(V);
    fc_free(Mt);
    fc_free(scratch);
    fc_free(places);
    return FC_OK;
}
