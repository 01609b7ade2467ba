/* The FFT's butterflies and real-sequence untangling, written once over lanes and
 * compiled per ISA (fft_kern_{baseline,avx2,avx512}.c, each with its own flags) for
 * FC_T with suffix FC_SUFFIX.  Every inner loop runs over L consecutive lanes with the
 * same constants, so the compiler turns it into the ISA's vectors; the contracts are in
 * fft.h. */
#include <string.h>

#define FK_CAT_(a, b) a##_##b
#define FK_CAT(a, b) FK_CAT_(a, b)
#define FK(name) FK_CAT(name, FC_SUFFIX)
/* Lanes never overlap between a kernel's inputs and outputs (fft.h); GCC does not
 * vectorise these loops from restrict pointers offset from one parameter, but does
 * with ivdep. */
#define FK_R
#define FK_LOOP _Pragma("GCC ivdep") for (int64_t b = 0; b < L; ++b)

/* The twiddle of output k of one call in locals c_k, s_k (1, 0 where tw is NULL), read
 * before the lane loop so that the compiler vectorises it. */
#define FK_TW(k)                                                  \
    const FC_T c##k = twr ? twr[(k) - 1] : (FC_T)1;               \
    const FC_T s##k = twr ? sign * twi[(k) - 1] : (FC_T)0;
/* y_k *= tw_k (k >= 1): (yr + i yi)(c + i sign s) */
#define FK_TWID(k, vr, vi)                                        \
    do {                                                          \
        const FC_T r_ = (vr) * c##k - (vi) * s##k;                \
        (vi) = (vr) * s##k + (vi) * c##k;                         \
        (vr) = r_;                                                \
    } while (0)
static void FK(bfly2)(int64_t L, const FC_T *xr, const FC_T *xi, int64_t is, FC_T *yr, FC_T *yi, int64_t os,
                      const FC_T *twr, const FC_T *twi, FC_T sign)
{
    FK_TW(1)
    const FC_T *FK_R x0r = xr, *FK_R x0i = xi, *FK_R x1r = xr + is, *FK_R x1i = xi + is;
    FC_T *FK_R y0r = yr, *FK_R y0i = yi, *FK_R y1r = yr + os, *FK_R y1i = yi + os;
    FK_LOOP {
        FC_T dr = x0r[b] - x1r[b], di = x0i[b] - x1i[b];
        y0r[b] = x0r[b] + x1r[b];
        y0i[b] = x0i[b] + x1i[b];
        FK_TWID(1, dr, di);
        y1r[b] = dr;
        y1i[b] = di;
    }
}

/* Pointers of input j and output k: xjr = xr + j*is, ykr = yr + k*os. */
#define FK_IN(j) const FC_T *FK_R x##j##r = xr + (j) * is, *FK_R x##j##i = xi + (j) * is;
#define FK_OUT(k) FC_T *FK_R y##k##r = yr + (k) * os, *FK_R y##k##i = yi + (k) * os;

/* y1 = a0 - (a1+a2)/2 + i sign sqrt(3)/2 (a1-a2), y2 the conjugate twin */
static void FK(bfly3)(int64_t L, const FC_T *xr, const FC_T *xi, int64_t is, FC_T *yr, FC_T *yi, int64_t os,
                      const FC_T *twr, const FC_T *twi, FC_T sign)
{
    const FC_T h = (FC_T)0.86602540378443864676 * sign;
    FK_TW(1) FK_TW(2)
    FK_IN(0) FK_IN(1) FK_IN(2) FK_OUT(0) FK_OUT(1) FK_OUT(2)
    FK_LOOP {
        const FC_T a0r = x0r[b], a0i = x0i[b];
        const FC_T tr = x1r[b] + x2r[b], ti = x1i[b] + x2i[b];
        const FC_T dr = (x1r[b] - x2r[b]) * h, di = (x1i[b] - x2i[b]) * h;
        const FC_T mr = a0r - (FC_T)0.5 * tr, mi = a0i - (FC_T)0.5 * ti;
        FC_T v1r = mr - di, v1i = mi + dr, v2r = mr + di, v2i = mi - dr;
        FK_TWID(1, v1r, v1i);
        FK_TWID(2, v2r, v2i);
        y0r[b] = a0r + tr;
        y0i[b] = a0i + ti;
        y1r[b] = v1r;
        y1i[b] = v1i;
        y2r[b] = v2r;
        y2i[b] = v2i;
    }
}

/* y1 = (a0-a2) + i sign (a1-a3), y3 = (a0-a2) - i sign (a1-a3) */
static void FK(bfly4)(int64_t L, const FC_T *xr, const FC_T *xi, int64_t is, FC_T *yr, FC_T *yi, int64_t os,
                      const FC_T *twr, const FC_T *twi, FC_T sign)
{
    FK_TW(1) FK_TW(2) FK_TW(3)
    FK_IN(0) FK_IN(1) FK_IN(2) FK_IN(3) FK_OUT(0) FK_OUT(1) FK_OUT(2) FK_OUT(3)
    FK_LOOP {
        const FC_T t0r = x0r[b] + x2r[b], t0i = x0i[b] + x2i[b];
        const FC_T t1r = x0r[b] - x2r[b], t1i = x0i[b] - x2i[b];
        const FC_T t2r = x1r[b] + x3r[b], t2i = x1i[b] + x3i[b];
        const FC_T dr = (x1r[b] - x3r[b]) * sign, di = (x1i[b] - x3i[b]) * sign;
        /* i sign d = -sign di + i sign dr */
        FC_T v1r = t1r - di, v1i = t1i + dr, v2r = t0r - t2r, v2i = t0i - t2i;
        FC_T v3r = t1r + di, v3i = t1i - dr;
        FK_TWID(1, v1r, v1i);
        FK_TWID(2, v2r, v2i);
        FK_TWID(3, v3r, v3i);
        y0r[b] = t0r + t2r;
        y0i[b] = t0i + t2i;
        y1r[b] = v1r;
        y1i[b] = v1i;
        y2r[b] = v2r;
        y2i[b] = v2i;
        y3r[b] = v3r;
        y3i[b] = v3i;
    }
}

/* t1 = a1+a4, t2 = a2+a3, d1 = a1-a4, d2 = a2-a3; y1,4 = a0 + c1 t1 + c2 t2 +- i sign
 * (s1 d1 + s2 d2); y2,3 = a0 + c2 t1 + c1 t2 +- i sign (s2 d1 - s1 d2) */
static void FK(bfly5)(int64_t L, const FC_T *xr, const FC_T *xi, int64_t is, FC_T *yr, FC_T *yi, int64_t os,
                      const FC_T *twr, const FC_T *twi, FC_T sign)
{
    const FC_T k1 = (FC_T)0.30901699437494742410, k2 = (FC_T)-0.80901699437494742410;
    const FC_T q1 = (FC_T)0.95105651629515357212 * sign, q2 = (FC_T)0.58778525229247312917 * sign;
    FK_TW(1) FK_TW(2) FK_TW(3) FK_TW(4)
    FK_IN(0) FK_IN(1) FK_IN(2) FK_IN(3) FK_IN(4) FK_OUT(0) FK_OUT(1) FK_OUT(2) FK_OUT(3) FK_OUT(4)
    FK_LOOP {
        const FC_T a0r = x0r[b], a0i = x0i[b];
        const FC_T t1r = x1r[b] + x4r[b], t1i = x1i[b] + x4i[b];
        const FC_T t2r = x2r[b] + x3r[b], t2i = x2i[b] + x3i[b];
        const FC_T d1r = x1r[b] - x4r[b], d1i = x1i[b] - x4i[b];
        const FC_T d2r = x2r[b] - x3r[b], d2i = x2i[b] - x3i[b];
        const FC_T b1r = a0r + k1 * t1r + k2 * t2r, b1i = a0i + k1 * t1i + k2 * t2i;
        const FC_T b2r = a0r + k2 * t1r + k1 * t2r, b2i = a0i + k2 * t1i + k1 * t2i;
        const FC_T e1r = q1 * d1r + q2 * d2r, e1i = q1 * d1i + q2 * d2i;
        const FC_T e2r = q2 * d1r - q1 * d2r, e2i = q2 * d1i - q1 * d2i;
        /* i e = -ei + i er (sign is inside q1, q2) */
        FC_T v1r = b1r - e1i, v1i = b1i + e1r, v4r = b1r + e1i, v4i = b1i - e1r;
        FC_T v2r = b2r - e2i, v2i = b2i + e2r, v3r = b2r + e2i, v3i = b2i - e2r;
        FK_TWID(1, v1r, v1i);
        FK_TWID(2, v2r, v2i);
        FK_TWID(3, v3r, v3i);
        FK_TWID(4, v4r, v4i);
        y0r[b] = a0r + t1r + t2r;
        y0i[b] = a0i + t1i + t2i;
        y1r[b] = v1r;
        y1i[b] = v1i;
        y2r[b] = v2r;
        y2i[b] = v2i;
        y3r[b] = v3r;
        y3i[b] = v3i;
        y4r[b] = v4r;
        y4i[b] = v4i;
    }
}

/* X_k = E + W^k O with E = (Z_k + conj Z_h-k)/2, O = (Z_k - conj Z_h-k)/(2i), W = e^(-2 pi i/n)
 * (indices of Z mod h: X_0 = Re Z_0 + Im Z_0, X_h = Re Z_0 - Im Z_0). */
static void FK(rpost)(int64_t h, int64_t L, const FC_T *FK_R zr, const FC_T *FK_R zi, FC_T *FK_R xr,
                      FC_T *FK_R xi, const FC_T *wr, const FC_T *wi)
{
    for (int64_t k = 0; k <= h; ++k) {
        const int64_t a = (k == h ? 0 : k) * L, m = (k == 0 ? 0 : h - k) * L;
        const FC_T c = wr[k], s = wi[k];
        FC_T *FK_R outr = xr + k * L, *FK_R outi = xi + k * L;
        FK_LOOP {
            const FC_T er = (FC_T)0.5 * (zr[a + b] + zr[m + b]), ei = (FC_T)0.5 * (zi[a + b] - zi[m + b]);
            const FC_T o_r = (FC_T)0.5 * (zi[a + b] + zi[m + b]), o_i = (FC_T)-0.5 * (zr[a + b] - zr[m + b]);
            outr[b] = er + c * o_r + s * o_i;
            outi[b] = ei + c * o_i - s * o_r;
        }
    }
}

/* Z_k = 2(E + i O) with E = (X_k + conj X_h-k)/2, O = W^-k (X_k - conj X_h-k)/2 (the
 * factor 2 makes the inverse of length h carry the 1/n of the real length); Z_0 from the
 * real parts of X_0 and X_h only. */
static void FK(rpre)(int64_t h, int64_t L, const FC_T *FK_R xr, const FC_T *FK_R xi, FC_T *FK_R zr,
                     FC_T *FK_R zi, const FC_T *wr, const FC_T *wi)
{
    FK_LOOP {
        zr[b] = (xr[b] + xr[h * L + b]);
        zi[b] = (xr[b] - xr[h * L + b]);
    }
    for (int64_t k = 1; k < h; ++k) {
        const int64_t a = k * L, m = (h - k) * L;
        const FC_T c = wr[k], s = wi[k];
        FC_T *FK_R outr = zr + k * L, *FK_R outi = zi + k * L;
        FK_LOOP {
            const FC_T er = (xr[a + b] + xr[m + b]), ei = (xi[a + b] - xi[m + b]);
            const FC_T dr = (xr[a + b] - xr[m + b]), di = (xi[a + b] + xi[m + b]);
            outr[b] = er - (c * di + s * dr);
            outi[b] = ei + (c * dr - s * di);
        }
    }
}

static void FK(cmul)(int64_t L, FC_T *FK_R ar, FC_T *FK_R ai, const FC_T *FK_R br, const FC_T *FK_R bi)
{
    FK_LOOP {
        const FC_T r = ar[b] * br[b] - ai[b] * bi[b];
        ai[b] = ar[b] * bi[b] + ai[b] * br[b];
        ar[b] = r;
    }
}

/* cos(x+y) = cx cy - sx sy, sin(x+y) = sx cy + cx sy */
static void FK(tw4)(int64_t n2, int64_t Lg, int64_t G, const FC_T *hc, const FC_T *hs, const FC_T *lc,
                    const FC_T *ls, FC_T *FK_R tr, FC_T *FK_R ti)
{
    for (int64_t j2 = 0; j2 < n2; ++j2) {
        const FC_T c = hc[j2], s = hs[j2];
        const FC_T *FK_R pc = lc + j2 * G, *FK_R ps = ls + j2 * G;
        FC_T *FK_R orr = tr + j2 * Lg, *FK_R oi = ti + j2 * Lg;
        const int64_t L = Lg;
        FK_LOOP {
            orr[b] = c * pc[b] - s * ps[b];
            oi[b] = s * pc[b] + c * ps[b];
        }
    }
}

/* Rows to lanes and back.  With GCC and groups of whole vectors of FC_VL rows (64
 * bytes of lanes each), blocks of FC_VL x FC_VL are transposed in registers: log2(FC_VL)
 * rounds, round s swapping the off-diagonal s x s blocks of every 2s x 2s block (row i
 * element c with bit s set <-> row i+s element c-s); otherwise, and for the n2 % FC_VL
 * last columns, element by element (the lane loop reads one column of Lg rows). */
#if defined(__GNUC__) && !defined(__clang__) && defined(FC_VL)
#define FK_VEC 1
typedef FC_T FK(vec) __attribute__((vector_size(64), aligned(sizeof(FC_T))));
#if FC_VL == 16
typedef int32_t FK(ivec) __attribute__((vector_size(64)));
#else
typedef int64_t FK(ivec) __attribute__((vector_size(64)));
#endif
#define FK_LO(c, s) (((c) & (s)) ? FC_VL + (c) - (s) : (c))
#define FK_HI(c, s) (((c) & (s)) ? FC_VL + (c) : (c) + (s))
#if FC_VL == 16
#define FK_MASK(F, s)                                                                                   \
    {F(0, s), F(1, s), F(2, s), F(3, s), F(4, s), F(5, s), F(6, s), F(7, s), F(8, s), F(9, s), F(10, s), \
     F(11, s), F(12, s), F(13, s), F(14, s), F(15, s)}
#else
#define FK_MASK(F, s) {F(0, s), F(1, s), F(2, s), F(3, s), F(4, s), F(5, s), F(6, s), F(7, s)}
#endif
#define FK_ROUND(s)                                                                   \
    do {                                                                              \
        const FK(ivec) lo = FK_MASK(FK_LO, s), hi = FK_MASK(FK_HI, s);                \
        _Pragma("GCC unroll 16") for (int i = 0; i < FC_VL; ++i) if (!(i & (s))) {    \
            const FK(vec) a = r[i], b = r[i + (s)];                                   \
            r[i] = __builtin_shuffle(a, b, lo);                                       \
            r[i + (s)] = __builtin_shuffle(a, b, hi);                                 \
        }                                                                             \
    } while (0)
static inline void FK(transpose)(FK(vec) *r)
{
#if FC_VL == 16
    FK_ROUND(8);
#endif
    FK_ROUND(4);
    FK_ROUND(2);
    FK_ROUND(1);
}
/* unaligned loads and stores (no vector passed by value: the ABI differs by ISA) */
#define FK_LD(v, p) memcpy(&(v), (p), sizeof(v))
#define FK_ST(p, v) memcpy((p), &(v), sizeof(v))
#else
#define FK_VEC 0
#endif

static void FK(gtw)(int64_t n2, int64_t Lg, const FC_T *ar, const FC_T *ai, int64_t lda, const FC_T *tr,
                    const FC_T *ti, FC_T *FK_R zr, FC_T *FK_R zi)
{
    const int64_t L = Lg;
    int64_t j0 = 0;
#if FK_VEC
    if (Lg % FC_VL == 0)
        for (; j0 + FC_VL <= n2; j0 += FC_VL)
            for (int64_t rb = 0; rb < Lg; rb += FC_VL) {
            FK(vec) r[FC_VL], q[FC_VL];
            for (int b = 0; b < FC_VL; ++b) {
                FK_LD(r[b], ar + (rb + b) * lda + j0);
                FK_LD(q[b], ai + (rb + b) * lda + j0);
            }
            FK(transpose)(r);
            FK(transpose)(q);
            for (int c = 0; c < FC_VL; ++c) {
                const int64_t t = (j0 + c) * Lg + rb;
                FK(vec) cr, ci;
                FK_LD(cr, tr + t);
                FK_LD(ci, ti + t);
                const FK(vec) vr = r[c] * cr + q[c] * ci, vi = q[c] * cr - r[c] * ci;
                FK_ST(zr + t, vr);
                FK_ST(zi + t, vi);
            }
        }
#endif
    for (int64_t j2 = j0; j2 < n2; ++j2) {
        const FC_T *FK_R c = tr + j2 * Lg, *FK_R s = ti + j2 * Lg;
        FC_T *FK_R orr = zr + j2 * Lg, *FK_R oi = zi + j2 * Lg;
        FK_LOOP {
            const FC_T xr = ar[b * lda + j2], xi = ai[b * lda + j2];
            orr[b] = xr * c[b] + xi * s[b];
            oi[b] = xi * c[b] - xr * s[b];
        }
    }
}

static void FK(stw)(int64_t n2, int64_t Lg, const FC_T *zr, const FC_T *zi, const FC_T *tr, const FC_T *ti,
                    FC_T *ar, FC_T *ai, int64_t lda)
{
    const int64_t L = Lg;
    int64_t j0 = 0;
#if FK_VEC
    if (Lg % FC_VL == 0)
        for (; j0 + FC_VL <= n2; j0 += FC_VL)
            for (int64_t rb = 0; rb < Lg; rb += FC_VL) {
            FK(vec) r[FC_VL], q[FC_VL];
            for (int c = 0; c < FC_VL; ++c) {
                const int64_t t = (j0 + c) * Lg + rb;
                FK(vec) cr, ci, pr, pi;
                FK_LD(cr, tr + t);
                FK_LD(ci, ti + t);
                FK_LD(pr, zr + t);
                FK_LD(pi, zi + t);
                r[c] = pr * cr - pi * ci;
                q[c] = pi * cr + pr * ci;
            }
            FK(transpose)(r);
            FK(transpose)(q);
            for (int b = 0; b < FC_VL; ++b) {
                FK_ST(ar + (rb + b) * lda + j0, r[b]);
                FK_ST(ai + (rb + b) * lda + j0, q[b]);
            }
        }
#endif
    for (int64_t j2 = j0; j2 < n2; ++j2) {
        const FC_T *FK_R c = tr + j2 * Lg, *FK_R s = ti + j2 * Lg;
        const FC_T *FK_R pr = zr + j2 * Lg, *FK_R pi = zi + j2 * Lg;
        FK_LOOP {
            ar[b * lda + j2] = pr[b] * c[b] - pi[b] * s[b];
            ai[b * lda + j2] = pi[b] * c[b] + pr[b] * s[b];
        }
    }
}

#undef FK_VEC
#undef FK_LO
#undef FK_HI
#undef FK_MASK
#undef FK_ROUND
#undef FK_LD
#undef FK_ST

const FK_CAT(fc_fftk, FC_TYPESUF) FK_CAT(fc_fftk, FC_SUFFIX) = {
    .bfly = {NULL, NULL, FK(bfly2), FK(bfly3), FK(bfly4), FK(bfly5)},
    .rpost = FK(rpost),
    .rpre = FK(rpre),
    .cmul = FK(cmul),
    .tw4 = FK(tw4),
    .gtw = FK(gtw),
    .stw = FK(stw),
};

#undef FK_CAT_
#undef FK_CAT
#undef FK
#undef FK_R
#undef FK_LOOP
#undef FK_TWID
#undef FK_TW
#undef FK_IN
#undef FK_OUT
