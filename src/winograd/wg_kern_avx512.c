/* Winograd kernels for avx512 (64-byte vectors; see wg_kern.h and CMakeLists.txt).
 * Tiles: 8x2 vectors (float), 8x2 (double): 16 accumulators. */
#define FC_WG_ISA avx512
#define FC_WG_VB 64
#define FC_WG_MR4 8
#define FC_WG_NV4 2
#define FC_WG_MR8 8
#define FC_WG_NV8 2
#include "wg_kern.h"
