"""Every wrong input raises ValueError (a value out of its domain) or TypeError (a wrong
type) *before any C code runs*, with a message that names the offending argument; and a
rejection by the C library itself surfaces as a Python exception, not a crash.

"Before any C runs" is enforced by the ``no_c`` fixture: it replaces the compiled
``fastconv._core`` seen by the public API with a guard whose every entry point (except
the read-only ``config``) fails the test if it is reached.
"""
import re
import sys

import numpy as np
import pytest

import fastconv as fc
import fastconv._api as api
import fastconv._runtime
from fastconv import reference as R


class _CGuard:
    """Stands in for fastconv._core: any call into C is a test failure."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        if name == "config":
            return self._real.config

        def reached(*args, **kwargs):
            raise AssertionError(f"fastconv._core.{name} was called: the argument error "
                                 f"must be raised before any C runs")
        return reached


@pytest.fixture
def no_c(monkeypatch):
    # every fastconv module that calls C (the public functions live in several)
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("fastconv.") and hasattr(mod, "_core") \
                and mod.__name__ != "fastconv._core":
            monkeypatch.setattr(mod, "_core", _CGuard(mod._core))


X = np.zeros((1, 2, 5, 5))
W = np.zeros((3, 2, 3, 3))
G = np.zeros((1, 3, 3, 3))
B = np.zeros(3)
Y = np.zeros((1, 3, 3, 3))


def _ro(a):
    a = a.copy()
    a.setflags(write=False)
    return a


_BUF = np.zeros(200)

# (id, callable, exception, regex the message must match: the argument's name)
CASES = [
    # ---- conv_forward: ranks, channels, groups
    ("x 2-D", lambda: fc.conv_forward(np.zeros((5, 5)), np.zeros((5, 5))), ValueError, r"\bx\b.*3-D"),
    ("x 6-D", lambda: fc.conv_forward(np.zeros((1,) * 6), np.zeros((1,) * 6)), ValueError, r"\bx\b.*3-D"),
    ("x 1-D", lambda: fc.conv_forward(np.zeros(5), np.zeros(3)), ValueError, r"\bx\b"),
    ("w rank != x rank", lambda: fc.conv_forward(X, np.zeros((3, 2, 3))), ValueError, r"\bw\b.*rank"),
    ("w channels", lambda: fc.conv_forward(X, np.zeros((3, 3, 3, 3))), ValueError, r"w\.shape\[1\]"),
    ("C % groups", lambda: fc.conv_forward(np.zeros((1, 3, 5, 5)), np.zeros((2, 1, 3, 3)), groups=2),
     ValueError, r"groups"),
    ("K % groups", lambda: fc.conv_forward(np.zeros((1, 4, 5, 5)), np.zeros((3, 2, 3, 3)), groups=2),
     ValueError, r"w\.shape\[0\].*groups"),
    ("groups 0", lambda: fc.conv_forward(X, W, groups=0), ValueError, r"groups"),
    ("groups -2", lambda: fc.conv_forward(X, W, groups=-2), ValueError, r"groups"),
    ("groups 1.0", lambda: fc.conv_forward(X, W, groups=1.0), TypeError, r"groups"),
    ("x no channels", lambda: fc.conv_forward(np.zeros((1, 0, 5, 5)), np.zeros((3, 0, 3, 3))),
     ValueError, r"\bx\b"),
    ("x empty spatial", lambda: fc.conv_forward(np.zeros((1, 2, 0, 5)), W, padding=2), ValueError, r"\bx\b"),
    ("w no outputs", lambda: fc.conv_forward(X, np.zeros((0, 2, 3, 3))), ValueError, r"\bw\b"),
    # ---- stride / dilation / padding
    ("stride 0", lambda: fc.conv_forward(X, W, stride=0), ValueError, r"stride"),
    ("stride (1, 0)", lambda: fc.conv_forward(X, W, stride=(1, 0)), ValueError, r"stride"),
    ("stride -1", lambda: fc.conv_forward(X, W, stride=-1), ValueError, r"stride"),
    ("stride 3 entries", lambda: fc.conv_forward(X, W, stride=(1, 1, 1)), ValueError, r"stride"),
    ("stride 1.5", lambda: fc.conv_forward(X, W, stride=1.5), TypeError, r"stride"),
    ("stride True", lambda: fc.conv_forward(X, W, stride=True), TypeError, r"stride"),
    ("dilation 0", lambda: fc.conv_forward(X, W, dilation=0), ValueError, r"dilation"),
    ("dilation (2, -1)", lambda: fc.conv_forward(X, W, dilation=(2, -1)), ValueError, r"dilation"),
    ("dilation '1'", lambda: fc.conv_forward(X, W, dilation="1"), TypeError, r"dilation"),
    ("padding -1", lambda: fc.conv_forward(X, W, padding=-1), ValueError, r"padding"),
    ("padding (1, -2)", lambda: fc.conv_forward(X, W, padding=(1, -2)), ValueError, r"padding"),
    ("padding pair -1", lambda: fc.conv_forward(X, W, padding=((0, -1), (0, 0))), ValueError, r"padding"),
    ("padding 3 entries", lambda: fc.conv_forward(X, W, padding=(1, 1, 1)), ValueError, r"padding"),
    ("padding triple", lambda: fc.conv_forward(X, W, padding=((1, 1, 1), 0)), ValueError, r"padding"),
    ("padding 1.5", lambda: fc.conv_forward(X, W, padding=1.5), TypeError, r"padding"),
    ("padding 'circular'", lambda: fc.conv_forward(X, W, padding="circular"), ValueError, r"padding"),
    ("padding 'SAME'", lambda: fc.conv_forward(X, W, padding="SAME"), ValueError, r"padding"),
    ("same with stride 2", lambda: fc.conv_forward(X, W, padding="same", stride=2), ValueError,
     r"same.*stride"),
    ("same with stride (1, 2)", lambda: fc.conv_forward(X, W, padding="same", stride=(1, 2)),
     ValueError, r"same.*stride"),
    ("kernel > input", lambda: fc.conv_forward(X, np.zeros((3, 2, 6, 3))), ValueError, r"kernel"),
    ("dilated kernel > padded input", lambda: fc.conv_forward(X, W, dilation=3, padding=0),
     ValueError, r"kernel"),
    ("kernel > padded input (1-D)", lambda: fc.conv_forward(np.zeros((1, 1, 2)), np.zeros((1, 1, 5)),
                                                            padding=1), ValueError, r"kernel"),
    # ---- bias
    ("bias (4,)", lambda: fc.conv_forward(X, W, np.zeros(4)), ValueError, r"bias"),
    ("bias (3, 1)", lambda: fc.conv_forward(X, W, np.zeros((3, 1))), ValueError, r"bias"),
    ("bias scalar", lambda: fc.conv_forward(X, W, 1.0), ValueError, r"bias"),
    ("bias complex", lambda: fc.conv_forward(X, W, B + 1j), TypeError, r"bias"),
    # ---- out=
    ("out shape", lambda: fc.conv_forward(X, W, out=np.zeros((1, 3, 3, 4))), ValueError, r"\bout\b"),
    ("out dtype", lambda: fc.conv_forward(X, W, out=np.zeros((1, 3, 3, 3), np.float32)), TypeError,
     r"\bout\b.*dtype"),
    ("out dtype f64 for f32", lambda: fc.conv_forward(X.astype(np.float32), W.astype(np.float32),
                                                      out=np.zeros((1, 3, 3, 3))), TypeError, r"\bout\b"),
    ("out non-contiguous", lambda: fc.conv_forward(X, W, out=np.zeros((1, 3, 3, 6))[..., ::2]),
     ValueError, r"\bout\b.*contiguous"),
    ("out fortran", lambda: fc.conv_forward(X, W, out=np.zeros((1, 3, 3, 3), order="F")),
     ValueError, r"\bout\b.*contiguous"),
    ("out read-only", lambda: fc.conv_forward(X, W, out=_ro(Y)), ValueError, r"\bout\b.*writ"),
    ("out overlaps x", lambda: fc.conv_forward(_BUF[:25].reshape(1, 1, 5, 5), np.ones((1, 1, 3, 3)),
                                               out=_BUF[20:29].reshape(1, 1, 3, 3)),
     ValueError, r"\bout\b.*\bx\b"),
    ("out overlaps w", lambda: fc.conv_forward(np.ones((1, 1, 5, 5)), _BUF[100:109].reshape(1, 1, 3, 3),
                                               out=_BUF[100:109].reshape(1, 1, 3, 3)),
     ValueError, r"\bout\b.*\bw\b"),
    ("out is x", lambda: (lambda a: fc.conv_forward(a, np.ones((1, 1, 1, 1)), out=a))(np.ones((1, 1, 3, 3))),
     ValueError, r"\bout\b.*\bx\b"),
    ("out overlaps bias", lambda: fc.conv_forward(np.ones((1, 1, 1, 3)), np.ones((3, 1, 1, 1)),
                                                  _BUF[150:153], out=_BUF[150:159].reshape(1, 3, 1, 3)),
     ValueError, r"\bout\b.*bias"),
    ("out list", lambda: fc.conv_forward(X, W, out=Y.tolist()), TypeError, r"\bout\b.*ndarray"),
    ("out memoryview", lambda: fc.conv_forward(X, W, out=memoryview(Y)), TypeError, r"\bout\b"),
    # ---- dtypes and flags
    ("x complex", lambda: fc.conv_forward(X + 1j, W), TypeError, r"\bx\b.*complex"),
    ("w complex64", lambda: fc.conv_forward(X, W.astype(np.complex64)), TypeError, r"\bw\b.*complex"),
    ("x strings", lambda: fc.conv_forward(np.full((1, 2, 5, 5), "a"), W), TypeError, r"\bx\b"),
    ("x object", lambda: fc.conv_forward(X.astype(object), W), TypeError, r"\bx\b"),
    ("flip 'yes'", lambda: fc.conv_forward(X, W, flip="yes"), TypeError, r"flip"),
    ("flip 1", lambda: fc.conv_forward(X, W, flip=1), TypeError, r"flip"),
    ("num_threads 0", lambda: fc.conv_forward(X, W, num_threads=0), ValueError, r"num_threads"),
    ("num_threads -1", lambda: fc.conv_forward(X, W, num_threads=-1), ValueError, r"num_threads"),
    ("num_threads 1.5", lambda: fc.conv_forward(X, W, num_threads=1.5), TypeError, r"num_threads"),
    ("num_threads True", lambda: fc.conv_forward(X, W, num_threads=True), TypeError, r"num_threads"),
    ("num_threads '2'", lambda: fc.conv_forward(X, W, num_threads="2"), TypeError, r"num_threads"),
    # ---- overflow of int64 products: ValueError, never MemoryError or a crash
    ("padding 2**61 overflows bytes", lambda: fc.conv_forward(np.zeros((1, 1, 4)), np.zeros((1, 1, 1)),
                                                              padding=2**61), ValueError, r"output"),
    ("padding 2**63 overflows", lambda: fc.conv_forward(np.zeros((1, 1, 4)), np.zeros((1, 1, 1)),
                                                        padding=2**63), ValueError, r"padding"),
    ("dilation*(k-1) overflows", lambda: fc.conv_forward(np.zeros((1, 1, 4)), np.zeros((1, 1, 3)),
                                                         dilation=2**62), ValueError, r"dilation"),
    # ---- conv_backward_input
    ("bi grad_out shape", lambda: fc.conv_backward_input(np.zeros((1, 3, 3, 4)), W, X.shape),
     ValueError, r"grad_out"),
    ("bi grad_out batch", lambda: fc.conv_backward_input(np.zeros((2, 3, 3, 3)), W, X.shape),
     ValueError, r"grad_out"),
    ("bi grad_out rank", lambda: fc.conv_backward_input(np.zeros((3, 3, 3)), W, X.shape),
     ValueError, r"grad_out"),
    ("bi input_shape short", lambda: fc.conv_backward_input(G, W, (1, 2, 5)), ValueError, r"input_shape"),
    ("bi input_shape long", lambda: fc.conv_backward_input(G, W, (1, 2, 5, 5, 5)), ValueError,
     r"input_shape"),
    ("bi input_shape float", lambda: fc.conv_backward_input(G, W, (1, 2, 5.0, 5)), TypeError,
     r"input_shape"),
    ("bi input_shape int", lambda: fc.conv_backward_input(G, W, 5), TypeError, r"input_shape"),
    ("bi input_shape negative", lambda: fc.conv_backward_input(G, W, (1, 2, -5, 5)), ValueError,
     r"input_shape"),
    ("bi input_shape channels", lambda: fc.conv_backward_input(G, W, (1, 4, 5, 5)), ValueError,
     r"input_shape\[1\]|w\.shape\[1\]"),
    ("bi input_shape 2**40 overflow", lambda: fc.conv_backward_input(G, W, (2**40, 2, 2**40, 5)),
     ValueError, r"input_shape"),
    ("bi input_shape 2**40 x3 overflow",
     lambda: fc.conv_backward_input(G, W, (2**40, 2, 2**40, 2**40)), ValueError, r"input_shape"),
    ("bi input_shape 2**64 entry", lambda: fc.conv_backward_input(G, W, (1, 2, 2**64, 5)), ValueError,
     r"input_shape"),
    ("bi stride 0", lambda: fc.conv_backward_input(G, W, X.shape, stride=0), ValueError, r"stride"),
    ("bi w complex", lambda: fc.conv_backward_input(G, W + 1j, X.shape), TypeError, r"\bw\b"),
    ("bi grad_out complex", lambda: fc.conv_backward_input(G + 1j, W, X.shape), TypeError, r"grad_out"),
    ("bi out overlaps grad_out", lambda: fc.conv_backward_input(
        _BUF[:3].reshape(1, 1, 3), np.ones((1, 1, 3)), (1, 1, 5), out=_BUF[:5].reshape(1, 1, 5)),
     ValueError, r"\bout\b.*grad_out"),
    ("bi out shape", lambda: fc.conv_backward_input(G, W, X.shape, out=np.zeros((1, 2, 5, 4))),
     ValueError, r"\bout\b"),
    ("bi flip None", lambda: fc.conv_backward_input(G, W, X.shape, flip=None), TypeError, r"flip"),
    # ---- conv_backward_weight
    ("bw grad_out shape", lambda: fc.conv_backward_weight(X, np.zeros((1, 3, 3, 4)), W.shape),
     ValueError, r"grad_out"),
    ("bw weight_shape short", lambda: fc.conv_backward_weight(X, G, (3, 2, 3)), ValueError,
     r"weight_shape"),
    ("bw weight_shape channels", lambda: fc.conv_backward_weight(X, G, (3, 3, 3, 3)), ValueError,
     r"weight_shape"),
    ("bw weight_shape overflow", lambda: fc.conv_backward_weight(X, G, (2**62, 2, 3, 3)), ValueError,
     r"weight_shape"),
    ("bw weight_shape zero", lambda: fc.conv_backward_weight(X, G, (3, 2, 0, 3)), ValueError,
     r"weight_shape"),
    ("bw weight_shape not a sequence", lambda: fc.conv_backward_weight(X, G, None), TypeError,
     r"weight_shape"),
    ("bw x complex", lambda: fc.conv_backward_weight(X + 1j, G, W.shape), TypeError, r"\bx\b"),
    ("bw out dtype", lambda: fc.conv_backward_weight(X, G, W.shape, out=np.zeros(W.shape, np.float32)),
     TypeError, r"\bout\b"),
    ("bw out overlaps x", lambda: fc.conv_backward_weight(
        _BUF[:5].reshape(1, 1, 5), np.ones((1, 1, 3)), (1, 1, 3), out=_BUF[2:5].reshape(1, 1, 3)),
     ValueError, r"\bout\b.*\bx\b"),
    ("bw num_threads 0", lambda: fc.conv_backward_weight(X, G, W.shape, num_threads=0), ValueError,
     r"num_threads"),
    # ---- conv_backward_bias
    ("bb grad_out 2-D", lambda: fc.conv_backward_bias(np.zeros((3, 3))), ValueError, r"grad_out"),
    ("bb grad_out 6-D", lambda: fc.conv_backward_bias(np.zeros((1,) * 6)), ValueError, r"grad_out"),
    ("bb grad_out no channels", lambda: fc.conv_backward_bias(np.zeros((2, 0, 3))), ValueError,
     r"grad_out"),
    ("bb grad_out complex", lambda: fc.conv_backward_bias(G + 1j), TypeError, r"grad_out"),
    ("bb out shape", lambda: fc.conv_backward_bias(G, out=np.zeros(4)), ValueError, r"\bout\b"),
    ("bb out read-only", lambda: fc.conv_backward_bias(G, out=_ro(B)), ValueError, r"\bout\b"),
    ("bb num_threads -3", lambda: fc.conv_backward_bias(G, num_threads=-3), ValueError, r"num_threads"),
    # ---- conv_output_shape
    ("cos kernel > input", lambda: fc.conv_output_shape((1, 2, 5, 5), (3, 2, 6, 6)), ValueError, r"kernel"),
    ("cos stride 0", lambda: fc.conv_output_shape((1, 2, 5, 5), (3, 2, 3, 3), stride=0), ValueError,
     r"stride"),
    ("cos rank", lambda: fc.conv_output_shape((1, 2, 5, 5), (3, 2, 3)), ValueError, r"rank"),
    # ---- single-array functions
    ("corr in1 complex", lambda: fc.correlate(np.zeros(3) + 1j, np.zeros(2)), TypeError, r"in1"),
    ("corr in2 complex", lambda: fc.correlate(np.zeros(3), np.zeros(2, np.complex64)), TypeError, r"in2"),
    ("conv in1 strings", lambda: fc.convolve(np.array(["a", "b"]), np.zeros(2)), TypeError, r"in1"),
    ("corr2d in2 complex", lambda: fc.correlate2d(np.zeros((3, 3)), np.zeros((2, 2)) + 1j), TypeError,
     r"in2"),
    ("corr mode", lambda: fc.correlate(np.zeros(3), np.zeros(2), "sam"), ValueError, r"mode"),
    ("conv mode None", lambda: fc.convolve(np.zeros(3), np.zeros(2), None), ValueError, r"mode"),
    ("corr2d mode", lambda: fc.correlate2d(np.zeros((3, 3)), np.zeros((2, 2)), "FULL"), ValueError, r"mode"),
    ("corr2d boundary", lambda: fc.correlate2d(np.zeros((3, 3)), np.zeros((2, 2)), boundary="reflect"),
     ValueError, r"boundary"),
    ("conv2d boundary", lambda: fc.convolve2d(np.zeros((3, 3)), np.zeros((2, 2)), boundary=None),
     ValueError, r"boundary"),
    ("corr2d fillvalue complex", lambda: fc.correlate2d(np.zeros((3, 3)), np.zeros((2, 2)),
                                                        fillvalue=1j), TypeError, r"fillvalue"),
    ("corr2d fillvalue array", lambda: fc.correlate2d(np.zeros((3, 3)), np.zeros((2, 2)),
                                                      fillvalue=[1, 2]), ValueError, r"fillvalue"),
    ("conv2d fillvalue str", lambda: fc.convolve2d(np.zeros((3, 3)), np.zeros((2, 2)),
                                                   fillvalue="x"), TypeError, r"fillvalue"),
    ("corr rank mismatch", lambda: fc.correlate(np.zeros((2, 2)), np.zeros(2)), ValueError, r"in1.*in2"),
    ("corr out shape", lambda: fc.correlate(np.zeros(5), np.zeros(2), out=np.zeros(5)), ValueError,
     r"correlate: out must have shape \(6,\)"),
    ("corr2d out dtype", lambda: fc.correlate2d(np.zeros((3, 3), np.float32), np.zeros((2, 2), np.float32),
                                                "same", out=np.zeros((3, 3))), TypeError,
     r"correlate2d: out must have dtype float32"),
    ("conv2d out non-contiguous", lambda: fc.convolve2d(np.zeros((3, 3)), np.zeros((2, 2)), "same",
                                                        out=np.zeros((3, 6))[:, ::2]),
     ValueError, r"\bout\b.*contiguous"),
    ("conv out read-only", lambda: fc.convolve(np.zeros(3), np.zeros(2), "valid", out=_ro(np.zeros(2))),
     ValueError, r"\bout\b.*writ"),
    ("corr out overlaps in1", lambda: fc.correlate(_BUF[160:170], np.ones(3), "same", out=_BUF[165:175]),
     ValueError, r"\bout\b.*in1"),
    ("corr2d out is in2", lambda: (lambda k: fc.correlate2d(np.ones((3, 3)), k, "same", out=k))(np.ones((3, 3))),
     ValueError, r"\bout\b.*in2"),
    ("corr out list", lambda: fc.correlate(np.zeros(3), np.zeros(2), out=[0.0] * 4), TypeError,
     r"\bout\b.*ndarray"),
    ("corr 4-D", lambda: fc.correlate(np.zeros((2,) * 4), np.zeros((1,) * 4)), ValueError, r"in1.*in2"),
    ("conv 0-D", lambda: fc.convolve(np.float64(2), np.float64(3)), ValueError, r"in1.*in2"),
    ("corr2d 1-D", lambda: fc.correlate2d(np.zeros(3), np.zeros(2)), ValueError, r"in1.*in2"),
    ("conv2d 3-D", lambda: fc.convolve2d(np.zeros((2, 2, 2)), np.zeros((1, 1, 1))), ValueError, r"in1.*in2"),
    ("corr valid neither larger", lambda: fc.correlate(np.zeros((3, 5)), np.zeros((5, 3)), "valid"),
     ValueError, r"valid"),
    ("corr2d valid neither larger", lambda: fc.correlate2d(np.zeros((3, 5)), np.zeros((5, 3)), "valid"),
     ValueError, r"valid"),
    ("corr num_threads 0", lambda: fc.correlate(np.zeros(3), np.zeros(2), num_threads=0), ValueError,
     r"num_threads"),
    ("conv2d num_threads 1.5", lambda: fc.convolve2d(np.zeros((3, 3)), np.zeros((2, 2)),
                                                     num_threads=1.5), TypeError, r"num_threads"),
    # ---- rot180 / pad_full
    ("rot axis 2 of 2-D", lambda: fc.rot180(np.zeros((2, 2)), axes=2), ValueError, r"axis|axes"),
    ("rot axis -3 of 2-D", lambda: fc.rot180(np.zeros((2, 2)), axes=(-3,)), ValueError, r"axis|axes"),
    ("rot axes repeated", lambda: fc.rot180(np.zeros((2, 2)), axes=(0, -2)), ValueError, r"axes"),
    ("rot axes float", lambda: fc.rot180(np.zeros((2, 2)), axes=1.0), TypeError, r"axes"),
    ("rot axes str", lambda: fc.rot180(np.zeros((2, 2)), axes=("0",)), TypeError, r"axes"),
    ("rot object", lambda: fc.rot180(np.array([None, 1])), TypeError, r"\ba\b"),
    ("pad kernel_shape too long", lambda: fc.pad_full(np.zeros(3), (3, 3)), ValueError, r"kernel_shape"),
    ("pad kernel_shape empty", lambda: fc.pad_full(np.zeros(3), ()), ValueError, r"kernel_shape"),
    ("pad kernel_shape 0", lambda: fc.pad_full(np.zeros(3), (0,)), ValueError, r"kernel_shape"),
    ("pad kernel_shape float", lambda: fc.pad_full(np.zeros(3), (3.0,)), TypeError, r"kernel_shape"),
    ("pad dilation 0", lambda: fc.pad_full(np.zeros(3), (3,), 0), ValueError, r"dilation"),
    ("pad dilation length", lambda: fc.pad_full(np.zeros((3, 3)), (3, 3), (1, 1, 1)), ValueError,
     r"dilation"),
    ("pad object", lambda: fc.pad_full(np.array([None]), (2,)), TypeError, r"\ba\b"),
    ("pad overflow", lambda: fc.pad_full(np.zeros((2, 2)), (2**62, 2**62)), ValueError, r"output"),
    ("pad overflow via dilation", lambda: fc.pad_full(np.zeros(2), (3,), 2**62), ValueError, r"output|dilation"),
    # ---- runtime
    ("set_num_threads 0", lambda: fc.set_num_threads(0), ValueError, r"set_num_threads"),
    ("set_num_threads -1", lambda: fc.set_num_threads(-1), ValueError, r"set_num_threads"),
    ("set_num_threads 1.5", lambda: fc.set_num_threads(1.5), TypeError, r"set_num_threads"),
    ("set_isa sse9", lambda: fc.set_isa("sse9"), ValueError, r"set_isa.*sse9"),
    ("set_isa AVX2", lambda: fc.set_isa("AVX2"), ValueError, r"set_isa"),
    ("set_isa 3", lambda: fc.set_isa(3), TypeError, r"set_isa.*name"),
]


@pytest.mark.parametrize("func, exc, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_argument_errors(no_c, func, exc, pattern):
    """The call raises exactly ``exc`` (ValueError or TypeError, never MemoryError or a
    crash), before any C entry point, with a message naming the argument."""
    with pytest.raises(exc, match=pattern) as info:
        func()
    assert type(info.value) is exc, f"{type(info.value).__name__}: {info.value}"


def test_errors_leave_runtime_state_unchanged():
    """A rejected set_isa / set_num_threads changes neither the ISA nor the thread count."""
    isa, nt = fc.config()["isa"], fc.get_num_threads()
    for bad in ("sse9", "", "avx1024"):
        with pytest.raises(ValueError):
            fc.set_isa(bad)
    for bad in (0, -1):
        with pytest.raises(ValueError):
            fc.set_num_threads(bad)
    assert fc.config()["isa"] == isa
    assert fc.get_num_threads() == nt


def test_unsupported_isa_is_a_value_error(monkeypatch):
    """Asking for an ISA this CPU/build cannot run is a ValueError naming it (simulated by
    removing it from the supported list when the CPU supports everything)."""
    real = api._core
    cfg = real.config()
    missing = [n for n in ("baseline", "avx2", "avx512") if n not in cfg["isa_supported"]]

    class Fake:
        def __getattr__(self, name):
            return getattr(real, name)

        def config(self):
            return dict(cfg, isa_supported=["baseline"])

    if not missing:
        monkeypatch.setattr(fastconv._runtime, "_core", Fake())
        missing = ["avx512"]
    with pytest.raises(ValueError, match=re.escape(repr(missing[-1]))):
        fc.set_isa(missing[-1])


@pytest.mark.parametrize("name, args", [
    ("correlate", (np.zeros(0), np.ones(3))),
    ("convolve", (np.ones((2, 3)), np.zeros((0, 2)))),
    ("correlate2d", (np.zeros((0, 3)), np.ones((2, 2)))),
    ("convolve2d", (np.ones((2, 2)), np.zeros((3, 0)))),
])
def test_empty_inputs_follow_the_reference(name, args):
    """Empty in1 or in2: SciPy is inconsistent (errors, broadcast errors, or empty results
    of varying shapes), so the reference specifies ValueError naming in1/in2; the public
    function must agree with its oracle instead of returning an array of some other shape."""
    with pytest.raises(ValueError, match=r"in1.*in2"):
        getattr(R, name)(*args)
    with pytest.raises(ValueError, match=r"in1.*in2"):
        getattr(fc, name)(*args)


# ---------------------------------------------------------------- C-level rejections


def _desc(**over):
    """A consistent 2-D descriptor tuple for _core (N=1, C=2, K=3, 5x5 input, 3x3 kernel)."""
    d = dict(nd=2, n=1, c=2, k=3, g=1, inp=(5, 5), ker=(3, 3), stride=(1, 1), dil=(1, 1),
             plo=(0, 0), phi=(0, 0), flip=False)
    d.update(over)
    return (d["nd"], d["n"], d["c"], d["k"], d["g"], d["inp"], d["ker"], d["stride"], d["dil"],
            d["plo"], d["phi"], d["flip"])


@pytest.mark.parametrize("over", [
    dict(ker=(7, 3)),                 # kernel larger than the input
    dict(g=2),                        # groups 2 does not divide K=3
    dict(c=0),                        # no input channels
    dict(stride=(0, 1)),              # zero stride
    dict(dil=(1, -1)),                # negative dilation
    dict(plo=(-1, 0)),                # negative padding
    dict(n=-1),                       # negative batch
    dict(nd=4, inp=(5, 5, 5, 5), ker=(1, 1, 1, 1), stride=(1,) * 4, dil=(1,) * 4,
         plo=(0,) * 4, phi=(0,) * 4),  # unsupported rank: rejected, not read past the arrays
], ids=["kernel>input", "groups", "no channels", "stride 0", "dilation<0", "padding<0",
        "batch<0", "rank 4"])
def test_c_rejection_maps_to_value_error(over):
    """Calling the binding directly with an inconsistent descriptor: the C library returns
    an error status and the binding raises ValueError (no crash, no silent success)."""
    core = api._core
    x, w, y = np.zeros(50), np.zeros(54), np.zeros(27)
    with pytest.raises(ValueError, match="fastconv"):
        core.conv_forward(_desc(**over), x, w, None, y, 1)


def test_c_overflow_and_other_rejections_map_to_exceptions():
    """C-level size overflow (EOVERFLOW), an invalid correlate "valid" shape pair, an
    unknown ISA name and the output-shape query all surface as ValueError."""
    core = api._core
    big = _desc(inp=(2**62, 2**62), ker=(1, 1))
    with pytest.raises(ValueError, match="fastconv"):
        core.conv_forward(big, np.zeros(1), np.zeros(6), None, np.zeros(1), 1)
    with pytest.raises(ValueError, match="fastconv"):
        core.correlate_output_shape((3, 5), (5, 3), "valid")
    with pytest.raises(ValueError, match="fastconv"):
        core.set_isa("sse9")
    with pytest.raises(ValueError, match="fastconv"):
        core.conv_output_shape(_desc(ker=(6, 6)))
    assert core.conv_output_shape(_desc()) == (3, 3)
