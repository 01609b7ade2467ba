"""Make `python -m pytest` from the repository root test the *installed* fastconv.

`python -m` puts the current directory first on sys.path, where the source folder
fastconv/ has no compiled extension; the suite must exercise what `pip install .`
built, as a user gets it.  Only the repository root is dropped from the path."""
import os
import sys

_ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _ROOT]
for _name in [m for m in sys.modules if m == "fastconv" or m.startswith("fastconv.")]:
    if not getattr(sys.modules[_name], "__file__", "") or \
            os.path.dirname(os.path.abspath(sys.modules[_name].__file__)).startswith(_ROOT):
        del sys.modules[_name]
