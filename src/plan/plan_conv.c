/* Planners of the batched passes: forward, backward-input (its residue classes),
 * backward-bias.  Backward-weight is in plan_bwweight.c. */
#include <stdlib.h>
#include <string.h>
#include "plan/plan.h"

fc_status fc_plan_init(fc_plan *pl, fc_op op, const fc_prob *p, const fc_ktiles *kt, int num_threads, int ngeom)
{
    memset(pl, 0, sizeof *pl);
    pl->op = op;
    pl->algo = FC_ALGO_DIRECT;
    pl->kt = *kt;
    pl->p = *p;
    pl->nthreads = fc_resolve_threads(num_threads, fc_prob_macs(p));
    pl->ngeom = ngeom;
    if (ngeom == 0) return FC_OK;
    pl->geoms = calloc((size_t)ngeom, sizeof(fc_geom));
    pl->passes = calloc((size_t)ngeom, sizeof(fc_pass));
    if (!pl->geoms || !pl->passes) {
        fc_plan_free(pl);
        return FC_ENOMEM;
    }
    return FC_OK;
}

void fc_plan_free(fc_plan *pl)
{
    for (int i = 0; pl->geoms && i < pl->ngeom; ++i) fc_geom_free(pl->geoms + i);
    fc_fft_plan_free(&pl->ft.fft);
    fc_fft4_plan_free(&pl->ft.f4);
    free(pl->geoms);
    free(pl->passes);
    pl->geoms = NULL;
    pl->passes = NULL;
    pl->ngeom = 0;
}

/* Scratch of a planned engine run: the round's packed images and each thread's tiles. */
static int64_t run_bytes(const fc_plan *pl)
{
    return (pl->run.xbuf_elems + (int64_t)pl->nthreads * pl->run.tper) * pl->kt.elem;
}

fc_status fc_plan_forward(const fc_prob *p, const fc_ktiles *kt, int has_bias, int num_threads, fc_plan *pl)
{
    fc_status st = fc_plan_init(pl, FC_OP_FORWARD, p, kt, num_threads, 1);
    if (st) return st;
    fc_geom *g = pl->geoms;
    fc_pass *ps = pl->passes;
    fc_pick_kernel(kt, p->Kg, p->T, ps);
    if ((st = fc_geom_forward(p, ps->nr, g))) {
        fc_plan_free(pl);
        return st;
    }
    fc_maybe_kvec(kt, g, p->Kg, p->Cg, 1, ps);
    ps->sc = (fc_scatter){{p->out[0], p->out[1], p->out[2]}, {0, 0, 0}, {1, 1, 1}};
    fc_maybe_fold(g, &ps->sc, ps);
    ps->g = g;
    ps->N = p->N;
    ps->G = p->G;
    ps->R = p->Cg;
    ps->M = p->Kg;
    ps->src_plane = p->in[0] * p->in[1] * p->in[2];
    ps->ystride = p->out[0] * p->out[1] * p->out[2];
    ps->ybatch = p->K * ps->ystride;
    ps->has_bias = has_bias != 0;
    fc_plan_run(ps, 1, kt->elem, pl->nthreads, &pl->run);
    const int64_t CT = p->Cg * p->T;
    pl->wpack_elems = p->G * fc_ceil_div(p->Kg, ps->mr) * CT * ps->mr;
    pl->workspace_bytes = pl->wpack_elems * kt->elem + (CT + p->T) * 8 + run_bytes(pl);
    return FC_OK;
}

/* The residue classes of a backward-input: input positions i = a + m*s - plo for a in
 * [0, s) per axis, each a stride-1 correlation of grad_out with the taps r whose
 * r*d = a (mod s).  Class geometry on axis i: taps rk (nk of them), grad_out shifts
 * q_r = (r*d - a)/s up to qmax, inputs m in [mlo, mlo + ma), grad_out low pad plo. */
typedef struct bi_class {
    int64_t a[3], nk[3], *rk[3], qmax[3], mlo[3], ma[3], plo[3];
} bi_class;

/* Class a's taps and extents on each axis, its taps into rk (ker[0] + ker[1] + ker[2]
 * of room); 0 when it has no input position. */
static int bi_class_init(const fc_prob *p, const int64_t a[3], int64_t *rk, bi_class *cc)
{
    for (int i = 0; i < 3; ++i) {
        cc->rk[i] = rk + (i == 0 ? 0 : i == 1 ? p->ker[0] : p->ker[0] + p->ker[1]);
        cc->a[i] = a[i];
        cc->nk[i] = 0;
        cc->qmax[i] = 0;
        for (int64_t r = 0; r < p->ker[i]; ++r)
            if ((r * p->dil[i]) % p->str[i] == a[i]) {
                cc->rk[i][cc->nk[i]++] = r;
                const int64_t qr = (r * p->dil[i] - a[i]) / p->str[i];
                if (qr > cc->qmax[i]) cc->qmax[i] = qr;
            }
        /* inputs of this class: i = a + m*s - plo in [0, in), e.g. a=1, s=2, plo=1,
         * in=5: m from 0 (i=0) to 2 (i=4) */
        cc->mlo[i] = fc_floor_div(p->plo[i] - a[i] + p->str[i] - 1, p->str[i]);
        if (cc->mlo[i] < 0) cc->mlo[i] = 0;
        const int64_t mhi = fc_floor_div(p->plo[i] + p->in[i] - 1 - a[i], p->str[i]);
        cc->ma[i] = mhi - cc->mlo[i] + 1;
        if (cc->ma[i] <= 0) return 0;
        /* grad_out padded so that out index m' + u_r reads grad_out[m - q_r]: u_r = qmax
         * - q_r and a low pad of qmax - mlo (negative: crop) */
        cc->plo[i] = cc->qmax[i] - cc->mlo[i];
    }
    return 1;
}

/* Class cc's geometry in the common layout (low pad PLO, extents Q): its taps shift by
 * PLO - plo. */
static fc_status bi_class_geom(const fc_prob *p, const bi_class *cc, const int64_t PLO[3], const int64_t Q[3],
                               fc_geom *g)
{
    const int64_t T = cc->nk[0] * cc->nk[1] * cc->nk[2];
    g->off = malloc(sizeof(int64_t) * (size_t)(T ? T : 1));
    g->tap_elem = malloc(sizeof(int64_t) * (size_t)(T ? T : 1));
    if (!g->off || !g->tap_elem) return FC_ENOMEM;
    for (int i = 0; i < 3; ++i) {
        g->L[i] = p->out[i];
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
                const int64_t u0 = cc->qmax[0] - (r0 * p->dil[0] - a[0]) / p->str[0] + PLO[0] - cc->plo[0];
                const int64_t u1 = cc->qmax[1] - (r1 * p->dil[1] - a[1]) / p->str[1] + PLO[1] - cc->plo[1];
                const int64_t u2 = cc->qmax[2] - (r2 * p->dil[2] - a[2]) / p->str[2] + PLO[2] - cc->plo[2];
                g->off[t] = (u0 * Q[1] + u1) * Q[2] + u2;
                const int64_t el = (r0 * p->ker[1] + r1) * p->ker[2] + r2;
                g->tap_elem[t] = p->flip ? p->T - 1 - el : el;
            }
    g->T = t;
    return FC_OK;
}

/* One pass per residue class with an input position, all reading one packed layout of
 * grad_out: low pad PLO = the largest class's, and rows long enough for every class.
 * 7x7 stride 2, padding 3: classes a = 0 (taps 0,2,4,6) and a = 1 (1,3,5) both have
 * plo 1, rows of 112 + 3 and 112 + 2 -> one layout of 115. */
fc_status fc_plan_backward_input(const fc_prob *p, const fc_ktiles *kt, int has_bias, int num_threads, fc_plan *pl)
{
    const int64_t ncls = p->str[0] * p->str[1] * p->str[2];
    fc_status st = fc_plan_init(pl, FC_OP_BACKWARD_INPUT, p, kt, num_threads, (int)ncls);
    if (st) return st;
    const int64_t ksum = p->ker[0] + p->ker[1] + p->ker[2];
    bi_class *cl = calloc((size_t)ncls, sizeof(bi_class));
    int64_t *rkbuf = malloc(sizeof(int64_t) * (size_t)(ncls * ksum));
    if (!cl || !rkbuf) {
        st = FC_ENOMEM;
        goto done;
    }
    int np = 0;
    int64_t PLO[3] = {INT64_MIN, INT64_MIN, INT64_MIN}, Q[3] = {0, 0, 0};
    for (int64_t c = 0; c < ncls; ++c) {
        const int64_t a[3] = {c / (p->str[1] * p->str[2]), (c / p->str[2]) % p->str[1], c % p->str[2]};
        bi_class *cc = cl + np;
        if (!bi_class_init(p, a, rkbuf + np * ksum, cc)) continue;
        fc_pass *ps = pl->passes + np;
        ps->sc = (fc_scatter){{p->in[0], p->in[1], p->in[2]},
                              {a[0] + cc->mlo[0] * p->str[0] - p->plo[0], a[1] + cc->mlo[1] * p->str[1] - p->plo[1],
                               a[2] + cc->mlo[2] * p->str[2] - p->plo[2]},
                              {p->str[0], p->str[1], p->str[2]}};
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
        fc_geom *g = pl->geoms + c;
        fc_pass *ps = pl->passes + c;
        /* before the modes are picked: a bias rules out whole tiles stored in place */
        ps->has_bias = has_bias != 0;
        if ((st = bi_class_geom(p, cl + c, PLO, Q, g))) goto done;
        fc_pick_kernel(kt, p->Cg, g->T, ps);
        if ((st = fc_geom_finish(g, ps->nr))) goto done;
        fc_maybe_kvec(kt, g, p->Cg, p->Kg, ps->sc.ystep[2] == 1, ps);
        /* one class (stride 1): its layout is its own to fold */
        if (ncls == 1) fc_maybe_fold(g, &ps->sc, ps);
        if (g->cs > cs) cs = g->cs;
    }
    const int64_t in_plane = p->in[0] * p->in[1] * p->in[2];
    pl->wpack_elems = 0;
    for (int c = 0; c < np; ++c) {
        fc_geom *g = pl->geoms + c;
        fc_pass *ps = pl->passes + c;
        g->cs = cs; /* one packed layout: every class's channel size is the largest */
        ps->g = g;
        ps->N = p->N;
        ps->G = p->G;
        ps->R = p->Kg;
        ps->M = p->Cg;
        ps->src_plane = p->out[0] * p->out[1] * p->out[2];
        ps->ystride = in_plane;
        ps->ybatch = p->C * in_plane;
        pl->wpack_elems += p->G * fc_ceil_div(p->Cg, ps->mr) * p->Kg * (g->T ? g->T : 1) * ps->mr;
    }
    pl->run.np = np;
    if (np) fc_plan_run(pl->passes, np, kt->elem, pl->nthreads, &pl->run);
    pl->workspace_bytes = pl->wpack_elems * kt->elem + p->T * 8 + (np ? run_bytes(pl) : 0);
done:
    free(cl);
    free(rkbuf);
    if (st) fc_plan_free(pl);
    return st;
}

fc_status fc_plan_backward_bias(const fc_prob *p, const fc_ktiles *kt, int num_threads, fc_plan *pl)
{
    fc_status st = fc_plan_init(pl, FC_OP_BACKWARD_BIAS, p, kt, num_threads, 0);
    /* one pass over grad_out: a thread per run of output channels */
    pl->nthreads = fc_resolve_threads(num_threads, (double)p->N * (double)p->K *
                                                       (double)(p->out[0] * p->out[1] * p->out[2]));
    return st;
}

/* Single-array correlation: the multi-row kernels over output planes for 2-D and 3-D
 * (tiles of rb rows x rnr columns, a job a band of rb rows), the engine's
 * single-channel flattened tiles for 1-D. */
fc_status fc_plan_single(const fc_prob *p, const fc_ktiles *kt, int ndim, int boundary, int swapped,
                         int num_threads, fc_plan *pl)
{
    fc_status st = fc_plan_init(pl, FC_OP_CORRELATE, p, kt, num_threads, 1);
    if (st) return st;
    fc_geom *g = pl->geoms;
    fc_pass *ps = pl->passes;
    fc_single_plan *sp = &pl->single;
    fc_pick_kernel(kt, 1, 0, ps);
    if ((st = fc_geom_forward(p, ps->nr, g))) {
        fc_plan_free(pl);
        return st;
    }
    g->boundary = boundary;
    sp->swapped = swapped;
    sp->mode = ndim >= 2 ? FC_SM_MROW : FC_SM_ENGINE;
    if (fc_force_get()->smode >= 0) sp->mode = (fc_smode)fc_force_get()->smode;
    pl->wpack_elems = p->T;
    if (sp->mode == FC_SM_MROW) {
        sp->rb = kt->rb;
        sp->rnr = kt->rnr;
        sp->nband = fc_ceil_div(p->out[1], sp->rb);
        sp->nchunk = fc_ceil_div(p->out[2], sp->rnr);
        /* a tile reads rows [0, rb + R1 - 1) and columns [0, rnr + S - 1) from its corner,
         * R0 planes of them, whatever part of it is kept */
        sp->tper = sp->rb * sp->rnr + p->ker[0] * (sp->rb + p->ker[1] - 1) * (sp->rnr + p->ker[2] - 1);
        pl->workspace_bytes = (pl->wpack_elems + (int64_t)pl->nthreads * sp->tper) * kt->elem;
        return FC_OK;
    }
    ps->sc = (fc_scatter){{p->out[0], p->out[1], p->out[2]}, {0, 0, 0}, {1, 1, 1}};
    ps->g = g;
    ps->N = ps->G = ps->R = ps->M = 1;
    ps->src_plane = p->in[0] * p->in[1] * p->in[2];
    ps->ystride = ps->ybatch = p->out[0] * p->out[1] * p->out[2];
    ps->has_bias = 0;
    fc_plan_run(ps, 1, kt->elem, pl->nthreads, &pl->run);
    pl->workspace_bytes = pl->wpack_elems * kt->elem + run_bytes(pl);
    return FC_OK;
}

/* The N = C = K = 1 problem of a single-array correlation of in1 (s1) with in2 (s2):
 * output o reads in1 extended by the boundary rule at o + lo + j for tap j, with
 * lo = -(n2-1) + start, start = 0 (full), (n2-1)//2 (same; n2//2 with half_up, as
 * correlate2d centres even kernels), lo = 0 (valid).  In valid mode with in2 the larger
 * the arrays swap (SciPy's rule): *swapped says so, and the caller swaps its pointers. */
fc_status fc_single_problem(int ndim, const int64_t *s1, const int64_t *s2, fc_mode mode, int half_up, int flip,
                            fc_prob *p, int *swapped)
{
    int64_t oshape[3];
    fc_status st = fc_correlate_output_shape(ndim, s1, s2, mode, oshape);
    if (st) return st;
    *swapped = 0;
    if (mode == FC_MODE_VALID) {
        int all_ge = 1;
        for (int i = 0; i < ndim; ++i) all_ge &= s1[i] >= s2[i];
        if (!all_ge) {
            const int64_t *ts = s1;
            s1 = s2;
            s2 = ts;
            *swapped = 1;
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
    return fc_prob_from_desc(&d, p);
}
