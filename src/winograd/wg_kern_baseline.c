/* Winograd kernels for baseline (16-byte vectors; see wg_kern.h and CMakeLists.txt).
 * Tiles: 4x2 vectors (float), 4x2 (double): 8 accumulators. */
#define FC_WG_ISA baseline
#define FC_WG_VB 16
#define FC_WG_MR4 4
#define FC_WG_NV4 2
#define FC_WG_MR8 4
#define FC_WG_NV8 2
#include "wg_kern.h"
