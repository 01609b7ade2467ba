/* Memory bandwidth probe for the rooflines in ANALYSIS.md: STREAM-style copy (c = a) and
 * triad (a = b + s*c) over float64 arrays, median of 9 repetitions, on 1..T threads.
 *
 *   gcc -O2 -fopenmp -march=native benchmarks/stream.c -o /tmp/stream && /tmp/stream
 *
 * Sizes: 128 MB arrays (DRAM: far past any L3 of the machines this project runs on) and
 * 256 KB arrays (three of them fit a 1 MB L2 together: the L2 bandwidth).  Bytes counted
 * as STREAM counts them: copy moves 2 arrays, triad 3 (write-allocate traffic not
 * counted, so a core that reads a line before writing it moves 1.5x / 1.33x more). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median GB/s of `reps` timed passes (each pass `inner` sweeps) of copy or triad. */
static double run(double *a, double *b, double *c, long n, int triad, int threads, int inner)
{
    enum { REPS = 9 };
    double gbs[REPS];
    for (int r = 0; r < REPS; ++r) {
        const double t0 = omp_get_wtime();
        for (int k = 0; k < inner; ++k) {
#pragma omp parallel for num_threads(threads) schedule(static)
            for (long i = 0; i < n; ++i) {
                if (triad)
                    a[i] = b[i] + 3.0 * c[i];
                else
                    c[i] = a[i];
            }
        }
        const double dt = omp_get_wtime() - t0;
        gbs[r] = (double)inner * (triad ? 3.0 : 2.0) * 8.0 * (double)n / dt / 1e9;
    }
    qsort(gbs, REPS, sizeof gbs[0], cmp);
    return gbs[REPS / 2];
}

int main(void)
{
    const int maxt = omp_get_max_threads();
    const long sizes[2] = {128L << 20, 256L << 10}; /* bytes an array */
    const char *names[2] = {"DRAM (128 MB arrays)", "L2 (256 KB arrays)"};
    for (int s = 0; s < 2; ++s) {
        const long n = sizes[s] / 8;
        double *a = malloc(sizes[s]), *b = malloc(sizes[s]), *c = malloc(sizes[s]);
        if (!a || !b || !c)
            return 1;
        for (int t = 1; t <= maxt; ++t) {
            /* first touch by the same threads and schedule as the timed loops */
#pragma omp parallel for num_threads(t) schedule(static)
            for (long i = 0; i < n; ++i) {
                a[i] = 1.0;
                b[i] = 2.0;
                c[i] = 0.5;
            }
            /* small arrays: many sweeps a pass so one pass lasts well over a timer tick.
             * With t threads each core holds 1/t of the arrays: the L2 row is a per-core
             * figure only for t = 1 (with t > 1 it is the sum over cores). */
            const int inner = s == 0 ? 1 : 400;
            printf("%-22s threads %d: copy %6.1f GB/s, triad %6.1f GB/s\n", names[s], t,
                   run(a, b, c, n, 0, t, inner), run(a, b, c, n, 1, t, inner));
        }
        free(a);
        free(b);
        free(c);
    }
    return 0;
}
