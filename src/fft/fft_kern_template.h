/* The FFT's butterflies and real-sequence untangling, written once over lanes and
 * compiled per ISA (fft_kern_{baseline,avx2,avx512}.c, each with its own flags) for
 * FC_T with suffix FC_SUFFIX.  Every inner loop runs over L consecutive lanes with the
 * same constants, so the compiler turns it into the ISA's vectors; the contracts are in
 * fft.h. */
#define FK_CAT_(a, b) a##_##b
#define FK_CAT(a, b) FK_CAT_(a, b)
#define FK(name) FK_CAT(name, FC_SUFFIX)
#define FK_R restrict

/* y_k *= tw_k (k >= 1): (yr + i yi)(c + i sign s) */
#define FK_TWID(k, vr, vi)                                        \
    do {                                                          \
        const FC_T c_ = twr[(k) - 1], s_ = sign * twi[(k) - 1];   \
        const FC_T r_ = (vr) * c_ - (vi) * s_;                    \
        (vi) = (vr) * s_ + (vi) * c_;                             \
        (vr) = r_;                                                \
    } while (0)

static void FK(bfly2)(int64_t L, const FC_T *FK_R xr, const FC_T *FK_R xi, int64_t is, FC_T *FK_R yr,
                      FC_T *FK_R yi, int64_t os, const FC_T *twr, const FC_T *twi, FC_T sign)
{
    if (!twr) {
        for (int64_t b = 0; b < L; ++b) {
            const FC_T ar = xr[b], ai = xi[b], br = xr[is + b], bi = xi[is + b];
            yr[b] = ar + br;
            yi[b] = ai + bi;
            yr[os + b] = ar - br;
            yi[os + b] = ai - bi;
        }
        return;
    }
    const FC_T c = twr[0], s = sign * twi[0];
    for (int64_t b = 0; b < L; ++b) {
        const FC_T ar = xr[b], ai = xi[b], br = xr[is + b], bi = xi[is + b];
        const FC_T dr = ar - br, di = ai - bi;
        yr[b] = ar + br;
        yi[b] = ai + bi;
        yr[os + b] = dr * c - di * s;
        yi[os + b] = dr * s + di * c;
    }
}

/* y1 = a0 - (a1+a2)/2 + i sign sqrt(3)/2 (a1-a2), y2 the conjugate twin */
static void FK(bfly3)(int64_t L, const FC_T *FK_R xr, const FC_T *FK_R xi, int64_t is, FC_T *FK_R yr,
                      FC_T *FK_R yi, int64_t os, const FC_T *twr, const FC_T *twi, FC_T sign)
{
    const FC_T h = (FC_T)0.86602540378443864676 * sign;
    for (int64_t b = 0; b < L; ++b) {
        const FC_T a0r = xr[b], a0i = xi[b];
        const FC_T tr = xr[is + b] + xr[2 * is + b], ti = xi[is + b] + xi[2 * is + b];
        const FC_T dr = (xr[is + b] - xr[2 * is + b]) * h, di = (xi[is + b] - xi[2 * is + b]) * h;
        const FC_T mr = a0r - (FC_T)0.5 * tr, mi = a0i - (FC_T)0.5 * ti;
        FC_T y1r = mr - di, y1i = mi + dr, y2r = mr + di, y2i = mi - dr;
        if (twr) {
            FK_TWID(1, y1r, y1i);
            FK_TWID(2, y2r, y2i);
        }
        yr[b] = a0r + tr;
        yi[b] = a0i + ti;
        yr[os + b] = y1r;
        yi[os + b] = y1i;
        yr[2 * os + b] = y2r;
        yi[2 * os + b] = y2i;
    }
}

/* y1 = (a0-a2) + i sign (a1-a3), y3 = (a0-a2) - i sign (a1-a3) */
static void FK(bfly4)(int64_t L, const FC_T *FK_R xr, const FC_T *FK_R xi, int64_t is, FC_T *FK_R yr,
                      FC_T *FK_R yi, int64_t os, const FC_T *twr, const FC_T *twi, FC_T sign)
{
    for (int64_t b = 0; b < L; ++b) {
        const FC_T t0r = xr[b] + xr[2 * is + b], t0i = xi[b] + xi[2 * is + b];
        const FC_T t1r = xr[b] - xr[2 * is + b], t1i = xi[b] - xi[2 * is + b];
        const FC_T t2r = xr[is + b] + xr[3 * is + b], t2i = xi[is + b] + xi[3 * is + b];
        const FC_T dr = (xr[is + b] - xr[3 * is + b]) * sign, di = (xi[is + b] - xi[3 * is + b]) * sign;
        /* i sign d = -sign di + i sign dr */
        FC_T y1r = t1r - di, y1i = t1i + dr, y2r = t0r - t2r, y2i = t0i - t2i;
        FC_T y3r = t1r + di, y3i = t1i - dr;
        if (twr) {
            FK_TWID(1, y1r, y1i);
            FK_TWID(2, y2r, y2i);
            FK_TWID(3, y3r, y3i);
        }
        yr[b] = t0r + t2r;
        yi[b] = t0i + t2i;
        yr[os + b] = y1r;
        yi[os + b] = y1i;
        yr[2 * os + b] = y2r;
        yi[2 * os + b] = y2i;
        yr[3 * os + b] = y3r;
        yi[3 * os + b] = y3i;
    }
}

/* t1 = a1+a4, t2 = a2+a3, d1 = a1-a4, d2 = a2-a3; y1,4 = a0 + c1 t1 + c2 t2 +- i sign
 * (s1 d1 + s2 d2); y2,3 = a0 + c2 t1 + c1 t2 +- i sign (s2 d1 - s1 d2) */
static void FK(bfly5)(int64_t L, const FC_T *FK_R xr, const FC_T *FK_R xi, int64_t is, FC_T *FK_R yr,
                      FC_T *FK_R yi, int64_t os, const FC_T *twr, const FC_T *twi, FC_T sign)
{
    const FC_T c1 = (FC_T)0.30901699437494742410, c2 = (FC_T)-0.80901699437494742410;
    const FC_T s1 = (FC_T)0.95105651629515357212 * sign, s2 = (FC_T)0.58778525229247312917 * sign;
    for (int64_t b = 0; b < L; ++b) {
        const FC_T a0r = xr[b], a0i = xi[b];
        const FC_T t1r = xr[is + b] + xr[4 * is + b], t1i = xi[is + b] + xi[4 * is + b];
        const FC_T t2r = xr[2 * is + b] + xr[3 * is + b], t2i = xi[2 * is + b] + xi[3 * is + b];
        const FC_T d1r = xr[is + b] - xr[4 * is + b], d1i = xi[is + b] - xi[4 * is + b];
        const FC_T d2r = xr[2 * is + b] - xr[3 * is + b], d2i = xi[2 * is + b] - xi[3 * is + b];
        const FC_T b1r = a0r + c1 * t1r + c2 * t2r, b1i = a0i + c1 * t1i + c2 * t2i;
        const FC_T b2r = a0r + c2 * t1r + c1 * t2r, b2i = a0i + c2 * t1i + c1 * t2i;
        const FC_T e1r = s1 * d1r + s2 * d2r, e1i = s1 * d1i + s2 * d2i;
        const FC_T e2r = s2 * d1r - s1 * d2r, e2i = s2 * d1i - s1 * d2i;
        /* i e = -ei + i er (sign is inside s1, s2) */
        FC_T y1r = b1r - e1i, y1i = b1i + e1r, y4r = b1r + e1i, y4i = b1i - e1r;
        FC_T y2r = b2r - e2i, y2i = b2i + e2r, y3r = b2r + e2i, y3i = b2i - e2r;
        if (twr) {
            FK_TWID(1, y1r, y1i);
            FK_TWID(2, y2r, y2i);
            FK_TWID(3, y3r, y3i);
            FK_TWID(4, y4r, y4i);
        }
        yr[b] = a0r + t1r + t2r;
        yi[b] = a0i + t1i + t2i;
        yr[os + b] = y1r;
        yi[os + b] = y1i;
        yr[2 * os + b] = y2r;
        yi[2 * os + b] = y2i;
        yr[3 * os + b] = y3r;
        yi[3 * os + b] = y3i;
        yr[4 * os + b] = y4r;
        yi[4 * os + b] = y4i;
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
        for (int64_t b = 0; b < L; ++b) {
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
    for (int64_t b = 0; b < L; ++b) {
        zr[b] = (xr[b] + xr[h * L + b]);
        zi[b] = (xr[b] - xr[h * L + b]);
    }
    for (int64_t k = 1; k < h; ++k) {
        const int64_t a = k * L, m = (h - k) * L;
        const FC_T c = wr[k], s = wi[k];
        FC_T *FK_R outr = zr + k * L, *FK_R outi = zi + k * L;
        for (int64_t b = 0; b < L; ++b) {
            const FC_T er = (xr[a + b] + xr[m + b]), ei = (xi[a + b] - xi[m + b]);
            const FC_T dr = (xr[a + b] - xr[m + b]), di = (xi[a + b] + xi[m + b]);
            outr[b] = er - (c * di + s * dr);
            outi[b] = ei + (c * dr - s * di);
        }
    }
}

static void FK(cmul)(int64_t L, FC_T *FK_R ar, FC_T *FK_R ai, const FC_T *FK_R br, const FC_T *FK_R bi)
{
    for (int64_t b = 0; b < L; ++b) {
        const FC_T r = ar[b] * br[b] - ai[b] * bi[b];
        ai[b] = ar[b] * bi[b] + ai[b] * br[b];
        ar[b] = r;
    }
}

const FK_CAT(fc_fftk, FC_TYPESUF) FK_CAT(fc_fftk, FC_SUFFIX) = {
    .bfly = {NULL, NULL, FK(bfly2), FK(bfly3), FK(bfly4), FK(bfly5)},
    .rpost = FK(rpost),
    .rpre = FK(rpre),
    .cmul = FK(cmul),
};

#undef FK_CAT_
#undef FK_CAT
#undef FK
#undef FK_R
#undef FK_TWID
