/* AVX2 + FMA per-bin products of the batched FFT path (fftb_kern.h; own compile flags). */
#include "fft/fftb_kern.h"

#define FC_T float
#define FC_SUFFIX f32_avx2
#include "fft/fftb_kern_template.h"
#undef FC_T
#undef FC_SUFFIX

#define FC_T double
#define FC_SUFFIX f64_avx2
#include "fft/fftb_kern_template.h"
#undef FC_T
#undef FC_SUFFIX
