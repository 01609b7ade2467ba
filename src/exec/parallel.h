/* The one place that knows whether OpenMP is there.  Drivers write
 *     FC_OMP(parallel num_threads(n))
 *     { FC_T *mine = scratch + fc_thread_id() * per;  FC_OMP(for schedule(dynamic, 1)) for (...) }
 * which compiles to the same loops, on one thread, without OpenMP. */
#ifndef FASTCONV_EXEC_PARALLEL_H
#define FASTCONV_EXEC_PARALLEL_H

#ifdef _OPENMP
#include <omp.h>
#define FC_PRAGMA_(x) _Pragma(#x)
#define FC_OMP(x) FC_PRAGMA_(omp x)
static inline int64_t fc_thread_id(void) { return (int64_t)omp_get_thread_num(); }
#else
#define FC_OMP(x)
static inline int64_t fc_thread_id(void) { return 0; }
#endif

#endif
