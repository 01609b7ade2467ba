/* The Winograd executor of one element type (FC_T, suffix FC_S; included by wg_exec.c).
 * It follows pl->wg (see wg.h for the layouts): weights transformed once, then per round
 * of tiles the input transform, the a*a batched products and the output transform, each
 * a parallel loop whose jobs write disjoint elements. */

/* U[g][xi][ob][r][i] = (G w'[g][ob*mr + i][r] G^T)[xi], computed in double, zero for
 * outputs past M.  G (a x 3) for F(4x4): rows [1/4 0 0] [-1/6 -1/6 -1/6] [-1/6 1/6 -1/6]
 * [1/24 1/12 1/6] [1/24 -1/12 1/6] [0 0 1]; for F(2x2): [1 0 0] [1/2 1/2 1/2]
 * [1/2 -1/2 1/2] [0 0 1]. */
static void FC_F(wg_weights)(const fc_wg_plan *w, const FC_T *wsrc, FC_T *U, int nthreads)
{
    static const double G4[6][3] = {{0.25, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                    {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
    static const double G2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    const int a = w->a, mr = w->mr;
    const int64_t R = w->R, M = w->M, nob = w->Mp / mr, a2 = (int64_t)a * a;
    FC_OMP(parallel for schedule(static) num_threads(nthreads))
    for (int64_t go = 0; go < w->G * w->Mp; ++go) {
        const int64_t g = go / w->Mp, o = go % w->Mp, ob = o / mr, i = o % mr;
        for (int64_t r = 0; r < R; ++r) {
            double k3[3][3] = {{0}}, t[6][3], u[6][6];
            if (o < M) {
                /* forward: w[g*M + o][r]; backward-input: w[g*R + r][o] (shape (K, C/G, 3, 3)) */
                const FC_T *src = wsrc + (w->transposed ? (g * R + r) * M + o : (g * M + o) * R + r) * 9;
                for (int e = 0; e < 9; ++e) k3[e / 3][e % 3] = (double)src[w->rot ? 8 - e : e];
            }
            for (int x = 0; x < a; ++x)
                for (int j = 0; j < 3; ++j) {
                    double s = 0;
                    for (int q = 0; q < 3; ++q) s += (a == 6 ? G4[x][q] : G2[x][q]) * k3[q][j];
                    t[x][j] = s;
                }
            for (int x = 0; x < a; ++x)
                for (int y = 0; y < a; ++y) {
                    double s = 0;
                    for (int q = 0; q < 3; ++q) s += t[x][q] * (a == 6 ? G4[y][q] : G2[y][q]);
                    u[x][y] = s;
                }
            for (int64_t xi = 0; xi < a2; ++xi)
                U[(((g * a2 + xi) * nob + ob) * R + r) * mr + i] = (FC_T)u[xi / a][xi % a];
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

fc_status FC_F(fc_wg_exec)(const fc_plan *pl, const FC_T *src, const FC_T *wsrc, const FC_T *bias, FC_T *out)
{
    const fc_wg_plan *w = &pl->wg;
    const FC_KWG *k = FC_CAT2(fc_wg_for, FC_S)(pl->kt.isa);
    const int nthreads = pl->nthreads, mr = w->mr, nr = w->nr;
    const int64_t a2 = (int64_t)w->a * w->a, per = a2 * nr, nob = w->Mp / mr;
    FC_T *U = fc_malloc(sizeof(FC_T) * (size_t)w->u_elems);
    FC_T *V = fc_malloc(sizeof(FC_T) * (size_t)w->v_elems);
    FC_T *Mt = fc_malloc(sizeof(FC_T) * (size_t)w->m_elems);
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(per * nthreads));
    if (!U || !V || !Mt || !scratch) {
        fc_free(U);
        fc_free(V);
        fc_free(Mt);
        fc_free(scratch);
        return FC_ENOMEM;
    }
    FC_F(wg_weights)(w, wsrc, U, nthreads);
    FC_OMP(parallel num_threads(nthreads))
    {
        FC_T *mine = scratch + fc_thread_id() * per;
        for (int64_t t0 = 0; t0 < w->ntot; t0 += w->nt) {
            const int64_t nb = fc_ceil_div(w->ntot - t0 < w->nt ? w->ntot - t0 : w->nt, nr);
            FC_OMP(for schedule(dynamic, 4))
            for (int64_t job = 0; job < w->G * w->R * nb; ++job)
                FC_F(wg_input)(w, k, src, t0, nb, job / nb, job % nb, mine, V);
            /* products: job (g, xi, ob) sweeps every tile block with one panel of U */
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t job = 0; job < w->G * a2 * nob; ++job) {
                const int64_t gx = job / nob, ob = job % nob; /* gx = g*a2 + xi */
                const FC_T *u = U + (gx * nob + ob) * w->R * mr;
                for (int64_t tb = 0; tb < nb; ++tb)
                    k->gemm(w->R, u, V + (gx * nb + tb) * w->R * nr, Mt + ((gx * w->Mp + ob * mr) * nb + tb) * nr,
                            nb * nr);
            }
            FC_OMP(for schedule(dynamic, 4))
            for (int64_t job = 0; job < w->G * w->M * nb; ++job)
                FC_F(wg_output)(w, k, Mt, bias, t0, nb, job / nb, job % nb, mine, out);
        }
    }
    fc_free(U);
    fc_free(V);
    fc_free(Mt);
    fc_free(scratch);
    return FC_OK;
}
