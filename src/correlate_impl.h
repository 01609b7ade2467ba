/* Single-array correlation on the batched engine (N = C = K = 1), instantiated per type
 * by conv.c.  Output o reads extended in1 at o + lo + j for kernel tap j, where the
 * extension follows the boundary rule and lo = -(n2-1) + start:
 *   full: start 0            (n1=5, n2=3: lo=-2, 7 outputs)
 *   same: start (n2-1)//2 (correlate, convolve, convolve2d) or n2//2 (correlate2d)
 *   valid: lo = 0, and when in2 is the larger the two arrays swap (SciPy's rule). */

/* Single-channel 2-D/3-D correlation on the multi-row kernels: tiles of rb output rows
 * x rnr columns of one output plane; kernels taller than FC_RMAX rows run as row chunks
 * accumulating into the same tile, 3-D kernels plane by plane. */
static fc_status FC_F(single_mrow)(const fc_prob *p, const fc_geom *g0, const FC_T *wp, const FC_T *in,
                                   FC_T fill, FC_T *out, int nthreads)
{
    const FC_KT *kt = FC_ACTIVE();
    const int64_t rb = kt->rb, rnr = kt->rnr;
    const int64_t R0 = p->ker[0], R1 = p->ker[1], S = p->ker[2];
    const int64_t O0 = p->out[0], O1 = p->out[1], O2 = p->out[2];
    const int64_t q1 = g0->q[1], q2 = g0->q[2];
    const int64_t nband = fc_ceil_div(O1, rb), nchunk = fc_ceil_div(O2, rnr);
    /* the last tile reads plane O0-1+R0-1, row nband*rb-1+R1-1, column nchunk*rnr-1+S-1 */
    const int64_t need = ((O0 - 1 + R0 - 1) * q1 + nband * rb + R1 - 2) * q2 + nchunk * rnr + S - 1;
    fc_geom g = *g0;
    if (need > g.cs) g.cs = fc_round_up(need, 16);
    FC_T *xbuf = fc_malloc(sizeof(FC_T) * (size_t)g.cs);
    FC_T *tiles = fc_malloc(sizeof(FC_T) * (size_t)(nthreads * rb * rnr));
    if (!xbuf || !tiles) {
        fc_free(xbuf);
        fc_free(tiles);
        return FC_ENOMEM;
    }
    const int64_t rows = g.q[0] * g.q[1], njobs = O0 * nband * nchunk;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
    {
#ifdef _OPENMP
        FC_T *tile = tiles + (int64_t)omp_get_thread_num() * rb * rnr;
#pragma omp for schedule(static)
#else
        FC_T *tile = tiles;
#endif
        for (int64_t r = 0; r < rows; r += 64)
            FC_F(pack_rows)(in, &g, fill, xbuf, r, r + 64 < rows ? r + 64 : rows);
#ifdef _OPENMP
#pragma omp single
#endif
        memset(xbuf + rows * q2, 0, sizeof(FC_T) * (size_t)(g.cs - rows * q2));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (int64_t job = 0; job < njobs; ++job) {
            const int64_t c = job % nchunk, b = (job / nchunk) % nband, o0 = job / (nchunk * nband);
            const int64_t ncol = O2 - c * rnr < rnr ? O2 - c * rnr : rnr;
            const int64_t nrow = O1 - b * rb < rb ? O1 - b * rb : rb;
            /* a tile wholly inside the output is written in place; edge tiles go through
             * the scratch tile and are copied */
            const int inside = ncol == rnr && nrow == rb;
            FC_T *dst = inside ? out + (o0 * O1 + b * rb) * O2 + c * rnr : tile;
            const int64_t ldt = inside ? O2 : rnr;
            int first = 1;
            for (int64_t r0 = 0; r0 < R0; ++r0)
                for (int64_t rc = 0; rc < R1; rc += FC_RMAX) {
                    const int64_t rn = R1 - rc < FC_RMAX ? R1 - rc : FC_RMAX;
                    kt->mrow[rn - 1](S, xbuf + ((o0 + r0) * q1 + b * rb + rc) * q2 + c * rnr, q2,
                                     wp + (r0 * R1 + rc) * S, dst, ldt, !first);
                    first = 0;
                }
            if (!inside)
                for (int64_t i = 0; i < nrow; ++i)
                    memcpy(out + (o0 * O1 + b * rb + i) * O2 + c * rnr, tile + i * rnr,
                           sizeof(FC_T) * (size_t)ncol);
        }
    }
    fc_free(xbuf);
    fc_free(tiles);
    return FC_OK;
}

static fc_status FC_F(single)(int ndim, const int64_t *s1, const FC_T *in1, const int64_t *s2,
                              const FC_T *in2, fc_mode mode, int half_up, int boundary, FC_T fill,
                              int flip, FC_T *out, int num_threads)
{
    if (ndim < 1 || ndim > 3 || !in1 || !in2 || !out) return FC_EINVAL;
    if (boundary < FC_BOUNDARY_FILL || boundary > FC_BOUNDARY_SYMM) return FC_EINVAL;
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
    fc_prob p;
    if ((st = fc_prob_from_desc(&d, &p))) return st;
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
    if (ndim >= 2) {
        const int nt = fc_resolve_threads(num_threads, FC_F(macs)(&p));
        st = FC_F(single_mrow)(&p, &g, wp, in1, fill, out, nt);
        fc_free(wp);
        fc_geom_free(&g);
        goto unswap;
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
unswap:
    /* SciPy undoes the swap of a correlation by reversing every axis, which in C order
     * is reversing the flat array; convolution is commutative and needs nothing */
    if (!st && swapped && !flip) {
        const int64_t n = p.out[0] * p.out[1] * p.out[2];
        for (int64_t i = 0, j = n - 1; i < j; ++i, --j) {
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
