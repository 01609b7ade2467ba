/* Plans: every decision of a call, made before anything runs.
 *
 * An entry point validates its arguments (fc_prob_from_desc), asks a planner for a plan
 * (pure functions of the problem, the ISA's register tiles and the tuning table), then
 * hands it to an executor (src/exec/), which only follows it.  fc_plan_describe prints a
 * plan as "key=value" pairs: fastconv.explain() and FASTCONV_VERBOSE show it, and tests
 * read which mode ran from it.  fc_plan_force() (tests only) overrides a decision where
 * the forced choice is valid for the shape. */
#ifndef FASTCONV_PLAN_PLAN_H
#define FASTCONV_PLAN_PLAN_H

#include "layout/geom.h"
#include "plan/tuning.h"
#include "fft/fft.h"
#include "winograd/wg.h"

/* The algorithm of a call: direct sums, FFT tiles (overlap-save, single arrays), or
 * Winograd F(m x m, 3x3) (2-D 3x3 stride-1 layers). */
typedef enum fc_algo { FC_ALGO_DIRECT = 0, FC_ALGO_FFT = 1, FC_ALGO_WINOGRAD = 2 } fc_algo;

/* Overlap-save FFT tiles of a single-array correlation (plan_fft.c): a tile of n[a]
 * extended-input elements per axis (the FFT sizes, axes of size 1 included) yields
 * v[a] = n[a] - ker[a] + 1 outputs, the first v of its circular correlation with the
 * kernel; nt[a] tiles per axis.  1-D calls run `rows` = 2 tiles a job as the real and
 * imaginary parts of one four-step complex transform f4 of length n[2] (fft4_impl.h;
 * the windows of consecutive tiles overlap by ker - 1). */
typedef struct fc_fft_tiles {
    int ndim;                    /* transformed axes: the last ndim of the 3-D problem */
    int64_t n[3], v[3], nt[3];
    int64_t rows;                /* 1-D: tiles a job */
    int64_t njobs;
    int64_t tper;                /* elements of scratch a thread */
    int64_t kspec;               /* elements of the kernel's spectrum (both planes) */
    double cost_fft, cost_direct;/* the cost model's estimates, ns */
    fc_fft_plan fft;             /* owned (2-D, 3-D) */
    fc_fft4_plan f4;             /* owned (1-D) */
} fc_fft_tiles;

/* Register tiles of one ISA's kernel table, without its function pointers (see the
 * fields of fc_kernels_f32 in internal.h); n_wkn, n_wnjn are those of the narrowest
 * table the ISA can run (its one-vector backward-weight tile). */
typedef struct fc_ktiles {
    int isa, elem;           /* fc_isa_id; bytes per element, 4 or 8 */
    int mr, nr, vl, mr2, nr2, nr1, has_fwdd;
    int wk, wnj, wkw, wnjw, wdk, wds, wds1, n_wkn, n_wnjn;
    int rb, rnr, kw, kp;
} fc_ktiles;

/* The forward-family micro-kernel a pass calls (fields of the kernel table). */
typedef enum fc_fkern {
    FC_FK_TILE,      /* fwd: mr x nr flattened tile, any T */
    FC_FK_TILE_T1,   /* fwd_t1 */
    FC_FK_TILE_T9,   /* fwd_t9 */
    FC_FK_NARROW,    /* fwd2: mr2 x nr2, for few output channels */
    FC_FK_NARROW_T9, /* fwd2_t9 */
    FC_FK_SINGLE,    /* fwd1: one output channel x nr1 */
    FC_FK_KVEC       /* fwdk[P-1]: kw output channels x P <= kp pixels of one row */
} fc_fkern;

/* How a pass walks its output: flattened tiles of consecutive packed pixels, or
 * channels-vectorised tiles of one output row, or of a column-folded plane. */
typedef enum fc_fmode { FC_FM_FLAT, FC_FM_KVEC, FC_FM_KVEC_FOLD } fc_fmode;

/* Where flattened tiles go: a scratch tile copied out (dropping padding lanes), whole
 * tiles straight into an output that is the layout itself (out_direct), or masked
 * stores into the output by the fwdd kernels. */
typedef enum fc_fstore { FC_ST_COPY, FC_ST_WHOLE, FC_ST_MASKED } fc_fstore;

/* How a run of passes is scheduled: rounds of images packed together then used by all
 * jobs; each job packing its own image (private); each job packing the rows of the
 * image its tiles read (bands). */
typedef enum fc_sched { FC_SCHED_ROUNDS, FC_SCHED_PRIVATE, FC_SCHED_BANDS } fc_sched;

/* One pass of the forward-family engine: out = sum over R reduction channels and T
 * taps of packed weights x packed source, scattered by sc (see exec/engine_impl.h). */
typedef struct fc_pass {
    fc_geom *g;                  /* owned by the plan */
    fc_scatter sc;
    int64_t N, G, R, M;          /* images, groups, reduction channels and outputs a group */
    int64_t src_plane, ystride, ybatch;
    int has_bias;
    fc_fkern kern;
    fc_fmode mode;
    fc_fstore store;
    int stream_out;              /* whole tiles use non-temporal stores */
    int mr, vl, kp;
    int64_t nr;
    /* blocking: output-channel blocks, pixel tiles, accumulators a tile, reduction
     * channels a kernel call, tiles (or rows) a job, jobs an image and group, scratch
     * a thread, packed weights a block, rows (kvec), farthest tap, window channel size */
    int64_t nblk, ntile, tsz, cblk, ptj, nchunk, tper, wblk, nrow, maxoff, wcs;
    int kbjob;                   /* kvec: a job is one block of output channels, all rows */
    int64_t brows, bcs;          /* bands: rows a job packs, elements a packed channel */
} fc_pass;

/* A run of passes over one packed source (every pass reads the same layout). */
typedef struct fc_run {
    int np;
    fc_pass *ps;
    fc_sched sched;
    int identity;                /* unpadded stride 1: images read in place */
    int64_t nin, nb;             /* images read in place; packed images a round */
    int64_t tper;                /* scratch elements a thread */
    int64_t xbuf_elems;          /* the round's packed images */
} fc_run;

typedef enum fc_bwmode { FC_BW_DOT, FC_BW_CHUNKS, FC_BW_BLOCKS } fc_bwmode;
/* backward-weight tiles: k-vectorised standard, wide, narrow (narrowest ISA); the
 * pixel-vectorised wdk x wds, and its one-row form for one output channel a group */
typedef enum fc_bwtile { FC_BWT_STD, FC_BWT_WIDE, FC_BWT_NARROW, FC_BWT_DOT, FC_BWT_DOT1 } fc_bwtile;

typedef struct fc_bw_plan {
    fc_bwmode mode;
    fc_bwtile tile;
    int64_t tk, tj;              /* tile: output channels x (c, t) streams */
    int64_t Kgp, CTp, nkb, ncb, accn;
    int x_in_place;
    /* chunks of output rows x columns (chunk-major and block-major modes) */
    int64_t rchunk, cchunk, nrc, ncc;
    int64_t nb;                  /* images a round (packing) */
    int64_t gTn;                 /* chunk-major: transposed grad_out a thread */
    int64_t nrun;                /* block-major: runs of (c, t) blocks; dot: runs of images */
    int64_t per, gpj, ngb;       /* dot: images a run, groups a job, group blocks */
    int64_t scatter_slices;      /* the final scatter's jobs a group */
    int perm;                    /* taps not in kernel order (flip): reorder after scatter */
} fc_bw_plan;

typedef enum fc_smode { FC_SM_MROW, FC_SM_ENGINE } fc_smode;

typedef struct fc_single_plan {
    fc_smode mode;
    int swapped;                 /* valid mode with in2 the larger: arrays swapped */
    int64_t rb, rnr, nband, nchunk, tper;   /* multi-row tiles */
} fc_single_plan;

typedef struct fc_plan {
    fc_op op;
    fc_algo algo;
    fc_ktiles kt;
    int nthreads;
    fc_prob p;
    int ngeom;
    fc_geom *geoms;              /* owned: the passes' geometries */
    fc_pass *passes;             /* owned: ngeom of them */
    fc_run run;
    int64_t wpack_elems;         /* packed weights, every pass */
    fc_bw_plan bw;
    fc_single_plan single;
    fc_fft_tiles ft;             /* algo == FC_ALGO_FFT */
    fc_wg_plan wg;               /* algo FC_ALGO_WINOGRAD */
    int64_t workspace_bytes;     /* every buffer the call allocates, at most */
} fc_plan;

/* Forced decisions (tests): -1 is "as planned". */
typedef struct fc_force {
    int fmode, fstore, sched, kbjob, bwmode, bwtile, smode;
    int wgtile;                  /* Winograd output tile: 0 F(2x2), 1 F(4x4) */
    int sepkind, seprowk;        /* ndimage 1-D passes: fc_sep_kind; the row kernel 0/1 */
} fc_force;
const fc_force *fc_force_get(void);

/* The register tiles of the active ISA's table for elements of elem bytes (4 or 8). */
void fc_ktiles_active(int elem, fc_ktiles *kt);

/* The planners.  Each returns FC_OK and a plan to free with fc_plan_free, or a status
 * and nothing to free. */
fc_status fc_plan_forward(const fc_prob *p, const fc_ktiles *kt, int has_bias, int num_threads, fc_plan *pl);
/* has_bias: fc_conv_transpose adds a bias to what backward-input computes */
fc_status fc_plan_backward_input(const fc_prob *p, const fc_ktiles *kt, int has_bias, int num_threads, fc_plan *pl);
fc_status fc_plan_backward_weight(const fc_prob *p, const fc_ktiles *kt, int num_threads, fc_plan *pl);
fc_status fc_plan_backward_bias(const fc_prob *p, const fc_ktiles *kt, int num_threads, fc_plan *pl);
/* single array: p is the N = C = K = 1 problem of the extended in1 (see exec/single_impl.h) */
fc_status fc_plan_single(const fc_prob *p, const fc_ktiles *kt, int ndim, int boundary, int swapped,
                         int num_threads, fc_plan *pl);
/* A plan with nothing decided yet: op, problem, tiles, threads for num_threads, and
 * ngeom zeroed geometries and passes (FC_ENOMEM and nothing to free on failure). */
fc_status fc_plan_init(fc_plan *pl, fc_op op, const fc_prob *p, const fc_ktiles *kt, int num_threads, int ngeom);
void fc_plan_free(fc_plan *pl);
/* The single-array plan for `method`: FFT tiles where forced, or where auto's cost
 * model prefers them (plan_fft.c); else fc_plan_single's direct plan. */
fc_status fc_plan_single_method(const fc_prob *p, const fc_ktiles *kt, int ndim, int boundary, int swapped,
                                int method, int num_threads, fc_plan *pl);
/* The FFT plan alone (FC_EUNSUPPORTED where a tile would not fit in memory). */
fc_status fc_plan_single_fft(const fc_prob *p, const fc_ktiles *kt, int ndim, int boundary, int swapped,
                             int num_threads, fc_plan *pl);
fc_status fc_single_problem(int ndim, const int64_t *s1, const int64_t *s2, fc_mode mode, int half_up, int flip,
                            fc_prob *p, int *swapped);

/* Shared by the planners (plan_engine.c). */
void fc_pick_kernel(const fc_ktiles *kt, int64_t M, int64_t T, fc_pass *ps);
void fc_maybe_kvec(const fc_ktiles *kt, const fc_geom *g, int64_t M, int64_t R, int unit_cols, fc_pass *ps);
void fc_maybe_fold(fc_geom *g, const fc_scatter *sc, fc_pass *ps);
fc_status fc_plan_run(fc_pass *ps, int np, int elem, int nthreads, fc_run *run);
int64_t fc_images_per_pack(int64_t N, int64_t C, int64_t cs, int elem, int nthreads);
int fc_identity_geom(const fc_geom *g);
double fc_prob_macs(const fc_prob *p);

/* "key=value key=value ..." into buf (n bytes, NUL-terminated); FC_EINVAL if too small. */
fc_status fc_plan_format(const fc_plan *pl, char *buf, size_t n);

/* ---- the FFT path of the batched 1-D passes (plan_fft_batched.c) ----
 * A pass as an overlap-save correlation: D destination channels a group, output o
 * (o < Ld) = sum over S source channels a group and K taps j of the source (length Ls)
 * at o - plo + j.  The weight gradient tiles grad_out's Ld = O positions instead. */
typedef struct fc_fftb_dims {
    int64_t S, D, Ls, Ld, plo, K;
} fc_fftb_dims;
/* 1-D (the leading axes of size 1, unpadded), stride 1, dilation 1 */
int fc_fftb_servable(const fc_prob *p);
void fc_fftb_dims_of(const fc_prob *p, fc_op op, fc_fftb_dims *d);
/* 1: the FFT path (forced, or auto's model prefers it); 0: not; -1: forced where it
 * cannot serve */
int fc_fftb_use(const fc_prob *p, fc_op op, const fc_ktiles *kt, int num_threads);
fc_status fc_plan_fft_batched(const fc_prob *p, fc_op op, const fc_ktiles *kt, int num_threads, fc_plan *pl);
/* The cost model's terms for tiles of n: n*log2(n) units, complex multiply-adds, spill factor */
void fc_fftb_units(const fc_prob *p, const fc_fftb_dims *d, int elem, int64_t n, double u[3]);

#endif
