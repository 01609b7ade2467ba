/* Instantiates the FFT drivers (fft_exec_impl.h) and, on them, the FFT convolution
 * executors for float and double. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "exec/parallel.h"
#include "fft/fft.h"
#include "plan/tuning.h"

#define FC_CAT2_(a, b) a##_##b
#define FC_CAT2(a, b) FC_CAT2_(a, b)
#define FC_F(name) FC_CAT2(name, FC_S)

#define FC_T float
#define FC_S f32
#include "fft/fft_exec_impl.h"
#undef FC_T
#undef FC_S

#define FC_T double
#define FC_S f64
#include "fft/fft_exec_impl.h"
#undef FC_T
#undef FC_S
