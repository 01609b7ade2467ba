"""method= of the single-array functions: the exactness rules, auto's non-finite rule
and :func:`choose_method` (the plan's cost model decides; src/plan/plan_fft.c)."""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["choose_method"]

_METHODS = {"auto": 0, "direct": 1, "fft": 2}


def _method(fname: str, method: str) -> int:
    if not isinstance(method, str) or method not in _METHODS:
        raise ValueError(f"{fname}: method must be one of 'auto', 'direct', 'fft', got {method!r}")
    return _METHODS[method]


def _exactness(fname: str, a: NDArray[Any], b: NDArray[Any], method: int) -> int:
    """The method after the exactness rules: auto keeps direct for booleans, for
    integers whose products could pass 2^52 (as scipy.signal.choose_conv_method does) and
    for non-finite values (direct keeps a NaN or Inf local to the outputs it touches; an
    FFT spreads it over its tile); fft with such integers raises."""
    ints = a.dtype.kind in "biu" or b.dtype.kind in "biu"
    if ints:
        if a.dtype.kind == "b" and b.dtype.kind == "b" and method == 0:
            return 1
        amax = float(np.max(np.abs(a), initial=0)) if a.size else 0.0
        bmax = float(np.max(np.abs(b), initial=0)) if b.size else 0.0
        big = amax * bmax * min(a.size, b.size) > 2.0 ** 52
        if big and method == 2:
            raise ValueError(f"{fname}: method='fft' cannot give exact results for integer inputs "
                             f"whose products may exceed 2**52 (max|in1| = {amax:g}, max|in2| = "
                             f"{bmax:g}); use method='direct'")
        if big or a.dtype.kind == "b" or b.dtype.kind == "b":
            return 1 if method == 0 else method
    return method


def _auto_finite(a: NDArray[Any], b: NDArray[Any], describe: Any) -> int:
    """auto's choice after the non-finite rule: the plan's choice (describe() returns its
    text), and direct where it would be the FFT but an input holds a NaN or Inf.  The
    inputs are scanned only then (a pass over each: ~5% of an FFT call; a 3x3 direct
    call on 1024^2 float32 would take ~50% longer if every call scanned)."""
    if b.size <= 8 and a.size <= 8:
        return 1   # the planner never takes the FFT for so few taps
    if "algorithm=fft" not in describe():
        return 1
    return 2 if np.isfinite(a).all() and np.isfinite(b).all() else 1


def choose_method(in1: ArrayLike, in2: ArrayLike, mode: str = "full") -> str:
    """The method ``correlate``/``convolve(in1, in2, mode)`` would use with ``"auto"``.

    Like ``scipy.signal.choose_conv_method``: ``"direct"`` or ``"fft"``, from the plan's
    cost model (estimated time of direct sums against overlap-save FFT tiles, for the
    shapes, dtype, instruction set and threads of this machine; its constants come from
    ``benchmarks/fft_costs.py``), after the exactness rules: booleans, integers whose
    products could exceed 2**52, and non-finite values always get ``"direct"``.

    Parameters
    ----------
    in1, in2 : array_like
        The inputs of the call (same rank, 1 to 3).
    mode : {"full", "same", "valid"}, default "full"
        The mode of the call.

    Returns
    -------
    str
        ``"direct"`` or ``"fft"``.

    Raises
    ------
    ValueError
        As :func:`correlate` would for these arguments.
    TypeError
        As :func:`correlate` would for these arguments.

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> fastconv.choose_method(np.ones(1000), np.ones(3))
    'direct'
    >>> fastconv.choose_method(np.ones((1024, 1024)), np.ones((63, 63)))
    'fft'
    """
    from . import _plan
    from ._signal import correlate
    plan = _plan.explain(correlate, in1, in2, mode, method="auto")
    return "fft" if plan.get("algorithm") == "fft" else "direct"
