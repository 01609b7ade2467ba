/* Two correlation passes over the last two axes of (outer, H, W) fused through cache-sized
 * bands, so the image is read and written once instead of once per pass (instantiated per
 * type by sep.c after sep_impl.h).  Each pass runs the same micro-kernel on the same
 * operands as the unfused passes: the results are bit-identical to them.
 *  - column pass first (axis H, then W): each output row's column sum goes to a one-row
 *    buffer, which the row pass extends and filters while it is in L1;
 *  - row pass first (axis W, then H): a band of B output rows needs the row-filtered
 *    input rows B + K0 - 1 (by H's boundary rule; fill rows where it says fill), which
 *    are computed into a band buffer sized to L2, then the column pass reads them. */

typedef struct FC_F(sep2d_args) {
    const FC_T *in;
    const int64_t *is, *os;
    FC_T *out;
    int64_t outer, H, W, band, nband;
    const FC_T *w0, *w1;          /* along H, along W */
    int64_t k0, k1, pad0, pad1;
    int b0, b1, sym0, sym1, col_first;
    FC_T fill;
    const fc_sep_kernels *k;
} FC_F(sep2d_args);

/* Row pass of one row: src (W, stride 1) extended along W into ext, filtered into dst. */
static void FC_F(sep2d_row)(const FC_F(sep2d_args) *a, const FC_T *src, FC_T *ext, const FC_T **rp,
                            FC_T *dst)
{
    FC_F(sep_extend)(src, a->W, 1, -a->pad1, a->W + a->k1 - 1, a->b1, a->fill, ext, 1);
    for (int64_t j = 0; j < a->k1; ++j) rp[j] = ext + j;
    a->k->FC_F(rows)(a->k1, rp, a->w1, a->sym1, a->W, dst);
}

static void FC_F(sep2d_job)(const FC_F(sep2d_args) *a, int64_t job, char *scratch)
{
    const int64_t o = job / a->nband, r0 = (job % a->nband) * a->band;
    const int64_t r1 = r0 + a->band < a->H ? r0 + a->band : a->H, W = a->W;
    const int64_t nbuf = a->col_first ? 1 : r1 - r0 + a->k0 - 1;
    FC_T *ext = (FC_T *)scratch;
    FC_T *fillrow = ext + fc_round_up(W + a->k1 - 1, FC_ALIGN);
    FC_T *buf = fillrow + fc_round_up(W, FC_ALIGN);
    const FC_T **rp = (const FC_T **)(buf + fc_round_up(nbuf * W, FC_ALIGN));
    const FC_T **cp = rp + fc_round_up(a->k1, 8);
    const FC_T *src = a->in + o * a->is[0];
    FC_T *dst = a->out + o * a->os[0];
    for (int64_t j = 0; j < W; ++j) fillrow[j] = a->fill;
    if (a->col_first) {
        for (int64_t i = r0; i < r1; ++i) {
            for (int64_t j = 0; j < a->k0; ++j) {
                const int64_t m = fc_map_index(i - a->pad0 + j, a->H, a->b0);
                cp[j] = m < 0 ? fillrow : src + m * a->is[1];
            }
            a->k->FC_F(rows)(a->k0, cp, a->w0, a->sym0, W, buf);
            FC_F(sep2d_row)(a, buf, ext, rp, dst + i * a->os[1]);
        }
        return;
    }
    /* buffer row t holds the row pass of source row r0 - pad0 + t (mapped along H) */
    for (int64_t t = 0; t < nbuf; ++t) {
        const int64_t m = fc_map_index(r0 - a->pad0 + t, a->H, a->b0);
        if (m < 0) {
            cp[t] = fillrow;
            continue;
        }
        FC_F(sep2d_row)(a, src + m * a->is[1], ext, rp, buf + t * W);
        cp[t] = buf + t * W;
    }
    for (int64_t i = r0; i < r1; ++i)
        a->k->FC_F(rows)(a->k0, cp + (i - r0), a->w0, a->sym0, W, dst + i * a->os[1]);
}

fc_status FC_F(fc_correlate_sep2d)(const int64_t shape[3], const FC_T *in, const int64_t in_strides[3],
                                   int col_first, const FC_T *w0, int64_t k0, int64_t pad0,
                                   fc_boundary b0, const FC_T *w1, int64_t k1, int64_t pad1,
                                   fc_boundary b1, FC_T fill, FC_T *out,
                                   const int64_t out_strides[3], int num_threads)
{
    if (!shape || !in_strides || !out_strides || !w0 || !w1) return FC_EINVAL;
    int64_t total;
    fc_status st = fc_sep2d_check(shape, in_strides, out_strides, k0, pad0, b0, k1, pad1, b1, &total);
    if (st || total == 0) return st;
    if (!in || !out) return FC_EINVAL;
    const fc_tuning *tu = fc_tuning_get();
    FC_F(sep2d_args) a = {in, in_strides, out_strides, out, shape[0], shape[1], shape[2], 0, 0,
                          w0, w1, k0, k1, pad0, pad1, (int)b0, (int)b1,
                          FC_F(sep_symmetry)(k0, w0), FC_F(sep_symmetry)(k1, w1), col_first != 0,
                          fill, fc_sep_active()};
    fc_sep2d_plan pl;
    if ((st = fc_sep2d_plan_make(tu, shape, k0, k1, (int64_t)sizeof(FC_T), 0, col_first, num_threads, &pl)))
        return st;
    a.band = pl.band, a.nband = pl.nband;
    const int64_t per = pl.scratch_bytes, njobs = pl.njobs;
    const int nthreads = pl.nthreads;
    char *scratch = fc_malloc((size_t)(per * nthreads));
    if (!scratch) return FC_ENOMEM;
    FC_OMP(parallel num_threads(nthreads))
    {
        char *mine = scratch + fc_thread_id() * per;
        FC_OMP(for schedule(dynamic, 1))
        for (int64_t job = 0; job < njobs; ++job) FC_F(sep2d_job)(&a, job, mine);
    }
    fc_free(scratch);
    return FC_OK;
}
