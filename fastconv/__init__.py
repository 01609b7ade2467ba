"""fastconv: fast CPU convolution primitives.

SciPy-compatible single-array functions (:func:`correlate`, :func:`convolve`,
:func:`correlate2d`, :func:`convolve2d`), the kernel rotation and full padding as
primitives (:func:`rot180`, :func:`pad_full`), and batched channels-first
convolution with its backward passes (:func:`conv_forward`,
:func:`conv_backward_input`, :func:`conv_backward_weight`,
:func:`conv_backward_bias`) and the transposed convolution with its own
(:func:`conv_transpose`, :func:`conv_transpose_backward_input`,
:func:`conv_transpose_backward_weight`).  The hot loops are C with OpenMP and SIMD;
:mod:`fastconv.reference` is the plain NumPy specification they are tested against.
"""
from ._api import (
    choose_method,
    config,
    conv_backward_bias,
    conv_backward_input,
    conv_backward_weight,
    conv_forward,
    conv_output_shape,
    convolve,
    convolve2d,
    correlate,
    correlate2d,
    get_num_threads,
    pad_full,
    release_workspace,
    rot180,
    set_isa,
    set_num_threads,
    show_config,
)
from ._plan import explain
from ._transpose import (conv_transpose, conv_transpose_backward_input,
                         conv_transpose_backward_weight)
from ._paths import get_cmake_dir, get_include, get_library_dir, get_pkgconfig_dir
from . import ndimage  # scipy.ndimage's linear filters: from fastconv import ndimage

__version__ = config()["version"]

__all__ = [
    "correlate", "convolve", "correlate2d", "convolve2d", "choose_method", "rot180", "pad_full",
    "conv_forward", "conv_backward_input", "conv_backward_weight", "conv_backward_bias",
    "conv_output_shape", "conv_transpose", "conv_transpose_backward_input",
    "conv_transpose_backward_weight", "set_num_threads", "get_num_threads", "set_isa", "config",
    "show_config", "release_workspace", "explain", "__version__",
    "get_include", "get_library_dir", "get_cmake_dir", "get_pkgconfig_dir",
    "ndimage",
]
