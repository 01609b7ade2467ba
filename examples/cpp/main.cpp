// fastconv from C++: the C API (fastconv.h is extern "C") behind a small exception-
// throwing layer, float32 buffers in std::vector.  Computes the same problems as
// examples/c on the same data, in single precision, and prints the results.
//
// Output format (parsed by tests/test_embed.py): a header line "<name> <ndim> <dims...>"
// followed by one line with the values in C order.
#include <fastconv.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void check(fc_status st, const char *what)
{
    if (st != FC_OK) throw std::runtime_error(std::string(what) + ": " + fc_status_message(st));
}

struct Tensor {
    std::vector<int64_t> shape;
    std::vector<float> data;

    explicit Tensor(std::vector<int64_t> s) : shape(std::move(s))
    {
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        data.assign(static_cast<size_t>(n), 0.0f);
    }

    void print(const char *name) const
    {
        std::printf("%s %zu", name, shape.size());
        for (int64_t d : shape) std::printf(" %lld", static_cast<long long>(d));
        std::printf("\n");
        for (size_t i = 0; i < data.size(); ++i) std::printf(i ? " %.9g" : "%.9g", data[i]);
        std::printf("\n");
    }
};

// y = conv2d(x, w) + bias with PyTorch semantics: symmetric padding, no dilation
Tensor conv2d(const Tensor &x, const Tensor &w, const std::vector<float> &bias, int64_t groups,
              int64_t stride_h, int64_t stride_w, int64_t pad)
{
    fc_conv_desc d{};
    d.ndim = 2;
    d.batch = x.shape[0];
    d.in_channels = x.shape[1];
    d.out_channels = w.shape[0];
    d.groups = groups;
    for (int i = 0; i < 2; ++i) {
        d.input[i] = x.shape[2 + i];
        d.kernel[i] = w.shape[2 + i];
        d.dilation[i] = 1;
        d.pad_low[i] = d.pad_high[i] = pad;
    }
    d.stride[0] = stride_h;
    d.stride[1] = stride_w;
    int64_t out[3];
    check(fc_conv_output_shape(&d, out), "fc_conv_output_shape");
    Tensor y({d.batch, d.out_channels, out[0], out[1]});
    check(fc_conv_forward_f32(&d, x.data.data(), w.data.data(), bias.empty() ? nullptr : bias.data(),
                              y.data.data(), 0),
          "fc_conv_forward_f32");
    return y;
}

Tensor correlate2d(const Tensor &a, const Tensor &k, fc_mode mode, fc_boundary boundary,
                   float fill = 0.0f)
{
    std::vector<int64_t> oshape(2);
    check(fc_correlate_output_shape(2, a.shape.data(), k.shape.data(), mode, oshape.data()),
          "fc_correlate_output_shape");
    Tensor c(oshape);
    check(fc_correlate2d_f32(a.shape.data(), a.data.data(), k.shape.data(), k.data.data(), mode,
                             boundary, fill, c.data.data(), 0),
          "fc_correlate2d_f32");
    return c;
}

}  // namespace

int main()
{
    std::printf("fastconv %s isa %s\n", fc_version(), fc_isa());
    try {
        Tensor x({2, 4, 6, 7}), w({6, 2, 3, 3});
        for (size_t i = 0; i < x.data.size(); ++i) x.data[i] = ((int64_t(i) * 7) % 11 - 5) * 0.25f;
        for (size_t i = 0; i < w.data.size(); ++i) w.data[i] = ((int64_t(i) * 5) % 7 - 3) * 0.5f;
        std::vector<float> bias(6);
        for (int k = 0; k < 6; ++k) bias[k] = 0.125f * k - 0.25f;
        conv2d(x, w, bias, 2, 2, 1, 1).print("conv_forward");

        Tensor a({5, 6}), k({3, 2});
        for (size_t i = 0; i < a.data.size(); ++i) a.data[i] = ((int64_t(i) * 3) % 8 - 4) * 0.5f;
        for (size_t i = 0; i < k.data.size(); ++i) k.data[i] = ((int64_t(i) * 2) % 5 - 2) * 0.75f;
        correlate2d(a, k, FC_MODE_SAME, FC_BOUNDARY_SYMM).print("correlate2d");

        // errors come back as a status, never as an abort: 3 input channels, 2 groups
        try {
            conv2d(Tensor({1, 3, 4, 4}), Tensor({2, 1, 3, 3}), {}, 2, 1, 1, 0);
            std::printf("error-check: none\n");
        } catch (const std::runtime_error &e) {
            std::printf("error-check: %s\n", e.what());
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
