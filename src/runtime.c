/* Run-time configuration: ISA dispatch, thread count, version and status strings. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "plan/tuning.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#ifndef FC_VERSION_STRING
#define FC_VERSION_STRING "0.1.0"
#endif

static const char *const isa_names[FC_ISA_COUNT] = {"baseline", "avx2", "avx512"};

/* A level is compiled when the picker, asked for it, returns it itself. */
static int isa_compiled(fc_isa_id id) { return fc_isa_best((int)id) == (int)id; }

static int isa_cpu_ok(fc_isa_id id)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    __builtin_cpu_init();
    switch (id) {
    case FC_ISA_BASELINE: return 1;
    /* __builtin_cpu_supports also checks that the OS saves the wide registers (XCR0). */
    case FC_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case FC_ISA_AVX512: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
                               __builtin_cpu_supports("fma");
    default: return 0;
    }
#else
    return id == FC_ISA_BASELINE;
#endif
}

static int isa_usable(fc_isa_id id) { return isa_compiled(id) && isa_cpu_ok(id); }

/* The ISA in use: chosen once, on first use (pthread_once), and changed only by
 * fc_set_isa; read and written atomically. */
static int active_isa = FC_ISA_BASELINE;
static pthread_once_t isa_once = PTHREAD_ONCE_INIT;

int fc_isa_from_name(const char *name)
{
    for (int i = 0; i < FC_ISA_COUNT; ++i)
        if (strcmp(name, isa_names[i]) == 0) return i;
    return -1;
}

static int choose_isa(void)
{
    int best = FC_ISA_BASELINE;
    for (int i = FC_ISA_COUNT - 1; i >= 0; --i)
        if (isa_usable((fc_isa_id)i)) { best = i; break; }
    /* FASTCONV_ISA caps the choice; an unknown name is ignored rather than fatal,
     * since a library must not abort its host process over an environment typo. */
    const char *cap = getenv("FASTCONV_ISA");
    if (cap && *cap) {
        int c = fc_isa_from_name(cap);
        if (c >= 0 && c < best) best = c;
    }
    return best;
}

static void isa_init(void) { __atomic_store_n(&active_isa, choose_isa(), __ATOMIC_RELEASE); }

static int current_isa(void)
{
    pthread_once(&isa_once, isa_init);
    return __atomic_load_n(&active_isa, __ATOMIC_ACQUIRE);
}

int fc_active_isa(void) { return current_isa(); }

const fc_kernels_f32 *fc_kernels_for_f32(int isa)
{
    static const fc_kernels_f32 *const t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_kernels_f32);
    return t[fc_isa_best(isa)];
}

const fc_kernels_f64 *fc_kernels_for_f64(int isa)
{
    static const fc_kernels_f64 *const t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_kernels_f64);
    return t[fc_isa_best(isa)];
}

/* The narrowest vectors isa can run (AVX2's when AVX-512 is in use): their one-vector
 * tiles fit layers with few output channels. */
const fc_kernels_f32 *fc_narrow_for_f32(int isa)
{
    return fc_kernels_for_f32(isa >= FC_ISA_AVX2 ? FC_ISA_AVX2 : FC_ISA_BASELINE);
}

const fc_kernels_f64 *fc_narrow_for_f64(int isa)
{
    return fc_kernels_for_f64(isa >= FC_ISA_AVX2 ? FC_ISA_AVX2 : FC_ISA_BASELINE);
}

const char *fc_isa(void) { return isa_names[current_isa()]; }

static void join_names(char *buf, size_t n, int (*pred)(fc_isa_id))
{
    buf[0] = '\0';
    for (int i = 0; i < FC_ISA_COUNT; ++i) {
        if (!pred((fc_isa_id)i)) continue;
        if (buf[0]) strncat(buf, ",", n - strlen(buf) - 1);
        strncat(buf, isa_names[i], n - strlen(buf) - 1);
    }
}

/* filled once, before any caller can read them */
static char compiled_names[64], supported_names[64];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void names_init(void)
{
    join_names(compiled_names, sizeof compiled_names, isa_compiled);
    join_names(supported_names, sizeof supported_names, isa_usable);
}

const char *fc_isa_compiled(void)
{
    pthread_once(&names_once, names_init);
    return compiled_names;
}

const char *fc_isa_supported(void)
{
    pthread_once(&names_once, names_init);
    return supported_names;
}

fc_status fc_set_isa(const char *name)
{
    if (!name) return FC_EINVAL;
    int id = fc_isa_from_name(name);
    if (id < 0) return FC_EINVAL;
    if (!isa_usable((fc_isa_id)id)) return FC_EUNSUPPORTED;
    pthread_once(&isa_once, isa_init);
    __atomic_store_n(&active_isa, id, __ATOMIC_RELEASE);
    return FC_OK;
}

/* ---- threads ---- */

static volatile int default_threads = 0;   /* 0: follow OpenMP (OMP_NUM_THREADS) */

fc_status fc_set_num_threads(int n)
{
    default_threads = n > 0 ? n : 0;
    return FC_OK;
}

int fc_get_num_threads(void)
{
    if (default_threads > 0) return default_threads;
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

int fc_resolve_threads(int n, double work)
{
#ifdef _OPENMP
    int t = n > 0 ? n : fc_get_num_threads();
    const double cap = work / fc_tuning_get()->min_macs_per_thread;
    if (cap < t) t = cap < 1.0 ? 1 : (int)cap;
    return t;
#else
    (void)n;
    (void)work;
    return 1;
#endif
}

int fc_has_openmp(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

const char *fc_compiler(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

const char *fc_version(void) { return FC_VERSION_STRING; }

const char *fc_status_message(fc_status s)
{
    switch (s) {
    case FC_OK: return "success";
    case FC_EINVAL: return "invalid argument";
    case FC_ENOMEM: return "out of memory";
    case FC_EOVERFLOW: return "size overflows 64 bits";
    case FC_EUNSUPPORTED: return "not supported by this build or CPU";
    default: return "unknown status";
    }
}

/* ---- memory ---- */

static void *raw_alloc(size_t bytes)
{
    if (bytes == 0) bytes = FC_ALIGN;
    if (bytes > (size_t)INT64_MAX - FC_ALIGN) return NULL;
    void *p = NULL;
    if (posix_memalign(&p, FC_ALIGN, fc_round_up((int64_t)bytes, FC_ALIGN)) != 0) return NULL;
    return p;
}

/* A few workspaces are kept between calls.  A large buffer that goes back to the system
 * after each call costs a page fault per 4 KiB on the next one, more than the arithmetic
 * of a fast call.  Each slot holds one idle buffer; calls take the smallest that fits. */
#define FC_WS_SLOTS 4
#define FC_WS_KEEP_MAX ((size_t)1 << 30) /* never keep more than 1 GiB idle in one slot */
typedef struct ws_hdr { size_t bytes; char pad[FC_ALIGN - sizeof(size_t)]; } ws_hdr;
static ws_hdr *ws_slot[FC_WS_SLOTS];
static pthread_mutex_t ws_lock = PTHREAD_MUTEX_INITIALIZER;

void *fc_malloc(size_t bytes)
{
    ws_hdr *best = NULL;
    int bi = -1;
    pthread_mutex_lock(&ws_lock);
    for (int i = 0; i < FC_WS_SLOTS; ++i)
        if (ws_slot[i] && ws_slot[i]->bytes >= bytes && (!best || ws_slot[i]->bytes < best->bytes)) {
            best = ws_slot[i];
            bi = i;
        }
    if (best) ws_slot[bi] = NULL;
    pthread_mutex_unlock(&ws_lock);
    if (!best) {
        if (bytes > SIZE_MAX - sizeof(ws_hdr)) return NULL;
        best = raw_alloc(bytes + sizeof(ws_hdr));
        if (!best) return NULL;
        best->bytes = bytes;
    }
    return best + 1;
}

void fc_free(void *p)
{
    if (!p) return;
    ws_hdr *h = (ws_hdr *)p - 1;
    if (h->bytes <= FC_WS_KEEP_MAX) {
        pthread_mutex_lock(&ws_lock);
        /* an empty slot, else evict the smallest idle buffer if this one is larger */
        int victim = -1;
        for (int i = 0; i < FC_WS_SLOTS; ++i) {
            if (!ws_slot[i]) { victim = i; break; }
            if (ws_slot[i]->bytes < h->bytes && (victim < 0 || ws_slot[i]->bytes < ws_slot[victim]->bytes))
                victim = i;
        }
        ws_hdr *evicted = NULL;
        if (victim >= 0) {
            evicted = ws_slot[victim];
            ws_slot[victim] = h;
            h = NULL;
        }
        pthread_mutex_unlock(&ws_lock);
        free(evicted);
    }
    free(h);
}

/* Give every idle workspace back to the system. */
void fc_release_workspace(void)
{
    pthread_mutex_lock(&ws_lock);
    for (int i = 0; i < FC_WS_SLOTS; ++i) {
        free(ws_slot[i]);
        ws_slot[i] = NULL;
    }
    pthread_mutex_unlock(&ws_lock);
}
