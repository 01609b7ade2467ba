"""The size limits of the source tree (docs/ARCHITECTURE.md): no C function over 100
lines, no source file over 600 lines in the library (src/), the Python package
(fastconv/) and the benchmark harness (benchmarks/).  A file or function past them is
one that should be split along its seams before it grows further."""
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_FILE, MAX_FUNCTION = 600, 100
SOURCE = re.compile(r"\.(c|h|py|pyx|pxd)$")


def _files(*dirs):
    for top in dirs:
        for d, _, fs in os.walk(os.path.join(ROOT, top)):
            for f in sorted(fs):
                if SOURCE.search(f):
                    yield os.path.join(d, f)


def _c_functions(lines):
    """(name line, length) of every C function whose braces sit in column 0."""
    start = None
    for i, line in enumerate(lines):
        if line.startswith("{"):
            start = i
        elif line.startswith("}") and start is not None:
            yield start, i - start + 1
            start = None


@pytest.fixture(scope="module")
def tree():
    if not os.path.isdir(os.path.join(ROOT, "src")):
        pytest.skip("not a repository checkout")
    return list(_files("src", "fastconv", "benchmarks"))


def test_files_are_small(tree):
    big = [(os.path.relpath(p, ROOT), n) for p in tree
           if (n := len(open(p, encoding="utf-8").read().splitlines())) > MAX_FILE]
    assert not big, f"source files over {MAX_FILE} lines: {big}"


def test_c_functions_are_small(tree):
    long = []
    for p in tree:
        if p.endswith((".c", ".h")):
            lines = open(p, encoding="utf-8").read().splitlines()
            long += [(os.path.relpath(p, ROOT), s + 1, n) for s, n in _c_functions(lines) if n > MAX_FUNCTION]
    assert not long, f"C functions over {MAX_FUNCTION} lines (file, line, length): {long}"
