"""What a call does: :func:`explain`, ``FASTCONV_VERBOSE``, and forced plans for tests.

Every C entry point makes a plan before it runs (the algorithm, kernel and tile,
vectorisation mode, scheduler, blocking, threads and workspace); the C library can
describe the plan it would make for given arguments without running anything.  The
public functions of :mod:`fastconv._api` pass each C call through :func:`run`, which
normally just calls it; while :func:`explain` is asking (in this thread) it returns
the plan instead, and with ``FASTCONV_VERBOSE=1`` it prints one line per call.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from typing import Any, Callable, Dict, Iterator

from . import _core

__all__ = ["explain"]

# True while anything may want to see a call: FASTCONV_VERBOSE, or an explain() in
# progress in some thread.  The public functions test this one global before they
# build the closures of a traced call, so that an ordinary call pays one load.
tracing = False
_verbose = os.environ.get("FASTCONV_VERBOSE", "").strip() not in ("", "0")
_explaining = 0
_lock = threading.Lock()
_local = threading.local()


def _update():
    global tracing
    tracing = _verbose or _explaining > 0


_update()


def set_verbose(on):
    """Print one line per C call to stderr (what ``FASTCONV_VERBOSE=1`` turns on)."""
    global _verbose
    with _lock:
        _verbose = bool(on)
        _update()


class _Explained(Exception):
    def __init__(self, plan):
        super().__init__("fastconv: plan explained")
        self.plan = plan


def parse(text):
    """``"key=value ..."`` -> dict, with integer values as int."""
    plan = {}
    for item in text.split():
        key, _, value = item.partition("=")
        plan[key] = int(value) if value.lstrip("-").isdigit() else value
    return plan


def _shapes(arrays):
    return " ".join(f"{name}={tuple(a.shape)}:{a.dtype}" for name, a in arrays)


def run(fname, call, describe, arrays):
    """Run ``call()`` (the C call of the public function ``fname``), unless explain() is
    asking in this thread: then raise the plan ``describe()`` returns.  ``arrays``,
    (name, array) pairs, are the call's inputs and output, for the verbose line."""
    if getattr(_local, "explaining", False):
        plan = parse(describe())
        plan["function"] = fname
        raise _Explained(plan)
    if not _verbose:
        return call()
    plan = describe()
    t0 = time.perf_counter()
    result = call()
    ms = (time.perf_counter() - t0) * 1e3
    print(f"fastconv: {fname} {_shapes(arrays)} {plan} time_ms={ms:.3f}", file=sys.stderr, flush=True)
    return result


def run_pass(fname, call, describe, arrays):
    """One pass of a multi-pass function (the fastconv.ndimage filters): as :func:`run`,
    except that under explain() the plan is recorded and the call skipped, so that
    explain() sees every pass (the inputs of later passes are then unwritten: plans
    depend on shapes and strides only)."""
    if getattr(_local, "explaining", False):
        plan = parse(describe())
        plan["function"] = fname
        _local.passes.append(plan)
        return None
    return run(fname, call, describe, arrays)


def not_described(what):
    """Raise TypeError under explain() (in this thread): a C call with no description."""
    if getattr(_local, "explaining", False):
        raise TypeError(f"explain: {what} has no plan description yet")


def explain(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Dict[str, Any]:
    """The plan ``fn(*args, **kwargs)`` would run, computed without running it.

    The arguments are those of the call, validated exactly as the call validates them
    (an invalid argument raises the same error).  For a function that makes several C
    calls (a layer's ``backward``), the plan of the first.  A :mod:`fastconv.ndimage`
    filter returns the plan of its first pass with ``"passes"``, the list of every
    pass's plan in order (``"op"`` ``correlate1d``, ``uniform1d``, or the fused
    ``correlate_sep2d`` / ``uniform_sep2d`` along the last two axes; ``"mode"``
    ``lanes``, ``lines``, ``rowk`` or ``fused``).  A call with nothing to
    compute (an empty output) has ``"algorithm": "none"``.  Outputs are allocated but
    not written; an ``out=`` array is left as it was.

    Parameters
    ----------
    fn : callable
        Any fastconv function that computes (``correlate``, ``convolve2d``,
        ``conv_forward``, ``conv_backward_weight``, ..., or a layer's ``forward``).
    *args, **kwargs
        The arguments of the call.

    Returns
    -------
    dict
        At least ``"function"``, ``"algorithm"``, ``"kernel"``, ``"mode"``, ``"isa"``,
        ``"dtype"``, ``"threads"`` and ``"workspace_bytes"``, plus the plan's other
        decisions (tile, scheduler, blocking); integer values are ints; ``"passes"``
        for the ndimage filters.

    Raises
    ------
    TypeError
        ``fn`` is not a function of fastconv; or, as the call would, an argument of
        the wrong type.
    ValueError
        As the call would, for an argument out of its domain.

    Examples
    --------
    >>> import numpy as np, fastconv
    >>> p = fastconv.explain(fastconv.conv_forward, np.zeros((1, 8, 16, 16), np.float32),
    ...                      np.zeros((16, 8, 3, 3), np.float32), padding=1)
    >>> p["algorithm"], p["dtype"], p["function"]
    ('direct', 'float32', 'conv_forward')
    >>> isinstance(p["workspace_bytes"], int)
    True
    >>> from fastconv import ndimage
    >>> p = fastconv.explain(ndimage.gaussian_filter1d, np.zeros((64, 300)), 2.0, axis=0)
    >>> p["op"], p["mode"], len(p["passes"])
    ('correlate1d', 'lanes', 1)
    """
    if not callable(fn) or not str(getattr(fn, "__module__", "")).startswith("fastconv"):
        raise TypeError(f"explain: fn must be a function of fastconv (or a method of its layers), "
                        f"got {fn!r}")
    global _explaining
    with _lock:
        _explaining += 1
        _update()
    _local.explaining = True
    _local.passes = []
    try:
        fn(*args, **kwargs)
    except _Explained as e:
        return e.plan
    finally:
        _local.explaining = False
        with _lock:
            _explaining -= 1
            _update()
    name = getattr(fn, "__name__", repr(fn))
    if _local.passes:
        plan = dict(_local.passes[0], function=name)
        plan["passes"] = _local.passes
        return plan
    return {"function": name, "algorithm": "none", "kernel": "none", "mode": "none",
            "isa": _core.config()["isa"], "threads": 0, "workspace_bytes": 0}


#: ``ndfuse=0`` in :func:`forced`: the ndimage filters run their last two axes' passes
#: one by one instead of fused (a decision of fastconv._ndimage_support, not of C)
fuse = True


@contextlib.contextmanager
def forced(spec: str) -> Iterator[None]:
    """Force plan decisions inside a with-block (tests only; process-wide, not
    thread-safe): ``"fmode=kvec"``, ``"bwmode=dot,bwtile=narrow"``, ...; see
    fc_plan_force in fastconv.h for the keys, and ``ndfuse=0|1`` (:data:`fuse`)."""
    global fuse
    items = [i for i in spec.split(",") if i]
    nd = [i for i in items if i.startswith("ndfuse=")]
    if any(i not in ("ndfuse=0", "ndfuse=1") for i in nd):
        raise ValueError(f"forced: ndfuse must be 0 or 1, got {spec!r}")
    _core.plan_force(",".join(i for i in items if i not in nd))
    fuse = not nd or nd[-1] == "ndfuse=1"
    try:
        yield
    finally:
        fuse = True
        _core.plan_force("")
