"""Build the example extension against the installed fastconv (no copy of the C code):

    python setup.py build_ext --inplace            # or: pip install --no-build-isolation .
    python -c "import fcdemo; print(fcdemo.version())"

``cimport fastconv`` finds fastconv/__init__.pxd on sys.path; the C compiler finds
fastconv.h in fastconv.get_include(); the extension links libfastconv from
fastconv.get_library_dir() and records that directory as its run-time search path.
"""
from Cython.Build import cythonize
from setuptools import Extension, setup

import fastconv

ext = Extension(
    "fcdemo",
    ["fcdemo.pyx"],
    include_dirs=[fastconv.get_include()],
    library_dirs=[fastconv.get_library_dir()],
    runtime_library_dirs=[fastconv.get_library_dir()],
    libraries=["fastconv"],
)

setup(name="fcdemo", version="0.1", ext_modules=cythonize([ext], language_level=3),
      zip_safe=False)
