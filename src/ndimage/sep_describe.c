/* fc_ndimage_describe: the plan of one of fastconv.ndimage's C passes as "key=value" text,
 * made by the planners the passes call (fc_sep_plan_make, fc_sep2d_plan_make), so that
 * fastconv.explain reports what a filter will run and tests can check a forced mode. */
#include <stdio.h>
#include "sep.h"

static const char *const nd_op_names[] = {"correlate1d", "uniform1d", "correlate_sep2d", "uniform_sep2d"};

/* The 1-D pass: LANES (vectorised across the inner axis), LINES (a line or an interleaved
 * group of lines at a time) or the row kernel over whole contiguous lines (rowk). */
static int describe_1d(const fc_sep_plan *p, char *buf, size_t n)
{
    const char *kernel = p->uniform ? (p->rowk ? "boxrow" : "box") : "rows";
    const char *mode = p->kind == FC_SEP_LANES ? "lanes" : p->rowk ? "rowk" : "lines";
    return snprintf(buf, n, " threads=%d kernel=%s mode=%s lanes=%lld units=%lld band=%lld bands=%lld"
                            " jobs=%lld workspace_bytes=%lld",
                    p->nthreads, kernel, mode, (long long)p->lanes, (long long)p->units, (long long)p->band,
                    (long long)p->nband, (long long)p->njobs, (long long)p->scratch_bytes * p->nthreads);
}

/* The fused passes along the last two axes: bands of rows, one job each. */
static int describe_2d(const fc_sep2d_plan *p, char *buf, size_t n)
{
    if (p->uniform)
        return snprintf(buf, n, " threads=%d kernel=box,boxrow mode=fused order=col_first group=%lld"
                                " bands=%lld jobs=%lld workspace_bytes=%lld",
                        p->nthreads, (long long)p->group, (long long)p->nband, (long long)p->njobs,
                        (long long)p->scratch_bytes * p->nthreads);
    return snprintf(buf, n, " threads=%d kernel=rows mode=fused order=%s band=%lld bands=%lld jobs=%lld"
                            " workspace_bytes=%lld",
                    p->nthreads, p->col_first ? "col_first" : "row_first", (long long)p->band,
                    (long long)p->nband, (long long)p->njobs, (long long)p->scratch_bytes * p->nthreads);
}

fc_status fc_ndimage_describe(fc_ndimage_op op, const int64_t shape[3], const int64_t in_strides[3],
                              const int64_t out_strides[3], int64_t k0, int64_t k1, int col_first,
                              fc_dtype dtype, int num_threads, char *buf, size_t n)
{
    if (!buf || n == 0) return FC_EINVAL;
    buf[0] = '\0';
    if (op < FC_ND_CORRELATE1D || op > FC_ND_UNIFORM_SEP2D || !shape || !in_strides || !out_strides)
        return FC_EINVAL;
    if ((dtype != FC_FLOAT32 && dtype != FC_FLOAT64) || k0 < 1) return FC_EINVAL;
    const int64_t elem = dtype == FC_FLOAT32 ? 4 : 8;
    int64_t total;
    fc_status st;
    int w = snprintf(buf, n, "op=%s algorithm=direct isa=%s dtype=%s", nd_op_names[op], fc_isa(),
                     elem == 4 ? "float32" : "float64");
    if (w < 0 || (size_t)w >= n) return FC_EINVAL;
    if (op <= FC_ND_UNIFORM1D) {
        for (int i = 0; i < 3; ++i)
            if (shape[i] < 0) return FC_EINVAL;
        fc_sep_plan p;
        st = fc_sep_plan_make(fc_tuning_get(), shape, in_strides, out_strides, k0, 0, elem,
                              op == FC_ND_UNIFORM1D, num_threads, &p);
        if (st) return st;
        const int w2 = describe_1d(&p, buf + w, n - (size_t)w);
        return w2 < 0 || (size_t)w2 >= n - (size_t)w ? FC_EINVAL : FC_OK;
    }
    /* the fused passes' checks, with the pads and boundaries they do not plan by */
    st = fc_sep2d_check(shape, in_strides, out_strides, k0, 0, FC_BOUNDARY_FILL, k1, 0, FC_BOUNDARY_FILL,
                        &total);
    if (st) return st;
    fc_sep2d_plan p;
    st = fc_sep2d_plan_make(fc_tuning_get(), shape, k0, k1, elem, op == FC_ND_UNIFORM_SEP2D, col_first,
                            num_threads, &p);
    if (st) return st;
    const int w2 = describe_2d(&p, buf + w, n - (size_t)w);
    return w2 < 0 || (size_t)w2 >= n - (size_t)w ? FC_EINVAL : FC_OK;
}
