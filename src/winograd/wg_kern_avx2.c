/* Winograd kernels for avx2 (32-byte vectors; see wg_kern.h and CMakeLists.txt).
 * Tiles: 6x2 vectors (float), 6x2 (double): 12 accumulators. */
#define FC_WG_ISA avx2
#define FC_WG_VB 32
#define FC_WG_MR4 6
#define FC_WG_NV4 2
#define FC_WG_MR8 6
#define FC_WG_NV8 2
#include "wg_kern.h"
