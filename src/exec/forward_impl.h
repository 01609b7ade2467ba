/* Executors of the forward pass and of backward-input (per element type; see
 * engine_impl.h for the engine they run). */

/* Which kernel table a plan was made for. */
static const FC_KT *FC_F(table)(const fc_plan *pl) { return FC_CAT2(fc_kernels_for, FC_S)(pl->kt.isa); }
static const FC_KT *FC_F(narrow_table)(const fc_plan *pl) { return FC_CAT2(fc_narrow_for, FC_S)(pl->kt.isa); }

static fc_status FC_F(forward_exec)(const fc_plan *pl, const FC_T *x, const FC_T *w, const FC_T *bias, FC_T *y)
{
    const fc_prob *p = &pl->p;
    const fc_pass *ps = pl->passes;
    const fc_geom *g = ps->g;
    const FC_KT *k = FC_F(table)(pl);
    const int nthreads = pl->nthreads;
    const int64_t nblk = ps->nblk, CT = p->Cg * p->T, mr = ps->mr;
    FC_T *wp = fc_malloc(sizeof(FC_T) * (size_t)pl->wpack_elems);
    int64_t *drow = malloc(sizeof(int64_t) * (size_t)(CT + p->T));
    if (!wp || !drow) {
        fc_free(wp);
        free(drow);
        return FC_ENOMEM;
    }
    /* wp[g][blk][c][t][i] = w[g*Kg + blk*mr + i][c][tap_elem[t]], zero past Kg: for each
     * block, a transpose of its mr kernels' (c, element) columns, column c*T + e going to
     * packed row c*T + t where tap_elem[t] = e (flip: e = T-1-t).  In parallel, since a
     * serial pass over a large kernel caps the speed-up of the whole call. */
    int64_t *inv = drow + CT;
    fc_geom_tap_rows(g, p->T, inv);
    for (int64_t col = 0; col < CT; ++col) drow[col] = col - col % p->T + inv[col % p->T];
    FC_OMP(parallel for schedule(static) num_threads(nthreads))
    for (int64_t gb = 0; gb < p->G * nblk; ++gb) {
        const int64_t gi = gb / nblk, b = gb % nblk;
        const int64_t nv = p->Kg - b * mr < mr ? p->Kg - b * mr : mr;
        k->wtrans(nv, mr, CT, w + (gi * p->Kg + b * mr) * CT, CT, drow, wp + gb * CT * mr, mr);
    }
    free(drow);
    FC_F(engine) e = {ps, x, 0, wp, bias, y, NULL, NULL, NULL, NULL};
    FC_F(engine_kernels)(k, &e);
    const fc_status st = FC_F(engine_run)(&pl->run, &e, nthreads);
    fc_free(wp);
    return st;
}

/* Whether v[0:n] holds no Inf or NaN: the exponent bits all ones, tested on the integer
 * bits, which the compiler vectorises (a per-element isfinite() loop stayed scalar). */
static int FC_F(finite_run)(const FC_T *v, int64_t n)
{
    FC_UINT acc = 0;
    for (int64_t i = 0; i < n; ++i) {
        FC_UINT u;
        memcpy(&u, v + i, sizeof u);
        acc |= (FC_UINT)((u & FC_EXPBITS) == FC_EXPBITS);
    }
    return acc == 0;
}

/* The fast backward-input path multiplies the weights by grad_out's zero padding; with
 * a NaN or Inf weight that would be NaN where no real (grad_out, weight) pair meets.
 * Such weights are rare, so they take this direct scatter instead, which forms only the
 * real pairs: grad_in[i] += grad_out[o] * w[r] for o*s + r*d = i + plo, from bias[c]
 * (fc_conv_transpose's; zero when NULL). */
static void FC_F(backward_input_direct)(const fc_prob *p, const FC_T *go, const FC_T *w, const FC_T *bias,
                                        FC_T *gx)
{
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2];
    const int64_t out_plane = p->out[0] * p->out[1] * p->out[2];
    for (int64_t nc = 0; nc < p->N * p->C; ++nc)
        for (int64_t i = 0; i < in_plane; ++i) gx[nc * in_plane + i] = bias ? bias[nc % p->C] : (FC_T)0;
    for (int64_t n = 0; n < p->N; ++n)
        for (int64_t k = 0; k < p->K; ++k) {
            const int64_t gi = k / p->Kg;
            const FC_T *gr = go + (n * p->K + k) * out_plane;
            for (int64_t c = 0; c < p->Cg; ++c) {
                FC_T *xr = gx + (n * p->C + gi * p->Cg + c) * in_plane;
                const FC_T *wr = w + (k * p->Cg + c) * p->T;
                for (int64_t o0 = 0; o0 < p->out[0]; ++o0)
                    for (int64_t o1 = 0; o1 < p->out[1]; ++o1)
                        for (int64_t o2 = 0; o2 < p->out[2]; ++o2) {
                            const FC_T gv = gr[(o0 * p->out[1] + o1) * p->out[2] + o2];
                            int64_t e = 0;
                            for (int64_t r0 = 0; r0 < p->ker[0]; ++r0)
                                for (int64_t r1 = 0; r1 < p->ker[1]; ++r1)
                                    for (int64_t r2 = 0; r2 < p->ker[2]; ++r2, ++e) {
                                        const int64_t i0 = o0 * p->str[0] + r0 * p->dil[0] - p->plo[0];
                                        const int64_t i1 = o1 * p->str[1] + r1 * p->dil[1] - p->plo[1];
                                        const int64_t i2 = o2 * p->str[2] + r2 * p->dil[2] - p->plo[2];
                                        if (i0 < 0 || i0 >= p->in[0] || i1 < 0 || i1 >= p->in[1] ||
                                            i2 < 0 || i2 >= p->in[2])
                                            continue;
                                        xr[(i0 * p->in[1] + i1) * p->in[2] + i2] +=
                                            gv * wr[p->flip ? p->T - 1 - e : e];
                                    }
                        }
            }
        }
}

/* Backward w.r.t. the input: one engine pass per residue class of the plan (see
 * plan_conv.c), all reading one packed copy of grad_out.  The packed weights of each
 * class are checked for Inf and NaN while they are in L1; any such weight sends the
 * call to backward_input_direct.  bias (C values, or NULL) is added to every pixel of
 * each channel of grad_in: fc_conv_transpose is this pass with a bias. */
static fc_status FC_F(backward_input_exec)(const fc_plan *pl, const FC_T *go, const FC_T *w, const FC_T *bias,
                                           FC_T *gx)
{
    const fc_prob *p = &pl->p;
    const FC_KT *k = FC_F(table)(pl);
    const int np = pl->run.np, nthreads = pl->nthreads;
    FC_F(engine) *es = calloc((size_t)(np ? np : 1), sizeof(FC_F(engine)));
    FC_T **wps = calloc((size_t)(np ? np : 1), sizeof(FC_T *));
    int64_t *drow = malloc(sizeof(int64_t) * (size_t)p->T);
    fc_status st = FC_OK;
    int bad = 0;
    if (!es || !wps || !drow) {
        st = FC_ENOMEM;
        goto done;
    }
    for (int c = 0; c < np; ++c) {
        const fc_pass *ps = pl->passes + c;
        const fc_geom *g = ps->g;
        const int64_t nblk = ps->nblk, mr = ps->mr;
        FC_T *wp = wps[c] = fc_malloc(sizeof(FC_T) * (size_t)(p->G * nblk * p->Kg * (g->T ? g->T : 1) * mr));
        if (!wp) {
            st = FC_ENOMEM;
            goto done;
        }
        /* wp[g][blk][k][t][i] = w[g*Kg + k][blk*mr + i][tap_elem[t]]: the kernel
         * transposed in/out, taps of this residue class only: per (block, k), a
         * transpose of mr channels' T elements, element e to packed row t where
         * tap_elem[t] = e (the class's other elements dropped: row -1) */
        fc_geom_tap_rows(g, p->T, drow);
        int cbad = 0;
        FC_OMP(parallel for schedule(static) reduction(| : cbad) num_threads(nthreads))
        for (int64_t gk = 0; gk < p->G * nblk * p->Kg; ++gk) {
            const int64_t kk = gk % p->Kg, b = (gk / p->Kg) % nblk, gi = gk / (p->Kg * nblk);
            const int64_t nv = p->Cg - b * mr < mr ? p->Cg - b * mr : mr;
            FC_T *dst = wp + ((gi * nblk + b) * p->Kg + kk) * g->T * mr;
            k->wtrans(nv, mr, p->T, w + ((gi * p->Kg + kk) * p->Cg + b * mr) * p->T, p->T, drow, dst, mr);
            cbad |= !FC_F(finite_run)(dst, g->T * mr);
        }
        bad |= cbad;
        es[c] = (FC_F(engine)){ps, go, 0, wp, bias, gx, NULL, NULL, NULL, NULL};
        FC_F(engine_kernels)(k, es + c);
    }
    if (bad)
        FC_F(backward_input_direct)(p, go, w, bias, gx);
    else if (np)
        st = FC_F(engine_run)(&pl->run, es, nthreads);
done:
    for (int c = 0; wps && c < np; ++c) fc_free(wps[c]);
    free(es);
    free(wps);
    free(drow);
    return st;
}

/* grad_bias[k] = sum over images and pixels of grad_out[n][k]: a thread per run of
 * channels, each summed in double (a float32 bias gradient sums N*plane terms) in 8
 * independent lanes so the adds pipeline, combined in a fixed order. */
static void FC_F(backward_bias_exec)(const fc_plan *pl, const FC_T *go, FC_T *gb)
{
    const fc_prob *p = &pl->p;
    const int64_t plane = p->out[0] * p->out[1] * p->out[2];
    FC_OMP(parallel for schedule(static) num_threads(pl->nthreads))
    for (int64_t kk = 0; kk < p->K; ++kk) {
        double s8[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (int64_t n = 0; n < p->N; ++n) {
            const FC_T *r = go + (n * p->K + kk) * plane;
            int64_t i = 0;
            for (; i + 8 <= plane; i += 8)
                for (int l = 0; l < 8; ++l) s8[l] += (double)r[i + l];
            for (; i < plane; ++i) s8[i & 7] += (double)r[i];
        }
        gb[kk] = (FC_T)(((s8[0] + s8[1]) + (s8[2] + s8[3])) + ((s8[4] + s8[5]) + (s8[6] + s8[7])));
    }
}
