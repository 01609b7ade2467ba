/* Data movement primitives: rot180 and zero padding, for any element size and rank. */
#include <string.h>
#include "internal.h"

/* Copy an N-d block of `shape` from src to dst, both addressed through byte strides. */
static void copy_strided(int ndim, const int64_t *shape, const char *src, const int64_t *sst,
                         char *dst, const int64_t *dst_st, size_t itemsize)
{
    int64_t idx[FC_MAX_NDIM] = {0};
    const int last = ndim - 1;
    const int64_t n = shape[last];
    const int contiguous = sst[last] == (int64_t)itemsize && dst_st[last] == (int64_t)itemsize;
    for (;;) {
        if (contiguous) {
            memcpy(dst, src, (size_t)n * itemsize);
        } else {
            const char *s = src;
            char *d = dst;
            for (int64_t i = 0; i < n; ++i, s += sst[last], d += dst_st[last]) memcpy(d, s, itemsize);
        }
        /* odometer over the outer axes */
        int ax = last - 1;
        while (ax >= 0) {
            src += sst[ax];
            dst += dst_st[ax];
            if (++idx[ax] < shape[ax]) break;
            src -= sst[ax] * shape[ax];
            dst -= dst_st[ax] * shape[ax];
            idx[ax] = 0;
            --ax;
        }
        if (ax < 0) return;
    }
}

static fc_status check_shape(int ndim, const int64_t *shape, size_t itemsize, int64_t *count)
{
    if (ndim < 0 || ndim > FC_MAX_NDIM || itemsize == 0 || (ndim > 0 && !shape)) return FC_EINVAL;
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i) {
        if (shape[i] < 0) return FC_EINVAL;
        if (fc_mul_ovf(n, shape[i], &n)) return FC_EOVERFLOW;
    }
    int64_t bytes;
    if (fc_mul_ovf(n, (int64_t)itemsize, &bytes)) return FC_EOVERFLOW;
    *count = n;
    return FC_OK;
}

fc_status fc_rot180(int ndim, const int64_t *shape, const int64_t *src_strides, uint64_t axes_mask,
                    size_t itemsize, const void *src, void *dst)
{
    int64_t count;
    fc_status st = check_shape(ndim, shape, itemsize, &count);
    if (st) return st;
    if (count == 0) return FC_OK;
    if (!src || !dst || (ndim > 0 && !src_strides)) return FC_EINVAL;
    if (ndim == 0) {
        memcpy(dst, src, itemsize);
        return FC_OK;
    }
    if (ndim < 64 && (axes_mask >> ndim) != 0) return FC_EINVAL;
    /* rot180 = reading from the last element backwards on the rotated axes:
     * start at index n-1 and negate that axis' stride, e.g. n=4, stride 8: start +24, step -8 */
    int64_t sst[FC_MAX_NDIM], dst_st[FC_MAX_NDIM];
    const char *s = src;
    int64_t step = (int64_t)itemsize;
    for (int i = ndim - 1; i >= 0; --i) {
        dst_st[i] = step;
        step *= shape[i];
        if ((axes_mask >> i) & 1u) {
            s += (shape[i] - 1) * src_strides[i];
            sst[i] = -src_strides[i];
        } else {
            sst[i] = src_strides[i];
        }
    }
    copy_strided(ndim, shape, s, sst, dst, dst_st, itemsize);
    return FC_OK;
}

fc_status fc_pad(int ndim, const int64_t *shape, const int64_t *pad_low, const int64_t *pad_high,
                 size_t itemsize, const void *src, void *dst)
{
    int64_t count;
    fc_status st = check_shape(ndim, shape, itemsize, &count);
    if (st) return st;
    if (ndim > 0 && (!pad_low || !pad_high)) return FC_EINVAL;
    int64_t pshape[FC_MAX_NDIM], total = 1;
    for (int i = 0; i < ndim; ++i) {
        if (pad_low[i] < 0 || pad_high[i] < 0) return FC_EINVAL;
        if (fc_add_ovf(shape[i], pad_low[i], &pshape[i]) || fc_add_ovf(pshape[i], pad_high[i], &pshape[i]) ||
            fc_mul_ovf(total, pshape[i], &total))
            return FC_EOVERFLOW;
    }
    int64_t bytes;
    if (fc_mul_ovf(total, (int64_t)itemsize, &bytes)) return FC_EOVERFLOW;
    if (total == 0) return FC_OK;
    if (!dst || (count > 0 && !src)) return FC_EINVAL;
    memset(dst, 0, (size_t)bytes);
    if (count == 0) return FC_OK;
    if (ndim == 0) {
        memcpy(dst, src, itemsize);
        return FC_OK;
    }
    int64_t sst[FC_MAX_NDIM], dst_st[FC_MAX_NDIM], ss = (int64_t)itemsize, ds = (int64_t)itemsize;
    char *d = dst;
    for (int i = ndim - 1; i >= 0; --i) {
        sst[i] = ss;
        dst_st[i] = ds;
        ss *= shape[i];
        ds *= pshape[i];
    }
    /* the interior starts at pad_low on every axis: e.g. pads (1, 2) of a (2, 3) array
     * into (4, 7): byte offset (1*7 + 2) * itemsize */
    for (int i = 0; i < ndim; ++i) d += pad_low[i] * dst_st[i];
    copy_strided(ndim, shape, src, sst, d, dst_st, itemsize);
    return FC_OK;
}
