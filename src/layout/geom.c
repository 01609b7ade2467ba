/* Descriptor validation and packed geometry; see geom.h for the layout. */
#include <stdlib.h>
#include <string.h>
#include "geom.h"

/* Product of n sizes, FC_EOVERFLOW if it (or its size in bytes) leaves int64. */
static fc_status checked_prod(const int64_t *v, int n, int64_t *out)
{
    int64_t r = 1;
    for (int i = 0; i < n; ++i)
        if (fc_mul_ovf(r, v[i], &r)) return FC_EOVERFLOW;
    int64_t bytes;
    if (fc_mul_ovf(r, 8, &bytes)) return FC_EOVERFLOW;
    *out = r;
    return FC_OK;
}

fc_status fc_prob_from_desc(const fc_conv_desc *d, fc_prob *p)
{
    if (!d || !p) return FC_EINVAL;
    if (d->ndim < 1 || d->ndim > 3) return FC_EINVAL;
    if (d->batch < 0 || d->in_channels < 1 || d->out_channels < 1 || d->groups < 1) return FC_EINVAL;
    if (d->in_channels % d->groups || d->out_channels % d->groups) return FC_EINVAL;
    memset(p, 0, sizeof *p);
    p->N = d->batch;
    p->C = d->in_channels;
    p->K = d->out_channels;
    p->G = d->groups;
    p->Cg = p->C / p->G;
    p->Kg = p->K / p->G;
    p->flip = d->flip != 0;
    /* 1-D and 2-D problems become 3-D with leading unit axes: (W) -> (1, 1, W). */
    const int lead = 3 - d->ndim;
    for (int i = 0; i < 3; ++i) {
        p->in[i] = p->ker[i] = p->str[i] = p->dil[i] = 1;
        p->plo[i] = p->phi[i] = 0;
    }
    for (int i = 0; i < d->ndim; ++i) {
        const int j = lead + i;
        p->in[j] = d->input[i];
        p->ker[j] = d->kernel[i];
        p->str[j] = d->stride[i];
        p->dil[j] = d->dilation[i];
        p->plo[j] = d->pad_low[i];
        p->phi[j] = d->pad_high[i];
        if (p->in[j] < 1 || p->ker[j] < 1 || p->str[j] < 1 || p->dil[j] < 1) return FC_EINVAL;
        /* a negative pad_high crops the input's high end (conv_transpose's output_padding
         * larger than its padding maps here); the span check below bounds it */
        if (p->plo[j] < 0) return FC_EINVAL;
    }
    for (int i = 0; i < 3; ++i) {
        int64_t span, padded;
        /* dilated extent d*(k-1)+1, e.g. k=3, d=2: 5 */
        if (fc_mul_ovf(p->dil[i], p->ker[i] - 1, &span) || fc_add_ovf(span, 1, &span)) return FC_EOVERFLOW;
        if (fc_add_ovf(p->in[i], p->plo[i], &padded) || fc_add_ovf(padded, p->phi[i], &padded))
            return FC_EOVERFLOW;
        if (span > padded) return FC_EINVAL;
        p->out[i] = (padded - span) / p->str[i] + 1;
        /* one output on an axis reads only taps r*d from 0: its stride is moot, and
         * setting it to 1 keeps the phase count (and workspace) from growing with it */
        if (p->out[i] == 1) p->str[i] = 1;
    }
    int64_t t;
    fc_status st;
    if ((st = checked_prod(p->ker, 3, &p->T))) return st;
    const int64_t xs[5] = {p->N, p->C, p->in[0], p->in[1], p->in[2]};
    const int64_t ys[5] = {p->N, p->K, p->out[0], p->out[1], p->out[2]};
    const int64_t ws[3] = {p->K, p->Cg, p->T};
    if ((st = checked_prod(xs, 5, &t)) || (st = checked_prod(ys, 5, &t)) || (st = checked_prod(ws, 3, &t)))
        return st;
    return FC_OK;
}

void fc_geom_free(fc_geom *g)
{
    free(g->off);
    free(g->tap_elem);
    g->off = g->tap_elem = NULL;
}

fc_status fc_geom_finish(fc_geom *g, int64_t tile)
{
    int64_t v[3], ps = 1, nph = 1;
    for (int i = 0; i < 3; ++i) {
        if (fc_mul_ovf(ps, g->q[i], &ps) || fc_mul_ovf(nph, g->s[i], &nph)) return FC_EOVERFLOW;
        v[i] = g->O[i];
    }
    g->ps = ps;
    g->nph = nph;
    /* last valid output (O0-1, O1-1, O2-1) sits at ((O0-1)*q1 + O1-1)*q2 + O2-1 */
    g->lvalid = ((v[0] - 1) * g->q[1] + (v[1] - 1)) * g->q[2] + v[2];
    g->lout = fc_round_up(g->lvalid, tile);
    int64_t maxoff = 0, data, need;
    for (int t = 0; t < g->T; ++t)
        if (g->off[t] > maxoff) maxoff = g->off[t];
    if (fc_mul_ovf(nph, ps, &data) || fc_add_ovf(maxoff, g->lout, &need)) return FC_EOVERFLOW;
    /* the last tile reads up to maxoff + lout - 1 */
    g->cs = fc_round_up(data > need ? data : need, 16);
    int64_t bytes;
    if (fc_mul_ovf(g->cs, 8, &bytes)) return FC_EOVERFLOW;
    return FC_OK;
}

fc_status fc_geom_forward(const fc_prob *p, int64_t tile, fc_geom *g)
{
    memset(g, 0, sizeof *g);
    for (int i = 0; i < 3; ++i) {
        g->L[i] = p->in[i];
        g->plo[i] = p->plo[i];
        g->s[i] = p->str[i];
        /* padded 7 with stride 2: phases of extent 4 (even) and 4 (odd, last one unused) */
        g->q[i] = fc_ceil_div(p->in[i] + p->plo[i] + p->phi[i], p->str[i]);
        g->O[i] = p->out[i];
    }
    g->T = (int)p->T;
    if ((int64_t)g->T != p->T) return FC_EOVERFLOW;
    g->off = malloc(sizeof(int64_t) * (size_t)(g->T ? g->T : 1));
    g->tap_elem = malloc(sizeof(int64_t) * (size_t)(g->T ? g->T : 1));
    if (!g->off || !g->tap_elem) { fc_geom_free(g); return FC_ENOMEM; }
    int64_t ps = g->q[0] * g->q[1] * g->q[2];
    uint64_t used = 0; /* phases some tap reads: a 1x1 stride-2 layer reads 1 of 4 */
    int t = 0;
    for (int64_t r0 = 0; r0 < p->ker[0]; ++r0)
        for (int64_t r1 = 0; r1 < p->ker[1]; ++r1)
            for (int64_t r2 = 0; r2 < p->ker[2]; ++r2, ++t) {
                const int64_t r[3] = {r0, r1, r2};
                int64_t a[3], sh[3];
                for (int i = 0; i < 3; ++i) {
                    /* tap r at dilation d reads padded o*s + r*d: phase (r*d)%s, shift (r*d)/s;
                     * e.g. s=2, d=1, r=3: phase 1, shift 1 */
                    const int64_t pos = r[i] * p->dil[i];
                    a[i] = pos % p->str[i];
                    sh[i] = pos / p->str[i];
                }
                const int64_t phase = (a[0] * g->s[1] + a[1]) * g->s[2] + a[2];
                if (phase < 64) used |= (uint64_t)1 << phase;
                g->off[t] = phase * ps + (sh[0] * g->q[1] + sh[1]) * g->q[2] + sh[2];
                /* rot180 over every spatial axis reverses the flattened kernel index */
                g->tap_elem[t] = p->flip ? p->T - 1 - t : t;
            }
    fc_status st = fc_geom_finish(g, tile);
    if (st) {
        fc_geom_free(g);
        return st;
    }
    /* phases past the first 64 are always packed */
    g->phskip = g->nph >= 64 ? ~used : ~used & (((uint64_t)1 << g->nph) - 1);
    return FC_OK;
}

void fc_geom_tap_rows(const fc_geom *g, int64_t n, int64_t *row)
{
    for (int64_t e = 0; e < n; ++e) row[e] = -1;
    for (int t = 0; t < g->T; ++t) row[g->tap_elem[t]] = t;
}

int fc_geom_fold(fc_geom *g)
{
    if (g->nph != 1 || g->nrep || g->T < 1) return 1;
    const int64_t q1 = g->q[1], q2 = g->q[2], O2 = g->O[2];
    int nrep = 0;
    int64_t rep[FC_GEOM_MAXREP];
    /* tap offset off = (dz*q1 + dy)*q2 + dx with dx < q2: 3x3 over 9-wide rows, off 10
     * is (dy, dx) = (1, 1) */
    for (int t = 0; t < g->T; ++t) {
        const int64_t dx = g->off[t] % q2;
        int m = 0;
        while (m < nrep && rep[m] != dx) ++m;
        if (m == nrep) {
            if (nrep == FC_GEOM_MAXREP) return 1;
            rep[nrep++] = dx;
        }
    }
    const int64_t ps = g->q[0] * q1 * O2; /* one copy: no larger than the unfolded plane */
    int64_t data, bytes;
    if (fc_mul_ovf(nrep, ps, &data) || fc_mul_ovf(fc_round_up(data, 16), 8, &bytes)) return 1;
    for (int t = 0; t < g->T; ++t) {
        const int64_t dx = g->off[t] % q2, rows = g->off[t] / q2;
        int m = 0;
        while (rep[m] != dx) ++m;
        /* copy m, packed row rows (= dz*q1 + dy), column 0: output pixel p (pitch O2)
         * then reads padded (row + dy, column + dx) at p + off */
        g->off[t] = m * ps + rows * O2;
    }
    g->nrep = nrep;
    for (int m = 0; m < nrep; ++m) g->rep[m] = rep[m];
    g->q[2] = O2;
    g->ps = ps;
    g->lvalid = ((g->O[0] - 1) * q1 + g->O[1] - 1) * O2 + O2;
    g->lout = g->lvalid;
    g->cs = fc_round_up(data, 16);
    return 0;
}

/* Where each vector of the flattened tile starting at pixel p0 lands in one output
 * channel (see fc_seg), under a scatter with unit column step; rows are q2 >= vl apart,
 * so a vector spans at most two.  With q2 = 58, O2 = 56, vl = 16: the vector at p = 48
 * holds columns 48..55 of row 0 (lanes 0-7), two padding columns (lanes 8-9, unwritten)
 * and columns 0..5 of row 1 (lanes 10-15, off = row 1's start - 10). */
void fc_tile_segs(const fc_geom *g, const fc_scatter *sc, int64_t p0, int nv, int vl, fc_seg *seg)
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
                seg[j].off[s] = fc_scatter_index(sc, o0, o1, 0) + col - l;
                seg[j].mask[s] = ((1u << nvalid) - 1u) << l;
            }
            l += (int)n;
            ++row;
            col = 0;
        }
    }
}

fc_status fc_conv_output_shape(const fc_conv_desc *d, int64_t out[3])
{
    fc_prob p;
    fc_status st = fc_prob_from_desc(d, &p);
    if (st) return st;
    if (!out) return FC_EINVAL;
    for (int i = 0; i < d->ndim; ++i) out[i] = p.out[3 - d->ndim + i];
    return FC_OK;
}

fc_status fc_correlate_output_shape(int ndim, const int64_t *s1, const int64_t *s2, fc_mode mode,
                                    int64_t *out)
{
    if (ndim < 1 || ndim > FC_MAX_NDIM || !s1 || !s2 || !out) return FC_EINVAL;
    int all_ge = 1, all_le = 1;
    for (int i = 0; i < ndim; ++i) {
        if (s1[i] < 1 || s2[i] < 1) return FC_EINVAL;
        all_ge &= s1[i] >= s2[i];
        all_le &= s1[i] <= s2[i];
    }
    if (mode == FC_MODE_VALID && !all_ge && !all_le) return FC_EINVAL;
    for (int i = 0; i < ndim; ++i) {
        switch (mode) {
        case FC_MODE_FULL:
            if (fc_add_ovf(s1[i], s2[i] - 1, &out[i])) return FC_EOVERFLOW;
            break;
        case FC_MODE_SAME: out[i] = s1[i]; break;
        case FC_MODE_VALID: out[i] = (s1[i] > s2[i] ? s1[i] - s2[i] : s2[i] - s1[i]) + 1; break;
        default: return FC_EINVAL;
        }
    }
    return FC_OK;
}

fc_status fc_prob_from_desc_algo(const fc_conv_desc *d, int algorithm, fc_prob *p)
{
    if (algorithm < FC_ALGORITHM_AUTO || algorithm > FC_ALGORITHM_FFT) return FC_EINVAL;
    fc_status st = fc_prob_from_desc(d, p);
    if (st) return st;
    p->algo = algorithm;
    return FC_OK;
}
