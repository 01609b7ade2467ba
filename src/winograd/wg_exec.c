/* Instantiates the Winograd executor (wg_exec_impl.h) for float and double. */
#include <stdlib.h>
#include <string.h>
#include "exec/parallel.h"
#include "plan/plan.h"
#include "winograd/wg.h"

#define FC_CAT2_(a, b) a##_##b
#define FC_CAT2(a, b) FC_CAT2_(a, b)
#define FC_F(name) FC_CAT2(name, FC_S)

#define FC_T float
#define FC_S f32
#define FC_KWG fc_wg_kernels_f32
#include "winograd/wg_exec_impl.h"
#include "winograd/wg_bw_impl.h"
#undef FC_T
#undef FC_S
#undef FC_KWG

#define FC_T double
#define FC_S f64
#define FC_KWG fc_wg_kernels_f64
#include "winograd/wg_exec_impl.h"
#include "winograd/wg_bw_impl.h"
#undef FC_T
#undef FC_S
#undef FC_KWG
