/* The tuning table's values (see tuning.h for what each field means).  The byte budgets
 * are the values measured on a core with 48 KB of L1d and 2 MB of L2 (benchmarks/
 * ANALYSIS.md, "The tuning table"); the caches of the machine that runs them are read
 * once (sysconf) and reported with the table.  Fields that change the order of a sum are
 * fixed values, equal on every machine, so that results depend on the shapes and the
 * ISA alone.  FASTCONV_TUNING="field=value,..." overrides fields for experiments (an
 * unknown field or a bad value is ignored). */
#include <pthread.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#include "plan/tuning.h"

static fc_tuning table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* A cache size from sysconf, or 0 where the OS has no such name or does not know. */
static int64_t cache_bytes(int level)
{
    long v = -1;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
    v = sysconf(level == 1 ? _SC_LEVEL1_DCACHE_SIZE : level == 2 ? _SC_LEVEL2_CACHE_SIZE : _SC_LEVEL3_CACHE_SIZE);
#else
    (void)level;
#endif
    return v > 0 ? (int64_t)v : 0;
}

/* The fields FASTCONV_TUNING may set, by name. */
#define FIELD(name, kind) {#name, offsetof(fc_tuning, name), kind}
static const struct {
    const char *name;
    size_t off;
    char kind; /* 'i': int64_t, 'n': int, 'd': double */
} fields[] = {
    FIELD(min_macs_per_thread, 'd'), FIELD(pack_bytes_per_thread, 'i'), FIELD(l1_slab_bytes, 'i'),
    FIELD(jobs_per_thread, 'n'), FIELD(tiles_per_job_max, 'n'), FIELD(private_pack_max_bytes, 'i'),
    FIELD(band_min_bytes, 'i'), FIELD(band_rows, 'n'), FIELD(band_min_rows, 'n'), FIELD(stream_min_bytes, 'i'),
    FIELD(kvec_min_reduction, 'i'), FIELD(kvec_margin, 'd'), FIELD(kvec_many_taps, 'n'),
    FIELD(kvec_block_job_weight_bytes, 'i'), FIELD(bw_dot_min_images, 'i'), FIELD(bw_dot_max_streams, 'i'),
    FIELD(bw_dot_max_runs, 'i'), FIELD(bw_dot_part_max, 'i'), FIELD(bw_dot_jobs_per_thread, 'i'),
    FIELD(bw_dot_rows_bytes, 'i'), FIELD(bw_chunk_bytes, 'i'), FIELD(bw_chunks_max_acc, 'i'),
    FIELD(bw_part_max, 'i'), FIELD(bw_transpose_channels, 'n'), FIELD(bw_scatter_channels, 'n'),
    FIELD(fft_row_lanes_bytes, 'i'), FIELD(fft_axis_bytes, 'i'), FIELD(fft_tile_bytes, 'i'),
    FIELD(fft_tile1d_bytes, 'i'), FIELD(fft_spill, 'd'), FIELD(fft_max_aspect, 'd'),
    FIELD(fft_spill_max, 'd'), FIELD(fft_col_bytes, 'i'), FIELD(fft_row4_bytes, 'i'), FIELD(fft_min_n1d, 'i'),
    FIELD(cm_direct_ns_per_mac_f32, 'd'), FIELD(cm_direct_ns_per_mac_f64, 'd'),
    FIELD(cm_fft_ns_per_nlogn_f32, 'd'), FIELD(cm_fft_ns_per_nlogn_f64, 'd'),
    FIELD(cm_fft_ns_per_point_f32, 'd'), FIELD(cm_fft_ns_per_point_f64, 'd'),
    FIELD(cm_fft_rank1_factor, 'd'), FIELD(cm_fft_rank3_factor, 'd'),
    FIELD(wg_vslice_bytes, 'i'), FIELD(wg_round_bytes, 'i'), FIELD(wg_rounds_per_thread, 'n'),
    FIELD(wg_auto_min_channels, 'i'), FIELD(wg_bw_round_bytes, 'i'), FIELD(wg_auto_margin, 'd'), FIELD(wg_weight_cost, 'd'),
    FIELD(wg_transform_cost, 'd'), FIELD(wg_bw_round_min_bytes, 'i'), FIELD(wg_bw_round_mw_ratio, 'd'),
    FIELD(wg_bw_auto_margin, 'd'),
    FIELD(sep_l2_bytes, 'i'), FIELD(sep_min_lanes, 'i'), FIELD(sep_max_lanes, 'i'),
    FIELD(sep_jobs_per_thread, 'i'), FIELD(sep_min_band, 'i'), FIELD(sep_min_job_elems, 'i'),
    FIELD(sep_line_group, 'i'), FIELD(sep_line_piece, 'i'), FIELD(sep_box_group, 'i'),
    FIELD(sep_box_prefix_pct, 'i'),
    FIELD(fftb_job_bytes, 'i'), FIELD(fftb_min_tiles, 'i'), FIELD(fftb_spill_tiles, 'd'), FIELD(fftb_min_jobs, 'i'), FIELD(fftb_round_bytes, 'i'), FIELD(fftb_auto_min_taps, 'i'),
    FIELD(fftb_auto_min_macs, 'd'), FIELD(cm_fftb_direct_ns_per_mac_f32, 'd'),
    FIELD(cm_fftb_direct_ns_per_mac_f64, 'd'), FIELD(cm_fftb_ns_per_nlogn_f32, 'd'),
    FIELD(cm_fftb_ns_per_nlogn_f64, 'd'), FIELD(cm_fftb_ns_per_cmac_f32, 'd'), FIELD(cm_fftb_ns_per_cmac_f64, 'd'),
};

/* "field=value,...": each known field with a positive value is set. */
static void apply_overrides(fc_tuning *t, const char *spec)
{
    if (!spec) return;
    char buf[1024];
    if (strlen(spec) >= sizeof buf) return;
    strcpy(buf, spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '='), *end = NULL;
        if (!eq) continue;
        *eq = '\0';
        const double v = strtod(eq + 1, &end);
        if (end == eq + 1 || *end != '\0' || !(v > 0) || v > 9.0e18) continue;
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; ++f) {
            if (strcmp(item, fields[f].name) != 0) continue;
            char *dst = (char *)t + fields[f].off;
            if (fields[f].kind == 'd') *(double *)dst = v;
            else if (fields[f].kind == 'n' && v <= 2147483647.0) *(int *)dst = (int)v;
            else if (fields[f].kind == 'i') *(int64_t *)dst = (int64_t)v;
        }
    }
}

static void table_init(void)
{
    fc_tuning *t = &table;
    t->l1d_bytes = cache_bytes(1);
    t->l2_bytes = cache_bytes(2);
    t->l3_bytes = cache_bytes(3);

    t->min_macs_per_thread = (double)(1 << 18);

    t->pack_bytes_per_thread = (int64_t)3 << 19;
    t->l1_slab_bytes = 16 * 1024;
    t->jobs_per_thread = 4;
    t->tiles_per_job_max = 8;
    t->private_pack_max_bytes = (int64_t)1 << 20;
    t->band_min_bytes = (int64_t)4 << 20;
    t->band_rows = 16;
    t->band_min_rows = 8;
    t->stream_min_bytes = (int64_t)4 << 20;

    t->kvec_min_reduction = 64;
    t->kvec_margin = 0.09;
    t->kvec_many_taps = 9;
    t->kvec_block_job_weight_bytes = (int64_t)1 << 20;

    t->bw_dot_min_images = 4;
    t->bw_dot_max_streams = 48;
    t->bw_dot_max_runs = 16;
    t->bw_dot_part_max = (int64_t)1 << 20;
    t->bw_dot_jobs_per_thread = 16;
    t->bw_dot_rows_bytes = 32 * 1024;
    t->bw_chunk_bytes = 384 * 1024;
    t->bw_chunks_max_acc = 65536;
    t->bw_part_max = (int64_t)1 << 22;
    t->bw_transpose_channels = 16;
    t->bw_scatter_channels = 32;
    t->fft_row_lanes_bytes = 64;
    t->fft_axis_bytes = 256 * 1024;
    t->fft_tile_bytes = 768 * 1024;
    t->fft_tile1d_bytes = t->l2_bytes > 0 ? t->l2_bytes : 1024 * 1024;
    t->fft_spill = 0.3;
    t->fft_max_aspect = 2.5;
    t->fft_spill_max = 4.0;
    t->fft_col_bytes = 64 * 1024;
    t->fft_row4_bytes = 64;
    t->fft_min_n1d = 1024;
    /* measured by benchmarks/fft_costs.py on AMD EPYC family 25 model 17 (Zen 4),
     * AVX-512, one thread, CPU time (the machine was shared: wall time was not usable) */
    t->cm_direct_ns_per_mac_f32 = 0.0255;
    t->cm_direct_ns_per_mac_f64 = 0.063;
    t->cm_fft_ns_per_nlogn_f32 = 0.24;
    t->cm_fft_ns_per_nlogn_f64 = 0.37;
    t->cm_fft_rank1_factor = 0.9;
    t->cm_fft_rank3_factor = 1.35;
    t->cm_fft_ns_per_point_f32 = 0.05;
    t->cm_fft_ns_per_point_f64 = 0.1;
    t->wg_vslice_bytes = t->l2_bytes > 0 ? t->l2_bytes / 2 : 512 * 1024;
    t->wg_round_bytes = t->l2_bytes > 0 ? t->l2_bytes / 2 : 512 * 1024;
    t->wg_rounds_per_thread = 4;
    t->wg_auto_min_channels = 64;
    t->wg_bw_round_bytes = (int64_t)16 << 20;
    t->wg_auto_margin = 1.25;
    t->wg_weight_cost = 32;
    t->wg_transform_cost = 48;
    t->wg_bw_round_min_bytes = (int64_t)2 << 20;
    t->wg_bw_round_mw_ratio = 2;
    t->wg_bw_auto_margin = 1.25;
    t->sep_l2_bytes = t->l2_bytes > 4096 ? t->l2_bytes : 1024 * 1024;
    t->sep_min_lanes = 64;
    t->sep_max_lanes = 4096;
    t->sep_jobs_per_thread = 4;
    t->sep_min_band = 64;
    t->sep_min_job_elems = 8192;
    t->sep_line_group = 16;
    t->sep_line_piece = 128;
    t->sep_box_group = 8;
    t->sep_box_prefix_pct = 25;
    t->fftb_job_bytes = t->l2_bytes > 0 ? t->l2_bytes : 1024 * 1024;
    t->fftb_min_tiles = 4;
    t->fftb_spill_tiles = 4.0;
    t->fftb_min_jobs = 8;
    t->fftb_round_bytes = (int64_t)4 << 20;
    t->fftb_auto_min_taps = 16;
    t->fftb_auto_min_macs = 1.0e7;
    /* benchmarks/fft_batched_costs.py, AMD EPYC family 25 model 17 (Zen 4), AVX-512,
     * one thread, CPU time: the mean of two runs (the products' term is small beside the
     * transforms' and its fit varies: f64 0.11-0.20) */
    t->cm_fftb_direct_ns_per_mac_f32 = 0.0196;
    t->cm_fftb_direct_ns_per_mac_f64 = 0.0387;
    t->cm_fftb_ns_per_nlogn_f32 = 0.245;
    t->cm_fftb_ns_per_nlogn_f64 = 0.36;
    t->cm_fftb_ns_per_cmac_f32 = 0.015;
    t->cm_fftb_ns_per_cmac_f64 = 0.15;
    apply_overrides(t, getenv("FASTCONV_TUNING"));
}

const fc_tuning *fc_tuning_get(void)
{
    pthread_once(&table_once, table_init);
    return &table;
}

fc_status fc_tuning_describe(char *buf, size_t n)
{
    if (!buf || n == 0) return FC_EINVAL;
    const fc_tuning *t = fc_tuning_get();
    size_t len = (size_t)snprintf(buf, n, "l1d_bytes=%lld l2_bytes=%lld", (long long)t->l1d_bytes,
                                  (long long)t->l2_bytes);
    for (size_t f = 0; f < sizeof fields / sizeof fields[0] && len < n; ++f) {
        const char *src = (const char *)t + fields[f].off;
        if (fields[f].kind == 'd')
            len += (size_t)snprintf(buf + len, n - len, " %s=%g", fields[f].name, *(const double *)src);
        else if (fields[f].kind == 'n')
            len += (size_t)snprintf(buf + len, n - len, " %s=%d", fields[f].name, *(const int *)src);
        else
            len += (size_t)snprintf(buf + len, n - len, " %s=%lld", fields[f].name, (long long)*(const int64_t *)src);
    }
    return len < n ? FC_OK : FC_EINVAL;
}
