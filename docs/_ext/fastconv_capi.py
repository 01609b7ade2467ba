"""The C API reference, generated from ``src/include/fastconv.h`` at every docs build.

``parse_header`` reads the header into items (sections, macros, enums, structs and
groups of function declarations, each with the comment written above it);
the ``fastconv-c-api`` directive renders them with Sphinx's C domain.  The page can
therefore not drift from the header; on top of that, the build fails (a warning under
``-W``) when a function the header declares with ``FC_API`` is not on the page, and
``tests/test_docs.py`` checks the same without Sphinx.

Header conventions relied on (see the header itself): a declaration's documentation is
the ``/* ... */`` block right above it (consecutive declarations share it: the _f32 and
_f64 pair); a section is a one-line comment between two lines of dashes; struct
members and enumerators carry a trailing ``/* ... */`` comment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Tuple

__all__ = ["Item", "parse_header", "declared_functions"]


@dataclass
class Item:
    kind: str                     # "section", "intro", "macro", "enum", "struct", "function"
    name: str = ""
    doc: str = ""
    signatures: List[str] = field(default_factory=list)
    members: List[Tuple[str, str]] = field(default_factory=list)   # (declaration, doc)


def declared_functions(text: str) -> List[str]:
    """Every function the header exports, found independently of parse_header: the name
    before the first '(' of each FC_API declaration."""
    return re.findall(r"\bFC_API\b[^;(]*?\b(fc_\w+)\s*\(", text)


def _comment_text(block: str) -> str:
    """'/* a\n * b */' -> 'a\nb' (leading ' * ' stripped, relative indentation kept)."""
    body = block.strip()
    body = body[2:] if body.startswith("/*") else body
    body = body[:-2] if body.endswith("*/") else body
    lines = []
    for line in body.split("\n"):
        line = re.sub(r"^\s*\* ?", "", line) if line.strip().startswith("*") else line.strip()
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n")


def _split_members(body: str) -> List[Tuple[str, str]]:
    """Struct body -> (declaration, trailing comment) per member; 'int64_t a, b[3];'
    gives two members of type int64_t."""
    members = []
    for raw in body.split("\n"):
        m = re.match(r"\s*([^;/]+);\s*(?:/\*(.*?)\*/)?", raw)
        if not m:
            continue
        decl, doc = m.group(1).strip(), (m.group(2) or "").strip()
        t = re.match(r"((?:const\s+)?[A-Za-z_]\w*\s*\**)\s*(.*)", decl)
        if not t:
            continue
        ctype, names = t.group(1).strip(), t.group(2)
        for name in names.split(","):
            members.append((f"{ctype} {name.strip()}", doc))
    return members


def _enumerators(body: str) -> List[Tuple[str, str]]:
    """Enum body -> (NAME = value, trailing comment), comments attached to the entry
    before them."""
    out: List[Tuple[str, str]] = []
    for tok in re.finditer(r"(/\*.*?\*/)|([A-Z_][A-Z0-9_]*\s*=\s*-?\w+)", body, re.S):
        if tok.group(1) and out:
            out[-1] = (out[-1][0], _comment_text(tok.group(1)))
        elif tok.group(2):
            out.append((re.sub(r"\s+", " ", tok.group(2)), ""))
    return out


def _line_end(text: str, pos: int) -> int:
    """The position after the newline that ends the line holding pos."""
    eol = text.find("\n", pos)
    return len(text) if eol < 0 else eol + 1


def parse_header(text: str) -> List[Item]:
    """The header as a list of Items, in order."""
    items: List[Item] = []
    # drop the export-macro block: it is plumbing, not API
    text = re.sub(r"#if defined\(_WIN32\).*?#endif\n", "", text, flags=re.S)
    pos, n = 0, len(text)
    pending = ""          # the comment above the next declaration
    group: Item = Item("none")
    first_comment = True
    while pos < n:
        if text.startswith("/*", pos):
            end = text.index("*/", pos) + 2
            block = text[pos:end]
            pos = end + 1 if text.startswith("\n", end) else end
            body = _comment_text(block)
            if first_comment:
                items.append(Item("intro", doc=body))
                first_comment = False
            elif re.fullmatch(r"-+", body):
                continue                       # a section's rule
            elif re.fullmatch(r"[^\n]*\.\s*", body) and text[pos:pos + 60].lstrip().startswith("/* ---"):
                items.append(Item("section", name=body.strip().rstrip(".")))
            else:
                pending = body
            group = Item("none")
            continue
        eol = text.find("\n", pos)
        eol = n if eol < 0 else eol
        line = text[pos:eol]
        if not line.strip():
            pending, group, pos = "", Item("none"), eol + 1
            continue
        first_comment = False
        m = re.match(r"#define\s+(FC_[A-Z0-9_]+)\s+(\S+)", line)
        if m and m.group(1) != "FC_API":
            items.append(Item("macro", name=m.group(1), signatures=[f"{m.group(1)}"],
                              doc=(pending + "\n\n" if pending else "") + f"Value: {m.group(2)}"))
            group, pos = Item("none"), eol + 1
            continue
        if line.startswith("typedef enum") or line.startswith("typedef struct"):
            end = text.index(";", text.index("}", pos)) + 1
            decl = text[pos:end]
            kind = "enum" if line.startswith("typedef enum") else "struct"
            name = re.search(r"}\s*(\w+)\s*;", decl).group(1)          # type: ignore[union-attr]
            body = decl[decl.index("{") + 1:decl.rindex("}")]
            members = _enumerators(body) if kind == "enum" else _split_members(body)
            items.append(Item(kind, name=name, doc=pending, members=members))
            pending, group, pos = "", Item("none"), _line_end(text, end)
            continue
        if line.startswith("FC_API"):
            end = text.index(";", pos) + 1
            sig = re.sub(r"\s+", " ", text[pos:end].replace("FC_API", "", 1)).strip().rstrip(";")
            name = re.search(r"(fc_\w+)\s*\(", sig).group(1)           # type: ignore[union-attr]
            stem = re.sub(r"_f(32|64)$", "", name)
            # a declaration right below another shares its comment when it is the _f64
            # twin, or when the comment names it ("correlate / convolve(...)")
            if group.kind == "function" and (
                    re.sub(r"_f(32|64)$", "", group.name) == stem
                    or re.search(rf"\b{stem[3:]}\b", group.doc)):
                group.signatures.append(sig)
            else:
                group = Item("function", name=name, doc=pending, signatures=[sig])
                items.append(group)
                pending = ""                      # a comment documents one declaration
            pos = _line_end(text, end)
            continue
        pos = eol + 1          # preprocessor lines, extern "C" braces
    return items


# ---------------------------------------------------------------------------- Sphinx

def _doc_nodes(doc: str) -> list:
    """A comment as docutils nodes, with no reST parsing (C comments are full of '*'):
    paragraphs, and indented lines (examples) as literal blocks."""
    from docutils import nodes
    out: list = []
    for chunk in re.split(r"\n\s*\n", doc.strip()):
        lines = chunk.split("\n")
        para: List[str] = []
        lit: List[str] = []

        def flush_para() -> None:
            if para:
                out.append(nodes.paragraph(text=" ".join(s.strip() for s in para)))
                para.clear()

        def flush_lit() -> None:
            if lit:
                out.append(nodes.literal_block(text="\n".join(lit)))
                lit.clear()

        for ln in lines:
            if ln.startswith("  ") and para:
                lit.append(ln.strip())
            elif ln.startswith("  ") and lit:
                lit.append(ln.strip())
            elif ln.lstrip().startswith("- "):
                flush_lit()
                flush_para()
                para.append("• " + ln.lstrip()[2:])
            else:
                if lit:
                    flush_para()
                    flush_lit()
                para.append(ln)
        flush_para()
        flush_lit()
    return out


def setup(app):  # type: ignore[no-untyped-def]
    import os

    from docutils import nodes
    from docutils.parsers.rst import Directive
    from docutils.statemachine import StringList
    from sphinx import addnodes
    from sphinx.util import logging

    logger = logging.getLogger(__name__)

    class CApiDirective(Directive):
        required_arguments = 1          # the header, relative to the docs source dir

        def run(self):  # type: ignore[no-untyped-def]
            env = self.state.document.settings.env
            path = os.path.normpath(os.path.join(env.srcdir, self.arguments[0]))
            env.note_dependency(path)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            items = parse_header(text)
            result: list = []
            rendered = set()
            for it in items:
                if it.kind == "intro":
                    result.extend(_doc_nodes(it.doc))
                    continue
                if it.kind == "section":
                    rub = nodes.rubric(text=it.name)
                    result.append(rub)
                    continue
                lines: List[str] = []
                if it.kind == "function":
                    lines.append(".. c:function:: " + it.signatures[0])
                    for s in it.signatures[1:]:
                        lines.append("              " + s)
                    rendered.update(re.findall(r"(fc_\w+)\s*\(", " ".join(it.signatures)))
                elif it.kind == "macro":
                    lines.append(".. c:macro:: " + it.name)
                elif it.kind == "enum":
                    lines.append(".. c:enum:: " + it.name)
                    lines.append("")
                    for decl, _ in it.members:
                        lines.append("   .. c:enumerator:: " + decl)
                        lines.append("")
                elif it.kind == "struct":
                    lines.append(".. c:struct:: " + it.name)
                    lines.append("")
                    for decl, _ in it.members:
                        lines.append("   .. c:member:: " + decl)
                        lines.append("")
                box = nodes.container()
                self.state.nested_parse(StringList(lines, source=path), self.content_offset, box)
                contents = list(box.findall(addnodes.desc_content))
                if contents:
                    contents[0].extend(_doc_nodes(it.doc))
                    for (decl, doc), c in zip(it.members, contents[1:]):
                        if doc:
                            c.extend(_doc_nodes(doc))
                result.extend(box.children)
            missing = [f for f in declared_functions(text) if f not in rendered]
            if missing:
                logger.warning("fastconv-c-api: functions declared in %s but not rendered: %s",
                               path, ", ".join(missing), location=self.state.document.current_source)
            return result

    app.add_directive("fastconv-c-api", CApiDirective)
    return {"version": "1", "parallel_read_safe": True}
