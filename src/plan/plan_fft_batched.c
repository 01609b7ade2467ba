/* Planner of the FFT path of the batched 1-D passes (forward, input gradient, weight
 * gradient; stride 1, dilation 1, any padding, groups, flip) and the cost model that
 * chooses between it and the direct path (algorithm "auto").
 *
 * Every pass is an overlap-save correlation over one axis: output o of a destination
 * channel reads the source at o - plo + j for tap j (fc_fftb_dims); tiles of n source
 * elements give v = n - K + 1 outputs each, nt tiles an image.  The plan reuses the
 * single-array FFT plan's fields (fc_fft_tiles, 1-D: n[2], v[2], nt[2]); `rows` is the
 * tiles of a job (forward, input gradient) or of a round (weight gradient). */
#include <math.h>
#include "plan/plan.h"

int fc_fftb_servable(const fc_prob *p)
{
    for (int a = 0; a < 2; ++a)
        if (p->in[a] != 1 || p->ker[a] != 1 || p->plo[a] || p->phi[a]) return 0;
    return p->str[2] == 1 && p->dil[2] == 1;
}

void fc_fftb_dims_of(const fc_prob *p, fc_op op, fc_fftb_dims *d)
{
    const int64_t K = p->ker[2];
    d->K = K;
    if (op == FC_OP_BACKWARD_INPUT) {
        /* gx[i] = sum_j w[K-1-j] g[i - (K-1-plo) + j]: grad_out is the source, the
         * kernel reversed and channel-transposed (K = 3, plo = 1: gx[i] reads g[i-1..i+1]) */
        *d = (fc_fftb_dims){.S = p->Kg, .D = p->Cg, .Ls = p->out[2], .Ld = p->in[2], .plo = K - 1 - p->plo[2], .K = K};
        return;
    }
    /* forward: y[o] = sum_j w[j] x[o - plo + j]; weight gradient: gw[j] = sum_o g[o]
     * x[o - plo + j], tiles over grad_out's O positions */
    *d = (fc_fftb_dims){.S = p->Cg, .D = p->Kg, .Ls = p->in[2], .Ld = p->out[2], .plo = p->plo[2], .K = K};
}

/* n*log2(n) of one real transform of size n */
static double nlogn(int64_t n) { return (double)n * log2((double)n); }

/* The model's terms for tiles of n: u[0] n*log2(n) of real transforms (every tile
 * transforms its S source and D destination rows; the kernel spectra or the weight
 * gradient's final inverses, S*D rows a group), u[1] complex multiply-adds of the
 * per-bin products (S*D a bin a tile), u[2] the spill factor (a tile's spectra past
 * fftb_job_bytes stream from L3).  N*G*nt tiles. */
void fc_fftb_units(const fc_prob *p, const fc_fftb_dims *d, int elem, int64_t n, double u[3])
{
    const fc_tuning *tu = fc_tuning_get();
    const int64_t v = n - d->K + 1, nt = fc_ceil_div(d->Ld, v), M = n / 2 + 1;
    const double tiles = (double)p->N * (double)p->G * (double)nt, sd = (double)d->S * (double)d->D;
    u[0] = (tiles * (double)(d->S + d->D) + (double)p->G * sd) * nlogn(n);
    u[1] = tiles * sd * (double)M;
    const double bytes = (double)(d->S + d->D) * (double)M * 2.0 * elem;
    const double lim = (double)tu->fftb_job_bytes * tu->fftb_spill_tiles;
    u[2] = bytes > lim ? 1.0 + tu->fft_spill * log2(bytes / lim) : 1.0;
}

/* The model's time of the whole pass with tiles of n, ns (one thread). */
static double fft_cost(const fc_prob *p, const fc_fftb_dims *d, int elem, int64_t n)
{
    const fc_tuning *tu = fc_tuning_get();
    const double a = elem == 4 ? tu->cm_fftb_ns_per_nlogn_f32 : tu->cm_fftb_ns_per_nlogn_f64;
    const double c = elem == 4 ? tu->cm_fftb_ns_per_cmac_f32 : tu->cm_fftb_ns_per_cmac_f64;
    double u[3];
    fc_fftb_units(p, d, elem, n, u);
    return (a * u[0] + c * u[1]) * u[2];
}

/* Tile size: the even 2^a 3^b 5^c from K + 1 (one output a tile) to the whole extended
 * axis, growing by >= 1/16 a step (at most 64 of them), of least modelled cost. */
static int64_t pick_n(const fc_prob *p, fc_op op, const fc_fftb_dims *d, int elem, double *cost)
{
    const int64_t hi = fc_fft_good_size(d->Ld + d->K - 1, 1);
    int64_t best_n = 0;
    double best = 0;
    int i = 0;
    for (int64_t n = fc_fft_good_size(d->K + 1, 1); i < 64; n = fc_fft_good_size(n + n / 16 + 1, 1), ++i) {
        const int64_t m = n < hi ? n : hi;
        const double c = fft_cost(p, d, elem, m);
        if (!best_n || c < best) {
            best = c;
            best_n = m;
        }
        if (n >= hi) break;
    }
    *cost = best;
    return best_n;
}

/* Round the bins of a spectrum row up to whole vectors of the product kernel (16
 * float32 or 8 float64: 64 bytes), so it never handles a tail. */
static int64_t bins_padded(int64_t M, int elem) { return fc_round_up(M, 64 / elem); }

fc_status fc_plan_fft_batched(const fc_prob *p, fc_op op, const fc_ktiles *kt, int num_threads, fc_plan *pl)
{
    if (!fc_fftb_servable(p) || p->ker[2] < 1) return FC_EUNSUPPORTED;
    fc_status st = fc_plan_init(pl, op, p, kt, num_threads, 0);
    if (st) return st;
    pl->algo = FC_ALGO_FFT;
    fc_fftb_dims d;
    fc_fftb_dims_of(p, op, &d);
    const fc_tuning *tu = fc_tuning_get();
    const int elem = kt->elem;
    fc_fft_tiles *ft = &pl->ft;
    ft->ndim = 1;
    ft->n[0] = ft->n[1] = ft->v[0] = ft->v[1] = ft->nt[0] = ft->nt[1] = 1;
    ft->n[2] = pick_n(p, op, &d, elem, &ft->cost_fft);
    ft->v[2] = ft->n[2] - d.K + 1;
    ft->nt[2] = fc_ceil_div(d.Ld, ft->v[2]);
    ft->cost_direct = fc_prob_macs(p) * (elem == 4 ? tu->cm_fftb_direct_ns_per_mac_f32 : tu->cm_fftb_direct_ns_per_mac_f64);
    if ((st = fc_fft_plan_make(1, ft->n + 2, elem, kt->isa, &ft->fft))) {
        fc_plan_free(pl);
        return st;
    }
    const int64_t n = ft->n[2], v = ft->v[2], nt = ft->nt[2], Mp = bins_padded(ft->fft.m, elem);
    const int64_t C = p->G * d.S, Dt = p->G * d.D, work = ft->fft.work;
    ft->kspec = 2 * p->G * d.D * d.S * Mp; /* kernel spectra, or the weight gradient's sums */
    pl->nthreads = fc_resolve_threads(num_threads, ft->cost_fft * 4.0);
    int64_t R;
    if (op == FC_OP_BACKWARD_WEIGHT) {
        /* a round: R tiles (image-major) of every channel's spectrum */
        R = tu->fftb_round_bytes / ((C + Dt) * Mp * 2 * elem);
        const int64_t all = p->N * nt;
        R = R < 1 ? 1 : R > all ? all : R;
        ft->rows = R;
        ft->njobs = fc_ceil_div(all, R); /* rounds */
        ft->tper = ft->fft.lanes * n + work; /* a batch of windows, the transform's work */
        pl->workspace_bytes = (ft->kspec + 2 * (C + Dt) * R * Mp + pl->nthreads * ft->tper + n + work) * elem;
        return FC_OK;
    }
    /* forward / input gradient: a job is R consecutive tiles of one image, every
     * channel: R within fftb_job_bytes, and at least fftb_min_jobs jobs.  R does not depend
     * on the threads: it decides which rows share a transform's lanes */
    R = tu->fftb_job_bytes / ((C + Dt) * Mp * 2 * elem);
    const int64_t want = fc_ceil_div(p->N * nt, tu->fftb_min_jobs); /* not by threads: R groups lanes */
    R = R > want ? want : R;
    /* kernel spectra past the budget stream from L3 once a job: fftb_min_tiles tiles
     * share each pass over them */
    if (ft->kspec * elem > tu->fftb_job_bytes && R < tu->fftb_min_tiles) R = tu->fftb_min_tiles;
    R = R < 1 ? 1 : R > nt ? nt : R;
    ft->rows = R;
    ft->njobs = p->N * fc_ceil_div(nt, R);
    ft->tper = R * (C * n > Dt * v ? C * n : Dt * v) + 2 * (C + Dt) * R * Mp + work;
    if (pl->nthreads > ft->njobs) pl->nthreads = (int)ft->njobs;
    pl->workspace_bytes = (ft->kspec + n + work + pl->nthreads * ft->tper) * elem;
    return FC_OK;
}

int fc_fftb_use(const fc_prob *p, fc_op op, const fc_ktiles *kt, int num_threads)
{
    if (op != FC_OP_FORWARD && op != FC_OP_BACKWARD_INPUT && op != FC_OP_BACKWARD_WEIGHT) return 0;
    const int ok = fc_fftb_servable(p) && p->N > 0;
    if (p->algo == FC_ALGORITHM_FFT) return fc_fftb_servable(p) ? 1 : -1;
    if (p->algo != FC_ALGORITHM_AUTO || !ok) return 0;
    /* auto: never for a few taps or a small call (direct costs a few multiply-adds an
     * output there), else where the model's FFT time is below the direct one's */
    const fc_tuning *tu = fc_tuning_get();
    if (p->ker[2] < tu->fftb_auto_min_taps || fc_prob_macs(p) < tu->fftb_auto_min_macs) return 0;
    fc_fftb_dims d;
    fc_fftb_dims_of(p, op, &d);
    double cost;
    pick_n(p, op, &d, kt->elem, &cost);
    const double direct = fc_prob_macs(p) * (kt->elem == 4 ? tu->cm_fftb_direct_ns_per_mac_f32
                                                           : tu->cm_fftb_direct_ns_per_mac_f64);
    (void)num_threads;
    return cost < direct;
}
