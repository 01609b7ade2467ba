# cython: language_level=3
# The C API of fastconv for Cython code:
#
#     cimport fastconv
#     from fastconv cimport fc_conv_desc, fc_status, FC_OK
#
#     with nogil:
#         st = fastconv.fc_conv_forward_f64(&d, x, w, bias, y, 0)
#
# Every declaration lives in fastconv/cfastconv.pxd (the one copy, which the package's
# own binding uses too) and is re-exported here.  Build the extension with
# include_dirs=[fastconv.get_include()], library_dirs=[fastconv.get_library_dir()],
# runtime_library_dirs=[fastconv.get_library_dir()], libraries=["fastconv"]
# (see examples/cython/).  Every function is declared nogil.
from fastconv.cfastconv cimport *
