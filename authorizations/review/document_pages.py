"""A supporting document drawn as images, so the reviewer reads it inside the
request's page under its CSP (no plug-in, no frame): an image as it is, a
PDF's pages rendered on the server by PDFium (pypdfium2)."""

from __future__ import annotations

import io

import pypdfium2

from authorizations.documents.services import content_chunks
from authorizations.models import Document

# Wide enough to read a lab report in the page's column, small enough to send.
PAGE_WIDTH_PX = 900


class NoSuchPage(LookupError):
    pass


def is_pdf(doc: Document) -> bool:
    return doc.content_type == "application/pdf"


def page_image(doc: Document, number: int) -> tuple[bytes, str]:
    """Page `number` (from 1) of `doc` as image bytes and their content type."""
    data = b"".join(content_chunks(doc))
    if not is_pdf(doc):
        if number != 1:
            raise NoSuchPage(number)
        return data, doc.content_type
    pdf = pypdfium2.PdfDocument(data)
    try:
        if not 1 <= number <= len(pdf):
            raise NoSuchPage(number)
        page = pdf[number - 1]
        bitmap = page.render(scale=PAGE_WIDTH_PX / page.get_width())
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG")
        return out.getvalue(), "image/png"
    finally:
        pdf.close()


def page_count(doc: Document) -> int:
    if not is_pdf(doc):
        return 1
    pdf = pypdfium2.PdfDocument(b"".join(content_chunks(doc)))
    try:
        return len(pdf)
    finally:
        pdf.close()
