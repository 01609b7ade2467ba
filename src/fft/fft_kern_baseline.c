/* Portable FFT kernels (the compiler's baseline vectors: SSE2 on x86-64). */
#include "fft/fft.h"

#define FC_T float
#define FC_TYPESUF f32
#define FC_VL 16
#define FC_SUFFIX f32_baseline
#include "fft/fft_kern_template.h"
#undef FC_T
#undef FC_TYPESUF
#undef FC_SUFFIX
#undef FC_VL

#define FC_T double
#define FC_TYPESUF f64
#define FC_VL 8
#define FC_SUFFIX f64_baseline
#include "fft/fft_kern_template.h"
#undef FC_T
#undef FC_TYPESUF
#undef FC_SUFFIX
#undef FC_VL
