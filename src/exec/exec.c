/* Instantiates the executors and entry points for float and double:
 *   FC_T  element type   FC_S  suffix (f32 / f64)
 *   FC_UINT, FC_EXPBITS  the same-width integer and its exponent bits (finite checks) */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "exec/parallel.h"
#include "plan/plan.h"
#include "fft/fft.h"
#include "fft/fftb_kern.h"

#define FC_CAT2_(a, b) a##_##b
#define FC_CAT2(a, b) FC_CAT2_(a, b)
#define FC_F(name) FC_CAT2(name, FC_S)
#define FC_KT FC_CAT2(fc_kernels, FC_S)


#define FC_T float
#define FC_S f32
#define FC_UINT uint32_t
#define FC_EXPBITS 0x7f800000u
#include "layout/pack_impl.h"
#include "layout/scatter_impl.h"
#include "exec/engine_impl.h"
#include "exec/forward_impl.h"
#include "exec/bwweight_impl.h"
#include "fft/fft_exec_impl.h"
#include "fft/fft4_impl.h"
#include "fft/fft_conv_impl.h"
#include "exec/fftb_impl.h"
#include "exec/single_impl.h"
#include "exec/entry_impl.h"
#undef FC_T
#undef FC_S
#undef FC_UINT
#undef FC_EXPBITS

#define FC_T double
#define FC_S f64
#define FC_UINT uint64_t
#define FC_EXPBITS 0x7ff0000000000000ull
#include "layout/pack_impl.h"
#include "layout/scatter_impl.h"
#include "exec/engine_impl.h"
#include "exec/forward_impl.h"
#include "exec/bwweight_impl.h"
#include "fft/fft_exec_impl.h"
#include "fft/fft4_impl.h"
#include "fft/fft_conv_impl.h"
#include "exec/fftb_impl.h"
#include "exec/single_impl.h"
#include "exec/entry_impl.h"
#undef FC_T
#undef FC_S
#undef FC_UINT
#undef FC_EXPBITS

void fc_ktiles_active(int elem, fc_ktiles *t)
{
    if (elem == 4)
        ktiles_f32(t);
    else
        ktiles_f64(t);
}
