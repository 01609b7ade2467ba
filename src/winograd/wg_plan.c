/* Planner of the Winograd path: which calls it serves, which tile, the rounds. */
#include <string.h>
#include "plan/plan.h"
#include "winograd/wg.h"

const fc_wg_kernels_f32 *fc_wg_for_f32(int isa)
{
    static const fc_wg_kernels_f32 *const t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_wg_kernels_f32);
    return t[fc_isa_best(isa)];
}

const fc_wg_kernels_f64 *fc_wg_for_f64(int isa)
{
    static const fc_wg_kernels_f64 *const t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_wg_kernels_f64);
    return t[fc_isa_best(isa)];
}

/* A 2-D 3x3 layer, stride 1, dilation 1, forward or backward-input (the problem is 3-D
 * with a unit leading axis). */
int fc_wg_servable(const fc_prob *p, fc_op op)
{
    if (op != FC_OP_FORWARD && op != FC_OP_BACKWARD_INPUT && op != FC_OP_BACKWARD_WEIGHT) return 0;
    if (p->in[0] != 1 || p->ker[0] != 1 || p->plo[0] || p->phi[0]) return 0;
    /* phi < 0 (an input cropped at its high end, as fc_conv_transpose's output_padding
     * describes it) is left to the direct passes */
    for (int i = 1; i < 3; ++i)
        if (p->ker[i] != 3 || p->str[i] != 1 || p->dil[i] != 1 || p->phi[i] < 0) return 0;
    return 1;
}

/* Everything of the plan but the tile and the rounds: which operand is which. */
static void wg_geometry(const fc_prob *p, fc_op op, const fc_ktiles *kt, fc_wg_plan *w)
{
    const int fwd = op != FC_OP_BACKWARD_INPUT; /* the weight gradient reads x as forward does */
    memset(w, 0, sizeof *w);
    if (kt->elem == 4) {
        const fc_wg_kernels_f32 *k = fc_wg_for_f32(kt->isa);
        w->mr = k->mr;
        w->nr = k->nv * k->lanes;
    } else {
        const fc_wg_kernels_f64 *k = fc_wg_for_f64(kt->isa);
        w->mr = k->mr;
        w->nr = k->nv * k->lanes;
    }
    w->transposed = !fwd;
    w->rot = fwd ? p->flip : !p->flip; /* weight gradient: stored rotated for flip */
    w->N = p->N;
    w->G = p->G;
    w->R = fwd ? p->Cg : p->Kg;
    w->M = fwd ? p->Kg : p->Cg;
    w->Mp = fc_round_up(w->M, w->mr);
    /* forward: source x (in), output y (out); backward-input the other way round */
    w->H = fwd ? p->in[1] : p->out[1];
    w->W = fwd ? p->in[2] : p->out[2];
    w->OH = fwd ? p->out[1] : p->in[1];
    w->OW = fwd ? p->out[2] : p->in[2];
    /* forward reads x[y + i - plo]; backward-input grad_in[y] gathers grad_out[y + plo - i]
     * = grad_out[y + (plo - 2) + i'] with i' = 2 - i (the rotation) */
    w->offy = fwd ? -p->plo[1] : p->plo[1] - 2;
    w->offx = fwd ? -p->plo[2] : p->plo[2] - 2;
}

/* The modelled cost of F(m x m), in multiply-adds of the direct method's kind: the a^2
 * products over the tiles padded to the register tile, plus the weight transform (worth
 * wg_weight_cost tiles: its U is written and read once), plus the input and output
 * transforms (wg_transform_cost each per transformed element of a source or output
 * channel).  Per group. */
static double wg_cost(const fc_wg_plan *w, int m)
{
    const fc_tuning *tu = fc_tuning_get();
    const double a2 = (double)(m + 2) * (m + 2);
    const double tiles = (double)(fc_ceil_div(w->OH, m) * fc_ceil_div(w->OW, m) * w->N);
    const double padded = (double)fc_round_up((int64_t)tiles, w->nr);
    return a2 * ((padded + tu->wg_weight_cost) * (double)w->R * (double)w->M +
                 tu->wg_transform_cost * tiles * (double)(w->R + w->M));
}

/* F(4x4) unless F(2x2) costs less (small planes: 4x4 tiles overhang the edge, and few
 * tiles leave the register tile's lanes empty); forced by wgtile in tests. */
static int pick_m(const fc_wg_plan *w)
{
    const int f = fc_force_get()->wgtile;
    if (f >= 0) return f ? 4 : 2;
    return wg_cost(w, 2) < wg_cost(w, 4) ? 2 : 4;
}

int fc_wg_use(const fc_prob *p, fc_op op, const fc_ktiles *kt)
{
    if (p->algo == FC_ALGORITHM_DIRECT) return 0;
    if (op == FC_OP_BACKWARD_WEIGHT && p->N == 0) return 0; /* no image: direct's zeros */
    const int ok = fc_wg_servable(p, op);
    if (p->algo == FC_ALGORITHM_WINOGRAD) return ok ? 1 : -1;
    if (!ok) return 0;
    /* auto: Winograd where its modelled cost, wg_auto_margin (weight gradient:
     * wg_bw_auto_margin) times over, is below the direct method's multiply-adds, with at
     * least wg_auto_min_channels reduction channels and outputs a group (fewer: its
     * transforms outweigh the products it saves; measurements in benchmarks/ANALYSIS.md,
     * "Winograd").  The weight gradient's model is the forward's: its staging and sums'
     * inverse transform stand for the input transform and the weight transform. */
    const fc_tuning *tu = fc_tuning_get();
    fc_wg_plan w;
    wg_geometry(p, op, kt, &w);
    if (w.R < tu->wg_auto_min_channels || w.M < tu->wg_auto_min_channels) return 0;
    const double direct = 9.0 * (double)(w.N * w.OH * w.OW) * (double)w.R * (double)w.M;
    const double margin = op == FC_OP_BACKWARD_WEIGHT ? tu->wg_bw_auto_margin : tu->wg_auto_margin;
    return margin * wg_cost(&w, pick_m(&w)) < direct;
}

static int64_t lcm(int64_t a, int64_t b)
{
    int64_t x = a, y = b;
    while (y) {
        const int64_t r = x % y;
        x = y;
        y = r;
    }
    return a / x * b;
}

/* The weight gradient's rounds: a round's transformed inputs and grad_out tiles
 * (a^2 x G x (Rp + Mp) x nt elements) wg_bw_round_mw_ratio times the sums Mw, within
 * wg_bw_round_min_bytes .. wg_bw_round_bytes (tuning.h); nt a multiple of nr
 * (the places are computed in blocks of nr).  The round size changes no bit. */
static fc_status wg_plan_bw(fc_plan *pl, const fc_ktiles *kt)
{
    fc_wg_plan *w = &pl->wg;
    const fc_tuning *tu = fc_tuning_get();
    const int64_t a2 = (int64_t)w->a * w->a;
    w->Rp = fc_round_up(w->R, w->nr);
    w->Mp = fc_round_up(w->M, lcm(w->nr, w->mr));
    const double mw = (double)(a2 * w->G * w->Mp * w->Rp * kt->elem) * tu->wg_bw_round_mw_ratio;
    double bytes = mw > (double)tu->wg_bw_round_min_bytes ? mw : (double)tu->wg_bw_round_min_bytes;
    bytes = bytes < (double)tu->wg_bw_round_bytes ? bytes : (double)tu->wg_bw_round_bytes;
    int64_t nt = (int64_t)(bytes / (double)(a2 * w->G * (w->Rp + w->Mp) * kt->elem)) / w->nr * w->nr;
    const int64_t all = fc_round_up(w->ntot, w->nr);
    nt = nt < w->nr ? w->nr : nt > all ? all : nt;
    w->nround = fc_ceil_div(w->ntot, nt);
    w->nt = fc_round_up(fc_ceil_div(w->ntot, w->nround), w->nr);
    w->ntb = w->nt / w->nr;
    w->private_rounds = 0;
    /* staged planes: whole tiles of grad_out, their patches of x (rows offy..) */
    w->OHs = fc_ceil_div(w->OH, w->m) * w->m;
    w->OWs = w->tx * w->m;
    w->Hs = w->OHs + 2;
    w->Ws = w->OWs + 2;
    const int64_t sz[5][4] = {{w->G, a2, w->Mp, w->Rp}, {w->G, a2, w->Rp, w->nt}, {w->G, a2, w->Mp, w->nt},
                              {w->N * w->G, w->Rp, w->Hs, w->Ws}, {w->N * w->G, w->Mp, w->OHs, w->OWs}};
    int64_t *outs[5] = {&w->u_elems, &w->v_elems, &w->m_elems, &w->xs_elems, &w->gs_elems};
    int64_t t;
    for (int i = 0; i < 5; ++i)
        if (fc_mul_ovf(sz[i][0], sz[i][1], &t) || fc_mul_ovf(t, sz[i][2], &t) || fc_mul_ovf(t, sz[i][3], outs[i]))
            return FC_EOVERFLOW;
    pl->workspace_bytes =
        (w->u_elems + w->v_elems + w->m_elems + w->xs_elems + w->gs_elems + 9 * w->nr * pl->nthreads) * kt->elem;
    return FC_OK;
}

fc_status fc_plan_winograd(const fc_prob *p, fc_op op, const fc_ktiles *kt, int num_threads, fc_plan *pl)
{
    if (!fc_wg_servable(p, op)) return FC_EUNSUPPORTED;
    fc_status st = fc_plan_init(pl, op, p, kt, num_threads, 0);
    if (st) return st;
    pl->algo = FC_ALGO_WINOGRAD;
    fc_wg_plan *w = &pl->wg;
    wg_geometry(p, op, kt, w);
    w->m = pick_m(w);
    w->a = w->m + 2;
    w->tx = fc_ceil_div(w->OW, w->m);
    w->tpi = fc_ceil_div(w->OH, w->m) * w->tx;
    int64_t t;
    if (fc_mul_ovf(w->tpi, w->N, &w->ntot)) return FC_EOVERFLOW;
    if (op == FC_OP_BACKWARD_WEIGHT) return wg_plan_bw(pl, kt);
    /* private rounds: a round's transformed inputs and products (a^2 x (R + Mp) x nt a
     * group) stay within wg_round_bytes of this core's L2, and there are rounds enough
     * for every thread.  Else (few tiles) shared rounds: one xi's slice of the inputs
     * (R x nt) within wg_vslice_bytes while every output block sweeps over it.  Rounds
     * of equal size; neither choice changes a bit (each tile is summed alone). */
    const fc_tuning *tu = fc_tuning_get();
    const int64_t a2 = (int64_t)w->a * w->a, all = fc_round_up(w->ntot, w->nr);
    int64_t nt = tu->wg_round_bytes / (a2 * w->G * (w->R + w->Mp) * kt->elem) / w->nr * w->nr;
    nt = nt < w->nr ? w->nr : nt > all ? all : nt;
    w->private_rounds = pl->nthreads == 1 || fc_ceil_div(w->ntot, nt) >= (int64_t)tu->wg_rounds_per_thread * pl->nthreads;
    if (!w->private_rounds) {
        nt = tu->wg_vslice_bytes / (w->R * kt->elem) / w->nr * w->nr;
        nt = nt < w->nr ? w->nr : nt > all ? all : nt;
    }
    w->nround = fc_ceil_div(w->ntot, nt);
    w->nt = fc_round_up(fc_ceil_div(w->ntot, w->nround), w->nr);
    w->ntb = w->nt / w->nr;
    const int64_t sz[3][4] = {{w->G, a2, w->Mp, w->R}, {w->G, a2, w->R, w->nt}, {w->G, a2, w->Mp, w->nt}};
    int64_t *outs[3] = {&w->u_elems, &w->v_elems, &w->m_elems};
    for (int i = 0; i < 3; ++i)
        if (fc_mul_ovf(sz[i][0], sz[i][1], &t) || fc_mul_ovf(t, sz[i][2], &t) || fc_mul_ovf(t, sz[i][3], outs[i]))
            return FC_EOVERFLOW;
    const int64_t scratch = a2 * w->nr * pl->nthreads, nbuf = w->private_rounds ? pl->nthreads : 1;
    pl->workspace_bytes = (w->u_elems + (w->v_elems + w->m_elems) * nbuf + scratch) * kt->elem +
                          (int64_t)sizeof(fc_wg_tile) * w->nt * pl->nthreads;
    return FC_OK;
}
