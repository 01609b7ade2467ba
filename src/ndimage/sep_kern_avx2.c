/* The 1-D pass kernels for avx2 (32-byte vectors; see sep_kernels.h and CMakeLists.txt). */
#define FC_SEP_ISA avx2
#define FC_SEP_VB 32
#include "sep_kernels.h"
