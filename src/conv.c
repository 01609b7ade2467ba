/* Instantiates the drivers of conv_impl.h for float and double, and the single-array
 * (SciPy-style) correlate/convolve on top of the same engine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "geom.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define FC_T float
#define FC_S f32
#define FC_UINT uint32_t /* same width as FC_T, and its exponent bits */
#define FC_EXPBITS 0x7f800000u
#include "conv_impl.h"
#include "correlate_impl.h"
#undef FC_T
#undef FC_S
#undef FC_UINT
#undef FC_EXPBITS

#define FC_T double
#define FC_S f64
#define FC_UINT uint64_t
#define FC_EXPBITS 0x7ff0000000000000ull
#include "conv_impl.h"
#include "correlate_impl.h"
#undef FC_T
#undef FC_S
#undef FC_UINT
#undef FC_EXPBITS

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
