/* Two running-mean passes over the last two axes of (outer, H, W), along H then along W,
 * fused: bit-identical to fc_uniform1d along axis 1 and then along axis 2 (SciPy's
 * uniform_filter order), reading and writing the image once (instantiated per type by
 * sep.c after sep_impl.h).
 *
 * SciPy's sums run from the start of each line, so a band of rows cannot start its
 * column sums from nothing: a band that starts at row r0 > 0 first runs the column
 * recurrence over rows 0 .. r0 - 1 without outputs (boxacc: a read of two rows and four
 * vector operations a pixel, `sep_box_prefix_pct` percent of a full row's cost), which gives
 * the sums the whole-column recurrence holds there, whatever the bands and threads.  The
 * bands are sized so that prefix plus band costs the same in each (one band per thread;
 * no barrier between phases, which a loaded machine punishes).  Within a band, a group of
 * `group` rows of column means goes into extended rows (rounded to FC_T, as SciPy's
 * intermediate array), and the row kernel (boxrow) takes the running means along them
 * while they are in L1/L2. */

typedef struct FC_F(uni2d_args) {
    const FC_T *in;
    const int64_t *is, *os;
    FC_T *out;
    int64_t outer, H, W, k0, k1, pad0, pad1;
    int64_t nband, group, ldx;
    const int64_t *start; /* nband + 1 band starts along H, the same for every image */
    int b0, b1;
    double fill; /* SciPy's cval in double: the box kernels never round it to FC_T */
    const fc_sep_kernels *k;
} FC_F(uni2d_args);

/* Source row of extended row t along H (t = 0 is source row -pad0), or NULL for a
 * border row of the fill (which the box kernels read as a->fill in double). */
static const FC_T *FC_F(uni2d_src)(const FC_F(uni2d_args) *a, const FC_T *img, int64_t t)
{
    const int64_t m = fc_map_index(t - a->pad0, a->H, a->b0);
    return m < 0 ? NULL : img + m * a->is[1];
}

/* The column sums of output row r0 - 1 (r0 >= 1) into acc: SciPy's recurrence from row 0. */
static void FC_F(uni2d_prefix)(const FC_F(uni2d_args) *a, const FC_T *img, int64_t r0, double *acc)
{
    for (int64_t b = 0; b < a->W; ++b) acc[b] = 0.0;
    for (int64_t j = 0; j < a->k0; ++j)
        a->k->FC_F(boxacc)(FC_F(uni2d_src)(a, img, j), NULL, 1, a->fill, a->W, acc);
    for (int64_t i = 1; i < r0; ++i)
        a->k->FC_F(boxacc)(FC_F(uni2d_src)(a, img, i + a->k0 - 1), FC_F(uni2d_src)(a, img, i - 1), 0,
                           a->fill, a->W, acc);
}

/* Band job: rows [r0, r1) of image o, `group` rows at a time: column means into the
 * extended rows (borders along W by its rule), then the running means along them. */
static void FC_F(uni2d_band_job)(const FC_F(uni2d_args) *a, int64_t job, char *scratch)
{
    const int64_t o = job / a->nband, b = job % a->nband, W = a->W, ldx = a->ldx;
    const int64_t r0 = a->start[b], r1 = a->start[b + 1];
    if (r1 <= r0) return;
    double *acc = (double *)scratch;
    double *s = acc + fc_round_up(W, 8);
    FC_T *ext = (FC_T *)(s + fc_round_up(a->group, 8) * FC_SEP_BOXROW_CHUNK);
    const FC_T **rows = (const FC_T **)(ext + fc_round_up(a->group * ldx, 16));
    const FC_T *img = a->in + o * a->is[0];
    /* rows[t] = extended row t, for the t this band reads: r0 - 1 .. r1 + k0 - 2 */
    const int64_t t0 = r0 > 0 ? r0 - 1 : 0, t1 = r1 + a->k0 - 1;
    for (int64_t t = t0; t < t1; ++t) rows[t] = FC_F(uni2d_src)(a, img, t);
    if (r0 > 0) FC_F(uni2d_prefix)(a, img, r0, acc);
    const fc_sep_fill fh = fc_sep_fill_of((fc_boundary)a->b0, a->fill, a->H, a->k0, a->pad0);
    const fc_sep_fill f = fc_sep_fill_of((fc_boundary)a->b1, a->fill, W, a->k1, a->pad1);
    FC_T *dst = a->out + o * a->os[0];
    for (int64_t i = r0; i < r1; i += a->group) {
        const int64_t g = r1 - i < a->group ? r1 - i : a->group;
        a->k->FC_F(box)(a->k0, rows, &fh, i, i + g, W, acc, ext + a->pad1, ldx);
        for (int64_t q = 0; q < g; ++q) {
            FC_T *e = ext + q * ldx; /* e[t] is position t - pad1 of the row */
            for (int64_t t = 0; t < W + a->k1 - 1; ++t) {
                if (t == a->pad1) t += W; /* skip the row itself */
                if (t >= W + a->k1 - 1) break;
                const int64_t m = fc_map_index(t - a->pad1, W, a->b1);
                e[t] = m < 0 ? (FC_T)a->fill : e[a->pad1 + m]; /* boxrow reads f.v there */
            }
        }
        a->k->FC_F(boxrow)(a->k1, ext, ldx, g, W, &f, s, dst + i * a->os[1], a->os[1]);
    }
}

fc_status FC_F(fc_uniform_sep2d)(const int64_t shape[3], const FC_T *in, const int64_t in_strides[3],
                                 int64_t k0, int64_t pad0, fc_boundary b0, int64_t k1, int64_t pad1,
                                 fc_boundary b1, double fill, FC_T *out, const int64_t out_strides[3],
                                 int num_threads)
{
    if (!shape || !in_strides || !out_strides) return FC_EINVAL;
    int64_t total, t;
    fc_status st = fc_sep2d_check(shape, in_strides, out_strides, k0, pad0, b0, k1, pad1, b1, &total);
    if (st || total == 0) return st;
    if (!in || !out) return FC_EINVAL;
    const fc_tuning *tu = fc_tuning_get();
    FC_F(uni2d_args) a;
    memset(&a, 0, sizeof a);
    a.in = in, a.is = in_strides, a.os = out_strides, a.out = out;
    a.outer = shape[0], a.H = shape[1], a.W = shape[2];
    a.k0 = k0, a.k1 = k1, a.pad0 = pad0, a.pad1 = pad1, a.b0 = (int)b0, a.b1 = (int)b1;
    a.fill = fill, a.k = fc_sep_active(), a.group = tu->sep_box_group;
    if (fc_add_ovf(a.W, k1, &a.ldx) || fc_add_ovf(a.H, k0, &t)) return FC_EOVERFLOW;
    a.ldx = fc_round_up(a.ldx, 16);
    fc_sep2d_plan pl;
    if ((st = fc_sep2d_plan_make(tu, shape, k0, k1, (int64_t)sizeof(FC_T), 1, 0, num_threads, &pl))) return st;
    /* band b's prefix costs c = sep_box_prefix_pct/100 of its rows above, so with the
     * same cost C in every band, r(b+1) = C + (1 - c) r(b): r(b) = C (1 - (1-c)^b) / c, and
     * r(nband) = H sets C.  2 bands, c = 0.25: 57% of the rows, then 43% after a prefix. */
    a.nband = pl.nband;
    int64_t *start = fc_malloc(sizeof(int64_t) * (size_t)(a.nband + 1));
    if (!start) return FC_ENOMEM;
    const double c = (double)tu->sep_box_prefix_pct / 100.0, keep = 1.0 - c;
    double kb = 1.0; /* (1 - c)^b */
    for (int64_t b = 0; b < a.nband; ++b, kb *= keep) {
        const double f = c > 0.0 ? (1.0 - kb) / (1.0 - pow(keep, (double)a.nband)) /* r(b) / H */
                                 : (double)b / (double)a.nband;
        start[b] = (int64_t)(f * (double)a.H + 0.5);
    }
    start[a.nband] = a.H;
    a.start = start;
    const int64_t per = pl.scratch_bytes, njobs = pl.njobs;
    const int nthreads = pl.nthreads;
    char *scratch = fc_malloc((size_t)(per * nthreads));
    if (!scratch) {
        fc_free(start);
        return FC_ENOMEM;
    }
    FC_OMP(parallel num_threads(nthreads))
    {
        char *mine = scratch + fc_thread_id() * per;
        FC_OMP(for schedule(dynamic, 1))
        for (int64_t job = 0; job < njobs; ++job) FC_F(uni2d_band_job)(&a, job, mine);
    }
    fc_free(start);
    fc_free(scratch);
    return FC_OK;
}
