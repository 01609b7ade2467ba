"""conv_forward (batched, channels-first, 1-3 spatial dims) against fastconv.reference
and PyTorch, on every ISA: random problems over every parameter, the register-tile
edges of each ISA's micro-kernels, out=, the dtype rules and the seeds' worked examples.
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings

import fastconv as fc
from fastconv import reference as R

from conftest import (assert_close, conv_cases, conv_reduction_length, edge_channels,
                      edge_pixels, fits, out_spatial, rand, tiles, torch_conv_forward)

DTYPES = (np.float32, np.float64)


def make(case):
    rng = np.random.default_rng(case["seed"])
    dt = case["dtype"]
    x = rand(rng, case["x_shape"], dt)
    w = rand(rng, case["w_shape"], dt)
    b = rand(rng, (case["w_shape"][0],), dt) if case["bias"] else None
    return x, w, b


# ---------------------------------------------------------------- random problems


@settings(max_examples=100)
@given(case=conv_cases())
def test_hypothesis_forward_matches_reference(isa, case):
    """Random N, C, K, groups, kernel (odd/even), stride, dilation, every padding form,
    flip, bias and dtype: conv_forward == reference.conv_forward within tolerance, with
    the input dtype and the shape conv_output_shape predicts (computed independently)."""
    x, w, b = make(case)
    kw = case["kw"]
    got = fc.conv_forward(x, w, b, **kw)
    want = R.conv_forward(x, w, b, **kw)
    shape = (x.shape[0], w.shape[0]) + out_spatial(x.shape, w.shape, kw)
    assert got.shape == shape
    kw_shape = {k: v for k, v in kw.items() if k != "flip"}
    assert fc.conv_output_shape(x.shape, w.shape, **kw_shape) == shape
    assert_close(got, want, n=conv_reduction_length(w.shape, b is not None),
                 dtype=case["dtype"], err_msg=f"{case}")


@settings(max_examples=40)
@given(case=conv_cases())
def test_hypothesis_forward_matches_torch(torch, case):
    """The same random problems in float64 against torch.nn.functional.conv1d/2d/3d
    (asymmetric and string paddings applied with F.pad, flip with torch.flip)."""
    case = dict(case, dtype=np.float64)
    x, w, b = make(case)
    got = fc.conv_forward(x, w, b, **case["kw"])
    want = torch_conv_forward(torch, x, w, b, **case["kw"])
    assert_close(got, want, n=conv_reduction_length(w.shape, b is not None), err_msg=f"{case}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_large_images_packed_in_row_bands(isa, dtype):
    """Images over 4 MB packed are packed by each job in bands of the rows its tiles
    read (the taps' reach packed again by the next band, zeros past the last row), not
    whole: forward with bias, padding 1 and full (5x5), 3-D, and backward-input (which
    packs grad_out): == reference, and the same bits on 1 and 2 threads."""
    rng = np.random.default_rng(41)
    c = 24 if dtype == np.float32 else 12  # 4.7 MB packed either way
    cases = [((1, c, 210, 230), (10, c, 3, 3), 1), ((1, c, 200, 220), (6, c, 5, 5), "full"),
             ((1, c // 3, 40, 60, 60), (5, c // 3, 3, 3, 3), 1)]
    for x_shape, w_shape, pad in cases:
        x = rand(rng, x_shape, dtype)
        w = rand(rng, w_shape, dtype)
        b = rand(rng, (w_shape[0],), dtype)
        got = fc.conv_forward(x, w, b, padding=pad, num_threads=1)
        n = int(np.prod(w_shape[1:])) + 1
        assert_close(got, R.conv_forward(x, w, b, padding=pad), n=n, dtype=dtype,
                     err_msg=f"{isa} {x_shape} {w_shape} {pad}")
        np.testing.assert_array_equal(fc.conv_forward(x, w, b, padding=pad, num_threads=2), got)
    g = rand(rng, (1, c, 210, 230), dtype)
    w = rand(rng, (c, 7, 3, 3), dtype)
    got = fc.conv_backward_input(g, w, (1, 7, 210, 230), padding=1, num_threads=1)
    assert_close(got, R.conv_backward_input(g, w, (1, 7, 210, 230), padding=1), n=9 * c,
                 dtype=dtype, err_msg=f"{isa} backward-input")
    np.testing.assert_array_equal(
        fc.conv_backward_input(g, w, (1, 7, 210, 230), padding=1, num_threads=2), got)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, 2, "valid", "same", "full", "pairs", "axis"])
def test_every_padding_form_explicitly(isa, nd, padding):
    """Each padding form with odd and even kernels, dilation 1 and 2 (and stride 2 where
    allowed), float64: conv_forward == reference, and for "same" the output keeps the input
    size, for "full" it is n + d*(k-1)."""
    rng = np.random.default_rng(nd)
    spatial = (7, 6, 5)[:nd]
    for kernel in ((3, 2, 3)[:nd], (4, 1, 2)[:nd]):
        for dilation in (1, 2):
            for stride in ((1,) if padding == "same" else (1, 2)):
                if padding == "pairs":
                    pad = tuple((i % 3, (i + 2) % 4) for i in range(nd))
                elif padding == "axis":
                    pad = tuple(range(1, nd + 1))
                else:
                    pad = padding
                x, w = rng.standard_normal((2, 3) + spatial), rng.standard_normal((4, 3) + kernel)
                if not fits(x.shape, w.shape, dict(padding=pad, dilation=dilation)):
                    continue
                kw = dict(stride=stride, padding=pad, dilation=dilation)
                got = fc.conv_forward(x, w, **kw)
                assert_close(got, R.conv_forward(x, w, **kw), n=conv_reduction_length(w.shape),
                             err_msg=f"{kernel} {kw}")
                if pad == "same":
                    assert got.shape[2:] == spatial
                if pad == "full":
                    assert got.shape[2:] == tuple((n + dilation * (k - 1) - 1) // stride + 1
                                                  for n, k in zip(spatial, kernel))


# ---------------------------------------------------------------- register-tile edges


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding", [0, 1])
def test_tile_edges_1d(isa, dtype, padding):
    """Output widths and channel counts just below/at/above this ISA's register tiles
    (channel tiles mr and mr2, pixel tiles nr, nr2 and the single-channel nr1) and 2x+1,
    plus 1 and primes, 1-D kernel 3, batch 3: conv_forward == reference for every
    combination, with and without bias.  padding=0 (stride 1) is the path that reads the
    images in place; padding=1 packs them."""
    rng = np.random.default_rng(0)
    for k in edge_channels(isa, dtype):
        for width in edge_pixels(isa, dtype):
            x = rand(rng, (3, 3, width + 2 - 2 * padding), dtype)
            w = rand(rng, (k, 3, 3), dtype)
            b = rand(rng, (k,), dtype) if width % 2 else None
            got = fc.conv_forward(x, w, b, padding=padding)
            assert_close(got, R.conv_forward(x, w, b, padding=padding), n=10, dtype=dtype,
                         err_msg=f"{isa} K={k} W={width}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_tile_edges_2d_3d_grouped_strided(isa, dtype):
    """Tile-edge channel counts per group (groups=2; both channel tiles) and 2-D/3-D
    outputs whose flattened pixel count straddles the pixel tiles (a tile spans several
    rows), with stride 2 and dilation 2 (the polyphase layout), padding 0 and 1:
    == reference."""
    t = tiles(isa, dtype)
    rng = np.random.default_rng(1)
    kgs = sorted({1, 2, t["mr2"] - 1, t["mr2"], t["mr2"] + 1, t["mr"] - 1, t["mr"], t["mr"] + 1})
    for kg in kgs:
        for width in sorted({t["nr"] - 1, t["nr"] + 1, t["nr2"] + 1, t["nr1"] + 1}):
            for stride, dilation, padding in ((1, 1, 1), (1, 1, 0), (2, 1, 1), (1, 2, 0), (3, 2, 1)):
                x = rand(rng, (2, 4, 3, stride * width + 2), dtype)
                w = rand(rng, (2 * kg, 2, 2, 3), dtype)
                kw = dict(stride=stride, dilation=dilation, padding=padding, groups=2)
                if not fits(x.shape, w.shape, kw):
                    continue
                assert_close(fc.conv_forward(x, w, **kw), R.conv_forward(x, w, **kw), n=12,
                             dtype=dtype, err_msg=f"{isa} Kg={kg} W={width} {kw}")
    for k in (1, t["mr2"], t["mr"] + 1):
        for padding in (0, (0, 1, 1)):
            x = rand(rng, (2, 2, 3, 4, t["nr"] + 3), dtype)
            w = rand(rng, (k, 2, 2, 1, 3), dtype)
            assert_close(fc.conv_forward(x, w, padding=padding),
                         R.conv_forward(x, w, padding=padding), n=12, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_many_channels_and_taps(isa, dtype):
    """A larger reduction (C=64, 5x5 kernel: 1600 products per output, split into channel
    blocks) with K on the narrow and the wide tile: == reference within the float32 bound
    for n=1600."""
    t = tiles(isa, dtype)
    rng = np.random.default_rng(2)
    x = rand(rng, (2, 64, 9, 11), dtype)
    for k in (t["mr2"], t["mr"] + 3):
        w = rand(rng, (k, 64, 5, 5), dtype)
        for padding in (0, 2):
            assert_close(fc.conv_forward(x, w, padding=padding),
                         R.conv_forward(x, w, padding=padding), n=1600, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_channels_vectorised_tiles(isa, dtype):
    """Small images with many channels take the channels-vectorised kernel (kw output
    channels x up to kp pixels of one row, no padding columns computed): output widths
    around kp and 2*kp (rows cut into near-equal chunks), channel counts around kw, with
    stride, dilation, groups, bias and flip: == reference."""
    t = tiles(isa, dtype)
    rng = np.random.default_rng(5)
    kp, kw = t["kp"], t["kw"]
    for width in sorted({1, 2, kp - 1, kp, kp + 1, 2 * kp - 1, 2 * kp + 3}):
        for k in (kw, kw + 1, 2 * kw - 1):
            for stride, dilation, padding, groups, flip in ((1, 1, 1, 1, False), (2, 1, 1, 1, True),
                                                            (1, 2, 2, 2, False), (1, 1, 0, 1, False)):
                x = rand(rng, (2, 8 * groups, 3, stride * (width - 1) + 1), dtype)
                w = rand(rng, (k * groups, 8, 3, 3), dtype)
                b = rand(rng, (k * groups,), dtype)
                kwargs = dict(stride=stride, dilation=dilation, padding=padding, groups=groups, flip=flip)
                if not fits(x.shape, w.shape, kwargs):
                    continue
                assert_close(fc.conv_forward(x, w, b, **kwargs), R.conv_forward(x, w, b, **kwargs),
                             n=72, dtype=dtype, err_msg=f"{isa} K={k} W={width} {kwargs}")
    # kernels with more taps than 3x3 take it on large images too (7x7 stride 2, 3 channels)
    for width in (kp - 1, 4 * kp + 1):
        x = rand(rng, (2, 3, 9, 2 * width + 1), dtype)
        w = rand(rng, (kw, 3, 7, 7), dtype)
        assert_close(fc.conv_forward(x, w, stride=2, padding=3), R.conv_forward(x, w, stride=2, padding=3),
                     n=147, dtype=dtype, err_msg=f"{isa} 7x7/2 W={width}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_channels_vectorised_rows_shorter_than_a_tile(isa, dtype):
    """Output rows shorter than kp pixels (stride 1) are packed column-folded: one copy of
    each channel per column shift of the taps, rows O2 long, and a tile is up to kp
    consecutive pixels of a plane across its rows.  Planes of 1 to several tiles, chunk
    boundaries inside rows, dilation (shifts 0, 2, 4), even kernels, 1-D, 2-D and 3-D,
    groups, bias and flip: == reference."""
    t = tiles(isa, dtype)
    rng = np.random.default_rng(23)
    kp, kw = t["kp"], t["kw"]
    for width in sorted({1, 2, kp // 2 + 1, kp - 1}):
        for height in (1, 3, 2 * kp // max(width, 1) + 1):
            for kernel, dilation, padding, groups, flip in (((3, 3), 1, 1, 1, False),
                                                            ((3, 3), 2, 2, 1, True),
                                                            ((2, 4), 1, 0, 2, False),
                                                            ((1, 5), 1, (0, 2), 1, False)):
                x = rand(rng, (2, 8 * groups, height, width), dtype)
                w = rand(rng, ((kw + 1) * groups, 8, *kernel), dtype)
                b = rand(rng, (w.shape[0],), dtype)
                kwargs = dict(dilation=dilation, padding=padding, groups=groups, flip=flip)
                if not fits(x.shape, w.shape, kwargs):
                    continue
                assert_close(fc.conv_forward(x, w, b, **kwargs), R.conv_forward(x, w, b, **kwargs),
                             n=8 * kernel[0] * kernel[1] + 1, dtype=dtype,
                             err_msg=f"{isa} H={height} W={width} {kernel} {kwargs}")
    x = rand(rng, (2, 16, 3, 4, 5), dtype)
    w = rand(rng, (kw, 16, 3, 3, 3), dtype)
    assert_close(fc.conv_forward(x, w, padding=1), R.conv_forward(x, w, padding=1), n=432,
                 dtype=dtype, err_msg=f"{isa} 3-D")
    x = rand(rng, (3, 16, kp - 3), dtype)
    w = rand(rng, (kw, 16, 3), dtype)
    assert_close(fc.conv_forward(x, w, padding=1), R.conv_forward(x, w, padding=1), n=48,
                 dtype=dtype, err_msg=f"{isa} 1-D")


def test_channels_vectorised_jobs_by_output_block(isa):
    """A kernel over 1 MB on one or two images (the rows of an image would be split among
    jobs) runs one job per block of output channels over whole images: widths below and
    above kp, K not a multiple of kw, bias: == reference, and the same bits on 1 and 2
    threads (the kernel calls do not change with the split)."""
    rng = np.random.default_rng(31)
    for n, c, k, h, width in ((1, 128, 136, 5, 6), (2, 130, 128, 3, 17)):
        x = rand(rng, (n, c, h, width), np.float64)
        w = rand(rng, (k, c, 3, 3), np.float64)  # 1.2-1.3 MB
        b = rand(rng, (k,), np.float64)
        got = fc.conv_forward(x, w, b, padding=1, num_threads=1)
        assert_close(got, R.conv_forward(x, w, b, padding=1), n=9 * c + 1, dtype=np.float64,
                     err_msg=f"{isa} {x.shape} {w.shape}")
        np.testing.assert_array_equal(fc.conv_forward(x, w, b, padding=1, num_threads=2), got)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tiles_stored_straight_into_the_output(isa, dtype):
    """On AVX-512 a flattened tile is stored into NCHW by masked stores, one or two per
    vector (a vector spans the end of one output row, the padding columns and the start
    of the next), instead of through a scratch tile.  Padded 3x3 layers with row widths
    around the vector and tile sizes (rows shorter than a vector take the copy path),
    60 input channels (several channel blocks: the partial sums are read back through
    the same masks), K around the channel tile, with and without bias, groups=2, and the
    backward-input (the same kernel): == reference."""
    t = tiles(isa, dtype)
    lanes, mr = t["lanes"], t["mr"]
    rng = np.random.default_rng(8)
    widths = sorted({lanes - 3, lanes - 2, lanes - 1, lanes, 2 * lanes - 1, t["nr"] - 2,
                     t["nr"], t["nr"] + 1} - {0, -1, -2})
    for i, width in enumerate(widths):
        for k in (mr - 1, mr, mr + 1, 2 * mr + 1):
            x = rand(rng, (2, 60, 3 + i % 3, width), dtype)
            w = rand(rng, (k, 60, 3, 3), dtype)
            b = rand(rng, (k,), dtype) if (i + k) % 2 else None
            assert_close(fc.conv_forward(x, w, b, padding=1), R.conv_forward(x, w, b, padding=1),
                         n=540, dtype=dtype, err_msg=f"{isa} W={width} K={k}")
        g = rand(rng, (2, 2 * mr + 2, 4, width), dtype)
        wg = rand(rng, (2 * mr + 2, 30, 3, 3), dtype)
        x_shape = (2, 60, 4, width)
        assert_close(fc.conv_backward_input(g, wg, x_shape, padding=1, groups=2),
                     R.conv_backward_input(g, wg, x_shape, padding=1, groups=2), n=90,
                     dtype=dtype, err_msg=f"{isa} backward-input W={width}")
        xg = rand(rng, (2, 60, 5, width), dtype)
        assert_close(fc.conv_forward(xg, wg, padding=1, groups=2),
                     R.conv_forward(xg, wg, padding=1, groups=2), n=270, dtype=dtype,
                     err_msg=f"{isa} groups=2 W={width}")


def test_pointwise_1x1_in_place_batches(isa):
    """1x1 convolutions (unpadded, stride 1: every image read in place, the tiles that
    would read past the end of x through a copy of their window) over batches of 1-4
    images and channel counts around the tiles, float32 and float64: == reference, and
    == a matrix product per image.  Images of 1-3 pixels, smaller than a tile, make the
    tiles of the last several images read past the end; with a 1x3 kernel the taps
    reach further still."""
    rng = np.random.default_rng(3)
    for dtype in DTYPES:
        t = tiles(isa, dtype)
        for n in (1, 2, 4):
            for k in (1, t["mr2"], t["mr"] + 1):
                x = rand(rng, (n, 5, 7, t["nr"] + 1), dtype)
                w = rand(rng, (k, 5, 1, 1), dtype)
                y = fc.conv_forward(x, w)
                assert_close(y, R.conv_forward(x, w), n=5, dtype=dtype)
                mm = np.einsum("kc,nchw->nkhw", w[:, :, 0, 0].astype(np.float64), x)
                assert_close(y, mm, n=5, dtype=dtype)
        for width, kw in ((1, 1), (2, 1), (3, 1), (3, 3)):
            for c in (1, 3):
                x = rand(rng, (13, c, 1, width), dtype)
                w = rand(rng, (t["mr"] + 1, c, 1, kw), dtype)
                assert_close(fc.conv_forward(x, w), R.conv_forward(x, w), n=c * kw, dtype=dtype,
                             err_msg=f"{isa} W={width} C={c} kw={kw}")


def test_large_pointwise_outputs_streamed(isa):
    """1x1 layers whose output exceeds 4 MB are written with non-temporal stores (64->256
    channels at 28x28 x 6: 4.8 MB; the backward-input of 256->64 likewise): == a matrix
    product per image, and the same bits as into a caller's out= that starts off a
    64-byte boundary (plain stores)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 64, 28, 28), dtype=np.float32)
    w = rng.standard_normal((256, 64, 1, 1), dtype=np.float32)
    y = fc.conv_forward(x, w)
    assert y.nbytes >= 4 << 20 and y.ctypes.data % 64 == 0
    mm = np.einsum("kc,nchw->nkhw", w[:, :, 0, 0].astype(np.float64), x)
    assert_close(y, mm, n=64, dtype=np.float32)
    buf = np.empty(y.size + 1, dtype=np.float32)
    off = buf[1:] if buf[1:].ctypes.data % 64 else buf[:-1]
    out = off.reshape(y.shape)
    assert out.ctypes.data % 64 != 0
    np.testing.assert_array_equal(fc.conv_forward(x, w, out=out), y)
    # backward-input of the 256->64 layer: grad_out (6, 64, 28, 28) -> (6, 256, 28, 28)
    wt = np.ascontiguousarray(w.transpose(1, 0, 2, 3))
    gx = fc.conv_backward_input(x, wt, (6, 256, 28, 28))
    np.testing.assert_array_equal(gx, y)


# ---------------------------------------------------------------- worked examples


def test_seed_example_3x20x20_five_kernels(isa, torch):
    """Seed 004: X of 3x20x20 and five 3x3x3 kernels give O of 5x18x18 (valid); values ==
    reference and == torch."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((1, 3, 20, 20)), rng.standard_normal((5, 3, 3, 3))
    y = fc.conv_forward(x, w)
    assert y.shape == (1, 5, 18, 18)
    assert_close(y, R.conv_forward(x, w), n=27)
    assert_close(y, torch_conv_forward(torch, x, w, None), n=27)
    # one output by hand: O[0, k, i, j] = sum_{c,u,v} X[0, c, i+u, j+v] * K[k, c, u, v]
    assert y[0, 2, 7, 11] == pytest.approx(float(np.sum(x[0, :, 7:10, 11:14] * w[2])), rel=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_seed_example_128x128_same(isa, dtype):
    """Seed 003: X of 3x128x128 and 32 3x3 kernels with padding "same" give 32x128x128;
    values == reference (float32 at its bound, n=27)."""
    rng = np.random.default_rng(3)
    x, w = rand(rng, (1, 3, 128, 128), dtype), rand(rng, (32, 3, 3, 3), dtype)
    y = fc.conv_forward(x, w, padding="same")
    assert y.shape == (1, 32, 128, 128) and y.dtype == dtype
    assert_close(y, R.conv_forward(x, w, padding="same"), n=27)


def test_known_values_1d():
    """Exact small case: x = [1 2 3 4 5], w = [1 10], bias 0.5, stride 2, padding 1:
    padded [0 1 2 3 4 5 0], outputs read (0,1), (2,3), (4,5) -> [10.5, 32.5, 54.5];
    with flip=True the kernel is [10 1] -> [1.5, 23.5, 45.5]."""
    x = np.arange(1.0, 6.0).reshape(1, 1, 5)
    w = np.array([[[1.0, 10.0]]])
    y = fc.conv_forward(x, w, [0.5], stride=2, padding=1)
    np.testing.assert_array_equal(y, [[[10.5, 32.5, 54.5]]])
    y = fc.conv_forward(x, w, [0.5], stride=2, padding=1, flip=True)
    np.testing.assert_array_equal(y, [[[1.5, 23.5, 45.5]]])


def test_flip_is_rot180_of_the_kernel(isa):
    """flip=True equals the unflipped forward with the kernel rotated 180 degrees over its
    spatial axes (rot180 from the public API), for 1-3 spatial dims, stride and dilation."""
    rng = np.random.default_rng(9)
    for nd in (1, 2, 3):
        x = rng.standard_normal((2, 4) + (6,) * nd)
        w = rng.standard_normal((6, 2) + (3, 2, 2)[:nd])
        kw = dict(stride=2, dilation=(1, 2, 1)[:nd], padding=1, groups=2)
        got = fc.conv_forward(x, w, flip=True, **kw)
        want = fc.conv_forward(x, fc.rot180(w, axes=tuple(range(2, 2 + nd))), **kw)
        assert_close(got, want, n=w[0].size)
        assert_close(got, R.conv_forward(x, w, flip=True, **kw), n=w[0].size)


# ---------------------------------------------------------------- out=, empty batch, views


@pytest.mark.parametrize("dtype", DTYPES)
def test_out_written_in_place_and_returned(isa, dtype):
    """out= is filled completely (pre-filled with NaN: no element may be left unwritten)
    and returned itself; values equal the allocating call bit for bit."""
    rng = np.random.default_rng(10)
    for x_shape, w_shape, kw in [((2, 3, 9, 8), (5, 3, 3, 2), dict(stride=2, padding=1)),
                                 ((1, 4, 13), (4, 2, 3), dict(groups=2, dilation=2)),
                                 ((1, 2, 3, 4, 5), (1, 2, 2, 2, 2), dict(padding="same"))]:
        x, w = rand(rng, x_shape, dtype), rand(rng, w_shape, dtype)
        b = rand(rng, (w_shape[0],), dtype)
        want = fc.conv_forward(x, w, b, **kw)
        out = np.full(want.shape, np.nan, dtype=dtype)
        res = fc.conv_forward(x, w, b, out=out, **kw)
        assert res is out
        np.testing.assert_array_equal(out, want)
        assert_close(out, R.conv_forward(x, w, b, **kw), n=w[0].size + 1)


def test_empty_batch():
    """N=0 is a valid, empty convolution: shape (0, K, *out) with the input dtype, also with
    out= (returned unchanged)."""
    x = np.zeros((0, 3, 6, 5), np.float32)
    w = np.ones((4, 3, 3, 3), np.float32)
    y = fc.conv_forward(x, w, padding=1)
    assert y.shape == (0, 4, 6, 5) and y.dtype == np.float32
    out = np.empty((0, 4, 6, 5), np.float32)
    assert fc.conv_forward(x, w, padding=1, out=out) is out


@pytest.mark.parametrize("dtype", DTYPES)
def test_views_fortran_and_strided(isa, dtype):
    """Non-contiguous x and w (negative strides, every-other element, Fortran order,
    transposed channel axes) give bit-for-bit the result of their contiguous copies, ==
    reference, and are not modified."""
    rng = np.random.default_rng(11)
    xb, wb = rand(rng, (4, 6, 14, 12), dtype), rand(rng, (6, 6, 6, 4), dtype)
    pairs = {
        "negative strides": (xb[::-2, ::-2, ::-1, ::2], wb[::2, ::-2, ::2, ::-1]),
        "fortran": (np.asfortranarray(xb[:, :3]), np.asfortranarray(wb[:, :3, :3, :3])),
        "transposed": (xb.transpose(1, 0, 2, 3)[:, :3], wb[:2, :4, :3, :3].transpose(1, 0, 2, 3)),
    }
    for name, (x, w) in pairs.items():
        if x.shape[1] != w.shape[1]:
            x = x[:, :w.shape[1]]
        xc, wc = x.copy(), w.copy()
        got = fc.conv_forward(x, w, padding=1)
        np.testing.assert_array_equal(got, fc.conv_forward(xc, wc, padding=1), err_msg=name)
        assert_close(got, R.conv_forward(x, w, padding=1), n=w[0].size, dtype=dtype, err_msg=name)
        np.testing.assert_array_equal(x, xc)
        np.testing.assert_array_equal(w, wc)


@pytest.mark.parametrize("which", ["x", "w", "bias"])
def test_read_only_inputs(which):
    """Read-only x, w or bias (setflags(write=False), np.broadcast_to, read-only memmaps)
    are valid inputs: the result equals the writeable-input result."""
    rng = np.random.default_rng(12)
    arrays = dict(x=rng.standard_normal((2, 3, 6, 6)), w=rng.standard_normal((4, 3, 3, 3)),
                  bias=rng.standard_normal(4))
    want = fc.conv_forward(arrays["x"], arrays["w"], arrays["bias"])
    arrays[which] = arrays[which].copy()
    arrays[which].setflags(write=False)
    got = fc.conv_forward(arrays["x"], arrays["w"], arrays["bias"])
    np.testing.assert_array_equal(got, want)


def test_broadcast_bias_input():
    """A zero-stride (np.broadcast_to, read-only) bias is used by value."""
    x, w = np.ones((1, 2, 4, 4)), np.ones((3, 2, 2, 2))
    y = fc.conv_forward(x, w, np.broadcast_to(np.float64(0.25), (3,)))
    np.testing.assert_array_equal(y, np.full((1, 3, 3, 3), 8.25))


# ---------------------------------------------------------------- dtype rules


def test_dtype_rules():
    """float32 x, w (and bias) -> float32; float16 -> float32; any float64 among x, w,
    bias -> float64; int and bool inputs -> float64 with the reference's values."""
    rng = np.random.default_rng(13)
    x, w, b = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((3, 2, 2, 2)), rng.standard_normal(3)
    f32, f16 = np.float32, np.float16
    cases = [
        ((x.astype(f32), w.astype(f32), None), f32),
        ((x.astype(f32), w.astype(f32), b.astype(f32)), f32),
        ((x.astype(f16), w.astype(f16), None), f32),
        ((x.astype(f16), w.astype(f32), b.astype(f16)), f32),
        ((x, w, None), np.float64),
        ((x.astype(f32), w, None), np.float64),
        ((x, w.astype(f32), None), np.float64),
        ((x.astype(f32), w.astype(f32), b), np.float64),
        (((x * 5).astype(np.int32), (w * 5).astype(np.int64), None), np.float64),
        ((x > 0, w.astype(f32), None), np.float64),
        (((x * 5).astype(np.uint8), w > 0, (b * 3).astype(np.int16)), np.float64),
    ]
    for (xa, wa, ba), want in cases:
        y = fc.conv_forward(xa, wa, ba)
        assert y.dtype == want, (xa.dtype, wa.dtype, None if ba is None else ba.dtype)
        assert_close(y, R.conv_forward(xa, wa, ba), n=9)


def test_dtype_rules_non_native_byte_order():
    """A big-endian float32 array is float32 data: results are (native) float32 like for
    little-endian float32, for conv_forward, the backward passes and the single-array
    functions; big-endian float64 gives float64; values equal the native-order results."""
    rng = np.random.default_rng(14)
    x, w = rng.standard_normal((1, 2, 6, 5)), rng.standard_normal((3, 2, 2, 2))
    g = rng.standard_normal((1, 3, 5, 4))
    for native in (np.float32, np.float64):
        big = np.dtype(native).newbyteorder(">")
        xb, wb, gb = x.astype(big), w.astype(big), g.astype(big)
        xn, wn, gn = x.astype(native), w.astype(native), g.astype(native)
        results = {
            "conv_forward": (fc.conv_forward(xb, wb), fc.conv_forward(xn, wn)),
            "conv_backward_input": (fc.conv_backward_input(gb, wb, x.shape),
                                    fc.conv_backward_input(gn, wn, x.shape)),
            "conv_backward_weight": (fc.conv_backward_weight(xb, gb, w.shape),
                                     fc.conv_backward_weight(xn, gn, w.shape)),
            "conv_backward_bias": (fc.conv_backward_bias(gb), fc.conv_backward_bias(gn)),
            "correlate": (fc.correlate(xb[0, 0], wb[0, 0]), fc.correlate(xn[0, 0], wn[0, 0])),
            "convolve2d": (fc.convolve2d(xb[0, 0], wb[0, 0]), fc.convolve2d(xn[0, 0], wn[0, 0])),
        }
        for name, (got, want) in results.items():
            assert got.dtype == np.dtype(native), f"{name}: {big} input gave {got.dtype}"
            np.testing.assert_array_equal(got, want, err_msg=name)


def test_integer_inputs_exact():
    """Integer data is computed in float64: small integers give exact integer outputs."""
    x = np.arange(2 * 3 * 7).reshape(1, 2, 3, 7)
    w = np.array([[[[1, -1], [2, 0]], [[0, 3], [-2, 1]]]])
    np.testing.assert_array_equal(fc.conv_forward(x, w, [7]), R.conv_forward(x, w, [7]))


# ---------------------------------------------------------------- huge strides, tiny problem


def test_huge_stride_on_tiny_problem(tmp_path):
    """A stride far larger than the input is valid (one output per axis) and must cost
    memory proportional to the problem, not to the stride: forward and backward-weight
    with stride 2**40 (1-D) and 2**22 (3-D) on a 4- or 8-element input, run in a
    subprocess capped at 4 GiB of address space, equal the reference."""
    code = textwrap.dedent("""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        import numpy as np, fastconv as fc
        x = np.arange(1.0, 5.0).reshape(1, 1, 4)
        y = fc.conv_forward(x, np.full((1, 1, 2), 2.0), stride=2**40)
        assert y.tolist() == [[[6.0]]], y
        gw = fc.conv_backward_weight(x, np.ones((1, 1, 1)), (1, 1, 2), stride=2**40)
        assert gw.tolist() == [[[1.0, 2.0]]], gw
        x3 = np.arange(1.0, 9.0).reshape(1, 1, 2, 2, 2)
        y = fc.conv_forward(x3, np.ones((1, 1, 1, 1, 1)), stride=2**22)
        assert y.tolist() == [[[[[1.0]]]]], y
        gw = fc.conv_backward_weight(x3, np.ones((1, 1, 1, 1, 1)), (1, 1, 1, 1, 1), stride=2**22)
        assert gw.tolist() == [[[[[1.0]]]]], gw
        print("ok")
    """)
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


# ---------------------------------------------------------------- more edge geometry


@pytest.mark.parametrize("dtype", DTYPES)
def test_depthwise_and_extreme_padding(isa, dtype):
    """Depthwise convolution (groups = C = K, one output channel per group: the
    single-channel kernel path) at tile-edge widths, channel multipliers 2 and 3, padding
    larger than the input (outputs that see only padding get exactly the bias), strides
    larger than the kernel and the input: == reference."""
    nr1 = tiles(isa, dtype)["nr1"]
    rng = np.random.default_rng(20)
    for c in (1, 3, 17):
        for width in (nr1 - 1, nr1 + 1):
            x = rand(rng, (2, c, 3, width), dtype)
            for mult in (1, 2, 3):
                w = rand(rng, (c * mult, 1, 3, 3), dtype)
                b = rand(rng, (c * mult,), dtype)
                kw = dict(padding=1, groups=c)
                assert_close(fc.conv_forward(x, w, b, **kw), R.conv_forward(x, w, b, **kw), n=10,
                             dtype=dtype, err_msg=f"C={c} W={width} x{mult}")
    x = rand(rng, (1, 2, 2, 3), dtype)
    w = rand(rng, (3, 2, 2, 2), dtype)
    b = np.array([1.5, -2.0, 0.25], dtype)
    # (kwargs, does output [0, 0] read padding only?)
    for kw, corner_in_padding in ((dict(padding=6), True),
                                  (dict(padding=((5, 0), (0, 7)), stride=(3, 2)), True),
                                  (dict(padding=4, stride=5), True),
                                  (dict(padding=(3, 2), stride=(7, 1), dilation=(1, 3)), True),
                                  (dict(padding=1, stride=9), False)):
        y = fc.conv_forward(x, w, b, **kw)
        assert_close(y, R.conv_forward(x, w, b, **kw), n=9, dtype=dtype, err_msg=f"{kw}")
        if corner_in_padding:
            np.testing.assert_array_equal(y[:, :, 0, 0], np.broadcast_to(b, (1, 3)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_batches_larger_than_one_pack(dtype):
    """Images are packed in groups bounded by an 8 MiB workspace: with ~3.3 MiB per packed
    image (16 channels, padded) a batch of 3 is packed as 2 + 1 and 5 as 2 + 2 + 1; every
    image must be right, for the forward pass and both backward passes (== reference)."""
    rng = np.random.default_rng(21)
    h = 160 if dtype == np.float64 else 320
    for n in (3, 5):
        x = rand(rng, (n, 16, h, 160), dtype)
        w = rand(rng, (3, 16, 3, 3), dtype)
        y = fc.conv_forward(x, w, padding=1)
        assert_close(y, R.conv_forward(x, w, padding=1), n=144, dtype=dtype)
        # backward-input packs grad_out (16 channels here), backward-weight x and grad_out
        w2 = rand(rng, (16, 3, 3, 3), dtype)
        g = rand(rng, (n, 16, h, 160), dtype)
        assert_close(fc.conv_backward_input(g, w2, (n, 3, h, 160), padding=1),
                     R.conv_backward_input(g, w2, (n, 3, h, 160), padding=1), n=144, dtype=dtype)
        if dtype == np.float64:  # the float32 bound at n = N*H*W ~ 1e5 is too loose to matter
            assert_close(fc.conv_backward_weight(x, g, (16, 16, 3, 3), padding=1),
                         R.conv_backward_weight(x, g, (16, 16, 3, 3), padding=1), n=n * h * 160)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_non_finite_values_propagate_like_the_reference(isa, nd):
    """An inf or NaN in x (or w) makes exactly the outputs that read it non-finite (inf or
    NaN as the reference says), and leaves every other output finite and correct: the
    kernels' extra 'garbage' lanes and zero-padded weight rows must not leak them."""
    rng = np.random.default_rng(22 + nd)
    for trial in range(6):
        x = rng.standard_normal((2, 3) + (7, 6, 5)[:nd])
        w = rng.standard_normal((5, 3) + (3, 2, 2)[:nd])
        kw = dict(stride=1 + trial % 2, dilation=1 + (trial // 2) % 2, padding=trial % 3)
        x[tuple(rng.integers(0, s) for s in x.shape)] = (np.inf, np.nan)[trial % 2]
        x[tuple(rng.integers(0, s) for s in x.shape)] = -np.inf
        if trial == 5:
            w[tuple(rng.integers(0, s) for s in w.shape)] = np.nan
        got = fc.conv_forward(x, w, **kw)
        with np.errstate(invalid="ignore"):
            want = R.conv_forward(x, w, **kw)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f"NaN mask {kw}")
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want), err_msg=f"inf mask {kw}")
        fin = np.isfinite(want)
        np.testing.assert_allclose(got[fin], want[fin], rtol=1e-10, atol=1e-10 * np.abs(want[fin]).max())
