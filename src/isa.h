/* The one ISA picker: which instruction sets this build compiled, and, for any kernel
 * family (direct kernels, FFT butterflies, Winograd, the ndimage passes), the best of
 * its tables for a run-time ISA level.  The level itself (CPUID, capped by FASTCONV_ISA
 * or set by fc_set_isa) is chosen in runtime.c; a family only says which tables it has:
 *
 *     const fc_fftk_f32 *fc_fftk_for_f32(int isa)
 *     {
 *         static const fc_fftk_f32 *const t[FC_ISA_COUNT] = FC_ISA_TABLES(fc_fftk_f32);
 *         return t[fc_isa_best(isa)];
 *     }
 *
 * Every family is compiled for the same instruction sets (CMakeLists.txt adds the avx2
 * and avx512 files of all of them together), so one set of FC_HAVE_* flags serves all. */
#ifndef FC_ISA_H
#define FC_ISA_H

#include <stddef.h>

/* Which kernel files this build compiled: CMake defines these to 1 on x86-64; any other
 * build has the baseline tables only.  The only place with these defaults. */
#ifndef FC_HAVE_AVX2
#define FC_HAVE_AVX2 0
#endif
#ifndef FC_HAVE_AVX512
#define FC_HAVE_AVX512 0
#endif

/* Ordered: a higher level runs every instruction of the lower ones. */
typedef enum fc_isa_id { FC_ISA_BASELINE = 0, FC_ISA_AVX2 = 1, FC_ISA_AVX512 = 2, FC_ISA_COUNT } fc_isa_id;

/* The highest compiled level not above isa (the baseline below 0), e.g. isa = AVX512 in
 * a build without AVX-512 files gives AVX2. */
static inline int fc_isa_best(int isa)
{
    static const int compiled[FC_ISA_COUNT] = {1, FC_HAVE_AVX2, FC_HAVE_AVX512};
    int i = isa < FC_ISA_COUNT ? isa : FC_ISA_COUNT - 1;
    while (i > FC_ISA_BASELINE && !compiled[i]) --i;
    return i > FC_ISA_BASELINE ? i : FC_ISA_BASELINE;
}

/* The initializer {&name_baseline, &name_avx2, &name_avx512} of a family's table array,
 * indexed by fc_isa_id, with NULL for a file this build did not compile (whose symbol is
 * then never named).  fc_isa_best never picks a NULL slot. */
#if FC_HAVE_AVX2
#define FC_IF_AVX2(x) (x)
#else
#define FC_IF_AVX2(x) NULL
#endif
#if FC_HAVE_AVX512
#define FC_IF_AVX512(x) (x)
#else
#define FC_IF_AVX512(x) NULL
#endif
#define FC_ISA_TABLES(name) {&name##_baseline, FC_IF_AVX2(&name##_avx2), FC_IF_AVX512(&name##_avx512)}

/* The level named "baseline", "avx2" or "avx512"; -1 for any other name. */
int fc_isa_from_name(const char *name);

#endif
