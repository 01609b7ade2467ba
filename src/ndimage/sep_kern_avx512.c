/* The 1-D pass kernels for avx512 (64-byte vectors; see sep_kernels.h and CMakeLists.txt). */
#define FC_SEP_ISA avx512
#define FC_SEP_VB 64
#include "sep_kernels.h"
