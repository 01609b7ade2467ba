"""The ``algorithm=`` keyword of the batched passes: validation and its C code.

``"direct"`` is fastconv's direct method (the bits of every release before the keyword);
``"winograd"`` is Winograd F(4x4, 3x3) / F(2x2, 3x3), which serves 2-D 3x3 layers with
stride 1 and dilation 1 (any padding, groups, flip), in all three passes; ``"auto"`` lets
the library choose (the C planner's cost model, src/winograd/wg_plan.c: Winograd for the
three passes of layers with >= 64 channels a group where it is clearly cheaper, direct
elsewhere; benchmarks/ANALYSIS.md).
"""
from __future__ import annotations

from typing import Any, Sequence

from ._params import ConvParams

#: the accepted values, and the fc_algorithm code each becomes
ALGORITHMS = {"auto": 0, "direct": 1, "winograd": 2}

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


def resolve_algorithm(fname: str, algorithm: Any, kernel: Sequence[int],
                      params: ConvParams, op: str = "") -> int:
    """The fc_algorithm code of ``algorithm`` for a layer of ``kernel`` spatial size.

    ``op`` is the pass (a function name; default ``fname``).  Raises TypeError for a
    non-str, ValueError for an unknown name or for "winograd" on a layer it cannot
    serve (the message, prefixed by ``fname``, says why)."""
    if not isinstance(algorithm, str):
        raise TypeError(f"{fname}: algorithm must be a str, one of 'auto', 'direct', "
                        f"'winograd', got {type(algorithm).__name__} {algorithm!r}")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"{fname}: algorithm must be one of 'auto', 'direct', 'winograd', "
                         f"got {algorithm!r}")
    if algorithm == "winograd":
        why = _why_not_winograd(op or fname, kernel, params)
        if why:
            raise ValueError(f"{fname}: algorithm='winograd' cannot serve this layer: {why} "
                             f"(use algorithm='direct' or 'auto')")
    return ALGORITHMS[algorithm]
