"""The ``algorithm=`` keyword of the batched passes: validation and its C code.

``"direct"`` is fastconv's direct method (the bits of every release before the keyword);
``"winograd"`` is Winograd F(4x4, 3x3) / F(2x2, 3x3), which serves 2-D 3x3 layers with
stride 1 and dilation 1 (any padding, groups, flip), in all three passes; ``"auto"`` lets
the library choose (the C planner's cost model, src/winograd/wg_plan.c: Winograd for the
three passes of layers with >= 64 channels a group where it is clearly cheaper, direct
elsewhere; benchmarks/ANALYSIS.md).
``"fft"`` is overlap-save FFT tiles over the one spatial axis of 1-D layers with stride 1
and dilation 1 (any padding, groups, flip), in all three passes; ``"auto"`` takes it where
the cost model of src/plan/plan_fft_batched.c says it is faster (long kernels), never for
inputs holding a NaN or Inf (:func:`auto_finite`).  It plays the role of ``method=`` of
the single-array functions.
"""
from __future__ import annotations

from typing import Any, Callable, List, Sequence

import numpy as np

from ._params import ConvParams

#: the accepted values, and the fc_algorithm code each becomes
ALGORITHMS = {"auto": 0, "direct": 1, "winograd": 2, "fft": 3}

#: passes the Winograd path serves
_WINOGRAD_OPS = ("conv_forward", "conv_backward_input", "conv_backward_weight")


def _why_not_winograd(fname: str, kernel: Sequence[int], params: ConvParams) -> str:
    """'' when Winograd serves the layer, else the reason it does not."""
    if fname not in _WINOGRAD_OPS:
        return f"it is implemented for conv_forward and its gradients only, not {fname}"
    if len(kernel) != 2:
        return f"it serves 2-D layers only, got {len(kernel)} spatial axes"
    if tuple(kernel) != (3, 3):
        return f"it serves 3x3 kernels only, got {tuple(kernel)}"
    if any(s != 1 for s in params.stride):
        return f"it serves stride 1 only, got stride {params.stride}"
    if any(d != 1 for d in params.dilation):
        return f"it serves dilation 1 only, got dilation {params.dilation}"
    return ""


def _why_not_fft(fname: str, kernel: Sequence[int], params: ConvParams) -> str:
    """'' when the FFT path serves the layer, else the reason it does not."""
    if fname not in _WINOGRAD_OPS:
        return f"it is implemented for conv_forward and its gradients only, not {fname}"
    if len(kernel) != 1:
        return f"it serves 1-D layers only, got {len(kernel)} spatial axes"
    if any(s != 1 for s in params.stride):
        return f"it serves stride 1 only, got stride {params.stride}"
    if any(d != 1 for d in params.dilation):
        return f"it serves dilation 1 only, got dilation {params.dilation}"
    return ""


_min_taps: List[int] = []


def auto_finite(algo: int, kernel: Sequence[int], params: ConvParams, describe: Callable[[], str],
                *arrays: Any) -> int:
    """auto's choice after the non-finite rule: direct (1) where the plan would take the
    FFT but an input holds a NaN or Inf (direct keeps it local to the outputs it
    touches; an FFT spreads it over its tile), else ``algo`` unchanged.  Only calls the
    FFT could serve (stride 1, dilation 1, at least ``fftb_auto_min_taps`` taps on the
    last axis, size-1 kernel axes before it: the C planner also serves a 2-D layer of
    one row) ask the plan (``describe()``) and scan the inputs, so small layers pay
    nothing."""
    if algo != 0 or any(k != 1 for k in kernel[:-1]) or any(s != 1 for s in params.stride) or \
            any(d != 1 for d in params.dilation):
        return algo
    if not _min_taps:
        from . import _core
        _min_taps.append(int(_core.config()["tuning"]["fftb_auto_min_taps"]))
    if kernel[-1] < _min_taps[0] or "algorithm=fft" not in describe():
        return algo
    return algo if all(np.isfinite(a).all() for a in arrays) else 1


def resolve_algorithm(fname: str, algorithm: Any, kernel: Sequence[int],
                      params: ConvParams, op: str = "") -> int:
    """The fc_algorithm code of ``algorithm`` for a layer of ``kernel`` spatial size.

    ``op`` is the pass (a function name; default ``fname``).  Raises TypeError for a
    non-str, ValueError for an unknown name or for "winograd" on a layer it cannot
    serve (the message, prefixed by ``fname``, says why)."""
    if not isinstance(algorithm, str):
        raise TypeError(f"{fname}: algorithm must be a str, one of 'auto', 'direct', "
                        f"'winograd', 'fft', got {type(algorithm).__name__} {algorithm!r}")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"{fname}: algorithm must be one of 'auto', 'direct', 'winograd', "
                         f"'fft', got {algorithm!r}")
    if algorithm == "winograd":
        why = _why_not_winograd(op or fname, kernel, params)
        if why:
            raise ValueError(f"{fname}: algorithm='winograd' cannot serve this layer: {why} "
                             f"(use algorithm='direct' or 'auto')")
    if algorithm == "fft":
        why = _why_not_fft(op or fname, kernel, params)
        if why:
            raise ValueError(f"{fname}: algorithm='fft' cannot serve this layer: {why} "
                             f"(use algorithm='direct' or 'auto')")
    return ALGORITHMS[algorithm]
