/* AVX-512F FFT kernels (compiled with -mavx512f; run only where CPUID says so). */
#include "fft/fft.h"

#define FC_T float
#define FC_TYPESUF f32
#define FC_VL 16
#define FC_SUFFIX f32_avx512
#include "fft/fft_kern_template.h"
#undef FC_T
#undef FC_TYPESUF
#undef FC_SUFFIX
#undef FC_VL

#define FC_T double
#define FC_TYPESUF f64
#define FC_VL 8
#define FC_SUFFIX f64_avx512
#include "fft/fft_kern_template.h"
#undef FC_T
#undef FC_TYPESUF
#undef FC_SUFFIX
#undef FC_VL
