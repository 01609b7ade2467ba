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

/* Radix 8 as two radix-4 halves: E = DFT4(a0, a2, a4, a6), O = DFT4(a1, a3, a5, a7),
 * y_k = E_k + w^k O_k, y_k+4 = E_k - w^k O_k with w = e^(sign 2 pi i/8) (w^2 = i sign). */
#define FK_DFT4(p, q0, q1, q2, q3)                                                                   \
    const FC_T p##0r = x##q0##r[b] + x##q2##r[b], p##0i = x##q0##i[b] + x##q2##i[b];                 \
    const FC_T p##1r = x##q0##r[b] - x##q2##r[b], p##1i = x##q0##i[b] - x##q2##i[b];                 \
    const FC_T p##2r = x##q1##r[b] + x##q3##r[b], p##2i = x##q1##i[b] + x##q3##i[b];                 \
    const FC_T p##dr = (x##q1##r[b] - x##q3##r[b]) * sign, p##di = (x##q1##i[b] - x##q3##i[b]) * sign; \
    const FC_T p##Y0r = p##0r + p##2r, p##Y0i = p##0i + p##2i, p##Y2r = p##0r - p##2r;              \
    const FC_T p##Y2i = p##0i - p##2i, p##Y1r = p##1r - p##di, p##Y1i = p##1i + p##dr;               \
    const FC_T p##Y3r = p##1r + p##di, p##Y3i = p##1i - p##dr;
static void FK(bfly8)(int64_t L, const FC_T *xr, const FC_T *xi, int64_t is, FC_T *yr, FC_T *yi, int64_t os,
                      const FC_T *twr, const FC_T *twi, FC_T sign)
{
    const FC_T h = (FC_T)0.70710678118654752440;
    FK_TW(1) FK_TW(2) FK_TW(3) FK_TW(4) FK_TW(5) FK_TW(6) FK_TW(7)
    FK_IN(0) FK_IN(1) FK_IN(2) FK_IN(3) FK_IN(4) FK_IN(5) FK_IN(6) FK_IN(7)
    FK_OUT(0) FK_OUT(1) FK_OUT(2) FK_OUT(3) FK_OUT(4) FK_OUT(5) FK_OUT(6) FK_OUT(7)
    FK_LOOP {
        FK_DFT4(e, 0, 2, 4, 6)
        FK_DFT4(o, 1, 3, 5, 7)
        /* w O_1 = h ((x - sign y) + i (y + sign x)); w^2 O_2 = -sign y + i sign x;
         * w^3 O_3 = h ((-x - sign y) + i (-y + sign x)) */
        const FC_T w1r = h * (oY1r - sign * oY1i), w1i = h * (oY1i + sign * oY1r);
        const FC_T w2r = -sign * oY2i, w2i = sign * oY2r;
        const FC_T w3r = h * (-oY3r - sign * oY3i), w3i = h * (-oY3i + sign * oY3r);
        FC_T v1r = eY1r + w1r, v1i = eY1i + w1i, v5r = eY1r - w1r, v5i = eY1i - w1i;
        FC_T v2r = eY2r + w2r, v2i = eY2i + w2i, v6r = eY2r - w2r, v6i = eY2i - w2i;
        FC_T v3r = eY3r + w3r, v3i = eY3i + w3i, v7r = eY3r - w3r, v7i = eY3i - w3i;
        FC_T v4r = eY0r - oY0r, v4i = eY0i - oY0i;
        FK_TWID(1, v1r, v1i);
        FK_TWID(2, v2r, v2i);
        FK_TWID(3, v3r, v3i);
        FK_TWID(4, v4r, v4i);
        FK_TWID(5, v5r, v5i);
        FK_TWID(6, v6r, v6i);
        FK_TWID(7, v7r, v7i);
        y0r[b] = eY0r + oY0r;
        y0i[b] = eY0i + oY0i;
        y1r[b] = v1r;
        y1i[b] = v1i;
        y2r[b] = v2r;
        y2i[b] = v2i;
        y3r[b] = v3r;
        y3i[b] = v3i;
        y4r[b] = v4r;
        y4i[b] = v4i;
        y5r[b] = v5r;
        y5i[b] = v5i;
        y6r[b] = v6r;
        y6i[b] = v6i;
        y7r[b] = v7r;
        y7i[b] = v7i;
    }
}
#undef FK_DFT4

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
/* Named vector variables, never arrays, and loads through an element-aligned type (as
 * GCC's own _mm512_loadu does): no addressable 64-byte local, which AddressSanitizer's
 * use-after-return fake stack (32-byte aligned) could not hold. */
typedef FC_T FK(vec) __attribute__((vector_size(64)));
typedef FC_T FK(uvec) __attribute__((vector_size(64), aligned(sizeof(FC_T)), may_alias));
#define FK_LD(p) (*(const FK(uvec) *)(p))
#define FK_ST(p, v) (*(FK(uvec) *)(p) = (v))
#define FK_LO(c, s) (((c) & (s)) ? FC_VL + (c) - (s) : (c))
#define FK_HI(c, s) (((c) & (s)) ? FC_VL + (c) : (c) + (s))
#if FC_VL == 16
typedef int32_t FK(ivec) __attribute__((vector_size(64)));
#define FK_MASK(F, s)                                                                                   \
    {F(0, s), F(1, s), F(2, s), F(3, s), F(4, s), F(5, s), F(6, s), F(7, s), F(8, s), F(9, s), F(10, s), \
     F(11, s), F(12, s), F(13, s), F(14, s), F(15, s)}
#define FK_EACH(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#else
typedef int64_t FK(ivec) __attribute__((vector_size(64)));
#define FK_MASK(F, s) {F(0, s), F(1, s), F(2, s), F(3, s), F(4, s), F(5, s), F(6, s), F(7, s)}
#define FK_EACH(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)
#endif
/* one swap of round s between vectors i and j = i + s of the set named p */
#define FK_SW(p, i, j, s)                                          \
    do {                                                           \
        const FK(ivec) lo_ = FK_MASK(FK_LO, s), hi_ = FK_MASK(FK_HI, s); \
        const FK(vec) a_ = p##i, b_ = p##j;                        \
        p##i = __builtin_shuffle(a_, b_, lo_);                     \
        p##j = __builtin_shuffle(a_, b_, hi_);                     \
    } while (0)
#if FC_VL == 16
#define FK_TRANSPOSE(p)                                                                                      \
    do {                                                                                                     \
        FK_SW(p, 0, 8, 8); FK_SW(p, 1, 9, 8); FK_SW(p, 2, 10, 8); FK_SW(p, 3, 11, 8);                       \
        FK_SW(p, 4, 12, 8); FK_SW(p, 5, 13, 8); FK_SW(p, 6, 14, 8); FK_SW(p, 7, 15, 8);                     \
        FK_SW(p, 0, 4, 4); FK_SW(p, 1, 5, 4); FK_SW(p, 2, 6, 4); FK_SW(p, 3, 7, 4);                         \
        FK_SW(p, 8, 12, 4); FK_SW(p, 9, 13, 4); FK_SW(p, 10, 14, 4); FK_SW(p, 11, 15, 4);                   \
        FK_SW(p, 0, 2, 2); FK_SW(p, 1, 3, 2); FK_SW(p, 4, 6, 2); FK_SW(p, 5, 7, 2);                         \
        FK_SW(p, 8, 10, 2); FK_SW(p, 9, 11, 2); FK_SW(p, 12, 14, 2); FK_SW(p, 13, 15, 2);                   \
        FK_SW(p, 0, 1, 1); FK_SW(p, 2, 3, 1); FK_SW(p, 4, 5, 1); FK_SW(p, 6, 7, 1);                         \
        FK_SW(p, 8, 9, 1); FK_SW(p, 10, 11, 1); FK_SW(p, 12, 13, 1); FK_SW(p, 14, 15, 1);                   \
    } while (0)
#else
#define FK_TRANSPOSE(p)                                                                                      \
    do {                                                                                                     \
        FK_SW(p, 0, 4, 4); FK_SW(p, 1, 5, 4); FK_SW(p, 2, 6, 4); FK_SW(p, 3, 7, 4);                         \
        FK_SW(p, 0, 2, 2); FK_SW(p, 1, 3, 2); FK_SW(p, 4, 6, 2); FK_SW(p, 5, 7, 2);                         \
        FK_SW(p, 0, 1, 1); FK_SW(p, 2, 3, 1); FK_SW(p, 4, 5, 1); FK_SW(p, 6, 7, 1);                         \
    } while (0)
#endif
#define FK_DECL(i) FK(vec) r##i, q##i;
/* gtw: row rb+i of columns j0.. into r_i, q_i; after the transpose r_c is column j0+c */
#define FK_GLOAD(i)                                  \
    r##i = FK_LD(ar + (rb + (i)) * lda + j0);        \
    q##i = FK_LD(ai + (rb + (i)) * lda + j0);
#define FK_GSTORE(i)                                                                   \
    {                                                                                  \
        const int64_t t = (j0 + (i)) * Lg + rb;                                        \
        const FK(vec) cr = FK_LD(tr + t), ci = FK_LD(ti + t);                          \
        FK_ST(zr + t, r##i * cr + q##i * ci);                                          \
        FK_ST(zi + t, q##i * cr - r##i * ci);                                          \
    }
#define FK_SLOAD(i)                                                                    \
    {                                                                                  \
        const int64_t t = (j0 + (i)) * Lg + rb;                                        \
        const FK(vec) cr = FK_LD(tr + t), ci = FK_LD(ti + t);                          \
        const FK(vec) pr = FK_LD(zr + t), pi = FK_LD(zi + t);                          \
        r##i = pr * cr - pi * ci;                                                      \
        q##i = pi * cr + pr * ci;                                                      \
    }
#define FK_SSTORE(i)                                 \
    FK_ST(ar + (rb + (i)) * lda + j0, r##i);         \
    FK_ST(ai + (rb + (i)) * lda + j0, q##i);
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
                FK_EACH(FK_DECL)
                FK_EACH(FK_GLOAD)
                FK_TRANSPOSE(r);
                FK_TRANSPOSE(q);
                FK_EACH(FK_GSTORE)
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
                FK_EACH(FK_DECL)
                FK_EACH(FK_SLOAD)
                FK_TRANSPOSE(r);
                FK_TRANSPOSE(q);
                FK_EACH(FK_SSTORE)
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

/* Rows <-> lanes copies of the real transforms of the last axis (fft.h: glane, slane),
 * whole FC_VL x FC_VL blocks transposed in registers like gtw/stw, pure data movement
 * (and one multiply by scale), so the bits are those of the element loops.  Only where
 * a 64-byte vector is one register (AVX-512): the AVX2 build of these blocks (ymm pairs,
 * two-vector shuffles) made 2-D FFT convolutions 1.8-2.2x slower (ANALYSIS.md, 2-D tiles). */
#if FK_VEC && defined(__AVX512F__)
#define FK_VEC2 1
#else
#define FK_VEC2 0
#endif
#if FK_VEC2
/* even (odd) elements of the 2 FC_VL elements of a, b; the inverse interleave, output
 * c of the low (s = 0) or high (s = FC_VL) half: r or q by c's parity, element (c+s)/2 */
#define FK_EV(c, s) (2 * (c) + (s))
#define FK_IL(c, s) (((c) % 2) * FC_VL + ((c) + (s)) / 2)
#define FK_GLOAD2(i)                                                                   \
    {                                                                                  \
        const FK(ivec) ev_ = FK_MASK(FK_EV, 0), od_ = FK_MASK(FK_EV, 1);             \
        const FK(vec) a_ = FK_LD(ar + (rb + (i)) * lda + 2 * j0);                     \
        const FK(vec) b_ = FK_LD(ar + (rb + (i)) * lda + 2 * j0 + FC_VL);             \
        r##i = __builtin_shuffle(a_, b_, ev_);                                         \
        q##i = __builtin_shuffle(a_, b_, od_);                                         \
    }
#define FK_GSTORE0(i)                                \
    FK_ST(zr + (j0 + (i)) * Lg + rb, r##i);          \
    FK_ST(zi + (j0 + (i)) * Lg + rb, q##i);
#define FK_SLOAD0(i)                                 \
    r##i = FK_LD(zr + (j0 + (i)) * Lg + rb) * sc;    \
    q##i = FK_LD(zi + (j0 + (i)) * Lg + rb) * sc;
#define FK_SSTORE2(i)                                                                  \
    {                                                                                  \
        const FK(ivec) lo_ = FK_MASK(FK_IL, 0), hi_ = FK_MASK(FK_IL, FC_VL);          \
        FK_ST(ar + (rb + (i)) * lda + 2 * j0, __builtin_shuffle(r##i, q##i, lo_));    \
        FK_ST(ar + (rb + (i)) * lda + 2 * j0 + FC_VL, __builtin_shuffle(r##i, q##i, hi_)); \
    }
#endif

/* ilv 0: z[j*Lg + b] = a[b*lda + j] for j < n (two arrays); ilv 1: zr, zi[j*Lg + b] =
 * ar[b*lda + 2j], ar[b*lda + 2j + 1] (a real row read as n complex values; ai unused). */
static void FK(glane)(int64_t n, int64_t Lg, const FC_T *ar, const FC_T *ai, int64_t lda, int ilv,
                      FC_T *FK_R zr, FC_T *FK_R zi)
{
    int64_t j0 = 0;
#if FK_VEC2
    if (Lg % FC_VL == 0)
        for (; j0 + FC_VL <= n; j0 += FC_VL)
            for (int64_t rb = 0; rb < Lg; rb += FC_VL) {
                FK_EACH(FK_DECL)
                if (ilv) {
                    FK_EACH(FK_GLOAD2)
                } else {
                    FK_EACH(FK_GLOAD)
                }
                FK_TRANSPOSE(r);
                FK_TRANSPOSE(q);
                FK_EACH(FK_GSTORE0)
            }
#endif
    for (int64_t b = 0; b < Lg; ++b)
        for (int64_t j = j0; j < n; ++j) {
            zr[j * Lg + b] = ilv ? ar[b * lda + 2 * j] : ar[b * lda + j];
            zi[j * Lg + b] = ilv ? ar[b * lda + 2 * j + 1] : ai[b * lda + j];
        }
}

/* The inverse, times sc: ilv 0: a[b*lda + j] = z[j*Lg + b] * sc for j < n; ilv 1:
 * ar[b*lda + 2j], ar[b*lda + 2j + 1] = (zr, zi)[j*Lg + b] * sc for 2j + 1 < n (n real
 * elements; an odd n's last one is zr[(n/2)*Lg + b] * sc). */
static void FK(slane)(int64_t n, int64_t Lg, const FC_T *zr, const FC_T *zi, FC_T sc, FC_T *ar, FC_T *ai,
                      int64_t lda, int ilv)
{
    int64_t j0 = 0;
#if FK_VEC2
    if (Lg % FC_VL == 0)
        for (; (ilv ? 2 * (j0 + FC_VL) : j0 + FC_VL) <= n; j0 += FC_VL)
            for (int64_t rb = 0; rb < Lg; rb += FC_VL) {
                FK_EACH(FK_DECL)
                FK_EACH(FK_SLOAD0)
                FK_TRANSPOSE(r);
                FK_TRANSPOSE(q);
                if (ilv) {
                    FK_EACH(FK_SSTORE2)
                } else {
                    FK_EACH(FK_SSTORE)
                }
            }
#endif
    for (int64_t b = 0; b < Lg; ++b) {
        FC_T *FK_R row = ar + b * lda;
        if (ilv) {
            for (int64_t j = j0; 2 * j + 1 < n; ++j) {
                row[2 * j] = zr[j * Lg + b] * sc;
                row[2 * j + 1] = zi[j * Lg + b] * sc;
            }
            if (n % 2) row[n - 1] = zr[(n / 2) * Lg + b] * sc;
        } else {
            for (int64_t j = j0; j < n; ++j) {
                row[j] = zr[j * Lg + b] * sc;
                ai[b * lda + j] = zi[j * Lg + b] * sc;
            }
        }
    }
}

#undef FK_VEC2
#undef FK_EV
#undef FK_IL
#undef FK_GLOAD2
#undef FK_GSTORE0
#undef FK_SLOAD0
#undef FK_SSTORE2
#undef FK_VEC
#undef FK_LO
#undef FK_HI
#undef FK_MASK
#undef FK_SW
#undef FK_TRANSPOSE
#undef FK_EACH
#undef FK_DECL
#undef FK_GLOAD
#undef FK_GSTORE
#undef FK_SLOAD
#undef FK_SSTORE
#undef FK_LD
#undef FK_ST

const FK_CAT(fc_fftk, FC_TYPESUF) FK_CAT(fc_fftk, FC_SUFFIX) = {
    .bfly = {NULL, NULL, FK(bfly2), FK(bfly3), FK(bfly4), FK(bfly5), NULL, NULL, FK(bfly8)},
    .rpost = FK(rpost),
    .rpre = FK(rpre),
    .cmul = FK(cmul),
    .tw4 = FK(tw4),
    .gtw = FK(gtw),
    .stw = FK(stw),
    .glane = FK(glane),
    .slane = FK(slane),
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
