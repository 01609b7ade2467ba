/* Micro-kernel template: included once per (ISA, dtype) by the files in this folder.
 *
 * The includer defines:
 *   FC_T            element type (float or double)
 *   FC_V            vector type holding FC_LANES elements
 *   FC_VZERO()      FC_VLOADU(p)  FC_VSTOREU(p, v)  FC_VSET1(s)  FC_VFMA(a, b, c) = a*b + c
 *   FC_MR, FC_NV    forward tile: FC_MR output channels x FC_NV vectors of pixels
 *   FC_MR2, FC_NV2  narrower forward tile, for layers with few output channels
 *   FC_NV1          single-output-channel forward tile: FC_NV1 vectors of pixels
 *   FC_RB, FC_NVR   single-channel multi-row tile: FC_RB rows x FC_NVR vectors
 *   FC_WNJN         input streams of the one-vector backward-weight tile
 *   FC_WKV, FC_WNJ  backward-weight tile: FC_WKV vectors of output channels x FC_WNJ input streams
 *   FC_WKVW, FC_WNJW  optional wider backward-weight tile (same meaning)
 *   FC_WDK, FC_WDS  pixel-vectorised backward-weight tile: FC_WDK output channels x
 *                   FC_WDS input streams
 *   FC_VLOADN(p, n) optional zero-filled load of n < FC_LANES elements (masked)
 *   FC_KKV, FC_KP   channels-vectorised forward tile: FC_KKV vectors of output channels x
 *                   up to FC_KP pixels (FC_KP <= FC_KPMAX)
 *   FC_SUFFIX       name suffix, e.g. f32_avx512
 * and gets fc_kernels_<FC_SUFFIX> (an fc_kernels_f32/f64 table).
 *
 * Why these shapes: every tap of the reduction loads FC_NV pixel vectors once and
 * reuses each across FC_MR broadcast weights, so one load feeds FC_MR FMAs and the
 * accumulators never leave registers until the whole C x T reduction is done. */

#define FC_CAT_(a, b) a##_##b
#define FC_CAT(a, b) FC_CAT_(a, b)
#define FC_NAME(base) FC_CAT(base, FC_SUFFIX)

#if defined(__GNUC__) && !defined(__clang__)
#  define FC_UNROLL _Pragma("GCC unroll 16")
#else
#  define FC_UNROLL
#endif

/* non-temporal store of an aligned vector; plain stores where the ISA file has none */
#ifndef FC_VSTREAM
#  define FC_VSTREAM(p, v) FC_VSTOREU((p), (v))
#  define FC_VSTREAM_LOCAL
#endif

/* Keep a loaded vector in a register: where one loaded vector feeds several FMAs, GCC
 * otherwise folds the load into each of them (perf annotate: R loads of the same
 * vector), more loads, often unaligned, than the ports take.  The empty asm makes the
 * value opaque, so it is loaded once. */
#if defined(__GNUC__) && (defined(__AVX2__) || defined(__AVX512F__))
#  define FC_VPIN(v) __asm__("" : "+v"(v))
#else
#  define FC_VPIN(v) ((void)0)
#endif

#define FC_NR (FC_NV * FC_LANES)
#define FC_NR1 (FC_NV1 * FC_LANES)

/* Shared body of the forward kernels; MR_ and NV_ are compile-time constants so the
 * accumulator array is fully unrolled into registers.  T_ is the tap count: a constant
 * (1 for 1x1, 9 for 3x3 layers) unrolls the tap loop and keeps the offsets in registers;
 * 0 means "T at run time". */
/* The reduction of the forward kernels: acc[i][j] += w[(c*T + t)*MR_ + i] *
 * x[c*cs + off[t] + j*lanes ...] over every channel and tap. */
#define FC_FWD_LOOP(MR_, NV_, T_)                                                    \
    const int TT = (T_) > 0 ? (T_) : T;                                              \
    for (int64_t c = 0; c < C; ++c) {                                                \
        const FC_T *xc = x + c * cs;                                                 \
        if ((T_) == 1) /* channels are cs apart: too many streams for the prefetcher */ \
            FC_UNROLL for (int j = 0; j < NV_; ++j)                                  \
                __builtin_prefetch(xc + (FC_PF_TILES * NV_ + j) * FC_LANES, 0, 2);   \
        FC_UNROLL for (int t = 0; t < TT; ++t) {                                     \
            const FC_T *xp = xc + off[t];                                            \
            FC_V xv[NV_];                                                            \
            FC_UNROLL for (int j = 0; j < NV_; ++j) xv[j] = FC_VLOADU(xp + j * FC_LANES); \
            if ((MR_) > 1) /* with one row, each load has one use: fold it */        \
                FC_UNROLL for (int j = 0; j < NV_; ++j) FC_VPIN(xv[j]);              \
            FC_UNROLL for (int i = 0; i < MR_; ++i) {                                \
                const FC_V wv = FC_VSET1(w[i]);                                      \
                FC_UNROLL for (int j = 0; j < NV_; ++j)                              \
                    acc[i][j] = FC_VFMA(wv, xv[j], acc[i][j]);                       \
            }                                                                        \
            w += MR_;                                                                \
        }                                                                            \
    }

#define FC_FWD_BODY(MR_, NV_, T_)                                                    \
    FC_V acc[MR_][NV_];                                                              \
    FC_UNROLL for (int i = 0; i < MR_; ++i)                                          \
        FC_UNROLL for (int j = 0; j < NV_; ++j)                                      \
            acc[i][j] = (beta & FC_BETA_ACC) ? FC_VLOADU(tile + i * ldt + j * FC_LANES) \
                                             : FC_VZERO();                           \
    FC_FWD_LOOP(MR_, NV_, T_)                                                        \
    if (beta & FC_BETA_STREAM)                                                       \
        FC_UNROLL for (int i = 0; i < MR_; ++i)                                      \
            FC_UNROLL for (int j = 0; j < NV_; ++j)                                  \
                FC_VSTREAM(tile + i * ldt + j * FC_LANES, acc[i][j]);                \
    else                                                                             \
        FC_UNROLL for (int i = 0; i < MR_; ++i)                                      \
            FC_UNROLL for (int j = 0; j < NV_; ++j)                                  \
                FC_VSTOREU(tile + i * ldt + j * FC_LANES, acc[i][j]);

/* The 1x1 kernel prefetches each channel's lines this many tiles ahead: the driver
 * walks a job's tiles in order over the same block of channels, so the lines arrive one
 * full pass over the block (every channel, every block of outputs) before they are read.
 * Into L2 (prefetcht1), not L1: two tiles of a channel block ahead are ~32 KB, which in
 * L1 would evict the block being read (benchmarks/ANALYSIS.md, "Kernel design"). */
#define FC_PF_TILES 2

#define FC_FWD_FN(name, MR_, NV_, T_)                                                \
    static void FC_NAME(name)(int64_t C, int T, const int64_t *off, const FC_T *x,   \
                              int64_t cs, const FC_T *w, FC_T *tile, int64_t ldt,    \
                              int beta)                                              \
    {                                                                                \
        FC_FWD_BODY(MR_, NV_, T_)                                                    \
    }

FC_FWD_FN(fc_fwd, FC_MR, FC_NV, 0)
FC_FWD_FN(fc_fwd_t1, FC_MR, FC_NV, 1)
FC_FWD_FN(fc_fwd_t9, FC_MR, FC_NV, 9)
FC_FWD_FN(fc_fwd2, FC_MR2, FC_NV2, 0)
FC_FWD_FN(fc_fwd2_t9, FC_MR2, FC_NV2, 9)
FC_FWD_FN(fc_fwd1, 1, FC_NV1, 0)

/* The forward tile written straight into the output (fwdd): the same sums as
 * FC_FWD_BODY, then each vector is stored with up to two masked stores, one per output
 * row it spans (seg), so the padding columns of the flattened layout are never written
 * and no scratch tile or copy-out pass is needed.  Needs masked loads and stores
 * (FC_VLOADM, FC_VLOADM_MERGE, FC_VSTOREM: AVX-512); elsewhere the table entry is NULL
 * and the driver copies tiles out. */
#ifdef FC_VSTOREM
#define FC_FWDD_FN(name, MR_, NV_, T_)                                                  \
    static void FC_NAME(name)(int64_t C, int T, const int64_t *off, const FC_T *x,      \
                              int64_t cs, const FC_T *w, FC_T *y, int64_t ystride,      \
                              const fc_seg *seg, int rows, int beta, const FC_T *bias)  \
    {                                                                                   \
        FC_V acc[MR_][NV_];                                                             \
        FC_UNROLL for (int i = 0; i < MR_; ++i)                                         \
            FC_UNROLL for (int j = 0; j < NV_; ++j) {                                   \
                acc[i][j] = FC_VZERO();                                                 \
                if ((beta & FC_BETA_ACC) && i < rows) {                                 \
                    FC_T *yr = y + i * ystride;                                         \
                    acc[i][j] = FC_VLOADM(yr + seg[j].off[0], seg[j].mask[0]);          \
                    if (seg[j].mask[1])                                                 \
                        acc[i][j] = FC_VLOADM_MERGE(acc[i][j], yr + seg[j].off[1], seg[j].mask[1]); \
                }                                                                       \
            }                                                                           \
        FC_FWD_LOOP(MR_, NV_, T_)                                                       \
        FC_UNROLL for (int i = 0; i < MR_; ++i) {                                       \
            if (i >= rows) break;                                                       \
            FC_T *yr = y + i * ystride;                                                 \
            const FC_V bv = FC_VSET1(bias ? bias[i] : (FC_T)0);                         \
            FC_UNROLL for (int j = 0; j < NV_; ++j) {                                   \
                const FC_V v = acc[i][j] + bv;                                          \
                FC_VSTOREM(yr + seg[j].off[0], v, seg[j].mask[0]);                      \
                if (seg[j].mask[1]) FC_VSTOREM(yr + seg[j].off[1], v, seg[j].mask[1]);  \
            }                                                                           \
        }                                                                               \
    }
FC_FWDD_FN(fc_fwdd, FC_MR, FC_NV, 0)
FC_FWDD_FN(fc_fwdd_t9, FC_MR, FC_NV, 9)
#  define FC_FWDD_ENTRIES .fwdd = FC_NAME(fc_fwdd), .fwdd_t9 = FC_NAME(fc_fwdd_t9),
#else
#  define FC_FWDD_ENTRIES .fwdd = NULL, .fwdd_t9 = NULL,
#endif

/* Channels-vectorised forward kernel: P_ consecutive output pixels of one row x FC_KKV
 * vectors of output channels.  Each (c, t) loads FC_KKV weight vectors and broadcasts
 * P_ input values, so only real pixels are computed: the pixel-vectorised kernel above
 * computes the padding columns of every flattened row too (2 of 16 on a 14x14 image with
 * a 3x3 kernel).  The sums come out
 * pixel-major and are transposed into the NCHW output here, with the bias:
 *   y[k*ystride + i*ystep] = bias[k] + sum_{c<C} sum_{t<T} w[(c*T + t)*KW + k] * x[c*cs + off[t] + i]
 * for k < rows, i < P_, KW = FC_KKV*FC_LANES (bias may be NULL).  Where the ISA has a
 * register transpose (FC_VTRANSPOSE_REG) and ystep = 1, each LANES x LANES block is
 * transposed in registers and stored with FC_VSTORE_N; otherwise through a stack tile one
 * element at a time.  T is a run-time count (unrolling it for T = 9 did not pay here). */
/* The weights stream from L2/L3 (a block of 32 output channels of a 256-channel 3x3
 * layer is 295 KB), so they are prefetched FC_KPF (c, t) steps ahead of their use. */
#define FC_KPF 16
#ifdef FC_VTRANSPOSE_REG
#define FC_FWDK_VSTORE(P_)                                                                 \
    if (ystep == 1) {                                                                      \
        FC_UNROLL for (int pg = 0; pg < P_; pg += FC_LANES) {                              \
            const int np = P_ - pg < FC_LANES ? P_ - pg : FC_LANES;                        \
            FC_UNROLL for (int v = 0; v < FC_KKV; ++v) {                                   \
                FC_V r[FC_LANES];                                                          \
                FC_UNROLL for (int i = 0; i < FC_LANES; ++i)                               \
                    r[i] = pg + i < P_ ? acc[pg + i < P_ ? pg + i : 0][v] : FC_VZERO();     \
                FC_VTRANSPOSE_REG(r);                                                      \
                FC_UNROLL for (int c = 0; c < FC_LANES; ++c) {                             \
                    const int k = v * FC_LANES + c;                                        \
                    FC_V o = r[c];                                                         \
                    if (bias && k < rows) o = o + FC_VSET1(bias[k]);                       \
                    if (k < rows) FC_VSTORE_N(y + k * ystride + pg, o, np);                \
                }                                                                          \
            }                                                                              \
        }                                                                                  \
        return;                                                                            \
    }
#else
#define FC_FWDK_VSTORE(P_)
#endif
#define FC_FWDK_FN(P_)                                                                     \
    static void FC_NAME(FC_CAT(fc_fwdk, P_))(int64_t C, int T, const int64_t *off,         \
                                             const FC_T *x, int64_t cs, const FC_T *w,      \
                                             FC_T *y, int64_t ystride, int64_t ystep,       \
                                             int rows, const FC_T *bias)                    \
    {                                                                                      \
        FC_V acc[P_][FC_KKV];                                                              \
        FC_UNROLL for (int i = 0; i < P_; ++i)                                             \
            FC_UNROLL for (int v = 0; v < FC_KKV; ++v) acc[i][v] = FC_VZERO();             \
        for (int64_t c = 0; c < C; ++c) {                                                  \
            const FC_T *xc = x + c * cs;                                                   \
            for (int t = 0; t < T; ++t) {                                                  \
                const FC_T *xp = xc + off[t];                                              \
                FC_V wv[FC_KKV];                                                           \
                FC_UNROLL for (int v = 0; v < FC_KKV; ++v) {                               \
                    wv[v] = FC_VLOADU(w + v * FC_LANES);                                   \
                    __builtin_prefetch(w + (FC_KPF * FC_KKV + v) * FC_LANES);              \
                }                                                                          \
                FC_UNROLL for (int i = 0; i < P_; ++i) {                                   \
                    const FC_V xb = FC_VSET1(xp[i]);                                       \
                    FC_UNROLL for (int v = 0; v < FC_KKV; ++v)                             \
                        acc[i][v] = FC_VFMA(xb, wv[v], acc[i][v]);                         \
                }                                                                          \
                w += FC_KKV * FC_LANES;                                                    \
            }                                                                              \
        }                                                                                  \
        FC_FWDK_VSTORE(P_)                                                                 \
        FC_T tile[P_ * FC_KKV * FC_LANES];                                                 \
        FC_UNROLL for (int i = 0; i < P_; ++i)                                             \
            FC_UNROLL for (int v = 0; v < FC_KKV; ++v)                                     \
                FC_VSTOREU(tile + (i * FC_KKV + v) * FC_LANES, acc[i][v]);                 \
        for (int k = 0; k < rows; ++k) {                                                   \
            const FC_T b = bias ? bias[k] : (FC_T)0;                                       \
            for (int i = 0; i < P_; ++i)                                                   \
                y[k * ystride + i * ystep] = tile[i * FC_KKV * FC_LANES + k] + b;          \
        }                                                                                  \
    }

FC_FWDK_FN(1)
#if FC_KP >= 2
FC_FWDK_FN(2)
#endif
#if FC_KP >= 3
FC_FWDK_FN(3)
#endif
#if FC_KP >= 4
FC_FWDK_FN(4)
#endif
#if FC_KP >= 5
FC_FWDK_FN(5)
#endif
#if FC_KP >= 6
FC_FWDK_FN(6)
#endif
#if FC_KP >= 7
FC_FWDK_FN(7)
#endif
#if FC_KP >= 8
FC_FWDK_FN(8)
#endif
#if FC_KP >= 9
FC_FWDK_FN(9)
#endif
#if FC_KP >= 10
FC_FWDK_FN(10)
#endif
#if FC_KP >= 11
FC_FWDK_FN(11)
#endif
#if FC_KP >= 12
FC_FWDK_FN(12)
#endif
#if FC_KP >= 13
FC_FWDK_FN(13)
#endif
#if FC_KP >= 14
FC_FWDK_FN(14)
#endif

/* Weight repacking between the user's layout and the kernels', a transpose with a row
 * map:  dst[drow[j]*ldd + i] = (i < nrows ? src[i*lds + j] : 0)   for i < ni, j < ncols
 * skipping the columns with drow[j] < 0 (ni <= ldd; the forward and backward-input
 * packs write whole rows, ni = ldd, backward-weight's final scatter a slice of one).
 * A scalar loop would store one element at a time, each store a read-for-ownership of a
 * line of a buffer larger than L2.  Where the ISA has a register transpose,
 * LANES x LANES blocks go through it: LANES loads and LANES vector stores per block. */
static void FC_NAME(fc_wtrans)(int64_t nrows, int64_t ni, int64_t ncols, const FC_T *src,
                               int64_t lds, const int64_t *drow, FC_T *dst, int64_t ldd)
{
#if defined(FC_VTRANSPOSE_REG) && defined(FC_VLOADN)
    for (int64_t j0 = 0; j0 < ncols; j0 += FC_LANES) {
        const int nj = ncols - j0 < FC_LANES ? (int)(ncols - j0) : FC_LANES;
        for (int64_t i0 = 0; i0 < ni; i0 += FC_LANES) {
            const int nn = ni - i0 < FC_LANES ? (int)(ni - i0) : FC_LANES;
            FC_V r[FC_LANES];
            FC_UNROLL for (int i = 0; i < FC_LANES; ++i) {
                const FC_T *sp = src + (i0 + i) * lds + j0;
                r[i] = i0 + i >= nrows || i >= nn ? FC_VZERO()
                       : nj == FC_LANES           ? FC_VLOADU(sp)
                                                  : FC_VLOADN(sp, nj);
            }
            FC_VTRANSPOSE_REG(r);
            for (int j = 0; j < nj; ++j) {
                if (drow[j0 + j] < 0) continue;
                FC_T *dp = dst + drow[j0 + j] * ldd + i0;
                if (nn == FC_LANES)
                    FC_VSTOREU(dp, r[j]);
                else
                    FC_VSTORE_N(dp, r[j], nn);
            }
        }
    }
#else
    for (int64_t j = 0; j < ncols; ++j) {
        if (drow[j] < 0) continue;
        FC_T *dp = dst + drow[j] * ldd;
        for (int64_t i = 0; i < ni; ++i) dp[i] = i < nrows ? src[i * lds + j] : (FC_T)0;
    }
#endif
}

/* Backward-weight kernel, vectorised over output channels k: grad_out arrives
 * transposed (gT[p][k], k contiguous) and each input stream element is broadcast, so one
 * pixel costs FC_WKV vector loads + FC_WNJ broadcasts for FC_WKV*FC_WNJ FMAs and the
 * sums land in k-vectors, with no horizontal reduction at the end.  Pixels come as
 * nrows rows of ncols valid columns, pitch apart: the garbage columns between rows are
 * never read, so an Inf or NaN there cannot leak into a sum it does not belong to.
 *   out[j*ldo + k] += sum_{r, c} xp[j][r*pitch + c] * gT[(r*pitch + c)*ldg + k]      */
#define FC_WGT_FN(name, WKV_, WNJ_)                                                          \
    static void FC_NAME(name)(int64_t nrows, int64_t ncols, int64_t pitch, const FC_T *gT,   \
                              int64_t ldg, const FC_T *const *xp, FC_T *out, int64_t ldo)    \
    {                                                                                        \
        FC_V acc[WNJ_][WKV_];                                                                \
        const FC_T *xs[WNJ_];                                                                \
        FC_UNROLL for (int j = 0; j < WNJ_; ++j) {                                           \
            xs[j] = xp[j];                                                                   \
            FC_UNROLL for (int v = 0; v < WKV_; ++v) acc[j][v] = FC_VZERO();                 \
        }                                                                                    \
        for (int64_t r = 0; r < nrows; ++r) {                                                \
            const int64_t p0 = r * pitch;                                                    \
            for (int64_t p = p0; p < p0 + ncols; ++p) {                                      \
                FC_V gv[WKV_];                                                               \
                FC_UNROLL for (int v = 0; v < WKV_; ++v)                                     \
                    gv[v] = FC_VLOADU(gT + p * ldg + v * FC_LANES);                          \
                FC_UNROLL for (int j = 0; j < WNJ_; ++j) {                                   \
                    const FC_V xb = FC_VSET1(xs[j][p]);                                      \
                    FC_UNROLL for (int v = 0; v < WKV_; ++v)                                 \
                        acc[j][v] = FC_VFMA(xb, gv[v], acc[j][v]);                           \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
        FC_UNROLL for (int j = 0; j < WNJ_; ++j)                                             \
            FC_UNROLL for (int v = 0; v < WKV_; ++v) {                                       \
                FC_T *o = out + j * ldo + v * FC_LANES;                                      \
                FC_VSTOREU(o, FC_VLOADU(o) + acc[j][v]);                                     \
            }                                                                                \
    }

FC_WGT_FN(fc_wgt, FC_WKV, FC_WNJ)
#ifdef FC_WKVW
/* a wider, shorter tile where the registers allow it (AVX-512: 4 vectors x 6 streams):
 * 10 loads per 24 FMAs instead of 14, and 6 stream pointers instead of 12, which left
 * the 12-stream loop spilling two of them (perf annotate) */
FC_WGT_FN(fc_wgtw, FC_WKVW, FC_WNJW)
#endif
/* one vector of output channels: for layers with few of them (8 on an 8-lane ISA) */
FC_WGT_FN(fc_wgtn, 1, FC_WNJN)

/* Backward-weight kernel vectorised over pixels, for layers with few output channels
 * (8 or 16: a vector of k lanes would be half padding, and grad_out would have to be
 * transposed).  grad_out rows and input streams are read as they are, one pixel vector
 * at a time, and FC_WDK x FC_WDS dot products accumulate lane-wise; the lanes are
 * added by the caller, once per call of the whole pass (a slot of FC_WGD_SLOT per
 * sum).  Rows are nrows rows of ncols valid pixels (row pitches gpitch and xpitch): the
 * last vector of a row is loaded masked, so the garbage columns of the packed input
 * are never read and an Inf or NaN there cannot leak into a sum.
 *   out[(j*ldo + i)*FC_WGD_SLOT + l] += sum over r, and c = l (mod FC_LANES), of
 *                                    gp[i][r*gpitch + c] * xp[j][r*xpitch + c]        */
#ifndef FC_VLOADN
/* a zero-filled load of n < FC_LANES elements, for ISAs without masked loads */
static inline FC_V FC_NAME(fc_loadn)(const FC_T *p, int64_t n)
{
    FC_T b[FC_LANES];
    for (int64_t i = 0; i < FC_LANES; ++i) b[i] = i < n ? p[i] : (FC_T)0;
    return FC_VLOADU(b);
}
#  define FC_VLOADN(p, n) FC_NAME(fc_loadn)((p), (n))
#  define FC_VLOADN_LOCAL
#endif
/* one load per grad_out vector, used by WDS_ FMAs (FC_VPIN, defined at the top) */
#define FC_WGD_STEP(LOAD, WDK_, WDS_)                                                      \
    {                                                                                       \
        FC_V xv[WDS_];                                                                      \
        FC_UNROLL for (int j = 0; j < WDS_; ++j) xv[j] = LOAD(xr[j] + c);                  \
        FC_UNROLL for (int i = 0; i < WDK_; ++i) {                                          \
            FC_V gv = LOAD(gr[i] + c);                                                      \
            if ((WDS_) > 1) FC_VPIN(gv);                                                    \
            FC_UNROLL for (int j = 0; j < WDS_; ++j) acc[i][j] = FC_VFMA(gv, xv[j], acc[i][j]); \
        }                                                                                   \
    }
/* the row tail's load: rem (< FC_LANES) lanes, named where the step expands */
#define FC_WGD_LOADN_(q) FC_VLOADN((q), rem)
#define FC_WGD_FN(name, WDK_, WDS_)                                                         \
    static void FC_NAME(name)(int64_t nrows, int64_t ncols, const FC_T *const *gp,          \
                              int64_t gpitch, const FC_T *const *xp, int64_t xpitch,        \
                              FC_T *out, int64_t ldo)                                       \
    {                                                                                       \
        FC_V acc[WDK_][WDS_];                                                               \
        FC_UNROLL for (int i = 0; i < WDK_; ++i)                                            \
            FC_UNROLL for (int j = 0; j < WDS_; ++j) acc[i][j] = FC_VZERO();                \
        const int64_t nfull = ncols - ncols % FC_LANES, rem = ncols - nfull;                \
        for (int64_t r = 0; r < nrows; ++r) {                                               \
            const FC_T *gr[WDK_], *xr[WDS_];                                                \
            FC_UNROLL for (int i = 0; i < WDK_; ++i) gr[i] = gp[i] + r * gpitch;            \
            FC_UNROLL for (int j = 0; j < WDS_; ++j) xr[j] = xp[j] + r * xpitch;            \
            int64_t c = 0;                                                                  \
            for (; c < nfull; c += FC_LANES) FC_WGD_STEP(FC_VLOADU, WDK_, WDS_)             \
            if (rem) FC_WGD_STEP(FC_WGD_LOADN_, WDK_, WDS_)                                 \
        }                                                                                   \
        FC_UNROLL for (int i = 0; i < WDK_; ++i)                                            \
            FC_UNROLL for (int j = 0; j < WDS_; ++j) {                                      \
                FC_T *o = out + (j * ldo + i) * FC_WGD_SLOT(FC_T);                          \
                FC_VSTOREU(o, FC_VLOADU(o) + acc[i][j]);                                    \
            }                                                                               \
    }
FC_WGD_FN(fc_wgd, FC_WDK, FC_WDS)
/* one grad_out row (a group with one output channel: depthwise layers), many streams:
 * the FC_WDK-row tile would repeat that row FC_WDK times (7 of 8 FMAs wasted) */
#ifndef FC_WDS1
#  define FC_WDS1 8
#endif
FC_WGD_FN(fc_wgd1, 1, FC_WDS1)
#undef FC_WGD_FN
#undef FC_WGD_LOADN_
#undef FC_WGD_STEP
#ifdef FC_VLOADN_LOCAL
#  undef FC_VLOADN
#  undef FC_VLOADN_LOCAL
#endif

/* Single-channel multi-row kernel for 2-D (and, plane by plane, 3-D) correlation: a
 * tile of FC_RB output rows (q2 apart in the packed plane) x FC_NVR vectors.  Input row
 * j feeds output row i through kernel row j - i, so each input vector is loaded once and
 * used by up to R_ rows: R_ FMAs per load instead of one.  R_ is a compile-time constant
 * (1..FC_RMAX, taller kernels are split into row chunks by the driver) so the (i, j)
 * pairs are resolved at compile time.
 *   tile[i*ldt + v] (+)= sum_{r<R_} sum_{s<S} w[r*S + s] * x[(i + r)*q2 + s + v]
 * The tile may be the output itself (ldt = its row length) when it lies wholly inside.
 * The loaded x vectors are pinned (FC_VPIN): GCC otherwise folds each load into every
 * FMA that uses it, up to R_ unaligned loads per vector instead of one. */
#define FC_MROW_FN(R_)                                                                     \
    static void FC_NAME(FC_CAT(fc_mrow, R_))(int64_t S, const FC_T *x, int64_t q2,        \
                                             const FC_T *w, FC_T *tile, int64_t ldt,      \
                                             int beta)                                    \
    {                                                                                      \
        FC_V acc[FC_RB][FC_NVR];                                                           \
        FC_UNROLL for (int i = 0; i < FC_RB; ++i)                                          \
            FC_UNROLL for (int v = 0; v < FC_NVR; ++v)                                     \
                acc[i][v] = beta ? FC_VLOADU(tile + i * ldt + v * FC_LANES) : FC_VZERO();   \
        for (int64_t s = 0; s < S; ++s) {                                                  \
            FC_UNROLL for (int j = 0; j < FC_RB + R_ - 1; ++j) {                           \
                FC_V xv[FC_NVR];                                                           \
                FC_UNROLL for (int v = 0; v < FC_NVR; ++v)                                 \
                    xv[v] = FC_VLOADU(x + j * q2 + s + v * FC_LANES);                      \
                FC_UNROLL for (int v = 0; v < FC_NVR; ++v) FC_VPIN(xv[v]);                 \
                FC_UNROLL for (int i = 0; i < FC_RB; ++i) {                                \
                    if (j - i < 0 || j - i >= R_) continue;                                \
                    const FC_V wv = FC_VSET1(w[(j - i) * S + s]);                          \
                    FC_UNROLL for (int v = 0; v < FC_NVR; ++v)                             \
                        acc[i][v] = FC_VFMA(wv, xv[v], acc[i][v]);                         \
                }                                                                          \
            }                                                                              \
        }                                                                                  \
        FC_UNROLL for (int i = 0; i < FC_RB; ++i)                                          \
            FC_UNROLL for (int v = 0; v < FC_NVR; ++v)                                     \
                FC_VSTOREU(tile + i * ldt + v * FC_LANES, acc[i][v]);                      \
    }

FC_MROW_FN(1)
FC_MROW_FN(2)
FC_MROW_FN(3)
FC_MROW_FN(4)
FC_MROW_FN(5)
FC_MROW_FN(6)
FC_MROW_FN(7)
FC_MROW_FN(8)
#undef FC_VPIN

/* Copy n contiguous elements of `rows` rows from a tile to the output, adding a bias per
 * row (bias may be NULL): the copy-out of every forward tile, in this ISA's vectors with
 * a masked (AVX-512) or scalar tail.  A 3x3 layer with 8 input channels does only 72
 * multiply-adds per output, so this copy is a real share of its time. */
static void FC_NAME(fc_rowcopy)(int rows, int64_t n, const FC_T *src, int64_t lds, FC_T *dst,
                                int64_t ldd, const FC_T *bias)
{
    for (int i = 0; i < rows; ++i) {
        const FC_T b = bias ? bias[i] : (FC_T)0;
        const FC_V bv = FC_VSET1(b);
        const FC_T *s = src + i * lds;
        FC_T *d = dst + i * ldd;
        int64_t j = 0;
        for (; j + FC_LANES <= n; j += FC_LANES) FC_VSTOREU(d + j, FC_VLOADU(s + j) + bv);
#ifdef FC_VTAIL
        if (j < n) FC_VTAIL(d + j, s + j, bv, n - j);
#else
        for (; j < n; ++j) d[j] = s[j] + b;
#endif
    }
}

#define FC_TABLE_TYPE_(t) fc_kernels_##t
#define FC_TABLE_TYPE(t) FC_TABLE_TYPE_(t)

const FC_TABLE_TYPE(FC_TYPESUF) FC_NAME(fc_kernels) = {
    .mr = FC_MR, .nr = FC_NR,
    .fwd = FC_NAME(fc_fwd), .fwd_t1 = FC_NAME(fc_fwd_t1), .fwd_t9 = FC_NAME(fc_fwd_t9),
    FC_FWDD_ENTRIES
    .vl = FC_LANES,
    .mr2 = FC_MR2, .nr2 = FC_NV2 * FC_LANES, .fwd2 = FC_NAME(fc_fwd2), .fwd2_t9 = FC_NAME(fc_fwd2_t9),
    .nr1 = FC_NR1, .fwd1 = FC_NAME(fc_fwd1),
    .wk = FC_WKV * FC_LANES, .wnj = FC_WNJ, .wgt = FC_NAME(fc_wgt),
#ifdef FC_WKVW
    .wkw = FC_WKVW * FC_LANES, .wnjw = FC_WNJW, .wgtw = FC_NAME(fc_wgtw),
#else
    .wkw = FC_WKV * FC_LANES, .wnjw = FC_WNJ, .wgtw = FC_NAME(fc_wgt),
#endif
    .wkn = FC_LANES, .wnjn = FC_WNJN, .wgtn = FC_NAME(fc_wgtn),
    .wdk = FC_WDK, .wds = FC_WDS, .wgd = FC_NAME(fc_wgd),
    .rowcopy = FC_NAME(fc_rowcopy),
    .rb = FC_RB, .rnr = FC_NVR * FC_LANES,
    .mrow = {FC_NAME(fc_mrow_1), FC_NAME(fc_mrow_2), FC_NAME(fc_mrow_3), FC_NAME(fc_mrow_4),
             FC_NAME(fc_mrow_5), FC_NAME(fc_mrow_6), FC_NAME(fc_mrow_7), FC_NAME(fc_mrow_8)},
    .kw = FC_KKV * FC_LANES, .kp = FC_KP,
    .fwdk = {FC_NAME(fc_fwdk_1),
#if FC_KP >= 2
             FC_NAME(fc_fwdk_2),
#endif
#if FC_KP >= 3
             FC_NAME(fc_fwdk_3),
#endif
#if FC_KP >= 4
             FC_NAME(fc_fwdk_4),
#endif
#if FC_KP >= 5
             FC_NAME(fc_fwdk_5),
#endif
#if FC_KP >= 6
             FC_NAME(fc_fwdk_6),
#endif
#if FC_KP >= 7
             FC_NAME(fc_fwdk_7),
#endif
#if FC_KP >= 8
             FC_NAME(fc_fwdk_8),
#endif
#if FC_KP >= 9
             FC_NAME(fc_fwdk_9),
#endif
#if FC_KP >= 10
             FC_NAME(fc_fwdk_10),
#endif
#if FC_KP >= 11
             FC_NAME(fc_fwdk_11),
#endif
#if FC_KP >= 12
             FC_NAME(fc_fwdk_12),
#endif
#if FC_KP >= 13
             FC_NAME(fc_fwdk_13),
#endif
#if FC_KP >= 14
             FC_NAME(fc_fwdk_14),
#endif
    },
    .wtrans = FC_NAME(fc_wtrans),
    .wds1 = FC_WDS1, .wgd1 = FC_NAME(fc_wgd1),
};

#ifdef FC_VSTREAM_LOCAL
#  undef FC_VSTREAM
#  undef FC_VSTREAM_LOCAL
#endif
#undef FC_FWDD_ENTRIES
#undef FC_FWD_LOOP
#undef FC_NR
#undef FC_NR1
#undef FC_FWD_BODY
#undef FC_FWDK_FN
#undef FC_FWDK_VSTORE
