"""Sphinx configuration of fastconv's documentation.

Build (from the repository root, after ``pip install ".[docs]"``)::

    sphinx-build -W --keep-going -b html docs docs/_build/html
    sphinx-build -W --keep-going -b doctest docs docs/_build/doctest

The build imports the *installed* fastconv (the source tree has no compiled binding),
draws its figures by running fastconv (matplotlib's plot directive), generates the C
API page from ``src/include/fastconv.h``, and fails if a public name is not documented.
"""
import importlib
import os
import sys

sys.path.insert(0, os.path.abspath("_ext"))

import fastconv  # noqa: E402

if not os.path.isfile(os.path.join(os.path.dirname(fastconv.__file__), "include", "fastconv.h")):
    raise RuntimeError(f"docs: fastconv imported from {fastconv.__file__}, a source tree; "
                       f"install it (pip install '.[docs]') and build from outside its import path")

project = "fastconv"
author = "the fastconv developers"
copyright = "the fastconv developers, BSD-3-Clause"
release = fastconv.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "fastconv_capi",
]

exclude_patterns = ["_build", "_generated", "ARCHITECTURE.md"]
templates_path = ["_templates"]
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"            # the numpydoc Parameters sections give the types
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# numpydoc's own checks, as warnings (errors under -W): every public docstring must say
# what it takes, returns and shows
numpydoc_validation_checks = {"PR01", "PR02", "PR03", "PR10", "RT01", "EX01"}
numpydoc_validation_exclude = {r"\.__repr__$", r"\.__init__$",
                               r"\.(in_channels|out_channels|kernel_size|stride|padding|"
                               r"dilation|groups|flip_filters|dtype|weight|bias|grad_weight|"
                               r"grad_bias)$"}

# torch is optional (the migration page's PyTorch checks run where it is installed, as in
# .ci/run); everything else the examples import is in the docs extra
doctest_global_setup = """
import numpy as np
import fastconv
try:
    import torch
except ImportError:
    torch = None
"""
doctest_test_doctest_blocks = "default"

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.autolayout": True, "font.size": 9}
plot_working_directory = os.path.abspath(".")   # the docs/ folder
plot_pre_code = "import numpy as np\nimport fastconv\nimport matplotlib.pyplot as plt\n"

html_theme = "pydata_sphinx_theme"
html_title = f"fastconv {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # the quickstarts' titles are long: three links and "More" keep the header one row
    "header_links_before_dropdown": 3,
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_static_path = ["_static"]
html_css_files = ["fastconv.css"]
html_show_sourcelink = False

# every public name must be on a page: fastconv.__all__ and the __all__ of each public
# submodule.  A submodule is public when it is imported by fastconv/__init__.py or is
# listed here.
PUBLIC_SUBMODULES = ["fastconv.layers", "fastconv.reference"]


def _public_names():
    names = [f"fastconv.{n}" for n in fastconv.__all__]
    mods = set(PUBLIC_SUBMODULES)
    mods.update(f"fastconv.{n}" for n, v in vars(fastconv).items()
                if type(v) is type(os) and not n.startswith("_")
                and v.__name__.startswith("fastconv."))
    for m in sorted(mods):
        mod = importlib.import_module(m)
        names.extend(f"{m}.{n}" for n in getattr(mod, "__all__", []))
    return names


def _check_public_names(app, env):
    from sphinx.util import logging
    documented = set(env.get_domain("py").objects)
    missing = [n for n in _public_names() if n not in documented]
    if missing:
        logging.getLogger("fastconv-docs").warning(
            "public names not in the API reference: %s", ", ".join(missing))


def setup(app):
    app.connect("env-check-consistency", _check_public_names)
    app.connect("config-inited", _latest_benchmark_chart)


def _latest_benchmark_chart(app, config):
    """Copy the newest benchmarks/results/*.png to _generated/benchmark-latest.png (the
    performance page shows it; result files are named by date, so the newest sorts last)."""
    import glob
    import shutil
    charts = sorted(glob.glob(os.path.join(app.srcdir, "..", "benchmarks", "results", "*.png")))
    if charts:
        os.makedirs(os.path.join(app.srcdir, "_generated"), exist_ok=True)
        shutil.copyfile(charts[-1], os.path.join(app.srcdir, "_generated", "benchmark-latest.png"))
