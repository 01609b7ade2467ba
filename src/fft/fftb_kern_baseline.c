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

#include "isa.h"

fc_fftb_cmm_f32 fc_fftb_cmm_for_f32(int isa)
{
    static const fc_fftb_cmm_f32 t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_fftb_cmm_f32);
    return t[fc_isa_best(isa)];
}

fc_fftb_cmm_f64 fc_fftb_cmm_for_f64(int isa)
{
    static const fc_fftb_cmm_f64 t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_fftb_cmm_f64);
    return t[fc_isa_best(isa)];
}
