/* The FFT's drivers for one element type (FC_T, suffix FC_S; instantiated by
 * exec/exec.c): a complex transform over lanes (Stockham stages), the real
 * transform of rows of the last axis, a complex transform along a non-last axis, and
 * the n-D rfftn / irfftn entry points.  Layouts and stages: fft.h.  Single-threaded
 * except the entry points, which thread over row blocks and lane chunks: every output
 * element is computed by one job in an order fixed by the plan, whatever the threads. */

#define FX_KT FC_CAT2(fc_fftk, FC_S)

static const FX_KT *FC_F(fft_table)(const fc_fft_plan *pl) { return FC_CAT2(fc_fftk_for, FC_S)(pl->isa); }

/* One complex transform of length c->n over L lanes: element j of lane b read at
 * (xr, xi)[j*ldx + b], written at (yr, yi)[j*ldy + b]; x may be y.  w: 4*n*L elements.
 * Stage t reads element q + s*(p + j*m) and writes q + s*(r*p + k) (fft.h): where both
 * sides are lane-packed (ld = L), or s = 1, q and b merge into s*L consecutive lanes
 * (element e, lane b at e*ld + b: (q + s*i)*L + b = i*(s*L) + (q*L + b)). */
static void FC_F(cfft_lanes)(const fc_fft_plan *pl, const fc_cfft *c, FC_T sign, int64_t L, const FC_T *xr,
                             const FC_T *xi, int64_t ldx, FC_T *yr, FC_T *yi, int64_t ldy, FC_T *w)
{
    const FX_KT *kt = FC_F(fft_table)(pl);
    const FC_T *tw = (const FC_T *)pl->tw;
    const int64_t n = c->n;
    FC_T *buf[2][2] = {{w, w + n * L}, {w + 2 * n * L, w + 3 * n * L}};
    if (n == 1) {
        for (int64_t b = 0; b < L; ++b) {
            yr[b] = xr[b];
            yi[b] = xi[b];
        }
        return;
    }
    const int alias_one = c->nst == 1 && xr == yr;
    const FC_T *ir = xr, *ii = xi;
    int64_t ldi = ldx, s = 1;
    for (int t = 0; t < c->nst; ++t) {
        const int r = c->radix[t];
        const int64_t m = n / s / r;
        const int last = t == c->nst - 1 && !alias_one;
        FC_T *orr = last ? yr : buf[t & 1][0], *oi = last ? yi : buf[t & 1][1];
        const int64_t ldo = last ? ldy : L;
        const FC_T *twr = tw + c->twoff[t], *twi = twr + m * (r - 1);
        const FC_CAT2(fc_fft_bfly, FC_S) bf = kt->bfly[r];
        if (s == 1 || (ldi == L && ldo == L)) {
            for (int64_t p = 0; p < m; ++p)
                bf(s * L, ir + p * s * ldi, ii + p * s * ldi, m * s * ldi, orr + r * p * s * ldo,
                   oi + r * p * s * ldo, s * ldo, p ? twr + p * (r - 1) : NULL, p ? twi + p * (r - 1) : NULL, sign);
        } else {
            for (int64_t p = 0; p < m; ++p)
                for (int64_t q = 0; q < s; ++q)
                    bf(L, ir + (q + s * p) * ldi, ii + (q + s * p) * ldi, s * m * ldi, orr + (q + s * r * p) * ldo,
                       oi + (q + s * r * p) * ldo, s * ldo, p ? twr + p * (r - 1) : NULL,
                       p ? twi + p * (r - 1) : NULL, sign);
        }
        ir = orr;
        ii = oi;
        ldi = ldo;
        s *= r;
    }
    if (alias_one)
        for (int64_t j = 0; j < n; ++j)
            for (int64_t b = 0; b < L; ++b) {
                yr[j * ldy + b] = ir[j * L + b];
                yi[j * ldy + b] = ii[j * L + b];
            }
}

/* Real transforms of nrows rows of the last axis (row i at x + i*ldx, n = pl->n[last]
 * elements) into their half spectra (row i at (hr, hi) + i*ldh, pl->m elements), `lanes`
 * rows at a time.  w: pl->work elements. */
static void FC_F(rows_fwd)(const fc_fft_plan *pl, int64_t nrows, const FC_T *x, int64_t ldx, FC_T *hr, FC_T *hi,
                           int64_t ldh, FC_T *w)
{
    const fc_cfft *c = &pl->ax[pl->ndim - 1];
    const int64_t n = pl->n[pl->ndim - 1], M = pl->m, B = pl->lanes, nc = c->n;
    const int even = n % 2 == 0;
    const FC_T *wr = (const FC_T *)pl->tw + pl->rtw, *wi = wr + M;
    const FX_KT *kt = FC_F(fft_table)(pl);
    for (int64_t r0 = 0; r0 < nrows; r0 += B) {
        const int64_t L = nrows - r0 < B ? nrows - r0 : B;
        FC_T *zr = w, *zi = zr + n * L, *Zr = zi + n * L, *Zi = Zr + n * L;
        FC_T *Xr = Zi + n * L, *Xi = Xr + M * L, *cw = Xi + M * L;
        if (even)
            kt->glane(nc, L, x + r0 * ldx, NULL, ldx, 1, zr, zi);
        else
            for (int64_t b = 0; b < L; ++b)
                for (int64_t j = 0; j < nc; ++j) {
                    zr[j * L + b] = x[(r0 + b) * ldx + j];
                    zi[j * L + b] = 0;
                }
        FC_F(cfft_lanes)(pl, c, -1, L, zr, zi, L, Zr, Zi, L, cw);
        if (even) {
            kt->rpost(nc, L, Zr, Zi, Xr, Xi, wr, wi);
        } else {
            Xr = Zr;
            Xi = Zi;
        }
        kt->slane(M, L, Xr, Xi, 1, hr + r0 * ldh, hi + r0 * ldh, ldh, 0);
    }
}

/* The inverse: half spectra (row i at (hr, hi) + i*ldh) -> the first ncols elements of
 * real rows y + i*ldy, times scale (unnormalised transforms: scale 1/n undoes rows_fwd). */
static void FC_F(rows_inv)(const fc_fft_plan *pl, int64_t nrows, const FC_T *hr, const FC_T *hi, int64_t ldh,
                           FC_T *y, int64_t ldy, int64_t ncols, FC_T scale, FC_T *w)
{
    const fc_cfft *c = &pl->ax[pl->ndim - 1];
    const int64_t n = pl->n[pl->ndim - 1], M = pl->m, B = pl->lanes, nc = c->n;
    const int even = n % 2 == 0;
    const FC_T *wr = (const FC_T *)pl->tw + pl->rtw, *wi = wr + M;
    const FX_KT *kt = FC_F(fft_table)(pl);
    for (int64_t r0 = 0; r0 < nrows; r0 += B) {
        const int64_t L = nrows - r0 < B ? nrows - r0 : B;
        FC_T *zr = w, *zi = zr + n * L, *Zr = zi + n * L, *Zi = Zr + n * L;
        FC_T *Xr = Zi + n * L, *Xi = Xr + M * L, *cw = Xi + M * L;
        kt->glane(M, L, hr + r0 * ldh, hi + r0 * ldh, ldh, 0, Xr, Xi);
        if (even) {
            kt->rpre(nc, L, Xr, Xi, Zr, Zi, wr, wi);
        } else {
            /* the whole Hermitian sequence: Z_n-k = conj X_k */
            for (int64_t k = 0; k < M; ++k)
                for (int64_t b = 0; b < L; ++b) {
                    Zr[k * L + b] = Xr[k * L + b];
                    Zi[k * L + b] = Xi[k * L + b];
                    if (k) {
                        Zr[(n - k) * L + b] = Xr[k * L + b];
                        Zi[(n - k) * L + b] = -Xi[k * L + b];
                    }
                }
        }
        FC_F(cfft_lanes)(pl, c, 1, L, Zr, Zi, L, zr, zi, L, cw);
        if (even)
            kt->slane(ncols, L, zr, zi, scale, y + r0 * ldy, NULL, ldy, 1);
        else
            for (int64_t b = 0; b < L; ++b)
                for (int64_t j = 0; j < ncols; ++j) y[(r0 + b) * ldy + j] = zr[j * L + b] * scale;
    }
}

/* Complex transforms along axis d of one block: `count` lanes starting at (hr, hi),
 * element j of lane b at j*ld + b, in place, pl->chunk lanes a call.  w: pl->work. */
static void FC_F(axis_fft)(const fc_fft_plan *pl, int d, FC_T sign, FC_T *hr, FC_T *hi, int64_t ld, int64_t count,
                           FC_T *w)
{
    const int64_t C = pl->chunk;
    for (int64_t c0 = 0; c0 < count; c0 += C) {
        const int64_t L = count - c0 < C ? count - c0 : C;
        FC_F(cfft_lanes)(pl, &pl->ax[d], sign, L, hr + c0, hi + c0, ld, hr + c0, hi + c0, ld, w);
    }
}

/* Every non-last axis of the split spectrum (hr, hi) (shape n[0..ndim-2] x m), threaded
 * over (block, lane chunk) jobs. */
static void FC_F(axes_all)(const fc_fft_plan *pl, FC_T sign, FC_T *hr, FC_T *hi, FC_T *work, int nthreads)
{
    for (int d = 0; d < pl->ndim - 1; ++d) {
        int64_t outer = 1, inner = pl->m;
        for (int e = 0; e < d; ++e) outer *= pl->n[e];
        for (int e = d + 1; e < pl->ndim - 1; ++e) inner *= pl->n[e];
        const int64_t nch = fc_ceil_div(inner, pl->chunk), njobs = outer * nch, blk = pl->n[d] * inner;
        FC_OMP(parallel for num_threads(nthreads) schedule(dynamic, 1))
        for (int64_t job = 0; job < njobs; ++job) {
            const int64_t o = job / nch, c0 = job % nch * pl->chunk;
            const int64_t L = inner - c0 < pl->chunk ? inner - c0 : pl->chunk;
            FC_F(axis_fft)(pl, d, sign, hr + o * blk + c0, hi + o * blk + c0, inner, L,
                           work + fc_thread_id() * pl->work);
        }
    }
}

static int64_t FC_F(fft_rows)(const fc_fft_plan *pl)
{
    int64_t rows = 1;
    for (int d = 0; d < pl->ndim - 1; ++d) rows *= pl->n[d];
    return rows;
}

/* rfftn over the last ndim axes of x (C order, shape n): spec, interleaved complex of
 * shape n[..ndim-2] x m, as numpy.fft.rfftn. */
static fc_status FC_F(fft_rfftn)(const fc_fft_plan *pl, const FC_T *x, FC_T *spec, int nthreads)
{
    const int64_t rows = FC_F(fft_rows)(pl), M = pl->m, B = pl->lanes, nb = fc_ceil_div(rows, B);
    FC_T *h = fc_malloc(sizeof(FC_T) * (size_t)(2 * rows * M + nthreads * pl->work));
    if (!h) return FC_ENOMEM;
    FC_T *hr = h, *hi = h + rows * M, *work = hi + rows * M;
    const int64_t n = pl->n[pl->ndim - 1];
    FC_OMP(parallel for num_threads(nthreads) schedule(dynamic, 1))
    for (int64_t j = 0; j < nb; ++j) {
        const int64_t r0 = j * B, cnt = rows - r0 < B ? rows - r0 : B;
        FC_F(rows_fwd)(pl, cnt, x + r0 * n, n, hr + r0 * M, hi + r0 * M, M, work + fc_thread_id() * pl->work);
    }
    FC_F(axes_all)(pl, -1, hr, hi, work, nthreads);
    for (int64_t i = 0; i < rows * M; ++i) {
        spec[2 * i] = hr[i];
        spec[2 * i + 1] = hi[i];
    }
    fc_free(h);
    return FC_OK;
}

/* irfftn: spec (interleaved, n[..ndim-2] x m) -> real x of shape n, normalised by 1/N
 * as numpy.fft.irfftn with s = n. */
static fc_status FC_F(fft_irfftn)(const fc_fft_plan *pl, const FC_T *spec, FC_T *x, int nthreads)
{
    const int64_t rows = FC_F(fft_rows)(pl), M = pl->m, B = pl->lanes, nb = fc_ceil_div(rows, B);
    FC_T *h = fc_malloc(sizeof(FC_T) * (size_t)(2 * rows * M + nthreads * pl->work));
    if (!h) return FC_ENOMEM;
    FC_T *hr = h, *hi = h + rows * M, *work = hi + rows * M;
    for (int64_t i = 0; i < rows * M; ++i) {
        hr[i] = spec[2 * i];
        hi[i] = spec[2 * i + 1];
    }
    FC_F(axes_all)(pl, 1, hr, hi, work, nthreads);
    const int64_t n = pl->n[pl->ndim - 1];
    const FC_T scale = (FC_T)(1.0 / ((double)rows * (double)n));
    FC_OMP(parallel for num_threads(nthreads) schedule(dynamic, 1))
    for (int64_t j = 0; j < nb; ++j) {
        const int64_t r0 = j * B, cnt = rows - r0 < B ? rows - r0 : B;
        FC_F(rows_inv)(pl, cnt, hr + r0 * M, hi + r0 * M, M, x + r0 * n, n, n, scale,
                       work + fc_thread_id() * pl->work);
    }
    fc_free(h);
    return FC_OK;
}

/* The public entry points: validate -> plan -> execute. */
static fc_status FC_F(fft_entry)(int inverse, int ndim, const int64_t *shape, const FC_T *in, FC_T *out,
                                 int num_threads)
{
    if (ndim < 1 || ndim > FC_FFT_MAXDIM || !shape || !in || !out) return FC_EINVAL;
    double total = 1;
    for (int d = 0; d < ndim; ++d) {
        if (!fc_fft_size_ok(shape[d])) return FC_EUNSUPPORTED;
        total *= (double)shape[d];
    }
    if (total > 9.0e15) return FC_EOVERFLOW;
    fc_fft_plan pl;
    fc_status st = fc_fft_plan_make(ndim, shape, (int)sizeof(FC_T), fc_active_isa(), &pl);
    if (st) return st;
    /* about 2.5 n log2 n multiply-adds */
    const int nthreads = fc_resolve_threads(num_threads, 2.5 * total * log2(total + 1));
    st = inverse ? FC_F(fft_irfftn)(&pl, in, out, nthreads) : FC_F(fft_rfftn)(&pl, in, out, nthreads);
    fc_fft_plan_free(&pl);
    return st;
}

fc_status FC_F(fc_rfftn)(int ndim, const int64_t *shape, const FC_T *x, FC_T *spec, int num_threads)
{
    return FC_F(fft_entry)(0, ndim, shape, x, spec, num_threads);
}

fc_status FC_F(fc_irfftn)(int ndim, const int64_t *shape, const FC_T *spec, FC_T *x, int num_threads)
{
    return FC_F(fft_entry)(1, ndim, shape, spec, x, num_threads);
}

#undef FX_KT
