"""Array helpers shared by the public modules: dtype resolution, contiguity, aligned
outputs, ``out=`` checks and the ``num_threads`` argument.

Every check raises before any C runs, with a message naming the public function
(``fname``), the argument, what was expected and what was given.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Iterable, Optional, Sequence, Tuple

import numpy as np
from numpy.typing import DTypeLike, NDArray

from . import _core

def _as_array(fname: str, name: str, a: Any) -> NDArray[Any]:
    """``a`` as an ndarray of a real (or bool/int) dtype, without copying."""
    arr = np.asarray(a)
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{fname}: {name} must be real, got complex dtype {arr.dtype}")
    if kind not in "biuf":
        raise TypeError(f"{fname}: {name} must have a real numeric dtype, got dtype {arr.dtype}")
    return arr


_F32: np.dtype[Any] = np.dtype(np.float32)
_F64: np.dtype[Any] = np.dtype(np.float64)


def _compute_dtype(*arrays: NDArray[Any]) -> np.dtype[Any]:
    """float32 when every array is float32 or float16 (either byte order), else float64."""
    # a loop, not all() over a generator: this runs on every call, and a small call's
    # Python part is most of its time
    for a in arrays:
        dt = a.dtype
        if dt.kind != "f" or dt.itemsize > 4:
            return _F64
    return _F32


def _contig(a: NDArray[Any], dtype: np.dtype[Any]) -> NDArray[Any]:
    """A C-contiguous array of dtype (a view when ``a`` already is one), flattened."""
    # native float32/float64 dtypes are singletons, so "is" finds the common case; ravel
    # is a view of a C-contiguous array and a C-order copy of any other
    if a.dtype is not dtype:
        a = np.ascontiguousarray(a, dtype=dtype)
    return a.ravel()


def _threads(fname: str, num_threads: Optional[int]) -> int:
    if num_threads is None:
        return 0
    if isinstance(num_threads, bool) or not isinstance(num_threads, numbers.Integral):
        raise TypeError(f"{fname}: num_threads must be None or a positive int, "
                        f"got {type(num_threads).__name__} {num_threads!r}")
    if num_threads < 1:
        raise ValueError(f"{fname}: num_threads must be None or a positive int, got {num_threads}")
    return int(min(num_threads, 2**31 - 1))


def _empty(shape: Sequence[int], dtype: DTypeLike) -> NDArray[Any]:
    """np.empty(shape, dtype), but starting on a 64-byte boundary (a cache line and an
    AVX-512 vector; numpy only promises 16): the kernels then write whole lines, with
    non-temporal stores where the output is large.  The array is a C-contiguous view of
    a slightly larger buffer."""
    dtype = np.dtype(dtype)
    buf = np.empty(math.prod(shape) * dtype.itemsize + _ALIGN, dtype=np.uint8)
    # one constructor call: slicing, view and reshape took 1.1 us together
    return np.ndarray(shape, dtype, buf, _core.align_offset(buf, _ALIGN))


_ALIGN = 64


def _output(fname: str, out: Optional[NDArray[Any]], shape: Sequence[int],
            dtype: np.dtype[Any], inputs: Iterable[Tuple[str, Optional[NDArray[Any]]]]
            ) -> NDArray[Any]:
    """Allocate the result, or check the caller's ``out=`` and return it."""
    if out is None:
        return _empty(shape, dtype)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{fname}: out must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != tuple(shape):
        raise ValueError(f"{fname}: out must have shape {tuple(shape)}, got {out.shape}")
    if out.dtype != dtype:
        raise TypeError(f"{fname}: out must have dtype {dtype} (the result dtype of the "
                        f"inputs), got {out.dtype}")
    if not out.flags.c_contiguous:
        raise ValueError(f"{fname}: out must be C-contiguous, got a non-contiguous array "
                         f"with strides {out.strides}")
    if not out.flags.writeable:
        raise ValueError(f"{fname}: out must be writeable, got a read-only array")
    for name, a in inputs:
        if a is not None and np.shares_memory(out, a):
            raise ValueError(f"{fname}: out must not overlap the input {name}")
    return out
