/* The batched FFT path's per-bin products (contract: fftb_kern.h), written once for FC_T
 * with suffix FC_SUFFIX and compiled per ISA with GCC vector extensions (64-byte vectors:
 * one zmm, two ymm or four xmm).  One vector of bins at a time: the 4 destinations'
 * accumulators (8 vectors) stay in registers while the sum runs over s, each x vector
 * loaded once for the 4 destinations; with nd < 4 the missing destinations repeat the
 * last one (their sums are computed and dropped), so there is one code path. */
#define FB_CAT_(a, b) a##_##b
#define FB_CAT(a, b) FB_CAT_(a, b)

void FB_CAT(fc_fftb_cmm, FC_SUFFIX)(int64_t M, int64_t ns, int nd, int64_t nb, const FC_T *wr, const FC_T *wi,
                                    int64_t wd, int64_t ws, const FC_T *xr, const FC_T *xi, int64_t xs,
                                    int64_t xb, FC_T *yr, FC_T *yi, int64_t yd, int64_t yb, int acc)
{
    typedef FC_T vec __attribute__((vector_size(64), aligned(sizeof(FC_T))));
    enum { V = 64 / sizeof(FC_T) };
    int64_t off[FC_FFTB_ND];
    for (int d = 0; d < FC_FFTB_ND; ++d) off[d] = (d < nd ? d : nd - 1) * wd;
    /* bins outer: w's vectors of bins (4 x ns) stay in L1 across the b's */
    for (int64_t k0 = 0; k0 < M; k0 += V)
        for (int64_t b = 0; b < nb; ++b) {
            vec ar0 = {0}, ar1 = {0}, ar2 = {0}, ar3 = {0}, ai0 = {0}, ai1 = {0}, ai2 = {0}, ai3 = {0};
            FC_T *py_r = yr + b * yb + k0, *py_i = yi + b * yb + k0;
            if (acc) {
                ar0 = *(const vec *)(py_r);
                ai0 = *(const vec *)(py_i);
                if (nd > 1) ar1 = *(const vec *)(py_r + yd), ai1 = *(const vec *)(py_i + yd);
                if (nd > 2) ar2 = *(const vec *)(py_r + 2 * yd), ai2 = *(const vec *)(py_i + 2 * yd);
                if (nd > 3) ar3 = *(const vec *)(py_r + 3 * yd), ai3 = *(const vec *)(py_i + 3 * yd);
            }
            const FC_T *pr = xr + b * xb + k0, *pi = xi + b * xb + k0;
            const FC_T *qr = wr + k0, *qi = wi + k0;
            for (int64_t s = 0; s < ns; ++s, pr += xs, pi += xs, qr += ws, qi += ws) {
                const vec a = *(const vec *)pr, c = *(const vec *)pi;
#define FB_ACC(j)                                                           \
    do {                                                                    \
        const vec u = *(const vec *)(qr + off[j]), t = *(const vec *)(qi + off[j]); \
        ar##j += u * a;                                                     \
        ar##j -= t * c;                                                     \
        ai##j += u * c;                                                     \
        ai##j += t * a;                                                     \
    } while (0)
                FB_ACC(0);
                FB_ACC(1);
                FB_ACC(2);
                FB_ACC(3);
#undef FB_ACC
            }
            *(vec *)(py_r) = ar0;
            *(vec *)(py_i) = ai0;
            if (nd > 1) *(vec *)(py_r + yd) = ar1, *(vec *)(py_i + yd) = ai1;
            if (nd > 2) *(vec *)(py_r + 2 * yd) = ar2, *(vec *)(py_i + 2 * yd) = ai2;
            if (nd > 3) *(vec *)(py_r + 3 * yd) = ar3, *(vec *)(py_i + 3 * yd) = ai3;
        }
}

#undef FB_CAT_
#undef FB_CAT
