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
from __future__ import annotations

import os

__all__ = ["get_include", "get_library_dir", "get_cmake_dir", "get_pkgconfig_dir"]

_PKG = os.path.dirname(os.path.abspath(__file__))


def get_include() -> str:
    """Directory holding ``fastconv.h`` (pass it as ``-I`` / ``include_dirs``).

    Returns
    -------
    str
        The absolute path of the package's ``include`` directory.

    Raises
    ------
    None
        It computes a path; it does not check that the path exists (it does in an
        installed package, not in a source checkout).

    Examples
    --------
    >>> import os, fastconv
    >>> os.path.isfile(os.path.join(fastconv.get_include(), "fastconv.h"))
    True
    """
    return os.path.join(_PKG, "include")


def get_library_dir() -> str:
    """Directory holding the shared library ``libfastconv``.

    Pass it as ``-L`` / ``library_dirs``, and as the run-time search path
    (``-Wl,-rpath`` / ``runtime_library_dirs``).

    Returns
    -------
    str
        The absolute path of the installed package directory.

    Raises
    ------
    None
        It computes a path; it does not check that the path exists (it does in an
        installed package, not in a source checkout).

    Examples
    --------
    >>> import os, fastconv
    >>> any(f.startswith("libfastconv") for f in os.listdir(fastconv.get_library_dir()))
    True
    """
    return _PKG


def get_cmake_dir() -> str:
    """Directory holding ``fastconvConfig.cmake``.

    Pass it to CMake as ``-Dfastconv_ROOT=...`` (or ``-Dfastconv_DIR=...``) for
    ``find_package(fastconv CONFIG)``.

    Returns
    -------
    str
        The absolute path of ``lib/cmake/fastconv`` in the package.

    Raises
    ------
    None
        It computes a path; it does not check that the path exists (it does in an
        installed package, not in a source checkout).

    Examples
    --------
    >>> import os, fastconv
    >>> os.path.isfile(os.path.join(fastconv.get_cmake_dir(), "fastconvConfig.cmake"))
    True
    """
    return os.path.join(_PKG, "lib", "cmake", "fastconv")


def get_pkgconfig_dir() -> str:
    """Directory holding ``fastconv.pc``: add it to ``PKG_CONFIG_PATH``.

    Returns
    -------
    str
        The absolute path of ``lib/pkgconfig`` in the package.

    Raises
    ------
    None
        It computes a path; it does not check that the path exists (it does in an
        installed package, not in a source checkout).

    Examples
    --------
    >>> import os, fastconv
    >>> os.path.isfile(os.path.join(fastconv.get_pkgconfig_dir(), "fastconv.pc"))
    True
    """
    return os.path.join(_PKG, "lib", "pkgconfig")
