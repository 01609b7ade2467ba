/* FFT plans: the factorisation of each axis into radix stages, the twiddle tables, and
 * the lane blocking, as pure functions of the sizes, the element size and the ISA. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fft/fft.h"
#include "plan/tuning.h"

int fc_fft_size_ok(int64_t n)
{
    if (n < 1) return 0;
    static const int p[3] = {2, 3, 5};
    for (int i = 0; i < 3; ++i)
        while (n % p[i] == 0) n /= p[i];
    return n == 1;
}

/* The least 2^a * (3^b 5^c) >= n over every odd part 3^b 5^c < 2n (a >= 1 if even):
 * O(log^2 n), where scanning n, n+1, ... took ~0.1 ms near 2e6 (smooth numbers thin out;
 * 4% of a 2e6-sample 1-D call). */
int64_t fc_fft_good_size(int64_t n, int even)
{
    if (n < 1) n = 1;
    int64_t best = INT64_MAX;
    for (int64_t p5 = 1; p5 < 2 * n; p5 *= 5)
        for (int64_t p35 = p5; p35 < 2 * n; p35 *= 3) {
            int64_t c = even ? 2 * p35 : p35;
            while (c < n) c *= 2;
            if (c < best) best = c;
        }
    return best;
}

/* Stages of n: radix 4 while 4 divides, then 2, 3, 5 (n = 60: 4, 3, 5).  Radix 4 first
 * does most of the work in the fewest passes over memory.  r8: radix 8 before 4 (the
 * complex plans of the four-step transform; n = 160: 8, 4, 5). */
static int factor(int64_t n, fc_cfft *c, int r8)
{
    c->n = n;
    c->nst = 0;
    static const int order[5] = {8, 4, 2, 3, 5};
    for (int i = r8 ? 0 : 1; i < 5; ++i)
        while (n % order[i] == 0 && n > 1) {
            if (c->nst == FC_FFT_MAXST) return -1;
            c->radix[c->nst++] = order[i];
            n /= order[i];
        }
    return n == 1 ? 0 : -1;
}

/* Twiddle count of a complex transform: sum over stages of 2 * m * (r-1). */
static int64_t tw_count(const fc_cfft *c)
{
    int64_t s = 1, cnt = 0;
    for (int t = 0; t < c->nst; ++t) {
        const int64_t nt = c->n / s, m = nt / c->radix[t];
        cnt += 2 * m * (c->radix[t] - 1);
        s *= c->radix[t];
    }
    return cnt;
}

/* cos and sin of 2 pi a/b, with a reduced mod b first so that large p*k keep their
 * accuracy (computed in double whatever the element type). */
static void cis(int64_t a, int64_t b, double *c, double *s)
{
    const double ang = 2.0 * 3.14159265358979323846 * (double)(a % b) / (double)b;
    *c = cos(ang);
    *s = sin(ang);
}

static void put_tw(fc_fft_plan *pl, int64_t i, double v)
{
    if (pl->elem == 4)
        ((float *)pl->tw)[i] = (float)v;
    else
        ((double *)pl->tw)[i] = v;
}

static int64_t fill_cfft(fc_fft_plan *pl, fc_cfft *c, int64_t off)
{
    int64_t s = 1;
    for (int t = 0; t < c->nst; ++t) {
        const int r = c->radix[t];
        const int64_t nt = c->n / s, m = nt / r, cnt = m * (r - 1);
        c->twoff[t] = off;
        for (int64_t p = 0; p < m; ++p)
            for (int k = 1; k < r; ++k) {
                double cr, sr;
                cis(p * k, nt, &cr, &sr);
                put_tw(pl, off + p * (r - 1) + k - 1, cr);
                put_tw(pl, off + cnt + p * (r - 1) + k - 1, sr);
            }
        off += 2 * cnt;
        s *= r;
    }
    return off;
}

void fc_fft_plan_free(fc_fft_plan *pl)
{
    free(pl->tw);
    pl->tw = NULL;
}

/* Lanes of a non-last axis call: the four planes of n x chunk work (two ping-pong
 * buffers) stay within fft_axis_bytes; at least one vector of 64 bytes. */
static int64_t axis_chunk(int64_t nmax, int elem)
{
    const fc_tuning *tu = fc_tuning_get();
    const int64_t vec = 64 / elem;
    int64_t c = tu->fft_axis_bytes / (4 * nmax * elem);
    c = c / vec * vec;
    return c < vec ? vec : c;
}

/* cplx: every axis complex (the last one not halved), for fc_fft_plan_make_cplx. */
static fc_status plan_make(int ndim, const int64_t *n, int elem, int isa, int cplx, fc_fft_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    if (ndim < 1 || ndim > FC_FFT_MAXDIM || (elem != 4 && elem != 8)) return FC_EINVAL;
    pl->ndim = ndim;
    pl->elem = elem;
    pl->isa = isa;
    int64_t nmax = 1;
    for (int d = 0; d < ndim; ++d) {
        if (!fc_fft_size_ok(n[d])) return FC_EINVAL;
        pl->n[d] = n[d];
        const int last = d == ndim - 1;
        const int64_t len = last && !cplx && n[d] % 2 == 0 ? n[d] / 2 : n[d];
        if (factor(len, &pl->ax[d], cplx)) return FC_EINVAL;
        if (!last && n[d] > nmax) nmax = n[d];
    }
    const int64_t nl = n[ndim - 1];
    pl->m = nl / 2 + 1;
    pl->lanes = fc_tuning_get()->fft_row_lanes_bytes / elem;
    pl->chunk = axis_chunk(nmax, elem);
    int64_t cnt = 2 * (nl / 2 + 1);
    for (int d = 0; d < ndim; ++d) cnt += tw_count(&pl->ax[d]);
    pl->tw = malloc((size_t)cnt * (size_t)elem);
    if (!pl->tw) return FC_ENOMEM;
    pl->ntw = cnt;
    int64_t off = 0;
    for (int d = 0; d < ndim; ++d) off = fill_cfft(pl, &pl->ax[d], off);
    pl->rtw = off;
    for (int64_t k = 0; k <= nl / 2; ++k) {
        double cr, sr;
        cis(k, nl, &cr, &sr);
        put_tw(pl, off + k, cr);
        put_tw(pl, off + nl / 2 + 1 + k, sr);
    }
    /* rows: gathered input and output (2 planes of n x lanes each, n for odd lengths
     * where the whole complex sequence is kept), the spectrum (2 x m x lanes) and the
     * complex transform's ping-pong buffers (4 x n x lanes); an axis call: its input
     * and output copies and ping-pong buffers (6 x n x chunk) */
    const int64_t rows = (2 * nl + 2 * nl + 2 * pl->m + 4 * nl) * pl->lanes;
    const int64_t axis = 6 * nmax * pl->chunk;
    pl->work = rows > axis ? rows : axis;
    return FC_OK;
}

fc_status fc_fft_plan_make(int ndim, const int64_t *n, int elem, int isa, fc_fft_plan *pl)
{
    return plan_make(ndim, n, elem, isa, 0, pl);
}

fc_status fc_fft_plan_make_cplx(int ndim, const int64_t *n, int elem, int isa, fc_fft_plan *pl)
{
    return plan_make(ndim, n, elem, isa, 1, pl);
}

const fc_fftk_f32 *fc_fftk_for_f32(int isa)
{
    static const fc_fftk_f32 *const t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_fftk_f32);
    return t[fc_isa_best(isa)];
}

const fc_fftk_f64 *fc_fftk_for_f64(int isa)
{
    static const fc_fftk_f64 *const t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_fftk_f64);
    return t[fc_isa_best(isa)];
}
