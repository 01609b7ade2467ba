/* Per-type half of tests/c/test_microkernels.c, included once per element type with
 *   MK_T (float, double), MK_SUF (f32, f64), MK_EPS (unit roundoff), MK_RAND() (a random
 *   element in [-1, 1)), MK_FMA(a, b, c) (fused a*b + c)
 * and giving check_tiles_<MK_SUF> and test_table_<MK_SUF>.  Each case builds its inputs,
 * replays the contract of src/internal.h in a naive loop into a "want" per output
 * element, calls the kernel once and counts one pass or fail. */

#define MK_FN(name) MK_CAT(name, MK_SUF)
#define MK_TY(name) MK_CAT(MK_CAT(fc_##name, MK_SUF), fn) /* MK_TY(fwd): fc_fwd_f32_fn */
#define MK_TBL MK_CAT(fc_kernels, MK_SUF)
#define MK_NAN ((MK_T)NAN)

/* What one output element must hold. */
typedef struct MK_FN(want) {
    MK_T e;         /* the kernel's chain replayed in its order and rounding model */
    long double h;  /* the same sum in long double */
    long double a;  /* sum of |terms| (the error bound's scale) */
    int n, nfma;    /* terms added; multiply-adds among them (0: exact in any model) */
    int set;        /* 0: the element must keep its old bits */
} MK_FN(want);

static void MK_FN(w_init)(MK_FN(want) *s, MK_T v)
{
    s->e = v;
    s->h = v;
    s->a = fabsl((long double)v);
    s->n = s->nfma = 0;
    s->set = 1;
}

/* s += a*b, one step of a kernel's chain */
static void MK_FN(w_fma)(MK_FN(want) *s, MK_T a, MK_T b)
{
    if (model == MODEL_MULADD) {
        volatile MK_T p = a * b; /* volatile: no contraction into an FMA here */
        s->e = p + s->e;
    } else {
        s->e = MK_FMA(a, b, s->e);
    }
    const long double p = (long double)a * b;
    s->h += p;
    s->a += fabsl(p);
    ++s->n;
    ++s->nfma;
}

/* s += v after the chain (an old output value, a bias) */
static void MK_FN(w_add)(MK_FN(want) *s, MK_T v)
{
    s->e = s->e + v;
    s->h += v;
    s->a += fabsl((long double)v);
    ++s->n;
}

/* An output buffer of exactly n elements, its bits before the call and what each
 * element must hold after it (all "keep" until a case sets them). */
typedef struct MK_FN(out) {
    MK_T *y, *old;
    MK_FN(want) *w;
    size_t n;
} MK_FN(out);

static void MK_FN(out_new)(MK_FN(out) *o, size_t n, int aligned)
{
    o->n = n;
    o->y = aligned ? xmalloc_aligned(n * sizeof(MK_T)) : xmalloc(n * sizeof(MK_T));
    o->old = xmalloc(n * sizeof(MK_T));
    o->w = xmalloc(n * sizeof(MK_FN(want)));
    memset(o->w, 0, n * sizeof(MK_FN(want)));
    for (size_t i = 0; i < n; ++i) o->y[i] = MK_RAND();
}

/* element i is overwritten (NaN before, so a read shows) or accumulated into (its old value
 * starts the chain, acc = 0) or added after the chain (acc = 2: out += chain) */
static MK_FN(want) *MK_FN(out_elem)(MK_FN(out) *o, size_t i, int acc)
{
    MK_FN(want) *s = &o->w[i];
    if (!acc) o->y[i] = MK_NAN;
    MK_FN(w_init)(s, acc == 1 ? o->y[i] : (MK_T)0);
    return s;
}

/* call between the naive loop and the kernel */
static void MK_FN(out_snap)(MK_FN(out) *o) { memcpy(o->old, o->y, o->n * sizeof(MK_T)); }

static void MK_FN(out_check)(MK_FN(out) *o, const char *what)
{
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < o->n; ++i) {
        const MK_FN(want) *s = &o->w[i];
        int ok;
        if (!s->set)
            ok = memcmp(&o->y[i], &o->old[i], sizeof(MK_T)) == 0;
        else if (model != MODEL_UNKNOWN || s->nfma == 0)
            ok = o->y[i] == s->e;
        else
            ok = fabsl((long double)o->y[i] - s->h) <= (s->n + 2) * MK_EPS * s->a;
        if (!ok && bad++ == 0) first = i;
    }
    const MK_FN(want) *s = &o->w[first];
    EXPECT(bad == 0, "%s: %zu of %zu elements wrong; first [%zu]: got %.17g, %s %.17g", what, bad,
           o->n, first, (double)o->y[first], s->set ? "expected" : "must keep",
           s->set ? (double)s->e : (double)o->old[first]);
    free(o->y);
    free(o->old);
    free(o->w);
}

static MK_T *MK_FN(rand_array)(size_t n)
{
    MK_T *a = xmalloc(n * sizeof(MK_T));
    for (size_t i = 0; i < n; ++i) a[i] = MK_RAND();
    return a;
}

/* Input of a tap kernel read at c*cs + off[t] + [0, width) for c < C, t < T: exactly
 * that reach, random where read, NaN between. */
static MK_T *MK_FN(tap_input)(int64_t C, int T, const int64_t *off, int64_t cs, int width)
{
    int64_t mx = 0;
    for (int t = 0; t < T; ++t) mx = off[t] > mx ? off[t] : mx;
    const size_t n = (size_t)((C - 1) * cs + mx + width);
    MK_T *x = xmalloc(n * sizeof(MK_T));
    for (size_t i = 0; i < n; ++i) x[i] = MK_NAN;
    for (int64_t c = 0; c < C; ++c)
        for (int t = 0; t < T; ++t)
            for (int j = 0; j < width; ++j) x[c * cs + off[t] + j] = 0;
    for (size_t i = 0; i < n; ++i)
        if (x[i] == 0) x[i] = MK_RAND();
    return x;
}

/* the tap chain of output row i, pixel j: sum_{c,t} w[(c*T + t)*MR + i] * x[c*cs + off[t] + j] */
static void MK_FN(tap_chain)(MK_FN(want) *s, int64_t C, int T, const int64_t *off, const MK_T *x,
                             int64_t cs, const MK_T *w, int MR, int i, int64_t j)
{
    for (int64_t c = 0; c < C; ++c)
        for (int t = 0; t < T; ++t) MK_FN(w_fma)(s, w[(c * T + t) * MR + i], x[c * cs + off[t] + j]);
}

/* ------------------------------------------------------------------ forward tiles */

/* fwd, fwd_t1, fwd_t9, fwd2, fwd2_t9, fwd1: an MR x NR tile at ldt = NR + pad; with
 * FC_BETA_STREAM the tile is 64-byte aligned and pad a whole number of vectors */
static void MK_FN(fwd_case)(const char *fam, MK_TY(fwd) fn, int MR, int NR, int64_t C, int T,
                            int64_t base, int pad, int beta)
{
    char what[160];
    snprintf(what, sizeof what, "%s %dx%d C=%lld T=%d off0=%lld ldt=NR+%d beta=%d", fam, MR, NR,
             (long long)C, T, (long long)base, pad, beta);
    trace_case(what);
    int64_t off[16];
    const int64_t cs = make_offsets(T, NR / 2 + 3, base, off) + NR + pad, ldt = NR + pad;
    MK_T *x = MK_FN(tap_input)(C, T, off, cs, NR), *w = MK_FN(rand_array)((size_t)(C * T * MR));
    MK_FN(out) o;
    MK_FN(out_new)(&o, (size_t)((MR - 1) * ldt + NR), beta & FC_BETA_STREAM);
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j < NR; ++j)
            MK_FN(tap_chain)(MK_FN(out_elem)(&o, (size_t)(i * ldt + j), beta & FC_BETA_ACC), C, T,
                             off, x, cs, w, MR, i, j);
    MK_FN(out_snap)(&o);
    fn(C, T, off, x, cs, w, o.y, ldt, beta);
    if (beta & FC_BETA_STREAM) MK_SFENCE();
    MK_FN(out_check)(&o, what);
    free(x);
    free(w);
}

static void MK_FN(test_fwd)(const MK_TBL *k)
{
    const struct {
        const char *name;
        MK_TY(fwd) fn;
        int MR, NR, T; /* T: the tap count a specialised kernel is for, 0: any */
    } fams[] = {{"fwd", k->fwd, k->mr, k->nr, 0},       {"fwd_t1", k->fwd_t1, k->mr, k->nr, 1},
                {"fwd_t9", k->fwd_t9, k->mr, k->nr, 9}, {"fwd2", k->fwd2, k->mr2, k->nr2, 0},
                {"fwd2_t9", k->fwd2_t9, k->mr2, k->nr2, 9}, {"fwd1", k->fwd1, 1, k->nr1, 0}};
    static const int64_t Cs[] = {1, 2, 3, 7};
    static const int Ts[] = {1, 2, 9, 11};
    for (size_t f = 0; f < sizeof fams / sizeof fams[0]; ++f) {
        for (int ci = 0; ci < 4; ++ci)
            for (int ti = 0; ti < (fams[f].T ? 1 : 4); ++ti)
                for (int beta = 0; beta <= FC_BETA_ACC; beta += FC_BETA_ACC) {
                    const int T = fams[f].T ? fams[f].T : Ts[ti];
                    MK_FN(fwd_case)(fams[f].name, fams[f].fn, fams[f].MR, fams[f].NR, Cs[ci], T,
                                    (ci + ti) % 2, (ci + ti + beta) % 2 ? 3 : 0, beta);
                }
        /* non-temporal stores: rows vector-aligned, ldt = NR or NR + one vector */
        const int T = fams[f].T ? fams[f].T : 5;
        MK_FN(fwd_case)(fams[f].name, fams[f].fn, fams[f].MR, fams[f].NR, 3, T, 1, 0, FC_BETA_STREAM);
        MK_FN(fwd_case)(fams[f].name, fams[f].fn, fams[f].MR, fams[f].NR, 2, T, 0, k->vl,
                        FC_BETA_STREAM | FC_BETA_ACC);
    }
}

/* fwdd, fwdd_t9: the tile of pixels p0 .. p0 + NR - 1 of a flattened output of rows q
 * apart (q >= lanes, so a vector spans at most two rows) of which columns < ow and rows
 * < oh are real, written into an oh x ow plane per output channel, ystride apart.  Lane
 * l of vector v holds pixel p = p0 + v*L + l, at row p / q, column p % q: with q = 13,
 * ow = 11, L = 8, p0 = 0, vector 1 holds columns 8-10 of row 0 (lanes 0-2, off 0),
 * two padding columns (lanes 3-4) and columns 0-2 of row 1 (lanes 5-7, off 11 + 8 - 13 = 6). */
static void MK_FN(fwdd_case)(const char *fam, MK_TY(fwdd) fn, const MK_TBL *k, int64_t C, int T,
                             int rows, int beta, int with_bias, const int64_t geo[4])
{
    const int MR = k->mr, NR = k->nr, L = k->vl, NV = NR / L;
    const int64_t ow = geo[0], oh = geo[2], q = ow + geo[1] < L ? L : ow + geo[1];
    const int64_t p0 = geo[3] >= 0 ? geo[3] : q + 2 * L - 3; /* -1: near the end of row 1 */
    char what[200];
    snprintf(what, sizeof what, "%s C=%lld T=%d rows=%d beta=%d bias=%d ow=%lld q=%lld oh=%lld p0=%lld",
             fam, (long long)C, T, rows, beta, with_bias, (long long)ow, (long long)q, (long long)oh,
             (long long)p0);
    trace_case(what);
    int64_t off[16];
    const int64_t cs = make_offsets(T, NR / 2 + 1, 0, off) + NR + 1, ystride = oh * ow + 2;
    MK_T *x = MK_FN(tap_input)(C, T, off, cs, NR), *w = MK_FN(rand_array)((size_t)(C * T * MR));
    MK_T *bias = with_bias ? MK_FN(rand_array)((size_t)rows) : NULL;
    fc_seg *seg = xmalloc(sizeof(fc_seg) * (size_t)NV);
    MK_FN(out) o;
    MK_FN(out_new)(&o, (size_t)((rows - 1) * ystride + oh * ow), 0);
    for (int v = 0; v < NV; ++v) {
        int64_t r0 = -1;
        memset(&seg[v], 0, sizeof seg[v]);
        for (int l = 0; l < L; ++l) {
            const int64_t p = p0 + v * L + l, r = p / q, col = p % q;
            if (col >= ow || r >= oh) continue; /* a padding column or row: not written */
            if (r0 < 0) r0 = r;
            const int s = r == r0 ? 0 : 1;
            seg[v].off[s] = r * ow + p0 + v * L - r * q; /* off + l = r*ow + col */
            seg[v].mask[s] |= 1u << l;
            for (int i = 0; i < rows; ++i) {
                MK_FN(want) *e = MK_FN(out_elem)(&o, (size_t)(i * ystride + r * ow + col), beta & FC_BETA_ACC);
                MK_FN(tap_chain)(e, C, T, off, x, cs, w, MR, i, v * L + l);
                MK_FN(w_add)(e, bias ? bias[i] : (MK_T)0);
            }
        }
    }
    MK_FN(out_snap)(&o);
    fn(C, T, off, x, cs, w, o.y, ystride, seg, rows, beta, bias);
    MK_FN(out_check)(&o, what);
    free(x);
    free(w);
    free(bias);
    free(seg);
}

static void MK_FN(test_fwdd)(const MK_TBL *k)
{
    if (!k->fwdd) return; /* this ISA copies tiles out instead */
    const int L = k->vl;
    /* (ow, q - ow, oh, p0): every lane real; two rows a vector with padding lanes; rows
     * narrower than a vector, the tile starting mid-row; one row, later vectors empty;
     * the tile running past the last row */
    const int64_t geos[5][4] = {{k->nr, 0, 2, 0}, {L + 3, 2, 3, 0}, {5, 0, 4, 3},
                                {L > 2 ? L - 1 : 1, 1, 1, 0}, {2 * L + 1, 3, 2, -1}};
    const int rows[3] = {k->mr, k->mr - 1, 1};
    static const int Ts[4] = {1, 2, 9, 3};
    for (int g = 0; g < 5; ++g)
        for (int r = 0; r < 3; ++r)
            for (int beta = 0; beta <= FC_BETA_ACC; beta += FC_BETA_ACC) {
                const int64_t C = 1 + (g + r) % 3;
                const int bias = (g + r + beta) % 2;
                MK_FN(fwdd_case)("fwdd", k->fwdd, k, C, Ts[(g + r + beta) % 4], rows[r], beta, bias, geos[g]);
                MK_FN(fwdd_case)("fwdd_t9", k->fwdd_t9, k, C, 9, rows[r], beta, !bias, geos[g]);
            }
}

/* fwdk[P-1]: P pixels x rows (<= KW) output channels, written transposed at
 * y[k*ystride + i*ystep]; x read at c*cs + off[t] + [0, P) */
static void MK_FN(fwdk_case)(const MK_TBL *k, int P, int64_t C, int T, int rows, int with_bias,
                             int64_t ystep, int64_t spad)
{
    const int KW = k->kw;
    char what[160];
    snprintf(what, sizeof what, "fwdk[%d] C=%lld T=%d rows=%d/%d bias=%d ystep=%lld ystride+%lld", P - 1,
             (long long)C, T, rows, KW, with_bias, (long long)ystep, (long long)spad);
    trace_case(what);
    int64_t off[16];
    const int64_t cs = make_offsets(T, P + 2, 1, off) + P + 1;
    const int64_t ystride = (P - 1) * ystep + 1 + spad;
    MK_T *x = MK_FN(tap_input)(C, T, off, cs, P), *w = MK_FN(rand_array)((size_t)(C * T * KW));
    MK_T *bias = with_bias ? MK_FN(rand_array)((size_t)rows) : NULL;
    MK_FN(out) o;
    MK_FN(out_new)(&o, (size_t)((rows - 1) * ystride + (P - 1) * ystep + 1), 0);
    for (int kk = 0; kk < rows; ++kk)
        for (int i = 0; i < P; ++i) {
            MK_FN(want) *e = MK_FN(out_elem)(&o, (size_t)(kk * ystride + i * ystep), 0);
            MK_FN(tap_chain)(e, C, T, off, x, cs, w, KW, kk, i);
            if (bias) MK_FN(w_add)(e, bias[kk]);
        }
    MK_FN(out_snap)(&o);
    k->fwdk[P - 1](C, T, off, x, cs, w, o.y, ystride, ystep, rows, bias);
    MK_FN(out_check)(&o, what);
    free(x);
    free(w);
    free(bias);
}

static void MK_FN(test_fwdk)(const MK_TBL *k)
{
    const int KW = k->kw, L = k->vl;
    /* (rows, bias, ystep): the whole tile; one row short (a partial last vector of
     * channels); one row; one past a vector; strided pixels */
    const int var[6][3] = {{KW, 0, 1}, {KW - 1, 1, 1}, {1, 1, 1}, {L + 1, 0, 1}, {KW, 1, 3}, {L - 1, 0, 2}};
    static const int Ts[3] = {1, 9, 4};
    for (int P = 1; P <= k->kp; ++P)
        for (int v = 0; v < 6; ++v) {
            int rows = var[v][0] < 1 ? 1 : var[v][0] > KW ? KW : var[v][0];
            MK_FN(fwdk_case)(k, P, 1 + (P + v) % 3, Ts[(P + v) % 3], rows, var[v][1], var[v][2],
                             (P + v) % 2 ? 2 : 0);
        }
}

/* ------------------------------------------------------------------ backward-weight tiles */

/* wgt, wgtw, wgtn: out[j*ldo + k] += sum_{r,c} xp[j][r*pitch + c] * gT[(r*pitch + c)*ldg + k]
 * over nrows rows of ncols pixels; the pitch - ncols columns between rows are NaN */
static void MK_FN(wgt_case)(const char *fam, MK_TY(wgt) fn, int WK, int WNJ, int64_t nrows,
                            int64_t ncols, int64_t cpad, int64_t kpad, int64_t opad)
{
    const int64_t pitch = ncols + cpad, ldg = WK + kpad, ldo = WK + opad;
    const int64_t np = (nrows - 1) * pitch + ncols; /* pixels up to the last one read */
    char what[160];
    snprintf(what, sizeof what, "%s %dx%d nrows=%lld ncols=%lld pitch=%lld ldg=%lld ldo=%lld", fam, WK,
             WNJ, (long long)nrows, (long long)ncols, (long long)pitch, (long long)ldg, (long long)ldo);
    trace_case(what);
    MK_T *gT = xmalloc(sizeof(MK_T) * (size_t)((np - 1) * ldg + WK));
    MK_T **xp = xmalloc(sizeof(MK_T *) * (size_t)WNJ);
    for (int64_t i = 0; i < (np - 1) * ldg + WK; ++i)
        gT[i] = (i / ldg) % pitch < ncols && i % ldg < WK ? MK_RAND() : MK_NAN;
    for (int j = 0; j < WNJ; ++j) {
        xp[j] = xmalloc(sizeof(MK_T) * (size_t)np);
        for (int64_t p = 0; p < np; ++p) xp[j][p] = p % pitch < ncols ? MK_RAND() : MK_NAN;
    }
    MK_FN(out) o;
    MK_FN(out_new)(&o, (size_t)((WNJ - 1) * ldo + WK), 0);
    for (int j = 0; j < WNJ; ++j)
        for (int kk = 0; kk < WK; ++kk) {
            MK_FN(want) *e = MK_FN(out_elem)(&o, (size_t)(j * ldo + kk), 2);
            for (int64_t r = 0; r < nrows; ++r)
                for (int64_t p = r * pitch; p < r * pitch + ncols; ++p)
                    MK_FN(w_fma)(e, xp[j][p], gT[p * ldg + kk]);
            MK_FN(w_add)(e, o.y[j * ldo + kk]);
        }
    MK_FN(out_snap)(&o);
    fn(nrows, ncols, pitch, gT, ldg, (const MK_T *const *)xp, o.y, ldo);
    MK_FN(out_check)(&o, what);
    for (int j = 0; j < WNJ; ++j) free(xp[j]);
    free(xp);
    free(gT);
}

static void MK_FN(test_wgt)(const MK_TBL *k)
{
    const struct {
        const char *name;
        MK_TY(wgt) fn;
        int WK, WNJ;
    } fams[] = {{"wgt", k->wgt, k->wk, k->wnj}, {"wgtw", k->wgtw, k->wkw, k->wnjw}, {"wgtn", k->wgtn, k->wkn, k->wnjn}};
    static const int64_t ncols[3] = {1, 3, 7};
    for (int f = 0; f < 3; ++f)
        for (int64_t nrows = 1; nrows <= 3; ++nrows)
            for (int c = 0; c < 3; ++c)
                for (int pad = 0; pad <= 1; ++pad)
                    MK_FN(wgt_case)(fams[f].name, fams[f].fn, fams[f].WK, fams[f].WNJ, nrows, ncols[c],
                                    2 * pad, pad * k->vl, 3 * pad);
}

/* wgd, wgd1: WDK grad_out rows x WDS input streams into lane-wise partial sums,
 *   out[(j*ldo + i)*SLOT + l] += sum over r, and c = l (mod lanes), of gp[i][r*gpitch + c] * xp[j][r*xpitch + c]
 * The slots' lanes past `lanes` and the sums past WDK in a row of ldo keep their bits. */
static void MK_FN(wgd_case)(const char *fam, MK_TY(wgd) fn, int WDK, int WDS, int L, int64_t nrows,
                            int64_t ncols, int64_t gpad, int64_t xpad, int64_t opad)
{
    const int64_t gpitch = ncols + gpad, xpitch = ncols + xpad, ldo = WDK + opad, SLOT = FC_WGD_SLOT(MK_T);
    char what[160];
    snprintf(what, sizeof what, "%s %dx%d nrows=%lld ncols=%lld gpitch=%lld xpitch=%lld ldo=%lld", fam,
             WDK, WDS, (long long)nrows, (long long)ncols, (long long)gpitch, (long long)xpitch,
             (long long)ldo);
    trace_case(what);
    MK_T **gp = xmalloc(sizeof(MK_T *) * (size_t)WDK), **xp = xmalloc(sizeof(MK_T *) * (size_t)WDS);
    for (int i = 0; i < WDK + WDS; ++i) {
        const int64_t pitch = i < WDK ? gpitch : xpitch, n = (nrows - 1) * pitch + ncols;
        MK_T *a = xmalloc(sizeof(MK_T) * (size_t)n);
        for (int64_t p = 0; p < n; ++p) a[p] = p % pitch < ncols ? MK_RAND() : MK_NAN;
        if (i < WDK)
            gp[i] = a;
        else
            xp[i - WDK] = a;
    }
    MK_FN(out) o;
    MK_FN(out_new)(&o, (size_t)(((WDS - 1) * ldo + WDK) * SLOT), 0);
    for (int j = 0; j < WDS; ++j)
        for (int i = 0; i < WDK; ++i)
            for (int l = 0; l < L; ++l) {
                const size_t at = (size_t)((j * ldo + i) * SLOT + l);
                MK_FN(want) *e = MK_FN(out_elem)(&o, at, 2);
                for (int64_t r = 0; r < nrows; ++r)
                    for (int64_t c = l; c < ncols; c += L)
                        MK_FN(w_fma)(e, gp[i][r * gpitch + c], xp[j][r * xpitch + c]);
                MK_FN(w_add)(e, o.y[at]);
            }
    MK_FN(out_snap)(&o);
    fn(nrows, ncols, (const MK_T *const *)gp, gpitch, (const MK_T *const *)xp, xpitch, o.y, ldo);
    MK_FN(out_check)(&o, what);
    for (int i = 0; i < WDK; ++i) free(gp[i]);
    for (int j = 0; j < WDS; ++j) free(xp[j]);
    free(gp);
    free(xp);
}

static void MK_FN(test_wgd)(const MK_TBL *k)
{
    const int L = k->vl;
    const int64_t ncols[5] = {1, L - 1 > 1 ? L - 1 : 3, L, L + 1, 2 * L + 3};
    for (int64_t nrows = 1; nrows <= 3; ++nrows)
        for (int c = 0; c < 5; ++c)
            for (int pad = 0; pad <= 1; ++pad) {
                MK_FN(wgd_case)("wgd", k->wgd, k->wdk, k->wds, L, nrows, ncols[c], 5 * pad, 2 * pad, pad);
                MK_FN(wgd_case)("wgd1", k->wgd1, 1, k->wds1, L, nrows, ncols[c], 2 * pad, 5 * pad, 2 * pad);
            }
}

/* ------------------------------------------------------------------ copies */

/* rowcopy: dst[i*ldd + j] = src[i*lds + j] + (bias ? bias[i] : 0), i < rows, j < n */
static void MK_FN(rowcopy_case)(const MK_TBL *k, int rows, int64_t n, int64_t spad, int64_t dpad,
                                int with_bias)
{
    const int64_t lds = n + spad, ldd = n + dpad;
    char what[128];
    snprintf(what, sizeof what, "rowcopy rows=%d n=%lld lds=%lld ldd=%lld bias=%d", rows, (long long)n,
             (long long)lds, (long long)ldd, with_bias);
    trace_case(what);
    MK_T *src = xmalloc(sizeof(MK_T) * (size_t)((rows - 1) * lds + n));
    for (int64_t i = 0; i < (rows - 1) * lds + n; ++i) src[i] = i % lds < n ? MK_RAND() : MK_NAN;
    MK_T *bias = with_bias ? MK_FN(rand_array)((size_t)rows) : NULL;
    MK_FN(out) o;
    MK_FN(out_new)(&o, (size_t)((rows - 1) * ldd + n), 0);
    for (int i = 0; i < rows; ++i)
        for (int64_t j = 0; j < n; ++j) {
            MK_FN(want) *e = MK_FN(out_elem)(&o, (size_t)(i * ldd + j), 0);
            MK_FN(w_init)(e, src[i * lds + j]);
            MK_FN(w_add)(e, bias ? bias[i] : (MK_T)0);
        }
    MK_FN(out_snap)(&o);
    k->rowcopy(rows, n, src, lds, o.y, ldd, bias);
    MK_FN(out_check)(&o, what);
    free(src);
    free(bias);
}

/* wtrans: dst[drow[j]*ldd + i] = (i < nrows ? src[i*lds + j] : 0), i < ni, j < ncols,
 * drow[j] >= 0; src is read only in its first min(nrows, ni) rows */
static void MK_FN(wtrans_case)(const MK_TBL *k, int64_t nrows, int64_t ni, int64_t ncols,
                               int64_t spad, int64_t dpad)
{
    const int64_t lds = ncols + spad, ldd = ni + dpad, nread = nrows < ni ? nrows : ni;
    const int64_t nd = ncols + 1; /* dst rows: one more than the columns, never written */
    char what[128];
    snprintf(what, sizeof what, "wtrans nrows=%lld ni=%lld ncols=%lld lds=%lld ldd=%lld", (long long)nrows,
             (long long)ni, (long long)ncols, (long long)lds, (long long)ldd);
    trace_case(what);
    MK_T *src = xmalloc(sizeof(MK_T) * (size_t)((nread - 1) * lds + ncols));
    for (int64_t i = 0; i < (nread - 1) * lds + ncols; ++i) src[i] = i % lds < ncols ? MK_RAND() : MK_NAN;
    /* columns j = 1, 4, 7, ... are skipped; the others land in reversed rows */
    int64_t *drow = xmalloc(sizeof(int64_t) * (size_t)ncols);
    for (int64_t j = 0; j < ncols; ++j) drow[j] = j % 3 == 1 ? -1 : nd - 1 - j;
    MK_FN(out) o;
    MK_FN(out_new)(&o, (size_t)((nd - 1) * ldd + ni), 0);
    for (int64_t j = 0; j < ncols; ++j)
        for (int64_t i = 0; drow[j] >= 0 && i < ni; ++i)
            MK_FN(w_init)(MK_FN(out_elem)(&o, (size_t)(drow[j] * ldd + i), 0),
                          i < nrows ? src[i * lds + j] : (MK_T)0);
    MK_FN(out_snap)(&o);
    k->wtrans(nrows, ni, ncols, src, lds, drow, o.y, ldd);
    MK_FN(out_check)(&o, what);
    free(src);
    free(drow);
}

static void MK_FN(test_copies)(const MK_TBL *k)
{
    const int L = k->vl;
    const int64_t ns[6] = {1, L - 1, L, L + 1, 2 * L + 1, 3 * L};
    for (int rows = 1; rows <= 3; rows += 2)
        for (int c = 0; c < 6; ++c)
            for (int bias = 0; bias <= 1; ++bias) {
                const int pad = (c + bias) % 2;
                MK_FN(rowcopy_case)(k, rows, ns[c], 3 * pad, pad, bias);
            }
    const int64_t nis[5] = {1, L - 1, L, L + 1, 2 * L + 3};
    const int64_t ncs[4] = {1, L - 1, L + 2, 2 * L + 1};
    for (int a = 0; a < 5; ++a) {
        const int64_t nrs[4] = {nis[a], nis[a] - 1, 1, nis[a] + 2}; /* nrows == ni, < ni, > ni */
        for (int b = 0; b < 4; ++b)
            for (int c = 0; c < 4; ++c)
                if (nrs[b] >= 1) MK_FN(wtrans_case)(k, nrs[b], nis[a], ncs[c], (a + c) % 2, b % 3);
    }
}

/* ------------------------------------------------------------------ multi-row tiles */

/* mrow[R-1]: tile[i*ldt + v] (+)= sum_{r<R} sum_{s<S} w[r*S + s] * x[(i + r)*q2 + s + v]
 * for i < rb, v < rnr; the kernel's chain runs over s, then r */
static void MK_FN(mrow_case)(const MK_TBL *k, int R, int64_t S, int beta, int64_t gap, int64_t tpad)
{
    const int RB = k->rb, RNR = k->rnr;
    const int64_t q2 = S - 1 + RNR + gap, ldt = RNR + tpad;
    char what[128];
    snprintf(what, sizeof what, "mrow[%d] %dx%d S=%lld beta=%d q2=%lld ldt=%lld", R - 1, RB, RNR,
             (long long)S, beta, (long long)q2, (long long)ldt);
    trace_case(what);
    const int64_t nx = (RB + R - 2) * q2 + S - 1 + RNR; /* input rows j < RB + R - 1 */
    MK_T *x = xmalloc(sizeof(MK_T) * (size_t)nx), *w = MK_FN(rand_array)((size_t)(R * S));
    for (int64_t i = 0; i < nx; ++i) x[i] = i % q2 < S - 1 + RNR ? MK_RAND() : MK_NAN;
    MK_FN(out) o;
    MK_FN(out_new)(&o, (size_t)((RB - 1) * ldt + RNR), 0);
    for (int i = 0; i < RB; ++i)
        for (int v = 0; v < RNR; ++v) {
            MK_FN(want) *e = MK_FN(out_elem)(&o, (size_t)(i * ldt + v), beta ? 1 : 0);
            for (int64_t s = 0; s < S; ++s)
                for (int r = 0; r < R; ++r) MK_FN(w_fma)(e, w[r * S + s], x[(i + r) * q2 + s + v]);
        }
    MK_FN(out_snap)(&o);
    k->mrow[R - 1](S, x, q2, w, o.y, ldt, beta);
    MK_FN(out_check)(&o, what);
    free(x);
    free(w);
}

static void MK_FN(test_mrow)(const MK_TBL *k)
{
    static const int64_t Ss[4] = {1, 2, 3, 7};
    for (int R = 1; R <= FC_RMAX; ++R)
        for (int s = 0; s < 4; ++s)
            for (int beta = 0; beta <= 1; ++beta)
                MK_FN(mrow_case)(k, R, Ss[s], beta, (R + s) % 2 ? 3 : 0, (R + s + beta) % 3);
}

/* ------------------------------------------------------------------ the table */

/* fc_kernel_tiles reports every tile field of the table, and the fields fit together:
 * pixel and channel-vector tiles are whole vectors, kp and the fwdk entries agree */
static void MK_FN(check_tiles)(const MK_TBL *k, const char *isa)
{
    char line[320];
    const int eb = (int)sizeof(MK_T), L = k->vl;
    EXPECT(fc_kernel_tiles(isa, eb, line, sizeof line) == FC_OK, "fc_kernel_tiles(%s, %d)", isa, eb);
    const int got[19] = {k->vl,  k->mr,  k->nr,   k->mr2, k->nr2, k->nr1, k->wk,  k->wnj, k->wkw, k->wnjw,
                         k->wkn, k->wnjn, k->wdk, k->wds, k->wds1, k->rb, k->rnr, k->kw,  k->kp};
    static const char *const names[19] = {"lanes", "mr",   "nr",  "mr2", "nr2", "nr1",  "wk",
                                          "wnj",   "wkw",  "wnjw", "wkn", "wnjn", "wdk", "wds",
                                          "wds1",  "rb",   "rnr", "kw",  "kp"};
    for (int f = 0; f < 19; ++f)
        EXPECT(tile_field(line, names[f]) == got[f], "%s %d: %s=%d in the table, line \"%s\"", isa, eb,
               names[f], got[f], line);
    EXPECT(L * eb == 16 || L * eb == 32 || L * eb == 64, "%s %d: lanes %d", isa, eb, L);
    EXPECT(L <= FC_WGD_SLOT(MK_T), "%s %d: lanes %d > the wgd slot", isa, eb, L);
    EXPECT(k->nr % L == 0 && k->nr2 % L == 0 && k->nr1 % L == 0 && k->rnr % L == 0,
           "%s %d: pixel tiles nr %d nr2 %d nr1 %d rnr %d not whole vectors of %d", isa, eb, k->nr,
           k->nr2, k->nr1, k->rnr, L);
    EXPECT(k->wk % L == 0 && k->wkw % L == 0 && k->wkn == L && k->kw % L == 0,
           "%s %d: channel tiles wk %d wkw %d wkn %d kw %d not whole vectors of %d", isa, eb, k->wk,
           k->wkw, k->wkn, k->kw, L);
    EXPECT(k->mr2 >= 1 && k->mr2 < k->mr && k->rb >= 1 && k->wnj >= 1 && k->wnjw >= 1 &&
               k->wnjn >= 1 && k->wdk >= 1 && k->wds >= 1 && k->wds1 >= 1 && k->nr >= L,
           "%s %d: a row or stream count below 1, or mr2 %d >= mr %d", isa, eb, k->mr2, k->mr);
    EXPECT(k->kp >= 1 && k->kp <= FC_KPMAX, "%s %d: kp %d outside 1..%d", isa, eb, k->kp, FC_KPMAX);
    int fwdk_ok = 1, mrow_ok = 1;
    for (int P = 1; P <= FC_KPMAX; ++P) fwdk_ok &= (k->fwdk[P - 1] != NULL) == (P <= k->kp);
    for (int R = 1; R <= FC_RMAX; ++R) mrow_ok &= k->mrow[R - 1] != NULL;
    EXPECT(fwdk_ok, "%s %d: fwdk entries are not exactly 1..kp = %d", isa, eb, k->kp);
    EXPECT(mrow_ok && k->fwd && k->fwd_t1 && k->fwd_t9 && k->fwd2 && k->fwd2_t9 && k->fwd1 && k->wgt &&
               k->wgtw && k->wgtn && k->wgd && k->wgd1 && k->rowcopy && k->wtrans && !k->fwdd == !k->fwdd_t9,
           "%s %d: a NULL kernel entry", isa, eb);
}

static void MK_FN(test_table)(const MK_TBL *k)
{
    MK_FN(test_fwd)(k);
    MK_FN(test_fwdd)(k);
    MK_FN(test_fwdk)(k);
    MK_FN(test_wgt)(k);
    MK_FN(test_wgd)(k);
    MK_FN(test_copies)(k);
    MK_FN(test_mrow)(k);
}

#undef MK_FN
#undef MK_TY
#undef MK_TBL
#undef MK_NAN
