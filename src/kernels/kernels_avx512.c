/* AVX-512F micro-kernels (compiled with -mavx512f -mfma; run only where CPUID says so). */
#include <immintrin.h>
#include "../internal.h"

/* ---- float32: 16 lanes; 8 channels x 48 pixels = 24 zmm accumulators ---- */
#define FC_T float
#define FC_V __m512
#define FC_LANES 16
#define FC_VZERO() _mm512_setzero_ps()
#define FC_VLOADU(p) _mm512_loadu_ps(p)
#define FC_VSTOREU(p, v) _mm512_storeu_ps((p), (v))
#define FC_VSET1(s) _mm512_set1_ps(s)
#define FC_VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
/* masked tail of a row copy: d[0:k] = s[0:k] + b for k < 16 */
#define FC_VTAIL(d, s, b, k)                                                              \
    do {                                                                                  \
        const __mmask16 m_ = (__mmask16)((1u << (k)) - 1u);                               \
        _mm512_mask_storeu_ps((d), m_, _mm512_add_ps(_mm512_maskz_loadu_ps(m_, (s)), (b))); \
    } while (0)
#define FC_MR 8
#define FC_NV 3
#define FC_NV1 12
#define FC_MR2 4
#define FC_NV2 6
#define FC_WKV 2
#define FC_WNJ 12
#define FC_WNJN 24
#define FC_RB 6
#define FC_NVR 4
#define FC_KKV 2
#define FC_KP 14
#define FC_SUFFIX f32_avx512
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
#undef FC_VTAIL
#undef FC_SUFFIX
#undef FC_TYPESUF

/* ---- float64: 8 lanes; same register tiling ---- */
#define FC_T double
#define FC_V __m512d
#define FC_LANES 8
#define FC_VZERO() _mm512_setzero_pd()
#define FC_VLOADU(p) _mm512_loadu_pd(p)
#define FC_VSTOREU(p, v) _mm512_storeu_pd((p), (v))
#define FC_VSET1(s) _mm512_set1_pd(s)
#define FC_VFMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define FC_VTAIL(d, s, b, k)                                                              \
    do {                                                                                  \
        const __mmask8 m_ = (__mmask8)((1u << (k)) - 1u);                                 \
        _mm512_mask_storeu_pd((d), m_, _mm512_add_pd(_mm512_maskz_loadu_pd(m_, (s)), (b))); \
    } while (0)
#define FC_SUFFIX f64_avx512
#define FC_TYPESUF f64
#include "tapconv_template.h"
