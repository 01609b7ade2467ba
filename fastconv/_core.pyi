# Type stub of the compiled binding (built from _core.pyx): every name is Any to the
# type checker.  The public, typed API is fastconv._api, _signal, _runtime and layers,
# which validate everything before calling into it.
from typing import Any

def __getattr__(name: str) -> Any: ...
