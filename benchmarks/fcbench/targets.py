"""The issue's targets, evaluated on fastconv's numbers in one run."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .cases import PASSES
from .timing import BUSY_CPUS


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
