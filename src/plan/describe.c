/* A plan as text ("key=value" pairs), and the forced decisions of the tests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan.h"

/* ---- forcing (tests only: fastconv's tests force each mode to check it alone) ---- */

static fc_force forced = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

const fc_force *fc_force_get(void) { return &forced; }

typedef struct force_key {
    const char *key;
    int *field;
    const char *values[6]; /* value i sets the field to i; NULL ends */
} force_key;

/* Names as the plan's description prints them. */
static const char *const fmode_names[] = {"flat", "kvec", "kvec_fold"};
static const char *const fstore_names[] = {"copy", "whole", "masked"};
static const char *const sched_names[] = {"rounds", "private", "bands"};
static const char *const bwmode_names[] = {"dot", "chunks", "blocks"};
static const char *const bwtile_names[] = {"std", "wide", "narrow", "dot", "dot1"};
static const char *const smode_names[] = {"mrow", "engine"};
static const char *const fkern_names[] = {"fwd", "fwd_t1", "fwd_t9", "fwd2", "fwd2_t9", "fwd1", "fwdk"};
static const char *const op_names[] = {"forward", "backward_input", "backward_weight", "backward_bias",
                                       "correlate"};

fc_status fc_plan_force(const char *spec)
{
    fc_force f = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
    const force_key keys[] = {
        {"fmode", &f.fmode, {"flat", "kvec", "kvec_fold", NULL}},
        {"store", &f.fstore, {"copy", "whole", "masked", NULL}},
        {"sched", &f.sched, {"rounds", "private", "bands", NULL}},
        {"kbjob", &f.kbjob, {"0", "1", NULL}},
        {"bwmode", &f.bwmode, {"dot", "chunks", "blocks", NULL}},
        {"bwtile", &f.bwtile, {"std", "wide", "narrow", NULL}},
        {"smode", &f.smode, {"mrow", "engine", NULL}},
        {"wgtile", &f.wgtile, {"2", "4", NULL}},
        {"sepkind", &f.sepkind, {"lanes", "lines", NULL}},
        {"seprowk", &f.seprowk, {"0", "1", NULL}},
    };
    /* "key=value,key=value"; NULL or "" clears every force */
    char buf[256];
    if (spec && strlen(spec) >= sizeof buf) return FC_EINVAL;
    strcpy(buf, spec ? spec : "");
    char *save = NULL; /* strtok_r: a caller's own strtok loop survives this call */
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) return FC_EINVAL;
        *eq = '\0';
        int found = 0;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0] && !found; ++k) {
            if (strcmp(item, keys[k].key) != 0) continue;
            for (int v = 0; keys[k].values[v] && !found; ++v)
                if (strcmp(eq + 1, keys[k].values[v]) == 0) {
                    *keys[k].field = v;
                    found = 1;
                }
            if (!found) return FC_EINVAL;
        }
        if (!found) return FC_EINVAL;
    }
    /* the masked store is the only store a force can ask for or refuse ("whole" is a
     * property of the layout) */
    if (f.fstore == FC_ST_WHOLE) return FC_EINVAL;
    forced = f;
    return FC_OK;
}

/* ---- description ---- */

typedef struct outbuf {
    char *p;
    size_t n, len;
    int overflow;
} outbuf;

static void put(outbuf *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const size_t room = o->len < o->n ? o->n - o->len : 0;
    const int w = vsnprintf(o->p + o->len, room, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= room) o->overflow = 1;
    else o->len += (size_t)w;
}

/* key=v1,v2,... over the passes, one value when they agree */
static void put_pass_list(outbuf *o, const char *key, const fc_plan *pl, int which)
{
    put(o, " %s=", key);
    for (int i = 0; i < pl->run.np; ++i) {
        const fc_pass *ps = pl->passes + i;
        char v[48];
        switch (which) {
        case 0: snprintf(v, sizeof v, "%s", fkern_names[ps->kern]); break;
        case 1: snprintf(v, sizeof v, "%dx%lld", ps->mr, (long long)(ps->mode == FC_FM_FLAT ? ps->nr : ps->kp)); break;
        case 2: snprintf(v, sizeof v, "%s", fmode_names[ps->mode]); break;
        default: snprintf(v, sizeof v, "%s", ps->mode == FC_FM_FLAT ? fstore_names[ps->store] : "kernel"); break;
        }
        put(o, "%s%s", i ? "," : "", v);
    }
}

static const char *isa_name(int isa) { return isa == 2 ? "avx512" : isa == 1 ? "avx2" : "baseline"; }

fc_status fc_plan_format(const fc_plan *pl, char *buf, size_t n)
{
    if (!buf || n == 0) return FC_EINVAL;
    outbuf o = {buf, n, 0, 0};
    buf[0] = '\0';
    put(&o, "op=%s algorithm=%s isa=%s dtype=%s threads=%d", op_names[pl->op],
        pl->algo == FC_ALGO_FFT ? "fft" : pl->algo == FC_ALGO_WINOGRAD ? "winograd" : "direct",
        isa_name(pl->kt.isa), pl->kt.elem == 4 ? "float32" : "float64", pl->nthreads);
    if (pl->algo == FC_ALGO_FFT) {
        const fc_fft_tiles *ft = &pl->ft;
        const int a = 3 - ft->ndim;
        put(&o, " kernel=fft tile=");
        for (int i = a; i < 3; ++i) put(&o, "%s%lld", i > a ? "x" : "", (long long)ft->n[i]);
        if (pl->op != FC_OP_CORRELATE) {
            fc_fftb_dims d;
            double u[3];
            fc_fftb_dims_of(&pl->p, pl->op, &d);
            fc_fftb_units(&pl->p, &d, pl->kt.elem, ft->n[2], u);
            put(&o, " mode=overlap_save_batched tiles=%lld tiles_per_job=%lld jobs=%lld cost_fft_ns=%.0f"
                    " cost_direct_ns=%.0f units_nlogn=%.0f units_cmac=%.0f spill=%.3f workspace_bytes=%lld",
                (long long)ft->nt[2], (long long)ft->rows, (long long)ft->njobs, ft->cost_fft, ft->cost_direct,
                u[0], u[1], u[2], (long long)pl->workspace_bytes);
            return o.overflow ? FC_EINVAL : FC_OK;
        }
        put(&o, " mode=overlap_save jobs=%lld swapped=%d cost_fft_ns=%.0f cost_direct_ns=%.0f workspace_bytes=%lld",
            (long long)ft->njobs, pl->single.swapped, ft->cost_fft, ft->cost_direct,
            (long long)pl->workspace_bytes);
        return o.overflow ? FC_EINVAL : FC_OK;
    }
    if (pl->algo == FC_ALGO_WINOGRAD) {
        const fc_wg_plan *w = &pl->wg;
        put(&o, " kernel=wg_gemm tile=%dx%d mode=winograd wtile=F(%dx%d,3x3) tiles=%lld tiles_per_round=%lld"
                " rounds=%lld sched=%s workspace_bytes=%lld",
            w->mr, w->nr, w->m, w->m, (long long)w->ntot, (long long)w->nt, (long long)w->nround,
            w->private_rounds ? "private" : "shared",
            (long long)pl->workspace_bytes);
        return o.overflow ? FC_EINVAL : FC_OK;
    }
    const int engine = pl->op == FC_OP_FORWARD || pl->op == FC_OP_BACKWARD_INPUT ||
                       (pl->op == FC_OP_CORRELATE && pl->single.mode == FC_SM_ENGINE);
    if (pl->op == FC_OP_CORRELATE)
        put(&o, " single=%s swapped=%d", smode_names[pl->single.mode], pl->single.swapped);
    if (pl->op == FC_OP_CORRELATE && pl->single.mode == FC_SM_MROW)
        put(&o, " kernel=mrow tile=%lldx%lld mode=rows jobs=%lld", (long long)pl->single.rb,
            (long long)pl->single.rnr, (long long)(pl->p.out[0] * pl->single.nband));
    if (pl->op == FC_OP_BACKWARD_INPUT) put(&o, " classes=%d", pl->run.np);
    if (engine && pl->run.np > 0) {
        const fc_pass *p0 = pl->passes;
        put_pass_list(&o, "kernel", pl, 0);
        put_pass_list(&o, "tile", pl, 1);
        put_pass_list(&o, "mode", pl, 2);
        put_pass_list(&o, "store", pl, 3);
        put(&o, " stream=%d kbjob=%d sched=%s in_place=%d images_per_round=%lld channel_block=%lld"
                " tiles_per_job=%lld",
            p0->stream_out, p0->kbjob, sched_names[pl->run.sched], pl->run.identity, (long long)pl->run.nb,
            (long long)p0->cblk, (long long)p0->ptj);
    }
    if (pl->op == FC_OP_BACKWARD_WEIGHT) {
        const fc_bw_plan *b = &pl->bw;
        static const char *const kn[] = {"wgt", "wgtw", "wgtn", "wgd", "wgd1"};
        put(&o, " kernel=%s tile=%lldx%lld mode=%s bwtile=%s in_place=%d", kn[b->tile], (long long)b->tk,
            (long long)b->tj, bwmode_names[b->mode], bwtile_names[b->tile], b->x_in_place);
        if (b->mode == FC_BW_DOT)
            put(&o, " runs=%lld rows_per_call=%lld", (long long)b->nrun, (long long)b->rchunk);
        else
            put(&o, " chunk_rows=%lld chunk_cols=%lld images_per_round=%lld", (long long)b->rchunk,
                (long long)b->cchunk, (long long)b->nb);
    }
    if (pl->op == FC_OP_BACKWARD_BIAS) put(&o, " kernel=bias mode=reduce");
    put(&o, " workspace_bytes=%lld", (long long)pl->workspace_bytes);
    return o.overflow ? FC_EINVAL : FC_OK;
}

fc_status fc_conv_describe(fc_op op, const fc_conv_desc *d, fc_dtype dtype, int has_bias, int num_threads,
                           char *buf, size_t n)
{
    return fc_conv_describe_ex(op, d, FC_ALGORITHM_AUTO, dtype, has_bias, num_threads, buf, n);
}

fc_status fc_conv_describe_ex(fc_op op, const fc_conv_desc *d, int algorithm, fc_dtype dtype, int has_bias,
                              int num_threads, char *buf, size_t n)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc_algo(d, algorithm, &p);
    if (st) return st;
    if (dtype != FC_FLOAT32 && dtype != FC_FLOAT64) return FC_EINVAL;
    fc_ktiles kt;
    fc_ktiles_active(dtype == FC_FLOAT32 ? 4 : 8, &kt);
    fc_plan pl;
    const int fb = fc_fftb_use(&p, op, &kt, num_threads);
    const int wg = fb ? 0 : fc_wg_use(&p, op, &kt);
    if (wg < 0 || fb < 0) return FC_EUNSUPPORTED;
    if (fb) st = fc_plan_fft_batched(&p, op, &kt, num_threads, &pl);
    else if (wg) st = fc_plan_winograd(&p, op, &kt, num_threads, &pl);
    else switch (op) {
    case FC_OP_FORWARD: st = fc_plan_forward(&p, &kt, has_bias, num_threads, &pl); break;
    case FC_OP_BACKWARD_INPUT: st = fc_plan_backward_input(&p, &kt, has_bias, num_threads, &pl); break;
    case FC_OP_BACKWARD_WEIGHT: st = fc_plan_backward_weight(&p, &kt, num_threads, &pl); break;
    case FC_OP_BACKWARD_BIAS: st = fc_plan_backward_bias(&p, &kt, num_threads, &pl); break;
    default: return FC_EINVAL;
    }
    if (st) return st;
    st = fc_plan_format(&pl, buf, n);
    fc_plan_free(&pl);
    return st;
}

fc_status fc_correlate_describe(fc_single_fn fn, int ndim, const int64_t *in1_shape, const int64_t *in2_shape,
                                fc_mode mode, fc_boundary boundary, fc_dtype dtype, int num_threads, char *buf,
                                size_t n)
{
    return fc_single_describe(fn, ndim, in1_shape, in2_shape, mode, boundary, dtype, FC_METHOD_DIRECT, num_threads,
                              buf, n);
}

fc_status fc_single_describe(fc_single_fn fn, int ndim, const int64_t *in1_shape, const int64_t *in2_shape,
                             fc_mode mode, fc_boundary boundary, fc_dtype dtype, fc_method method, int num_threads,
                             char *buf, size_t n)
{
    if (ndim < 1 || ndim > 3 || fn < FC_FN_CORRELATE || fn > FC_FN_CONVOLVE2D) return FC_EINVAL;
    if (boundary < FC_BOUNDARY_FILL || boundary > FC_BOUNDARY_MIRROR) return FC_EINVAL;
    if (dtype != FC_FLOAT32 && dtype != FC_FLOAT64) return FC_EINVAL;
    fc_prob p;
    int swapped;
    fc_status st = fc_single_problem(ndim, in1_shape, in2_shape, mode, fn == FC_FN_CORRELATE2D,
                                     fn == FC_FN_CONVOLVE || fn == FC_FN_CONVOLVE2D, &p, &swapped);
    if (st) return st;
    fc_ktiles kt;
    fc_ktiles_active(dtype == FC_FLOAT32 ? 4 : 8, &kt);
    fc_plan pl;
    if ((st = fc_plan_single_method(&p, &kt, ndim, boundary, swapped, (int)method, num_threads, &pl))) return st;
    st = fc_plan_format(&pl, buf, n);
    fc_plan_free(&pl);
    return st;
}
