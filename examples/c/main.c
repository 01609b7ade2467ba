/* fastconv from C: a batched, grouped, strided 2-D convolution with bias, then a
 * SciPy-style correlate2d, on fixed data; prints the results.
 *
 * Output format (parsed by tests/test_embed.py): a header line "<name> <ndim> <dims...>"
 * followed by one line with the values in C order. */
#include <stdio.h>
#include <stdlib.h>
#include <fastconv.h>

#define CHECK(call)                                                                 \
    do {                                                                            \
        fc_status st_ = (call);                                                     \
        if (st_ != FC_OK) {                                                         \
            fprintf(stderr, "%s failed: %s\n", #call, fc_status_message(st_));      \
            return 1;                                                               \
        }                                                                           \
    } while (0)

static void print_array(const char *name, int ndim, const int64_t *shape, const double *v)
{
    int64_t n = 1;
    printf("%s %d", name, ndim);
    for (int i = 0; i < ndim; ++i) {
        printf(" %lld", (long long)shape[i]);
        n *= shape[i];
    }
    printf("\n");
    for (int64_t i = 0; i < n; ++i) printf(i ? " %.17g" : "%.17g", v[i]);
    printf("\n");
}

int main(void)
{
    printf("fastconv %s isa %s\n", fc_version(), fc_isa());

    /* x: (N=2, C=4, 6, 7), w: (K=6, C/groups=2, 3, 3), groups 2, stride (2, 1), padding 1 */
    fc_conv_desc d = {0};
    d.ndim = 2;
    d.batch = 2;
    d.in_channels = 4;
    d.out_channels = 6;
    d.groups = 2;
    d.input[0] = 6;    d.input[1] = 7;
    d.kernel[0] = 3;   d.kernel[1] = 3;
    d.stride[0] = 2;   d.stride[1] = 1;
    d.dilation[0] = 1; d.dilation[1] = 1;
    d.pad_low[0] = 1;  d.pad_low[1] = 1;
    d.pad_high[0] = 1; d.pad_high[1] = 1;
    d.flip = 0;

    int64_t out[3];
    CHECK(fc_conv_output_shape(&d, out));   /* (3, 7) */
    const int64_t nx = 2 * 4 * 6 * 7, nw = 6 * 2 * 3 * 3, ny = 2 * 6 * out[0] * out[1];
    double *x = malloc(sizeof(double) * nx), *w = malloc(sizeof(double) * nw);
    double bias[6], *y = malloc(sizeof(double) * ny);
    if (!x || !w || !y) return 1;
    for (int64_t i = 0; i < nx; ++i) x[i] = ((i * 7) % 11 - 5) * 0.25;
    for (int64_t i = 0; i < nw; ++i) w[i] = ((i * 5) % 7 - 3) * 0.5;
    for (int k = 0; k < 6; ++k) bias[k] = 0.125 * k - 0.25;
    CHECK(fc_conv_forward_f64(&d, x, w, bias, y, 0 /* library default threads */));
    const int64_t yshape[4] = {2, 6, out[0], out[1]};
    print_array("conv_forward", 4, yshape, y);

    /* correlate2d(a (5, 6), k (3, 2), mode="same", boundary="symm") */
    const int64_t ashape[2] = {5, 6}, kshape[2] = {3, 2};
    double a[30], k[6], c[30];
    for (int i = 0; i < 30; ++i) a[i] = ((i * 3) % 8 - 4) * 0.5;
    for (int i = 0; i < 6; ++i) k[i] = ((i * 2) % 5 - 2) * 0.75;
    CHECK(fc_correlate2d_f64(ashape, a, kshape, k, FC_MODE_SAME, FC_BOUNDARY_SYMM, 0.0, c, 0));
    print_array("correlate2d", 2, ashape, c);

    free(x);
    free(w);
    free(y);
    return 0;
}
