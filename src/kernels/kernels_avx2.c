/* AVX2 + FMA micro-kernels (compiled with -mavx2 -mfma; run only where CPUID says so). */
#include <immintrin.h>
#include "../internal.h"

/* ---- float32: 8 lanes; 4 channels x 24 pixels = 12 ymm accumulators of 16 ---- */
#define FC_T float
#define FC_V __m256
#define FC_LANES 8
#define FC_VZERO() _mm256_setzero_ps()
#define FC_VLOADU(p) _mm256_loadu_ps(p)
#define FC_VSTOREU(p, v) _mm256_storeu_ps((p), (v))
#define FC_VSET1(s) _mm256_set1_ps(s)
#define FC_VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define FC_VSTREAM(p, v) _mm256_stream_ps((p), (v))
/* lanes below n loaded, the rest zero; masked-out lanes are not read */
#define FC_VLOADN(p, n) \
    _mm256_maskload_ps((p), _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)))
#define FC_MR 4
#define FC_NV 3
#define FC_NV1 6
#define FC_MR2 2
#define FC_NV2 6
#define FC_WKV 2
#define FC_WNJ 6
#define FC_WNJN 12
#define FC_WDK 4
#define FC_WDS 3
#define FC_RB 6
#define FC_NVR 2
#define FC_KKV 2
#define FC_KP 6
#define FC_SUFFIX f32_avx2
#define FC_TYPESUF f32
#include "tapconv_template.h"
#undef FC_T
#undef FC_V
#undef FC_LANES
#undef FC_VZERO
#undef FC_VLOADU
#undef FC_VSTOREU
#undef FC_VSET1
#undef FC_VFMA
#undef FC_VLOADN
#undef FC_VSTREAM
#undef FC_SUFFIX
#undef FC_TYPESUF

#define FC_T double
#define FC_V __m256d
#define FC_LANES 4
#define FC_VZERO() _mm256_setzero_pd()
#define FC_VLOADU(p) _mm256_loadu_pd(p)
#define FC_VSTOREU(p, v) _mm256_storeu_pd((p), (v))
#define FC_VSET1(s) _mm256_set1_pd(s)
#define FC_VFMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define FC_VSTREAM(p, v) _mm256_stream_pd((p), (v))
#define FC_VLOADN(p, n) \
    _mm256_maskload_pd((p), _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)(n)), _mm256_setr_epi64x(0, 1, 2, 3)))
#define FC_SUFFIX f64_avx2
#define FC_TYPESUF f64
#include "tapconv_template.h"
