/* The four-step complex transform (fft.h: fc_fft4_plan) and the 1-D overlap-save path
 * built on it, for one element type (FC_T, suffix FC_S; instantiated by exec/exec.c
 * after fft_exec_impl.h and the packers).
 *
 * Two tiles a transform.  The kernel is real, so the circular correlation of the complex
 * window z = x_a + i x_b with it is corr(x_a) + i corr(x_b): one complex transform of
 * length N does the work of two real ones of length N, with no untangling pass, and the
 * spectrum's order does not matter (the product is pointwise), so it stays scrambled.
 * A tile pair's data (2N elements) and the kernel's spectrum (2N) stay in L2 while the
 * three steps reread them (the planner's budget, fft_tile1d_bytes). */

/* Steps 1 and 4: transforms of length n1 down the n2 columns of (xr, xi) (element j1 of
 * column j2 at j1*n2 + j2) into (yr, yi), C columns a call; x may be y.  w: 4 n1 C. */
static void FC_F(f4_cols)(const fc_fft4_plan *f, FC_T sign, const FC_T *xr, const FC_T *xi, FC_T *yr, FC_T *yi,
                          FC_T *w)
{
    for (int64_t c0 = 0; c0 < f->n2; c0 += f->C) {
        const int64_t L = f->n2 - c0 < f->C ? f->n2 - c0 : f->C;
        FC_F(cfft_lanes)(&f->cp, &f->cp.ax[0], sign, L, xr + c0, xi + c0, f->n2, yr + c0, yi + c0, f->n2, w);
    }
}

/* Steps 2 and 3 over every row group of (ar, ai) (n1 rows of n2), then either the
 * product with the spectrum (kr, ki) and the inverse of steps 3 and 2 back into (ar,
 * ai) (sr NULL), or the spectrum itself written to (sr, si) (the kernel's; a untouched).
 * Group g's spectrum is the n2*Lg elements at g*G*n2 (fft.h).  w: f->work. */
static void FC_F(f4_rows)(const fc_fft4_plan *f, FC_T *ar, FC_T *ai, const FC_T *kr, const FC_T *ki, FC_T *sr,
                          FC_T *si, FC_T *w)
{
    const FC_CAT2(fc_fftk, FC_S) *kt = FC_F(fft_table)(&f->cp);
    const int64_t n2 = f->n2, G = f->G, nhi = f->ng * n2, nlo = n2 * G;
    const FC_T *tw = (const FC_T *)f->tw;
    FC_T *tr = w, *ti = tr + n2 * G, *zr = ti + n2 * G, *zi = zr + n2 * G, *Zr = zi + n2 * G, *Zi = Zr + n2 * G;
    FC_T *cw = Zi + n2 * G;
    for (int64_t g = 0; g < f->ng; ++g) {
        const int64_t Lg = f->n1 - g * G < G ? f->n1 - g * G : G, off = g * G * n2;
        kt->tw4(n2, Lg, G, tw + g * n2, tw + nhi + g * n2, tw + 2 * nhi, tw + 2 * nhi + nlo, tr, ti);
        kt->gtw(n2, Lg, ar + off, ai + off, n2, tr, ti, zr, zi);
        if (sr) {
            FC_F(cfft_lanes)(&f->cp, &f->cp.ax[1], -1, Lg, zr, zi, Lg, sr + off, si + off, Lg, cw);
            continue;
        }
        FC_F(cfft_lanes)(&f->cp, &f->cp.ax[1], -1, Lg, zr, zi, Lg, Zr, Zi, Lg, cw);
        kt->cmul(n2 * Lg, Zr, Zi, kr + off, ki + off);
        FC_F(cfft_lanes)(&f->cp, &f->cp.ax[1], 1, Lg, Zr, Zi, Lg, zr, zi, Lg, cw);
        kt->stw(n2, Lg, zr, zi, tr, ti, ar + off, ai + off, n2);
    }
}

/* The kernel's spectrum in the scrambled layout, conjugated and scaled by 1/N (the
 * transforms are unnormalised).  wp: the taps in plan order; x: 2N elements; w: work. */
static void FC_F(fft_kspec1d)(const fc_plan *pl, const FC_T *wp, FC_T *kr, FC_T *ki, FC_T *x, FC_T *w)
{
    const fc_fft4_plan *f = &pl->ft.f4;
    const int64_t N = f->N;
    memset(x, 0, sizeof(FC_T) * (size_t)(2 * N));
    memcpy(x, wp, sizeof(FC_T) * (size_t)pl->p.ker[2]);
    FC_F(f4_cols)(f, -1, x, x + N, x, x + N, w);
    FC_F(f4_rows)(f, x, x + N, NULL, NULL, kr, ki, w);
    const FC_T scale = (FC_T)(1.0 / (double)N);
    for (int64_t i = 0; i < N; ++i) {
        kr[i] *= scale;
        ki[i] *= -scale;
    }
}

/* Job `job`: tiles 2 job and 2 job + 1 (the second may not exist).  Tile t reads
 * extended-input elements [t*v, t*v + N) and keeps the first v outputs of its circular
 * correlation (v = N - k + 1), so the pair's windows are x[0, N) and x[v, v + N) of one
 * packed run of v + N elements.  buf: the thread's ft->tper elements. */
static void FC_F(fft_pair1d)(const fc_plan *pl, const FC_T *in, FC_T fill, const FC_T *kr, const FC_T *ki,
                             FC_T *out, int64_t job, FC_T *buf)
{
    const fc_fft_tiles *ft = &pl->ft;
    const fc_fft4_plan *f = &ft->f4;
    const int64_t N = f->N, v = ft->v[2], O = pl->p.out[2], t0 = 2 * job, o = t0 * v;
    const int two = t0 + 1 < ft->nt[2];
    fc_geom gw;
    memset(&gw, 0, sizeof gw);
    for (int a = 0; a < 3; ++a) {
        gw.L[a] = pl->p.in[a];
        gw.s[a] = gw.q[a] = 1;
    }
    gw.plo[2] = pl->geoms->plo[2] - o; /* packed j holds source o - plo + j */
    gw.q[2] = two ? v + N : N;
    gw.nph = 1;
    gw.boundary = pl->geoms->boundary;
    FC_T *x = buf, *ar = x + v + N, *ai = ar + N, *w = ai + N;
    /* packed even inside the input: the column step reads the run at stride n2, which
     * from L2 (after the copy) ran 8% faster than from DRAM in place (interleaved A/B,
     * 2e6 samples, 2000 taps, both dtypes) */
    FC_F(pack_rows)(in, &gw, fill, x, 0, 1);
    if (!two) memset(x + N, 0, sizeof(FC_T) * (size_t)v);
    FC_F(f4_cols)(f, -1, x, x + v, ar, ai, w);
    FC_F(f4_rows)(f, ar, ai, kr, ki, NULL, NULL, w);
    FC_F(f4_cols)(f, 1, ar, ai, ar, ai, w);
    const int64_t va = O - o < v ? O - o : v;
    memcpy(out + o, ar, sizeof(FC_T) * (size_t)va);
    if (two) {
        const int64_t vb = O - o - v < v ? O - o - v : v;
        memcpy(out + o + v, ai, sizeof(FC_T) * (size_t)vb);
    }
}

static fc_status FC_F(fft_conv1d)(const fc_plan *pl, const FC_T *wp, const FC_T *in, FC_T fill, FC_T *out)
{
    const fc_fft_tiles *ft = &pl->ft;
    const int64_t N = ft->f4.N, tper = ft->tper;
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(4 * N + ft->f4.work + pl->nthreads * tper));
    if (!scratch) return FC_ENOMEM;
    FC_T *kr = scratch, *ki = kr + N, *kx = ki + N, *threads = kx + 2 * N + ft->f4.work;
    FC_F(fft_kspec1d)(pl, wp, kr, ki, kx, kx + 2 * N);
    FC_OMP(parallel num_threads(pl->nthreads))
    {
        FC_T *buf = threads + fc_thread_id() * tper;
        FC_OMP(for schedule(dynamic, 1))
        for (int64_t job = 0; job < ft->njobs; ++job) FC_F(fft_pair1d)(pl, in, fill, kr, ki, out, job, buf);
    }
    fc_free(scratch);
    return FC_OK;
}

/* For the tests (tests/c/test_fft.c): the forward four-step transform of the complex
 * (xr, xi) (f->N elements) in natural order into (sr, si), and the inverse of the
 * forward with a unit spectrum between (N times x) into (br, bi). */
fc_status FC_F(fc_fft4_check)(const fc_fft4_plan *f, const FC_T *xr, const FC_T *xi, FC_T *sr, FC_T *si, FC_T *br,
                              FC_T *bi)
{
    const int64_t N = f->N, n1 = f->n1, n2 = f->n2, G = f->G;
    FC_T *m = fc_malloc(sizeof(FC_T) * (size_t)(4 * N + f->work));
    if (!m) return FC_ENOMEM;
    FC_T *ar = m, *ai = ar + N, *kr = ai + N, *ki = kr + N, *w = ki + N;
    FC_F(f4_cols)(f, -1, xr, xi, ar, ai, w);
    FC_F(f4_rows)(f, ar, ai, NULL, NULL, kr, ki, w);
    for (int64_t k1 = 0; k1 < n1; ++k1) {
        const int64_t g = k1 / G, b = k1 % G, Lg = n1 - g * G < G ? n1 - g * G : G;
        for (int64_t k2 = 0; k2 < n2; ++k2) {
            sr[k1 + n1 * k2] = kr[g * G * n2 + k2 * Lg + b];
            si[k1 + n1 * k2] = ki[g * G * n2 + k2 * Lg + b];
        }
    }
    for (int64_t i = 0; i < N; ++i) {
        kr[i] = 1;
        ki[i] = 0;
    }
    FC_F(f4_cols)(f, -1, xr, xi, ar, ai, w);
    FC_F(f4_rows)(f, ar, ai, kr, ki, NULL, NULL, w);
    FC_F(f4_cols)(f, 1, ar, ai, br, bi, w);
    fc_free(m);
    return FC_OK;
}
