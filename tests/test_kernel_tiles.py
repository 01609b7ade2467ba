"""The register tiles the library reports (fc_kernel_tiles, via fastconv._core.kernel_tiles).

The tile-edge tests take their sizes from here (conftest.tiles), so a wrong report would
quietly move every edge case off its edge: check that the numbers fit together for every
ISA compiled in, whether or not this CPU runs it.  tests/c/test_microkernels.c checks the
same line field by field against the kernel tables themselves (and kp <= FC_KPMAX).
"""
import numpy as np
import pytest

import fastconv
from fastconv import _core

FIELDS = ["lanes", "mr", "nr", "mr2", "nr2", "nr1", "wk", "wnj", "wkw", "wnjw", "wkn", "wnjn",
          "wdk", "wds", "wds1", "rb", "rnr", "kw", "kp"]
COMPILED = fastconv.config()["isa_compiled"]


@pytest.mark.parametrize("isa", COMPILED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tiles_consistent(isa, dtype):
    t = _core.kernel_tiles(isa, dtype)
    assert list(t) == FIELDS
    assert all(isinstance(v, int) and v >= 1 for v in t.values()), t
    lanes = t["lanes"]
    # a vector is 16, 32 or 64 bytes (SSE/NEON-sized baseline, AVX2, AVX-512)
    assert lanes * np.dtype(dtype).itemsize in (16, 32, 64), t
    # pixel tiles and channel-vectorised tiles are whole vectors
    for name in ("nr", "nr2", "nr1", "rnr", "wk", "wkw", "kw"):
        assert t[name] % lanes == 0, (name, t)
    assert t["wkn"] == lanes, t  # the one-vector backward-weight tile
    assert t["mr2"] < t["mr"], t  # the narrow forward tile is for fewer output channels


@pytest.mark.parametrize("isa", COMPILED)
def test_tiles_float64_has_half_the_lanes(isa):
    f32, f64 = _core.kernel_tiles(isa, "float32"), _core.kernel_tiles(isa, "float64")
    assert f32["lanes"] == 2 * f64["lanes"]


def test_conftest_reads_the_library():
    from conftest import tiles
    for isa in COMPILED:
        t = tiles(isa, np.float64)
        assert t == _core.kernel_tiles(isa, np.float64)
        t["nr"] = -1  # a caller's edit must not leak into the cached copy
        assert tiles(isa, np.float64)["nr"] == _core.kernel_tiles(isa, np.float64)["nr"]


def test_tiles_errors():
    with pytest.raises(ValueError, match="isa must be one of"):
        _core.kernel_tiles("sse4", np.float32)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        _core.kernel_tiles("baseline", np.int32)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        _core.kernel_tiles("baseline", np.float16)
    with pytest.raises(TypeError):
        _core.kernel_tiles(1, np.float32)
