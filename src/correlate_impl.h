/* Single-array correlation on the batched engine (N = C = K = 1), instantiated per type
 * by conv.c.  Output o reads extended in1 at o + lo + j for kernel tap j, where the
 * extension follows the boundary rule and lo = -(n2-1) + start:
 *   full: start 0            (n1=5, n2=3: lo=-2, 7 outputs)
 *   same: start (n2-1)//2 (correlate, convolve, convolve2d) or n2//2 (correlate2d)
 *   valid: lo = 0, and when in2 is the larger the two arrays swap (SciPy's rule). */

/* Single-channel 2-D/3-D correlation on the multi-row kernels: tiles of rb output rows
 * x rnr columns of one output plane; kernels taller than FC_RMAX rows run as row chunks
 * accumulating into the same tile, 3-D kernels plane by plane.  A job is one band of rb
 * rows.  A tile whose input window (R0 planes x rb+R1-1 rows x rnr+S-1 columns) lies
 * inside in1 reads it in place, rows L2 apart; the others (at the borders) read a copy of
 * their window made by the boundary rule.  Packing the whole padded input first was
 * 15-29% of a 3x3 call and needed two more barriers. */
static fc_status FC_F(single_mrow)(const fc_prob *p, const fc_geom *g0, const FC_T *wp, const FC_T *in,
                                   FC_T fill, FC_T *out, int nthreads)
{
    const FC_KT *kt = FC_ACTIVE();
    const int64_t rb = kt->rb, rnr = kt->rnr;
    const int64_t R0 = p->ker[0], R1 = p->ker[1], S = p->ker[2];
    const int64_t O0 = p->out[0], O1 = p->out[1], O2 = p->out[2];
    const int64_t *L = p->in, *plo = g0->plo;
    const int64_t nband = fc_ceil_div(O1, rb), nchunk = fc_ceil_div(O2, rnr);
    /* a tile reads rows [0, rb + R1 - 1) and columns [0, rnr + S - 1) from its corner,
     * whatever part of it is kept: the kernel always computes a whole tile */
    const int64_t wr = rb + R1 - 1, wc = rnr + S - 1, wsz = R0 * wr * wc;
    const int64_t tper = rb * rnr + wsz;
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(nthreads * tper));
    if (!scratch) return FC_ENOMEM;
    const int64_t njobs = O0 * nband;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
    {
#ifdef _OPENMP
        FC_T *tile = scratch + (int64_t)omp_get_thread_num() * tper;
#pragma omp for schedule(dynamic, 1)
#else
        FC_T *tile = scratch;
#endif
        for (int64_t job = 0; job < njobs; ++job) {
            const int64_t b = job % nband, o0 = job / nband;
            const int64_t nrow = O1 - b * rb < rb ? O1 - b * rb : rb;
            /* output (o0, o1, o2) reads source (o0 + r0, o1 + r1, o2 + s) - plo: the
             * band's window starts at source row b*rb - plo1 */
            const int64_t s0 = o0 - plo[0], s1 = b * rb - plo[1];
            const int rows_in = s0 >= 0 && s0 + R0 <= L[0] && s1 >= 0 && s1 + wr <= L[1];
            for (int64_t c = 0; c < nchunk; ++c) {
                const int64_t ncol = O2 - c * rnr < rnr ? O2 - c * rnr : rnr;
                const int64_t s2 = c * rnr - plo[2];
                const FC_T *x;
                int64_t pitch, pstride;
                if (rows_in && s2 >= 0 && s2 + wc <= L[2]) {
                    x = in + (s0 * L[1] + s1) * L[2] + s2;
                    pitch = L[2];
                    pstride = L[1] * L[2];
                } else {
                    /* the window is a stride-1 layout of its own: packed index j holds
                     * source index j + origin, i.e. a low pad of -origin (s2 = -1: one
                     * column of fill or boundary value, then source columns 0, 1, ...) */
                    fc_geom gw;
                    memset(&gw, 0, sizeof gw);
                    for (int a = 0; a < 3; ++a) {
                        gw.L[a] = L[a];
                        gw.s[a] = 1;
                    }
                    gw.plo[0] = -s0;
                    gw.plo[1] = -s1;
                    gw.plo[2] = -s2;
                    gw.q[0] = R0;
                    gw.q[1] = wr;
                    gw.q[2] = wc;
                    gw.nph = 1;
                    gw.boundary = g0->boundary;
                    FC_F(pack_rows)(in, &gw, fill, tile + rb * rnr, 0, R0 * wr);
                    x = tile + rb * rnr;
                    pitch = wc;
                    pstride = wr * wc;
                }
                /* a tile wholly inside the output is written in place; edge tiles go
                 * through the scratch tile and are copied */
                const int inside = ncol == rnr && nrow == rb;
                FC_T *dst = inside ? out + (o0 * O1 + b * rb) * O2 + c * rnr : tile;
                const int64_t ldt = inside ? O2 : rnr;
                int first = 1;
                for (int64_t r0 = 0; r0 < R0; ++r0)
                    for (int64_t rc = 0; rc < R1; rc += FC_RMAX) {
                        const int64_t rn = R1 - rc < FC_RMAX ? R1 - rc : FC_RMAX;
                        kt->mrow[rn - 1](S, x + r0 * pstride + rc * pitch, pitch,
                                         wp + (r0 * R1 + rc) * S, dst, ldt, !first);
                        first = 0;
                    }
                if (!inside)
                    for (int64_t i = 0; i < nrow; ++i)
                        memcpy(out + (o0 * O1 + b * rb + i) * O2 + c * rnr, tile + i * rnr,
                               sizeof(FC_T) * (size_t)ncol);
            }
        }
    }
    fc_free(scratch);
    return FC_OK;
}

/* Runs the correlation described by d (N = C = K = 1, stride and dilation 1) with the
 * extension rule `boundary`; *nout = the output's element count. */
static fc_status FC_F(single_run)(const fc_conv_desc *d, const FC_T *in1, const FC_T *in2,
                                  int boundary, FC_T fill, FC_T *out, int num_threads,
                                  int64_t *nout)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc(d, &p);
    if (st) return st;
    *nout = p.out[0] * p.out[1] * p.out[2];
    const FC_KT *kt = FC_ACTIVE();
    FC_F(engine) e;
    memset(&e, 0, sizeof e);
    FC_F(pick_kernel)(kt, 1, 0, &e);
    fc_geom g;
    if ((st = fc_geom_forward(&p, e.nr, &g))) return st;
    g.boundary = boundary;
    FC_T *wp = fc_malloc(sizeof(FC_T) * (size_t)p.T);
    if (!wp) { fc_geom_free(&g); return FC_ENOMEM; }
    for (int t = 0; t < g.T; ++t) wp[t] = in2[g.tap_elem[t]];
    if (d->ndim >= 2) {
        const int nt = fc_resolve_threads(num_threads, FC_F(macs)(&p));
        st = FC_F(single_mrow)(&p, &g, wp, in1, fill, out, nt);
        fc_free(wp);
        fc_geom_free(&g);
        return st;
    }
    FC_F(scatter) sc = {&g, {p.out[0], p.out[1], p.out[2]}, {0, 0, 0}, {1, 1, 1}};
    e.g = &g;
    e.sc = &sc;
    e.N = e.G = e.R = e.M = 1;
    e.src = in1;
    e.src_plane = p.in[0] * p.in[1] * p.in[2];
    e.fill = fill;
    e.wpack = wp;
    e.y = out;
    e.ystride = e.ybatch = p.out[0] * p.out[1] * p.out[2];
    st = FC_F(engine_run)(&e, fc_resolve_threads(num_threads, FC_F(macs)(&p)));
    fc_free(wp);
    fc_geom_free(&g);
    return st;
}

static fc_status FC_F(single)(int ndim, const int64_t *s1, const FC_T *in1, const int64_t *s2,
                              const FC_T *in2, fc_mode mode, int half_up, int boundary, FC_T fill,
                              int flip, FC_T *out, int num_threads)
{
    if (ndim < 1 || ndim > 3 || !in1 || !in2 || !out) return FC_EINVAL;
    if (boundary < FC_BOUNDARY_FILL || boundary > FC_BOUNDARY_MIRROR) return FC_EINVAL;
    int64_t oshape[3];
    fc_status st = fc_correlate_output_shape(ndim, s1, s2, mode, oshape);
    if (st) return st;
    int swapped = 0;
    if (mode == FC_MODE_VALID) {
        int all_ge = 1;
        for (int i = 0; i < ndim; ++i) all_ge &= s1[i] >= s2[i];
        if (!all_ge) {
            const int64_t *ts = s1;
            const FC_T *ta = in1;
            s1 = s2; in1 = in2; s2 = ts; in2 = ta;
            swapped = 1;
        }
    }
    fc_conv_desc d;
    memset(&d, 0, sizeof d);
    d.ndim = ndim;
    d.batch = d.in_channels = d.out_channels = d.groups = 1;
    d.flip = flip;
    for (int i = 0; i < ndim; ++i) {
        const int64_t k = s2[i];
        const int64_t start = mode == FC_MODE_SAME ? (half_up ? k / 2 : (k - 1) / 2) : 0;
        const int64_t lo = mode == FC_MODE_VALID ? 0 : -(k - 1) + start;
        d.input[i] = s1[i];
        d.kernel[i] = k;
        d.stride[i] = d.dilation[i] = 1;
        d.pad_low[i] = -lo;
        /* the extended input must reach o + lo + k - 1 for the last output o = out-1 */
        d.pad_high[i] = oshape[i] + lo + k - 1 - s1[i];
    }
    int64_t nout;
    st = FC_F(single_run)(&d, in1, in2, boundary, fill, out, num_threads, &nout);
    /* SciPy undoes the swap of a correlation by reversing every axis, which in C order
     * is reversing the flat array; convolution is commutative and needs nothing */
    if (!st && swapped && !flip) {
        for (int64_t i = 0, j = nout - 1; i < j; ++i, --j) {
            FC_T tmp = out[i];
            out[i] = out[j];
            out[j] = tmp;
        }
    }
    return st;
}

fc_status FC_F(fc_correlate)(int ndim, const int64_t *s1, const FC_T *in1, const int64_t *s2,
                             const FC_T *in2, fc_mode mode, FC_T *out, int num_threads)
{
    return FC_F(single)(ndim, s1, in1, s2, in2, mode, 0, FC_BOUNDARY_FILL, 0, 0, out, num_threads);
}

fc_status FC_F(fc_convolve)(int ndim, const int64_t *s1, const FC_T *in1, const int64_t *s2,
                            const FC_T *in2, fc_mode mode, FC_T *out, int num_threads)
{
    return FC_F(single)(ndim, s1, in1, s2, in2, mode, 0, FC_BOUNDARY_FILL, 0, 1, out, num_threads);
}

fc_status FC_F(fc_correlate2d)(const int64_t s1[2], const FC_T *in1, const int64_t s2[2],
                               const FC_T *in2, fc_mode mode, fc_boundary boundary, FC_T fill,
                               FC_T *out, int num_threads)
{
    return FC_F(single)(2, s1, in1, s2, in2, mode, 1, boundary, fill, 0, out, num_threads);
}

fc_status FC_F(fc_convolve2d)(const int64_t s1[2], const FC_T *in1, const int64_t s2[2],
                              const FC_T *in2, fc_mode mode, fc_boundary boundary, FC_T fill,
                              FC_T *out, int num_threads)
{
    return FC_F(single)(2, s1, in1, s2, in2, mode, 0, boundary, fill, 1, out, num_threads);
}

/* scipy.ndimage.correlate on `batch` images of ndim <= 3 axes: output shape = input shape,
 * output o reads the input extended by `boundary` at o - pad_low + j for tap j (ndimage's
 * pad_low = w // 2 + origin: w = 3, origin 0 -> o - 1 + j).  1-D runs as 2-D rows of one. */
fc_status FC_F(fc_correlate_nd)(int ndim, int64_t batch, const int64_t *in_shape, const FC_T *in,
                                const int64_t *w_shape, const FC_T *w, const int64_t *pad_low,
                                fc_boundary boundary, FC_T fill, FC_T *out, int num_threads)
{
    if (ndim < 1 || ndim > 3 || batch < 0 || !in_shape || !w_shape || !pad_low) return FC_EINVAL;
    if (boundary < FC_BOUNDARY_FILL || boundary > FC_BOUNDARY_MIRROR) return FC_EINVAL;
    fc_conv_desc d;
    memset(&d, 0, sizeof d);
    d.ndim = ndim < 2 ? 2 : ndim;
    d.batch = d.in_channels = d.out_channels = d.groups = 1;
    int64_t img = 1;
    for (int i = 0; i < d.ndim; ++i) {
        const int a = i - (d.ndim - ndim); /* the caller's axis, or -1 for the added one */
        const int64_t n = a < 0 ? 1 : in_shape[a], k = a < 0 ? 1 : w_shape[a];
        const int64_t lo = a < 0 ? 0 : pad_low[a];
        if (n < 1 || k < 1 || lo < 0 || lo > k - 1) return FC_EINVAL;
        d.input[i] = n;
        d.kernel[i] = k;
        d.stride[i] = d.dilation[i] = 1;
        d.pad_low[i] = lo;
        d.pad_high[i] = k - 1 - lo;
        if (fc_mul_ovf(img, n, &img)) return FC_EOVERFLOW;
    }
    if (batch == 0) return FC_OK;
    if (!in || !w || !out) return FC_EINVAL;
    for (int64_t b = 0; b < batch; ++b) {
        int64_t nout;
        fc_status st = FC_F(single_run)(&d, in + b * img, w, boundary, fill, out + b * img,
                                        num_threads, &nout);
        if (st) return st;
    }
    return FC_OK;
}
