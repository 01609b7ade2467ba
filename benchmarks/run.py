#!/usr/bin/env python3
"""fastconv benchmark harness.

Times fastconv against its peers -- the NumPy reference (``fastconv.reference``,
small cases only), SciPy (``scipy.signal.correlate2d``, ``scipy.signal.correlate``
with ``method="direct"`` and ``method="fft"``), NumPy (``np.correlate``) and
PyTorch when it is installed -- in one process, on the same inputs and with the
same thread count, after checking that all outputs agree.  The machine's FMA
peak is measured in the same run by a small C probe (``peak.c``), before and
after the cases (the higher reading counts), so every number can be read as a
fraction of what the cores can do.

Usage::

    python benchmarks/run.py --quick          # ~1-3 minutes, representative subset
    python benchmarks/run.py                  # full case table
    python benchmarks/run.py --filter conv3x3 --threads 1
    python benchmarks/run.py --update-results-md          # also rewrite RESULTS.md
    python benchmarks/run.py --from-json results/X.json --update-results-md

Outputs ``benchmarks/results/<date>-<cpu>[-quick][-partial].{json,md,png}``.
The exit status is 1 when any case FAILED (outputs disagree, fastconv raised or
returned a wrong shape/dtype), 0 otherwise.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as _dt
import gc
import hashlib
import importlib
import inspect
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUILD_DIR = HERE / ".build"
RESULTS_DIR = HERE / "results"
RESULTS_MD = HERE / "RESULTS.md"

#: The NumPy reference is slow: in full mode it only runs on cases with at most
#: this many multiply-adds (in --quick mode it runs on every case).
REFERENCE_MAX_MACS = 3e8

#: Rows measured while other processes used more than this many CPUs are flagged.
BUSY_CPUS = 0.25

PASSES = ("fwd", "bwd_input", "bwd_weight")
DTYPE_TAG = {"float32": "f32", "float64": "f64"}


# --------------------------------------------------------------------------- cases
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


# --------------------------------------------------------------------------- libraries
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


# --------------------------------------------------------------------------- checking
def tolerance(case: Case) -> float:
    """Allowed max|a-b| / max|baseline|: grows with sqrt(reduction length), floor 32 eps."""
    eps = float(np.finfo(np.dtype(case.dtype)).eps)
    return max(32 * eps, 16 * eps * math.sqrt(case.reduction_length))


def compare(out: np.ndarray, base: np.ndarray, case: Case) -> tuple[bool, float, str]:
    """Return (ok, relative error, message)."""
    if out.shape != base.shape:
        return False, math.inf, f"shape {out.shape} != {base.shape}"
    o = out.astype(np.float64, copy=False)
    if not np.all(np.isfinite(o)):
        return False, math.inf, "non-finite values"
    scale = float(np.max(np.abs(base))) or 1.0
    err = float(np.max(np.abs(o - base))) / scale
    tol = tolerance(case)
    return err <= tol, err, f"max|diff|/max|ref| = {err:.3g} (tol {tol:.3g})"


# --------------------------------------------------------------------------- timing
@dataclass
class TimingConfig:
    """How long to spend per library and case (seconds)."""

    budget: float           # target time per library per case and thread count
    min_sample: float       # one sample lasts at least this long (inner loop of calls)
    slow_call: float        # a first call slower than this is timed once, no warm-up
    max_reps: int
    rewarm: float           # untimed calls for at least this long before each block of samples
    rounds: int             # at most this many alternating blocks of samples per library


FULL_TIMING = TimingConfig(budget=0.5, min_sample=0.005, slow_call=2.0, max_reps=100, rewarm=0.01,
                           rounds=8)
QUICK_TIMING = TimingConfig(budget=0.2, min_sample=0.002, slow_call=1.0, max_reps=50, rewarm=0.005,
                            rounds=4)


def _timed(fn: Callable[[], Any], inner: int = 1) -> float:
    t0 = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - t0) / inner


def time_calls(fns: dict[str, Callable[[], Any]], first: dict[str, float],
               cfg: TimingConfig) -> dict[str, dict]:
    """Median time per call for each library.

    ``first`` holds the duration of the (already done) checking call.  A library
    whose first call exceeds ``cfg.slow_call`` is reported with that single call;
    otherwise one warm-up call sets the inner loop length (a sample lasts at
    least ``cfg.min_sample``) and the repetition count (about ``cfg.budget``
    seconds per library).  The samples are taken in up to ``cfg.rounds`` rounds of one
    block per library (8 in a full run: phases of this VM that last under a second
    then hit every library alike), so slow drifts are spread over all libraries,
    and each block starts with untimed calls (``cfg.rewarm`` seconds) so that
    the spinning thread pools of the previous library (OpenBLAS, another OpenMP
    runtime) have gone idle (on the 2-core dev machine a torch call right after
    a 2-thread OpenBLAS call took about twice as long).
    """
    plans: dict[str, dict] = {}
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for name, fn in fns.items():
            if first[name] >= cfg.slow_call:
                plans[name] = {"samples": [first[name]], "inner": 1, "reps": 1, "note": "single call (cold)"}
                continue
            warm = _timed(fn)
            if warm >= cfg.budget:
                plans[name] = {"samples": [warm], "inner": 1, "reps": 1, "note": "single call"}
                continue
            inner = max(1, int(cfg.min_sample / warm))
            reps = int(cfg.budget / (warm * inner))
            reps = min(cfg.max_reps, max(reps, 3 if 3 * warm * inner <= 2 * cfg.budget else 1))
            plans[name] = {"samples": [], "inner": inner, "reps": reps, "note": "",
                           "rewarm": warm * inner < 0.1 * cfg.budget}
        todo = {n: p for n, p in plans.items() if not p["note"]}
        rounds = min(cfg.rounds, max((p["reps"] for p in todo.values()), default=0))
        for r in range(rounds):
            for name, p in todo.items():
                n = p["reps"] * (r + 1) // rounds - p["reps"] * r // rounds
                if n and p["rewarm"]:
                    t_end = time.perf_counter() + cfg.rewarm
                    fns[name]()
                    while time.perf_counter() < t_end:
                        fns[name]()
                for _ in range(n):
                    p["samples"].append(_timed(fns[name], p["inner"]))
    finally:
        if gc_was:
            gc.enable()
    return {name: {"time_s": statistics.median(p["samples"]), "min_s": min(p["samples"]),
                   "samples_s": p["samples"], "inner": p["inner"], "reps": len(p["samples"]),
                   "note": p["note"]}
            for name, p in plans.items()}


class BackgroundLoad:
    """CPUs used by other processes (plus VM steal) while the block runs, from /proc/stat.

    ``cpus`` is None where /proc/stat is unavailable.  A value well above 0 means
    the numbers measured in the block were disturbed by something else.
    """

    def __init__(self) -> None:
        self.cpus: Optional[float] = None

    @staticmethod
    def _stat() -> Optional[tuple[float, float]]:
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        hz = os.sysconf("SC_CLK_TCK")
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        steal = v[7] if len(v) > 7 else 0
        busy = sum(v[:8]) - idle - steal  # guest time is already included in user
        return busy / hz, steal / hz

    @staticmethod
    def _own() -> float:
        t = os.times()  # all threads of this process + finished children (the peak probe)
        return t.user + t.system + t.children_user + t.children_system

    def __enter__(self) -> "BackgroundLoad":
        self._t0, self._s0, self._o0 = time.perf_counter(), self._stat(), self._own()
        return self

    def __exit__(self, *exc) -> None:
        s1, wall = self._stat(), time.perf_counter() - self._t0
        if self._s0 is None or s1 is None or wall <= 0:
            return
        busy = s1[0] - self._s0[0] - (self._own() - self._o0)
        steal = s1[1] - self._s0[1]
        self.cpus = max(0.0, (busy + steal) / wall)


def wait_idle(max_wait: float, window: float = 0.5) -> bool:
    """Sleep until other processes use at most BUSY_CPUS CPUs over ``window`` seconds."""
    deadline = time.perf_counter() + max_wait
    while time.perf_counter() < deadline:
        with BackgroundLoad() as bg:
            time.sleep(window)
        if bg.cpus is None or bg.cpus <= BUSY_CPUS:
            return True
    return False


# --------------------------------------------------------------------------- peak probe
def _compilers() -> list[list[str]]:
    cands = []
    for c in (os.environ.get("CC"), sysconfig.get_config_var("CC"), "cc", "gcc", "clang"):
        if c:
            cmd = shlex.split(c)
            if cmd and shutil.which(cmd[0]) and cmd not in cands:
                cands.append(cmd)
    return cands


def build_peak() -> tuple[Optional[Path], str]:
    """Compile peak.c into benchmarks/.build (cached by source + compiler). Returns (binary, info)."""
    src = HERE / "peak.c"
    errors = []
    for cc in _compilers():
        key = hashlib.sha256(src.read_bytes() + " ".join(cc).encode()).hexdigest()[:12]
        exe = BUILD_DIR / f"peak-{key}"
        try:
            ver = subprocess.run(cc + ["--version"], capture_output=True, text=True, timeout=30).stdout
            info = " ".join(cc) + ": " + (ver.splitlines()[0] if ver else "?")
        except (OSError, subprocess.SubprocessError):
            info = " ".join(cc)
        if exe.exists():
            return exe, info
        BUILD_DIR.mkdir(parents=True, exist_ok=True)
        tmp = exe.with_suffix(".tmp")
        r = subprocess.run(cc + ["-O2", "-pthread", "-o", str(tmp), str(src)],
                           capture_output=True, text=True)
        if r.returncode == 0:
            tmp.replace(exe)
            return exe, info
        errors.append(f"{' '.join(cc)}: {r.stderr.strip()[:500]}")
    return None, "; ".join(errors) or "no C compiler found"


def measure_peak(thread_list: list[int], seconds: float) -> dict:
    """Run the peak probe for fp32/fp64 at each thread count (median of 5 reps inside)."""
    exe, info = build_peak()
    out: dict[str, Any] = {"compiler": info, "seconds": seconds, "float32": {}, "float64": {}, "raw": []}
    if exe is None:
        out["error"] = f"could not build peak.c: {info}"
        log(f"!! peak probe unavailable: {out['error']}")
        return out
    for dt, tag in (("float32", "fp32"), ("float64", "fp64")):
        for n in thread_list:
            r = subprocess.run([str(exe), tag, str(n), str(seconds), "5"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                out["raw"].append(r.stderr.strip())
                continue
            line = r.stdout.strip()
            out["raw"].append(line)
            out[dt][str(n)] = float(line.split()[0])
            fields = dict(re.findall(r"(\w+)=(\S+)", line))
            out["isa"] = fields.get("isa", "?")
            out.setdefault(f"{dt}_min", {})[str(n)] = float(fields.get("min", "nan"))
            out.setdefault(f"{dt}_max", {})[str(n)] = float(fields.get("max", "nan"))
            log(f"  peak {tag} {n} thread(s): {line}")
    return out


def merge_peaks(start: dict, end: dict) -> dict:
    """The machine's peak from a probe before and one after the cases: per dtype and
    thread count the higher median (a low reading is a slow phase of a shared machine or
    another process, not the FMA units; on this project's VM a 2-thread probe once read
    154 GFLOP/s, one core's worth, and 333 in other runs).  Both readings are kept."""
    out = dict(start)
    for dt in ("float32", "float64"):
        merged = dict(start.get(dt, {}))
        for n, v in end.get(dt, {}).items():
            if v > merged.get(n, 0.0):
                merged[n] = v
        out[dt] = merged
        for k in ("min", "max"):
            both = dict(start.get(f"{dt}_{k}", {}))
            for n, v in end.get(f"{dt}_{k}", {}).items():
                both[n] = (min if k == "min" else max)(both.get(n, v), v)
            out[f"{dt}_{k}"] = both
    out["raw"] = list(start.get("raw", [])) + list(end.get("raw", []))
    out["readings"] = {"before": {dt: start.get(dt, {}) for dt in ("float32", "float64")},
                       "after": {dt: end.get(dt, {}) for dt in ("float32", "float64")}}
    if end.get("error") and not start.get("error"):
        out["readings"]["after_error"] = end["error"]
    return out


def refresh_peak_fractions(results: dict) -> None:
    """Recompute every entry's fraction of peak from results["peak"]."""
    for c in results.get("cases", []):
        for t, entries in c.get("runs", {}).items():
            pk = peak_for(results, c["dtype"], int(t))
            for e in entries.values():
                if e.get("gflops") is not None:
                    e["frac_peak"] = e["gflops"] / pk if pk else None


def peak_for(results: dict, dtype: str, threads: int) -> Optional[float]:
    return results.get("peak", {}).get(dtype, {}).get(str(threads))


# --------------------------------------------------------------------------- machine info
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown-cpu"


def cpu_slug(model: str) -> str:
    s = re.sub(r"\((r|tm)\)", "", model.lower())
    s = re.sub(r"\b(cpu|processor|with radeon.*|@.*)\b", " ", s)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "cpu"


def machine_info() -> dict:
    flags: set[str] = set()
    phys = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
        cur = {}
        for line in Path("/proc/cpuinfo").read_text().splitlines() + [""]:
            if not line.strip():
                if cur:
                    phys.add((cur.get("physical id"), cur.get("core id")))
                cur = {}
            elif ":" in line:
                k, v = line.split(":", 1)
                cur[k.strip()] = v.strip()
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu_model": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "physical_cores": len(phys) or None,
        "isa_flags": sorted(f for f in flags if f in {"avx512f", "avx512bw", "avx512vl", "avx2", "fma", "avx512_fp16"}),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def git_commit() -> tuple[Optional[str], Optional[bool]]:
    try:
        c = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                           capture_output=True, text=True, timeout=10)
        if c.returncode != 0:
            return None, None
        d = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                           capture_output=True, text=True, timeout=10)
        return c.stdout.strip(), bool(d.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return None, None


def _jsonable(x: Any) -> Any:
    return json.loads(json.dumps(x, default=str))


# --------------------------------------------------------------------------- running
def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fmt_gf(g: Optional[float]) -> str:
    return "-" if g is None else (f"{g:.3g}" if g < 10 else f"{g:.0f}" if g >= 100 else f"{g:.1f}")


def run_case(case: Case, impls: list[Impl], handles: dict, thread_list: list[int],
             cfg: TimingConfig, quick: bool, peak: dict, retry_busy: int = 0) -> dict:
    """Check agreement, then time every available library at every thread count.

    When other processes used more than BUSY_CPUS CPUs during the timing of a
    thread count, wait for the machine to go idle and time again, up to
    ``retry_busy`` times; the least disturbed attempt is kept.
    """
    arrays = make_inputs(case)
    rec: dict[str, Any] = {**dataclasses.asdict(case), "macs": case.macs,
                           "gflop": 2 * case.macs / 1e9, "tolerance": tolerance(case),
                           "status": "ok", "failures": [], "runs": {}, "background_cpus": {}}
    baseline: Optional[tuple[str, np.ndarray]] = None
    once: dict[str, dict] = {}  # results of thread-independent libraries
    want = expected_shape(case)

    def fail(msg: str) -> None:
        rec["status"] = "FAILED"
        rec["failures"].append(msg)
        log(f"!!!!! FAILED {case.name}: {msg}")

    for t in thread_list:
        entries: dict[str, dict] = {}
        fns: dict[str, Callable] = {}
        first: dict[str, float] = {}
        outs: dict[str, np.ndarray] = {}
        with thread_count(handles, t):
            for impl in impls:
                if not impl.available:
                    continue
                if impl.name == "reference" and not quick and case.macs > REFERENCE_MAX_MACS:
                    continue
                if not impl.threaded and impl.name in once:
                    entries[impl.name] = {**once[impl.name], "reused_from_threads": thread_list[0]}
                    continue
                try:
                    prep = impl.prepare(case, arrays, t)
                except Exception as e:
                    prep = None
                    entries[impl.name] = {"status": "error", "error": f"{type(e).__name__}: {e}"}
                if prep is None:
                    if impl.name in ("fastconv", "reference") and t == thread_list[0]:
                        rec.setdefault("notes", []).append(f"{impl.name} has no function for op {case.op!r}")
                    continue
                call, to_np, desc = prep
                try:
                    t0 = time.perf_counter()
                    res = call()
                    first[impl.name] = time.perf_counter() - t0
                    outs[impl.name] = to_np(res)
                except Exception as e:
                    entries[impl.name] = {"status": "error", "function": desc, "error": f"{type(e).__name__}: {e}"}
                    if impl.name == "fastconv":
                        fail(f"fastconv raised at {t} thread(s): {type(e).__name__}: {e}")
                    else:
                        log(f"  ! {impl.name} raised on {case.name}: {type(e).__name__}: {e}")
                    continue
                entries[impl.name] = {"status": "ok", "function": desc}
                fns[impl.name] = call
                o = outs[impl.name]
                if impl.name in ("fastconv", "reference") and o.shape != want:
                    fail(f"{impl.name} returned shape {o.shape}, expected {want}")
                    entries[impl.name]["status"] = "MISMATCH"
                # float32 must stay float32 in fastconv (the reference computes in float64 by design)
                if impl.name == "fastconv" and o.dtype != np.dtype(case.dtype):
                    fail(f"fastconv returned dtype {o.dtype} for {case.dtype} inputs")
                    entries[impl.name]["status"] = "MISMATCH"
            # agreement check against the most trusted output available
            if baseline is None:
                for name in TRUST_ORDER:
                    if name in outs and entries[name]["status"] == "ok":
                        baseline = (name, outs[name].astype(np.float64))
                        rec["baseline"] = name
                        break
            checked = 0
            if baseline is not None:
                for name, o in outs.items():
                    if name == baseline[0] and t == thread_list[0]:
                        continue
                    checked += 1
                    ok, err, msg = compare(o, baseline[1], case)
                    entries[name]["max_rel_err"] = err
                    if not ok:
                        entries[name]["status"] = "MISMATCH"
                        fail(f"{name} disagrees with {baseline[0]} at {t} thread(s): {msg}")
            if outs and not checked:
                rec.setdefault("notes", []).append(f"only {', '.join(outs)} ran at {t} thread(s): output unchecked")
            del outs
            attempts = []
            for attempt in range(retry_busy + 1):
                with BackgroundLoad() as bg:
                    timings = time_calls(fns, first, cfg)
                attempts.append((bg.cpus or 0.0, attempt, timings))
                if bg.cpus is None or bg.cpus <= BUSY_CPUS or attempt == retry_busy:
                    break
                log(f"  {case.name} @{t}t: background load {bg.cpus:.2f} CPUs, waiting for the machine "
                    f"to go idle and measuring again ({attempt + 1}/{retry_busy})")
                wait_idle(30.0)
            bg_cpus, _, timings = min(attempts, key=lambda a: a[0])  # least disturbed attempt
        for name, tm in timings.items():
            entries[name].update(tm)
            entries[name]["gflops"] = 2 * case.macs / tm["time_s"] / 1e9
            pk = peak_for({"peak": peak}, case.dtype, t)
            entries[name]["frac_peak"] = entries[name]["gflops"] / pk if pk else None
            impl = next(i for i in impls if i.name == name)
            if not impl.threaded:
                once[name] = dict(entries[name])
        fcr = entries.get("fastconv", {})
        for name, e in entries.items():
            if "time_s" in e and "time_s" in fcr:
                e["ratio"] = e["time_s"] / fcr["time_s"]  # fastconv speed / peer speed
        rec["runs"][str(t)] = entries
        rec["background_cpus"][str(t)] = bg_cpus if bg.cpus is not None else None
        log(f"  {case.name} @{t}t" + (f" [background load {bg_cpus:.2f} CPUs]" if bg_cpus > BUSY_CPUS else "")
            + ": " + " | ".join(
            f"{n} {e['time_s'] * 1e3:.3g} ms {fmt_gf(e.get('gflops'))} GF/s"
            + (f" ({e['ratio']:.2f}x)" if n != "fastconv" and "ratio" in e else "")
            + ("" if e.get("status") == "ok" else f" [{e.get('status')}]")
            for n, e in entries.items() if "time_s" in e))
    return rec


# --------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class Target:
    """A goal from the issue, evaluated on fastconv's numbers in one run.

    metric: "ratio" (fastconv speed / ``peer`` speed), "peak" (fraction of the
    measured FMA peak of the case dtype) or "scaling" (time at 1 thread / time at
    the largest thread count, threshold scaled by ``threshold`` x threads / 2).
    threads: "max" (largest thread count of the run) or "1".
    """

    text: str
    groups: tuple[str, ...]
    ops: tuple[str, ...]
    metric: str
    threshold: float
    peer: Optional[str] = None
    threads: str = "max"


def targets() -> list[Target]:
    conv = ("conv3x3",)
    out = []
    for op in PASSES:
        out.append(Target(f"3x3 layers (64+ ch) {op} >= 1.0x PyTorch", conv, (op,), "ratio", 1.0, "torch"))
    for op in PASSES:
        out.append(Target(f"3x3 layers (64+ ch) {op}, 1 thread, >= 75% of fp32 peak", conv, (op,), "peak", 0.75,
                          threads="1"))
    for op, thr in (("fwd", 1.0), ("bwd_weight", 1.0), ("bwd_input", 2.0)):
        out.append(Target(f"1x1 and 7x7-s2 {op} >= {thr:g}x PyTorch", ("conv1x1", "conv7x7s2"), (op,), "ratio",
                          thr, "torch"))
    out.append(Target("few-channel (1 or 8 in) all passes >= 2x PyTorch", ("fewch",), PASSES, "ratio", 2.0, "torch"))
    out.append(Target("single-channel 2-D 3x3..11x11 >= 100x scipy.signal.correlate2d", ("single2d",),
                      ("correlate2d",), "ratio", 100.0, "scipy"))
    out.append(Target("single-channel 2-D 3x3..11x11 >= 5x PyTorch", ("single2d",), ("correlate2d",), "ratio",
                      5.0, "torch"))
    out.append(Target("float64 multi-channel >= 50% of fp64 peak", ("fp64layer",), PASSES, "peak", 0.5))
    out.append(Target("3x3 layers: all threads >= 0.9 x threads x one thread (2 threads >= 1.8x)", conv, PASSES,
                      "scaling", 0.9))
    return out


def evaluate_targets(results: dict) -> list[dict]:
    """Met / NOT met / n/a for every target, with the worst case."""
    threads = results["threads"]
    tmax = str(max(threads))
    rows = []
    for tg in targets():
        vals = []
        threshold = tg.threshold
        for c in results["cases"]:
            if c["group"] not in tg.groups or c["op"] not in tg.ops:
                continue
            runs = c["runs"]
            bgs = c.get("background_cpus", {})
            keys = ["1", tmax] if tg.metric == "scaling" else ["1" if tg.threads == "1" else tmax]
            busy = any((bgs.get(k) or 0) > BUSY_CPUS for k in keys)
            if tg.metric == "scaling":
                a, b = runs.get("1", {}).get("fastconv", {}), runs.get(tmax, {}).get("fastconv", {})
                if tmax == "1" or "time_s" not in a or "time_s" not in b:
                    continue
                threshold = tg.threshold * int(tmax)
                vals.append((a["time_s"] / b["time_s"], c["name"], busy))
                continue
            e = runs.get("1" if tg.threads == "1" else tmax, {})
            fc = e.get("fastconv", {})
            if tg.metric == "ratio":
                v = e.get(tg.peer, {}).get("ratio")
            else:
                v = fc.get("frac_peak")
            if v is not None:
                vals.append((v, c["name"], busy))
        if not vals:
            status, worst = "n/a", None
        else:
            worst = min(vals)
            status = "met" if worst[0] >= threshold else "NOT met"
        unit = "%" if tg.metric == "peak" else "x"
        rows.append({"target": tg.text, "status": status, "threshold": threshold, "metric": tg.metric,
                     "cases": len(vals), "passed": sum(v[0] >= threshold for v in vals),
                     "busy_rows": sum(v[2] for v in vals),
                     "worst": None if worst is None else worst[0],
                     "worst_case": None if worst is None else worst[1], "unit": unit})
    return rows


# --------------------------------------------------------------------------- rendering
LIB_ORDER = ("fastconv", "reference", "scipy", "scipy-fft", "numpy", "torch")


def _cell(e: Optional[dict], show_ratio: bool) -> str:
    if not e or "time_s" not in e:
        return "error" if e and e.get("status") == "error" else ""
    s = f"{fmt_gf(e['gflops'])}"
    if show_ratio and "ratio" in e:
        r = e["ratio"]
        s += f" ({r:.3g}x)" if r < 1000 else f" ({r:.0f}x)"
    if e.get("reps") == 1:
        s += " ¹"
    if "reused_from_threads" in e:
        s += " †"
    if e.get("status") == "MISMATCH":
        s += " **MISMATCH**"
    return s


def render_table(results: dict) -> str:
    """Markdown table: one row per case and thread count."""
    libs = [l for l in LIB_ORDER if any(l in r for c in results["cases"] for r in c["runs"].values())]
    peers = [l for l in libs if l != "fastconv"]
    head = ["case", "thr", "GFLOP", "fastconv ms", "fastconv GF/s", "% peak"] + [f"{p} GF/s (fc ratio)" for p in peers] + ["status"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for c in results["cases"]:
        for t, entries in c["runs"].items():
            fc = entries.get("fastconv", {})
            fp = fc.get("frac_peak")
            row = [f"`{c['name']}`", t, f"{c['gflop']:.3g}",
                   f"{fc['time_s'] * 1e3:.3g}" if "time_s" in fc else "—",
                   _cell(fc, False) or "—", f"{100 * fp:.0f}%" if fp else "—"]
            row += [_cell(entries.get(p), True) for p in peers]
            status = "**FAILED**" if c["status"] == "FAILED" else "ok"
            bg = c.get("background_cpus", {}).get(t)
            if bg is not None and bg > BUSY_CPUS:
                status += f", busy {bg:.1f}"
            row.append(status)
            lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("GF/s = 2 x multiply-adds / median time. (fc ratio) = fastconv speed / peer speed "
                 "(> 1: fastconv faster). ¹ single timed call (slow library). "
                 "† single-threaded library, its 1-thread measurement is reused. "
                 f"busy X: other processes (or VM steal) used X CPUs while the row was measured.")
    return "\n".join(lines)


def render_peak(results: dict) -> str:
    pk = results.get("peak", {})
    if pk.get("error"):
        return f"FMA peak: not measured ({pk['error']})"
    rows = ["| dtype | " + " | ".join(f"{t} thread(s)" for t in sorted(pk.get("float32", {}), key=int)) + " |"]
    rows.append("|---|" + "---|" * len(pk.get("float32", {})))
    for dt in ("float32", "float64"):
        vals = pk.get(dt, {})
        rows.append(f"| {dt} | " + " | ".join(f"{vals[t]:.1f} GFLOP/s" for t in sorted(vals, key=int)) + " |")
    when = ("the higher of the medians of 5 before and after the cases"
            if pk.get("readings") else "median of 5")
    text = (f"FMA peak ({pk.get('isa', '?')} probe `peak.c`, {when}, {pk.get('compiler', '')}):\n\n"
            + "\n".join(rows))
    rd = pk.get("readings")
    if rd:
        text += "\n\nReadings before / after the cases: " + "; ".join(
            f"{dt} {t} thread(s) {rd['before'].get(dt, {}).get(t, float('nan')):.0f} / "
            f"{rd['after'].get(dt, {}).get(t, float('nan')):.0f}"
            for dt in ("float32", "float64") for t in sorted(pk.get(dt, {}), key=int)) + " GFLOP/s."
    unstable = [f"{dt} {t} thread(s): {pk[dt][t]:.0f} median vs {mx:.0f} max"
                for dt in ("float32", "float64") for t, mx in pk.get(f"{dt}_max", {}).items()
                if t in pk.get(dt, {}) and mx > 1.25 * pk[dt][t]]
    if (pk.get("background_cpus") or 0) > BUSY_CPUS:
        unstable.append(f"other processes used {pk['background_cpus']:.1f} CPUs while it ran")
    if unstable:
        text += ("\n\nWarning: the peak was unstable during this run (shared/noisy machine?): "
                 + "; ".join(unstable) + ". Fractions of peak use the peak above.")
    return text


def render_targets(rows: list[dict]) -> str:
    lines = ["| target | status | worst | cases passing | worst case |", "|---|---|---|---|---|"]
    for r in rows:
        if r["worst"] is None:
            worst = "—"
        elif r["unit"] == "%":
            worst = f"{100 * r['worst']:.0f}% (need {100 * r['threshold']:.0f}%)"
        else:
            worst = f"{r['worst']:.3g}x (need {r['threshold']:.3g}x)"
        st = {"met": "met", "NOT met": "**NOT met**", "n/a": "n/a (not measured)"}[r["status"]]
        if r.get("busy_rows"):
            st += f" ({r['busy_rows']} row(s) measured busy)"
        lines.append(f"| {r['target']} | {st} | {worst} | {r['passed']}/{r['cases']} | "
                     f"{'`' + r['worst_case'] + '`' if r['worst_case'] else ''} |")
    return "\n".join(lines)


def render_header(results: dict) -> str:
    m = results["machine"]
    v = results["versions"]
    commit = results.get("git_commit") or "unknown"
    if results.get("git_dirty"):
        commit += " (+ uncommitted changes)"
    vers = ", ".join(f"{k} {v[k]}" for k in ("fastconv", "numpy", "scipy", "torch") if v.get(k))
    bg = [x for c in results["cases"] for x in c.get("background_cpus", {}).values() if x is not None]
    return "\n".join([
        f"- date: {results['date']}, mode: {results['mode']}"
        + (f", filter: `{results['filter']}`" if results.get("filter") else ""),
        f"- machine: {m['cpu_model']}, {m['usable_cpus']} usable CPUs "
        f"({m.get('physical_cores') or '?'} cores), {' '.join(m['isa_flags'])}",
        f"- commit: {commit}",
        f"- versions: {vers}",
        f"- threads: {', '.join(map(str, results['threads']))}",
        *([f"- background load (other processes + VM steal) during the cases: mean {statistics.mean(bg):.2f}, "
           f"max {max(bg):.2f} CPUs" + (" -- **the machine was busy: numbers are disturbed**"
                                        if statistics.mean(bg) > BUSY_CPUS else "")] if bg else []),
    ])


def render_notes(results: dict) -> str:
    notes = [f"- {n}: {l['note']}" for n, l in results["libraries"].items() if l.get("note")]
    for c in results["cases"]:
        notes += [f"- **FAILED** `{c['name']}`: {f}" for f in c["failures"]]
        notes += [f"- `{c['name']}`: {n}" for n in c.get("notes", [])]
    return "\n".join(notes)


def render_report(results: dict) -> str:
    """The per-run Markdown report (printed and saved next to the JSON)."""
    parts = [f"# fastconv benchmark {results['date']} ({results['mode']})", "", render_header(results), "",
             render_peak(results), "", render_table(results), "", "## Targets", "",
             render_targets(evaluate_targets(results))]
    notes = render_notes(results)
    if notes:
        parts += ["", "## Notes", "", notes]
    return "\n".join(parts) + "\n"


def render_results_md(results: dict, json_path: Optional[Path]) -> str:
    """benchmarks/RESULTS.md: machine, date, commit, peak, table and targets."""
    src = f" (raw numbers: `{json_path.relative_to(HERE)}`)" if json_path else ""
    parts = ["# fastconv benchmark results", "",
             f"Generated by `python benchmarks/run.py{' --quick' if results['mode'] == 'quick' else ''} "
             f"--update-results-md`{src}.", "", render_header(results), "", render_peak(results), "",
             "## Targets", "", render_targets(evaluate_targets(results))]
    # the hand-written analysis of what limits the unmet targets (kept in its own file so
    # that regenerating the numbers never loses it)
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        parts += ["", analysis.read_text().strip()]
    parts += ["", "## All cases", "", render_table(results)]
    notes = render_notes(results)
    if notes:
        parts += ["", "## Notes", "", notes]
    return "\n".join(parts) + "\n"


def render_chart(results: dict, path: Path) -> Optional[str]:
    """Horizontal bar chart of GFLOP/s per case and library, one panel per thread count.

    The FMA peak of each case's dtype and thread count is drawn as a black line
    across the case's row.  Returns a note when matplotlib is missing (the chart
    is then skipped).
    """
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed: chart skipped"
    threads = [str(t) for t in results["threads"]]
    cases = results["cases"]
    libs = [l for l in LIB_ORDER if any(l in r for c in cases for r in c["runs"].values())]
    if not cases or not libs:
        return "nothing to plot"
    colors = dict(zip(LIB_ORDER, ["tab:red", "tab:gray", "tab:blue", "tab:cyan", "tab:olive", "tab:orange"]))
    nbars = max(len([l for l in libs if c["runs"].get(t, {}).get(l, {}).get("gflops")])
                for c in cases for t in threads) or 1
    height = 1.5 + 0.12 * len(cases) * (nbars + 1)
    fig, axes = plt.subplots(1, len(threads), figsize=(6.5 * len(threads), height), sharey=True, squeeze=False)
    labelled: set[str] = set()
    for ax, t in zip(axes[0], threads):
        for i, c in enumerate(cases):
            present = [(l, c["runs"].get(t, {}).get(l, {}).get("gflops")) for l in libs]
            present = [(l, g) for l, g in present if g]
            h = 0.8 / max(1, len(present))
            for j, (lib, g) in enumerate(present):
                ax.barh(i - 0.4 + (j + 0.5) * h, g, height=h * 0.95, color=colors[lib],
                        label=lib if lib not in labelled else None)
                labelled.add(lib)
            pk = peak_for(results, c["dtype"], int(t))
            if pk:
                ax.vlines(pk, i - 0.45, i + 0.45, color="k", linewidth=1.5,
                          label="FMA peak (case dtype)" if "peak" not in labelled else None)
                labelled.add("peak")
        ax.set_xscale("log")
        ax.set_title(f"{t} thread(s)")
        ax.set_xlabel("GFLOP/s (log scale)")
        ax.grid(axis="x", which="both", alpha=0.3)
    axes[0][0].set_yticks(range(len(cases)))
    axes[0][0].set_yticklabels([c["name"] for c in cases], fontsize=7)
    axes[0][0].set_ylim(len(cases) - 0.5, -0.5)
    handles, labels = [], []
    for ax in axes[0]:
        for hdl, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(hdl)
                labels.append(lab)
    order = {n: k for k, n in enumerate((*LIB_ORDER, "FMA peak (case dtype)"))}
    handles, labels = zip(*sorted(zip(handles, labels), key=lambda hl: order.get(hl[1], 99)))
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
    fig.suptitle(f"fastconv {results['mode']} benchmark, {results['machine']['cpu_model']}, {results['date']}")
    fig.tight_layout(rect=(0, 0.45 / height, 1, 1 - 0.5 / height))  # room for the legend and the title
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None


# --------------------------------------------------------------------------- main
def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="representative subset at reduced sizes (~1-3 min)")
    p.add_argument("--filter", default="", help="run only cases whose name or group contains one of these "
                   "comma-separated substrings (e.g. conv3x3,corr2d.3x3)")
    p.add_argument("--threads", default="", help="comma-separated thread counts (default: 1,<all usable CPUs>)")
    p.add_argument("--json-only", action="store_true", help="write only the JSON (no .md/.png, no table on stdout)")
    p.add_argument("--update-results-md", action="store_true", help="regenerate benchmarks/RESULTS.md from this run")
    p.add_argument("--from-json", type=Path, help="do not measure: re-render .md/.png (and RESULTS.md with "
                   "--update-results-md) from a saved results JSON")
    p.add_argument("--skip", default="", help="comma-separated libraries to leave out "
                   "(fastconv,reference,scipy,scipy-fft,numpy,torch)")
    p.add_argument("--retry-busy", type=int, default=0, metavar="N",
                   help="when other processes used CPU while a case was timed, wait (up to 30 s) for the "
                   "machine to go idle and time it again, up to N times (recommended on shared machines)")
    p.add_argument("--list", action="store_true", help="list the selected cases and exit")
    return p.parse_args(argv)


def select_cases(quick: bool, filt: str) -> list[Case]:
    cases = quick_cases() if quick else full_cases()
    keys = [k.strip() for k in filt.split(",") if k.strip()]
    if keys:
        cases = [c for c in cases if any(k in c.name or k == c.group for k in keys)]
    return cases


def write_outputs(results: dict, json_path: Path, json_only: bool, update_results_md: bool) -> None:
    if not json_only:
        report = render_report(results)
        print(report)
        json_path.with_suffix(".md").write_text(report)
        note = render_chart(results, json_path.with_suffix(".png"))
        if note:
            log(f"note: {note}")
        else:
            log(f"wrote {json_path.with_suffix('.md')} and {json_path.with_suffix('.png')}")
    if update_results_md:
        RESULTS_MD.write_text(render_results_md(results, json_path))
        log(f"wrote {RESULTS_MD}")


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        write_outputs(results, args.from_json.resolve(), args.json_only, args.update_results_md)
        return 1 if results.get("failed") else 0

    cases = select_cases(args.quick, args.filter)
    if args.list:
        for c in cases:
            print(f"{c.name:45s} {c.group:10s} {2 * c.macs / 1e9:8.3f} GFLOP")
        return 0
    if not cases:
        log("no case matches --filter")
        return 2
    usable = machine_info()["usable_cpus"] or 1
    thread_list = ([int(x) for x in args.threads.split(",") if x.strip()] if args.threads
                   else sorted({1, usable}))
    thread_list = sorted(set(thread_list))
    cfg = QUICK_TIMING if args.quick else FULL_TIMING

    impls, handles = load_impls({s.strip() for s in args.skip.split(",") if s.strip()})
    for i in impls:
        if not i.available:
            log(f"NOTE: {i.name}: {i.note}")
    fc = handles.get("fastconv")
    fc_config = None
    if fc is not None and hasattr(fc, "config"):
        try:
            fc_config = fc.config()
        except Exception as e:
            fc_config = {"error": f"{type(e).__name__}: {e}"}
    commit, dirty = git_commit()
    results: dict[str, Any] = {
        "schema": 1,
        "date": _dt.date.today().isoformat(),
        "started": _dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "filter": args.filter or None,
        "argv": sys.argv[1:] if argv is None else argv,
        "machine": machine_info(),
        "git_commit": commit,
        "git_dirty": dirty,
        "threads": thread_list,
        "timing": dataclasses.asdict(cfg),
        "retry_busy": args.retry_busy,
        "reference_max_macs": None if args.quick else REFERENCE_MAX_MACS,
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     **{i.name: i.version for i in impls if i.version and i.name in ("fastconv", "scipy", "torch")}},
        "fastconv_config": fc_config,
        "libraries": {i.name: {"available": i.available, "threaded": i.threaded, "note": i.note} for i in impls},
    }
    try:
        import matplotlib
        results["versions"]["matplotlib"] = matplotlib.__version__
    except ImportError:
        pass

    peak_threads, peak_seconds = sorted({1, usable, *thread_list}), 0.5 if args.quick else 1.5
    log(f"measuring FMA peak (threads {peak_threads}) ...")
    if args.retry_busy and not wait_idle(30.0):
        log("note: the machine did not go idle within 30 s; measuring the peak anyway")
    with BackgroundLoad() as bg:
        results["peak"] = measure_peak(peak_threads, peak_seconds)
    results["peak"]["background_cpus"] = bg.cpus
    results["versions"]["peak_compiler"] = results["peak"].get("compiler")

    results["cases"] = []
    t_start = time.perf_counter()
    for k, case in enumerate(cases, 1):
        log(f"[{k}/{len(cases)}] {case.name} ({2 * case.macs / 1e9:.3g} GFLOP)")
        results["cases"].append(run_case(case, impls, handles, thread_list, cfg, args.quick, results["peak"],
                                         args.retry_busy))
    results["elapsed_s"] = time.perf_counter() - t_start
    log("measuring FMA peak again after the cases ...")
    with BackgroundLoad() as bg:
        end_peak = measure_peak(peak_threads, peak_seconds)
    bg_start = results["peak"].get("background_cpus")
    results["peak"] = merge_peaks(results["peak"], end_peak)
    results["peak"]["background_cpus"] = bg_start
    results["peak"]["background_cpus_after"] = bg.cpus
    refresh_peak_fractions(results)
    results["targets"] = evaluate_targets(results)
    results["failed"] = [c["name"] for c in results["cases"] if c["status"] == "FAILED"]

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"{results['date']}-{cpu_slug(results['machine']['cpu_model'])}"
    stem += "-quick" if args.quick else ""
    stem += "-partial" if args.filter else ""
    json_path = RESULTS_DIR / f"{stem}.json"
    json_path.write_text(json.dumps(_jsonable(results), indent=1) + "\n")
    write_outputs(results, json_path, args.json_only, args.update_results_md)
    log(f"wrote {json_path} ({results['elapsed_s']:.0f} s of cases)")
    if args.json_only:
        print(json_path)
    if results["failed"]:
        log("!" * 72)
        log(f"!!! {len(results['failed'])} case(s) FAILED: {', '.join(results['failed'])}")
        log("!" * 72)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
