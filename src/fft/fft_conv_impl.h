/* The FFT path of single-array correlation (overlap-save), instantiated per type by
 * exec/exec.c after the packers and the FFT drivers.  Output o reads the extended input
 * at o - plo + j for tap j (exec/single_impl.h); a tile of n extended-input elements per
 * axis starting at source o0 - plo gives outputs o0 .. o0 + v - 1 (v = n - k + 1) as the
 * first v elements of the circular correlation of the window with the kernel:
 *   IFFT(FFT(window) * conj(FFT(kernel zero-padded to n))) / prod(n)
 * (n = 8, k = 3: window elements 0..7, outputs 0..5 use 0..7 without wrapping). */

/* The kernel's spectrum in the tiles' split layout, conjugated and scaled by 1/prod(n).
 * wp: the taps in plan order (row-major over the kernel, flipped for convolution). */
static void FC_F(fft_kspec)(const fc_plan *pl, const FC_T *wp, FC_T *kr, FC_T *ki, FC_T *x, FC_T *work)
{
    const fc_fft_tiles *ft = &pl->ft;
    const fc_fft_plan *f = &ft->fft;
    const int64_t *k = pl->p.ker, *n = ft->n;
    const int64_t rows = n[0] * n[1], M = f->m;
    memset(x, 0, sizeof(FC_T) * (size_t)(rows * n[2]));
    int64_t t = 0;
    for (int64_t r0 = 0; r0 < k[0]; ++r0)
        for (int64_t r1 = 0; r1 < k[1]; ++r1)
            for (int64_t r2 = 0; r2 < k[2]; ++r2) x[(r0 * n[1] + r1) * n[2] + r2] = wp[t++];
    FC_F(rows_fwd)(f, rows, x, n[2], kr, ki, M, work);
    FC_F(axes_all)(f, -1, kr, ki, work, 1);
    const FC_T scale = (FC_T)(1.0 / ((double)rows * (double)n[2]));
    for (int64_t i = 0; i < rows * M; ++i) {
        kr[i] *= scale;
        ki[i] *= -scale;
    }
}

/* One 2-D or 3-D tile `job`: pack its window, transform, multiply, invert the rows and
 * planes it keeps, and write them into out.  buf: the thread's ft->tper elements. */
static void FC_F(fft_tile)(const fc_plan *pl, const FC_T *in, FC_T fill, const FC_T *kr, const FC_T *ki,
                           FC_T *out, int64_t job, FC_T *buf)
{
    const fc_fft_tiles *ft = &pl->ft;
    const fc_fft_plan *f = &ft->fft;
    const fc_prob *p = &pl->p;
    const int64_t *n = ft->n, *O = p->out;
    const int64_t idx[3] = {job / (ft->nt[1] * ft->nt[2]), job / ft->nt[2] % ft->nt[1], job % ft->nt[2]};
    int64_t o[3], w[3];
    fc_geom gw;
    memset(&gw, 0, sizeof gw);
    for (int a = 0; a < 3; ++a) {
        o[a] = idx[a] * ft->v[a];
        w[a] = O[a] - o[a] < ft->v[a] ? O[a] - o[a] : ft->v[a];
        gw.L[a] = p->in[a];
        gw.s[a] = 1;
        gw.plo[a] = pl->geoms->plo[a] - o[a]; /* packed j holds source o - plo + j */
        gw.q[a] = n[a];
    }
    gw.nph = 1;
    gw.boundary = pl->geoms->boundary;
    const int64_t rows = n[0] * n[1], M = f->m, plane = n[1] * M;
    FC_T *x = buf, *hr = x + rows * n[2], *hi = hr + rows * M, *work = hi + rows * M;
    /* a window inside the input (no boundary value) is read in place by the row
     * transforms, plane by plane, instead of packed first: the same values, so the same
     * bits (rows are transformed independently, whatever their grouping) */
    int64_t src[3];
    int inside = 1;
    for (int a = 0; a < 3; ++a) {
        src[a] = o[a] - pl->geoms->plo[a];
        if (src[a] < 0 || src[a] + n[a] > p->in[a]) inside = 0;
    }
    if (inside) {
        const int64_t ld = p->in[2], pin = p->in[1] * p->in[2];
        for (int64_t i = 0; i < n[0]; ++i)
            FC_F(rows_fwd)(f, n[1], in + (src[0] + i) * pin + src[1] * ld + src[2], ld, hr + i * plane, hi + i * plane,
                           M, work);
    } else {
        FC_F(pack_rows)(in, &gw, fill, x, 0, rows);
        FC_F(rows_fwd)(f, rows, x, n[2], hr, hi, M, work);
    }
    if (ft->ndim == 3)
        for (int64_t i = 0; i < n[0]; ++i) FC_F(axis_fft)(f, 1, -1, hr + i * plane, hi + i * plane, M, M, work);
    /* the first axis forward, the product, the first axis back: one lane chunk at a time
     * in the work buffers (the spectrum is read and written once) */
    const int64_t len = f->n[0], inner = ft->ndim == 3 ? plane : M, C = f->chunk;
    for (int64_t c0 = 0; c0 < inner; c0 += C) {
        const int64_t L = inner - c0 < C ? inner - c0 : C;
        FC_T *tr = work, *ti = tr + len * L, *cw = ti + len * L;
        FC_F(cfft_lanes)(f, &f->ax[0], -1, L, hr + c0, hi + c0, inner, tr, ti, L, cw);
        for (int64_t j = 0; j < len; ++j)
            FC_F(fft_table)(f)->cmul(L, tr + j * L, ti + j * L, kr + j * inner + c0, ki + j * inner + c0);
        FC_F(cfft_lanes)(f, &f->ax[0], 1, L, tr, ti, L, hr + c0, hi + c0, inner, cw);
    }
    for (int64_t i = 0; i < w[0]; ++i) {
        if (ft->ndim == 3) FC_F(axis_fft)(f, 1, 1, hr + i * plane, hi + i * plane, M, M, work);
        FC_F(rows_inv)(f, w[1], hr + i * plane, hi + i * plane, M, out + ((o[0] + i) * O[1] + o[1]) * O[2] + o[2],
                       O[2], w[2], 1, work);
    }
}

static fc_status FC_F(fft_conv)(const fc_plan *pl, const FC_T *wp, const FC_T *in, FC_T fill, FC_T *out)
{
    const fc_fft_tiles *ft = &pl->ft;
    if (ft->ndim == 1) return FC_F(fft_conv1d)(pl, wp, in, fill, out);
    const int64_t ntot = ft->n[0] * ft->n[1] * ft->n[2], tper = ft->tper;
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(ft->kspec + ntot + ft->fft.work + pl->nthreads * tper));
    if (!scratch) return FC_ENOMEM;
    FC_T *kr = scratch, *ki = kr + ft->kspec / 2, *kx = ki + ft->kspec / 2, *threads = kx + ntot + ft->fft.work;
    FC_F(fft_kspec)(pl, wp, kr, ki, kx, kx + ntot);
    FC_OMP(parallel num_threads(pl->nthreads))
    {
        FC_T *buf = threads + fc_thread_id() * tper;
        FC_OMP(for schedule(dynamic, 1))
        for (int64_t job = 0; job < ft->njobs; ++job) FC_F(fft_tile)(pl, in, fill, kr, ki, out, job, buf);
    }
    fc_free(scratch);
    return FC_OK;
}
