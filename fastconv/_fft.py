"""Private: fastconv's own real FFT (src/fft/) on NumPy arrays, for the tests and the
benchmarks.  Sizes 2^a 3^b 5^c over 1 to 3 axes; float32 stays single precision."""
from __future__ import annotations

from typing import Tuple

import numpy as np

from . import _core


def rfftn(x: np.ndarray, nthreads: int = 0) -> np.ndarray:
    """numpy.fft.rfftn over every axis of a float32/float64 array (complex64/128 out)."""
    x = np.ascontiguousarray(x)
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    out = np.empty(x.shape[:-1] + (x.shape[-1] // 2 + 1,),
                   np.complex64 if x.dtype == np.float32 else np.complex128)
    _core._fft(False, tuple(x.shape), x.reshape(-1), out.view(x.dtype).reshape(-1), nthreads)
    return out


def irfftn(spec: np.ndarray, shape: Tuple[int, ...], nthreads: int = 0) -> np.ndarray:
    """numpy.fft.irfftn(spec, s=shape) (complex64 -> float32, complex128 -> float64)."""
    spec = np.ascontiguousarray(spec)
    if spec.dtype not in (np.complex64, np.complex128):
        spec = spec.astype(np.complex128)
    dt = np.float32 if spec.dtype == np.complex64 else np.float64
    out = np.empty(tuple(shape), dt)
    _core._fft(True, tuple(shape), spec.view(dt).reshape(-1), out.reshape(-1), nthreads)
    return out
