#!/usr/bin/env bash
# Run every public fastconv function once under valgrind memcheck and report clean / dirty.
#
#   tools/memcheck.sh            # uses `python3` on PATH (the one with fastconv installed)
#   PYTHON=/path/to/python tools/memcheck.sh
#
# Exit status: 0 clean, 1 dirty (valgrind found an error), 2 setup problem.
#
# * FASTCONV_ISA=avx2: valgrind does not implement AVX-512 (it dies with SIGILL on the first
#   zmm instruction), so the library's dispatcher is capped at AVX2 here.  The AVX2 and
#   baseline kernels are checked (the script also switches to baseline with set_isa); the
#   AVX-512 kernels are covered by the AddressSanitizer build in tests/test_sanitizers.py.
# * PYTHONMALLOC=malloc: pymalloc's arenas make memcheck report reads of uninitialised
#   memory in CPython itself; plain malloc lets memcheck see every Python allocation.
# * tools/valgrind-python.supp suppresses what remains of CPython / NumPy / libgomp noise
#   (interpreter-lifetime allocations at exit, libgomp's thread pool); nothing in it
#   matches a stack through libfastconv, so every error in fastconv is still reported.
# * Leaks: CPython 3.11 and NumPy do not free some objects they create at start-up (module
#   tables, cached floats from os.stat, NumPy's ufunc promoters) and valgrind reports ~1 KB
#   of them as "definitely lost" -- none made by fastconv.  Suppressing them by stack would
#   also hide a Python object leaked *by* fastconv's binding (same allocator frames), so
#   instead: leaks do not set valgrind's exit status (--errors-for-leak-kinds=none), and
#   this script counts as dirty every "definitely lost" record whose stack passes through
#   libfastconv or the fastconv Cython module (fastconv/_core).  Every non-leak error
#   (invalid read/write, uninitialised use, bad free) anywhere still makes the run dirty.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-python3}"
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed"; exit 2; }
"$PY" -c "import fastconv" 2>/dev/null || { echo "memcheck: $PY cannot import fastconv"; exit 2; }

SCRIPT="$(mktemp /tmp/fastconv_memcheck.XXXXXX.py)"
LOG="${MEMCHECK_LOG:-$(mktemp /tmp/fastconv_memcheck.XXXXXX.log)}"
trap 'rm -f "$SCRIPT"' EXIT
cat > "$SCRIPT" <<'PYEOF'
import numpy as np
import fastconv as fc

rng = np.random.default_rng(0)
for isa in ("avx2", "baseline"):
    fc.set_isa(isa)
    for dt in (np.float32, np.float64):
        x = rng.standard_normal((2, 4, 13, 17)).astype(dt)
        w = rng.standard_normal((6, 2, 3, 2)).astype(dt)
        b = rng.standard_normal(6).astype(dt)
        kw = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)
        y = fc.conv_forward(x, w, b, num_threads=2, **kw)
        fc.conv_forward(x, w, b, flip=True, num_threads=1, **kw)
        fc.conv_forward(x[:, :2, :, :5], w[:2, :, :1, :1], num_threads=2)      # 1x1 path
        fc.conv_forward(x[:1, :1, 0], w[:1, :1, 0], num_threads=1)           # 1-D
        fc.conv_forward(x[:, :2, :3, :4, None].repeat(3, -1), w[:2, :, :, :, None], num_threads=2)  # 3-D
        fc.conv_backward_input(y, w, x.shape, num_threads=2, **kw)
        fc.conv_backward_weight(x, y, w.shape, num_threads=2, **kw)
        fc.conv_backward_bias(y, num_threads=2)
        fc.conv_output_shape(x.shape, w.shape, **kw)
        a, k = rng.standard_normal(40).astype(dt), rng.standard_normal(7).astype(dt)
        a2, k2 = rng.standard_normal((11, 19)).astype(dt), rng.standard_normal((4, 3)).astype(dt)
        for mode in ("full", "same", "valid"):
            fc.correlate(a, k, mode)
            fc.convolve(k, a, mode)
            fc.correlate(a2[None], k2[None], mode)
            for bnd in ("fill", "wrap", "symm"):
                fc.correlate2d(a2, k2, mode, bnd, fillvalue=1.5)
                fc.convolve2d(a2, k2, mode, bnd, num_threads=2)
        fc.rot180(x[:, ::-1, ::2])
        fc.rot180(x, axes=(1, 3))
        fc.pad_full(a2, (3, 4), dilation=2)
        try:
            fc.conv_forward(x, w[:, :1])
        except ValueError:
            pass
fc.set_num_threads(2); fc.get_num_threads(); fc.set_num_threads(None)
fc.config()
fc.release_workspace()
print("memcheck script done")
PYEOF

echo "memcheck: running under valgrind (log: $LOG) ..."
FASTCONV_ISA=avx2 PYTHONMALLOC=malloc OMP_NUM_THREADS=2 \
valgrind --tool=memcheck --error-exitcode=1 \
    --suppressions="$HERE/valgrind-python.supp" \
    --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=none \
    --track-origins=yes --num-callers=30 --log-file="$LOG" \
    "$PY" "$SCRIPT"
rc=$?
# definite-leak records (each runs to the next blank "==pid== " line) through fastconv
fc_leaks="$(awk '/definitely lost in loss record/ {rec=$0; inrec=1; next}
                 inrec && /^==[0-9]+== *$/ {if (rec ~ /fastconv|_core\./) print rec; inrec=0; next}
                 inrec {rec = rec "\n" $0}' "$LOG")"
n_fc_leaks="$(printf '%s' "$fc_leaks" | grep -c 'definitely lost' || true)"
summary="$(grep -E 'ERROR SUMMARY|definitely lost:' "$LOG" | tail -2 | sed 's/^==[0-9]*== *//' | tr '\n' ' ')"
summary="$summary; definite leaks through fastconv: $n_fc_leaks"
if [ $rc -eq 0 ] && [ "$n_fc_leaks" -eq 0 ]; then
    echo "memcheck: CLEAN -- $summary"
    exit 0
fi
echo "memcheck: DIRTY (valgrind exit $rc) -- $summary"
[ -n "$fc_leaks" ] && printf '%b\n' "$fc_leaks" | head -60
grep -nE 'Invalid|uninitialised|Mismatched|free\(\)' "$LOG" | head -40
exit 1
