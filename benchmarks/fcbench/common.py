"""Paths and the helpers every part of the harness uses (logging, GFLOP/s formatting)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

#: benchmarks/ (this package is benchmarks/fcbench/): peak.c, the build cache, the results
BENCH_DIR = Path(__file__).resolve().parent.parent
REPO = BENCH_DIR.parent
BUILD_DIR = BENCH_DIR / ".build"
RESULTS_DIR = BENCH_DIR / "results"
RESULTS_MD = BENCH_DIR / "RESULTS.md"

#: Column order of the libraries in the tables and the chart.
LIB_ORDER = ("fastconv", "reference", "scipy", "scipy-fft", "numpy", "torch")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fmt_gf(g: Optional[float]) -> str:
    return "-" if g is None else (f"{g:.3g}" if g < 10 else f"{g:.0f}" if g >= 100 else f"{g:.1f}")
