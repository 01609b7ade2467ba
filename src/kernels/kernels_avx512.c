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
/* In-register transpose of 16 vectors (row i, lane j) -> (row j, lane i): 32-bit, 64-bit
 * and two 128-bit interleave stages; used by the channels-vectorised kernel's stores. */
static inline void fc_transpose16_ps(__m512 r[16])
{
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4)
        for (int h = 0; h < 2; ++h) {
            r[i + h] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + h]), _mm512_castps_pd(t[i + 2 + h])));
            r[i + 2 + h] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + h]), _mm512_castps_pd(t[i + 2 + h])));
        }
    for (int i = 0; i < 16; i += 8)
        for (int h = 0; h < 4; ++h) {
            t[i + h] = _mm512_shuffle_f32x4(r[i + h], r[i + 4 + h], 0x88);
            t[i + 4 + h] = _mm512_shuffle_f32x4(r[i + h], r[i + 4 + h], 0xdd);
        }
    /* after the last stage vector h holds column h with bits 0 and 1 swapped (the 64-bit
     * stage pairs columns 4L+0/4L+2 and 4L+1/4L+3): vector 1 is column 2, vector 2 column 1 */
    for (int h = 0; h < 8; ++h) {
        const int lo = (h & ~3) | ((h & 1) << 1) | ((h >> 1) & 1);
        r[lo] = _mm512_shuffle_f32x4(t[h], t[h + 8], 0x88);
        r[lo + 8] = _mm512_shuffle_f32x4(t[h], t[h + 8], 0xdd);
    }
}
#define FC_VTRANSPOSE_REG(r) fc_transpose16_ps(r)
#define FC_VSTORE_N(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1u), (v))
#define FC_VLOADN(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1u), (p))
#define FC_VSTREAM(p, v) _mm512_stream_ps((p), (v))
#define FC_VLOADM(p, m) _mm512_maskz_loadu_ps((__mmask16)(m), (p))
#define FC_VLOADM_MERGE(v, p, m) _mm512_mask_loadu_ps((v), (__mmask16)(m), (p))
#define FC_VSTOREM(p, v, m) _mm512_mask_storeu_ps((p), (__mmask16)(m), (v))
#define FC_MR 8
#define FC_NV 3
#define FC_NV1 12
#define FC_MR2 4
#define FC_NV2 6
#define FC_WKV 2
#define FC_WNJ 12
#define FC_WKVW 4
#define FC_WNJW 6
#define FC_WNJN 24
#define FC_WDK 8
#define FC_WDS 3
#define FC_WDS1 12
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
#undef FC_VTRANSPOSE_REG
#undef FC_VSTORE_N
#undef FC_VLOADN
#undef FC_VSTREAM
#undef FC_VLOADM
#undef FC_VLOADM_MERGE
#undef FC_VSTOREM
/* 8x8 in-register transpose: 64-bit, then two 128-bit interleave stages */
static inline void fc_transpose8_pd(__m512d r[8])
{
    __m512d t[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4)
        for (int h = 0; h < 2; ++h) {
            r[i + h] = _mm512_shuffle_f64x2(t[i + h], t[i + 2 + h], 0x88);
            r[i + 2 + h] = _mm512_shuffle_f64x2(t[i + h], t[i + 2 + h], 0xdd);
        }
    for (int h = 0; h < 4; ++h) {
        t[h] = _mm512_shuffle_f64x2(r[h], r[h + 4], 0x88);
        t[h + 4] = _mm512_shuffle_f64x2(r[h], r[h + 4], 0xdd);
    }
    for (int i = 0; i < 8; ++i) r[i] = t[i];
}
#define FC_VTRANSPOSE_REG(r) fc_transpose8_pd(r)
#define FC_VSTORE_N(p, v, n) _mm512_mask_storeu_pd((p), (__mmask8)((1u << (n)) - 1u), (v))
#define FC_VLOADN(p, n) _mm512_maskz_loadu_pd((__mmask8)((1u << (n)) - 1u), (p))
#define FC_VSTREAM(p, v) _mm512_stream_pd((p), (v))
#define FC_VLOADM(p, m) _mm512_maskz_loadu_pd((__mmask8)(m), (p))
#define FC_VLOADM_MERGE(v, p, m) _mm512_mask_loadu_pd((v), (__mmask8)(m), (p))
#define FC_VSTOREM(p, v, m) _mm512_mask_storeu_pd((p), (__mmask8)(m), (v))
#define FC_SUFFIX f64_avx512
#define FC_TYPESUF f64
#include "tapconv_template.h"
