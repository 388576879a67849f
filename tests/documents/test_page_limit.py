"""A PDF's pages are counted, with a cap, before pypdf walks them all
(issue 23: a 200,000-page file cost 5 s to check, a page tree is flattened
whole): over DOCUMENT_MAX_PAGES it is refused with a message naming the file."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from authorizations.documents import checks
from authorizations.documents import services as documents
from authorizations.documents.services import DocumentRefused
from tests.files import pdf_bytes


def check(data: bytes, name: str = "notes.pdf") -> str:
    return documents.inspect(io.BytesIO(data), name)


def test_a_pdf_up_to_the_limit_is_kept(settings):
    settings.DOCUMENT_MAX_PAGES = 6
    assert check(pdf_bytes(pages=6)) == "application/pdf"


def test_a_pdf_over_the_limit_is_refused_naming_the_file(settings):
    settings.DOCUMENT_MAX_PAGES = 6
    with pytest.raises(DocumentRefused) as refused:
        check(pdf_bytes(pages=7))
    assert refused.value.code == "too_many_pages" and refused.value.field == "file"
    assert refused.value.message.startswith("notes.pdf has more than 6 pages")


def test_a_page_count_that_lies_is_not_believed(settings):
    # The /Count says 1; the tree holds 40 pages.
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages=40))))
    writer.root_object["/Pages"][NameObject("/Count")] = NumberObject(1)
    out = io.BytesIO()
    writer.write(out)
    assert PdfReader(io.BytesIO(out.getvalue())).trailer["/Root"]["/Pages"]["/Count"] == 1
    settings.DOCUMENT_MAX_PAGES = 6
    with pytest.raises(DocumentRefused) as refused:
        check(out.getvalue())
    assert refused.value.code == "too_many_pages"


def test_the_walk_stops_at_the_cap(settings, monkeypatch):
    # Never more nodes read than the cap allows, however many pages there are.
    settings.DOCUMENT_MAX_PAGES = 3
    read = []
    real = checks._page_node
    monkeypatch.setattr(checks, "_page_node", lambda ref: read.append(1) or real(ref))
    with pytest.raises(DocumentRefused):
        check(pdf_bytes(pages=50))
    assert len(read) <= 2 * (3 + 1)
