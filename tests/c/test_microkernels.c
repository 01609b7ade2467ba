/* Micro-kernel driver: every kernel of every ISA table (fc_kernels_f32_<isa>,
 * fc_kernels_f64_<isa>, src/internal.h) called directly on one tile, against a naive
 * loop written from the contract documented for its type in src/internal.h, at the tile
 * edges (reductions of 1, 2 and odd lengths, tap counts 1, 9 and others, widths below,
 * at and above each vector and tile, rows below the tile, bias NULL or not, overwrite
 * and accumulate), as XNNPACK's kernel testers do; and fc_kernel_tiles against the
 * tables it reports.
 *
 * Every buffer is malloc'ed at exactly the size the contract lets the kernel touch (x
 * of a tap kernel: up to c*cs + off[t] + NR), so AddressSanitizer reports any access
 * past it; inside it, elements the kernel must not read are NaN (a read would poison a
 * sum), outputs it must overwrite start as NaN (a read before the write would show),
 * and elements it must not write are compared bit for bit with their old value.
 *
 * Comparisons: the kernels' summation order is fixed (a chain over c, t, or rows and
 * pixels, each product added with one FMA on AVX2/AVX-512, a multiply then an add in the
 * x86-64 baseline build), so the naive loop replays that chain and results must be
 * identical; where the rounding of the baseline build is not known (another target, or
 * flags that let the compiler contract a*b + c) the bound is (n + 2) * eps * sum|terms|.
 *
 * Built against the library *sources* (the tables are hidden in the shared library):
 * tests/test_sanitizers.py (ASan + UBSan, and -O2) and tests/c/CMakeLists.txt in a
 * standalone build with FASTCONV_BUILD_TESTS.  By hand on x86-64, from the repository root:
 *   F="-std=gnu99 -O2 -fopenmp -Isrc/include -Isrc -DFC_HAVE_AVX2=1 -DFC_HAVE_AVX512=1"
 *   gcc $F -c src/[a-z]*.c src/kernels/kernels_baseline.c src/kernels/kernel_info.c tests/c/test_microkernels.c
 *   gcc $F -mavx2 -mfma -c src/kernels/kernels_avx2.c
 *   gcc $F -mavx512f -mavx2 -mfma -c src/kernels/kernels_avx512.c
 *   gcc $F *.o -lm -lpthread -o test_microkernels && ./test_microkernels
 * Prints one line per failing case on stderr, a summary ("N passed, M failed") last on
 * stdout; exits 0 only if every case passes.  MICROKERNELS_TRACE=1 names each case on
 * stderr before it runs (to place a sanitizer report). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "winograd/wg.h"

#if defined(__x86_64__) || defined(__i386__)
#  include <xmmintrin.h> /* _mm_sfence after non-temporal stores */
#  define MK_SFENCE() _mm_sfence()
#else
#  define MK_SFENCE() ((void)0)
#endif

static long n_pass, n_fail;
static char cur[64] = "?"; /* "<isa> <dtype>" of the tables under test */
static int trace;

#define EXPECT(cond, ...)                                                                 \
    do {                                                                                  \
        if (cond) {                                                                       \
            ++n_pass;                                                                     \
        } else {                                                                          \
            ++n_fail;                                                                     \
            fprintf(stderr, "FAIL [%s] %s:%d: ", cur, __FILE__, __LINE__);                \
            fprintf(stderr, __VA_ARGS__);                                                 \
            fprintf(stderr, "\n");                                                        \
        }                                                                                 \
    } while (0)

/* How the kernels of the ISA under test round one multiply-add of a chain. */
enum { MODEL_UNKNOWN = 0, MODEL_FMA = 1, MODEL_MULADD = 2 };
static int model;

/* ------------------------------------------------------------------ helpers */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_bits(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 11; /* 53 bits */
}

/* uniform in [-1, 1) with 24 significant bits (exact in float) or 53 (double) */
static float rand24(void) { return (float)((double)(int64_t)(next_bits() >> 29) / 8388608.0 - 1.0); }
static double rand53(void) { return (double)(int64_t)next_bits() / 4503599627370496.0 - 1.0; }

/* exactly n bytes (at least 1): AddressSanitizer reports any access past them */
static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "test_microkernels: out of memory\n");
        exit(2);
    }
    return p;
}

/* exactly n bytes at a 64-byte boundary (the rows of a streamed tile must be aligned) */
static void *xmalloc_aligned(size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, FC_ALIGN, n ? n : 1) != 0) {
        fprintf(stderr, "test_microkernels: out of memory\n");
        exit(2);
    }
    return p;
}

static void trace_case(const char *what)
{
    if (trace) fprintf(stderr, "[%s] %s\n", cur, what);
}

/* tap offsets of a 3-wide kernel on rows q apart, from base: off[t] = base + t%3 + (t/3)*q
 * (q = 10, base = 1: 1 2 3 11 12 13 21 22 23); returns the largest */
static int64_t make_offsets(int T, int64_t q, int64_t base, int64_t *off)
{
    int64_t mx = 0;
    for (int t = 0; t < T; ++t) {
        off[t] = base + t % 3 + (t / 3) * q;
        if (off[t] > mx) mx = off[t];
    }
    return mx;
}

/* the value of "name=" in a fc_kernel_tiles line, -1 if absent */
static int tile_field(const char *line, const char *name)
{
    const size_t n = strlen(name);
    for (const char *p = line; p && *p; p = strchr(p, ' ')) {
        while (*p == ' ') ++p;
        if (strncmp(p, name, n) == 0 && p[n] == '=') return atoi(p + n + 1);
    }
    return -1;
}

/* ------------------------------------------------------------------ the per-type tests */

#define MK_CAT_(a, b) a##_##b
#define MK_CAT(a, b) MK_CAT_(a, b)

#define MK_T float
#define MK_SUF f32
#define MK_EPS 0x1p-24L
#define MK_RAND() rand24()
#define MK_FMA(a, b, c) fmaf((a), (b), (c))
#include "microkernel_cases.h"
#undef MK_T
#undef MK_SUF
#undef MK_EPS
#undef MK_RAND
#undef MK_FMA

#define MK_T double
#define MK_SUF f64
#define MK_EPS 0x1p-53L
#define MK_RAND() rand53()
#define MK_FMA(a, b, c) fma((a), (b), (c))
#include "microkernel_cases.h"

/* ------------------------------------------------------------------ fc_kernel_tiles */

static void test_tiles_api(void)
{
    snprintf(cur, sizeof cur, "fc_kernel_tiles");
    char line[320];
    EXPECT(fc_kernel_tiles(NULL, 4, line, sizeof line) == FC_EINVAL, "NULL isa");
    EXPECT(fc_kernel_tiles("baseline", 4, NULL, 64) == FC_EINVAL, "NULL buf");
    EXPECT(fc_kernel_tiles("baseline", 4, line, 0) == FC_EINVAL, "n = 0");
    EXPECT(fc_kernel_tiles("baseline", 2, line, sizeof line) == FC_EINVAL, "elem_bytes 2");
    EXPECT(fc_kernel_tiles("sse4", 4, line, sizeof line) == FC_EINVAL, "unknown isa");
    EXPECT(fc_kernel_tiles("AVX2", 4, line, sizeof line) == FC_EINVAL, "names are lower case");
#if !FC_HAVE_AVX512
    EXPECT(fc_kernel_tiles("avx512", 4, line, sizeof line) == FC_EUNSUPPORTED, "avx512 not compiled");
#endif
    /* a buffer one byte short of the line (exact size: ASan catches a write past it)
     * is rejected and left holding ""; one of exactly the line's size is enough */
    EXPECT(fc_kernel_tiles("baseline", 8, line, sizeof line) == FC_OK, "baseline f64");
    const size_t len = strlen(line);
    char *exact = xmalloc(len + 1);
    EXPECT(fc_kernel_tiles("baseline", 8, exact, len) == FC_EINVAL && exact[0] == '\0',
           "a %zu-byte buffer for a %zu-character line", len, len);
    EXPECT(fc_kernel_tiles("baseline", 8, exact, len + 1) == FC_OK && strcmp(exact, line) == 0,
           "a buffer of exactly the line's size");
    free(exact);
    snprintf(cur, sizeof cur, "baseline tiles");
    check_tiles_f32(&fc_kernels_f32_baseline, "baseline");
    check_tiles_f64(&fc_kernels_f64_baseline, "baseline");
    EXPECT(fc_kernels_f32_baseline.vl == 2 * fc_kernels_f64_baseline.vl, "f32 lanes, f64 lanes");
#if FC_HAVE_AVX2
    snprintf(cur, sizeof cur, "avx2 tiles");
    check_tiles_f32(&fc_kernels_f32_avx2, "avx2");
    check_tiles_f64(&fc_kernels_f64_avx2, "avx2");
    EXPECT(fc_kernels_f32_avx2.vl == 2 * fc_kernels_f64_avx2.vl, "f32 lanes, f64 lanes");
#endif
#if FC_HAVE_AVX512
    snprintf(cur, sizeof cur, "avx512 tiles");
    check_tiles_f32(&fc_kernels_f32_avx512, "avx512");
    check_tiles_f64(&fc_kernels_f64_avx512, "avx512");
    EXPECT(fc_kernels_f32_avx512.vl == 2 * fc_kernels_f64_avx512.vl, "f32 lanes, f64 lanes");
#endif
}

/* ------------------------------------------------------------------ Winograd staging */

/* The weight gradient's staging transpose (src/winograd/wg.h, stage): d[px*nr + l] =
 * s[l*ps + px] for px < n, l < nr, at n around the vector width and the transpose's
 * L x L blocks (0, 1, L - 1, L, L + 1, 2L + 3, 37), with s exactly (nr - 1)*ps + n
 * elements and d exactly n*nr: a move, so bit for bit. */
#define MK_WG_STAGE(T, SUF, KT, RAND)                                                      \
    static void test_wg_stage_##SUF(const KT *k)                                          \
    {                                                                                     \
        const int L = k->lanes, nr = k->nv * k->lanes;                                    \
        const int64_t ns[] = {0, 1, L - 1, L, L + 1, 2 * L + 3, 37};                      \
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; ++i) {                           \
            const int64_t n = ns[i], ps = n + 5, ns_ = (nr - 1) * ps + n;                 \
            T *src = xmalloc(sizeof(T) * (size_t)ns_), *d = xmalloc(sizeof(T) * (size_t)(n * nr)); \
            for (int64_t e = 0; e < ns_; ++e) src[e] = RAND();                            \
            trace_case("wg stage");                                                       \
            k->stage(src, ps, n, d);                                                      \
            int bad = 0;                                                                  \
            for (int64_t px = 0; px < n; ++px)                                            \
                for (int l = 0; l < nr; ++l) bad += d[px * nr + l] != src[l * ps + px];   \
            EXPECT(bad == 0, "wg stage n=%lld nr=%d: %d elements differ", (long long)n, nr, bad); \
            free(src);                                                                    \
            free(d);                                                                      \
        }                                                                                 \
    }
MK_WG_STAGE(float, f32, fc_wg_kernels_f32, rand24)
MK_WG_STAGE(double, f64, fc_wg_kernels_f64, rand53)

/* ------------------------------------------------------------------ ISAs */

typedef struct isa_entry {
    const char *name;
    const fc_kernels_f32 *k32;
    const fc_kernels_f64 *k64;
    int model;
    const fc_wg_kernels_f32 *wg32;
    const fc_wg_kernels_f64 *wg64;
} isa_entry;

/* the CPU runs this ISA's kernels (the checks of src/runtime.c: AVX-512 kernels also
 * use AVX2 and FMA instructions) */
static int cpu_runs(const char *isa)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    __builtin_cpu_init();
    if (strcmp(isa, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (strcmp(isa, "avx512") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma");
#endif
    return strcmp(isa, "baseline") == 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* the lines so far survive a crash */
    trace = getenv("MICROKERNELS_TRACE") != NULL;
    /* The baseline kernels are GCC vector code without FMA: on x86-64 without -mfma the
     * compiler has no fused instruction to contract a*b + c into, so each product is
     * rounded, then added. */
#if defined(__x86_64__) && !defined(__FMA__)
    const int base_model = MODEL_MULADD;
#else
    const int base_model = MODEL_UNKNOWN;
#endif
    const isa_entry isas[] = {
        {"baseline", &fc_kernels_f32_baseline, &fc_kernels_f64_baseline, base_model, &fc_wg_kernels_f32_baseline,
         &fc_wg_kernels_f64_baseline},
#if FC_HAVE_AVX2
        {"avx2", &fc_kernels_f32_avx2, &fc_kernels_f64_avx2, MODEL_FMA, &fc_wg_kernels_f32_avx2, &fc_wg_kernels_f64_avx2},
#endif
#if FC_HAVE_AVX512
        {"avx512", &fc_kernels_f32_avx512, &fc_kernels_f64_avx512, MODEL_FMA, &fc_wg_kernels_f32_avx512,
         &fc_wg_kernels_f64_avx512},
#endif
    };
    test_tiles_api();
    printf("microkernels [fc_kernel_tiles]: %ld passed, %ld failed\n", n_pass, n_fail);
    for (size_t i = 0; i < sizeof isas / sizeof isas[0]; ++i) {
        if (!cpu_runs(isas[i].name)) {
            printf("microkernels [%s]: skipped, this CPU cannot run its instructions\n", isas[i].name);
            continue;
        }
        model = isas[i].model;
        long pass0 = n_pass, fail0 = n_fail;
        snprintf(cur, sizeof cur, "%s f32", isas[i].name);
        test_table_f32(isas[i].k32);
        test_wg_stage_f32(isas[i].wg32);
        printf("microkernels [%s]: %ld passed, %ld failed%s\n", cur, n_pass - pass0, n_fail - fail0,
               model ? "" : " (rounding not known: compared within a bound)");
        pass0 = n_pass;
        fail0 = n_fail;
        snprintf(cur, sizeof cur, "%s f64", isas[i].name);
        test_table_f64(isas[i].k64);
        test_wg_stage_f64(isas[i].wg64);
        printf("microkernels [%s]: %ld passed, %ld failed%s\n", cur, n_pass - pass0, n_fail - fail0,
               model ? "" : " (rounding not known: compared within a bound)");
    }
    printf("microkernels: %ld passed, %ld failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
