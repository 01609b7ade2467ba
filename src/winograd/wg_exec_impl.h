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

/* Tile T of the batch: its image and its output's top-left corner. */
static inline void FC_F(wg_tile)(const fc_wg_plan *w, int64_t T, int64_t *oy, int64_t *ox, int64_t *n)
{
    const int64_t r = T % w->tpi; /* tpi = 9, tx = 3, m = 4: T = 14 -> n 1, tile 5: rows 4.., columns 8.. */
    *n = T / w->tpi;
    *oy = r / w->tx * w->m;
    *ox = r % w->tx * w->m;
}

/* Phase 1 for source channel gr (of G*R) and tile block tb of the round at t0: the a x a
 * patches of nr tiles into d (row i*a + j, lane l; zeros outside the plane and for tiles
 * past the batch), then their transform into V. */
static void FC_F(wg_input)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *src, int64_t t0, int64_t nb,
                           int64_t gr, int64_t tb, FC_T *d, FC_T *V)
{
    const int a = w->a, nr = w->nr;
    const int64_t H = w->H, W = w->W, plane = H * W;
    for (int l = 0; l < nr; ++l) {
        const int64_t T = t0 + tb * nr + l;
        if (T >= w->ntot) {
            for (int e = 0; e < a * a; ++e) d[e * nr + l] = 0;
            continue;
        }
        int64_t oy, ox, n;
        FC_F(wg_tile)(w, T, &oy, &ox, &n);
        const int64_t iy = oy + w->offy, ix = ox + w->offx;
        const FC_T *s = src + (n * w->G * w->R + gr) * plane;
        if (iy >= 0 && ix >= 0 && iy + a <= H && ix + a <= W) {
            for (int i = 0; i < a; ++i)
                for (int j = 0; j < a; ++j) d[(i * a + j) * nr + l] = s[(iy + i) * W + ix + j];
        } else {
            for (int i = 0; i < a; ++i)
                for (int j = 0; j < a; ++j) {
                    const int64_t y = iy + i, x = ix + j;
                    d[(i * a + j) * nr + l] = (y >= 0 && y < H && x >= 0 && x < W) ? s[y * W + x] : 0;
                }
        }
    }
    const int64_t g = gr / w->R, r = gr % w->R, a2 = (int64_t)a * a;
    /* V[g][xi][tb][r][nr]: rows xi are nb*R*nr apart */
    k->itrans[a == 6](d, V + ((g * a2 * nb + tb) * w->R + r) * nr, nb * w->R * nr);
}

/* Phase 3 for output channel go (of G*M) and tile block tb: A^T Mt A + bias into out. */
static void FC_F(wg_output)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *Mt, const FC_T *bias, int64_t t0,
                            int64_t nb, int64_t go, int64_t tb, FC_T *o, FC_T *out)
{
    const int m = w->m, nr = w->nr;
    const int64_t g = go / w->M, oc = go % w->M, a2 = (int64_t)w->a * w->a;
    /* Mt[g][xi][o][tb][nr]: rows xi are Mp*nb*nr apart */
    k->otrans[m == 4](Mt + ((g * a2 * w->Mp + oc) * nb + tb) * nr, w->Mp * nb * nr, o);
    const FC_T b = bias ? bias[go] : 0;
    const int64_t OH = w->OH, OW = w->OW;
    for (int l = 0; l < nr; ++l) {
        const int64_t T = t0 + tb * nr + l;
        if (T >= w->ntot) break;
        int64_t oy, ox, n;
        FC_F(wg_tile)(w, T, &oy, &ox, &n);
        FC_T *dst = out + (n * w->G * w->M + go) * OH * OW;
        const int ni = OH - oy < m ? (int)(OH - oy) : m, nj = OW - ox < m ? (int)(OW - ox) : m;
        for (int i = 0; i < ni; ++i)
            for (int j = 0; j < nj; ++j) dst[(oy + i) * OW + ox + j] = o[(i * m + j) * nr + l] + b;
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
        k->gemm(w->R, u, V + (gx * nb + tb) * w->R * nr, Mt + ((gx * w->Mp + ob * mr) * nb + tb) * nr, nb * nr);
}

/* A whole round on one thread (private rounds): its V and Mt stay in this core's L2. */
static void FC_F(wg_round)(const fc_wg_plan *w, const FC_KWG *k, const FC_T *src, const FC_T *U, const FC_T *bias,
                           int64_t t0, FC_T *V, FC_T *Mt, FC_T *d, FC_T *out)
{
    const int64_t nb = fc_ceil_div(w->ntot - t0 < w->nt ? w->ntot - t0 : w->nt, w->nr);
    const int64_t a2 = (int64_t)w->a * w->a, nob = w->Mp / w->mr;
    for (int64_t gr = 0; gr < w->G * w->R; ++gr)
        for (int64_t tb = 0; tb < nb; ++tb) FC_F(wg_input)(w, k, src, t0, nb, gr, tb, d, V);
    for (int64_t gx = 0; gx < w->G * a2; ++gx)
        for (int64_t ob = 0; ob < nob; ++ob) FC_F(wg_products)(w, k, U, V, nb, gx, ob, Mt);
    for (int64_t go = 0; go < w->G * w->M; ++go)
        for (int64_t tb = 0; tb < nb; ++tb) FC_F(wg_output)(w, k, Mt, bias, t0, nb, go, tb, d, out);
}

fc_status FC_F(fc_wg_exec)(const fc_plan *pl, const FC_T *src, const FC_T *wsrc, const FC_T *bias, FC_T *out)
{
    const fc_wg_plan *w = &pl->wg;
    const FC_KWG *k = FC_CAT2(fc_wg_for, FC_S)(pl->kt.isa);
    const int nthreads = pl->nthreads, nr = w->nr;
    const int64_t a2 = (int64_t)w->a * w->a, per = a2 * nr, nob = w->Mp / w->mr;
    const int64_t nbuf = w->private_rounds ? nthreads : 1; /* V and Mt: one a thread, or one shared */
    FC_T *U = fc_malloc(sizeof(FC_T) * (size_t)w->u_elems);
    FC_T *V = fc_malloc(sizeof(FC_T) * (size_t)(w->v_elems * nbuf));
    FC_T *Mt = fc_malloc(sizeof(FC_T) * (size_t)(w->m_elems * nbuf));
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(per * nthreads));
    if (!U || !V || !Mt || !scratch) {
        fc_free(U);
        fc_free(V);
        fc_free(Mt);
        fc_free(scratch);
        return FC_ENOMEM;
    }
    FC_F(wg_weights)(w, k, wsrc, U, nthreads);
    FC_OMP(parallel num_threads(nthreads))
    {
        const int64_t me = fc_thread_id();
        FC_T *mine = scratch + me * per;
        if (w->private_rounds) {
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t rd = 0; rd < w->nround; ++rd)
                FC_F(wg_round)(w, k, src, U, bias, rd * w->nt, V + me * w->v_elems, Mt + me * w->m_elems, mine, out);
        } else {
            /* shared rounds: each phase split among the threads */
            for (int64_t t0 = 0; t0 < w->ntot; t0 += w->nt) {
                const int64_t nb = fc_ceil_div(w->ntot - t0 < w->nt ? w->ntot - t0 : w->nt, nr);
                FC_OMP(for schedule(dynamic, 4))
                for (int64_t job = 0; job < w->G * w->R * nb; ++job)
                    FC_F(wg_input)(w, k, src, t0, nb, job / nb, job % nb, mine, V);
                FC_OMP(for schedule(dynamic, 1))
                for (int64_t job = 0; job < w->G * a2 * nob; ++job)
                    FC_F(wg_products)(w, k, U, V, nb, job / nob, job % nob, Mt);
                FC_OMP(for schedule(dynamic, 4))
                for (int64_t job = 0; job < w->G * w->M * nb; ++job)
                    FC_F(wg_output)(w, k, Mt, bias, t0, nb, job / nb, job % nb, mine, out);
            }
        }
    }
    fc_free(U);
    fc_free(V);
    fc_free(Mt);
    fc_free(scratch);
    return FC_OK;
}
