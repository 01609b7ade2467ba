"""The C library under AddressSanitizer + UndefinedBehaviorSanitizer, at every tile edge.

Three C drivers are compiled *together with the library sources* (src/*.c, src/kernels/*.c,
with CMakeLists.txt's per-file ISA flags) in a temporary directory:

* tests/c/test_kernels.c checks every public C entry point against naive C loops at output
  widths and channel counts just below, at and above each register tile of every kernel,
  under every ISA the CPU supports;
* tests/c/test_microkernels.c calls every micro-kernel of every ISA table directly (the
  tables are internal symbols, hidden in the shared library) against naive loops written
  from the contracts in src/internal.h, with every buffer at its exact size;

* tests/c/test_fft.c calls every FFT kernel of every ISA table (src/fft/fft.h) at lane
  counts around the vector widths against naive DFTs, and fc_rfftn/fc_irfftn against a
  naive DFT in long double;

each built twice, once per mode (the library objects are shared by both drivers):

* with ``gcc -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
  -fno-sanitize-recover=all`` and run with leak detection on: any ASan / UBSan / LSan
  report, or any mismatch (non-zero exit), fails the test;
* at -O2 without sanitizers (the optimised code paths and the numbers).

The sources are read from the repository checkout this file lives in (tests/../src),
whatever fastconv package pytest imports.  Skips, saying why, only when gcc is missing
(or cannot link the sanitizer runtimes).
"""
import os
import platform
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
DRIVERS = {name: os.path.join(ROOT, "tests", "c", name + ".c")
           for name in ("test_kernels", "test_microkernels", "test_fft", "test_ndimage")}
TIMEOUT = 240

X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i486", "i586", "i686")

# libgomp keeps its thread pool (and per-thread state) alive until exit by design; if
# LeakSanitizer ever reports those as leaks, only allocations made from libgomp itself
# are suppressed -- never anything from fastconv.
LSAN_SUPP = "leak:libgomp.so\n"


def _sources():
    if not os.path.isdir(SRC) or not all(os.path.isfile(d) for d in DRIVERS.values()):
        pytest.skip(f"no library sources next to the tests ({SRC}): not a repository checkout")
    every = sorted(os.path.join(d, f) for d, _, fs in os.walk(SRC) for f in fs if f.endswith(".c"))
    # files named *_avx2.c / *_avx512.c get their ISA's flags (as in CMakeLists.txt), one
    # compiler call each; CMakeLists.txt compiles them on x86 only
    kernels = [f for f in every if _kernel_flags(f)]
    files = [f for f in every if f not in kernels]
    if not X86:
        kernels = []
    return files, kernels


def _kernel_flags(path):
    name = os.path.basename(path)
    if name.endswith("_avx2.c"):
        return ["-mavx2", "-mfma"]
    if name.endswith("_avx512.c"):
        return ["-mavx512f", "-mavx2", "-mfma"]
    return []


def _build(tmp, tag, mode_flags):
    """Compile the library sources and both drivers with mode_flags; return
    {driver name: binary}."""
    gcc = shutil.which("gcc")
    if not gcc:
        pytest.skip("gcc is not on PATH: cannot build the library sources with sanitizers")
    files, kernels = _sources()
    common = ["-std=gnu99", "-fopenmp", "-I" + os.path.join(SRC, "include"), "-I" + SRC,
              "-Wno-unused-function"]
    if X86:
        common += ["-DFC_HAVE_AVX2=1", "-DFC_HAVE_AVX512=1"]
    outdir = os.path.join(tmp, tag)
    os.makedirs(outdir)
    objs = []
    # one compiler per flag set, at most two at a time (the machine has two cores)
    groups = [(files + list(DRIVERS.values()), [])] + [([k], _kernel_flags(k)) for k in kernels]
    running = []
    for i, (srcs, extra) in enumerate(groups):
        sub = os.path.join(outdir, "g%d" % i)
        os.makedirs(sub)
        cmd = [gcc, *mode_flags, *common, *extra, "-c", *srcs]
        running.append((subprocess.Popen(cmd, cwd=sub, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True), cmd))
        objs += [os.path.join(sub, os.path.splitext(os.path.basename(s))[0] + ".o") for s in srcs]
        if len(running) == 2:
            _wait(running.pop(0))
    for item in running:
        _wait(item)
    driver_objs = {name: next(o for o in objs if os.path.basename(o) == name + ".o")
                   for name in DRIVERS}
    lib_objs = [o for o in objs if o not in driver_objs.values()]
    exes = {}
    for name, dobj in driver_objs.items():
        exe = os.path.join(outdir, name)
        link = [gcc, *mode_flags, "-fopenmp", dobj, *lib_objs, "-lm", "-lpthread", "-o", exe]
        r = subprocess.run(link, capture_output=True, text=True, timeout=TIMEOUT)
        if r.returncode != 0 and "-fsanitize" in " ".join(mode_flags) and \
                ("cannot find" in r.stderr and "asan" in r.stderr):
            pytest.skip("gcc cannot link the sanitizer runtimes (libasan/libubsan not installed)")
        assert r.returncode == 0, f"link failed: {' '.join(link)}\n{r.stderr}"
        exes[name] = exe
    return exes


def _wait(item):
    p, cmd = item
    out, _ = p.communicate(timeout=TIMEOUT)
    assert p.returncode == 0, f"compile failed: {' '.join(cmd)}\n{out}"


def _run(exe, env_extra):
    env = dict(os.environ)
    env.pop("FASTCONV_ISA", None)  # the driver selects every supported ISA itself
    env.pop("LD_PRELOAD", None)
    env.setdefault("OMP_NUM_THREADS", "2")
    env.update(env_extra)
    r = subprocess.run([exe], capture_output=True, text=True, timeout=TIMEOUT, env=env)
    return r


SAN_REPORT_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                      "SUMMARY: AddressSanitizer", "SUMMARY: UndefinedBehaviorSanitizer")


ASAN_FLAGS = ["-O1", "-g", "-fsanitize=address,undefined", "-fno-omit-frame-pointer",
              "-fno-sanitize-recover=all"]


@pytest.fixture(scope="module")
def asan_build(tmp_path_factory):
    return _build(str(tmp_path_factory.mktemp("sanitizers")), "asan", ASAN_FLAGS)


@pytest.fixture(scope="module")
def o2_build(tmp_path_factory):
    return _build(str(tmp_path_factory.mktemp("sanitizers")), "o2", ["-O2"])


def _run_sanitized(exe, tmp_path):
    supp = tmp_path / "lsan.supp"
    supp.write_text(LSAN_SUPP)
    r = _run(exe, {
        "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:halt_on_error=1:"
                        "detect_stack_use_after_return=1:strict_string_checks=1",
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
        "LSAN_OPTIONS": f"suppressions={supp}:print_suppressions=0",
    })
    out = r.stdout + r.stderr
    reports = [m for m in SAN_REPORT_MARKERS if m in out]
    assert r.returncode == 0 and not reports, (
        f"sanitized driver exited {r.returncode}, reports {reports}:\n{out[-8000:]}")
    assert "0 failed" in r.stdout.splitlines()[-1], r.stdout[-2000:]


def _run_optimized(exe):
    r = _run(exe, {})
    assert r.returncode == 0, f"driver exited {r.returncode}:\n{(r.stdout + r.stderr)[-8000:]}"
    assert "0 failed" in r.stdout.splitlines()[-1], r.stdout[-2000:]


def test_kernels_sanitized(asan_build, tmp_path):
    _run_sanitized(asan_build["test_kernels"], tmp_path)


def test_kernels_optimized(o2_build):
    _run_optimized(o2_build["test_kernels"])


def test_microkernels_sanitized(asan_build, tmp_path):
    _run_sanitized(asan_build["test_microkernels"], tmp_path)


def test_microkernels_optimized(o2_build):
    _run_optimized(o2_build["test_microkernels"])


def test_fft_sanitized(asan_build, tmp_path):
    _run_sanitized(asan_build["test_fft"], tmp_path)


def test_fft_optimized(o2_build):
    _run_optimized(o2_build["test_fft"])


def test_ndimage_sanitized(asan_build, tmp_path):
    _run_sanitized(asan_build["test_ndimage"], tmp_path)


def test_ndimage_optimized(o2_build):
    _run_optimized(o2_build["test_ndimage"])
