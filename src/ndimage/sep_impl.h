/* The 1-D passes of sep.h, written once and instantiated per element type by sep.c:
 *   FC_T  element type       FC_S  suffix (f32 / f64)
 * Sums follow SciPy's order (ni_filters.c) so that float64 agrees with it to rounding:
 * odd symmetric kernels add mirrored pairs first, (x[-j] + x[+j]) * w, and running
 * sums keep SciPy's recurrence in double, which makes uniform_filter bit-identical. */
#ifndef FC_F
#define FC_CAT2_(a, b) a##_##b
#define FC_CAT2(a, b) FC_CAT2_(a, b)
#define FC_F(name) FC_CAT2(name, FC_S)
#endif

/* 1: odd and symmetric, -1: odd and antisymmetric, 0: neither, with SciPy's tolerance
 * (|w[c+i] -+ w[c-i]| <= DBL_EPSILON); K = 3, w = (-1, 0, 1): -1. */
static int FC_F(sep_symmetry)(int64_t K, const FC_T *w)
{
    if (!(K & 1)) return 0;
    const int64_t c = K / 2;
    int sym = 1;
    for (int64_t i = 1; i <= c && sym; ++i)
        if (fabs((double)w[c + i] - (double)w[c - i]) > 2.220446049250313e-16) sym = 0;
    if (sym) return 1;
    for (int64_t i = 1; i <= c; ++i)
        if (fabs((double)w[c + i] + (double)w[c - i]) > 2.220446049250313e-16) return 0;
    return -1;
}

/* Copy source positions [s0, s0 + len) of a line (n elements, stride sn) into ext,
 * extended by the boundary rule: s0 = -2, n = 5, reflect -> x1 x0 x0 x1 ... */
static void FC_F(sep_extend)(const FC_T *line, int64_t n, int64_t sn, int64_t s0, int64_t len,
                             int boundary, FC_T fill, FC_T *ext, int64_t ldx)
{
    const int64_t lo = s0 < 0 ? (-s0 < len ? -s0 : len) : 0;             /* first in range */
    const int64_t hi = n - s0 < len ? (n - s0 > lo ? n - s0 : lo) : len;  /* one past the last */
    for (int64_t t = 0; t < lo; ++t) {
        const int64_t m = fc_map_index(s0 + t, n, boundary);
        ext[t * ldx] = m < 0 ? fill : line[m * sn];
    }
    if (sn == 1 && ldx == 1)
        memcpy(ext + lo, line + s0 + lo, sizeof(FC_T) * (size_t)(hi - lo));
    else
        for (int64_t t = lo; t < hi; ++t) ext[t * ldx] = line[(s0 + t) * sn];
    for (int64_t t = hi; t < len; ++t) {
        const int64_t m = fc_map_index(s0 + t, n, boundary);
        ext[t * ldx] = m < 0 ? fill : line[m * sn];
    }
}

typedef struct FC_F(sep_args) {
    const fc_sep_plan *p;
    const FC_T *in;
    const int64_t *is, *os; /* element strides (outer, n, inner) */
    const FC_T *w;
    const fc_sep_kernels *k;
    int sym, boundary;
    double fill; /* the correlation passes use it rounded to FC_T, the box passes as is */
    FC_T *out;
} FC_F(sep_args);

/* One LANES job: block c of outer index o, band b.  Extended row t of the band is source
 * row i0 - pad_low + t (band 0, pad_low 1: t = 0 is source row -1, by the boundary rule). */
static void FC_F(sep_lanes_job)(const FC_F(sep_args) *a, int64_t job, char *scratch)
{
    const fc_sep_plan *p = a->p;
    const int64_t b = job % p->nband, unit = job / p->nband;
    const int64_t nblk = fc_ceil_div(p->inner, p->lanes);
    const int64_t o = unit / nblk, c0 = (unit % nblk) * p->lanes;
    const int64_t nb = p->inner - c0 < p->lanes ? p->inner - c0 : p->lanes;
    const int64_t i0 = b * p->band, i1 = i0 + p->band < p->n ? i0 + p->band : p->n;
    const int64_t nrows = i1 - i0 + p->K - 1;
    const FC_T **rows = (const FC_T **)scratch;
    FC_T *fillrow = (FC_T *)(scratch + fc_round_up((int64_t)sizeof(void *) * (p->band + p->K - 1), FC_ALIGN));
    double *acc = (double *)((char *)fillrow + fc_round_up((int64_t)sizeof(FC_T) * p->lanes, FC_ALIGN));
    const FC_T *base = a->in + o * a->is[0] + c0;
    /* the box kernel takes border rows as NULL (the fill in double), rows as a FC_T row */
    const FC_T *border = p->uniform ? NULL : fillrow;
    int need_fill = 0;
    for (int64_t t = 0; t < nrows; ++t) {
        const int64_t m = fc_map_index(i0 - p->pad_low + t, p->n, a->boundary);
        need_fill |= m < 0;
        rows[t] = m < 0 ? border : base + m * a->is[1];
    }
    if (need_fill && border)
        for (int64_t j = 0; j < nb; ++j) fillrow[j] = (FC_T)a->fill;
    FC_T *dst = a->out + o * a->os[0] + c0;
    if (p->uniform) {
        const fc_sep_fill f = fc_sep_fill_of((fc_boundary)a->boundary, a->fill, p->n, p->K, p->pad_low);
        a->k->FC_F(box)(p->K, rows, &f, 0, p->n, nb, acc, dst, a->os[1]);
        return;
    }
    for (int64_t i = i0; i < i1; ++i)
        a->k->FC_F(rows)(p->K, rows + (i - i0), a->w, a->sym, nb, dst + i * a->os[1]);
}

/* One LINES correlation job: lines [u*lanes, ..) of the (outer, inner) grid, band b. */
static void FC_F(sep_lines_job)(const FC_F(sep_args) *a, int64_t job, char *scratch)
{
    const fc_sep_plan *p = a->p;
    const int64_t b = job % p->nband, unit = job / p->nband, lines = p->outer * p->inner;
    const int64_t i0 = b * p->band, len = i0 + p->band < p->n ? p->band : p->n - i0;
    FC_T *ext = (FC_T *)scratch;
    FC_T *obuf = (FC_T *)(scratch + fc_round_up((int64_t)sizeof(FC_T) * (p->band + p->K - 1), FC_ALIGN));
    const FC_T **rows = (const FC_T **)((char *)obuf + fc_round_up((int64_t)sizeof(FC_T) * p->band, FC_ALIGN));
    for (int64_t j = 0; j < p->K; ++j) rows[j] = ext + j;
    const int64_t q1 = (unit + 1) * p->lanes < lines ? (unit + 1) * p->lanes : lines;
    for (int64_t q = unit * p->lanes; q < q1; ++q) {
        const int64_t o = q / p->inner, r = q % p->inner;
        FC_F(sep_extend)(a->in + o * a->is[0] + r * a->is[2], p->n, a->is[1], i0 - p->pad_low,
                         len + p->K - 1, a->boundary, (FC_T)a->fill, ext, 1);
        FC_T *dst = a->out + o * a->os[0] + r * a->os[2] + i0 * a->os[1];
        const int direct = a->os[1] == 1;
        a->k->FC_F(rows)(p->K, rows, a->w, a->sym, len, direct ? dst : obuf);
        if (!direct)
            for (int64_t i = 0; i < len; ++i) dst[i * a->os[1]] = obuf[i];
    }
}

/* One LINES running-mean job: up to `lanes` lines interleaved (position t of line g at
 * buf[t*lanes + g]) so the running sums vectorise across lines, in pieces of plan.band
 * outputs: the piece of outputs [i0, i1) reads extended positions [i0 - 1, i1 + K - 1)
 * (from 0 for the first piece), copied in just before. */
static void FC_F(sep_box_lines_job)(const FC_F(sep_args) *a, int64_t job, char *scratch)
{
    const fc_sep_plan *p = a->p;
    const int64_t G = p->lanes, n = p->n, K = p->K, P = p->band, lines = p->outer * p->inner;
    const int64_t g0 = job * G, ng = lines - g0 < G ? lines - g0 : G;
    FC_T *buf = (FC_T *)scratch;
    FC_T *obuf = (FC_T *)(scratch + fc_round_up((int64_t)sizeof(FC_T) * (P + K) * G, FC_ALIGN));
    const FC_T **rows = (const FC_T **)((char *)obuf + fc_round_up((int64_t)sizeof(FC_T) * P * G, FC_ALIGN));
    double *acc = (double *)((char *)rows + fc_round_up((int64_t)sizeof(void *) * (n + K - 1), FC_ALIGN));
    const fc_sep_fill f = fc_sep_fill_of((fc_boundary)a->boundary, a->fill, n, K, p->pad_low);
    for (int64_t i0 = 0; i0 < n; i0 += P) {
        const int64_t i1 = i0 + P < n ? i0 + P : n;
        const int64_t t0 = i0 > 0 ? i0 - 1 : 0, t1 = i1 + K - 1; /* extended positions read */
        for (int64_t g = 0; g < ng; ++g) {
            const int64_t q = g0 + g, o = q / p->inner, r = q % p->inner;
            FC_F(sep_extend)(a->in + o * a->is[0] + r * a->is[2], n, a->is[1], t0 - p->pad_low,
                             t1 - t0, a->boundary, (FC_T)a->fill, buf + g, G);
        }
        for (int64_t t = t0; t < t1; ++t) rows[t] = buf + (t - t0) * G;
        a->k->FC_F(box)(K, rows, &f, i0, i1, ng, acc, obuf, G);
        for (int64_t g = 0; g < ng; ++g) {
            const int64_t q = g0 + g, o = q / p->inner, r = q % p->inner;
            FC_T *dst = a->out + o * a->os[0] + r * a->os[2];
            for (int64_t i = i0; i < i1; ++i) dst[i * a->os[1]] = obuf[(i - i0) * G + g];
        }
    }
}

/* One rowk job (plan.rowk): lines [job*lanes, ..) (inner 1: line q is outer index q),
 * each copied with its boundary extension into a row of ext, then the row kernel. */
static void FC_F(sep_boxrow_lines_job)(const FC_F(sep_args) *a, int64_t job, char *scratch)
{
    const fc_sep_plan *p = a->p;
    const int64_t G = p->lanes, n = p->n, K = p->K, ldx = fc_round_up(n + K - 1, 16);
    const int64_t g0 = job * G, ng = p->outer - g0 < G ? p->outer - g0 : G;
    FC_T *ext = (FC_T *)scratch;
    double *s = (double *)(scratch + fc_round_up((int64_t)sizeof(FC_T) * G * ldx, FC_ALIGN));
    for (int64_t g = 0; g < ng; ++g)
        FC_F(sep_extend)(a->in + (g0 + g) * a->is[0], n, 1, -p->pad_low, n + K - 1, a->boundary,
                         (FC_T)a->fill, ext + g * ldx, 1);
    const fc_sep_fill f = fc_sep_fill_of((fc_boundary)a->boundary, a->fill, n, K, p->pad_low);
    a->k->FC_F(boxrow)(K, ext, ldx, ng, n, &f, s, a->out + g0 * a->os[0], a->os[0]);
}

static fc_status FC_F(sep_run)(const int64_t shape[3], const FC_T *in, const int64_t is[3],
                               const FC_T *w, int64_t K, int64_t pad_low, fc_boundary boundary,
                               double fill, FC_T *out, const int64_t os[3], int num_threads)
{
    if (!shape || !is || !os || K < 1 || pad_low < 0 || pad_low >= K) return FC_EINVAL;
    if (boundary < FC_BOUNDARY_FILL || boundary > FC_BOUNDARY_MIRROR) return FC_EINVAL;
    int64_t total = 1, ext;
    for (int i = 0; i < 3; ++i) {
        if (shape[i] < 0) return FC_EINVAL;
        if (fc_mul_ovf(total, shape[i], &total)) return FC_EOVERFLOW;
    }
    if (fc_add_ovf(shape[1], K, &ext) || fc_mul_ovf(ext, 64, &ext)) return FC_EOVERFLOW;
    if (total == 0) return FC_OK;
    if (!in || !out) return FC_EINVAL;
    fc_sep_plan p;
    fc_status st = fc_sep_plan_make(fc_tuning_get(), shape, is, os, K, pad_low,
                                    (int64_t)sizeof(FC_T), w == NULL, num_threads, &p);
    if (st) return st;
    int64_t per;
    if (fc_mul_ovf(p.scratch_bytes, p.nthreads, &per)) return FC_EOVERFLOW;
    char *scratch = fc_malloc((size_t)per);
    if (!scratch) return FC_ENOMEM;
    FC_F(sep_args) a = {&p, in, is, os, w, fc_sep_active(), w ? FC_F(sep_symmetry)(K, w) : 0,
                       (int)boundary, fill, out};
    FC_OMP(parallel num_threads(p.nthreads))
    {
        char *mine = scratch + fc_thread_id() * p.scratch_bytes;
        FC_OMP(for schedule(dynamic, 1))
        for (int64_t job = 0; job < p.njobs; ++job) {
            if (p.kind == FC_SEP_LANES)
                FC_F(sep_lanes_job)(&a, job, mine);
            else if (p.rowk)
                FC_F(sep_boxrow_lines_job)(&a, job, mine);
            else if (p.uniform)
                FC_F(sep_box_lines_job)(&a, job, mine);
            else
                FC_F(sep_lines_job)(&a, job, mine);
        }
    }
    fc_free(scratch);
    return FC_OK;
}

fc_status FC_F(fc_correlate1d)(const int64_t shape[3], const FC_T *in, const int64_t in_strides[3],
                               const FC_T *w, int64_t nw, int64_t pad_low, fc_boundary boundary,
                               FC_T fill, FC_T *out, const int64_t out_strides[3], int num_threads)
{
    if (!w) return FC_EINVAL;
    return FC_F(sep_run)(shape, in, in_strides, w, nw, pad_low, boundary, fill, out, out_strides,
                         num_threads);
}

fc_status FC_F(fc_uniform1d)(const int64_t shape[3], const FC_T *in, const int64_t in_strides[3],
                             int64_t size, int64_t pad_low, fc_boundary boundary, double fill,
                             FC_T *out, const int64_t out_strides[3], int num_threads)
{
    return FC_F(sep_run)(shape, in, in_strides, NULL, size, pad_low, boundary, fill, out,
                         out_strides, num_threads);
}
