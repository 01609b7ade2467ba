/* The tuning table: every threshold and block size of the planners, one named field
 * each, with the reason it exists.  Planners read it through fc_tuning_get() and never
 * use a literal of their own.  Cache sizes are read from the machine once (sysconf);
 * the measurements behind each value are in benchmarks/ANALYSIS.md under the field's
 * name.  Values that change the order of a sum (marked "order") change result bits
 * when they change; the others change only speed. */
#ifndef FASTCONV_PLAN_TUNING_H
#define FASTCONV_PLAN_TUNING_H

#include <stdint.h>

typedef struct fc_tuning {
    /* ---- the machine (read once; 0 where the OS does not say) ---- */
    int64_t l1d_bytes, l2_bytes, l3_bytes;

    /* ---- threads ---- */
    /* multiply-adds a thread must have before a call uses it: a fork/join costs more
     * than a small call's arithmetic */
    double min_macs_per_thread;

    /* ---- packing and scheduling of the forward-family engine ---- */
    /* packed bytes per thread in one round of images: a round's packed images are
     * still in each core's L2 when its tiles read them */
    int64_t pack_bytes_per_thread;
    /* a reduction-channel block's packed slab stays within this many bytes of L1 while
     * every block of output channels sweeps over it */
    int64_t l1_slab_bytes;
    /* jobs a thread should get at least (load balance of the dynamic loops) */
    int jobs_per_thread;
    /* flattened mode: pixel tiles per job at most (a weight block reused across them
     * from L1, longer runs the prefetcher follows) */
    int tiles_per_job_max;
    /* a job packs its own image (no packing phase, no barrier) when a group's packed
     * image is at most this large */
    int64_t private_pack_max_bytes;
    /* a job packs only the rows its tiles read (bands) when a packed image is larger
     * than this: a whole image would go out to L3 and back */
    int64_t band_min_bytes;
    /* output rows a band job aims at, and the fewest worth the taps' re-packed reach */
    int band_rows, band_min_rows;
    /* tiles written whole into an output at least this large use non-temporal stores
     * (the output would be written back from the caches anyway) */
    int64_t stream_min_bytes;

    /* ---- channels-vectorised (kvec) forward mode ---- */
    /* C*T at least this long, to amortise the in-register transpose */
    int64_t kvec_min_reduction;
    /* kvec's useful share of computed pixels must beat the flattened one's by this */
    double kvec_margin;
    /* with more taps than this, kvec wins at equal share (the flattened kernel's run-time
     * tap loop and copy-out lose) */
    int kvec_many_taps;
    /* a job is one block of output channels over a whole image when the weights are
     * larger than this and rows would be split among jobs */
    int64_t kvec_block_job_weight_bytes;

    /* ---- backward-weight ---- */
    /* pixel-vectorised (dot) mode: at least this many images (its runs of whole images
     * feed the threads), and for at most this many (c, t) streams whatever K is */
    int64_t bw_dot_min_images, bw_dot_max_streams;
    /* dot mode: at most this many runs of whole images (order), partials of at most this
     * many elements (order), jobs per thread, and about this many bytes of grad_out rows
     * per kernel call, kept in L1 (order) */
    int64_t bw_dot_max_runs, bw_dot_part_max, bw_dot_jobs_per_thread, bw_dot_rows_bytes;
    /* k-vectorised modes: bytes of transposed grad_out per chunk, kept in L2 (order) */
    int64_t bw_chunk_bytes;
    /* chunk-major mode for accumulators of at most this many elements (order: the mode) */
    int64_t bw_chunks_max_acc;
    /* chunk-major partial sums, one accumulator per chunk of a round, at most (elements) */
    int64_t bw_part_max;
    /* grad_out channels transposed together (prefetched streams) */
    int bw_transpose_channels;
    /* input channels a job of the final weight scatter takes */
    int bw_scatter_channels;

    /* ---- FFT (src/fft/) ---- */
    /* bytes of one lane block of last-axis rows transformed together (16 float32 rows:
     * a zmm of each row's element j, the butterflies' vector width) */
    int64_t fft_row_lanes_bytes;
    /* work bytes of one call along a non-last axis (4 planes of n x lanes): lanes
     * chosen so that they stay in L2 across the stages */
    int64_t fft_axis_bytes;
    /* a thread's buffers of one 2-D/3-D overlap-save tile (input, spectrum, work) stay
     * within this (L2-sized: the tile is transformed, multiplied and inverted there);
     * 1-D: a pair of tiles (one complex transform) and the kernel's spectrum, 4 N
     * elements, within fft_tile1d_bytes (L2: every step rereads them) */
    int64_t fft_tile_bytes, fft_tile1d_bytes;
    /* a tile past that budget costs this much more per doubling of its buffers (its
     * passes stream from L3), and no side of a tile is more than fft_max_aspect times
     * another unless the extent cuts it (order: tile sizes) */
    double fft_spill, fft_max_aspect;
    /* and no tile's buffers exceed this many times the budget (1024x576 float32 tiles,
     * 12x: 2-4x slower than 288x288 ones for 95x95 kernels on 1024^2) */
    double fft_spill_max;
    /* 1-D four-step transforms (fft4_plan.c): the data of one column call (n1 x C lanes,
     * both planes) within fft_col_bytes (64 KB ran 7-9% faster than 32 KB, the L1: the
     * calls of one vector of lanes cost more than the L2 reads saved), and the rows of a
     * row group, fft_row4_bytes of lanes (order: no) */
    int64_t fft_col_bytes, fft_row4_bytes;
    /* and 1-D tiles of at least fft_min_n1d points (short tiles' per-pair costs, calls
     * and transposes of few lanes, are outside the model) */
    int64_t fft_min_n1d;
    /* the cost model of method="auto" (benchmarks/fft_costs.py measures them, one
     * thread): ns per multiply-add of the direct path, ns per n*log2(n) and per point
     * of a tile's transform pair (forward + multiply + inverse), float32 and float64 */
    double cm_direct_ns_per_mac_f32, cm_direct_ns_per_mac_f64;
    double cm_fft_ns_per_nlogn_f32, cm_fft_ns_per_nlogn_f64;
    double cm_fft_ns_per_point_f32, cm_fft_ns_per_point_f64;
    /* 1-D and 3-D tiles cost this many times the 2-D model (1-D batches stream long
     * tiles from L3; 3-D tiles have a third axis pass and smaller kept fractions) */
    double cm_fft_rank1_factor, cm_fft_rank3_factor;
    /* ---- Winograd ---- */
    /* bytes of one transformed-domain slice of a round's inputs (reduction channels x
     * tiles), kept in L2 while every output block's product sweeps over it (order: no,
     * each product sums over every channel whatever the round) */
    int64_t wg_vslice_bytes;
    /* a round's transformed inputs and products on one core (private rounds), at most;
     * and the rounds a thread must get for private rounds (else the phases are split) */
    int64_t wg_round_bytes;
    int wg_rounds_per_thread;
    /* algorithm "auto" (order: the algorithm): Winograd for at least this many reduction
     * channels and outputs a group, where its modelled cost times wg_auto_margin is below
     * the direct multiply-adds; the model's weight transform in tiles, and its input or
     * output transform per element in multiply-adds (fitted to the measurements) */
    int64_t wg_auto_min_channels;
    /* weight gradient: a round's transformed inputs and grad_out tiles at most (no order:
     * each sum continues across rounds) */
    int64_t wg_bw_round_bytes;
    double wg_auto_margin, wg_weight_cost, wg_transform_cost;
    /* weight gradient: a round's transformed data is at least wg_bw_round_mw_ratio times
     * the accumulated sums Mw (a^2 x K x C, read and written once a round) and at least
     * wg_bw_round_min_bytes, at most wg_bw_round_bytes: small rounds (in L2 with Mw) for
     * 64-96 channels, large ones where Mw is many MB (measured: benchmarks/ANALYSIS.md) */
    int64_t wg_bw_round_min_bytes;
    double wg_bw_round_mw_ratio;
    /* algorithm "auto", weight gradient: wg_auto_margin's counterpart (order: the algorithm) */
    double wg_bw_auto_margin;

    /* ---- fastconv.ndimage's 1-D and fused 2-D passes (src/ndimage/) ---- */
    /* the L2 the passes plan with: the machine's, 1 MB where it does not say (a LANES
     * block's K rows fit in half of it, so each input row is loaded once per pass) */
    int64_t sep_l2_bytes;
    /* narrowest LANES block (narrower ones spend more on the K row pointers than on the
     * multiply-adds) and widest (wider ones only cost cache) */
    int64_t sep_min_lanes, sep_max_lanes;
    /* jobs per thread for dynamic scheduling to even out the tails */
    int64_t sep_jobs_per_thread;
    /* shortest band of output positions: a band re-reads K-1 rows */
    int64_t sep_min_band;
    /* fewest elements per LINES job: smaller jobs cost more to schedule than to compute */
    int64_t sep_min_job_elems;
    /* lines interleaved by the uniform filter's LINES layout (two AVX-512 vectors of
     * doubles), and positions per piece of them (copy in, sums, copy out stay in L1) */
    int64_t sep_line_group, sep_line_piece;
    /* rows per group of the fused uniform pass: the row kernel interleaves eight lines'
     * sums to cover the adder's latency */
    int64_t sep_box_group;
    /* cost of a row of the fused uniform pass's column-sum prefix (two rows read, four
     * operations a pixel) in percent of a full row's (two quotients, the row kernel);
     * sizes its bands (order: no, each band's sums start from its own prefix) */
    int64_t sep_box_prefix_pct;
    /* ---- FFT path of the batched 1-D passes (plan_fft_batched.c) ---- */
    /* a forward/input-gradient job's spectra (input + output channels x tiles x bins,
     * both planes) within this: it is transformed, multiplied and inverted in L2 */
    int64_t fftb_job_bytes;
    /* but at least this many tiles a job where the kernel spectra exceed that budget
     * (each job streams them once from L3; 1 tile a job ran 1.3x slower for 32x32
     * channels, K = 512); and a tile's own spectra cost more (fft_spill a doubling)
     * only past fftb_spill_tiles times the budget (order: no; tile sizes: yes) */
    int64_t fftb_min_tiles;
    double fftb_spill_tiles;
    /* jobs a call is cut into at least (load balance of 2-4 threads; not by the thread
     * count, so that a tile's rows share the same lanes whatever the threads) */
    int64_t fftb_min_jobs;
    /* a weight-gradient round's spectra at most: every (output, input) channel job
     * sweeps over them (no order: each per-bin sum runs over the tiles in order) */
    int64_t fftb_round_bytes;
    /* auto never takes the FFT for fewer taps than this (direct costs a few
     * multiply-adds an output) nor for fewer multiply-adds than fftb_auto_min_macs */
    int64_t fftb_auto_min_taps;
    double fftb_auto_min_macs;
    /* the cost model (benchmarks/fft_batched_costs.py): ns per multiply-add of the
     * batched direct path; ns per n*log2(n) of one real transform of a tile (forward or
     * inverse, packing included); ns per complex multiply-add of the per-bin products */
    double cm_fftb_direct_ns_per_mac_f32, cm_fftb_direct_ns_per_mac_f64;
    double cm_fftb_ns_per_nlogn_f32, cm_fftb_ns_per_nlogn_f64;
    double cm_fftb_ns_per_cmac_f32, cm_fftb_ns_per_cmac_f64;
} fc_tuning;

/* The table in force: built once (thread-safe) from the defaults and the machine. */
const fc_tuning *fc_tuning_get(void);

#endif
