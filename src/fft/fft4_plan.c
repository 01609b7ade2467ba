/* Plans of the four-step complex transform (fft.h: fc_fft4_plan): the split N = n1*n2,
 * the lane blocking, and the step-2 twiddle tables, as pure functions of N, the element
 * size and the ISA. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fft/fft.h"
#include "plan/tuning.h"

/* n2: the divisor of N nearest sqrt(N) (in log scale) among those leaving n1 = N/n2 a
 * multiple of G, or among all where none does (N = 16384, G = 8: 128; N = 24, G = 8:
 * 3, n1 = 8). */
static int64_t split(int64_t N, int64_t G)
{
    int64_t best = 0, best_any = 1;
    double db = 1e300, da = 1e300;
    const double half = 0.5 * log((double)N);
    for (int64_t e = 1; e * e <= N; ++e) {
        if (N % e) continue;
        for (int i = 0; i < 2; ++i) {
            const int64_t d = i ? N / e : e;
            const double dist = fabs(log((double)d) - half);
            if (dist < da) {
                da = dist;
                best_any = d;
            }
            if ((N / d) % G == 0 && dist < db) {
                db = dist;
                best = d;
            }
        }
    }
    return best ? best : best_any;
}

static void put(void *tw, int elem, int64_t i, double v)
{
    if (elem == 4)
        ((float *)tw)[i] = (float)v;
    else
        ((double *)tw)[i] = v;
}

/* cos and sin of 2 pi a/N with a reduced mod N first (exact integer reduction keeps
 * large products j2*k1 accurate). */
static void put_cis(void *tw, int elem, int64_t ic, int64_t is, int64_t a, int64_t N)
{
    const double ang = 2.0 * 3.14159265358979323846 * (double)(a % N) / (double)N;
    put(tw, elem, ic, cos(ang));
    put(tw, elem, is, sin(ang));
}

void fc_fft4_plan_free(fc_fft4_plan *p)
{
    fc_fft_plan_free(&p->cp);
    free(p->tw);
    p->tw = NULL;
}

fc_status fc_fft4_plan_make(int64_t N, int elem, int isa, fc_fft4_plan *p)
{
    memset(p, 0, sizeof *p);
    if ((elem != 4 && elem != 8) || !fc_fft_size_ok(N)) return FC_EINVAL;
    const fc_tuning *tu = fc_tuning_get();
    const int64_t vec = 64 / elem, grp = tu->fft_row4_bytes / elem;
    p->N = N;
    p->G = grp > 0 ? grp : 1;
    p->n2 = split(N, p->G);
    p->n1 = N / p->n2;
    if (p->G > p->n1) p->G = p->n1;
    p->ng = (p->n1 + p->G - 1) / p->G;
    /* C: columns of a call, n1 x C complex within fft_col_bytes, a multiple of the
     * vector, at least one vector, at most n2 */
    int64_t C = tu->fft_col_bytes / (2 * p->n1 * elem);
    C = C / vec * vec;
    if (C < vec) C = vec;
    p->C = C < p->n2 ? C : p->n2;
    const int64_t sz[2] = {p->n1, p->n2};
    fc_status st = fc_fft_plan_make_cplx(2, sz, elem, isa, &p->cp);
    if (st) return st;
    const int64_t nhi = p->ng * p->n2, nlo = p->n2 * p->G;
    p->tw = malloc((size_t)(2 * (nhi + nlo)) * (size_t)elem);
    if (!p->tw) {
        fc_fft_plan_free(&p->cp);
        return FC_ENOMEM;
    }
    for (int64_t g = 0; g < p->ng; ++g)
        for (int64_t j2 = 0; j2 < p->n2; ++j2) put_cis(p->tw, elem, g * p->n2 + j2, nhi + g * p->n2 + j2, j2 * g * p->G, N);
    for (int64_t j2 = 0; j2 < p->n2; ++j2)
        for (int64_t b = 0; b < p->G; ++b)
            put_cis(p->tw, elem, 2 * nhi + j2 * p->G + b, 2 * nhi + nlo + j2 * p->G + b, j2 * b, N);
    /* the column call's ping-pong buffers (4 n1 C); a row group's gathered data and
     * spectrum (4 n2 G), its twiddles (2 n2 G) and ping-pong buffers (4 n2 G) */
    const int64_t col = 4 * p->n1 * p->C, row = 10 * p->n2 * p->G;
    p->work = col > row ? col : row;
    return FC_OK;
}
