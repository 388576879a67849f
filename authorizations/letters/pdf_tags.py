"""What WeasyPrint's PDF/A-3a tagging leaves out, set afterwards on the
structure tree (issue 21, PDF accessibility), by WeasyPrint's finisher
(tagger) before the PDF is written; finish() then appends the letters' insert
(letters/reuse.py) and compresses the whole with pikepdf:

- each tagline's paragraph carries its language (/Lang), so a screen reader
  reads Spanish, Arabic or Chinese in its own voice. The taglines close the
  insert (letters/_taglines.html, nothing after them), so they are the last
  paragraphs of its structure tree, in the order taglines.py gives;
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
from collections.abc import Callable
from typing import Any

import pikepdf
import pydyf

ENGLISH = "en"


class _Element:
    """A structure element as WeasyPrint built it (a pydyf dictionary), with
    its structure children: read in WeasyPrint's finisher, before the PDF is
    written, as plain Python dictionaries: 1.2 ms of CPU a letter (loaded
    machine), where the same walk and edits on the written PDF, through
    pikepdf's C++ objects, cost 5.7 ms more of pdf_tags.finish."""

    __slots__ = ("node", "kind", "children")

    def __init__(self, node: pydyf.Dictionary, children: list[pydyf.Dictionary]):
        self.node = node
        self.kind = node["S"]
        self.children = children


def _object(pdf: pydyf.PDF, value: Any) -> Any:
    """The object a reference (b"12 0 R") names; anything else as it is."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


def _elements(pdf: pydyf.PDF, root: pydyf.Dictionary) -> list[_Element]:
    """The structure elements in document order (depth first); their
    marked-content ids and annotation references are not elements."""
    found: list[_Element] = []
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("K")
        kids = kids if isinstance(kids, list) else [] if kids is None else [kids]
        children = [k for k in (_object(pdf, kid) for kid in kids)
                    if isinstance(k, dict) and "S" in k]
        if "S" in node:
            found.append(_Element(node, children))
        stack.extend(reversed(children))
    return found


def _scope(pdf: pydyf.PDF, th: pydyf.Dictionary) -> str:
    row = _object(pdf, th.get("P"))
    section = _object(pdf, row.get("P")) if row is not None else None
    in_head = section is not None and section.get("S") == "/THead"
    return "/Column" if in_head else "/Row"


def _file_name(spec: pydyf.Dictionary) -> str:
    name = spec.get("UF", spec.get("F", ""))
    return name.string if isinstance(name, pydyf.String) else str(name)


def tagger(tagline_languages: list[str]) -> Callable[[Any, pydyf.PDF], None]:
    """WeasyPrint's finisher for a letter: what the module's docstring lists,
    set on the PDF's objects before WeasyPrint writes them."""

    def tag(document: Any, pdf: pydyf.PDF) -> None:
        catalog = pdf.catalog
        root = _object(pdf, catalog["StructTreeRoot"])
        elements = _elements(pdf, root)
        for th in (e.node for e in elements if e.kind == "/TH"):
            th["A"] = pydyf.Dictionary({"O": "/Table", "Scope": _scope(pdf, th)})
        # Spans holding structure elements, by object: a quote's inner span.
        parents = {id(e.node) for e in elements if e.kind == "/Span" and e.children}
        for span in (e for e in elements if e.kind == "/Span"):
            if any(id(k) in parents for k in span.children):
                span.node["Lang"] = pydyf.String(ENGLISH)
        paragraphs = [e.node for e in elements if e.kind == "/P"]
        if tagline_languages and len(paragraphs) >= len(tagline_languages):
            tail = paragraphs[-len(tagline_languages):]
            for paragraph, language in zip(tail, tagline_languages, strict=True):
                paragraph["Lang"] = pydyf.String(language)
        if "AF" in catalog:
            seen: set[str] = set()
            unique = pydyf.Array()
            for reference in catalog["AF"]:
                name = _file_name(_object(pdf, reference))
                if name not in seen:
                    seen.add(name)
                    unique.append(reference)
            catalog["AF"] = unique

    return tag


def _append(doc: pikepdf.Pdf, insert: pikepdf.Pdf) -> None:
    """The insert's pages after the letter's, and its structure elements after
    the letter's in the one Document element WeasyPrint writes, each page's
    marked content still found through the parent tree: the insert's parent
    tree keys move past the letter's, on its pages and in the tree alike.
    Copied in one copier, so an element's /Pg is the copy of its page."""
    root = doc.Root.StructTreeRoot
    document = root.K[0]
    nums = root.ParentTree.Nums
    shift = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1
    first_page = len(doc.pages)
    for page in insert.pages:
        doc.pages.append(page)
    for index in range(first_page, len(doc.pages)):
        page = doc.pages[index].obj
        page.StructParents = int(page.StructParents) + shift
    source = insert.Root.StructTreeRoot
    for kid in source.K[0].K:
        element = doc.copy_foreign(kid)
        element.P = document  # not the insert's own Document element
        document.K.append(element)
    source_nums = source.ParentTree.Nums
    for i in range(0, len(source_nums), 2):
        nums.append(int(source_nums[i]) + shift)
        nums.append(pikepdf.Array([doc.copy_foreign(e) for e in source_nums[i + 1]]))


def finish(pdf: bytes, insert: pikepdf.Pdf | None = None) -> bytes:
    """The PDF WeasyPrint wrote (uncompressed, tagged by tagger()), with the
    insert's pages after its own, compressed."""
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as doc:
        if insert is not None:
            _append(doc, insert)
        out = io.BytesIO()
        # Compressed here, once (rendering.py asks WeasyPrint for an uncompressed
        # PDF): every stream but the XMP metadata, objects in object streams.
        # The file identifier is written here too, from the content (PDF/A
        # needs one; WeasyPrint's own hashed every object once more).
        doc.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
