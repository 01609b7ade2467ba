/* The tuning table's values (see tuning.h for what each field means).  The machine's
 * cache sizes are recorded here; the planners' byte budgets are fixed values for now,
 * equal on every machine, so that results depend on the shapes alone. */
#include <pthread.h>
#include <unistd.h>
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
}

const fc_tuning *fc_tuning_get(void)
{
    pthread_once(&table_once, table_init);
    return &table;
}
