"""What WeasyPrint's PDF/A-3a tagging leaves out, set afterwards on the
structure tree with pikepdf (issue 21, PDF accessibility):

- each tagline's paragraph carries its language (/Lang), so a screen reader
  reads Spanish, Arabic or Chinese in its own voice. The taglines close every
  letter (letters/_taglines.html, nothing after them), so they are the last
  paragraphs of the structure tree, in the order taglines.py gives;
- the English a letter in another language quotes (the policy's own words,
  the payer's configured text, a finding stored in words the engine no
  longer writes) carries lang en. The templates write each as
  `<span lang="en"><span>...</span></span>`, and no other span holds a span:
  WeasyPrint keeps spans as /Span elements but not their lang, and gives
  every run of text a /Span of its own, so any span with text holds a /Span;
  only such a quote holds a /Span (the inner span) that holds another (its
  text). The inner span and its text inherit the outer's /Lang;
- each table header cell carries its scope (/A << /O /Table /Scope ... >>):
  a column header in a table's head, a row header elsewhere;
- each attached file appears once in the catalog's /AF (WeasyPrint lists them
  twice).
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

ENGLISH = "en"


class _Element:
    """A structure element read once: its type and its structure children
    (pikepdf reads each key through C++; reading them once per element, not
    once per question asked of it, saved about 1 ms a letter)."""

    __slots__ = ("node", "kind", "children")

    def __init__(self, node: pikepdf.Object, children: list[pikepdf.Object]):
        self.node = node
        self.kind = str(node.S)
        self.children = children


def _elements(root: pikepdf.Object) -> list[_Element]:
    """The structure elements in document order (depth first); their
    marked-content references and MCIDs are not elements."""
    found: list[_Element] = []
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, Array) else [] if kids is None else [kids]
        children = [k for k in kids if isinstance(k, Dictionary) and "/S" in k]
        if "/S" in node:
            found.append(_Element(node, children))
        stack.extend(reversed(children))
    return found


def _scope(th: pikepdf.Object) -> Name:
    row = th.get("/P")
    section = row.get("/P") if row is not None else None
    in_head = section is not None and section.get("/S") == Name.THead
    return Name.Column if in_head else Name.Row


def finish(pdf: bytes, tagline_languages: list[str]) -> bytes:
    with Pdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root
        elements = _elements(root.StructTreeRoot)
        for th in (e.node for e in elements if e.kind == "/TH"):
            th.A = Dictionary(O=Name.Table, Scope=_scope(th))
        # Spans holding structure elements, by object: a quote's inner span.
        parents = {e.node.objgen for e in elements
                   if e.kind == "/Span" and e.children and e.node.is_indirect}
        for span in (e for e in elements if e.kind == "/Span"):
            if any(k.objgen in parents for k in span.children):
                span.node.Lang = String(ENGLISH)
        paragraphs = [e.node for e in elements if e.kind == "/P"]
        if tagline_languages and len(paragraphs) >= len(tagline_languages):
            tail = paragraphs[-len(tagline_languages):]
            for paragraph, language in zip(tail, tagline_languages, strict=True):
                paragraph.Lang = String(language)
        if "/AF" in root:
            seen: set[str] = set()
            unique = Array()
            for spec in root.AF:
                name = str(spec.get("/UF", spec.get("/F", "")))
                if name not in seen:
                    seen.add(name)
                    unique.append(spec)
            root.AF = unique
        out = io.BytesIO()
        # Compressed here, once (rendering.py asks WeasyPrint for an uncompressed
        # PDF): every stream but the XMP metadata, objects in object streams.
        doc.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
