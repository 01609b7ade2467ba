/*
 * peak.c -- measure the machine's FMA throughput peak (fastconv benchmarks).
 *
 * Standalone, no dependencies besides libc + pthreads; no -march flag needed:
 * the SIMD kernels are compiled with __attribute__((target(...))) and picked at
 * run time with __builtin_cpu_supports.
 *
 *     cc -O2 -pthread -o peak peak.c
 *     ./peak <fp32|fp64> <threads> <seconds> [reps] [auto|avx512|avx2|generic]
 *
 * Output: one line, the median GFLOP/s over `reps` repetitions first, then
 * details as key=value, e.g.
 *     131.52 GFLOP/s dtype=fp32 isa=avx512 threads=1 reps=5 min=130.90 max=131.80 seconds=1.00
 *
 * Every thread runs NACC independent FMA chains (acc = acc * m + c) on full
 * vector registers.  NACC covers FMA latency (4 cycles) x 2 FMA ports with
 * margin: 16 zmm accumulators for AVX-512 (32 registers), 12 ymm for AVX2
 * (16 registers, 2 hold the constants).  The chains converge to c/(1-m) so the
 * values stay normal (no denormal or overflow slowdowns).  One FMA = 2 flops.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PEAK_X86 1
#endif

/* A kernel runs `iters` iterations of its FMA block and returns a value that
 * depends on every accumulator (so the compiler cannot drop the work). */
typedef double (*kernel_fn)(long iters);

typedef struct {
    const char *isa;
    kernel_fn fn;
    double flops_per_iter;
} kernel_t;

#define REP4(X, b) X(b##0) X(b##1) X(b##2) X(b##3)

#ifdef PEAK_X86
/* ---------------------------------------------------------------- AVX-512 */
#define Z_DECL_PS(i) __m512 a##i = _mm512_set1_ps(0.5f + 0.01f * (float)(i));
#define Z_FMA_PS(i) a##i = _mm512_fmadd_ps(a##i, m, c);
#define Z_DECL_PD(i) __m512d a##i = _mm512_set1_pd(0.5 + 0.01 * (double)(i));
#define Z_FMA_PD(i) a##i = _mm512_fmadd_pd(a##i, m, c);
#define ACC16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) \
                 X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define ACC12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

__attribute__((target("avx512f"))) static double k_avx512_f32(long iters)
{
    const __m512 m = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(0.001f);
    ACC16(Z_DECL_PS)
    for (long it = 0; it < iters; ++it) {
        ACC16(Z_FMA_PS)
    }
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                             _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)),
                                       _mm512_add_ps(_mm512_add_ps(a12, a13), _mm512_add_ps(a14, a15))));
    float buf[16];
    _mm512_storeu_ps(buf, s);
    double r = 0.0;
    for (int i = 0; i < 16; ++i) r += buf[i];
    return r;
}

__attribute__((target("avx512f"))) static double k_avx512_f64(long iters)
{
    const __m512d m = _mm512_set1_pd(0.999), c = _mm512_set1_pd(0.001);
    ACC16(Z_DECL_PD)
    for (long it = 0; it < iters; ++it) {
        ACC16(Z_FMA_PD)
    }
    __m512d s = _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)),
                              _mm512_add_pd(_mm512_add_pd(a4, a5), _mm512_add_pd(a6, a7)));
    s = _mm512_add_pd(s, _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(a8, a9), _mm512_add_pd(a10, a11)),
                                       _mm512_add_pd(_mm512_add_pd(a12, a13), _mm512_add_pd(a14, a15))));
    double buf[8];
    _mm512_storeu_pd(buf, s);
    double r = 0.0;
    for (int i = 0; i < 8; ++i) r += buf[i];
    return r;
}

/* ------------------------------------------------------------ AVX2 + FMA */
#define Y_DECL_PS(i) __m256 a##i = _mm256_set1_ps(0.5f + 0.01f * (float)(i));
#define Y_FMA_PS(i) a##i = _mm256_fmadd_ps(a##i, m, c);
#define Y_DECL_PD(i) __m256d a##i = _mm256_set1_pd(0.5 + 0.01 * (double)(i));
#define Y_FMA_PD(i) a##i = _mm256_fmadd_pd(a##i, m, c);

__attribute__((target("avx2,fma"))) static double k_avx2_f32(long iters)
{
    const __m256 m = _mm256_set1_ps(0.999f), c = _mm256_set1_ps(0.001f);
    ACC12(Y_DECL_PS)
    for (long it = 0; it < iters; ++it) {
        ACC12(Y_FMA_PS)
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
    float buf[8];
    _mm256_storeu_ps(buf, s);
    double r = 0.0;
    for (int i = 0; i < 8; ++i) r += buf[i];
    return r;
}

__attribute__((target("avx2,fma"))) static double k_avx2_f64(long iters)
{
    const __m256d m = _mm256_set1_pd(0.999), c = _mm256_set1_pd(0.001);
    ACC12(Y_DECL_PD)
    for (long it = 0; it < iters; ++it) {
        ACC12(Y_FMA_PD)
    }
    __m256d s = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)),
                              _mm256_add_pd(_mm256_add_pd(a4, a5), _mm256_add_pd(a6, a7)));
    s = _mm256_add_pd(s, _mm256_add_pd(_mm256_add_pd(a8, a9), _mm256_add_pd(a10, a11)));
    double buf[4];
    _mm256_storeu_pd(buf, s);
    double r = 0.0;
    for (int i = 0; i < 4; ++i) r += buf[i];
    return r;
}
#endif /* PEAK_X86 */

/* --------------------------------------------- portable scalar fallback */
#define G_FMA(T, i) a##i = a##i * m + c;
#define GENERIC_KERNEL(name, T)                                                   \
    static double name(long iters)                                               \
    {                                                                            \
        const T m = (T)0.999, c = (T)0.001;                                      \
        T a0 = 0.50, a1 = 0.51, a2 = 0.52, a3 = 0.53, a4 = 0.54, a5 = 0.55,       \
          a6 = 0.56, a7 = 0.57, a8 = 0.58, a9 = 0.59, a10 = 0.60, a11 = 0.61;     \
        for (long it = 0; it < iters; ++it) {                                    \
            G_FMA(T, 0) G_FMA(T, 1) G_FMA(T, 2) G_FMA(T, 3) G_FMA(T, 4)           \
            G_FMA(T, 5) G_FMA(T, 6) G_FMA(T, 7) G_FMA(T, 8) G_FMA(T, 9)           \
            G_FMA(T, 10) G_FMA(T, 11)                                            \
        }                                                                        \
        return (double)(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11); \
    }
GENERIC_KERNEL(k_generic_f32, float)
GENERIC_KERNEL(k_generic_f64, double)

/* ----------------------------------------------------------- selection */
static int pick_kernel(const char *dtype, const char *isa, kernel_t *k)
{
    int f32 = strcmp(dtype, "fp32") == 0 || strcmp(dtype, "float32") == 0;
    int f64 = strcmp(dtype, "fp64") == 0 || strcmp(dtype, "float64") == 0;
    if (!f32 && !f64) {
        fprintf(stderr, "peak: unknown dtype '%s' (fp32 or fp64)\n", dtype);
        return -1;
    }
    int want_auto = strcmp(isa, "auto") == 0;
#ifdef PEAK_X86
    __builtin_cpu_init();
    int has512 = __builtin_cpu_supports("avx512f");
    int has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if ((want_auto && has512) || strcmp(isa, "avx512") == 0) {
        if (!has512) { fprintf(stderr, "peak: CPU lacks avx512f\n"); return -1; }
        k->isa = "avx512";
        k->fn = f32 ? k_avx512_f32 : k_avx512_f64;
        k->flops_per_iter = 2.0 * 16 * (f32 ? 16 : 8);
        return 0;
    }
    if ((want_auto && has2) || strcmp(isa, "avx2") == 0) {
        if (!has2) { fprintf(stderr, "peak: CPU lacks avx2+fma\n"); return -1; }
        k->isa = "avx2";
        k->fn = f32 ? k_avx2_f32 : k_avx2_f64;
        k->flops_per_iter = 2.0 * 12 * (f32 ? 8 : 4);
        return 0;
    }
#endif
    if (want_auto || strcmp(isa, "generic") == 0) {
        k->isa = "generic";
        k->fn = f32 ? k_generic_f32 : k_generic_f64;
        k->flops_per_iter = 2.0 * 12;
        return 0;
    }
    fprintf(stderr, "peak: unknown or unavailable isa '%s'\n", isa);
    return -1;
}

/* ------------------------------------------------------------- timing */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    const kernel_t *k;
    long iters;
    int reps;
    pthread_barrier_t *start, *end;
    volatile double sink;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = (worker_t *)arg;
    double s = 0.0;
    for (int r = 0; r < w->reps; ++r) {
        pthread_barrier_wait(w->start);
        s += w->k->fn(w->iters);
        pthread_barrier_wait(w->end);
    }
    w->sink = s;
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr,
                "usage: %s <fp32|fp64> <threads> <seconds> [reps=5] [auto|avx512|avx2|generic]\n",
                argv[0]);
        return 2;
    }
    const char *dtype = argv[1];
    int nthreads = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int reps = argc > 4 ? atoi(argv[4]) : 5;
    const char *isa = argc > 5 ? argv[5] : "auto";
    if (nthreads < 1 || nthreads > 4096 || !(seconds > 0.0) || reps < 1 || reps > 1000) {
        fprintf(stderr, "peak: bad arguments\n");
        return 2;
    }
    kernel_t k;
    if (pick_kernel(dtype, isa, &k) != 0) return 2;

    /* Calibrate on this thread: iterations for one repetition of seconds/reps. */
    volatile double sink = 0.0;
    long iters = 1 << 14;
    double dt = 0.0;
    sink += k.fn(iters); /* warm up (frequency ramp, page-in) */
    for (;;) {
        double t0 = now_s();
        sink += k.fn(iters);
        dt = now_s() - t0;
        if (dt > 0.02 || iters > (1L << 40)) break;
        iters *= 2;
    }
    double per_rep = seconds / reps;
    long rep_iters = (long)((double)iters * per_rep / dt);
    if (rep_iters < 1) rep_iters = 1;

    pthread_barrier_t start, end;
    pthread_barrier_init(&start, NULL, (unsigned)nthreads);
    pthread_barrier_init(&end, NULL, (unsigned)nthreads);
    worker_t *ws = calloc((size_t)nthreads, sizeof *ws);
    pthread_t *tids = calloc((size_t)nthreads, sizeof *tids);
    double *gf = calloc((size_t)reps, sizeof *gf);
    if (!ws || !tids || !gf) { fprintf(stderr, "peak: out of memory\n"); return 1; }
    for (int t = 0; t < nthreads; ++t) {
        ws[t].k = &k;
        ws[t].iters = rep_iters;
        ws[t].reps = reps;
        ws[t].start = &start;
        ws[t].end = &end;
    }
    for (int t = 1; t < nthreads; ++t) {
        if (pthread_create(&tids[t], NULL, worker_main, &ws[t]) != 0) {
            fprintf(stderr, "peak: pthread_create failed\n");
            return 1;
        }
    }
    /* The main thread is worker 0 and times each repetition: from the start
     * barrier until every thread has reached the end barrier. */
    double s = 0.0;
    for (int r = 0; r < reps; ++r) {
        pthread_barrier_wait(&start);
        double t0 = now_s();
        s += k.fn(rep_iters);
        pthread_barrier_wait(&end);
        double el = now_s() - t0;
        gf[r] = (double)nthreads * (double)rep_iters * k.flops_per_iter / el * 1e-9;
    }
    for (int t = 1; t < nthreads; ++t) pthread_join(tids[t], NULL);
    sink += s;

    qsort(gf, (size_t)reps, sizeof *gf, cmp_double);
    double med = (reps % 2) ? gf[reps / 2] : 0.5 * (gf[reps / 2 - 1] + gf[reps / 2]);
    printf("%.2f GFLOP/s dtype=%s isa=%s threads=%d reps=%d min=%.2f max=%.2f seconds=%.2f check=%g\n",
           med, (strcmp(dtype, "fp32") == 0 || strcmp(dtype, "float32") == 0) ? "fp32" : "fp64",
           k.isa, nthreads, reps, gf[0], gf[reps - 1], seconds, sink > 0 ? 1.0 : 0.0);
    pthread_barrier_destroy(&start);
    pthread_barrier_destroy(&end);
    free(ws);
    free(tids);
    free(gf);
    return 0;
}
