"""The documentation's checks that need no Sphinx (the docs build makes the same and
more; see docs/conf.py):

* the C API page is generated from the header by docs/_ext/fastconv_capi.py: every
  function the header exports with FC_API must come out of its parser, so that the
  page cannot silently lose one;
* every public function and layer class (fastconv, fastconv.layers, fastconv.ndimage and
  fastconv.reference) has a numpydoc docstring with Parameters (when it takes any),
  Returns, Raises and Examples sections;
* every name of ``fastconv.__all__`` and ``fastconv.ndimage.__all__`` is listed in the
  API reference page.
"""
import importlib.util
import inspect
import os
import re
import sys

import pytest

import fastconv
from fastconv import layers, ndimage, reference

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = os.path.join(ROOT, "src", "include", "fastconv.h")


def _capi():
    spec = importlib.util.spec_from_file_location(
        "fastconv_capi", os.path.join(ROOT, "docs", "_ext", "fastconv_capi.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("header", [HEADER, os.path.join(fastconv.get_include(), "fastconv.h")],
                         ids=["source", "installed"])
def test_c_api_page_covers_every_declared_function(header):
    capi = _capi()
    with open(header, encoding="utf-8") as f:
        text = f.read()
    declared = capi.declared_functions(text)
    assert len(declared) >= 30, declared            # the parser of the check itself works
    rendered = []
    for item in capi.parse_header(text):
        if item.kind == "function":
            for sig in item.signatures:
                rendered += re.findall(r"(fc_\w+)\s*\(", sig)
    assert sorted(rendered) == sorted(declared)
    kinds = {i.kind for i in capi.parse_header(text)}
    assert {"intro", "section", "macro", "enum", "struct", "function"} <= kinds


def test_c_api_parser_groups_and_documents():
    """f32/f64 twins share their comment; a struct's members and an enum's values keep
    their trailing comments."""
    capi = _capi()
    with open(HEADER, encoding="utf-8") as f:
        items = capi.parse_header(f.read())
    fwd = next(i for i in items if i.kind == "function" and i.name == "fc_conv_forward_f32")
    assert len(fwd.signatures) == 2 and "fc_conv_forward_f64" in fwd.signatures[1]
    assert "bias may be NULL" in fwd.doc
    desc = next(i for i in items if i.kind == "struct" and i.name == "fc_conv_desc")
    assert ("int ndim", "spatial rank: 1, 2 or 3") in desc.members
    status = next(i for i in items if i.kind == "enum" and i.name == "fc_status")
    assert any(m[0] == "FC_ENOMEM = 2" and "allocation" in m[1] for m in status.members)


def _public_callables():
    out = []
    for name in fastconv.__all__:
        obj = getattr(fastconv, name)
        if callable(obj):
            out.append((f"fastconv.{name}", obj))
    for name in layers.__all__:
        cls = getattr(layers, name)
        out.append((f"fastconv.layers.{name}", cls))
        for meth in ("forward", "backward", "zero_grad", "parameters", "output_shape"):
            out.append((f"fastconv.layers.{name}.{meth}", getattr(cls, meth)))
    for mod in (ndimage, reference):
        for name in mod.__all__:
            out.append((f"{mod.__name__}.{name}", getattr(mod, name)))
    return out


def _sections(doc):
    return set(re.findall(r"^\s*([A-Z][A-Za-z ]+)\n\s*-{3,}\s*$", doc or "", re.M))


@pytest.mark.parametrize("name, obj", _public_callables(), ids=lambda v: v if isinstance(v, str) else "")
def test_public_docstrings_have_numpydoc_sections(name, obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{name} has no docstring"
    sections = _sections(doc)
    required = {"Returns", "Raises", "Examples"}
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = [p for p in inspect.signature(target).parameters if p not in ("self",)]
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        params = []                                 # an exception takes its message only
    if params:
        required.add("Parameters")
    if inspect.isclass(obj):
        required.discard("Returns")                 # a class documents its constructor
    missing = required - sections
    assert not missing, f"{name}: docstring lacks {sorted(missing)} (has {sorted(sections)})"
    assert ">>> " in doc, f"{name}: the Examples section has no example"


def test_every_public_name_is_in_the_api_reference():
    with open(os.path.join(ROOT, "docs", "api.rst"), encoding="utf-8") as f:
        page = f.read()
    listed = set(re.findall(r"^\s{3}(\w+)\s*$", page, re.M)) | set(
        re.findall(r"^\.\. (?:data|automodule|module):: (?:fastconv\.)?(\w+)", page, re.M))
    missing = [n for n in fastconv.__all__ if n not in listed]
    assert not missing, f"not in docs/api.rst: {missing}"
    missing = [n for n in ndimage.__all__ if n not in listed]
    assert not missing, f"fastconv.ndimage names not in docs/api.rst: {missing}"
