/* Executor of single-array correlation (N = C = K = 1), instantiated per type by
 * exec/exec.c.  Output o reads extended in1 at o + lo + j for kernel tap j, where the
 * extension follows the boundary rule and lo = -(n2-1) + start:
 *   full: start 0            (n1=5, n2=3: lo=-2, 7 outputs)
 *   same: start (n2-1)//2 (correlate, convolve, convolve2d) or n2//2 (correlate2d)
 *   valid: lo = 0, and when in2 is the larger the two arrays swap (SciPy's rule). */

/* Single-channel 2-D/3-D correlation on the multi-row kernels: tiles of rb output rows
 * x rnr columns of one output plane; kernels taller than FC_RMAX rows run as row chunks
 * accumulating into the same tile, 3-D kernels plane by plane.  A job is one band of rb
 * rows.  A tile whose input window (R0 planes x rb+R1-1 rows x rnr+S-1 columns) lies
 * inside in1 reads it in place, rows L2 apart; the others (at the borders) read a copy of
 * their window made by the boundary rule, so no pass packs the whole padded input
 * (nor waits for one). */
static fc_status FC_F(single_mrow)(const fc_plan *pl, const FC_T *wp, const FC_T *in, FC_T fill, FC_T *out)
{
    const fc_prob *p = &pl->p;
    const fc_geom *g0 = pl->geoms;
    const FC_KT *kt = FC_F(table)(pl);
    const int nthreads = pl->nthreads;
    const int64_t rb = pl->single.rb, rnr = pl->single.rnr;
    const int64_t R0 = p->ker[0], R1 = p->ker[1], S = p->ker[2];
    const int64_t O0 = p->out[0], O1 = p->out[1], O2 = p->out[2];
    const int64_t *L = p->in, *plo = g0->plo;
    const int64_t nband = pl->single.nband, nchunk = pl->single.nchunk;
    /* a tile reads rows [0, rb + R1 - 1) and columns [0, rnr + S - 1) from its corner,
     * whatever part of it is kept: the kernel always computes a whole tile */
    const int64_t wr = rb + R1 - 1, wc = rnr + S - 1, tper = pl->single.tper;
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(nthreads * tper));
    if (!scratch) return FC_ENOMEM;
    const int64_t njobs = O0 * nband;
    FC_OMP(parallel num_threads(nthreads))
    {
        FC_T *tile = scratch + fc_thread_id() * tper;
        FC_OMP(for schedule(dynamic, 1))
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

/* Run a planned single-array correlation of in1 with in2 (already swapped by the
 * caller where the plan says so). */
static fc_status FC_F(single_exec)(const fc_plan *pl, const FC_T *in1, const FC_T *in2, FC_T fill, FC_T *out)
{
    const fc_prob *p = &pl->p;
    const fc_geom *g = pl->geoms;
    FC_T *wp = fc_malloc(sizeof(FC_T) * (size_t)p->T);
    if (!wp) return FC_ENOMEM;
    for (int t = 0; t < g->T; ++t) wp[t] = in2[g->tap_elem[t]];
    fc_status st;
    if (pl->algo == FC_ALGO_FFT) {
        st = FC_F(fft_conv)(pl, wp, in1, fill, out);
    } else if (pl->single.mode == FC_SM_MROW) {
        st = FC_F(single_mrow)(pl, wp, in1, fill, out);
    } else {
        FC_F(engine) e = {pl->passes, in1, fill, wp, NULL, out, NULL, NULL, NULL, NULL};
        FC_F(engine_kernels)(FC_F(table)(pl), &e);
        st = FC_F(engine_run)(&pl->run, &e, pl->nthreads);
    }
    fc_free(wp);
    /* SciPy undoes the swap of a correlation by reversing every axis, which in C order
     * is reversing the flat array; convolution is commutative and needs nothing */
    if (!st && pl->single.swapped && !p->flip) {
        const int64_t n = p->out[0] * p->out[1] * p->out[2];
        for (int64_t i = 0, j = n - 1; i < j; ++i, --j) {
            FC_T tmp = out[i];
            out[i] = out[j];
            out[j] = tmp;
        }
    }
    return st;
}
