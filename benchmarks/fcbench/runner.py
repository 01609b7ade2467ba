"""One case: check that every library's output agrees with the most trusted one,
then time every library at every thread count."""
from __future__ import annotations

import dataclasses
import math
import time
from typing import Any, Callable, Optional

import numpy as np

from .cases import Case, expected_shape, make_inputs
from .common import fmt_gf, log
from .libraries import TRUST_ORDER, Impl, thread_count
from .peak import peak_for
from .timing import BUSY_CPUS, BackgroundLoad, TimingConfig, time_calls, wait_idle


#: The NumPy reference is slow: in full mode it only runs on cases with at most
#: this many multiply-adds (in --quick mode it runs on every case).
REFERENCE_MAX_MACS = 3e8


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
