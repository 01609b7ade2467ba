/* The per-bin complex products of the batched FFT path (exec/fftb_impl.h), one kernel
 * per ISA (fftb_kern_{baseline,avx2,avx512}.c, each with its own flags).
 *
 * cmm: for b < nb, d < nd (nd <= FC_FFTB_ND), every bin k < M (M a multiple of
 *   FC_FFTB_VEC(T): 64 bytes), split complex:
 *     y[d*yd + b*yb + k] = (acc ? y[...] : 0) + sum_{s < ns, in order} w[d*wd + s*ws + k] * x[s*xs + b*xb + k]
 *   Forward: w the kernel spectra (d output, s input channel), x the tiles' spectra (b a
 *   tile); weight gradient: w grad_out's conjugated spectra (d output channel, s a
 *   tile), x the input's (b an input channel), accumulated over rounds.  The sum over s
 *   runs in order, so the bits depend on nothing but the ISA. */
#ifndef FASTCONV_FFT_FFTB_KERN_H
#define FASTCONV_FFT_FFTB_KERN_H

#include <stdint.h>

#define FC_FFTB_ND 4
#define FC_FFTB_VEC(T) ((int64_t)(64 / sizeof(T)))

#define FC_FFTB_KTYPE(T, S)                                                                                    \
    typedef void (*fc_fftb_cmm_##S)(int64_t M, int64_t ns, int nd, int64_t nb, const T *wr, const T *wi,      \
                                    int64_t wd, int64_t ws, const T *xr, const T *xi, int64_t xs, int64_t xb, \
                                    T *yr, T *yi, int64_t yd, int64_t yb, int acc);
FC_FFTB_KTYPE(float, f32)
FC_FFTB_KTYPE(double, f64)

void fc_fftb_cmm_f32_baseline(int64_t, int64_t, int, int64_t, const float *, const float *, int64_t, int64_t,
                              const float *, const float *, int64_t, int64_t, float *, float *, int64_t, int64_t, int);
void fc_fftb_cmm_f32_avx2(int64_t, int64_t, int, int64_t, const float *, const float *, int64_t, int64_t,
                          const float *, const float *, int64_t, int64_t, float *, float *, int64_t, int64_t, int);
void fc_fftb_cmm_f32_avx512(int64_t, int64_t, int, int64_t, const float *, const float *, int64_t, int64_t,
                            const float *, const float *, int64_t, int64_t, float *, float *, int64_t, int64_t, int);
void fc_fftb_cmm_f64_baseline(int64_t, int64_t, int, int64_t, const double *, const double *, int64_t, int64_t,
                              const double *, const double *, int64_t, int64_t, double *, double *, int64_t, int64_t,
                              int);
void fc_fftb_cmm_f64_avx2(int64_t, int64_t, int, int64_t, const double *, const double *, int64_t, int64_t,
                          const double *, const double *, int64_t, int64_t, double *, double *, int64_t, int64_t, int);
void fc_fftb_cmm_f64_avx512(int64_t, int64_t, int, int64_t, const double *, const double *, int64_t, int64_t,
                            const double *, const double *, int64_t, int64_t, double *, double *, int64_t, int64_t,
                            int);
fc_fftb_cmm_f32 fc_fftb_cmm_for_f32(int isa);
fc_fftb_cmm_f64 fc_fftb_cmm_for_f64(int isa);

#endif
