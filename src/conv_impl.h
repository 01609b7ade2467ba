/* Drivers, written once and instantiated per element type by conv.c:
 *   FC_T    element type         FC_S   suffix (f32 / f64)
 * Drivers own the packing, the blocking and the OpenMP loops; the per-ISA micro-kernels
 * (kernels/) only ever see one tile.  Work is split so that every output element is
 * reduced by exactly one thread in a fixed order: results do not depend on the thread
 * count. */

#define FC_CAT2_(a, b) a##_##b
#define FC_CAT2(a, b) FC_CAT2_(a, b)
#define FC_F(name) FC_CAT2(name, FC_S)
#define FC_KT FC_CAT2(fc_kernels, FC_S)
#define FC_ACTIVE FC_CAT2(fc_active, FC_S)

/* Pack rows [r0, r1) of one source channel (extent g->L, C-order) into the polyphase
 * layout of g, filling outside the source by the boundary rule (FILL with `fill`, WRAP,
 * SYMM).  A row is one (phase, j0, j1) line of q2 elements: row index
 * ((a0*s1 + a1)*s2 + a2)*q0*q1 + j0*q1 + j1.  Row r goes to dst + (r - r0)*q2. */
static void FC_F(pack_rows)(const FC_T *src, const fc_geom *g, FC_T fill, FC_T *dst, int64_t r0,
                            int64_t r1)
{
    const int64_t L1 = g->L[1], L2 = g->L[2];
    const int64_t q0 = g->q[0], q1 = g->q[1], q2 = g->q[2];
    if (g->boundary == FC_BOUNDARY_FILL) {
        /* The common case, a constant fill (every padded layer): within one phase every
         * row has the same column bounds and (j0, j1) advance by one, so rows are walked
         * with counters, not the divisions and index mapping of the general loop below
         * (which cost as much as the copy on 28-pixel rows: 17% of an 8->16-channel
         * 28x28 forward pass, and a third of a 3x3 stride-2 64-channel backward-weight).
         * Phase column j holds source column a2 + j*s2 - plo2: plo2 = 1, L2 = 28, s2 = 1,
         * q2 = 30 -> fill at j = 0, source 0..27 at j = 1..28, fill at j = 29; s2 = 2,
         * a2 = 0, q2 = 15: fill at j = 0, source 1, 3, .., 27 at j = 1..14. */
        const int64_t s0 = g->s[0], s1 = g->s[1], s2 = g->s[2], pr = q0 * q1;
        int64_t ph = r0 / pr, j0 = (r0 / q1) % q0, j1 = r0 % q1;
        for (int64_t row = r0; row < r1; ++ph) {
            const int64_t a2 = ph % s2, a1 = (ph / s2) % s1, a0 = ph / (s2 * s1);
            const int64_t first = a2 - g->plo[2];
            int64_t lo = first >= 0 ? 0 : fc_ceil_div(-first, s2);
            int64_t hi = first < L2 ? fc_ceil_div(L2 - first, s2) : 0;
            if (lo > q2) lo = q2;
            if (hi > q2) hi = q2;
            if (hi < lo) hi = lo;
            const int64_t rend = (ph + 1) * pr < r1 ? (ph + 1) * pr : r1;
            if (ph < 64 && (g->phskip >> ph) & 1) {
                /* no tap reads this phase, but tiles' dropped lanes may run into it:
                 * zeros, never stale bytes (a denormal there costs an FMA assist) */
                memset(dst + (row - r0) * q2, 0, sizeof(FC_T) * (size_t)((rend - row) * q2));
                row = rend;
                j0 = j1 = 0;
                continue;
            }
            for (; row < rend; ++row) {
                const int64_t i0 = a0 + j0 * s0 - g->plo[0], i1 = a1 + j1 * s1 - g->plo[1];
                FC_T *out = dst + (row - r0) * q2;
                if (i0 < 0 || i0 >= g->L[0] || i1 < 0 || i1 >= L1 || hi == lo) {
                    for (int64_t j = 0; j < q2; ++j) out[j] = fill;
                } else {
                    const FC_T *sp = src + (i0 * L1 + i1) * L2 + first;
                    for (int64_t j = 0; j < lo; ++j) out[j] = fill;
                    /* libc's copy uses this machine's widest vectors; the loop compiled
                     * with the drivers' baseline flags moved 16 bytes at a time (13% of
                     * a 512x512 3x3 correlate2d, whose border tiles copy their windows) */
                    if (s2 == 1)
                        memcpy(out + lo, sp + lo, sizeof(FC_T) * (size_t)(hi - lo));
                    else if (s2 == 2) /* a constant stride, which the compiler vectorises */
                        for (int64_t j = lo; j < hi; ++j) out[j] = sp[2 * j];
                    else
                        for (int64_t j = lo; j < hi; ++j) out[j] = sp[j * s2];
                    for (int64_t j = hi; j < q2; ++j) out[j] = fill;
                }
                if (++j1 == q1) {
                    j1 = 0;
                    if (++j0 == q0) j0 = 0;
                }
            }
        }
        return;
    }
    for (int64_t row = r0; row < r1; ++row) {
        const int64_t j1 = row % q1, j0 = (row / q1) % q0, ph = row / (q0 * q1);
        const int64_t a2 = ph % g->s[2], a1 = (ph / g->s[2]) % g->s[1], a0 = ph / (g->s[2] * g->s[1]);
        FC_T *out = dst + (row - r0) * q2;
        /* phase a, index j holds padded a + j*s, i.e. source a + j*s - plo */
        const int64_t i0 = fc_map_index(a0 + j0 * g->s[0] - g->plo[0], g->L[0], g->boundary);
        const int64_t i1 = fc_map_index(a1 + j1 * g->s[1] - g->plo[1], L1, g->boundary);
        if (i0 < 0 || i1 < 0) {
            for (int64_t j2 = 0; j2 < q2; ++j2) out[j2] = fill;
            continue;
        }
        const FC_T *srow = src + (i0 * L1 + i1) * L2;
        const int64_t s2 = g->s[2], first = a2 - g->plo[2];
        /* j2 with 0 <= first + j2*s2 < L2 copy straight; the rest map */
        int64_t lo = first >= 0 ? 0 : fc_ceil_div(-first, s2);
        int64_t hi = first < L2 ? fc_ceil_div(L2 - first, s2) : 0;
        if (lo > q2) lo = q2;
        if (hi > q2) hi = q2;
        if (hi < lo) hi = lo;
        for (int64_t j2 = 0; j2 < lo; ++j2) {
            const int64_t i2 = fc_map_index(first + j2 * s2, L2, g->boundary);
            out[j2] = i2 < 0 ? fill : srow[i2];
        }
        if (s2 == 1)
            memcpy(out + lo, srow + first + lo, sizeof(FC_T) * (size_t)(hi - lo));
        else
            for (int64_t j2 = lo; j2 < hi; ++j2) out[j2] = srow[first + j2 * s2];
        for (int64_t j2 = hi; j2 < q2; ++j2) {
            const int64_t i2 = fc_map_index(first + j2 * s2, L2, g->boundary);
            out[j2] = i2 < 0 ? fill : srow[i2];
        }
    }
}

/* Pack a whole channel in the column-folded layout (fc_geom_fold): copy m holds
 * padded (j0, j1, j + rep[m]) at row (j0, j1), column j, i.e. the stride-1 layout of
 * rows q2 = O2 long whose low column pad is plo2 - rep[m] (rep 2, plo2 1: source
 * columns 1.. from column 0); slack zeroed. */
static void FC_F(pack_fold)(const FC_T *src, const fc_geom *g, FC_T fill, FC_T *dst)
{
    const int64_t rows = g->q[0] * g->q[1];
    for (int m = 0; m < g->nrep; ++m) {
        fc_geom gm = *g;
        gm.plo[2] = g->plo[2] - g->rep[m];
        FC_F(pack_rows)(src, &gm, fill, dst + m * g->ps, 0, rows);
    }
    memset(dst + g->nrep * g->ps, 0, sizeof(FC_T) * (size_t)(g->cs - g->nrep * g->ps));
}

/* Pack a whole channel and zero its slack. */
static void FC_F(pack_plane)(const FC_T *src, const fc_geom *g, FC_T fill, FC_T *dst)
{
    if (g->nrep) {
        FC_F(pack_fold)(src, g, fill, dst);
        return;
    }
    const int64_t rows = g->nph * g->q[0] * g->q[1];
    FC_F(pack_rows)(src, g, fill, dst, 0, rows);
    memset(dst + rows * g->q[2], 0, sizeof(FC_T) * (size_t)(g->cs - rows * g->q[2]));
}

/* Scatter the valid pixels of a tile (rows x tile_w, starting at flattened p0) to the
 * destination: output pixel o goes to spatial index ystart + o*ystep of a tensor of
 * extent ydim, channel rows ystride apart; bias (per row) is added when given. */
typedef struct FC_F(scatter) {
    const fc_geom *g;
    int64_t ydim[3], ystart[3], ystep[3];
} FC_F(scatter);

/* Index in the destination of output pixel (o0, o1, o2) under sc. */
static inline int64_t FC_F(scatter_index)(const FC_F(scatter) *sc, int64_t o0, int64_t o1, int64_t o2)
{
    return ((sc->ystart[0] + o0 * sc->ystep[0]) * sc->ydim[1] + (sc->ystart[1] + o1 * sc->ystep[1])) *
               sc->ydim[2] + sc->ystart[2] + o2 * sc->ystep[2];
}

static void FC_F(copy_out)(FC_CAT2(fc_rowcopy, FC_CAT2(FC_S, fn)) rowcopy, const FC_T *tile,
                           int rows, int64_t tile_w, int64_t p0, const FC_F(scatter) *sc, FC_T *y,
                           int64_t ystride, const FC_T *bias)
{
    const fc_geom *g = sc->g;
    const int64_t q1 = g->q[1], q2 = g->q[2];
    const int64_t pend = p0 + tile_w < g->lvalid ? p0 + tile_w : g->lvalid;
    int64_t o0 = p0 / (q1 * q2), o1 = (p0 / q2) % q1, o2 = p0 % q2;
    for (int64_t p = p0; p < pend;) {
        int64_t run = q2 - o2;
        if (run > pend - p) run = pend - p;
        if (o0 < g->O[0] && o1 < g->O[1] && o2 < g->O[2]) {
            const int64_t nv = (g->O[2] - o2) < run ? (g->O[2] - o2) : run;
            const int64_t base = FC_F(scatter_index)(sc, o0, o1, o2);
            const int64_t st = sc->ystep[2];
            if (st == 1)
                rowcopy(rows, nv, tile + (p - p0), tile_w, y + base, ystride, bias);
            else
                for (int i = 0; i < rows; ++i) {
                    const FC_T b = bias ? bias[i] : (FC_T)0;
                    const FC_T *tr = tile + i * tile_w + (p - p0);
                    FC_T *yr = y + i * ystride + base;
                    for (int64_t j = 0; j < nv; ++j) yr[j * st] = tr[j] + b;
                }
        }
        p += run;
        o2 += run;
        if (o2 == q2) {
            o2 = 0;
            if (++o1 == q1) { o1 = 0; ++o0; }
        }
    }
}

/* The shared engine: for every image n < N and group, out = sum over the group's R
 * reduction channels and T taps of wpack * packed source, scattered by sc.
 *   src: N x (G*R) source channels of extent g->L (plane elements apart)
 *   wpack: G x nblk x R x T x mr packed weights (zero rows past M)
 *   y: N images of G*M channels, each channel ystride apart, image ybatch apart */
typedef struct FC_F(engine) {
    const fc_geom *g;
    const FC_F(scatter) *sc;
    int64_t N, G, R, M;          /* images, groups, reduction channels and outputs per group */
    const FC_T *src;
    int64_t src_plane;
    FC_T fill;
    const FC_T *wpack;
    const FC_T *bias;            /* G*M or NULL */
    FC_T *y;
    int64_t ystride, ybatch;
    int mr;
    int64_t nr;
    FC_CAT2(fc_fwd, FC_CAT2(FC_S, fn)) fn;
    /* the same tile written straight into the output through fc_seg masks (NULL: none;
     * vl lanes a vector) */
    FC_CAT2(fc_fwdd, FC_CAT2(FC_S, fn)) fnd;
    int vl;
    /* from the same kernel table as fn, chosen once per call (not per tile) */
    FC_CAT2(fc_rowcopy, FC_CAT2(FC_S, fn)) rowcopy;
    /* channels-vectorised mode (fwdk != NULL): tiles of mr output channels x up to kp
     * pixels of one output row, fwdk[P-1] for P pixels; fn and nr are then unused */
    const FC_CAT2(fc_fwdk, FC_CAT2(FC_S, fn)) *fwdk;
    int kp;
    /* with fwdk, over a column-folded geometry (g->nrep): a tile is up to kp consecutive
     * pixels of an output plane, across its rows (7x7 images: 12-13 pixels, not 7) */
    int fold;
} FC_F(engine);

/* Images packed at once: about 1.5 MB of packed data per thread, so a round's packed
 * images are still in each core's L2 when its tiles read them (a 64-channel 56x56
 * image is 0.86 MB packed).  An 8 MB budget (whole batches, re-read from L3) measured
 * 3-6% slower on the 64-channel 3x3 passes, in interleaved A/B runs.  At least one
 * image, so there is never an im2col-sized workspace: a packed image is the size of
 * the padded input. */
static int64_t FC_F(images_per_pack)(int64_t N, int64_t C, int64_t cs, int nthreads)
{
    const int64_t budget = ((int64_t)3 << 19) * nthreads; /* bytes */
    int64_t per = C * cs * (int64_t)sizeof(FC_T);
    int64_t nb = per > 0 ? budget / per : N;
    if (nb < 1) nb = 1;
    if (nb > N) nb = N;
    return nb;
}

/* Reduction channels per kernel call: the packed slab of a block of channels stays in
 * L1 (16 KB of it) while every block of output channels sweeps over it.  A channel's
 * slab is one run of nr + (widest column shift) elements on each distinct packed row the
 * taps start on (every tap's offset is row*q2 + column shift):
 * 3x3 over 58-wide rows, nr=48: 3 rows x 50 = 150 floats, 27 channels;
 * 7x7 stride 2: 14 rows (7 kernel rows x 2 column phases) x 51 = 714 floats, 5 channels;
 * 1x1: 48 floats, 85 channels. */
static int64_t FC_F(channel_block)(const fc_geom *g, int64_t R, int64_t nr)
{
    if (g->T == 0) return R; /* a residue class no tap reaches: the kernel only zeroes */
    const int64_t q2 = g->q[2];
    int64_t rows = 0, maxcol = 0;
    for (int t = 0; t < g->T; ++t) {
        const int64_t row = g->off[t] / q2, col = g->off[t] % q2;
        if (col > maxcol) maxcol = col;
        /* distinct rows by a quadratic scan, bounded: past 128 taps count every tap */
        int seen = 0;
        for (int u = 0; u < t && !seen && g->T <= 128; ++u) seen = g->off[u] / q2 == row;
        rows += !seen;
    }
    const int64_t foot = rows * (nr + maxcol);
    int64_t cb = (16 * 1024) / (foot * (int64_t)sizeof(FC_T));
    if (cb < 1) cb = 1;
    return cb < R ? cb : R;
}

/* The packed layout of an unpadded stride-1 problem is the source itself, except that
 * the last tile of a channel reads up to a tile (plus the taps' reach) past its end: so
 * images are read in place as long as those reads stay inside the caller's buffer, and
 * only the last few (one, unless images are smaller than a tile) are packed with slack. */
static int FC_F(identity_geom)(const fc_geom *g)
{
    for (int i = 0; i < 3; ++i)
        if (g->s[i] != 1 || g->plo[i] != 0 || g->q[i] != g->L[i]) return 0;
    return 1;
}

/* One job of the channels-vectorised mode: output rows [r0, r1) (row r = (o0, o1), or
 * chunk r of a folded plane) of one image and group, blocks [kb0, kb1) of output
 * channels.  Rows are cut into chunks of at most kp pixels of near-equal width (20
 * pixels at kp=14: 10 + 10, not 14 + 6), each a full C x T reduction in registers that
 * the kernel transposes into y. */
static void FC_F(kvec_job)(const FC_F(engine) *e, const FC_T *xs, int64_t cs, const FC_T *wg,
                           FC_T *y, int64_t gi, int64_t r0, int64_t r1, int64_t kb0, int64_t kb1)
{
    const fc_geom *g = e->g;
    const FC_F(scatter) *sc = e->sc;
    const int64_t O1 = g->O[1], O2 = g->O[2], kw = e->mr;
    const int64_t wblk = e->R * g->T * kw;
    const int64_t nch = fc_ceil_div(O2, e->kp);
    const int64_t st = sc->ystep[2];
    for (int64_t kb = kb0; kb < kb1; ++kb) {
        const int64_t m0 = kb * kw, ch = gi * e->M + m0;
        const int rows = (int)(e->M - m0 < kw ? e->M - m0 : kw);
        const FC_T *bias = e->bias ? e->bias + ch : NULL;
        if (e->fold) {
            /* "row" r is chunk r % nfc of plane r / nfc, a run of the plane's O1*O2
             * pixels, which are consecutive in the folded layout and in y alike */
            const int64_t plane = O1 * O2, nfc = fc_ceil_div(plane, e->kp);
            for (int64_t r = r0; r < r1; ++r) {
                const int64_t o0 = r / nfc, c = r % nfc;
                const int64_t a = c * plane / nfc, P = (c + 1) * plane / nfc - a;
                e->fwdk[P - 1](e->R, g->T, g->off, xs + o0 * g->q[1] * O2 + a, cs, wg + kb * wblk,
                               y + ch * e->ystride + FC_F(scatter_index)(sc, o0, 0, 0) + a,
                               e->ystride, 1, rows, bias);
            }
            continue;
        }
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t o0 = r / O1, o1 = r % O1;
            const int64_t prow = (o0 * g->q[1] + o1) * g->q[2];
            const int64_t yrow = FC_F(scatter_index)(sc, o0, o1, 0);
            for (int64_t c = 0; c < nch; ++c) {
                /* chunk c covers [c*O2/nch, (c+1)*O2/nch): O2 = 20, nch = 2 -> [0,10) [10,20) */
                const int64_t a = c * O2 / nch, P = (c + 1) * O2 / nch - a;
                e->fwdk[P - 1](e->R, g->T, g->off, xs + prow + a, cs, wg + kb * wblk,
                               y + ch * e->ystride + yrow + a * st, e->ystride, st, rows, bias);
            }
        }
    }
}

/* What one pass of the engine derives from its engine once per call: blocking, job
 * shape and the output path. */
typedef struct FC_F(pass) {
    int64_t nblk, ntile, tsz, cblk, ptj, nchunk, tper, wblk, nrow, maxoff, wcs;
    int out_direct, stream_out, direct;
    int kbjob;  /* channels-vectorised: chunk pc is block pc of output channels, all rows */
    /* band: each job packs the rows its tiles read (brows of them, bcs elements a
     * channel) into its thread's scratch, instead of a round packing whole images */
    int band;
    int64_t brows, bcs;
} FC_F(pass);

/* Where each vector of the flattened tile starting at pixel p0 lands in one output
 * channel (see fc_seg), under a scatter with unit column step; rows are q2 >= vl apart,
 * so a vector spans at most two.  With q2 = 58, O2 = 56, vl = 16: the vector at p = 48
 * holds columns 48..55 of row 0 (lanes 0-7), two padding columns (lanes 8-9, unwritten)
 * and columns 0..5 of row 1 (lanes 10-15, off = row 1's start - 10). */
static void FC_F(tile_segs)(const fc_geom *g, const FC_F(scatter) *sc, int64_t p0, int nv, int vl,
                            fc_seg *seg)
{
    const int64_t q1 = g->q[1], q2 = g->q[2];
    for (int j = 0; j < nv; ++j) {
        int64_t row = (p0 + (int64_t)j * vl) / q2, col = (p0 + (int64_t)j * vl) % q2;
        int l = 0;
        for (int s = 0; s < 2; ++s) {
            seg[j].off[s] = 0;
            seg[j].mask[s] = 0;
            if (l >= vl) continue;
            const int64_t n = q2 - col < vl - l ? q2 - col : vl - l;
            const int64_t o0 = row / q1, o1 = row % q1;
            if (o0 < g->O[0] && o1 < g->O[1] && col < g->O[2]) {
                const int64_t nvalid = g->O[2] - col < n ? g->O[2] - col : n;
                /* lane l + u holds column col + u: the vector's lane 0 sits at col - l */
                seg[j].off[s] = FC_F(scatter_index)(sc, o0, o1, 0) + col - l;
                seg[j].mask[s] = ((1u << nvalid) - 1u) << l;
            }
            l += (int)n;
            ++row;
            col = 0;
        }
    }
}

static void FC_F(pass_init)(const FC_F(engine) *e, int identity, int nthreads, FC_F(pass) *ps)
{
    const fc_geom *g = e->g;
    /* An unpadded stride-1 source is read in place, every image of it.  A tile reads
     * nr + maxoff elements of each channel from its first pixel, past the end of the
     * channel into the next one (those lanes are dropped); only in the source's last
     * channels would that pass the end of the caller's buffer, so those few tiles read a
     * copy of their windows instead (wcs elements a channel), zero past the end.
     * Packing the whole last image instead was 5.5% of a 1x1 256->64 forward call. */
    ps->maxoff = 0;
    for (int t = 0; t < g->T; ++t)
        if (g->off[t] > ps->maxoff) ps->maxoff = g->off[t];
    ps->wcs = e->nr + ps->maxoff;
    ps->nblk = fc_ceil_div(e->M, e->mr);
    ps->ntile = g->lout / e->nr;
    ps->tsz = e->mr * e->nr;               /* one tile of accumulators */
    ps->cblk = FC_F(channel_block)(g, e->R, e->nr);
    /* pixel tiles per job: a block of weights is reused from L1 across them, and each
     * channel is read in longer runs, which the prefetcher follows; still leave about
     * four jobs per thread.  (Any split gives the same bits: a job holds every output
     * element's whole reduction.) */
    ps->ptj = e->N * e->G * ps->ntile / (4 * (int64_t)nthreads);
    if (ps->ptj > 8) ps->ptj = 8;
    if (ps->ptj < 1) ps->ptj = 1;
    /* channels-vectorised mode: a job is a run of output rows (ptj of them), about four
     * jobs per thread (its kernel writes the output itself: no scratch tile) */
    ps->nrow = e->fold ? g->O[0] * fc_ceil_div(g->O[1] * g->O[2], e->kp) : g->O[0] * g->O[1];
    if (e->fwdk) {
        ps->ptj = fc_ceil_div(e->N * e->G * ps->nrow, 4 * (int64_t)nthreads);
        if (ps->ptj > ps->nrow) ps->ptj = ps->nrow;
    }
    ps->nchunk = e->fwdk ? fc_ceil_div(ps->nrow, ps->ptj) : fc_ceil_div(ps->ntile, ps->ptj);
    /* Where rows are split among jobs (few images a thread), each job streams every
     * weight block for its part of an image; with a kernel larger than L2 that traffic
     * is the call's bottleneck, so a job is then one block of output channels over a
     * whole image instead (each weight block read once an image).  Interleaved A/B, 2
     * threads: 512-ch 7x7 x2 forward 0.75x the time, 256-ch 7x7 x2 0.87x, 512-ch 14x14
     * x1 backward-input 0.87x, 256-ch 14x14 x1 0.95x; with whole images a job already,
     * or 295 KB of weights (64-ch float64, 4 images: 1.04-1.07x), left as it was.  The
     * kernel calls are the same either way, so are the bits. */
    const double wbytes = (double)e->R * (double)g->T * (double)e->M * (double)sizeof(FC_T);
    ps->kbjob = e->fwdk && ps->ptj < ps->nrow && wbytes > (double)(1 << 20) &&
                e->N * e->G * ps->nblk >= 4 * (int64_t)nthreads;
    if (ps->kbjob) {
        ps->ptj = ps->nrow;
        ps->nchunk = ps->nblk;
    }
    /* scratch per thread: the job's tiles, and the windows of the tiles at the end */
    ps->tper = e->fwdk ? 1 : ps->ptj * ps->nblk * ps->tsz + (identity ? ps->cblk * ps->wcs : 0);
    ps->wblk = e->R * g->T * e->mr;
    /* the flattened index is the output's own index when there are no garbage lanes
     * (q = O on the inner axes) and the scatter is the identity: then whole tiles need
     * no copy (and no bias, which the copy adds) */
    const FC_F(scatter) *sc = e->sc;
    ps->out_direct = !e->bias && g->q[1] == g->O[1] && g->q[2] == g->O[2] &&
                     sc->ystart[0] == 0 && sc->ystart[1] == 0 && sc->ystart[2] == 0 &&
                     sc->ystep[0] == 1 && sc->ystep[1] == 1 && sc->ystep[2] == 1 &&
                     sc->ydim[1] == g->O[1] && sc->ydim[2] == g->O[2];
    /* tiles written straight into the output by masked stores (fwdd): no scratch tile
     * and no copy-out pass, where the rows of the layout are at least a vector long and
     * the output's columns are contiguous */
    ps->direct = e->fnd && !e->fwdk && !ps->out_direct && sc->ystep[2] == 1 && g->q[2] >= e->vl &&
                 e->nr / e->vl <= 8;
    /* Tiles written straight into a large output, whole in one kernel call (one block of
     * reduction channels), use non-temporal stores: a plain store first reads the line
     * it writes (read-for-ownership), which for an output much larger than the caches
     * is a second pass over memory.  Interleaved A/B, 64-byte aligned outputs: 1x1
     * 64->256 channels at 28x28 x 8 (6.4 MB) 0.48x the time, the 256->64 layer's
     * backward-input (25.7 MB) 0.64x (1 and 2 threads); 1.6 MB even.  Not for tiles
     * that later blocks add to (the 256->64 forward: 1.14x slower), whose lines are
     * read back. */
    ps->stream_out = ps->out_direct && ps->cblk >= e->R &&
                     (e->ystride * (int64_t)sizeof(FC_T)) % FC_ALIGN == 0 &&
                     (double)e->N * (double)e->ybatch * (double)sizeof(FC_T) >= FC_STREAM_MIN_BYTES;
}

/* Whether tile pt's block kb of output channels is written by the kernel straight into
 * the output (a whole tile of a layout that is the output's own), not through the
 * scratch tile and copy_out. */
static int FC_F(tile_in_output)(const FC_F(engine) *e, const FC_F(pass) *ps, int64_t pt, int64_t kb)
{
    return ps->out_direct && (kb + 1) * e->mr <= e->M && (pt + 1) * e->nr <= e->g->lvalid;
}

/* One job of the flattened mode: pixel tiles [pc*ptj, (pc+1)*ptj) of image n (its
 * group gi channels at xs, cs apart, from flattened pixel pbase on), every block of
 * output channels.  Channel blocks outside, then tiles, then blocks of output channels,
 * so a tile's slab of the channel block stays in L1 while every block of output
 * channels uses it (a weight block, T*mr values a channel, is the smaller of the two to
 * re-read from L2). */
static void FC_F(flat_job)(const FC_F(engine) *e, const FC_F(pass) *ps, const FC_T *xs, int64_t cs,
                           int64_t pbase, int in_place, int64_t n, int64_t gi, int64_t pc, FC_T *tile)
{
    const fc_geom *g = e->g;
    const int64_t CH = e->G * e->R, nblk = ps->nblk, tsz = ps->tsz, ptj = ps->ptj;
    const FC_T *wg = e->wpack + gi * nblk * ps->wblk;
    FC_T *yn = e->y + n * e->ybatch;
    const int64_t pt0 = pc * ptj, pt1 = pt0 + ptj < ps->ntile ? pt0 + ptj : ps->ntile;
    /* in place, tiles pt >= tsafe would read past the end of the source in its last
     * channel: (n*CH + CH-1)*plane + (pt+1)*nr + maxoff > N*CH*plane.  For the last
     * image that is (pt+1)*nr + maxoff > plane: with 3136-pixel planes and nr = 48,
     * maxoff = 0, tiles 65 and up (the last one). */
    int64_t tsafe = ps->ntile;
    if (in_place) {
        const int64_t room = ((e->N - n - 1) * CH + 1) * e->src_plane - ps->maxoff;
        tsafe = room > 0 ? room / e->nr : 0;
    }
    for (int64_t c0 = 0; c0 < e->R; c0 += ps->cblk) {
        const int64_t cn = e->R - c0 < ps->cblk ? e->R - c0 : ps->cblk;
        for (int64_t pt = pt0; pt < pt1; ++pt) {
            const FC_T *xt = xs + c0 * cs + pt * e->nr - pbase;
            int64_t xcs = cs;
            fc_seg seg[8];
            if (ps->direct) FC_F(tile_segs)(g, e->sc, pt * e->nr, (int)(e->nr / e->vl), e->vl, seg);
            if (pt >= tsafe) {
                FC_T *win = tile + ptj * nblk * tsz;
                const FC_T *end = e->src + e->N * CH * e->src_plane;
                for (int64_t c = 0; c < cn; ++c) {
                    const FC_T *s = xt + c * cs;
                    const int64_t m = end - s < ps->wcs ? end - s : ps->wcs;
                    memcpy(win + c * ps->wcs, s, sizeof(FC_T) * (size_t)m);
                    memset(win + c * ps->wcs + m, 0, sizeof(FC_T) * (size_t)(ps->wcs - m));
                }
                xt = win;
                xcs = ps->wcs;
            }
            if (ps->direct) {
                for (int64_t kb = 0; kb < nblk; ++kb) {
                    const int64_t m0 = kb * e->mr, ch = gi * e->M + m0;
                    const int rows = (int)(e->M - m0 < e->mr ? e->M - m0 : e->mr);
                    e->fnd(cn, g->T, g->off, xt, xcs, wg + kb * ps->wblk + c0 * g->T * e->mr,
                           yn + ch * e->ystride, e->ystride, seg, rows, c0 > 0 ? FC_BETA_ACC : 0,
                           e->bias && c0 + cn == e->R ? e->bias + ch : NULL);
                }
                continue;
            }
            for (int64_t kb = 0; kb < nblk; ++kb) {
                /* whole tiles of a layout that is the output's own go straight there
                 * (rows ystride apart); the rest through the scratch tile */
                const int inplace = FC_F(tile_in_output)(e, ps, pt, kb);
                FC_T *dst = inplace ? yn + (gi * e->M + kb * e->mr) * e->ystride + pt * e->nr
                                    : tile + ((pt - pt0) * nblk + kb) * tsz;
                int beta = c0 > 0 ? FC_BETA_ACC : 0;
                if (inplace && ps->stream_out && ((uintptr_t)dst & (FC_ALIGN - 1)) == 0)
                    beta |= FC_BETA_STREAM;
                e->fn(cn, g->T, g->off, xt, xcs, wg + kb * ps->wblk + c0 * g->T * e->mr, dst,
                      inplace ? e->ystride : e->nr, beta);
            }
        }
    }
    if (ps->direct) return; /* every tile is in the output already */
    /* order the job's non-temporal stores before anything that follows */
    if (ps->stream_out) __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int64_t pt = pt0; pt < pt1; ++pt)
        for (int64_t kb = 0; kb < nblk; ++kb) {
            if (FC_F(tile_in_output)(e, ps, pt, kb)) continue;
            const int64_t m0 = kb * e->mr;
            const int rows = (int)(e->M - m0 < e->mr ? e->M - m0 : e->mr);
            const int64_t ch = gi * e->M + m0;
            FC_F(copy_out)(e->rowcopy, tile + ((pt - pt0) * nblk + kb) * tsz, rows, e->nr,
                           pt * e->nr, e->sc, yn + ch * e->ystride, e->ystride,
                           e->bias ? e->bias + ch : NULL);
        }
}

/* Chunk pc (of rows or pixel tiles) of image n and group gi of one pass, in whichever
 * mode the pass runs. */
static void FC_F(pass_job)(const FC_F(engine) *e, const FC_F(pass) *pp, const FC_T *xs, int64_t cs,
                           int in_place, int64_t n, int64_t gi, int64_t pc, FC_T *tile)
{
    if (e->fwdk) {
        /* chunk pc: block pc of output channels over every row, or rows
         * [pc*ptj, (pc+1)*ptj) with every block */
        int64_t r0 = 0, r1 = pp->nrow, kb0 = pc, kb1 = pc + 1;
        if (!pp->kbjob) {
            r0 = pc * pp->ptj;
            r1 = r0 + pp->ptj < pp->nrow ? r0 + pp->ptj : pp->nrow;
            kb0 = 0;
            kb1 = pp->nblk;
        }
        FC_F(kvec_job)(e, xs, cs, e->wpack + gi * pp->nblk * pp->wblk, e->y + n * e->ybatch, gi,
                       r0, r1, kb0, kb1);
    } else {
        FC_F(flat_job)(e, pp, xs, cs, 0, in_place, n, gi, pc, tile);
    }
}

/* Run np passes of the engine over one source: every pass reads the same images in
 * the same packed layout (es[0].g's L, plo, q, s and cs, which all passes share) and
 * writes outputs no other pass writes, e.g. the residue classes of a strided
 * backward-input.  Each round packs its images once for all passes; the jobs of every
 * pass then share one dynamic loop. */
static fc_status FC_F(engine_run_passes)(const FC_F(engine) *es, int np, int nthreads)
{
    const FC_F(engine) *e0 = es;
    const fc_geom *g = e0->g;
    const int64_t CH = e0->G * e0->R, N = e0->N;
    const int identity = FC_F(identity_geom)(g);
    const int64_t nin = identity ? N : 0;
    /* in-place images need no buffer; the packed ones go in groups bounded in bytes */
    const int64_t npacked = N - nin;
    const int64_t nb = FC_F(images_per_pack)(npacked, CH, g->cs, nthreads);
    FC_F(pass) *ps = malloc(sizeof(FC_F(pass)) * (size_t)np);
    int64_t *jofs = malloc(sizeof(int64_t) * (size_t)(np + 1));
    if (!ps || !jofs) {
        free(ps);
        free(jofs);
        return FC_ENOMEM;
    }
    int64_t tper = 1;
    for (int i = 0; i < np; ++i) {
        FC_F(pass_init)(es + i, identity, nthreads, ps + i);
        ps[i].band = 0;
        if (ps[i].tper > tper) tper = ps[i].tper;
    }
    /* Many small images: a job is one whole image and group, which it packs itself into
     * its thread's buffer and uses while that is in L1/L2: no packing phase, no barrier
     * between packing and use, and packed data never goes out to L3 and back (a round
     * of the budget below holds 98 8-channel 28x28 images, 3.9 MB on 2 threads).
     * Interleaved A/B, 64 images of 28x28, 2 threads: 8->16 forward and backward-input
     * 0.75x the time, 1->8 forward 0.63x; 1 thread even.  The 128- and 256-channel 3x3
     * layers (460 and 262 KB an image) even on 1 thread, 0.96-0.99x on 2.  Images up
     * to 1 MB packed, 2 threads: 64-ch 56x56 (861 KB) forward and backward-input
     * 0.92-0.94x the time, its stride-2 forward 0.85x, 256-ch 28x28 forward 0.81x;
     * 3->64 7x7 stride 2 (635 KB) even; 1 thread even.  Same bits: the tiles and their
     * kernel calls are the same, only who packs changes. */
    const int64_t gbytes = e0->R * g->cs * (int64_t)sizeof(FC_T);
    const int private_pack = npacked == N && N * e0->G >= 4 * (int64_t)nthreads && gbytes <= (1 << 20);
    if (private_pack) tper += e0->R * g->cs;
    /* Images over 4 MB packed (a 64-channel 224x224 image is 13 MB): a job packs only
     * the rows its own tiles read, about 16 output rows (plus the taps' reach) of every
     * channel, into its thread's scratch, and runs its tiles while those rows are in L2.
     * A round packed whole images first, out to L3 and back, behind a barrier; an
     * unpadded layer, read in place, ran 10-16% faster.  Same tiles, same kernel
     * calls, so the same bits.  (Flattened mode, stride 1, one pass.) */
    int band = np == 1 && npacked == N && !private_pack && !e0->fwdk && g->nph == 1 && !g->nrep &&
               gbytes > (4 << 20);
    /* about 16 rows a job, still about 4 jobs a thread; below 8 rows a job (or with
     * rows so long that few fit: 1-D signals are one row) the taps' reach, packed again
     * by the next job, would cost more than it saves */
    const int64_t q2 = g->q[2], bnr = e0->nr;
    int64_t bptj = fc_ceil_div(16 * q2, bnr);
    const int64_t bcap = N * e0->G * ps[0].ntile / (4 * (int64_t)nthreads);
    if (bptj > bcap) bptj = bcap;
    if (bptj < ps[0].ptj) bptj = ps[0].ptj;
    if (bptj * bnr < 8 * q2) band = 0;
    ps[0].band = band;
    if (band) {
        FC_F(pass) *pp = ps;
        const int64_t ptj = bptj, nr = bnr;
        pp->ptj = ptj;
        pp->nchunk = fc_ceil_div(pp->ntile, ptj);
        /* tiles [pt0, pt0 + ptj) read pixels [pt0*nr, (pt0 + ptj)*nr + maxoff): rows from
         * pt0*nr / q2, at most ceil((ptj*nr + maxoff) / q2) + 1 of them */
        pp->brows = fc_ceil_div(ptj * nr + pp->maxoff, q2) + 1;
        pp->bcs = fc_round_up(pp->brows * q2, 16);
        tper = ptj * pp->nblk * pp->tsz + e0->R * pp->bcs;
    }
    FC_T *xbuf = npacked && !private_pack && !band ? fc_malloc(sizeof(FC_T) * (size_t)(nb * CH * g->cs)) : NULL;
    FC_T *tiles = fc_malloc(sizeof(FC_T) * (size_t)(nthreads * tper));
    if ((npacked && !private_pack && !band && !xbuf) || !tiles) {
        fc_free(xbuf);
        fc_free(tiles);
        free(ps);
        free(jofs);
        return FC_ENOMEM;
    }
    if (private_pack) {
        const int64_t njobs = N * e0->G;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
        {
#ifdef _OPENMP
            FC_T *tile = tiles + (int64_t)omp_get_thread_num() * tper;
#pragma omp for schedule(dynamic, 1)
#else
            FC_T *tile = tiles;
#endif
            for (int64_t job = 0; job < njobs; ++job) {
                const int64_t n = job / e0->G, gi = job % e0->G;
                FC_T *xs = tile + tper - e0->R * g->cs;
                for (int64_t c = 0; c < e0->R; ++c)
                    FC_F(pack_plane)(e0->src + (n * CH + gi * e0->R + c) * e0->src_plane, g, e0->fill,
                                     xs + c * g->cs);
                for (int ip = 0; ip < np; ++ip) {
                    const FC_F(engine) *e = es + ip;
                    const FC_F(pass) *pp = ps + ip;
                    for (int64_t pc = 0; pc < pp->nchunk; ++pc)
                        FC_F(pass_job)(e, pp, xs, g->cs, 0, n, gi, pc, tile);
                }
            }
        }
    }
    /* rounds: the in-place images at once, then the packed ones in groups of nb */
    for (int64_t n0 = 0; n0 < (private_pack ? 0 : N);) {
        const int in_place = n0 < nin;
        const int64_t nbb = in_place ? nin - n0 : band ? N : (N - n0 < nb ? N - n0 : nb);
        jofs[0] = 0;
        for (int i = 0; i < np; ++i) jofs[i + 1] = jofs[i] + nbb * e0->G * ps[i].nchunk;
        const int64_t njobs = jofs[np];
        const FC_T *base = in_place ? e0->src + n0 * CH * e0->src_plane : xbuf;
        const int64_t cs = in_place ? e0->src_plane : g->cs;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
        {
#ifdef _OPENMP
            FC_T *tile = tiles + (int64_t)omp_get_thread_num() * tper;
#pragma omp for schedule(static)
#else
            FC_T *tile = tiles;
#endif
            for (int64_t i = 0; i < (in_place || band ? 0 : nbb * CH); ++i)
                FC_F(pack_plane)(e0->src + (n0 * CH + i) * e0->src_plane, g, e0->fill, xbuf + i * g->cs);
            /* one job = a run of pixel tiles (or output rows) of one image and group,
             * all its output channels.  Jobs are handed out dynamically: on this VM one
             * core often runs slower than the other (a busy sibling), and a static split
             * then waits on it (perf: 10% of a 2-thread backward-input in the OpenMP
             * barrier, the two threads' kernel samples 40% / 35%).  Any split gives the
             * same bits: a job owns its outputs. */
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
            for (int64_t job = 0; job < njobs; ++job) {
                int ip = 0;
                while (job >= jofs[ip + 1]) ++ip;
                const FC_F(engine) *e = es + ip;
                const FC_F(pass) *pp = ps + ip;
                const int64_t jl = job - jofs[ip];
                const int64_t pc = jl % pp->nchunk;
                const int64_t gi = (jl / pp->nchunk) % e->G;
                const int64_t nl = jl / (pp->nchunk * e->G);
                if (pp->band) {
                    /* the rows tiles [pt0, pt1) read, r_lo up to what the image has;
                     * past it, zeros as far as the tiles read (q2 = 226, nr = 48,
                     * ptj = 76, maxoff = 454: pc = 1 packs rows 16..35) */
                    const int64_t pt0 = pc * pp->ptj;
                    const int64_t pt1 = pt0 + pp->ptj < pp->ntile ? pt0 + pp->ptj : pp->ntile;
                    const int64_t r_lo = pt0 * e->nr / q2, rows = g->q[0] * g->q[1];
                    const int64_t need = pt1 * e->nr + pp->maxoff - r_lo * q2;
                    int64_t r_hi = r_lo + fc_ceil_div(need, q2);
                    if (r_hi > rows) r_hi = rows;
                    FC_T *xb = tile + tper - e->R * pp->bcs;
                    for (int64_t c = 0; c < e->R; ++c) {
                        FC_T *dc = xb + c * pp->bcs;
                        FC_F(pack_rows)(e->src + ((n0 + nl) * CH + gi * e->R + c) * e->src_plane, g, e->fill, dc,
                                        r_lo, r_hi);
                        if ((r_hi - r_lo) * q2 < need)
                            memset(dc + (r_hi - r_lo) * q2, 0, sizeof(FC_T) * (size_t)(need - (r_hi - r_lo) * q2));
                    }
                    FC_F(flat_job)(e, pp, xb, pp->bcs, r_lo * q2, 0, n0 + nl, gi, pc, tile);
                    continue;
                }
                FC_F(pass_job)(e, pp, base + (nl * CH + gi * e->R) * cs, cs, in_place, n0 + nl, gi,
                               pc, tile);
            }
        }
        n0 += nbb;
    }
    fc_free(xbuf);
    fc_free(tiles);
    free(ps);
    free(jofs);
    return FC_OK;
}

static fc_status FC_F(engine_run)(const FC_F(engine) *e, int nthreads)
{
    return FC_F(engine_run_passes)(e, 1, nthreads);
}

/* Multiply-adds of the problem (forward = backward-input = backward-weight count). */
static double FC_F(macs)(const fc_prob *p)
{
    return (double)p->N * (double)p->K * (double)p->Cg * (double)p->T *
           (double)(p->out[0] * p->out[1] * p->out[2]);
}

/* Pick the kernel for M outputs per group: the single-row kernel when there is only
 * one and the narrow one for a few, so they do not pay for rows of zeros (3 outputs on
 * an 8-row tile would waste 5/8 of the FMAs). */
static void FC_F(pick_kernel)(const FC_KT *k, int64_t M, int64_t T, FC_F(engine) *e)
{
    e->rowcopy = k->rowcopy;
    e->fnd = NULL;
    if (M == 1) {
        e->mr = 1;
        e->nr = k->nr1;
        e->fn = k->fwd1;
    } else if (M <= k->mr2) {
        e->mr = k->mr2;
        e->nr = k->nr2;
        e->fn = T == 9 ? k->fwd2_t9 : k->fwd2;
    } else {
        e->mr = k->mr;
        e->nr = k->nr;
        e->fn = T == 9 ? k->fwd_t9 : T == 1 ? k->fwd_t1 : k->fwd;
        e->fnd = T == 9 ? k->fwdd_t9 : k->fwdd;
        e->vl = k->vl;
    }
}

/* Switch the engine to the channels-vectorised kernel where it does less work than the
 * flattened one: the flattened tiles compute every padding column and round each image
 * up to whole tiles (14x14 with a 3x3 kernel: 196 real of 240 computed pixels), while
 * the channels-vectorised tile computes real pixels only but rounds the output channels
 * up to kw (and transposes its tile, which a long C x T reduction amortises). */
static void FC_F(maybe_kvec)(const FC_KT *k, const fc_geom *g, int64_t M, int64_t R, int unit_cols,
                              FC_F(engine) *e)
{
    if (!k->kw || M < e->mr || R * g->T < 64) return;
    const double real = (double)(g->O[0] * g->O[1] * g->O[2]);
    const double flat = real / (double)g->lout;                     /* useful share, flattened */
    const double kvec = (double)M / (double)fc_round_up(M, k->kw);  /* useful share, kvec */
    /* measured (interleaved A/B, 1 thread), with the share it gains over flattened:
     * 256-ch 14x14 3x3 (0.18) 6% faster than flattened, 128-ch 28x28 (0.093) 2.5%
     * faster, 128-ch 32x32 (0.073) 7% slower, 64-ch 56x56 dilation 2 (0.067) 9-14%
     * slower (forward and backward-input, 1 and 2 threads), 64-ch 56x56 (0.04) 9-15%
     * slower; hence a gain of at least 0.09.  With more taps than 3x3 the flattened
     * kernel's run-time tap loop and its copy-out lose: 7x7 stride 2 (3->64, 224x224)
     * 21% faster (10% on 2 threads), 5x5 even.  Where the output's columns are not
     * contiguous (the residue classes of a strided backward-input: every other input
     * column) the flattened tiles cannot be stored straight into it, and go through a
     * scratch tile and a strided copy: there the channels-vectorised kernel, which
     * stores with any column step, wins without the margin (3x3 stride 2, 64-ch 56x56
     * and 32-ch 112x112: 0.88-0.91x the time, 1 and 2 threads) */
    if (kvec > flat + 0.09 || ((g->T > 9 || !unit_cols) && kvec >= flat)) {
        e->fwdk = k->fwdk;
        e->kp = k->kp;
        e->mr = k->kw;
    }
}

/* Fold the channels-vectorised mode's layout (fc_geom_fold) where output rows are
 * shorter than its tile: a 7-pixel row fills 7 of the kp = 14 pixels, and each weight
 * vector it loads then feeds half the FMAs.  Needs an output whose rows are consecutive
 * (sc: unit steps, full rows, from column 0). */
static void FC_F(maybe_fold)(fc_geom *g, const FC_F(scatter) *sc, FC_F(engine) *e)
{
    if (!e->fwdk || g->O[2] >= e->kp || g->boundary != FC_BOUNDARY_FILL) return;
    if (sc->ystep[1] != 1 || sc->ystep[2] != 1 || sc->ystart[2] != 0 || sc->ydim[2] != g->O[2]) return;
    e->fold = fc_geom_fold(g) == 0;
}

fc_status FC_F(fc_conv_forward)(const fc_conv_desc *d, const FC_T *x, const FC_T *w,
                                const FC_T *bias, FC_T *y, int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc(d, &p);
    if (st) return st;
    if (p.N == 0) return FC_OK;
    if (!x || !w || !y) return FC_EINVAL;
    const FC_KT *k = FC_ACTIVE();
    FC_F(engine) e;
    memset(&e, 0, sizeof e);
    FC_F(pick_kernel)(k, p.Kg, p.T, &e);
    fc_geom g;
    if ((st = fc_geom_forward(&p, e.nr, &g))) return st;
    FC_F(maybe_kvec)(k, &g, p.Kg, p.Cg, 1, &e);
    const int64_t nblk = fc_ceil_div(p.Kg, e.mr), CT = p.Cg * p.T;
    FC_T *wp = fc_malloc(sizeof(FC_T) * (size_t)(p.G * nblk * CT * e.mr));
    int64_t *drow = malloc(sizeof(int64_t) * (size_t)(CT + p.T));
    if (!wp || !drow) {
        fc_free(wp);
        free(drow);
        fc_geom_free(&g);
        return FC_ENOMEM;
    }
    /* wp[g][blk][c][t][i] = w[g*Kg + blk*mr + i][c][tap_elem[t]], zero past Kg: for each
     * block, a transpose of its mr kernels' (c, element) columns, column c*T + e going to
     * packed row c*T + t where tap_elem[t] = e (flip: e = T-1-t).  In parallel, since a
     * serial pass over a large kernel caps the speed-up of the whole call. */
    int64_t *inv = drow + CT;
    fc_geom_tap_rows(&g, p.T, inv);
    for (int64_t col = 0; col < CT; ++col) drow[col] = col - col % p.T + inv[col % p.T];
    const int nthreads = fc_resolve_threads(num_threads, FC_F(macs)(&p));
    (void)nthreads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nthreads)
#endif
    for (int64_t gb = 0; gb < p.G * nblk; ++gb) {
        const int64_t gi = gb / nblk, b = gb % nblk;
        const int64_t nv = p.Kg - b * e.mr < e.mr ? p.Kg - b * e.mr : e.mr;
        k->wtrans(nv, e.mr, CT, w + (gi * p.Kg + b * e.mr) * CT, CT, drow, wp + gb * CT * e.mr, e.mr);
    }
    free(drow);
    FC_F(scatter) sc = {&g, {p.out[0], p.out[1], p.out[2]}, {0, 0, 0}, {1, 1, 1}};
    FC_F(maybe_fold)(&g, &sc, &e);
    e.g = &g;
    e.sc = &sc;
    e.N = p.N;
    e.G = p.G;
    e.R = p.Cg;
    e.M = p.Kg;
    e.src = x;
    e.src_plane = p.in[0] * p.in[1] * p.in[2];
    e.fill = 0;
    e.wpack = wp;
    e.bias = bias;
    e.y = y;
    e.ystride = p.out[0] * p.out[1] * p.out[2];
    e.ybatch = p.K * e.ystride;
    st = FC_F(engine_run)(&e, nthreads);
    fc_free(wp);
    fc_geom_free(&g);
    return st;
}

/* Whether v[0:n] holds no Inf or NaN: the exponent bits all ones, tested on the integer
 * bits, which the compiler vectorises (a per-element isfinite() loop stayed scalar). */
static int FC_F(finite_run)(const FC_T *v, int64_t n)
{
    FC_UINT acc = 0;
    for (int64_t i = 0; i < n; ++i) {
        FC_UINT u;
        memcpy(&u, v + i, sizeof u);
        acc |= (FC_UINT)((u & FC_EXPBITS) == FC_EXPBITS);
    }
    return acc == 0;
}

/* The fast backward-input path multiplies the weights by grad_out's zero padding; with
 * a NaN or Inf weight that would be NaN where no real (grad_out, weight) pair meets.
 * Such weights are rare, so they take this direct scatter instead, which forms only the
 * real pairs: grad_in[i] += grad_out[o] * w[r] for o*s + r*d = i + plo. */
static void FC_F(backward_input_direct)(const fc_prob *p, const FC_T *go, const FC_T *w, FC_T *gx)
{
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2];
    const int64_t out_plane = p->out[0] * p->out[1] * p->out[2];
    memset(gx, 0, sizeof(FC_T) * (size_t)(p->N * p->C * in_plane));
    for (int64_t n = 0; n < p->N; ++n)
        for (int64_t k = 0; k < p->K; ++k) {
            const int64_t gi = k / p->Kg;
            const FC_T *gr = go + (n * p->K + k) * out_plane;
            for (int64_t c = 0; c < p->Cg; ++c) {
                FC_T *xr = gx + (n * p->C + gi * p->Cg + c) * in_plane;
                const FC_T *wr = w + (k * p->Cg + c) * p->T;
                for (int64_t o0 = 0; o0 < p->out[0]; ++o0)
                    for (int64_t o1 = 0; o1 < p->out[1]; ++o1)
                        for (int64_t o2 = 0; o2 < p->out[2]; ++o2) {
                            const FC_T gv = gr[(o0 * p->out[1] + o1) * p->out[2] + o2];
                            int64_t e = 0;
                            for (int64_t r0 = 0; r0 < p->ker[0]; ++r0)
                                for (int64_t r1 = 0; r1 < p->ker[1]; ++r1)
                                    for (int64_t r2 = 0; r2 < p->ker[2]; ++r2, ++e) {
                                        const int64_t i0 = o0 * p->str[0] + r0 * p->dil[0] - p->plo[0];
                                        const int64_t i1 = o1 * p->str[1] + r1 * p->dil[1] - p->plo[1];
                                        const int64_t i2 = o2 * p->str[2] + r2 * p->dil[2] - p->plo[2];
                                        if (i0 < 0 || i0 >= p->in[0] || i1 < 0 || i1 >= p->in[1] ||
                                            i2 < 0 || i2 >= p->in[2])
                                            continue;
                                        xr[(i0 * p->in[1] + i1) * p->in[2] + i2] +=
                                            gv * wr[p->flip ? p->T - 1 - e : e];
                                    }
                        }
            }
        }
}

/* Backward w.r.t. the input.  Forward reads padded x at o*s + r*d, so input position
 * i (padded i + plo) collects grad_out[o] * w[r] over o*s + r*d = i + plo.  Splitting i
 * by its residue a = (i + plo) mod s makes each residue class a stride-1 correlation
 * of grad_out with only the taps whose r*d = a (mod s): no multiplications by the
 * zeros a dilated-grad_out formulation would insert. */
fc_status FC_F(fc_conv_backward_input)(const fc_conv_desc *d, const FC_T *go, const FC_T *w,
                                       FC_T *gx, int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc(d, &p);
    if (st) return st;
    if (p.N == 0) return FC_OK;
    if (!go || !w || !gx) return FC_EINVAL;
    const int nthreads = fc_resolve_threads(num_threads, FC_F(macs)(&p));
    const FC_KT *k = FC_ACTIVE();
    /* any Inf or NaN among the weights (see backward_input_direct), found in the packed
     * copies while they are in L1: a separate pass over the caller's weights read them
     * from memory (5% of a 512-channel 7x7 call with 9.4 MB of weights).  The residue
     * classes' taps cover every tap but those of classes with no input position, whose
     * weights meet no grad_out element on either path. */
    int bad = 0;
    const int64_t in_plane = p.in[0] * p.in[1] * p.in[2];
    /* the residue classes: input positions i = a + m*s - plo for a in [0, s) per axis,
     * each a stride-1 correlation of grad_out with the taps r where r*d = a (mod s) */
    const int64_t ncls = p.str[0] * p.str[1] * p.str[2];
    typedef struct {
        int64_t a[3], nk[3], *rk[3], qmax[3], mlo[3], ma[3], plo[3];
    } cls_t;
    const int64_t ksum = p.ker[0] + p.ker[1] + p.ker[2];
    cls_t *cl = calloc((size_t)ncls, sizeof(cls_t));
    int64_t *rkbuf = malloc(sizeof(int64_t) * (size_t)(ncls * ksum));
    FC_F(engine) *es = calloc((size_t)ncls, sizeof(FC_F(engine)));
    fc_geom *gs = calloc((size_t)ncls, sizeof(fc_geom));
    FC_F(scatter) *scs = calloc((size_t)ncls, sizeof(FC_F(scatter)));
    FC_T **wps = calloc((size_t)ncls, sizeof(FC_T *));
    int np = 0;
    if (!cl || !rkbuf || !es || !gs || !scs || !wps) {
        st = FC_ENOMEM;
        goto done;
    }
    /* a common packed layout for grad_out: low pad PLO = the largest class's, and rows
     * long enough for every class; class c's taps shift by PLO - plo_c.  7x7 stride 2,
     * padding 3: classes a = 0 (taps 0,2,4,6) and a = 1 (1,3,5) both have plo 1, rows
     * of 112 + 3 and 112 + 2 -> one layout of 115.  Packing grad_out once per class
     * instead was 26% of that layer's backward-input. */
    int64_t PLO[3] = {INT64_MIN, INT64_MIN, INT64_MIN}, Q[3] = {0, 0, 0};
    for (int64_t c = 0; c < ncls; ++c) {
        const int64_t a[3] = {c / (p.str[1] * p.str[2]), (c / p.str[2]) % p.str[1], c % p.str[2]};
        cls_t *cc = cl + np;
        int empty_out = 0;
        for (int i = 0; i < 3; ++i) {
            cc->a[i] = a[i];
            cc->rk[i] = rkbuf + np * ksum + (i == 0 ? 0 : i == 1 ? p.ker[0] : p.ker[0] + p.ker[1]);
            cc->nk[i] = 0;
            cc->qmax[i] = 0;
            for (int64_t r = 0; r < p.ker[i]; ++r)
                if ((r * p.dil[i]) % p.str[i] == a[i]) {
                    cc->rk[i][cc->nk[i]++] = r;
                    const int64_t qr = (r * p.dil[i] - a[i]) / p.str[i];
                    if (qr > cc->qmax[i]) cc->qmax[i] = qr;
                }
            /* inputs of this class: i = a + m*s - plo in [0, in), e.g. a=1, s=2,
             * plo=1, in=5: m from 0 (i=0) to 2 (i=4) */
            cc->mlo[i] = fc_floor_div(p.plo[i] - a[i] + p.str[i] - 1, p.str[i]);
            if (cc->mlo[i] < 0) cc->mlo[i] = 0;
            const int64_t mhi = fc_floor_div(p.plo[i] + p.in[i] - 1 - a[i], p.str[i]);
            cc->ma[i] = mhi - cc->mlo[i] + 1;
            if (cc->ma[i] <= 0) empty_out = 1;
            /* grad_out padded so that out index m' + u_r reads grad_out[m - q_r]:
             * u_r = qmax - q_r and a low pad of qmax - mlo (negative: crop) */
            cc->plo[i] = cc->qmax[i] - cc->mlo[i];
        }
        if (empty_out) continue;
        scs[np] = (FC_F(scatter)){&gs[np], {p.in[0], p.in[1], p.in[2]},
                                  {a[0] + cc->mlo[0] * p.str[0] - p.plo[0], a[1] + cc->mlo[1] * p.str[1] - p.plo[1],
                                   a[2] + cc->mlo[2] * p.str[2] - p.plo[2]},
                                  {p.str[0], p.str[1], p.str[2]}};
        for (int i = 0; i < 3; ++i)
            if (cc->plo[i] > PLO[i]) PLO[i] = cc->plo[i];
        ++np;
    }
    for (int c = 0; c < np; ++c)
        for (int i = 0; i < 3; ++i) {
            const int64_t q = cl[c].ma[i] + cl[c].qmax[i] + (PLO[i] - cl[c].plo[i]);
            if (q > Q[i]) Q[i] = q;
        }
    int64_t cs = 0;
    for (int c = 0; c < np; ++c) {
        const cls_t *cc = cl + c;
        fc_geom *g = gs + c;
        FC_F(engine) *e = es + c;
        int64_t T = cc->nk[0] * cc->nk[1] * cc->nk[2];
        g->off = malloc(sizeof(int64_t) * (size_t)(T ? T : 1));
        g->tap_elem = malloc(sizeof(int64_t) * (size_t)(T ? T : 1));
        if (!g->off || !g->tap_elem) {
            st = FC_ENOMEM;
            goto done;
        }
        for (int i = 0; i < 3; ++i) {
            g->L[i] = p.out[i];
            g->plo[i] = PLO[i];
            g->s[i] = 1;
            g->q[i] = Q[i];
            g->O[i] = cc->ma[i];
        }
        g->boundary = FC_BOUNDARY_FILL;
        const int64_t *a = cc->a;
        int t = 0;
        for (int64_t i0 = 0; i0 < cc->nk[0]; ++i0)
            for (int64_t i1 = 0; i1 < cc->nk[1]; ++i1)
                for (int64_t i2 = 0; i2 < cc->nk[2]; ++i2, ++t) {
                    const int64_t r0 = cc->rk[0][i0], r1 = cc->rk[1][i1], r2 = cc->rk[2][i2];
                    /* u = qmax - q_r, shifted by the common pad: PLO - plo */
                    const int64_t u0 = cc->qmax[0] - (r0 * p.dil[0] - a[0]) / p.str[0] + PLO[0] - cc->plo[0];
                    const int64_t u1 = cc->qmax[1] - (r1 * p.dil[1] - a[1]) / p.str[1] + PLO[1] - cc->plo[1];
                    const int64_t u2 = cc->qmax[2] - (r2 * p.dil[2] - a[2]) / p.str[2] + PLO[2] - cc->plo[2];
                    g->off[t] = (u0 * Q[1] + u1) * Q[2] + u2;
                    const int64_t el = (r0 * p.ker[1] + r1) * p.ker[2] + r2;
                    g->tap_elem[t] = p.flip ? p.T - 1 - el : el;
                }
        g->T = t;
        FC_F(pick_kernel)(k, p.Cg, g->T, e);
        if ((st = fc_geom_finish(g, e->nr))) goto done;
        FC_F(maybe_kvec)(k, g, p.Cg, p.Kg, scs[c].ystep[2] == 1, e);
        /* one class (stride 1): its layout is its own to fold */
        if (ncls == 1) FC_F(maybe_fold)(g, scs + c, e);
        if (g->cs > cs) cs = g->cs;
    }
    for (int c = 0; c < np; ++c) {
        fc_geom *g = gs + c;
        FC_F(engine) *e = es + c;
        g->cs = cs; /* one packed layout: every class's channel size is the largest */
        const int64_t nblk = fc_ceil_div(p.Cg, e->mr);
        FC_T *wp = wps[c] = fc_malloc(sizeof(FC_T) * (size_t)(p.G * nblk * p.Kg * (g->T ? g->T : 1) * e->mr));
        if (!wp) {
            st = FC_ENOMEM;
            goto done;
        }
        /* wp[g][blk][k][t][i] = w[g*Kg + k][blk*mr + i][tap_elem[t]]: the kernel
         * transposed in/out, taps of this residue class only: per (block, k), a
         * transpose of mr channels' T elements, element e to packed row t where
         * tap_elem[t] = e (the class's other elements dropped: row -1) */
        int64_t *drow = malloc(sizeof(int64_t) * (size_t)p.T);
        if (!drow) {
            st = FC_ENOMEM;
            goto done;
        }
        fc_geom_tap_rows(g, p.T, drow);
        int cbad = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) reduction(| : cbad) num_threads(nthreads)
#endif
        for (int64_t gk = 0; gk < p.G * nblk * p.Kg; ++gk) {
            const int64_t kk = gk % p.Kg, b = (gk / p.Kg) % nblk, gi = gk / (p.Kg * nblk);
            const int64_t nv = p.Cg - b * e->mr < e->mr ? p.Cg - b * e->mr : e->mr;
            FC_T *dst = wp + ((gi * nblk + b) * p.Kg + kk) * g->T * e->mr;
            k->wtrans(nv, e->mr, p.T, w + ((gi * p.Kg + kk) * p.Cg + b * e->mr) * p.T, p.T, drow, dst,
                      e->mr);
            cbad |= !FC_F(finite_run)(dst, g->T * e->mr);
        }
        bad |= cbad;
        free(drow);
        e->g = g;
        e->sc = scs + c;
        e->N = p.N;
        e->G = p.G;
        e->R = p.Kg;
        e->M = p.Cg;
        e->src = go;
        e->src_plane = p.out[0] * p.out[1] * p.out[2];
        e->fill = 0;
        e->wpack = wp;
        e->bias = NULL;
        e->y = gx;
        e->ystride = in_plane;
        e->ybatch = p.C * in_plane;
    }
    if (bad)
        FC_F(backward_input_direct)(&p, go, w, gx);
    else if (np)
        st = FC_F(engine_run_passes)(es, np, nthreads);
done:
    for (int c = 0; gs && wps && c < ncls; ++c) {
        fc_free(wps[c]);
        fc_geom_free(gs + c);
    }
    free(cl);
    free(rkbuf);
    free(es);
    free(gs);
    free(scs);
    free(wps);
    return st;
}

/* gT[p][k] = grad_out[k][o] for output rows [r0, r0 + nr) of plane o0, columns
 * [c0, c0 + cw) and channels [k0, k1) of one image and group, p counted from column c0
 * of the first row (rows q2 apart).
 * src points at the group's first channel; channels are out_plane apart.  Garbage lanes
 * are never read, so they are not written.  The padded k lanes [Kg, Kgp) only feed sums
 * that are dropped, but the kernel multiplies them all the same: they are zeroed with
 * the last block of channels, since stale workspace bytes read as floats are often
 * denormals, and an FMA on a denormal takes a microcode assist (K = 1, 8x8 image: 30 us
 * a call instead of 3.6).  Each row walks its 16 channels together with software
 * prefetch: all 64 channels of a row at once are more streams than the hardware
 * prefetcher follows (that measured 1.3 ns an element); a 16x16 in-register transpose
 * measured no faster (the pass is bound by moving grad_out, not by its instructions). */
static void FC_F(transpose_go)(const fc_prob *p, const fc_geom *g, const FC_T *src, int64_t o0,
                               int64_t r0, int64_t nr, int64_t c0, int64_t cw, int64_t k0, int64_t k1,
                               FC_T *gT, int64_t Kgp)
{
    const int64_t out_plane = p->out[0] * p->out[1] * p->out[2];
    for (int64_t o1 = r0; o1 < r0 + nr; ++o1) {
        FC_T *drow = gT + (o1 - r0) * g->q[2] * Kgp;
        const FC_T *srow = src + (o0 * p->out[1] + o1) * p->out[2] + c0;
        for (int64_t o2 = 0; o2 < cw; ++o2) {
            if ((o2 & 15) == 0)
                for (int64_t kk = k0; kk < k1; ++kk)
                    __builtin_prefetch(srow + kk * out_plane + o2 + 64);
            for (int64_t kk = k0; kk < k1; ++kk) drow[o2 * Kgp + kk] = srow[kk * out_plane + o2];
            if (k1 == p->Kg)
                for (int64_t kk = k1; kk < Kgp; ++kk) drow[o2 * Kgp + kk] = 0;
        }
    }
}

/* Group gi's first input channel for image n0 + nl, and the stride between its channels:
 * the caller's x when it is read in place, else image nl of the round's packed copy. */
static const FC_T *FC_F(bw_source)(const fc_prob *p, const fc_geom *g, const FC_T *x, const FC_T *xbuf,
                                   int in_place, int64_t n0, int64_t nl, int64_t gi, int64_t *xcs)
{
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2];
    *xcs = in_place ? in_plane : g->cs;
    return in_place ? x + ((n0 + nl) * p->C + gi * p->Cg) * in_plane : xbuf + (nl * p->C + gi * p->Cg) * g->cs;
}

/* The wnj input streams of (c, t) block cb from pixel p0: stream j is ct = cb*wnj + j,
 * channel ct / T of xn (channels xcs apart) shifted by off[ct % T].  Past the last
 * (c, t) any in-bounds stream does: its sums land in accumulator rows never read. */
static void FC_F(bw_streams)(const fc_prob *p, const fc_geom *g, const FC_T *xn, int64_t xcs,
                             int64_t cb, int wnj, int64_t p0, const FC_T **xp)
{
    const int64_t CT = p->Cg * p->T;
    for (int j = 0; j < wnj; ++j) {
        const int64_t ct = cb * wnj + j;
        xp[j] = (ct < CT ? xn + (ct / p->T) * xcs + g->off[ct % p->T] : xn) + p0;
    }
}

/* The shape of one backward-weight call, shared by its two modes. */
typedef struct FC_F(bwjob) {
    const fc_prob *p;
    const fc_geom *g;
    const FC_T *x, *go;
    FC_CAT2(fc_wgt, FC_CAT2(FC_S, fn)) wgt;
    int64_t wk, wnj, Kgp, CTp, ncb, nkb, rchunk, cchunk; /* chunk: rchunk rows of cchunk columns */
    int x_in_place, nthreads;
} FC_F(bwjob);

/* Largest accumulator (elements) for the chunk-major mode: its partial sums, one per
 * chunk of a round, stay a few MB. */
#define FC_BW_CHUNK_ACC 65536
/* Largest partial sums of the chunk-major mode, one accumulator a chunk of a round
 * (elements): 16 MB in float32. */
#define FC_BW_PART_MAX ((int64_t)1 << 22)

/* Chunk-major backward-weight: a job is one chunk (rchunk output rows of one plane,
 * cchunk columns of each) of one image.  It transposes that chunk of grad_out into its
 * thread's buffer (L2) and runs every (group, k block, (c, t) block) over it into the
 * chunk's own partial sum, so grad_out is read once and its transposed copy never
 * goes back to memory (the batch-wide transposition pass of the other mode moved
 * grad_out three times and was 15% of a 7x7-stride-2 call).  acc then adds the
 * partials in job order: the order of every sum is fixed by the shapes, never by the
 * threads. */
static fc_status FC_F(backward_weight_chunks)(const FC_F(bwjob) *b, FC_T *acc)
{
    const fc_prob *p = b->p;
    const fc_geom *g = b->g;
    const int64_t accn = p->G * b->CTp * b->Kgp;
    /* chunks of near-equal height (56 rows under a 54-row cap: 28 + 28, not 54 + 2: the
     * unequal split left one thread idle and made 2 threads 1.4-1.7x slower) */
    const int64_t nrc = fc_ceil_div(p->out[1], b->rchunk), ncc = fc_ceil_div(p->out[2], b->cchunk);
    const int64_t cpi = p->out[0] * nrc * ncc;
    const int64_t rchunk = fc_ceil_div(p->out[1], nrc), cchunk = fc_ceil_div(p->out[2], ncc);
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2], out_plane = p->out[0] * p->out[1] * p->out[2];
    const int64_t gTn = ((rchunk - 1) * g->q[2] + cchunk) * b->Kgp;
    /* images per round: the packing budget of x alone (grad_out is never copied whole),
     * at least one per thread, and at most 4M elements of partials */
    int64_t nb = FC_F(images_per_pack)(p->N, p->C, g->cs, b->nthreads);
    if (nb < b->nthreads) nb = b->nthreads < p->N ? b->nthreads : p->N;
    if (nb * cpi * accn > FC_BW_PART_MAX) nb = FC_BW_PART_MAX / (cpi * accn);
    if (nb < 1) nb = 1;
    /* and a multiple of the thread count in jobs where that fits: 3 one-chunk images a
     * round on 2 threads left a thread idle for a third of each round (OpenMP waits
     * were 13% of a 3x3 stride-2 64-channel call; 4 a round: 0.87x the time).  Round
     * sizes never change the order of a sum: partials are added into acc in job order,
     * round after round. */
    while (nb < p->N && (nb * cpi) % b->nthreads != 0 && (nb + 1) * cpi * accn <= FC_BW_PART_MAX) ++nb;
    FC_T *xbuf = b->x_in_place ? NULL : fc_malloc(sizeof(FC_T) * (size_t)(nb * p->C * g->cs));
    FC_T *part = fc_malloc(sizeof(FC_T) * (size_t)(nb * cpi * accn));
    FC_T *gTl = fc_malloc(sizeof(FC_T) * (size_t)(b->nthreads * gTn));
    if ((!b->x_in_place && !xbuf) || !part || !gTl) {
        fc_free(xbuf);
        fc_free(part);
        fc_free(gTl);
        return FC_ENOMEM;
    }
    for (int64_t n0 = 0; n0 < p->N; n0 += nb) {
        const int64_t nbb = p->N - n0 < nb ? p->N - n0 : nb, njobs = nbb * cpi;
#ifdef _OPENMP
#pragma omp parallel num_threads(b->nthreads)
#endif
        {
#ifdef _OPENMP
            FC_T *gT = gTl + (int64_t)omp_get_thread_num() * gTn;
#pragma omp for schedule(static)
#else
            FC_T *gT = gTl;
#endif
            for (int64_t i = 0; i < (b->x_in_place ? 0 : nbb * p->C); ++i)
                FC_F(pack_plane)(b->x + (n0 * p->C + i) * in_plane, g, (FC_T)0, xbuf + i * g->cs);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
            for (int64_t job = 0; job < njobs; ++job) {
                const int64_t nl = job / cpi, ci = job % cpi, o0 = ci / (nrc * ncc);
                const int64_t r0 = (ci / ncc % nrc) * rchunk, c0 = ci % ncc * cchunk;
                const int64_t nr = p->out[1] - r0 < rchunk ? p->out[1] - r0 : rchunk;
                const int64_t cw = p->out[2] - c0 < cchunk ? p->out[2] - c0 : cchunk;
                /* the chunk's first pixel: p0 = (o0*q1 + r0)*q2 + c0 */
                const int64_t p0 = (o0 * g->q[1] + r0) * g->q[2] + c0;
                FC_T *pj = part + job * accn;
                memset(pj, 0, sizeof(FC_T) * (size_t)accn);
                for (int64_t gi = 0; gi < p->G; ++gi) {
                    const FC_T *src = b->go + ((n0 + nl) * p->K + gi * p->Kg) * out_plane;
                    for (int64_t k0 = 0; k0 < p->Kg; k0 += 16)
                        FC_F(transpose_go)(p, g, src, o0, r0, nr, c0, cw, k0, p->Kg - k0 < 16 ? p->Kg : k0 + 16, gT,
                                           b->Kgp);
                    int64_t xcs;
                    const FC_T *xn = FC_F(bw_source)(p, g, b->x, xbuf, b->x_in_place, n0, nl, gi, &xcs);
                    for (int64_t kb = 0; kb < b->nkb; ++kb)
                        for (int64_t cb = 0; cb < b->ncb; ++cb) {
                            const FC_T *xp[64];
                            FC_F(bw_streams)(p, g, xn, xcs, cb, (int)b->wnj, p0, xp);
                            b->wgt(nr, cw, g->q[2], gT + kb * b->wk, b->Kgp, xp,
                                   pj + (gi * b->CTp + cb * b->wnj) * b->Kgp + kb * b->wk, b->Kgp);
                        }
                }
            }
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
            for (int64_t i = 0; i < accn; ++i)
                for (int64_t job = 0; job < njobs; ++job) acc[i] += part[job * accn + i];
        }
    }
    fc_free(xbuf);
    fc_free(part);
    fc_free(gTl);
    return FC_OK;
}

/* Pixel-vectorised backward-weight, for layers with few output channels: grad_out is
 * read as it is (no transposition) and every (k, (c, t)) pair is a dot product over
 * the pixels, FC_LANES of them at a time (the kernel wgd).  A job is a run of whole
 * images into its own lane-wise partial sum; the runs are fixed by N alone, and the
 * partials are added in run order, then their lanes in lane order, so the result does
 * not depend on the thread count.  acc[gi][ct][k] has rows of Kgp (a whole number of
 * wdk) and CTp (whole wds) rows per group. */
static fc_status FC_F(backward_weight_dot)(const fc_prob *p, const fc_geom *g,
                                           FC_CAT2(fc_wgd, FC_CAT2(FC_S, fn)) wgd, int64_t wdk,
                                           int64_t wds, const FC_T *x, const FC_T *go,
                                           int x_in_place, int nthreads, FC_T *acc, int64_t Kgp,
                                           int64_t CTp)
{
    enum { L = FC_WGD_SLOT(FC_T) };  /* a slot per sum for the widest vector's lanes */
    const int64_t nkb = Kgp / wdk, ncb = CTp / wds;
    const int64_t accn = p->G * CTp * Kgp;
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2], out_plane = p->out[0] * p->out[1] * p->out[2];
    /* at most 16 runs of whole images (N = 64 -> 16 runs of 4), and partials of at most
     * 1M elements (4 MB in float32): a run's partial holds L lanes per sum, 4.7 MB for 32
     * groups of 16 -> 16 channels with 3x3 taps, which as 8 runs of one 14x14 image
     * each went out to memory three times (cleared, added to, reduced) for 1/8 of the
     * work.  Alternating installs, 32 groups, 8 images (GFLOP/s, 1 / 2 threads): 16 ch
     * a group 14x14 9-15 -> 28-29 / 28-39 -> 54-68, 28x28 31-32 -> 48-60 / 68-74 ->
     * 65-102; 8 ch a group 14x14 17-23 -> 26-29 / 37-40 -> 46-60, 28x28 even / 68-82 ->
     * 93-100.  Layers with partials under 1M elements (every few-channel layer of the
     * benchmark) keep their runs, and their bits. */
    int64_t nrun = p->N < 16 ? p->N : 16;
    const int64_t rcap = ((int64_t)1 << 20) / (accn * L);
    if (nrun > rcap) nrun = rcap > 1 ? rcap : 1;
    const int64_t per = fc_ceil_div(p->N, nrun);
    nrun = fc_ceil_div(p->N, per);
    /* a job: one run, a block of gpj groups (their slices of the run's partial are
     * theirs alone); about 16 jobs a thread.  Which groups share a job does not change
     * any sum, so gpj may depend on the thread count. */
    int64_t gpj = p->G * nrun / (16 * (int64_t)nthreads);
    if (gpj < 1) gpj = 1;
    if (gpj > p->G) gpj = p->G;
    const int64_t ngb = fc_ceil_div(p->G, gpj), gslice = CTp * Kgp * L;
    /* output rows per kernel call: about 32 KB of grad_out rows (wdk of them), which
     * stay in L1 while every block of input streams passes over them.  Each call ends
     * by adding its wdk x wds vector sums into the partial, so longer calls pay that
     * less often: 32 KB (a whole 28x28 image at wdk = 8) measured 0.95x the time of
     * 24 KB on the 8->16 layer, 8 KB 1.09x */
    int64_t rchunk = (32 * 1024) / (wdk * p->out[2] * (int64_t)sizeof(FC_T));
    if (rchunk < 1) rchunk = 1;
    if (rchunk > p->out[1]) rchunk = p->out[1];
    /* near-equal chunks: 28 rows under a 27-row cap are 14 + 14, not 27 + 1 */
    rchunk = fc_ceil_div(p->out[1], fc_ceil_div(p->out[1], rchunk));
    const int64_t xper = x_in_place ? 0 : p->C * g->cs;
    FC_T *part = fc_malloc(sizeof(FC_T) * (size_t)(nrun * accn * L));
    FC_T *xbl = x_in_place ? NULL : fc_malloc(sizeof(FC_T) * (size_t)(nthreads * xper));
    if (!part || (!x_in_place && !xbl)) {
        fc_free(part);
        fc_free(xbl);
        return FC_ENOMEM;
    }
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
    {
#ifdef _OPENMP
        FC_T *xb = xbl ? xbl + (int64_t)omp_get_thread_num() * xper : NULL;
#pragma omp for schedule(dynamic, 1)
#else
        FC_T *xb = xbl;
#endif
        for (int64_t job = 0; job < nrun * ngb; ++job) {
            const int64_t run = job / ngb, g0 = job % ngb * gpj, g1 = g0 + gpj < p->G ? g0 + gpj : p->G;
            FC_T *pv = part + run * accn * L;
            memset(pv + g0 * gslice, 0, sizeof(FC_T) * (size_t)((g1 - g0) * gslice));
            const int64_t n1 = (run + 1) * per < p->N ? (run + 1) * per : p->N;
            for (int64_t n = run * per; n < n1; ++n) {
                if (!x_in_place)
                    for (int64_t c = g0 * p->Cg; c < g1 * p->Cg; ++c)
                        FC_F(pack_plane)(x + (n * p->C + c) * in_plane, g, (FC_T)0, xb + c * g->cs);
                for (int64_t gi = g0; gi < g1; ++gi) {
                    int64_t xcs;
                    const FC_T *xn = FC_F(bw_source)(p, g, x, xb, x_in_place, n, 0, gi, &xcs);
                    const FC_T *gbase = go + (n * p->K + gi * p->Kg) * out_plane;
                    for (int64_t o0 = 0; o0 < p->out[0]; ++o0)
                        for (int64_t r0 = 0; r0 < p->out[1]; r0 += rchunk) {
                            const int64_t nr = p->out[1] - r0 < rchunk ? p->out[1] - r0 : rchunk;
                            /* the chunk starts at packed pixel (o0*q1 + r0)*q2 and at
                             * grad_out pixel (o0*out1 + r0)*out2 */
                            const int64_t p0 = (o0 * g->q[1] + r0) * g->q[2];
                            const FC_T *gr = gbase + (o0 * p->out[1] + r0) * p->out[2];
                            for (int64_t kb = 0; kb < nkb; ++kb) {
                                /* rows past Kg repeat the last one: their sums are never read */
                                const FC_T *gp[64];
                                for (int64_t i = 0; i < wdk; ++i) {
                                    const int64_t kk = kb * wdk + i < p->Kg ? kb * wdk + i : p->Kg - 1;
                                    gp[i] = gr + kk * out_plane;
                                }
                                for (int64_t cb = 0; cb < ncb; ++cb) {
                                    const FC_T *xp[64];
                                    FC_F(bw_streams)(p, g, xn, xcs, cb, (int)wds, p0, xp);
                                    wgd(nr, p->out[2], gp, p->out[2], xp, g->q[2],
                                           pv + ((gi * CTp + cb * wds) * Kgp + kb * wdk) * L, Kgp);
                                }
                            }
                        }
                }
            }
        }
        /* runs in order, then lanes in order */
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (int64_t i = 0; i < accn; ++i) {
            FC_T lane[L];
            for (int l = 0; l < L; ++l) lane[l] = 0;
            for (int64_t run = 0; run < nrun; ++run)
                for (int l = 0; l < L; ++l) lane[l] += part[(run * accn + i) * L + l];
            FC_T sum = 0;
            for (int l = 0; l < L; ++l) sum += lane[l];
            acc[i] = sum;
        }
    }
    fc_free(part);
    fc_free(xbl);
    return FC_OK;
}

/* Backward w.r.t. the weights: grad_w[k][c][r] = sum_n sum_o grad_out[n][k][o] *
 * xpad[n][c][o*s + r*d].  In the packed layout that is, for every (c, t), a sum over
 * the flattened pixels p of grad_out (zero on garbage lanes) times the input channel
 * shifted by off[t].  grad_out is transposed to gT[p][k] so the kernel vectorises over
 * k.  Two modes, chosen by the shape: small accumulators go chunk-major (each chunk of
 * each image into its own partial, partials added in order); large ones block-major
 * (each (k block, (c, t) block) reduced by one thread over all images in order).
 * Either way the sum is the same for any thread count. */
fc_status FC_F(fc_conv_backward_weight)(const fc_conv_desc *d, const FC_T *x, const FC_T *go,
                                        FC_T *gw, int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc(d, &p);
    if (st) return st;
    if (!gw || (p.N > 0 && (!x || !go))) return FC_EINVAL;
    const FC_KT *k = FC_ACTIVE();
    const int nthreads = fc_resolve_threads(num_threads, FC_F(macs)(&p));
    /* few output channels: one vector of the narrowest ISA, not 2 x 16 lanes of zeros */
    const FC_KT *kn = FC_CAT2(fc_narrow, FC_S)();
    const int narrow = p.Kg <= kn->wkn && kn->wkn < k->wk;
    /* the wider tile where it pads k no more than the standard one (64, 128, 256 output
     * channels on AVX-512): interleaved A/B, median time ratio 0.88-0.96 on every 3x3,
     * 1x1 and 7x7-stride-2 layer of the benchmark, f32 and f64, 1 and 2 threads */
    const int wide = !narrow && k->wkw > k->wk && fc_round_up(p.Kg, k->wkw) == fc_round_up(p.Kg, k->wk);
    const int wk = narrow ? kn->wkn : wide ? k->wkw : k->wk;
    const int wnj = narrow ? kn->wnjn : wide ? k->wnjw : k->wnj;
    const FC_CAT2(fc_wgt, FC_CAT2(FC_S, fn)) wgt = narrow ? kn->wgtn : wide ? k->wgtw : k->wgt;
    fc_geom g;
    if ((st = fc_geom_forward(&p, 1, &g))) return st;
    const int64_t CT = p.Cg * p.T, lg = g.lvalid;
    /* pixel-vectorised (backward_weight_dot) where a vector of k lanes would carry
     * padding: Kg < wk (8 or 16 output channels on AVX-512 f32).  Interleaved A/B
     * against the k-vectorised modes, 64 images of 28x28: 1->8 channels 0.29-0.36x the
     * time (AVX-512, AVX2), 8->16 0.64x (1 thread), 0.70x (2); 8->32 even, and 2.0x
     * slower on 64-channel layers.  Also where there are few (c, t) streams (CT <= 48):
     * the k-vectorised modes transpose all of grad_out, and each transposed element
     * then feeds only CT multiply-adds.  Interleaved A/B, AVX-512 f32, 1 and 2 threads:
     * 1-D 1->64 channels, 11 taps (CT 11) 0.35-0.44x the time; 3->64 3x3 at 112x112
     * (27) 0.58-0.62x, 3->256 0.68-0.74x; 4->32 3x3 (36) 0.78x; 1-D 16->64, 3 taps (48)
     * 0.82-0.94x (f64 0.79x, AVX2 0.81x); 6->64 3x3 (54) even, 1-D 16->64 4 taps (64)
     * 1.18-1.25x, 8->64 3x3 (72) 1.27-1.29x, 3->64 7x7 stride 2 (147) 1.34-1.36x.  At
     * least 4 images, so its runs of whole images still feed two threads; fewer take the
     * chunk-major mode, which splits images. */
    const int dot = p.N >= 4 && (p.Kg < k->wk || CT <= 48);
    /* one output channel a group (depthwise): the one-row tile, not wdk copies of it */
    const int64_t wdk = p.Kg == 1 ? 1 : k->wdk, wds = p.Kg == 1 ? k->wds1 : k->wds;
    const FC_CAT2(fc_wgd, FC_CAT2(FC_S, fn)) wgd = p.Kg == 1 ? k->wgd1 : k->wgd;
    const int64_t Kgp = fc_round_up(p.Kg, dot ? wdk : wk);  /* gT row: the group's k, padded */
    /* blocks of k and of (c, t): wk x wnj tiles, or wdk x wds in the dot mode */
    const int64_t nkb = Kgp / (dot ? wdk : wk), ncb = fc_ceil_div(CT, dot ? wds : wnj);
    const int64_t nkc = fc_ceil_div(p.Kg, 16);          /* channel runs of the gT transposition */
    const int64_t CTp = ncb * (dot ? wds : wnj);        /* acc rows padded to whole blocks */
    const int64_t gimg = p.G * lg * Kgp;                /* gT elements per image */
    /* output rows per chunk of gT: about 384 KB of it (3072 pixels at wk=32, f32), kept
     * in L2 while a run of (c, t) blocks streams over it.  Long chunks are what the
     * input streams need: each is a run of chunk pixels the prefetcher can follow (a
     * 1x1 layer's 12 streams are 12 channels).  Measured, 1 thread: 128-pixel chunks
     * (16 KB, L1) ran the 1x1 256->64 layer at 46 GFLOP/s, 2048-4096 at 94-112, and the
     * 3x3 and 7x7-stride-2 layers 10-25% faster too; 16384 lost on 7x7-stride-2. */
    const int64_t chunk_px = (384 * 1024) / (wk * (int64_t)sizeof(FC_T));
    const int64_t rchunk = p.out[2] >= chunk_px ? 1 : chunk_px / p.out[2];
    const int64_t nb = p.N ? FC_F(images_per_pack)(p.N, p.C + p.G * Kgp, g.cs, nthreads) : 1;
    const int64_t in_plane = p.in[0] * p.in[1] * p.in[2], out_plane = p.out[0] * p.out[1] * p.out[2];
    /* acc[gi][ct][k]: k fastest, as the kernel produces it */
    const int64_t accn = p.G * CTp * Kgp;
    /* chunk-major mode for layers whose accumulator is small (it also covers every layer
     * with too few (k, (c, t)) blocks to split by blocks, e.g. the few-channel ones):
     * each job takes one chunk of one image, transposes its grad_out into a per-thread
     * buffer and runs every block over it, into a partial sum of its own (see
     * backward_weight_chunks).  Interleaved A/B against the block-major mode below:
     * 2 threads 0.66x the time (7x7 stride 2), 0.90x (1x1 256->64), 0.93x (3x3 64-ch
     * 56x56), 0.88x (3x3 64-ch 28x28 f64); 1 thread 0.86x, 1.0x, 1.04x, 1.07x.  With a
     * large accumulator (128+ channels, 3x3) it measured 1.1-1.5x slower: every chunk
     * sweeps its whole partial.  The choice depends on the shape only, so results do
     * not depend on the thread count. */
    const int fused = !dot && p.N > 0 && accn <= FC_BW_CHUNK_ACC;
    /* Rows longer than a chunk (1-D signals) are cut into column chunks too: a whole
     * 4000-sample row was a 1-2 MB chunk of gT that every (c, t) block re-read from L3
     * (1-D 64->128 channels, 5 taps, stride 2: the kernel's grad_out loads held 40% of
     * its samples).  The chunk-major mode keeps its partial sums, one per chunk, within
     * 4M elements: longer chunks past that. */
    int64_t ncc = p.out[2] > chunk_px ? fc_ceil_div(p.out[2], chunk_px) : 1;
    if (fused) {
        const int64_t cap = FC_BW_PART_MAX / (accn * p.out[0] * p.out[1]);
        if (ncc > cap) ncc = cap > 1 ? cap : 1;
    }
    const int64_t cchunk = fc_ceil_div(p.out[2], ncc);
    FC_T *acc = fc_malloc(sizeof(FC_T) * (size_t)accn);
    /* an unpadded stride-1 layer (a 1x1 layer, say) is its own packed layout, and the
     * kernel reads valid pixels only: x is then read in place, not copied */
    const int x_in_place = FC_F(identity_geom)(&g);
    FC_T *xbuf = x_in_place || fused || dot ? NULL : fc_malloc(sizeof(FC_T) * (size_t)(nb * p.C * g.cs));
    FC_T *gbuf = fused || dot ? NULL : fc_malloc(sizeof(FC_T) * (size_t)(nb * gimg));
    FC_F(bwjob) bw = {&p, &g, x, go, wgt, wk, wnj, Kgp, CTp, ncb, nkb, rchunk, cchunk, x_in_place, nthreads};
    if (!acc || (!fused && !dot && ((!x_in_place && !xbuf) || !gbuf))) {
        st = FC_ENOMEM;
        goto done;
    }
    memset(acc, 0, sizeof(FC_T) * (size_t)accn);
    if (dot) {
        st = FC_F(backward_weight_dot)(&p, &g, wgd, wdk, wds, x, go, x_in_place, nthreads, acc, Kgp, CTp);
        goto scatter;
    }
    if (fused) {
        st = FC_F(backward_weight_chunks)(&bw, acc);
        goto scatter;
    }
    for (int64_t n0 = 0; n0 < p.N; n0 += nb) {
        const int64_t nbb = p.N - n0 < nb ? p.N - n0 : nb;
        /* enough runs of (c, t) blocks to feed every thread even with one k block */
        int64_t nrun = (4 * nthreads + p.G * nkb - 1) / (p.G * nkb);
        if (nrun > ncb) nrun = ncb;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
        {
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
            for (int64_t i = 0; i < (x_in_place ? 0 : nbb * p.C); ++i)
                FC_F(pack_plane)(x + (n0 * p.C + i) * in_plane, &g, (FC_T)0, xbuf + i * g.cs);
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
            for (int64_t i = 0; i < nbb * p.G * nkc; ++i) {
                /* one image, group and run of 16 channels, all output rows; output row
                 * (o0, o1) of the image sits at p = (o0*q1 + o1)*q2 */
                const int64_t kc = i % nkc, ig = i / nkc, nl = ig / p.G, gi = ig % p.G;
                const int64_t k0 = kc * 16, k1 = p.Kg - k0 < 16 ? p.Kg : k0 + 16;
                const FC_T *src = go + ((n0 + nl) * p.K + gi * p.Kg) * out_plane;
                for (int64_t o0 = 0; o0 < p.out[0]; ++o0)
                    FC_F(transpose_go)(&p, &g, src, o0, 0, p.out[1], 0, p.out[2], k0, k1,
                                       gbuf + ig * lg * Kgp + o0 * g.q[1] * g.q[2] * Kgp, Kgp);
            }
            /* a job owns a run of (c, t) blocks of one k block and walks the pixels in
             * chunks: the chunk of gT stays in cache while every block of the run uses
             * it.  The order of every sum is fixed by the shapes, never by the threads. */
            const int64_t njobs = p.G * nkb * nrun;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
            for (int64_t job = 0; job < njobs; ++job) {
                const int64_t run = job % nrun;
                const int64_t kb = (job / nrun) % nkb;
                const int64_t gi = job / (nrun * nkb);
                const int64_t cb0 = run * ncb / nrun, cb1 = (run + 1) * ncb / nrun;
                for (int64_t nl = 0; nl < nbb; ++nl) {
                    const FC_T *gT = gbuf + (nl * p.G + gi) * lg * Kgp + kb * wk;
                    int64_t xcs;
                    const FC_T *xn = FC_F(bw_source)(&p, &g, x, xbuf, x_in_place, n0, nl, gi, &xcs);
                    /* chunks (o0, rows [r0, r0 + nr), columns [c0, c0 + cw)) from
                     * p = (o0*q1 + r0)*q2 + c0 */
                    for (int64_t o0 = 0; o0 < p.out[0]; ++o0)
                        for (int64_t r0 = 0; r0 < p.out[1]; r0 += rchunk)
                            for (int64_t c0 = 0; c0 < p.out[2]; c0 += cchunk) {
                                const int64_t nr = p.out[1] - r0 < rchunk ? p.out[1] - r0 : rchunk;
                                const int64_t cw = p.out[2] - c0 < cchunk ? p.out[2] - c0 : cchunk;
                                const int64_t p0 = (o0 * g.q[1] + r0) * g.q[2] + c0;
                                for (int64_t cb = cb0; cb < cb1; ++cb) {
                                    const FC_T *xp[64];
                                    FC_F(bw_streams)(&p, &g, xn, xcs, cb, wnj, p0, xp);
                                    wgt(nr, cw, g.q[2], gT + p0 * Kgp, Kgp, xp,
                                        acc + (gi * CTp + cb * wnj) * Kgp + kb * wk, Kgp);
                                }
                            }
                }
            }
        }
    }
scatter:
    if (st) goto done;
    {
        /* acc[gi][(c, t)][k] -> gw[gi*Kg + k][c][tap_elem[t]]: per group the transpose of
         * its (Cg*T) x Kg block of acc (the wtrans kernel), in slices of 32 channels for
         * the threads, then each channel's T taps put in kernel order where tap_elem is
         * not the identity (flip reverses them).  The scalar loop this replaces was 23% of
         * a 512-channel 7x7 backward-weight (2.4 M weights). */
        int64_t *kid = malloc(sizeof(int64_t) * (size_t)p.Kg);
        FC_T *tmpt = malloc(sizeof(FC_T) * (size_t)p.T * (size_t)nthreads);
        if (!kid || !tmpt) {
            free(kid);
            free(tmpt);
            st = FC_ENOMEM;
            goto done;
        }
        for (int64_t kk = 0; kk < p.Kg; ++kk) kid[kk] = kk;
        int perm = 0;
        for (int t = 0; t < g.T; ++t) perm |= g.tap_elem[t] != t;
        const int64_t cps = 32, nsl = fc_ceil_div(p.Cg, cps);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nthreads)
#endif
        for (int64_t gs = 0; gs < p.G * nsl; ++gs) {
            const int64_t gi = gs / nsl, c0 = (gs % nsl) * cps, c1 = c0 + cps < p.Cg ? c0 + cps : p.Cg;
            FC_T *og = gw + gi * p.Kg * CT;
            k->wtrans((c1 - c0) * p.T, (c1 - c0) * p.T, p.Kg, acc + (gi * CTp + c0 * p.T) * Kgp, Kgp, kid,
                      og + c0 * p.T, CT);
            if (!perm) continue;
#ifdef _OPENMP
            FC_T *tmp = tmpt + (int64_t)omp_get_thread_num() * p.T;
#else
            FC_T *tmp = tmpt;
#endif
            for (int64_t kk = 0; kk < p.Kg; ++kk)
                for (int64_t c = c0; c < c1; ++c) {
                    FC_T *o = og + kk * CT + c * p.T;
                    for (int t = 0; t < g.T; ++t) tmp[t] = o[t];
                    for (int t = 0; t < g.T; ++t) o[g.tap_elem[t]] = tmp[t];
                }
        }
        free(kid);
        free(tmpt);
    }
done:
    fc_free(acc);
    fc_free(xbuf);
    fc_free(gbuf);
    fc_geom_free(&g);
    return st;
}

fc_status FC_F(fc_conv_backward_bias)(const fc_conv_desc *d, const FC_T *go, FC_T *gb, int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc(d, &p);
    if (st) return st;
    if (!gb || (p.N > 0 && !go)) return FC_EINVAL;
    const int64_t plane = p.out[0] * p.out[1] * p.out[2];
    const int nthreads = fc_resolve_threads(num_threads, (double)p.N * (double)p.K * (double)plane);
    (void)nthreads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nthreads)
#endif
    for (int64_t kk = 0; kk < p.K; ++kk) {
        /* double accumulation (a float32 bias gradient sums N*plane terms) in 8
         * independent lanes, so the adds pipeline instead of waiting on each other;
         * the lanes are combined in a fixed order */
        double s8[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        for (int64_t n = 0; n < p.N; ++n) {
            const FC_T *r = go + (n * p.K + kk) * plane;
            int64_t i = 0;
            for (; i + 8 <= plane; i += 8)
                for (int l = 0; l < 8; ++l) s8[l] += (double)r[i + l];
            for (; i < plane; ++i) s8[i & 7] += (double)r[i];
        }
        gb[kk] = (FC_T)(((s8[0] + s8[1]) + (s8[2] + s8[3])) + ((s8[4] + s8[5]) + (s8[6] + s8[7])));
    }
    return FC_OK;
}
