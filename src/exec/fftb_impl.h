/* The FFT path of the batched 1-D passes (plan: plan/plan_fft_batched.c), instantiated
 * per type by exec/exec.c after the FFT drivers (fft/fft_exec_impl.h).
 *
 * Forward and input gradient: overlap-save tiles.  Tile t of an image gives outputs
 * o = t*v .. t*v + v - 1 of every destination channel from the source window at
 * t*v - plo .. t*v - plo + n - 1 (zeros outside the source):
 *   Y_d = sum_s W_ds X_s per bin (W = conj(FFT(taps)) / n), y = the first v of IFFT(Y)
 * (n = 8, K = 3: v = 6 outputs from 8 window elements, no wrap-around).
 * Weight gradient: gw_ds[j] = sum over images and tiles of the first K of
 * IFFT(conj(FFT(g tile, zero-padded)) FFT(x window)) / n, the per-bin sums over tiles in
 * image-major order whatever the threads. */

#define FB_CMM FC_CAT2(fc_fftb_cmm_for, FC_S)
#define FB_CMM_T FC_CAT2(fc_fftb_cmm, FC_S)

/* Tap j of the correlation of destination d with source s of group g (fc_fftb_dims):
 * the forward kernel (flipped for flip), or for the input gradient its channel-transposed
 * reversal. */
static FC_T FC_F(fftb_tap)(const fc_plan *pl, const FC_T *w, int64_t g, int64_t d, int64_t s, int64_t j)
{
    const fc_prob *p = &pl->p;
    const int64_t K = p->ker[2];
    if (pl->op == FC_OP_BACKWARD_INPUT)
        return w[((g * p->Kg + s) * p->Cg + d) * K + (p->flip ? j : K - 1 - j)];
    return w[((g * p->Kg + d) * p->Cg + s) * K + (p->flip ? K - 1 - j : j)];
}

/* The kernel spectra [g][d][s][Mp] (both planes), conjugated and scaled by 1/n: rows of
 * taps zero-padded to n, `lanes` rows a job. */
static fc_status FC_F(fftb_kspec)(const fc_plan *pl, const fc_fftb_dims *dm, const FC_T *w, FC_T *kr, FC_T *ki,
                                  int64_t Mp)
{
    const fc_fft_plan *f = &pl->ft.fft;
    const int64_t n = pl->ft.n[2], B = f->lanes, rows = pl->p.G * dm->D * dm->S, per = B * n + f->work;
    FC_T *buf = fc_malloc(sizeof(FC_T) * (size_t)(pl->nthreads * per));
    if (!buf) return FC_ENOMEM;
    const FC_T scale = (FC_T)(1.0 / (double)n);
    FC_OMP(parallel for num_threads(pl->nthreads) schedule(dynamic, 1))
    for (int64_t r0 = 0; r0 < rows; r0 += B) {
        FC_T *x = buf + fc_thread_id() * per;
        const int64_t cnt = rows - r0 < B ? rows - r0 : B;
        memset(x, 0, sizeof(FC_T) * (size_t)(cnt * n));
        for (int64_t r = 0; r < cnt; ++r) {
            const int64_t s = (r0 + r) % dm->S, d = (r0 + r) / dm->S % dm->D, g = (r0 + r) / dm->S / dm->D;
            for (int64_t j = 0; j < dm->K; ++j) x[r * n + j] = FC_F(fftb_tap)(pl, w, g, d, s, j);
        }
        FC_F(rows_fwd)(f, cnt, x, n, kr + r0 * Mp, ki + r0 * Mp, Mp, x + cnt * n);
        for (int64_t r = r0; r < r0 + cnt; ++r)
            for (int64_t k = 0; k < f->m; ++k) {
                kr[r * Mp + k] *= scale;
                ki[r * Mp + k] *= -scale;
            }
    }
    fc_free(buf);
    return FC_OK;
}

/* x[i] = src[o0 + i] for i < len, zero where o0 + i is outside [0, Ls) */
static void FC_F(fftb_window)(const FC_T *src, int64_t Ls, int64_t o0, int64_t len, FC_T *x)
{
    const int64_t lo = o0 < 0 ? -o0 : 0, hi0 = Ls - o0, hi = hi0 < lo ? lo : hi0 > len ? len : hi0;
    if (lo > 0) memset(x, 0, sizeof(FC_T) * (size_t)(lo < len ? lo : len));
    if (hi > lo) memcpy(x + lo, src + o0 + lo, sizeof(FC_T) * (size_t)(hi - lo));
    if (len > hi && hi >= lo) memset(x + hi, 0, sizeof(FC_T) * (size_t)(len - hi));
}

/* One forward / input-gradient job: tiles t0 .. t0 + cnt - 1 of image img, every
 * channel, as one batch of rows (channel-major: row c*cnt + b is tile b of channel c, so
 * the transforms fill their lanes whatever cnt).  buf: the thread's ft->tper elements
 * (the spectra planes zero past M). */
static void FC_F(fftb_job)(const fc_plan *pl, const fc_fftb_dims *dm, const FC_T *src, const FC_T *kr,
                           const FC_T *ki, const FC_T *bias, FC_T *dst, int64_t job, int64_t Mp, FC_T *buf)
{
    const fc_fft_tiles *ft = &pl->ft;
    const fc_fft_plan *f = &ft->fft;
    const int64_t n = ft->n[2], v = ft->v[2], R = ft->rows, nb = fc_ceil_div(ft->nt[2], R);
    const int64_t G = pl->p.G, C = G * dm->S, Dt = G * dm->D, img = job / nb, t0 = job % nb * R;
    const int64_t cnt = ft->nt[2] - t0 < R ? ft->nt[2] - t0 : R, o = t0 * v, cm = cnt * Mp;
    FC_T *Xr = buf, *Xi = Xr + C * R * Mp, *Yr = Xi + C * R * Mp, *Yi = Yr + Dt * R * Mp;
    FC_T *x = Yi + Dt * R * Mp, *work = x + (C * n > Dt * v ? C * n : Dt * v) * R;
    for (int64_t c = 0; c < C; ++c)
        for (int64_t b = 0; b < cnt; ++b)
            FC_F(fftb_window)(src + (img * C + c) * dm->Ls, dm->Ls, o + b * v - dm->plo, n, x + (c * cnt + b) * n);
    FC_F(rows_fwd)(f, C * cnt, x, n, Xr, Xi, Mp, work);
    const FB_CMM_T cmm = FB_CMM(f->isa);
    for (int64_t g = 0; g < G; ++g)
        for (int64_t d0 = 0; d0 < dm->D; d0 += FC_FFTB_ND) {
            const int nd = (int)(dm->D - d0 < FC_FFTB_ND ? dm->D - d0 : FC_FFTB_ND);
            const int64_t wo = (g * dm->D + d0) * dm->S * Mp, xo = g * dm->S * cm, yo = (g * dm->D + d0) * cm;
            cmm(Mp, dm->S, nd, cnt, kr + wo, ki + wo, dm->S * Mp, Mp, Xr + xo, Xi + xo, cm, Mp, Yr + yo, Yi + yo, cm,
                Mp, 0);
        }
    /* every (channel, tile) row back into x (row r at r*v), then its kept outputs */
    FC_F(rows_inv)(f, Dt * cnt, Yr, Yi, Mp, x, v, v, 1, work);
    const int64_t kept = dm->Ld - o < cnt * v ? dm->Ld - o : cnt * v;
    for (int64_t d = 0; d < Dt; ++d) {
        FC_T *y = dst + (img * Dt + d) * dm->Ld + o;
        const FC_T *t = x + d * cnt * v, bv = bias ? bias[d] : 0;
        if (bias)
            for (int64_t i = 0; i < kept; ++i) y[i] = t[i] + bv;
        else
            memcpy(y, t, sizeof(FC_T) * (size_t)kept);
    }
}

/* Forward (src = x, dst = y, bias) or input gradient (src = grad_out, dst = grad_in). */
static fc_status FC_F(fftb_exec)(const fc_plan *pl, const FC_T *src, const FC_T *w, const FC_T *bias, FC_T *dst)
{
    const fc_fft_tiles *ft = &pl->ft;
    fc_fftb_dims dm;
    fc_fftb_dims_of(&pl->p, pl->op, &dm);
    const int64_t Mp = fc_round_up(ft->fft.m, FC_FFTB_VEC(FC_T)), tper = ft->tper;
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)(ft->kspec + pl->nthreads * tper));
    if (!scratch) return FC_ENOMEM;
    /* zero: the bins past M of every spectrum row stay zero (the product kernel reads
     * whole vectors of bins) */
    memset(scratch, 0, sizeof(FC_T) * (size_t)(ft->kspec + pl->nthreads * tper));
    FC_T *kr = scratch, *ki = kr + ft->kspec / 2, *threads = ki + ft->kspec / 2;
    fc_status st = FC_F(fftb_kspec)(pl, &dm, w, kr, ki, Mp);
    if (!st) {
        FC_OMP(parallel for num_threads(pl->nthreads) schedule(dynamic, 1))
        for (int64_t job = 0; job < ft->njobs; ++job)
            FC_F(fftb_job)(pl, &dm, src, kr, ki, bias, dst, job, Mp, threads + fc_thread_id() * tper);
    }
    fc_free(scratch);
    return st;
}

/* Weight gradient, phase 1 of a round: job = one channel of x (c < C) or of grad_out
 * (c >= C) over a block of up to `lanes` of the round's tiles, slots i0 ..: tile u = u0 + i
 * (image-major over every image's tiles) gives the x window at o - plo, or grad_out's
 * tile at o zero-padded to n (o = its first output), transformed as one batch of rows
 * into X[c][i] or G[c - C][i] (rows Mp apart, channels R*Mp), G conjugated.  buf: the
 * thread's ft->tper elements. */
static void FC_F(fftb_bw_rows)(const fc_plan *pl, const fc_fftb_dims *dm, const FC_T *x, const FC_T *go, int64_t u0,
                               int64_t c, int64_t i0, int64_t cnt, FC_T *Xr, FC_T *Xi, FC_T *Gr, FC_T *Gi, int64_t Mp,
                               FC_T *buf)
{
    const fc_fft_tiles *ft = &pl->ft;
    const fc_fft_plan *f = &ft->fft;
    const int64_t n = ft->n[2], v = ft->v[2], R = ft->rows, C = pl->p.G * dm->S, Dt = pl->p.G * dm->D;
    const int is_g = c >= C;
    FC_T *rows = buf, *work = rows + f->lanes * n;
    for (int64_t b = 0; b < cnt; ++b) {
        const int64_t u = u0 + i0 + b, img = u / ft->nt[2], o = u % ft->nt[2] * v;
        if (!is_g) {
            FC_F(fftb_window)(x + (img * C + c) * dm->Ls, dm->Ls, o - dm->plo, n, rows + b * n);
        } else {
            const int64_t keep = dm->Ld - o < v ? dm->Ld - o : v;
            memcpy(rows + b * n, go + (img * Dt + c - C) * dm->Ld + o, sizeof(FC_T) * (size_t)keep);
            memset(rows + b * n + keep, 0, sizeof(FC_T) * (size_t)(n - keep));
        }
    }
    FC_T *hr = is_g ? Gr + ((c - C) * R + i0) * Mp : Xr + (c * R + i0) * Mp;
    FC_T *hi = is_g ? Gi + ((c - C) * R + i0) * Mp : Xi + (c * R + i0) * Mp;
    FC_F(rows_fwd)(f, cnt, rows, n, hr, hi, Mp, work);
    if (is_g)
        for (int64_t b = 0; b < cnt; ++b)
            for (int64_t k = 0; k < f->m; ++k) hi[b * Mp + k] = -hi[b * Mp + k];
}

/* The weight gradient: rounds of R tiles (phase 1 threaded over tiles), then the per-bin
 * sums P[g][d][s] += sum over the round's tiles in order of conj(G_d) X_s (threaded over
 * blocks of channel pairs), then one inverse a channel pair, its first K kept. */
static fc_status FC_F(fftb_exec_bw)(const fc_plan *pl, const FC_T *x, const FC_T *go, FC_T *gw)
{
    const fc_fft_tiles *ft = &pl->ft;
    const fc_fft_plan *f = &ft->fft;
    fc_fftb_dims dm;
    fc_fftb_dims_of(&pl->p, pl->op, &dm);
    const int64_t Mp = fc_round_up(f->m, FC_FFTB_VEC(FC_T)), R = ft->rows, G = pl->p.G;
    const int64_t C = G * dm.S, Dt = G * dm.D, K = dm.K, all = pl->p.N * ft->nt[2], tper = ft->tper;
    const int64_t spec = 2 * (C + Dt) * R * Mp, total = ft->kspec + spec + pl->nthreads * tper;
    FC_T *scratch = fc_malloc(sizeof(FC_T) * (size_t)total);
    if (!scratch) return FC_ENOMEM;
    memset(scratch, 0, sizeof(FC_T) * (size_t)total);
    FC_T *Pr = scratch, *Pi = Pr + ft->kspec / 2, *Xr = Pi + ft->kspec / 2, *Xi = Xr + C * R * Mp;
    FC_T *Gr = Xi + C * R * Mp, *Gi = Gr + Dt * R * Mp, *threads = Gi + Dt * R * Mp;
    const FB_CMM_T cmm = FB_CMM(f->isa);
    /* pair jobs: (group, block of FC_FFTB_ND output channels, block of input channels,
     * block of KB bins: jobs enough to balance the threads; each bin's sum is one job's) */
    const int64_t ndb = fc_ceil_div(dm.D, FC_FFTB_ND), SB = FC_FFTB_ND, nsb = fc_ceil_div(dm.S, SB);
    const int64_t KB = 32 * FC_FFTB_VEC(FC_T), nkb = fc_ceil_div(Mp, KB);
    for (int64_t u0 = 0; u0 < all; u0 += R) {
        const int64_t cnt = all - u0 < R ? all - u0 : R;
        FC_OMP(parallel num_threads(pl->nthreads))
        {
            FC_T *buf = threads + fc_thread_id() * tper;
            const int64_t B = f->lanes, nblk = fc_ceil_div(cnt, B);
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t job = 0; job < (C + Dt) * nblk; ++job) {
                const int64_t i0 = job % nblk * B;
                FC_F(fftb_bw_rows)(pl, &dm, x, go, u0, job / nblk, i0, cnt - i0 < B ? cnt - i0 : B, Xr, Xi, Gr, Gi,
                                   Mp, buf);
            }
            FC_OMP(for schedule(dynamic, 1))
            for (int64_t job = 0; job < G * ndb * nsb * nkb; ++job) {
                const int64_t pj = job / nkb, k0 = job % nkb * KB, kb = Mp - k0 < KB ? Mp - k0 : KB;
                const int64_t g = pj / (ndb * nsb), d0 = pj / nsb % ndb * FC_FFTB_ND, s0 = pj % nsb * SB;
                const int nd = (int)(dm.D - d0 < FC_FFTB_ND ? dm.D - d0 : FC_FFTB_ND);
                const int64_t ns = dm.S - s0 < SB ? dm.S - s0 : SB;
                const int64_t go_ = (g * dm.D + d0) * R * Mp + k0, xo = (g * dm.S + s0) * R * Mp + k0;
                const int64_t po = ((g * dm.D + d0) * dm.S + s0) * Mp + k0;
                cmm(kb, cnt, nd, ns, Gr + go_, Gi + go_, R * Mp, Mp, Xr + xo, Xi + xo, Mp, R * Mp, Pr + po, Pi + po,
                    dm.S * Mp, Mp, 1);
            }
        }
    }
    /* one inverse a (d, s) pair, scaled by 1/n, its first K; flip: taps reversed */
    const int64_t rows = G * dm.D * dm.S, B = f->lanes;
    const FC_T scale = (FC_T)(1.0 / (double)ft->n[2]);
    FC_OMP(parallel for num_threads(pl->nthreads) schedule(dynamic, 1))
    for (int64_t r0 = 0; r0 < rows; r0 += B) {
        const int64_t n = rows - r0 < B ? rows - r0 : B;
        FC_F(rows_inv)(f, n, Pr + r0 * Mp, Pi + r0 * Mp, Mp, gw + r0 * K, K, K, scale,
                       threads + fc_thread_id() * tper);
        if (pl->p.flip)
            for (int64_t r = r0; r < r0 + n; ++r)
                for (int64_t j = 0; j < K / 2; ++j) {
                    const FC_T t = gw[r * K + j];
                    gw[r * K + j] = gw[r * K + K - 1 - j];
                    gw[r * K + K - 1 - j] = t;
                }
    }
    fc_free(scratch);
    return FC_OK;
}

#undef FB_CMM
#undef FB_CMM_T
