"""Library adapters: one column per library (fastconv, its NumPy reference, SciPy
direct and FFT, NumPy, PyTorch), each turning a case and its arrays into a
zero-argument call, and the thread-count control shared by all of them."""
from __future__ import annotations

import contextlib
import importlib
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from .cases import Case


Prepared = tuple[Callable[[], Any], Callable[[Any], np.ndarray], str]
"""(zero-argument call, converter of its result to numpy, description)."""


@dataclass
class Impl:
    """A library column: ``prepare(case, arrays, threads)`` returns a Prepared or None (n/a)."""

    name: str
    prepare: Callable[[Case, dict, int], Optional[Prepared]]
    threaded: bool = True      # False: result independent of the thread count (timed once)
    available: bool = True
    note: str = ""
    version: Optional[str] = None


def _accepts(fn: Callable, kwarg: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return kwarg in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def fastconv_style(mod: Any, case: Case, a: dict, threads: int) -> Optional[Prepared]:
    """Call the fastconv public API (also used for ``fastconv.reference``)."""
    fname = {"fwd": "conv_forward", "bwd_input": "conv_backward_input",
             "bwd_weight": "conv_backward_weight"}.get(case.op, case.op)
    fn = getattr(mod, fname, None)
    if fn is None:
        return None
    kw: dict[str, Any] = {}
    if case.is_conv:
        kw = dict(stride=case.stride, padding=case.padding, dilation=case.dilation, groups=case.groups)
    else:
        kw = dict(mode=case.mode)
    if _accepts(fn, "num_threads"):
        kw["num_threads"] = threads
    desc = f"{mod.__name__}.{fname}"
    if case.op == "fwd":
        return (lambda: fn(a["x"], a["w"], **kw)), np.asarray, desc
    if case.op == "bwd_input":
        return (lambda: fn(a["grad_out"], a["w"], case.a_shape, **kw)), np.asarray, desc
    if case.op == "bwd_weight":
        return (lambda: fn(a["x"], a["grad_out"], case.b_shape, **kw)), np.asarray, desc
    return (lambda: fn(a["in1"], a["in2"], **kw)), np.asarray, desc


def make_torch_prepare(torch: Any) -> Callable[[Case, dict, int], Optional[Prepared]]:
    """PyTorch peer: F.conv{1,2,3}d and torch.nn.grad.conv{1,2,3}d_input/_weight."""
    F = torch.nn.functional
    tgrad = torch.nn.grad

    def to_np(t):
        return t.detach().numpy()

    def prepare(case: Case, a: dict, threads: int) -> Optional[Prepared]:
        d = case.ndim
        conv = getattr(F, f"conv{d}d")
        if case.is_conv:
            kw = dict(stride=case.stride, padding=case.padding, dilation=case.dilation, groups=case.groups)
            t = {k: torch.from_numpy(v) for k, v in a.items()}
            if case.op == "fwd":
                return (lambda: conv(t["x"], t["w"], None, **kw)), to_np, f"torch.nn.functional.conv{d}d"
            if case.op == "bwd_input":
                f = getattr(tgrad, f"conv{d}d_input")
                return (lambda: f(case.a_shape, t["w"], t["grad_out"], **kw)), to_np, f"torch.nn.grad.conv{d}d_input"
            f = getattr(tgrad, f"conv{d}d_weight")
            return (lambda: f(t["x"], case.b_shape, t["grad_out"], **kw)), to_np, f"torch.nn.grad.conv{d}d_weight"
        # single-array correlation as a (1, 1, *shape) convolution
        if case.mode == "same":
            if any(k % 2 == 0 for k in case.kernel):
                return None  # scipy's "same" centring needs asymmetric padding
            pad = tuple(k // 2 for k in case.kernel)
        elif case.mode == "full":
            pad = tuple(k - 1 for k in case.kernel)
        else:
            if any(n < k for n, k in zip(case.a_shape, case.kernel)):
                return None
            pad = (0,) * d
        x = torch.from_numpy(a["in1"])[None, None]
        w = torch.from_numpy(a["in2"])[None, None]
        return ((lambda: conv(x, w, None, padding=pad)), (lambda r: to_np(r[0, 0])),
                f"torch.nn.functional.conv{d}d on (1,1,...)")

    return prepare


def make_scipy_prepares(signal: Any) -> tuple[Callable, Callable]:
    """SciPy peers: direct (correlate2d for 2-D, correlate(method="direct") otherwise) and FFT."""

    def direct(case: Case, a: dict, threads: int) -> Optional[Prepared]:
        if case.is_conv:
            return None
        if case.op == "correlate2d":
            return ((lambda: signal.correlate2d(a["in1"], a["in2"], mode=case.mode)), np.asarray,
                    "scipy.signal.correlate2d")
        return ((lambda: signal.correlate(a["in1"], a["in2"], mode=case.mode, method="direct")),
                np.asarray, 'scipy.signal.correlate(method="direct")')

    def fft(case: Case, a: dict, threads: int) -> Optional[Prepared]:
        if case.is_conv:
            return None
        return ((lambda: signal.correlate(a["in1"], a["in2"], mode=case.mode, method="fft")),
                np.asarray, 'scipy.signal.correlate(method="fft")')

    return direct, fft


def numpy_prepare(case: Case, a: dict, threads: int) -> Optional[Prepared]:
    """NumPy peer: np.correlate (1-D valid/full only; its "same" differs from scipy's)."""
    if case.op != "correlate" or case.ndim != 1 or case.mode == "same":
        return None
    return (lambda: np.correlate(a["in1"], a["in2"], mode=case.mode)), np.asarray, "numpy.correlate"


def _version(mod: Any) -> Optional[str]:
    return getattr(mod, "__version__", None)


def load_impls(disabled: set[str]) -> tuple[list[Impl], dict[str, Any]]:
    """Import every library that is installed; a missing one becomes a skipped column.

    Returns the impls in column order and a dict of handles (fastconv, torch, ...)
    needed to set thread counts.
    """
    handles: dict[str, Any] = {}
    impls: list[Impl] = []

    def unavailable(name: str, note: str) -> None:
        impls.append(Impl(name, lambda *a: None, available=False, note=note))

    # fastconv and its NumPy reference
    fc = None
    if "fastconv" in disabled:
        unavailable("fastconv", "disabled with --skip")
    else:
        try:
            fc = importlib.import_module("fastconv")
            if not hasattr(fc, "conv_forward") and not hasattr(fc, "correlate"):
                raise ImportError(f"{getattr(fc, '__file__', None) or fc.__path__} has no fastconv API "
                                  "(namespace package / unbuilt source tree?)")
            handles["fastconv"] = fc
            impls.append(Impl("fastconv", lambda c, a, t: fastconv_style(fc, c, a, t), version=_version(fc)))
        except Exception as e:  # ImportError, or a broken build raising anything
            fc = None
            unavailable("fastconv", f"fastconv not importable ({type(e).__name__}: {e}); fastconv columns skipped")
    if "reference" in disabled:
        unavailable("reference", "disabled with --skip")
    elif fc is None:
        unavailable("reference", "fastconv.reference needs fastconv")
    else:
        try:
            ref = importlib.import_module("fastconv.reference")
            impls.append(Impl("reference", lambda c, a, t: fastconv_style(ref, c, a, t), version=_version(fc)))
        except Exception as e:
            unavailable("reference", f"fastconv.reference not importable ({type(e).__name__}: {e})")

    # SciPy (direct + FFT), NumPy, PyTorch
    try:
        import scipy
        import scipy.fft
        import scipy.signal
        handles["scipy_fft"] = scipy.fft
        direct, fft = make_scipy_prepares(scipy.signal)
        for name, prep, threaded in (("scipy", direct, False), ("scipy-fft", fft, True)):
            if name in disabled:
                unavailable(name, "disabled with --skip")
            else:
                impls.append(Impl(name, prep, threaded=threaded, version=scipy.__version__))
    except ImportError as e:
        unavailable("scipy", f"scipy not importable ({e}); scipy columns skipped")
        unavailable("scipy-fft", "scipy not importable")
    if "numpy" in disabled:
        unavailable("numpy", "disabled with --skip")
    else:
        impls.append(Impl("numpy", numpy_prepare, threaded=False, version=np.__version__))
    if "torch" in disabled:
        unavailable("torch", "disabled with --skip")
    else:
        try:
            import torch
            handles["torch"] = torch
            impls.append(Impl("torch", make_torch_prepare(torch), version=torch.__version__))
        except ImportError as e:
            unavailable("torch", f"torch not importable ({e}); torch columns skipped")
    try:
        import threadpoolctl
        handles["threadpoolctl"] = threadpoolctl
    except ImportError:
        pass
    return impls, handles


#: Which output is trusted as the baseline for the agreement check (first available wins).
TRUST_ORDER = ("reference", "scipy", "numpy", "torch", "scipy-fft", "fastconv")


@contextlib.contextmanager
def thread_count(handles: dict[str, Any], n: int):
    """Run every library with ``n`` threads (torch, fastconv, BLAS/OpenMP pools, scipy.fft)."""
    with contextlib.ExitStack() as stack:
        if "threadpoolctl" in handles:
            stack.enter_context(handles["threadpoolctl"].threadpool_limits(limits=n))
        if "scipy_fft" in handles:
            stack.enter_context(handles["scipy_fft"].set_workers(n))
        if "torch" in handles:
            handles["torch"].set_num_threads(n)
        fc = handles.get("fastconv")
        if fc is not None and hasattr(fc, "set_num_threads"):
            fc.set_num_threads(n)
        yield
