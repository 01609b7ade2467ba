"""fastconv from C, C++ and Cython: build the examples and the C API test driver against
the *installed* package, in temporary directories, run them and check their numbers.

* examples/c (CMake, ``find_package(fastconv)`` with ``fastconv_ROOT`` = get_cmake_dir()),
  examples/cpp (CMake, ``fastconv_ROOT`` = the package folder, which is what
  scikit-build-core's ``cmake.root`` entry point passes) and the C example once more with
  ``pkg-config`` flags: their output is compared with :mod:`fastconv.reference` and must
  equal, bit for bit, what the Python API returns (it is the same library and kernels).
* examples/cython: ``cimport fastconv``, built with setuptools + cythonize.
* tests/c/test_capi.c, built with ``python -m fastconv --cflags --libs``: every C entry
  point against naive C loops, and every error status.
* The paths, ``python -m fastconv``, the files the wheel installs, and threadpoolctl
  seeing (and limiting) fastconv's OpenMP runtime.

A test skips, saying why, only when a tool it needs is missing (C/C++ compiler, CMake,
pkg-config, Cython/setuptools, threadpoolctl), or when fastconv is an in-place build
imported from the source tree (there is no installed package to build against).
"""
import glob
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import fastconv
from fastconv import reference as R

from conftest import assert_close

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
TIMEOUT = 300
PKG = os.path.dirname(os.path.abspath(fastconv.__file__))

# The header, CMake and pkg-config files exist in an installed package (pip install .),
# not next to the sources of an in-place build: there is nothing to embed then.
pytestmark = pytest.mark.skipif(
    os.path.realpath(PKG).startswith(os.path.realpath(ROOT) + os.sep),
    reason=f"fastconv is imported from the source tree ({PKG}), an in-place build: "
           "embedding needs the installed package (pip install .)")


# --------------------------------------------------------------------------- tools

def _tool(names, missing):
    """The first of ``names`` found on PATH (None entries skipped), or skip with ``missing``."""
    for n in names:
        if n and shutil.which(n):
            return shutil.which(n)
    pytest.skip(missing)


@pytest.fixture(scope="module")
def cc():
    return _tool((os.environ.get("CC"), "cc", "gcc", "clang"), "no C compiler (cc, gcc, clang or $CC) on PATH")


@pytest.fixture(scope="module")
def cxx():
    return _tool((os.environ.get("CXX"), "c++", "g++", "clang++"),
                 "no C++ compiler (c++, g++, clang++ or $CXX) on PATH")


@pytest.fixture(scope="module")
def cmake():
    return _tool(("cmake",), "cmake is not on PATH (pip install cmake)")


def _run(cmd, cwd=None, env=None):
    """Run a command, failing the test with its output when it fails."""
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    if p.returncode != 0:
        pytest.fail(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n"
                    f"--- stdout\n{p.stdout[-6000:]}\n--- stderr\n{p.stderr[-6000:]}")
    return p.stdout


def _cmake_build(cmake, src, build, *defines):
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    _run([cmake, "-S", src, "-B", build, *gen, "-DCMAKE_BUILD_TYPE=Release", *defines])
    _run([cmake, "--build", build])


def _exe(build, name):
    path = os.path.join(build, name)
    assert os.path.isfile(path), f"{name} was not built in {build}: {os.listdir(build)}"
    return path


# --------------------------------------------------------------------------- the examples' data

def _example_inputs(dtype):
    """The fixed data the C and C++ examples compute with (see examples/c/main.c)."""
    x = (((np.arange(2 * 4 * 6 * 7) * 7) % 11 - 5) * 0.25).reshape(2, 4, 6, 7).astype(dtype)
    w = (((np.arange(6 * 2 * 3 * 3) * 5) % 7 - 3) * 0.5).reshape(6, 2, 3, 3).astype(dtype)
    b = (0.125 * np.arange(6) - 0.25).astype(dtype)
    a = (((np.arange(30) * 3) % 8 - 4) * 0.5).reshape(5, 6).astype(dtype)
    k = (((np.arange(6) * 2) % 5 - 2) * 0.75).reshape(3, 2).astype(dtype)
    return x, w, b, a, k


CONV_KW = dict(stride=(2, 1), padding=1, groups=2)


def _parse(text):
    """{name: array} from lines "<name> <ndim> <dims...>" each followed by a line of values."""
    lines = text.splitlines()
    out = {}
    for i, line in enumerate(lines):
        m = re.match(r"^(conv_forward|correlate2d) (\d+)((?: \d+)+)$", line)
        if m:
            shape = tuple(int(v) for v in m.group(3).split())
            assert len(shape) == int(m.group(2))
            out[m.group(1)] = np.array([float(v) for v in lines[i + 1].split()]).reshape(shape)
    return out


def _check_example_output(text, dtype):
    assert text.startswith(f"fastconv {fastconv.__version__} isa "), text[:200]
    got = _parse(text)
    assert set(got) == {"conv_forward", "correlate2d"}, text[:500]
    x, w, b, a, k = _example_inputs(dtype)
    y, c = got["conv_forward"].astype(dtype), got["correlate2d"].astype(dtype)
    # the NumPy oracle, with the tolerance of the result dtype
    assert_close(y, R.conv_forward(x, w, b, **CONV_KW), n=w[0].size + 1, err_msg="conv_forward")
    assert_close(c, R.correlate2d(a, k, "same", "symm"), n=k.size, err_msg="correlate2d")
    # the Python API calls the same library: the very same numbers
    np.testing.assert_array_equal(y, fastconv.conv_forward(x, w, b, **CONV_KW))
    np.testing.assert_array_equal(c, fastconv.correlate2d(a, k, "same", "symm"))


# --------------------------------------------------------------------------- installed files

def test_installed_files_and_paths():
    inc, lib = fastconv.get_include(), fastconv.get_library_dir()
    cmake_dir, pc_dir = fastconv.get_cmake_dir(), fastconv.get_pkgconfig_dir()
    assert os.path.isfile(os.path.join(inc, "fastconv.h"))
    libs = glob.glob(os.path.join(lib, "libfastconv*.so*")) + glob.glob(os.path.join(lib, "*fastconv*.dylib")) \
        + glob.glob(os.path.join(lib, "*fastconv*.dll"))
    assert libs, f"no libfastconv in {lib}: {os.listdir(lib)}"
    for f in ("fastconvConfig.cmake", "fastconvConfigVersion.cmake", "fastconvTargets.cmake"):
        assert os.path.isfile(os.path.join(cmake_dir, f)), f"{f} missing from {cmake_dir}"
    for f in ("__init__.pxd", "cfastconv.pxd"):
        assert os.path.isfile(os.path.join(PKG, f)), f"{f} missing from {PKG}"
    # relocatable: the pkg-config file and the CMake files name no absolute path
    pc = open(os.path.join(pc_dir, "fastconv.pc")).read()
    assert "prefix=${pcfiledir}/" in pc and f"Version: {fastconv.__version__}" in pc
    prefix = os.path.dirname(PKG)
    for path in [os.path.join(pc_dir, "fastconv.pc")] + glob.glob(os.path.join(cmake_dir, "*.cmake")):
        assert prefix not in open(path).read(), f"{path} hard-codes the install location"


def test_cli(tmp_path):
    def cli(*args):
        return _run([sys.executable, "-m", "fastconv", *args], cwd=str(tmp_path)).strip()

    inc, lib = fastconv.get_include(), fastconv.get_library_dir()
    assert cli("--cflags") == f"-I{inc}"
    assert cli("--libs") == f"-L{lib} -Wl,-rpath,{lib} -lfastconv"
    assert cli("--cflags", "--libs") == f"-I{inc} -L{lib} -Wl,-rpath,{lib} -lfastconv"
    assert cli("--cmake-dir") == cli("--cmakedir") == fastconv.get_cmake_dir()
    assert cli("--pkgconfigdir") == fastconv.get_pkgconfig_dir()
    assert cli("--includedir") == inc and cli("--libdir") == lib
    assert cli("--version") == fastconv.__version__ == importlib.metadata.version("fastconv")
    assert cli("--version", "--cmake-dir").splitlines() == [fastconv.__version__, fastconv.get_cmake_dir()]
    p = subprocess.run([sys.executable, "-m", "fastconv"], capture_output=True, text=True,
                       cwd=str(tmp_path))
    assert p.returncode == 1 and "--cflags" in p.stdout


def test_cmake_root_entry_point():
    """scikit-build-core sets fastconv_ROOT to the folder of this entry point's module."""
    eps = importlib.metadata.entry_points()
    group = eps.select(group="cmake.root") if hasattr(eps, "select") else eps.get("cmake.root", [])
    mine = [ep for ep in group if ep.name == "fastconv"]
    assert mine and mine[0].value == "fastconv", f"cmake.root entry points: {list(group)}"


# --------------------------------------------------------------------------- C, C++, pkg-config

def test_c_example_cmake(cmake, cc, tmp_path):
    build = str(tmp_path / "build")
    _cmake_build(cmake, os.path.join(EXAMPLES, "c"), build,
                 f"-Dfastconv_ROOT={fastconv.get_cmake_dir()}")
    _check_example_output(_run([_exe(build, "fastconv_example_c")]), np.float64)


def test_cpp_example_cmake(cmake, cxx, tmp_path):
    # the package folder as the root, as scikit-build-core's cmake.root entry point gives it
    build = str(tmp_path / "build")
    _cmake_build(cmake, os.path.join(EXAMPLES, "cpp"), build, f"-Dfastconv_ROOT={PKG}")
    out = _run([_exe(build, "fastconv_example_cpp")])
    _check_example_output(out, np.float32)
    assert "error-check: fc_conv_output_shape: invalid argument" in out


def test_c_example_pkg_config(cc, tmp_path):
    pkgconf = _tool(("pkg-config", "pkgconf"), "neither pkg-config nor pkgconf is on PATH")
    env = dict(os.environ, PKG_CONFIG_PATH=fastconv.get_pkgconfig_dir())
    flags = _run([pkgconf, "--cflags", "--libs", "fastconv"], env=env).split()
    exe = str(tmp_path / "example_c")
    _run([cc, "-std=c99", os.path.join(EXAMPLES, "c", "main.c"), *flags, "-o", exe])
    _check_example_output(_run([exe]), np.float64)


def test_capi_driver(cc, tmp_path):
    """tests/c/test_capi.c: every C entry point and error status (see its header)."""
    flags = _run([sys.executable, "-m", "fastconv", "--cflags", "--libs"], cwd=str(tmp_path)).split()
    exe = str(tmp_path / "test_capi")
    _run([cc, "-std=c99", "-O1", "-Wall", "-Wextra", os.path.join(ROOT, "tests", "c", "test_capi.c"),
          *flags, "-lm", "-o", exe])
    p = subprocess.run([exe], capture_output=True, text=True, timeout=TIMEOUT)
    summary = re.search(r"^capi: (\d+) passed, (\d+) failed$", p.stdout, re.M)
    assert p.returncode == 0 and summary and summary.group(2) == "0", \
        f"test_capi failed ({p.returncode}):\n{p.stdout[-4000:]}\n{p.stderr[-8000:]}"
    assert int(summary.group(1)) > 1000


# --------------------------------------------------------------------------- Cython

def test_cython_example(cc, tmp_path):
    pytest.importorskip("Cython", reason="Cython is not installed (pip install cython)")
    pytest.importorskip("setuptools", reason="setuptools is not installed")
    src = os.path.join(EXAMPLES, "cython")
    for f in ("fcdemo.pyx", "setup.py"):
        shutil.copy(os.path.join(src, f), tmp_path)
    _run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=str(tmp_path))
    # run in a fresh interpreter: the extension needs nothing but the installed package
    script = textwrap.dedent("""
        import sys
        import numpy as np
        import fcdemo
        rng = np.random.default_rng(7)
        x = rng.standard_normal((2, 4, 9, 8)); w = rng.standard_normal((6, 2, 3, 3))
        b = rng.standard_normal(6); a = rng.standard_normal((11, 13)); k = rng.standard_normal((4, 3))
        np.savez(sys.argv[1], x=x, w=w, b=b, a=a, k=k,
                 y=fcdemo.conv2d_forward(x, w, b, (2, 1), (1, 1), 2),
                 y0=fcdemo.conv2d_forward(x, w, None, (1, 1), (0, 0), 2),
                 c=fcdemo.correlate2d(a, k, "same", "symm"),
                 f=fcdemo.correlate2d(a, k, "full", "fill", 2.5))
        try:
            fcdemo.conv2d_forward(x, w, b, (0, 1), (0, 0), 2)     # stride 0: FC_EINVAL
        except ValueError as e:
            print("error:", e)
        print("version", fcdemo.version())
    """)
    npz = str(tmp_path / "out.npz")
    out = _run([sys.executable, "-c", script, npz], cwd=str(tmp_path))
    assert f"version {fastconv.__version__}" in out
    assert "error: fastconv: invalid argument" in out
    d = np.load(npz)
    x, w, b, a, k = d["x"], d["w"], d["b"], d["a"], d["k"]
    assert_close(d["y"], R.conv_forward(x, w, b, **CONV_KW), err_msg="cython conv_forward")
    assert_close(d["y0"], R.conv_forward(x, w, groups=2), err_msg="cython conv_forward, no bias")
    assert_close(d["c"], R.correlate2d(a, k, "same", "symm"), err_msg="cython correlate2d same symm")
    assert_close(d["f"], R.correlate2d(a, k, "full", "fill", 2.5), err_msg="cython correlate2d full")
    np.testing.assert_array_equal(d["y"], fastconv.conv_forward(x, w, b, **CONV_KW))
    np.testing.assert_array_equal(d["c"], fastconv.correlate2d(a, k, "same", "symm"))


# --------------------------------------------------------------------------- threadpoolctl

def test_threadpoolctl_sees_and_limits_openmp(tmp_path):
    """threadpoolctl finds the OpenMP runtime libfastconv loads and threadpool_limits caps
    fastconv's default thread count (fastconv.set_num_threads, when set, takes precedence)."""
    pytest.importorskip("threadpoolctl", reason="threadpoolctl is not installed")
    if not fastconv.config().get("openmp", True):
        pytest.skip("this fastconv build has no OpenMP")
    script = textwrap.dedent("""
        import json
        import numpy, threadpoolctl
        omp = lambda: [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "openmp"]
        before = omp()                       # numpy's BLAS brings no OpenMP runtime
        import fastconv
        after = omp()
        default = fastconv.get_num_threads()
        with threadpoolctl.threadpool_limits(1):
            limited = fastconv.get_num_threads()
            limited_info = [i["num_threads"] for i in omp()]
        with threadpoolctl.threadpool_limits(limits=2, user_api="openmp"):
            two = fastconv.get_num_threads()
        restored = fastconv.get_num_threads()
        print(json.dumps(dict(before=before, after=after, default=default, limited=limited,
                              limited_info=limited_info, two=two, restored=restored)))
    """)
    env = dict(os.environ, OMP_NUM_THREADS="3")
    r = json.loads(_run([sys.executable, "-c", script], env=env, cwd=str(tmp_path))
                   .strip().splitlines()[-1])
    new = [i for i in r["after"] if i["filepath"] not in {j["filepath"] for j in r["before"]}]
    if r["before"] and not new:
        new = r["after"]     # numpy's BLAS already loaded the same OpenMP runtime (e.g. conda)
    assert len(new) == 1, f"importing fastconv should add one OpenMP runtime: {r}"
    assert os.path.basename(new[0]["filepath"]).startswith(("libgomp", "libomp", "libiomp")), new
    assert new[0]["num_threads"] == 3 and r["default"] == 3, r
    assert r["limited"] == 1 and 1 in r["limited_info"], r
    assert r["two"] == 2 and r["restored"] == 3, r
