"""Where the installed package keeps what C, C++ and Cython builds need.

The wheel ships the C library the Python API itself calls, so compiled code linking it
gets the same kernels (and the same OpenMP runtime) with or without Python::

    fastconv/
        libfastconv.so                      get_library_dir()
        include/fastconv.h                  get_include()
        __init__.pxd, cfastconv.pxd         (found on sys.path by ``cimport fastconv``)
        lib/cmake/fastconv/                 get_cmake_dir()   fastconvConfig.cmake
        lib/pkgconfig/fastconv.pc           get_pkgconfig_dir()

Nothing here imports the compiled extension; the paths are computed from this file's
location (they exist in an installed package, not in a source checkout).
"""
import os

__all__ = ["get_include", "get_library_dir", "get_cmake_dir", "get_pkgconfig_dir"]

_PKG = os.path.dirname(os.path.abspath(__file__))


def get_include():
    """Directory holding ``fastconv.h`` (pass it as ``-I`` / ``include_dirs``)."""
    return os.path.join(_PKG, "include")


def get_library_dir():
    """Directory holding the shared library ``libfastconv`` (``-L`` / ``library_dirs``;
    also the run-time search path: ``-Wl,-rpath`` / ``runtime_library_dirs``)."""
    return _PKG


def get_cmake_dir():
    """Directory holding ``fastconvConfig.cmake``: pass it to CMake as
    ``-Dfastconv_ROOT=...`` (or ``-Dfastconv_DIR=...``) for ``find_package(fastconv)``."""
    return os.path.join(_PKG, "lib", "cmake", "fastconv")


def get_pkgconfig_dir():
    """Directory holding ``fastconv.pc``: add it to ``PKG_CONFIG_PATH``."""
    return os.path.join(_PKG, "lib", "pkgconfig")
