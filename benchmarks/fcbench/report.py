"""Markdown reports: the per-run report (printed and saved beside the JSON) and
benchmarks/RESULTS.md; ``write_outputs`` writes them with the chart."""
from __future__ import annotations

import statistics
from pathlib import Path
from typing import Optional

from .chart import render_chart
from .common import BENCH_DIR, LIB_ORDER, RESULTS_MD, fmt_gf, log
from .targets import evaluate_targets
from .timing import BUSY_CPUS


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
                 "busy X: other processes (or VM steal) used X CPUs while the row was measured.")
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
    src = f" (raw numbers: `{json_path.relative_to(BENCH_DIR)}`)" if json_path else ""
    parts = ["# fastconv benchmark results", "",
             f"Generated by `python benchmarks/run.py{' --quick' if results['mode'] == 'quick' else ''} "
             f"--update-results-md`{src}.", "", render_header(results), "", render_peak(results), "",
             "## Targets", "", render_targets(evaluate_targets(results))]
    # the hand-written analysis of what limits the unmet targets (kept in its own file so
    # that regenerating the numbers never loses it)
    analysis = BENCH_DIR / "ANALYSIS.md"
    if analysis.exists():
        parts += ["", analysis.read_text().strip()]
    parts += ["", "## All cases", "", render_table(results)]
    notes = render_notes(results)
    if notes:
        parts += ["", "## Notes", "", notes]
    return "\n".join(parts) + "\n"


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
