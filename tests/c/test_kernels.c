/* Tile-edge driver of the fastconv C API: every public C entry point against naive C
 * loops, at output widths and channel counts just below, at and just above each register
 * tile of every kernel (and 1, and primes), under every ISA this CPU supports
 * (fc_set_isa), in float and double, with stride / dilation / padding / groups / flip
 * variants.
 *
 * The tile sizes are read at run time from the kernel tables (fc_kernel_tiles, for
 * every ISA compiled in and both element types), the only place they are written down.
 *
 * It is built by tests/test_sanitizers.py together with the library *sources* under
 * AddressSanitizer + UndefinedBehaviorSanitizer (every buffer below is allocated at its
 * exact size, so any read or write past a tile edge is reported), and once at -O2 without
 * sanitizers.  Helpers (check_close, conv_naive, corr_naive, single_naive) follow
 * tests/c/test_capi.c: written from the definitions in fastconv.h / fastconv/reference.py.
 *
 * Prints one line per failure on stderr, a summary on stdout; exits 0 only if all pass.
 * TEST_KERNELS_TRACE=1 prints each conv case on stderr before it runs (to name the case a
 * sanitizer report comes from).
 *   cc -std=gnu99 -O2 test_kernels.c <library sources or -lfastconv> -lm -o test_kernels */
#include <fastconv.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_TEST_NAME "test_kernels"
#include "naive.h"


/* ------------------------------------------------------------------ tile-edge sweeps */

/* pixel and channel tile widths of every kernel compiled in, f32 and f64, from
 * fc_kernel_tiles: pixel tiles (forward nr, nr2, nr1, multi-row rnr, a vector's lanes,
 * channels-vectorised kp) and channel tiles (forward mr, mr2, multi-row rb,
 * backward-weight wk, channels-vectorised kw); the sweeps use w-1, w, w+1 of each */
static const char *const pix_fields[] = {"lanes", "nr", "nr2", "nr1", "rnr", "kp"};
static const char *const ch_fields[] = {"mr", "mr2", "rb", "wk", "kw"};
static int64_t pix_tiles[64], ch_tiles[64];
static int n_pix_tiles, n_ch_tiles;
static const int64_t pix_extra[] = {1, 2, 7, 13, 29, 37, 53, 97, 101, 191, 193};

static int64_t widths[256];
static int n_widths;

/* v added to the set a[0..*n) (at most cap entries) unless there or below 1 */
static void add_unique(int64_t *a, int *n, int cap, int64_t v)
{
    if (v < 1) return;
    for (int i = 0; i < *n; ++i)
        if (a[i] == v) return;
    if (*n < cap) a[(*n)++] = v;
}

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* the value of "name=" in a fc_kernel_tiles line, -1 if absent */
static int64_t tile_field(const char *line, const char *name)
{
    const size_t n = strlen(name);
    for (const char *p = line; p && *p; p = strchr(p, ' ')) {
        while (*p == ' ') ++p;
        if (strncmp(p, name, n) == 0 && p[n] == '=') return atoll(p + n + 1);
    }
    return -1;
}

static void read_tiles(void)
{
    char isas[128], line[320];
    snprintf(isas, sizeof isas, "%s", fc_isa_compiled());
    for (char *tok = strtok(isas, ","); tok; tok = strtok(NULL, ","))
        for (int eb = 4; eb <= 8; eb += 4) {
            EXPECT_ST(fc_kernel_tiles(tok, eb, line, sizeof line), FC_OK);
            for (size_t f = 0; f < sizeof pix_fields / sizeof pix_fields[0]; ++f)
                add_unique(pix_tiles, &n_pix_tiles, 64, tile_field(line, pix_fields[f]));
            for (size_t f = 0; f < sizeof ch_fields / sizeof ch_fields[0]; ++f)
                add_unique(ch_tiles, &n_ch_tiles, 64, tile_field(line, ch_fields[f]));
        }
    qsort(pix_tiles, (size_t)n_pix_tiles, sizeof(int64_t), cmp_i64);
    qsort(ch_tiles, (size_t)n_ch_tiles, sizeof(int64_t), cmp_i64);
    EXPECT(n_pix_tiles > 0 && n_ch_tiles > 0, "no tile sizes read from fc_kernel_tiles");
}

static void build_widths(void)
{
    read_tiles();
    for (int i = 0; i < n_pix_tiles; ++i)
        for (int64_t dw = -1; dw <= 1; ++dw) add_unique(widths, &n_widths, 256, pix_tiles[i] + dw);
    for (size_t i = 0; i < sizeof pix_extra / sizeof pix_extra[0]; ++i)
        add_unique(widths, &n_widths, 256, pix_extra[i]);
}

static char name_buf[256];
static int case_algorithm; /* fc_algorithm of the cases conv_at makes */

/* a 1-D or 2-D conv case with output width `ow` (input width solved for), K output
 * channels, C input channels, G groups, and a variant v: 0 plain, 1 stride 2, 2 dilation 2,
 * 3 asymmetric padding, 4 flip + bias, 5 stride 3 + dilation 2 + flip + pad_low 2 and
 * pad_high -1 (the input's last element cropped: conv_transpose's output_padding 3 > its
 * padding 2) */
static void conv_at(int ndim, int64_t N, int64_t C, int64_t K, int64_t G, int64_t oh, int64_t ow,
                    int64_t kh, int64_t kw, int v)
{
    conv_case c;
    memset(&c, 0, sizeof c);
    c.ndim = ndim;
    c.N = N; c.C = C; c.K = K; c.G = G;
    const int64_t s = v == 1 ? 2 : v == 5 ? 3 : 1, dl = (v == 2 || v == 5) ? 2 : 1;
    const int64_t plo = (v == 3 || v == 5) ? 2 : 0, phi = v == 3 ? 1 : v == 5 ? -1 : 0;
    const int64_t os[2] = {oh, ow}, ks[2] = {kh, kw};
    for (int a = 0; a < ndim; ++a) {
        const int64_t o = ndim == 1 ? ow : os[a], k = ndim == 1 ? kw : ks[a];
        c.ker[a] = k;
        c.str[a] = s;
        c.dil[a] = dl;
        c.plo[a] = plo;
        c.phi[a] = phi;
        /* out = (in + plo + phi - dl*(k-1) - 1) / s + 1  ->  smallest in giving o, plus
         * (o % s) extra so the last stride window is sometimes partial */
        int64_t in = (o - 1) * s + dl * (k - 1) + 1 - plo - phi + (o % s);
        if (in < 1) in = 1;
        c.in[a] = in;
        /* padding larger than the input would let the dilated kernel fit only the pads */
        if (c.in[a] + plo + phi < dl * (k - 1) + 1) c.in[a] = dl * (k - 1) + 1;
    }
    c.flip = v == 4 || v == 5;
    c.bias = v != 2;
    c.algorithm = case_algorithm;
    snprintf(name_buf, sizeof name_buf,
             "conv%dd N%lld C%lld K%lld G%lld out %lldx%lld ker %lldx%lld variant %d", ndim,
             (long long)N, (long long)C, (long long)K, (long long)G, (long long)(ndim == 2 ? oh : 1),
             (long long)ow, (long long)(ndim == 2 ? kh : 1), (long long)kw, v);
    c.name = name_buf;
    if (getenv("TEST_KERNELS_TRACE")) fprintf(stderr, "[%s] %s\n", fc_isa(), name_buf);
    run_conv_case(&c);
}

static void test_conv_tiles(void)
{
    /* 1: output widths across every pixel tile, one and a few output channels, every variant */
    for (int i = 0; i < n_widths; ++i) {
        conv_at(1, 1, 2, 1, 1, 1, widths[i], 1, 3, i % 6);     /* single-channel kernels */
        conv_at(1, 2, 3, 5, 1, 1, widths[i], 1, 2, (i + 1) % 6);
        conv_at(1, 1, 2, 9, 1, 1, widths[i], 1, 3, (i + 3) % 6);
    }
    /* 2: output channel counts across every channel tile, at a few pixel-tile edges */
    static const int64_t few_w[] = {1, 7, 12, 13, 47, 48, 49};
    for (size_t t = 0; t < (size_t)n_ch_tiles; ++t)
        for (int64_t dk = -1; dk <= 1; ++dk) {
            const int64_t K = ch_tiles[t] + dk;
            for (size_t j = 0; j < sizeof few_w / sizeof few_w[0]; ++j)
                conv_at(1, 1, 3, K, 1, 1, few_w[j], 1, 3, (int)((t + j + (size_t)(dk + 1)) % 6));
        }
    /* 3: backward-weight streams (input channels x taps) across 6 and 12 and the
     * 8/32/64-channel tiles: C*T in {5, 6, 7}, {11, 12, 13}, {23, 24, 25} */
    static const int64_t bw_K[] = {1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 128};
    static const int64_t bw_CT[][2] = {{11, 1}, {12, 1}, {13, 1}, {4, 3}, {5, 3}, {3, 4}, {8, 3}, {5, 5},
                                       {5, 1}, {6, 1}, {7, 1}, {2, 3}};
    for (size_t a = 0; a < sizeof bw_K / sizeof bw_K[0]; ++a)
        for (size_t b = 0; b < sizeof bw_CT / sizeof bw_CT[0]; ++b)
            conv_at(1, 2, bw_CT[b][0], bw_K[a], 1, 1, 11 + (int64_t)b, 1, bw_CT[b][1], (int)((a + b) % 6));
    /* 4: 2-D, multi-row tiles: output rows around 6 (and 4, 8), widths around 16/64 */
    static const int64_t rows[] = {1, 3, 4, 5, 6, 7, 8, 9, 13};
    static const int64_t cols[] = {5, 6, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; ++r)
        for (size_t q = 0; q < sizeof cols / sizeof cols[0]; ++q)
            conv_at(2, 1, 2, (int64_t)(1 + (r + q) % 9), 1, rows[r], cols[q], 3, 3, (int)((r * 7 + q) % 6));
    /* 5: groups (grouped and depthwise) at tile edges */
    static const int64_t gw[] = {1, 8, 15, 16, 17, 48, 49};
    for (size_t j = 0; j < sizeof gw / sizeof gw[0]; ++j) {
        conv_at(1, 1, 4, 10, 2, 1, gw[j], 1, 3, (int)(j % 6));            /* 5 out-channels per group */
        conv_at(1, 2, 8, 8, 8, 1, gw[j], 1, 5, (int)((j + 2) % 6));       /* depthwise */
        conv_at(2, 1, 6, 18, 3, 5, gw[j] > 33 ? 33 : gw[j], 2, 3, (int)((j + 4) % 6));
        conv_at(1, 1, 6, 66, 2, 1, gw[j], 1, 2, (int)((j + 1) % 6));      /* 33 per group */
    }
    /* 7: channels-vectorised tiles (kw output channels x up to kp pixels of one row:
     * 32x14 avx512, 16x6 avx2, 8x6 baseline; f64 halves kw), taken by small images with
     * C*T >= 64: widths around 6 and 14, K (forward) and C (backward-input) around kw */
    static const int64_t kv_w[] = {1, 5, 6, 7, 13, 14, 15, 29};
    static const int64_t kv_c[] = {8, 9, 16, 17, 32, 33};
    for (size_t a = 0; a < sizeof kv_w / sizeof kv_w[0]; ++a)
        for (size_t b = 0; b < sizeof kv_c / sizeof kv_c[0]; ++b) {
            conv_at(2, 2, 8, kv_c[b], 1, 2, kv_w[a], 3, 3, (int)((a + b) % 6));
            conv_at(2, 1, kv_c[b], 8, 1, 2, kv_w[a], 3, 3, (int)((a + 2 * b) % 6));
        }
    /* 8: backward-weight block-major mode (accumulator C*T x K above 65536 elements) */
    conv_at(2, 2, 64, 128, 1, 3, 13, 3, 3, 0);
    conv_at(2, 1, 64, 130, 1, 2, 7, 3, 3, 4);
    /* 8b: a kernel over 1 MB on one image: the channels-vectorised jobs go by block of
     * output channels (folded rows at width 6, plain rows at 17) */
    conv_at(2, 1, 128, 272, 1, 3, 6, 3, 3, 0);
    conv_at(2, 1, 272, 128, 1, 2, 17, 3, 3, 4);
    /* 9: pixel-vectorised backward-weight (4+ images, K below the k-vector tile: 8 or
     * 16 output channels on AVX-512): K around its 8 (avx512) / 4 grad_out rows, C*T
     * around its 3 / 2 input streams, row widths around every lane count (the masked
     * tail of each row) */
    static const int64_t dk_K[] = {1, 3, 4, 5, 7, 8, 9, 15, 16, 17};
    static const int64_t dk_w[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33};
    static const int64_t dk_ker[][2] = {{1, 2}, {1, 3}, {2, 3}, {1, 1}};
    for (size_t a = 0; a < sizeof dk_K / sizeof dk_K[0]; ++a)
        for (size_t b = 0; b < sizeof dk_w / sizeof dk_w[0]; ++b) {
            const size_t kk = (a + b) % 4;
            conv_at(2, 4 + (int64_t)(b % 2), 1 + (int64_t)(a % 2), dk_K[a], 1, 3, dk_w[b],
                    dk_ker[kk][0], dk_ker[kk][1], (int)((a + 2 * b) % 6));
        }
    /* 9b: pixel-vectorised with K at or above the k-vector tile (at most 48 (c, t)
     * streams), and 32 groups whose partial sums (one set per run of images) pass 1M
     * elements: one run, split among blocks of groups */
    conv_at(1, 4, 3, 64, 1, 1, 40, 1, 9, 3);
    conv_at(2, 5, 512, 256, 32, 3, 4, 3, 3, 1);
    /* 8c: backward-weight rows longer than a chunk (384 KB of grad_out for a block of
     * output channels: 1536 columns at 64 channels on AVX-512), cut into column chunks,
     * each transposed into a buffer the chunk's size (chunk-major mode; the block-major
     * mode's column chunks, 100M+ multiply-adds for the naive loops, are tested from
     * Python) */
    conv_at(1, 1, 4, 64, 1, 1, 3100, 1, 3, 0);
    conv_at(1, 2, 2, 64, 1, 1, 3333, 1, 5, 1);
    /* 6: 3-D, small */
    conv_case c3 = {"conv3d tile edge", 3, 1, 2, 9, 1, {3, 7, 17}, {2, 2, 2}, {1, 1, 1}, {1, 1, 1},
                    {0, 1, 0}, {1, 0, 0}, 1, 1};
    run_conv_case(&c3);
}

/* The batched FFT path (algorithm forced): 1-D stride-1 layers whose outputs straddle
 * the tile edges (widths around multiples of v = n - K + 1, kernels from 1 tap to longer
 * than a tile's outputs), channel counts around the product kernel's 4 output channels,
 * groups, padding 0 / asymmetric (plo 2, phi 1), flip + bias; every pass, both types,
 * against the naive loops (under the sanitizers in tests/test_sanitizers.py). */
static void test_fft_batched_tiles(void)
{
    static const int64_t widths[] = {1, 2, 7, 16, 33, 100, 257};
    static const int64_t taps[] = {1, 2, 5, 16, 31, 64, 130};
    static const int64_t ch[][3] = {{1, 1, 1}, {3, 5, 1}, {4, 9, 1}, {6, 6, 3}, {8, 4, 2}};
    static const int vs[] = {0, 3, 4};
    case_algorithm = FC_ALGORITHM_FFT;
    for (size_t a = 0; a < sizeof widths / sizeof widths[0]; ++a)
        for (size_t k = 0; k < sizeof taps / sizeof taps[0]; ++k) {
            const size_t c = (a + k) % (sizeof ch / sizeof ch[0]);
            conv_at(1, 1 + (int64_t)((a + k) % 3), ch[c][0], ch[c][1], ch[c][2], 1, widths[a], 1, taps[k],
                    vs[(a + 2 * k) % 3]);
        }
    case_algorithm = FC_ALGORITHM_AUTO;
}

/* Winograd (algorithm forced, F(2x2) and F(4x4) forced): 2-D 3x3 stride-1 layers at the
 * tile edges (outputs of 1..9 and 13 pixels, not multiples of 2 or 4), channel counts
 * around the product's register tiles (mr 4/6/8, nr 8..32 lanes), groups, padding 0 and
 * asymmetric, flip + bias; every pass, both types, against the naive loops. */
static void test_winograd_tiles(void)
{
    static const int64_t sz[] = {1, 2, 3, 4, 5, 7, 8, 9, 13};
    static const int64_t ch[][3] = {{1, 1, 1}, {3, 5, 1}, {8, 9, 1}, {7, 33, 1}, {33, 16, 1}, {12, 18, 3}};
    static const int vs[] = {0, 3, 4};
    case_algorithm = FC_ALGORITHM_WINOGRAD;
    for (int f = 0; f < 2; ++f) {
        EXPECT_ST(fc_plan_force(f ? "wgtile=4" : "wgtile=2"), FC_OK);
        for (size_t a = 0; a < sizeof sz / sizeof sz[0]; ++a)
            for (size_t c = 0; c < sizeof ch / sizeof ch[0]; ++c)
                conv_at(2, 1 + (int64_t)((a + c) % 2), ch[c][0], ch[c][1], ch[c][2], sz[a], sz[(a + c) % 9], 3, 3,
                        vs[(a + c + (size_t)f) % 3]);
    }
    EXPECT_ST(fc_plan_force(NULL), FC_OK);
    case_algorithm = FC_ALGORITHM_AUTO;
}

/* correlate / convolve (n-d) and correlate2d / convolve2d (every boundary) */
static void single_at(int nd, const int64_t *s1, const int64_t *s2, int with_2d)
{
    static const char *mode_names[3] = {"full", "same", "valid"};
    char what[256];
    const int64_t n1 = prod(s1, nd), n2 = prod(s2, nd);
    double *a = rand_array(n1), *k = rand_array(n2);
    float *af = to_f32(a, n1), *kf = to_f32(k, n2);
    for (int mode = FC_MODE_FULL; mode <= FC_MODE_VALID; ++mode) {
        int64_t os[3];
        if (fc_correlate_output_shape(nd, s1, s2, (fc_mode)mode, os) != FC_OK) continue;
        const int64_t no = prod(os, nd);
        double *ref = xmalloc(8 * (size_t)no), *aref = xmalloc(8 * (size_t)no), *got = xmalloc(8 * (size_t)no);
        float *gotf = xmalloc(4 * (size_t)no);
        const double nterms = (double)(n1 > n2 ? n1 : n2);
        for (int conv = 0; conv <= 1; ++conv) {
            snprintf(what, sizeof what, "%s %dd %s %lldx%lld * %lldx%lld", conv ? "convolve" : "correlate", nd,
                     mode_names[mode], (long long)s1[0], (long long)(nd > 1 ? s1[1] : 1), (long long)s2[0],
                     (long long)(nd > 1 ? s2[1] : 1));
            single_naive(nd, s1, a, s2, k, (fc_mode)mode, conv, 0, FC_BOUNDARY_FILL, 0.0, os, ref, aref);
            if (conv) {
                EXPECT_ST(fc_convolve_f64(nd, s1, a, s2, k, (fc_mode)mode, got, 0), FC_OK);
                EXPECT_ST(fc_convolve_f32(nd, s1, af, s2, kf, (fc_mode)mode, gotf, 0), FC_OK);
            } else {
                EXPECT_ST(fc_correlate_f64(nd, s1, a, s2, k, (fc_mode)mode, got, 0), FC_OK);
                EXPECT_ST(fc_correlate_f32(nd, s1, af, s2, kf, (fc_mode)mode, gotf, 0), FC_OK);
            }
            check_close(what, no, got, 0, ref, aref, nterms);
            check_close(what, no, gotf, 1, ref, aref, nterms);
            if (nd != 2 || !with_2d) continue;
            for (int bnd = FC_BOUNDARY_FILL; bnd <= FC_BOUNDARY_MIRROR; ++bnd) {
                const double fill = bnd == FC_BOUNDARY_FILL ? -0.75 : 0.0;
                snprintf(what, sizeof what, "%s %s boundary %d %lldx%lld * %lldx%lld",
                         conv ? "convolve2d" : "correlate2d", mode_names[mode], bnd, (long long)s1[0],
                         (long long)s1[1], (long long)s2[0], (long long)s2[1]);
                single_naive(nd, s1, a, s2, k, (fc_mode)mode, conv, 1, bnd, fill, os, ref, aref);
                if (conv) {
                    EXPECT_ST(fc_convolve2d_f64(s1, a, s2, k, (fc_mode)mode, (fc_boundary)bnd, fill, got, 0), FC_OK);
                    EXPECT_ST(fc_convolve2d_f32(s1, af, s2, kf, (fc_mode)mode, (fc_boundary)bnd, (float)fill, gotf, 0), FC_OK);
                } else {
                    EXPECT_ST(fc_correlate2d_f64(s1, a, s2, k, (fc_mode)mode, (fc_boundary)bnd, fill, got, 0), FC_OK);
                    EXPECT_ST(fc_correlate2d_f32(s1, af, s2, kf, (fc_mode)mode, (fc_boundary)bnd, (float)fill, gotf, 0), FC_OK);
                }
                check_close(what, no, got, 0, ref, aref, nterms);
                check_close(what, no, gotf, 1, ref, aref, nterms);
            }
        }
        free(ref); free(aref); free(got); free(gotf);
    }
    free(a); free(k); free(af); free(kf);
}

static void test_single_tiles(void)
{
    static const int64_t ks[] = {1, 2, 3, 5, 8};
    /* 1-D: in1 widths at every tile edge, against small kernels (and the swapped "valid") */
    for (int i = 0; i < n_widths; ++i)
        for (size_t j = 0; j < sizeof ks / sizeof ks[0]; ++j) {
            const int64_t s1[1] = {widths[i]}, s2[1] = {ks[j]};
            single_at(1, s1, s2, 0);
            if ((i + (int)j) % 4 == 0) single_at(1, s2, s1, 0);
        }
    /* 2-D: rows and columns at tile edges, every boundary */
    static const int64_t r2[] = {1, 5, 6, 7};
    static const int64_t c2[] = {1, 7, 8, 9, 15, 16, 17, 47, 48, 49, 63, 64, 65};
    for (size_t r = 0; r < sizeof r2 / sizeof r2[0]; ++r)
        for (size_t q = 0; q < sizeof c2 / sizeof c2[0]; ++q) {
            const int64_t s1[2] = {r2[r], c2[q]}, s2[2] = {1 + (int64_t)((r + q) % 3), 1 + (int64_t)(q % 4)};
            single_at(2, s1, s2, 1);
        }
    /* 3-D */
    const int64_t a3[3] = {2, 3, 17}, b3[3] = {2, 2, 3};
    single_at(3, a3, b3, 0);
}

/* rot180 and pad of random shapes (widths at tile edges too), against index loops */
static void test_movement_tiles(void)
{
    static const int64_t dims[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 64, 65};
    const int nd_count = (int)(sizeof dims / sizeof dims[0]);
    for (int t = 0; t < 60; ++t) {
        const int nd = 1 + t % 4;
        int64_t sh[4], st[4], lo[4], hi[4], psh[4];
        int64_t n = 1;
        for (int i = 0; i < nd; ++i) {
            sh[i] = nd > 2 ? dims[(t * 5 + i * 3) % 6] : dims[(t * 7 + i * 5) % nd_count];
            n *= sh[i];
        }
        size_t itemsize = (size_t)(t % 3 == 0 ? 8 : t % 3 == 1 ? 4 : 3);
        /* rot180: contiguous source and a strided view (every other element of the last axis) */
        const int strided = t % 2;
        int64_t base_n = n * (strided ? 2 : 1);
        unsigned char *base = xmalloc(itemsize * (size_t)base_n), *dst = xmalloc(itemsize * (size_t)n),
                      *want = xmalloc(itemsize * (size_t)n);
        for (int64_t i = 0; i < base_n * (int64_t)itemsize; ++i) base[i] = (unsigned char)(i * 31 + t);
        int64_t acc = (int64_t)itemsize * (strided ? 2 : 1);
        for (int i = nd - 1; i >= 0; --i) {
            st[i] = acc;
            acc *= sh[i];
        }
        const uint64_t mask = (uint64_t)(t * 11) & ((1u << nd) - 1);
        for (int64_t e = 0; e < n; ++e) {
            int64_t rem = e, off = 0;
            for (int i = nd - 1; i >= 0; --i) {
                int64_t ix = rem % sh[i];
                rem /= sh[i];
                if (mask & (1u << i)) ix = sh[i] - 1 - ix;
                off += ix * st[i];
            }
            memcpy(want + e * (int64_t)itemsize, base + off, itemsize);
        }
        EXPECT_ST(fc_rot180(nd, sh, st, mask, itemsize, base, dst), FC_OK);
        EXPECT(memcmp(dst, want, itemsize * (size_t)n) == 0, "rot180 nd %d case %d mask %llu", nd, t,
               (unsigned long long)mask);
        /* pad */
        int64_t pn = 1;
        for (int i = 0; i < nd; ++i) {
            lo[i] = (t + i) % 3;
            hi[i] = (t * 3 + i) % 4;
            psh[i] = sh[i] + lo[i] + hi[i];
            pn *= psh[i];
        }
        unsigned char *pd = xmalloc(itemsize * (size_t)pn), *pw = xmalloc(itemsize * (size_t)pn);
        memset(pd, 0xCD, itemsize * (size_t)pn);
        for (int64_t e = 0; e < n; ++e) {
            int64_t rem = e, off = 0, mul = 1;
            for (int i = nd - 1; i >= 0; --i) {
                const int64_t ix = rem % sh[i];
                rem /= sh[i];
                off += (ix + lo[i]) * mul;
                mul *= psh[i];
            }
            memcpy(pw + off * (int64_t)itemsize, dst + e * (int64_t)itemsize, itemsize);
        }
        EXPECT_ST(fc_pad(nd, sh, lo, hi, itemsize, dst, pd), FC_OK);
        EXPECT(memcmp(pd, pw, itemsize * (size_t)pn) == 0, "pad nd %d case %d", nd, t);
        free(base); free(dst); free(want); free(pd); free(pw);
    }
}

int main(void)
{
    build_widths();
    const char *sup = fc_isa_supported();
    char isas[128];
    snprintf(isas, sizeof isas, "%s", sup ? sup : "baseline");
    int n_isa = 0;
    for (char *tok = strtok(isas, ","); tok; tok = strtok(NULL, ",")) {
        const long fail0 = n_fail, pass0 = n_pass;
        EXPECT_ST(fc_set_isa(tok), FC_OK);
        cur_isa = fc_isa();
        EXPECT(strcmp(cur_isa, tok) == 0, "fc_set_isa(%s) left fc_isa() = %s", tok, cur_isa);
        test_conv_tiles();
        test_winograd_tiles();
        test_fft_batched_tiles();
        test_single_tiles();
        test_movement_tiles();
        fc_release_workspace();
        printf("kernels [%s]: %ld passed, %ld failed\n", tok, n_pass - pass0, n_fail - fail0);
        ++n_isa;
    }
    printf("kernels: %d ISAs (%s), %ld passed, %ld failed\n", n_isa, sup ? sup : "?", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
