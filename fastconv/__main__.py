"""``python -m fastconv``: compiler and build-system flags for code using the C API.

    cc app.c $(python -m fastconv --cflags --libs) -o app
    cmake -S . -B build -Dfastconv_ROOT="$(python -m fastconv --cmake-dir)"
    PKG_CONFIG_PATH="$(python -m fastconv --pkgconfigdir)" pkg-config --libs fastconv

Like ``numpy-config``: each option given prints its value, one line per option, in
the order given on the command line; --cflags and --libs given together print one
line.  Also installed as the ``fastconv-config`` command.
"""
import argparse
import sys

from ._paths import get_cmake_dir, get_include, get_library_dir, get_pkgconfig_dir


def _cflags():
    return f"-I{get_include()}"


def _libs():
    d = get_library_dir()
    # the library is not on the loader's default path: embed it as an rpath
    return f"-L{d} -Wl,-rpath,{d} -lfastconv"


def _version():
    from . import __version__
    return __version__


_QUERIES = {
    "cflags": _cflags,
    "libs": _libs,
    "includedir": get_include,
    "libdir": get_library_dir,
    "cmakedir": get_cmake_dir,
    "pkgconfigdir": get_pkgconfig_dir,
    "version": _version,
}


class _Ordered(argparse.Action):
    """Record the options in command-line order."""

    def __init__(self, option_strings, dest, **kw):
        super().__init__(option_strings, dest, nargs=0, **kw)

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.queries.append(self.dest)


def _parser():
    p = argparse.ArgumentParser(
        prog="python -m fastconv",
        description="Print the flags and paths needed to build C, C++ or Cython code "
                    "against the fastconv C library installed with this package.")
    p.set_defaults(queries=[])
    add = p.add_argument
    add("--cflags", dest="cflags", action=_Ordered, help="compiler flags (-I<include dir>)")
    add("--libs", dest="libs", action=_Ordered,
        help="linker flags (-L<dir> -Wl,-rpath,<dir> -lfastconv)")
    add("--includedir", "--include-dir", dest="includedir", action=_Ordered,
        help="directory holding fastconv.h")
    add("--libdir", "--library-dir", dest="libdir", action=_Ordered,
        help="directory holding the shared library")
    add("--cmake-dir", "--cmakedir", dest="cmakedir", action=_Ordered,
        help="directory holding fastconvConfig.cmake (for -Dfastconv_ROOT=...)")
    add("--pkgconfigdir", "--pkgconfig-dir", dest="pkgconfigdir", action=_Ordered,
        help="directory holding fastconv.pc (for PKG_CONFIG_PATH)")
    add("--version", dest="version", action=_Ordered, help="fastconv version")
    return p


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.queries:
        parser.print_help()
        return 1
    queries = list(args.queries)
    # --cflags --libs (either order): one line, ready for a compiler command line
    if "cflags" in queries and "libs" in queries:
        i = min(queries.index("cflags"), queries.index("libs"))
        queries = [q for q in queries if q not in ("cflags", "libs")]
        queries.insert(i, "cflags+libs")
    for q in queries:
        if q == "cflags+libs":
            print(f"{_cflags()} {_libs()}")
        else:
            print(_QUERIES[q]())
    return 0


if __name__ == "__main__":
    sys.exit(main())
