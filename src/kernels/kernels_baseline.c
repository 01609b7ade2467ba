/* Portable micro-kernels: GCC/Clang vector extensions, 16-byte vectors, which every
 * target lowers to its own SIMD (SSE2, NEON, ...) or to scalars.  No FMA is assumed:
 * a*b + c is left to the compiler's contraction rules. */
#include <string.h>
#include "../internal.h"

typedef float fc_v4f __attribute__((vector_size(16)));
typedef double fc_v2d __attribute__((vector_size(16)));

static inline fc_v4f fc_load_v4f(const float *p) { fc_v4f v; memcpy(&v, p, sizeof v); return v; }
static inline void fc_store_v4f(float *p, fc_v4f v) { memcpy(p, &v, sizeof v); }
static inline fc_v2d fc_load_v2d(const double *p) { fc_v2d v; memcpy(&v, p, sizeof v); return v; }
static inline void fc_store_v2d(double *p, fc_v2d v) { memcpy(p, &v, sizeof v); }

#define FC_T float
#define FC_V fc_v4f
#define FC_LANES 4
#define FC_VZERO() ((fc_v4f){0.0f, 0.0f, 0.0f, 0.0f})
#define FC_VLOADU(p) fc_load_v4f(p)
#define FC_VSTOREU(p, v) fc_store_v4f((p), (v))
#define FC_VSET1(s) ((fc_v4f){(s), (s), (s), (s)})
#define FC_VFMA(a, b, c) ((a) * (b) + (c))
#define FC_MR 4
#define FC_NV 2
#define FC_NV1 4
#define FC_MR2 2
#define FC_NV2 4
#define FC_WKV 2
#define FC_WNJ 4
#define FC_WNJN 8
#define FC_WDK 4
#define FC_WDS 2
#define FC_RB 4
#define FC_NVR 2
#define FC_KKV 2
#define FC_KP 6
#define FC_SUFFIX f32_baseline
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
#undef FC_SUFFIX
#undef FC_TYPESUF

#define FC_T double
#define FC_V fc_v2d
#define FC_LANES 2
#define FC_VZERO() ((fc_v2d){0.0, 0.0})
#define FC_VLOADU(p) fc_load_v2d(p)
#define FC_VSTOREU(p, v) fc_store_v2d((p), (v))
#define FC_VSET1(s) ((fc_v2d){(s), (s)})
#define FC_VFMA(a, b, c) ((a) * (b) + (c))
#define FC_SUFFIX f64_baseline
#define FC_TYPESUF f64
#include "tapconv_template.h"
