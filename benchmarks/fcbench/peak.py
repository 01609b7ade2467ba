"""The FMA-peak probe: compiles benchmarks/peak.c with the system C compiler, runs
it per dtype and thread count, and merges the readings taken before and after the
cases."""
from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any, Optional

from .common import BENCH_DIR, BUILD_DIR, log


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
    src = BENCH_DIR / "peak.c"
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
