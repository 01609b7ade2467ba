/* The 1-D pass kernels for baseline (16-byte vectors; see sep_kernels.h and CMakeLists.txt). */
#define FC_SEP_ISA baseline
#define FC_SEP_VB 16
#include "sep_kernels.h"
