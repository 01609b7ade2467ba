"""Interleaved A/B timing of fastconv builds or settings, case by case.

    python benchmarks/ab.py --a /path/to/venv-a/bin/python --b /path/to/venv-b/bin/python \
        [--a-env KEY=VALUE ...] [--b-env KEY=VALUE ...] [--rounds 6] [--threads 1,2] \
        [--filter conv3x3,sweep] [--out ab.json]

Each round runs one worker process per side, A then B (then B then A in the next round,
so neither side always goes first); a worker times every selected case with the build
its interpreter imports, the median of several calls after a warm-up, and prints the
times.  The report gives, per case and thread count, the median over rounds of the
ratio B/A of the two workers of a round: on a shared machine whose speed drifts, the
pairs see the same drift.  Cases are the benchmark's catalogue (benchmarks/fcbench) and
the layers of benchmarks/sweep.py, fastconv only.  Both sides may be one interpreter with
different environments (``--b-env FASTCONV_TUNING=...``): an environment switch.

    python benchmarks/ab.py --worker --threads 1,2 --filter ...   (what a round runs)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def _cases(filt):
    from fcbench.cases import PASSES, Case, full_cases
    import sweep
    cases = list(full_cases())
    for n, c, k, h, r, s, p, d, g, dt in sweep.LAYERS:
        sp = (h, h) if isinstance(h, int) else tuple(h)
        shape = "x".join(map(str, sp))
        for op in PASSES:
            name = f"sweep.{op} {n}x{c}->{k} {shape} k{r} s{s} p{p} d{d} g{g} {dt}"
            cases.append(Case(name, "sweep", op, dt, (n, c) + sp, (k, c // g) + (r,) * len(sp),
                              stride=s, padding=p, dilation=d, groups=g))
    words = [w for w in filt.split(",") if w]
    return [c for c in cases if not words or any(w in c.name for w in words)]


def worker(args):
    import numpy as np
    import fastconv
    from fcbench.cases import make_inputs
    from fcbench.libraries import fastconv_style
    times = {}
    for case in _cases(args.filter):
        arrays = make_inputs(case)
        for nt in (int(t) for t in args.threads.split(",")):
            prep = fastconv_style(fastconv, case, arrays, nt)
            if prep is None:
                continue
            fn = prep[0]
            fn()  # warm-up: workspaces, page faults
            reps, t_all = [], time.perf_counter()
            while len(reps) < args.reps or (time.perf_counter() - t_all < args.min_seconds and len(reps) < 200):
                t0 = time.perf_counter()
                fn()
                reps.append(time.perf_counter() - t0)
            times[f"{case.name} t{nt}"] = statistics.median(reps)
        del arrays
    json.dump({"isa": fastconv.config()["isa"], "times": times}, sys.stdout)


def _run_side(python, env_pairs, args):
    env = dict(os.environ)
    for kv in env_pairs:
        k, _, v = kv.partition("=")
        env[k] = v
    cmd = [python, os.path.abspath(__file__), "--worker", "--threads", args.threads, "--filter", args.filter,
           "--reps", str(args.reps), "--min-seconds", str(args.min_seconds)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd="/")
    if r.returncode != 0:
        sys.exit(f"ab: worker failed ({python}):\n{r.stderr}")
    return json.loads(r.stdout)["times"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--a", default=sys.executable, help="interpreter of side A")
    ap.add_argument("--b", default=sys.executable, help="interpreter of side B")
    ap.add_argument("--a-env", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--b-env", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--filter", default="", help="comma-separated substrings of case names")
    ap.add_argument("--reps", type=int, default=5, help="calls timed per case, at least")
    ap.add_argument("--min-seconds", type=float, default=0.2, help="time spent per case, at least")
    ap.add_argument("--out", help="write every round's times and the ratios as JSON")
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return 0
    rounds = []
    for i in range(args.rounds):
        order = ("a", "b") if i % 2 == 0 else ("b", "a")
        got = {}
        for side in order:
            got[side] = _run_side(getattr(args, side), getattr(args, side + "_env"), args)
        rounds.append(got)
        print(f"ab: round {i + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    names = [n for n in rounds[0]["a"] if all(n in r["a"] and n in r["b"] for r in rounds)]
    ratios = {n: [r["b"][n] / r["a"][n] for r in rounds] for n in names}
    print(f"{'case':58s} {'A ms':>9s} {'B ms':>9s} {'B/A med':>8s} {'min':>6s} {'max':>6s}")
    for n in names:
        a_ms = statistics.median(r["a"][n] for r in rounds) * 1e3
        b_ms = statistics.median(r["b"][n] for r in rounds) * 1e3
        q = ratios[n]
        print(f"{n:58s} {a_ms:9.3f} {b_ms:9.3f} {statistics.median(q):8.3f} {min(q):6.3f} {max(q):6.3f}")
    allq = [statistics.median(q) for q in ratios.values()]
    print(f"cases: {len(allq)}, median of B/A medians {statistics.median(allq):.3f}, "
          f"range {min(allq):.3f}-{max(allq):.3f}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"rounds": rounds, "ratios": ratios, "args": vars(args)}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
