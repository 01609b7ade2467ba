"""The case catalogue: what is measured (operation, shapes, dtype), its exact
multiply-add count, and the deterministic inputs every library gets."""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np


PASSES = ("fwd", "bwd_input", "bwd_weight")
DTYPE_TAG = {"float32": "f32", "float64": "f64"}


@dataclass(frozen=True)
class Case:
    """One benchmark case: an operation on arrays of fixed shapes and dtype.

    Multi-channel convolutions (``op`` in ``fwd``/``bwd_input``/``bwd_weight``)
    use PyTorch layouts: ``a_shape`` is x = (N, C, *spatial) and ``b_shape`` is
    w = (K, C/groups, *kernel).  Single-array ops (``correlate``, ``correlate2d``)
    follow scipy.signal: ``a_shape`` is in1, ``b_shape`` is in2 and ``mode`` the
    output mode.  ``group`` ties the case to a target in RESULTS.md.
    """

    name: str
    group: str
    op: str
    dtype: str
    a_shape: tuple[int, ...]
    b_shape: tuple[int, ...]
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    groups: int = 1
    mode: str = "same"

    @property
    def is_conv(self) -> bool:
        return self.op in PASSES

    @property
    def ndim(self) -> int:
        """Spatial rank."""
        return len(self.a_shape) - 2 if self.is_conv else len(self.a_shape)

    @property
    def kernel(self) -> tuple[int, ...]:
        return self.b_shape[2:] if self.is_conv else self.b_shape

    @property
    def out_spatial(self) -> tuple[int, ...]:
        """Spatial output shape (conv) or output shape (single-array op)."""
        if self.is_conv:
            return tuple(
                (n + 2 * self.padding - self.dilation * (k - 1) - 1) // self.stride + 1
                for n, k in zip(self.a_shape[2:], self.kernel)
            )
        n1, n2 = self.a_shape, self.b_shape
        if self.mode == "full":
            return tuple(a + b - 1 for a, b in zip(n1, n2))
        if self.mode == "same":
            return tuple(n1)
        return tuple(abs(a - b) + 1 for a, b in zip(n1, n2))

    @property
    def y_shape(self) -> tuple[int, ...]:
        """Forward output shape (= grad_out shape) of a conv case."""
        return (self.a_shape[0], self.b_shape[0], *self.out_spatial)

    @property
    def macs(self) -> int:
        """Exact multiply-add count.

        Conv (all three passes): N*K*(C/g)*prod(kernel)*prod(out).
        Single-array: prod(out)*prod(kernel), i.e. over the zero-extended input.
        """
        if self.is_conv:
            n, k = self.a_shape[0], self.b_shape[0]
            return n * k * self.b_shape[1] * math.prod(self.kernel) * math.prod(self.out_spatial)
        small = min(math.prod(self.a_shape), math.prod(self.b_shape))
        return math.prod(self.out_spatial) * small

    @property
    def reduction_length(self) -> int:
        """Number of products summed into one output element (sets the tolerance)."""
        if self.op == "fwd":
            return self.b_shape[1] * math.prod(self.kernel)
        if self.op == "bwd_input":
            return (self.b_shape[0] // self.groups) * math.prod(self.kernel)
        if self.op == "bwd_weight":
            return self.a_shape[0] * math.prod(self.out_spatial)
        return min(math.prod(self.a_shape), math.prod(self.b_shape))


def conv_layer(group: str, n: int, cin: int, cout: int, hw: int, k: int, *,
               stride: int = 1, padding: int = 0, dtype: str = "float32") -> list[Case]:
    """The three passes (fwd, bwd_input, bwd_weight) of one square 2-D conv layer."""
    s = f"s{stride}" if stride > 1 else ""
    label = f"conv{k}x{k}{s}.{cin}-{cout}.{hw}x{hw}.b{n}"
    return [
        Case(f"{label}.{op}.{DTYPE_TAG[dtype]}", group, op, dtype,
             (n, cin, hw, hw), (cout, cin, k, k), stride=stride, padding=padding)
        for op in PASSES
    ]


def corr(n: int, k: int, ndim: int, dtype: str = "float32", mode: str = "same") -> Case:
    """A single-array correlation of an n^ndim array with a k^ndim kernel."""
    if ndim == 2:
        return Case(f"corr2d.{k}x{k}.{n}x{n}.{mode}.{DTYPE_TAG[dtype]}", "single2d",
                    "correlate2d", dtype, (n, n), (k, k), mode=mode)
    group = f"corr{ndim}d"
    dims = "x".join([str(k)] * ndim)
    size = "x".join([str(n)] * ndim)
    return Case(f"{group}.{dims}.{size}.{mode}.{DTYPE_TAG[dtype]}", group, "correlate",
                dtype, (n,) * ndim, (k,) * ndim, mode=mode)


def full_cases() -> list[Case]:
    """The full case table (see the issue "Reach the machine's FMA peak")."""
    return [
        *conv_layer("conv3x3", 8, 64, 64, 56, 3, padding=1),
        *conv_layer("conv3x3", 8, 128, 128, 28, 3, padding=1),
        *conv_layer("conv3x3", 8, 256, 256, 14, 3, padding=1),
        *conv_layer("conv1x1", 8, 256, 64, 56, 1),
        *conv_layer("conv7x7s2", 8, 3, 64, 224, 7, stride=2, padding=3),
        *conv_layer("fewch", 64, 1, 8, 28, 3, padding=1),
        *conv_layer("fewch", 64, 8, 16, 28, 3, padding=1),
        *[corr(n, k, 2, dt) for dt in ("float32", "float64") for n in (512, 2048) for k in (3, 5, 11)],
        corr(10**6, 64, 1, mode="valid"),
        corr(64, 3, 3),
        *conv_layer("fp64layer", 4, 64, 64, 28, 3, padding=1, dtype="float64"),
    ]


def quick_cases() -> list[Case]:
    """A representative subset at reduced sizes for ``--quick``."""
    return [
        *conv_layer("conv3x3", 4, 64, 64, 28, 3, padding=1),
        *conv_layer("conv1x1", 4, 256, 64, 28, 1),
        *conv_layer("conv7x7s2", 2, 3, 64, 112, 7, stride=2, padding=3),
        *conv_layer("fewch", 16, 8, 16, 28, 3, padding=1),
        corr(512, 3, 2),
        corr(512, 5, 2),
        corr(10**5, 64, 1, mode="valid"),
        corr(32, 3, 3),
        *conv_layer("fp64layer", 2, 64, 64, 14, 3, padding=1, dtype="float64"),
    ]


def make_inputs(case: Case) -> dict[str, Any]:
    """Deterministic random inputs (seeded from the case name), shared by all libraries."""
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    dt = np.dtype(case.dtype)

    def rand(shape):
        return rng.standard_normal(shape, dtype=dt)

    if case.op == "fwd":
        return {"x": rand(case.a_shape), "w": rand(case.b_shape)}
    if case.op == "bwd_input":
        return {"grad_out": rand(case.y_shape), "w": rand(case.b_shape)}
    if case.op == "bwd_weight":
        return {"x": rand(case.a_shape), "grad_out": rand(case.y_shape)}
    return {"in1": rand(case.a_shape), "in2": rand(case.b_shape)}


def expected_shape(case: Case) -> tuple[int, ...]:
    return {"fwd": case.y_shape, "bwd_input": case.a_shape,
            "bwd_weight": case.b_shape}.get(case.op, case.out_spatial)


def select_cases(quick: bool, filt: str) -> list[Case]:
    cases = quick_cases() if quick else full_cases()
    keys = [k.strip() for k in filt.split(",") if k.strip()]
    if keys:
        cases = [c for c in cases if any(k in c.name or k == c.group for k in keys)]
    return cases
