/* Baseline (SSE2) per-bin products of the batched FFT path (fftb_kern.h; own compile flags). */
#include "fft/fftb_kern.h"

#define FC_T float
#define FC_SUFFIX f32_baseline
#include "fft/fftb_kern_template.h"
#undef FC_T
#undef FC_SUFFIX

#define FC_T double
#define FC_SUFFIX f64_baseline
#include "fft/fftb_kern_template.h"
#undef FC_T
#undef FC_SUFFIX

#include "internal.h"

fc_fftb_cmm_f32 fc_fftb_cmm_for_f32(int isa)
{
#if FC_HAVE_AVX512
    if (isa == FC_ISA_AVX512) return fc_fftb_cmm_f32_avx512;
#endif
#if FC_HAVE_AVX2
    if (isa >= FC_ISA_AVX2) return fc_fftb_cmm_f32_avx2;
#endif
    (void)isa;
    return fc_fftb_cmm_f32_baseline;
}

fc_fftb_cmm_f64 fc_fftb_cmm_for_f64(int isa)
{
#if FC_HAVE_AVX512
    if (isa == FC_ISA_AVX512) return fc_fftb_cmm_f64_avx512;
#endif
#if FC_HAVE_AVX2
    if (isa >= FC_ISA_AVX2) return fc_fftb_cmm_f64_avx2;
#endif
    (void)isa;
    return fc_fftb_cmm_f64_baseline;
}
