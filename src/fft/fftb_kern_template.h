/* The batched FFT path's per-bin products (contract: fftb_kern.h), written once for FC_T
 * with suffix FC_SUFFIX and compiled per ISA.  One vector of bins (V = 64 bytes) at a
 * time: the nd <= 4 destinations' accumulators (2 x 4 x V) stay in registers while
 * the sum runs over s, each x vector loaded once for the nd destinations. */
#define FB_CAT_(a, b) a##_##b
#define FB_CAT(a, b) FB_CAT_(a, b)

void FB_CAT(fc_fftb_cmm, FC_SUFFIX)(int64_t M, int64_t ns, int nd, int64_t nb, const FC_T *wr, const FC_T *wi,
                                    int64_t wd, int64_t ws, const FC_T *xr, const FC_T *xi, int64_t xs,
                                    int64_t xb, FC_T *yr, FC_T *yi, int64_t yd, int64_t yb, int acc)
{
    enum { V = 64 / sizeof(FC_T), ND = FC_FFTB_ND };
    /* bins outer: w's vector of bins (nd x ns x V) stays in L1 across the b's */
    for (int64_t k0 = 0; k0 < M; k0 += V)
        for (int64_t b = 0; b < nb; ++b) {
            FC_T ar[ND][V], ai[ND][V];
            for (int d = 0; d < ND; ++d)
                for (int k = 0; k < V; ++k) {
                    ar[d][k] = acc && d < nd ? yr[d * yd + b * yb + k0 + k] : (FC_T)0;
                    ai[d][k] = acc && d < nd ? yi[d * yd + b * yb + k0 + k] : (FC_T)0;
                }
            for (int64_t s = 0; s < ns; ++s) {
                const FC_T *pr = xr + s * xs + b * xb + k0, *pi = xi + s * xs + b * xb + k0;
                if (nd == ND) {
                    for (int d = 0; d < ND; ++d) {
                        const FC_T *qr = wr + d * wd + s * ws + k0, *qi = wi + d * wd + s * ws + k0;
                        for (int k = 0; k < V; ++k) {
                            ar[d][k] += qr[k] * pr[k] - qi[k] * pi[k];
                            ai[d][k] += qr[k] * pi[k] + qi[k] * pr[k];
                        }
                    }
                } else {
                    for (int d = 0; d < nd; ++d) {
                        const FC_T *qr = wr + d * wd + s * ws + k0, *qi = wi + d * wd + s * ws + k0;
                        for (int k = 0; k < V; ++k) {
                            ar[d][k] += qr[k] * pr[k] - qi[k] * pi[k];
                            ai[d][k] += qr[k] * pi[k] + qi[k] * pr[k];
                        }
                    }
                }
            }
            for (int d = 0; d < nd; ++d)
                for (int k = 0; k < V; ++k) {
                    yr[d * yd + b * yb + k0 + k] = ar[d][k];
                    yi[d * yd + b * yb + k0 + k] = ai[d][k];
                }
        }
}

#undef FB_CAT_
#undef FB_CAT
