/* Winograd F(m x m, 3 x 3) convolution of 2-D 3x3, stride-1, dilation-1 layers
 * (Lavin & Gray 2016), m = 4 (6x6 transformed tiles) or m = 2 (4x4).
 *
 * One call is a correlation  out[n][g*M + o][y][x] = sum_{r < R} sum_{i,j < 3}
 *   w'[g][o][r][i][j] * src[n][g*R + r][y + i + offy][x + j + offx]   (+ bias),
 * src read as zero outside its H x W plane.  Forward: src = x, R = C/G, M = K/G,
 * off = -pad_low, w' = w (flip: rotated).  Backward-input: src = grad_out, R = K/G,
 * M = C/G, off = pad_low - 2, w'[o][r] = w[r][o] rotated 180 degrees (flip: as is).
 *
 * The output is cut into m x m tiles (tile t of image n at rows ty*m.., columns
 * tx*m..; tile index over the batch T = n*tiles_per_image + ty*tiles_x + tx) and, per
 * round of nt tiles (a multiple of the GEMM's nr):
 *   1. input transform  V[g][xi][tb][r][nr] = (B^T d B)[xi] of each a x a source patch
 *      (a = m + 2), written straight into the GEMM's packed panel layout;
 *   2. a*a batched matrix products  Mt[g][xi][o][tb][nr] = sum_r U[g][xi][o][r] V[..][r][..]
 *      with U = G w' G^T packed as [g][xi][o-block][r][mr] (o padded to mr with zeros);
 *   3. output transform  A^T Mt A of each tile, + bias, copied into the output (cut at
 *      the plane's edges).
 * Every output element is reduced by one job of phase 2 over r in order, then
 * transformed by one job of phase 3: the bits do not depend on the thread count.
 * The weight gradient (its adjoint, wg_bw_impl.h) reduces over the tiles instead. */
#ifndef FASTCONV_WINOGRAD_WG_H
#define FASTCONV_WINOGRAD_WG_H

#include "internal.h"

/* Per (ISA, element type): the batched product's register tile and the transforms.
 *   gemm(R, u, ldu, v, m, ldm, add):  m[i*ldm + j] (+)= sum_{r < R} u[r*ldu + i] *
 *                           v[r*nr + j] for i < mr, j < nr (nr = nv * lanes); add: the
 *                           sum (taken from zero) added onto m.
 *   wtrans(f, n, k9, u, ldx): u + xi*ldx + c = (G k_c G^T)[xi] for the n kernels k_c
 *                           given element-major (k_c[e] at k9 + e*n + c).
 *   itrans[f](d, ldr, v, ldv): d holds a*a rows of nr lanes (patch element (i, j) at
 *                           d + i*ldr + j*nr); writes row xi of B^T d B to v + xi*ldv
 *                           (f = 0: m = 2, a = 4; f = 1: m = 4, a = 6).
 *   otrans[f](mt, ldm, o):  mt + xi*ldm holds row xi (a*a of them); writes the m*m rows of
 *                           A^T Mt A to o (row i*m + j: output (i, j) of each tile).
 *   gtrans[f](d, ldr, out, ldo): d holds m*m rows of nr lanes (a grad_out tile, element
 *                           (i, j) at d + i*ldr + j*nr); writes row xi of A g A^T to
 *                           out + xi*ldo (the weight gradient's operand).
 *   wback[f](mw, ldx, o):   mw + xi*ldx holds row xi; writes the 9 rows of G^T Mw G
 *                           (a 3x3 weight gradient, row 3*i + j) to o. */
#define FC_WG_TABLE(T, NAME)                                                        \
    typedef struct NAME {                                                          \
        int mr, nv, lanes;                                                         \
        void (*gemm)(int64_t R, const T *u, int64_t ldu, const T *v, T *m, int64_t ldm, \
                     int add);                                                     \
        void (*wtrans)(int f, int64_t n, const T *k9, T *u, int64_t ldx);         \
        void (*itrans[2])(const T *d, int64_t ldr, T *v, int64_t ldv);             \
        void (*otrans[2])(const T *mt, int64_t ldm, T *o);                         \
        void (*gtrans[2])(const T *d, int64_t ldr, T *out, int64_t ldo);           \
        void (*wback[2])(const T *mw, int64_t ldx, T *o);                          \
    } NAME;
FC_WG_TABLE(float, fc_wg_kernels_f32)
FC_WG_TABLE(double, fc_wg_kernels_f64)

extern const fc_wg_kernels_f32 fc_wg_kernels_f32_baseline, fc_wg_kernels_f32_avx2, fc_wg_kernels_f32_avx512;
extern const fc_wg_kernels_f64 fc_wg_kernels_f64_baseline, fc_wg_kernels_f64_avx2, fc_wg_kernels_f64_avx512;
const fc_wg_kernels_f32 *fc_wg_for_f32(int isa);
const fc_wg_kernels_f64 *fc_wg_for_f64(int isa);

/* The decisions of one Winograd call (see the header comment for the symbols). */
typedef struct fc_wg_plan {
    int m, a;                  /* output tile m x m; transformed tile a x a, a = m + 2 */
    int mr, nr;                /* the product's register tile: outputs x tiles */
    int transposed, rot;       /* w' read as w[r][o] (backward-input); rotated 180 degrees */
    int64_t N, G, R, M, Mp;    /* images, groups, reduction channels and outputs a group, M to mr */
    int64_t Rp;                /* weight gradient: R to nr (M to nr and mr: Mp) */
    int64_t H, W, OH, OW;      /* source and output planes */
    int64_t offy, offx;        /* source row = output row + i + offy (column likewise) */
    int64_t tx, tpi, ntot;     /* tiles a row, an image, in the batch */
    int64_t nt, ntb, nround;   /* tiles a round (multiple of nr), blocks of nr a round, rounds */
    int private_rounds;        /* each round on one thread (else each phase split among them) */
    int64_t u_elems, v_elems, m_elems;   /* transformed weights; a round's inputs, products */
    /* weight gradient: x and grad_out staged channels-in-lanes and zero-padded to whole
     * tiles, x as [n][g][cb][Hs][Ws][nr] (row py: x row py + offy), grad_out as
     * [n][g][kb][OHs][OWs][nr], so that every tile's patch is a*a (m*m) vector loads */
    int64_t Hs, Ws, OHs, OWs, xs_elems, gs_elems;
} fc_wg_plan;

/* Where a tile of a round reads and writes: image n (-1: past the batch, a padding
 * lane), its source patch's corner (iy, ix) and whether the patch lies inside the plane,
 * its offsets from channel 0 of the source and of the output, its valid rows and columns
 * (fewer than m at the far edges). */
typedef struct fc_wg_tile {
    int64_t n, iy, ix, src, dst;
    int ni, nj, interior;
} fc_wg_tile;

struct fc_prob;
struct fc_ktiles;
struct fc_plan;
/* Whether the Winograd path can serve the problem (2-D, 3x3, stride 1, dilation 1;
 * forward or backward-input). */
int fc_wg_servable(const struct fc_prob *p, fc_op op);
/* Whether a call runs it: 1 yes; 0 no (direct); -1 asked for (algorithm winograd) but
 * not servable.  kt: the register tiles the call would run with. */
int fc_wg_use(const struct fc_prob *p, fc_op op, const struct fc_ktiles *kt);
/* The plan of a Winograd call (FC_EUNSUPPORTED where it is not servable). */
fc_status fc_plan_winograd(const struct fc_prob *p, fc_op op, const struct fc_ktiles *kt, int num_threads,
                           struct fc_plan *pl);
/* Run it: src is x (forward) or grad_out (backward-input), w the layer's weights, bias
 * (forward only) may be NULL, out is y or grad_in. */
fc_status fc_wg_exec_f32(const struct fc_plan *pl, const float *src, const float *w, const float *bias, float *out);
fc_status fc_wg_exec_f64(const struct fc_plan *pl, const double *src, const double *w, const double *bias,
                         double *out);
/* The weight gradient (plan op FC_OP_BACKWARD_WEIGHT): gw from x and grad_out. */
fc_status fc_wg_exec_bw_f32(const struct fc_plan *pl, const float *x, const float *go, float *gw);
fc_status fc_wg_exec_bw_f64(const struct fc_plan *pl, const double *x, const double *go, double *gw);

#endif
