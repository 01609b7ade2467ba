"""The command line: select cases, load libraries, measure the peak and the cases,
write the JSON and the reports."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any, Optional

import numpy as np

from . import __doc__ as HARNESS_DOC
from .cases import select_cases
from .common import RESULTS_DIR, log
from .libraries import load_impls
from .machine import cpu_slug, git_commit, machine_info
from .peak import measure_peak, merge_peaks, refresh_peak_fractions
from .report import write_outputs
from .runner import REFERENCE_MAX_MACS, run_case
from .targets import evaluate_targets
from .timing import FULL_TIMING, QUICK_TIMING, BackgroundLoad, wait_idle


def _jsonable(x: Any) -> Any:
    return json.loads(json.dumps(x, default=str))


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=HARNESS_DOC.split("\n\n")[0],
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
