"""What the run was measured on: CPU model and flags, usable CPUs, git commit."""
from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Optional

from .common import REPO


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
