#!/usr/bin/env python3
"""fastconv benchmark harness: the command-line entry point.

    python benchmarks/run.py --quick          # ~1-3 minutes, representative subset
    python benchmarks/run.py --help           # all options

The harness is the package ``fcbench`` beside this file (its docstring describes
the run and the modules); running this file as a script puts benchmarks/ first on
``sys.path``, so it works from any directory without installing anything.
"""
import sys

from fcbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
