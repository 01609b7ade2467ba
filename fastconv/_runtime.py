"""Run-time configuration: threads, the instruction set, the workspace cache, the build.

The C library chooses its kernels once at import (CPUID, capped by ``FASTCONV_ISA``) and
keeps a library-wide default thread count; these functions read and change both.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from . import _core
from ._arrays import _threads

__all__ = ["set_num_threads", "get_num_threads", "set_isa", "config", "show_config",
           "release_workspace"]


def set_num_threads(n: Optional[int]) -> None:
    """Set the default thread count of every call.

    A call's own ``num_threads=`` overrides it.  The default follows OpenMP
    (``OMP_NUM_THREADS``; ``threadpoolctl.threadpool_limits`` works too).  Results are
    bit-for-bit identical for every thread count.

    Parameters
    ----------
    n : int or None
        Threads (>= 1), or None to restore the OpenMP default.

    Returns
    -------
    None

    Raises
    ------
    TypeError
        ``n`` not None and not an int (bool is refused).
    ValueError
        ``n < 1``.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.set_num_threads(1)
    >>> fastconv.get_num_threads()
    1
    >>> fastconv.set_num_threads(None)   # back to the OpenMP default
    """
    if n is None:
        _core.set_num_threads(0)
        return
    _core.set_num_threads(_threads("set_num_threads", n))


def release_workspace() -> None:
    """Free the workspaces fastconv keeps between calls.

    The C library keeps up to four idle packing buffers so that repeated calls do not
    pay a page fault per 4 KiB of a fresh allocation; this returns them to the system
    (the next call allocates again).

    Returns
    -------
    None

    Raises
    ------
    None
        It cannot fail.

    Examples
    --------
    >>> import numpy as np
    >>> import fastconv
    >>> y = fastconv.conv_forward(np.ones((1, 8, 64, 64)), np.ones((8, 8, 3, 3)))
    >>> fastconv.release_workspace()
    """
    _core.release_workspace()


def get_num_threads() -> int:
    """The default thread count used when a call passes no ``num_threads``.

    Returns
    -------
    int
        The value set by :func:`set_num_threads`, or OpenMP's default (1 in a build
        without OpenMP).

    Raises
    ------
    None
        It cannot fail.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.get_num_threads() >= 1
    True
    """
    return int(_core.get_num_threads())


def set_isa(name: str) -> None:
    """Use the kernels of one instruction set: "baseline", "avx2" or "avx512".

    The choice is made once at import from CPUID, capped by the environment variable
    ``FASTCONV_ISA``; this overrides it for the process.  Results can differ in the
    last bits between instruction sets (the summation order of a kernel follows its
    vector width), never between thread counts.

    Parameters
    ----------
    name : {"baseline", "avx2", "avx512"}
        An instruction set in ``config()["isa_supported"]``.

    Returns
    -------
    None

    Raises
    ------
    TypeError
        ``name`` not a str.
    ValueError
        An unknown name, or an ISA the CPU (or this build) cannot run.

    Examples
    --------
    >>> import fastconv
    >>> before = fastconv.config()["isa"]
    >>> fastconv.set_isa("baseline")
    >>> fastconv.config()["isa"]
    'baseline'
    >>> fastconv.set_isa(before)
    """
    if not isinstance(name, str):
        raise TypeError(f"set_isa: name must be a str, got {type(name).__name__}")
    cfg = _core.config()
    if name not in ("baseline", "avx2", "avx512"):
        raise ValueError(f"set_isa: name must be one of 'baseline', 'avx2', 'avx512', got {name!r}")
    if name not in cfg["isa_supported"]:
        raise ValueError(f"set_isa: {name!r} is not available here (supported: "
                         f"{', '.join(cfg['isa_supported'])})")
    _core.set_isa(name)


def config() -> Dict[str, Any]:
    """Build and run-time configuration.

    Returns
    -------
    dict
        ``version`` (str), ``isa`` (the instruction set in use), ``isa_compiled`` and
        ``isa_supported`` (lists of names), ``openmp`` (bool), ``num_threads`` (the
        default thread count), ``compiler`` (str) and ``tuning`` (dict: the tuning
        table in force, with the L1d and L2 sizes read from this machine and every
        threshold of the planners; ``FASTCONV_TUNING`` overrides fields).

    Raises
    ------
    None
        It cannot fail.

    Examples
    --------
    >>> import fastconv
    >>> cfg = fastconv.config()
    >>> sorted(cfg)
    ['compiler', 'isa', 'isa_compiled', 'isa_supported', 'num_threads', 'openmp', 'tuning', 'version']
    >>> cfg["isa"] in cfg["isa_supported"]
    True
    """
    return dict(_core.config())


def show_config() -> None:
    """Print :func:`config` one item a line.

    Returns
    -------
    None

    Raises
    ------
    None
        It cannot fail.

    Examples
    --------
    >>> import fastconv
    >>> fastconv.show_config()  # doctest: +ELLIPSIS
           version: ...
               isa: ...
    """
    for k, v in config().items():
        if isinstance(v, list):
            v = ", ".join(v)
        if isinstance(v, dict):
            v = " ".join(f"{a}={b}" for a, b in v.items())
        print(f"{k:>14}: {v}")
