"""Nothing leaks, nothing races, nothing crashes on huge requests.

* Leaks: 10,000 calls of every public function on tiny arrays keep the resident set flat.
  RSS is read from /proc/self/statm after a warm-up of 1,000 calls (which fills the
  library's workspace cache -- up to four idle workspaces are kept on purpose -- NumPy's
  small-block caches and the allocator's arenas) and again after 10,000 more.  The slack,
  8 MB, is a fixed amount that does not scale with the number of calls: any per-call leak
  of even 1 KB would grow RSS by 10 MB here, while glibc's arena trimming and page-level
  fragmentation can move RSS by a few MB with no leak.  Runs in a fresh subprocess, outside
  the repository, so pytest's own allocations do not cloud the measurement.
* Concurrency: 8 Python threads call conv_forward / conv_backward_input /
  conv_backward_weight / correlate2d at once, each with its own num_threads, and every
  result equals, bit for bit, the one computed beforehand on one thread.
* Huge requests: an output that would need ~1 TiB raises MemoryError and a size that
  overflows int64 raises ValueError -- never a crash.  Run in a subprocess, so a crash
  fails the test instead of killing pytest.
"""
import json
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import fastconv as fc

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/statm"),
                                reason="RSS is read from /proc/self/statm (Linux only)")

SLACK_MB = 8.0
WARMUP, CALLS = 1_000, 10_000

LEAK_SCRIPT = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    import fastconv as fc

    PAGE = os.sysconf("SC_PAGE_SIZE")

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE / 2**20

    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6, 7)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    go = rng.standard_normal((2, 4, 4, 6)).astype(np.float32)
    x64, w64, go64 = x.astype(np.float64), w.astype(np.float64), go.astype(np.float64)
    a1, k1 = rng.standard_normal(33), rng.standard_normal(5)
    a2, k2 = rng.standard_normal((9, 11)).astype(np.float32), rng.standard_normal((3, 4)).astype(np.float32)
    y_out = np.empty((2, 4, 4, 6), np.float32)

    calls = {
        "conv_forward": lambda: fc.conv_forward(x, w, b, num_threads=1),
        "conv_forward_f64_strided": lambda: fc.conv_forward(x64, w64, stride=2, padding=1, num_threads=1),
        "conv_forward_out": lambda: fc.conv_forward(x, w, out=y_out),
        "conv_backward_input": lambda: fc.conv_backward_input(go, w, x.shape, num_threads=1),
        "conv_backward_input_f64": lambda: fc.conv_backward_input(go64, w64, x.shape),
        "conv_backward_weight": lambda: fc.conv_backward_weight(x, go, w.shape, num_threads=1),
        "conv_backward_weight_f64": lambda: fc.conv_backward_weight(x64, go64, w.shape),
        "conv_backward_bias": lambda: fc.conv_backward_bias(go),
        "conv_output_shape": lambda: fc.conv_output_shape(x.shape, w.shape, padding=1),
        "correlate": lambda: fc.correlate(a1, k1),
        "convolve": lambda: fc.convolve(a1, k1, mode="same"),
        "correlate2d": lambda: fc.correlate2d(a2, k2, boundary="symm"),
        "convolve2d": lambda: fc.convolve2d(a2, k2, mode="valid", boundary="wrap"),
        "rot180": lambda: fc.rot180(x[:, ::-1, ::2]),
        "pad_full": lambda: fc.pad_full(a2, (3, 4)),
        "errors": None,   # a call that fails validation must not leak either
        "get_num_threads": fc.get_num_threads,
        "config": fc.config,
    }

    def bad():
        try:
            fc.conv_forward(x, w[:, :2])
        except ValueError:
            pass
    calls["errors"] = bad

    result = {}
    for name, f in calls.items():
        for _ in range({warmup}):
            f()
        before = rss_mb()
        for _ in range({calls}):
            f()
        result[name] = rss_mb() - before
    fc.release_workspace()
    print(json.dumps(result))
""").replace("{warmup}", str(WARMUP)).replace("{calls}", str(CALLS))


@pytest.fixture(scope="module")
def rss_growth(tmp_path_factory):
    r = subprocess.run([sys.executable, "-c", LEAK_SCRIPT], capture_output=True, text=True,
                       timeout=300, cwd=tmp_path_factory.mktemp("leaks"))
    assert r.returncode == 0, r.stderr[-4000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


LEAK_NAMES = ["conv_forward", "conv_forward_f64_strided", "conv_forward_out",
              "conv_backward_input", "conv_backward_input_f64", "conv_backward_weight",
              "conv_backward_weight_f64", "conv_backward_bias", "conv_output_shape", "correlate",
              "convolve", "correlate2d", "convolve2d", "rot180", "pad_full", "errors",
              "get_num_threads", "config"]


@pytest.mark.parametrize("name", LEAK_NAMES)
def test_rss_flat_over_10000_calls(rss_growth, name):
    growth = rss_growth[name]
    assert growth < SLACK_MB, (
        f"{name}: RSS grew by {growth:.2f} MB over {CALLS} calls after a {WARMUP}-call warm-up "
        f"(slack {SLACK_MB} MB)")


# --------------------------------------------------------------------------- concurrency

def _problems():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 16, 29, 31)).astype(np.float32)
    w = rng.standard_normal((24, 16, 3, 3)).astype(np.float32)
    b = rng.standard_normal(24).astype(np.float32)
    kw = dict(stride=1, padding=1)
    go = rng.standard_normal(fc.conv_output_shape(x.shape, w.shape, **kw)).astype(np.float32)
    x64 = rng.standard_normal((1, 6, 40, 37))
    w64 = rng.standard_normal((8, 3, 5, 3))
    kw64 = dict(stride=2, padding=(2, 1), dilation=(1, 2), groups=2)
    go64 = rng.standard_normal(fc.conv_output_shape(x64.shape, w64.shape, **kw64))
    a2 = rng.standard_normal((70, 90)).astype(np.float32)
    k2 = rng.standard_normal((7, 5)).astype(np.float32)
    return {
        "conv_forward": lambda n: fc.conv_forward(x, w, b, num_threads=n, **kw),
        "conv_forward_f64": lambda n: fc.conv_forward(x64, w64, num_threads=n, flip=True, **kw64),
        "conv_backward_input": lambda n: fc.conv_backward_input(go, w, x.shape, num_threads=n, **kw),
        "conv_backward_input_f64": lambda n: fc.conv_backward_input(go64, w64, x64.shape,
                                                                    num_threads=n, **kw64),
        "conv_backward_weight": lambda n: fc.conv_backward_weight(x, go, w.shape, num_threads=n, **kw),
        "conv_backward_weight_f64": lambda n: fc.conv_backward_weight(x64, go64, w64.shape,
                                                                      num_threads=n, **kw64),
        "correlate2d": lambda n: fc.correlate2d(a2, k2, boundary="symm", num_threads=n),
    }


def test_python_threads_bit_identical_to_one_thread():
    problems = _problems()
    expected = {name: f(1) for name, f in problems.items()}
    names = list(problems)
    errors = []
    barrier = threading.Barrier(8)

    def worker(tid):
        try:
            barrier.wait()
            for rep in range(3):
                for j in range(len(names)):
                    name = names[(tid + j) % len(names)]
                    n = 1 + (tid + rep) % 4          # 1..4 OpenMP threads, differing per thread
                    got = problems[name](n)
                    if got.tobytes() != expected[name].tobytes():
                        errors.append(f"thread {tid}, rep {rep}: {name} with num_threads={n} "
                                      "differs from the single-threaded result")
        except Exception as e:  # noqa: BLE001 -- reported below
            errors.append(f"thread {tid}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a worker thread hung"
    assert not errors, "\n".join(errors[:20])


# --------------------------------------------------------------------------- huge requests

HUGE_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import fastconv as fc
    from numpy.lib.stride_tricks import as_strided

    def zeros_view(shape, dtype=np.float32):
        # a broadcast view: any shape, 1 element of memory
        return as_strided(np.zeros(1, dtype), shape=shape, strides=(0,) * len(shape))

    def outcome(f):
        try:
            f()
            return "ok"
        except Exception as e:
            return type(e).__name__

    one = np.ones((1, 1, 1, 1), np.float32)
    x512 = np.ones((1, 1, 512, 512), np.float32)
    cases = {
        # output (1, 2**20, 512, 512) float32 = 1 TiB
        "conv_forward_1TiB": lambda: fc.conv_forward(x512, zeros_view((2**20, 1, 1, 1))),
        # output the size of a (1, 1, 2**19, 2**19) float32 input = 1 TiB
        "conv_forward_1TiB_input": lambda: fc.conv_forward(zeros_view((1, 1, 2**19, 2**19)), one),
        # grad_in of (1, 1, 2**20, 2**20) float32 = 4 TiB
        "conv_backward_input_4TiB": lambda: fc.conv_backward_input(
            zeros_view((1, 1, 2**20, 2**20)), one, (1, 1, 2**20, 2**20)),
        # 2**62 * 2**62 elements: the size overflows int64
        "conv_backward_input_overflow": lambda: fc.conv_backward_input(
            one, one, (1, 1, 2**62, 2**62)),
        "conv_output_shape_overflow": lambda: fc.conv_output_shape(
            (1, 1, 2**62, 2**62), (1, 1, 1, 1), padding=2**62),
        # full output (2**20 + 2)**2 float64 = 8 TiB
        "correlate2d_8TiB": lambda: fc.correlate2d(zeros_view((2**20, 2**20), np.float64),
                                                   np.ones((3, 3))),
        "pad_full_8TiB": lambda: fc.pad_full(zeros_view((2**20, 2**20), np.float64), (3, 5)),
    }
    print(json.dumps({k: outcome(f) for k, f in cases.items()}))
""")

HUGE_EXPECTED = {
    "conv_forward_1TiB": {"MemoryError"},
    "conv_forward_1TiB_input": {"MemoryError"},
    "conv_backward_input_4TiB": {"MemoryError"},
    "conv_backward_input_overflow": {"ValueError", "OverflowError"},
    "conv_output_shape_overflow": {"ValueError", "OverflowError"},
    "correlate2d_8TiB": {"MemoryError"},
    "pad_full_8TiB": {"MemoryError"},
}


@pytest.fixture(scope="module")
def huge_outcomes(tmp_path_factory):
    r = subprocess.run([sys.executable, "-c", HUGE_SCRIPT], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path_factory.mktemp("huge"))
    assert r.returncode == 0, (f"the huge-request script died with exit code {r.returncode} "
                               f"(a crash, not an exception):\n{r.stderr[-4000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", sorted(HUGE_EXPECTED))
def test_huge_request_raises(huge_outcomes, case):
    assert huge_outcomes[case] in HUGE_EXPECTED[case], (
        f"{case}: raised {huge_outcomes[case]}, expected one of {sorted(HUGE_EXPECTED[case])}")
