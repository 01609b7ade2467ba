"""Timing: median of repeated calls in alternating blocks, and the background load
(other processes, VM steal) measured while a block runs."""
from __future__ import annotations

import gc
import os
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional


#: Rows measured while other processes used more than this many CPUs are flagged.
BUSY_CPUS = 0.25


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


def median_ms(fn: Callable[[], Any], reps: int = 5, cpu: bool = False,
              once_over: Optional[float] = None) -> float:
    """Median milliseconds of `reps` calls of fn after one warm-up call: for the
    single-purpose scripts (fft_*, winograd_*), not the interleaved blocks above.

    cpu=True times the process's CPU time instead of the wall clock: for one-thread rows
    on a shared machine, where the time slices other processes take must not count (with
    more threads CPU time adds the threads up, so those rows take wall time).  A warm-up
    call slower than `once_over` seconds is the result itself (a slow case is run once).
    """
    clock = time.process_time if cpu else time.perf_counter
    t0 = clock()
    fn()
    first = clock() - t0
    if once_over is not None and first > once_over:
        return first * 1e3
    ts = []
    for _ in range(reps):
        t0 = clock()
        fn()
        ts.append(clock() - t0)
    return statistics.median(ts) * 1e3
