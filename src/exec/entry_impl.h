/* The public entry points of one element type: validate -> plan -> execute. */

/* The register tiles of the active ISA's table, for the planners. */
static void FC_F(ktiles)(fc_ktiles *t)
{
    const int isa = fc_active_isa();
    const FC_KT *k = FC_CAT2(fc_kernels_for, FC_S)(isa), *kn = FC_CAT2(fc_narrow_for, FC_S)(isa);
    *t = (fc_ktiles){.isa = isa, .elem = (int)sizeof(FC_T), .mr = k->mr, .nr = k->nr, .vl = k->vl,
                     .mr2 = k->mr2, .nr2 = k->nr2, .nr1 = k->nr1, .has_fwdd = k->fwdd != NULL,
                     .wk = k->wk, .wnj = k->wnj, .wkw = k->wkw, .wnjw = k->wnjw, .wdk = k->wdk,
                     .wds = k->wds, .wds1 = k->wds1, .n_wkn = kn->wkn, .n_wnjn = kn->wnjn,
                     .rb = k->rb, .rnr = k->rnr, .kw = k->kw, .kp = k->kp};
}

fc_status FC_F(fc_conv_forward_ex)(const fc_conv_desc *d, int algorithm, const FC_T *x, const FC_T *w,
                                   const FC_T *bias, FC_T *y, int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc_algo(d, algorithm, &p);
    if (st) return st;
    if (p.N == 0) return FC_OK;
    if (!x || !w || !y) return FC_EINVAL;
    fc_ktiles kt;
    FC_F(ktiles)(&kt);
    fc_plan pl;
    const int fb = fc_fftb_use(&p, FC_OP_FORWARD, &kt, num_threads);
    if (fb < 0) return FC_EUNSUPPORTED;
    if (fb) {
        if ((st = fc_plan_fft_batched(&p, FC_OP_FORWARD, &kt, num_threads, &pl))) return st;
        st = FC_F(fftb_exec)(&pl, x, w, bias, y);
        fc_plan_free(&pl);
        return st;
    }
    const int wg = fc_wg_use(&p, FC_OP_FORWARD, &kt);
    if (wg < 0) return FC_EUNSUPPORTED;
    if (wg) {
        if ((st = fc_plan_winograd(&p, FC_OP_FORWARD, &kt, num_threads, &pl))) return st;
        st = FC_F(fc_wg_exec)(&pl, x, w, bias, y);
        fc_plan_free(&pl);
        return st;
    }
    if ((st = fc_plan_forward(&p, &kt, bias != NULL, num_threads, &pl))) return st;
    st = FC_F(forward_exec)(&pl, x, w, bias, y);
    fc_plan_free(&pl);
    return st;
}

fc_status FC_F(fc_conv_forward)(const fc_conv_desc *d, const FC_T *x, const FC_T *w, const FC_T *bias, FC_T *y,
                                int num_threads)
{
    return FC_F(fc_conv_forward_ex)(d, FC_ALGORITHM_AUTO, x, w, bias, y, num_threads);
}

fc_status FC_F(fc_conv_backward_input_ex)(const fc_conv_desc *d, int algorithm, const FC_T *go, const FC_T *w,
                                          FC_T *gx, int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc_algo(d, algorithm, &p);
    if (st) return st;
    if (p.N == 0) return FC_OK;
    if (!go || !w || !gx) return FC_EINVAL;
    fc_ktiles kt;
    FC_F(ktiles)(&kt);
    fc_plan pl;
    const int fb = fc_fftb_use(&p, FC_OP_BACKWARD_INPUT, &kt, num_threads);
    if (fb < 0) return FC_EUNSUPPORTED;
    if (fb) {
        if ((st = fc_plan_fft_batched(&p, FC_OP_BACKWARD_INPUT, &kt, num_threads, &pl))) return st;
        st = FC_F(fftb_exec)(&pl, go, w, NULL, gx);
        fc_plan_free(&pl);
        return st;
    }
    const int wg = fc_wg_use(&p, FC_OP_BACKWARD_INPUT, &kt);
    if (wg < 0) return FC_EUNSUPPORTED;
    if (wg) {
        if ((st = fc_plan_winograd(&p, FC_OP_BACKWARD_INPUT, &kt, num_threads, &pl))) return st;
        st = FC_F(fc_wg_exec)(&pl, go, w, NULL, gx);
        fc_plan_free(&pl);
        return st;
    }
    if ((st = fc_plan_backward_input(&p, &kt, 0, num_threads, &pl))) return st;
    st = FC_F(backward_input_exec)(&pl, go, w, NULL, gx);
    fc_plan_free(&pl);
    return st;
}

fc_status FC_F(fc_conv_backward_input)(const fc_conv_desc *d, const FC_T *go, const FC_T *w, FC_T *gx,
                                       int num_threads)
{
    return FC_F(fc_conv_backward_input_ex)(d, FC_ALGORITHM_AUTO, go, w, gx, num_threads);
}

/* conv_transpose is the backward-input pass of the convolution d describes, with a bias
 * (see fastconv.h for how d is built from PyTorch's arguments); the direct method only
 * (the Winograd path adds no bias on backward-input). */
fc_status FC_F(fc_conv_transpose)(const fc_conv_desc *d, const FC_T *x, const FC_T *w, const FC_T *bias, FC_T *y,
                                  int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc(d, &p);
    if (st) return st;
    if (p.N == 0) return FC_OK;
    if (!x || !w || !y) return FC_EINVAL;
    fc_ktiles kt;
    FC_F(ktiles)(&kt);
    fc_plan pl;
    if ((st = fc_plan_backward_input(&p, &kt, bias != NULL, num_threads, &pl))) return st;
    st = FC_F(backward_input_exec)(&pl, x, w, bias, y);
    fc_plan_free(&pl);
    return st;
}

fc_status FC_F(fc_conv_backward_weight_ex)(const fc_conv_desc *d, int algorithm, const FC_T *x, const FC_T *go,
                                           FC_T *gw, int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc_algo(d, algorithm, &p);
    if (st) return st;
    if (!gw || (p.N > 0 && (!x || !go))) return FC_EINVAL;
    fc_ktiles kt;
    FC_F(ktiles)(&kt);
    fc_plan pl;
    const int fb = fc_fftb_use(&p, FC_OP_BACKWARD_WEIGHT, &kt, num_threads);
    if (fb < 0) return FC_EUNSUPPORTED;
    if (fb) {
        if ((st = fc_plan_fft_batched(&p, FC_OP_BACKWARD_WEIGHT, &kt, num_threads, &pl))) return st;
        st = FC_F(fftb_exec_bw)(&pl, x, go, gw);
        fc_plan_free(&pl);
        return st;
    }
    const int wg = fc_wg_use(&p, FC_OP_BACKWARD_WEIGHT, &kt);
    if (wg < 0) return FC_EUNSUPPORTED;
    if (wg) {
        if ((st = fc_plan_winograd(&p, FC_OP_BACKWARD_WEIGHT, &kt, num_threads, &pl))) return st;
        st = FC_F(fc_wg_exec_bw)(&pl, x, go, gw);
        fc_plan_free(&pl);
        return st;
    }
    if ((st = fc_plan_backward_weight(&p, &kt, num_threads, &pl))) return st;
    st = FC_F(backward_weight_exec)(&pl, x, go, gw);
    fc_plan_free(&pl);
    return st;
}

fc_status FC_F(fc_conv_backward_weight)(const fc_conv_desc *d, const FC_T *x, const FC_T *go, FC_T *gw,
                                        int num_threads)
{
    return FC_F(fc_conv_backward_weight_ex)(d, FC_ALGORITHM_AUTO, x, go, gw, num_threads);
}

fc_status FC_F(fc_conv_backward_bias)(const fc_conv_desc *d, const FC_T *go, FC_T *gb, int num_threads)
{
    fc_prob p;
    fc_status st = fc_prob_from_desc(d, &p);
    if (st) return st;
    if (!gb || (p.N > 0 && !go)) return FC_EINVAL;
    fc_ktiles kt;
    FC_F(ktiles)(&kt);
    fc_plan pl;
    if ((st = fc_plan_backward_bias(&p, &kt, num_threads, &pl))) return st;
    FC_F(backward_bias_exec)(&pl, go, gb);
    fc_plan_free(&pl);
    return FC_OK;
}

static fc_status FC_F(single)(fc_single_fn fn, int ndim, const int64_t *s1, const FC_T *in1, const int64_t *s2,
                              const FC_T *in2, fc_mode mode, int boundary, FC_T fill, int method, FC_T *out,
                              int num_threads)
{
    if (ndim < 1 || ndim > 3 || !in1 || !in2 || !out) return FC_EINVAL;
    if (boundary < FC_BOUNDARY_FILL || boundary > FC_BOUNDARY_MIRROR) return FC_EINVAL;
    fc_prob p;
    int swapped;
    fc_status st = fc_single_problem(ndim, s1, s2, mode, fn == FC_FN_CORRELATE2D,
                                     fn == FC_FN_CONVOLVE || fn == FC_FN_CONVOLVE2D, &p, &swapped);
    if (st) return st;
    fc_ktiles kt;
    FC_F(ktiles)(&kt);
    fc_plan pl;
    if ((st = fc_plan_single_method(&p, &kt, ndim, boundary, swapped, method, num_threads, &pl))) return st;
    st = swapped ? FC_F(single_exec)(&pl, in2, in1, fill, out) : FC_F(single_exec)(&pl, in1, in2, fill, out);
    fc_plan_free(&pl);
    return st;
}

fc_status FC_F(fc_correlate)(int ndim, const int64_t *s1, const FC_T *in1, const int64_t *s2, const FC_T *in2,
                             fc_mode mode, FC_T *out, int num_threads)
{
    return FC_F(single)(FC_FN_CORRELATE, ndim, s1, in1, s2, in2, mode, FC_BOUNDARY_FILL, 0, FC_METHOD_DIRECT, out, num_threads);
}

fc_status FC_F(fc_convolve)(int ndim, const int64_t *s1, const FC_T *in1, const int64_t *s2, const FC_T *in2,
                            fc_mode mode, FC_T *out, int num_threads)
{
    return FC_F(single)(FC_FN_CONVOLVE, ndim, s1, in1, s2, in2, mode, FC_BOUNDARY_FILL, 0, FC_METHOD_DIRECT, out, num_threads);
}

fc_status FC_F(fc_correlate2d)(const int64_t s1[2], const FC_T *in1, const int64_t s2[2], const FC_T *in2,
                               fc_mode mode, fc_boundary boundary, FC_T fill, FC_T *out, int num_threads)
{
    return FC_F(single)(FC_FN_CORRELATE2D, 2, s1, in1, s2, in2, mode, boundary, fill, FC_METHOD_DIRECT, out, num_threads);
}

fc_status FC_F(fc_convolve2d)(const int64_t s1[2], const FC_T *in1, const int64_t s2[2], const FC_T *in2,
                              fc_mode mode, fc_boundary boundary, FC_T fill, FC_T *out, int num_threads)
{
    return FC_F(single)(FC_FN_CONVOLVE2D, 2, s1, in1, s2, in2, mode, boundary, fill, FC_METHOD_DIRECT, out, num_threads);
}

fc_status FC_F(fc_single)(fc_single_fn fn, int ndim, const int64_t *s1, const FC_T *in1, const int64_t *s2,
                          const FC_T *in2, fc_mode mode, fc_boundary boundary, FC_T fill, fc_method method,
                          FC_T *out, int num_threads)
{
    if (fn < FC_FN_CORRELATE || fn > FC_FN_CONVOLVE2D) return FC_EINVAL;
    if ((fn == FC_FN_CORRELATE2D || fn == FC_FN_CONVOLVE2D) && ndim != 2) return FC_EINVAL;
    if ((fn == FC_FN_CORRELATE || fn == FC_FN_CONVOLVE) && boundary != FC_BOUNDARY_FILL) return FC_EINVAL;
    return FC_F(single)(fn, ndim, s1, in1, s2, in2, mode, boundary, fill, (int)method, out, num_threads);
}

/* scipy.ndimage.correlate on `batch` images of ndim <= 3 axes: output shape = input shape,
 * output o reads the input extended by `boundary` at o - pad_low + j for tap j (ndimage's
 * pad_low = w // 2 + origin: w = 3, origin 0 -> o - 1 + j).  1-D runs as 2-D rows of one.
 * One plan serves every image of the batch. */
fc_status FC_F(fc_correlate_nd)(int ndim, int64_t batch, const int64_t *in_shape, const FC_T *in,
                                const int64_t *w_shape, const FC_T *w, const int64_t *pad_low,
                                fc_boundary boundary, FC_T fill, FC_T *out, int num_threads)
{
    return FC_F(fc_correlate_nd_method)(ndim, batch, in_shape, in, w_shape, w, pad_low, boundary, fill,
                                        FC_METHOD_DIRECT, out, num_threads);
}

/* The same by `method`: the direct plan runs a 1-D input as 2-D rows of one (its
 * multi-row kernels); the FFT plan keeps 1-D inputs 1-D (tiles batched as lanes). */
fc_status FC_F(fc_correlate_nd_method)(int ndim, int64_t batch, const int64_t *in_shape, const FC_T *in,
                                       const int64_t *w_shape, const FC_T *w, const int64_t *pad_low,
                                       fc_boundary boundary, FC_T fill, fc_method method, FC_T *out,
                                       int num_threads)
{
    if (ndim < 1 || ndim > 3 || batch < 0 || !in_shape || !w_shape || !pad_low) return FC_EINVAL;
    if (boundary < FC_BOUNDARY_FILL || boundary > FC_BOUNDARY_MIRROR) return FC_EINVAL;
    fc_conv_desc d;
    memset(&d, 0, sizeof d);
    if (method < FC_METHOD_AUTO || method > FC_METHOD_FFT) return FC_EINVAL;
    d.ndim = ndim < 2 && method == FC_METHOD_DIRECT ? 2 : ndim;
    d.batch = d.in_channels = d.out_channels = d.groups = 1;
    int64_t img = 1;
    for (int i = 0; i < d.ndim; ++i) {
        const int a = i - (d.ndim - ndim); /* the caller's axis, or -1 for the added one */
        const int64_t n = a < 0 ? 1 : in_shape[a], k = a < 0 ? 1 : w_shape[a];
        const int64_t lo = a < 0 ? 0 : pad_low[a];
        if (n < 1 || k < 1 || lo < 0 || lo > k - 1) return FC_EINVAL;
        d.input[i] = n;
        d.kernel[i] = k;
        d.stride[i] = d.dilation[i] = 1;
        d.pad_low[i] = lo;
        d.pad_high[i] = k - 1 - lo;
        if (fc_mul_ovf(img, n, &img)) return FC_EOVERFLOW;
    }
    fc_prob p;
    fc_status st = fc_prob_from_desc(&d, &p);
    if (st) return st;
    if (batch == 0) return FC_OK;
    if (!in || !w || !out) return FC_EINVAL;
    fc_ktiles kt;
    FC_F(ktiles)(&kt);
    fc_plan pl;
    if ((st = fc_plan_single_method(&p, &kt, d.ndim, boundary, 0, (int)method, num_threads, &pl))) return st;
    for (int64_t b = 0; b < batch && !st; ++b) st = FC_F(single_exec)(&pl, in + b * img, w, fill, out + b * img);
    fc_plan_free(&pl);
    return st;
}
