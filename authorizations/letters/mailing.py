"""A print batch's PDF: a cover sheet, then each member's copy whole, in the
order issued (services.mailing_print_batch stores it and marks the copies
mailed). Reading and assembling only; no writes here.

The cover sheet names the date, the number of letters, and each letter's
request number, kind and first page, so the mail room can check that every
letter was printed and stuffed; the names and addresses are on the letters
themselves, in the envelope's window.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter

from authorizations.core.formats import letter_date
from authorizations.letters import rendering as letters
from authorizations.models import AuthorizationRequest, LetterKind, MemberCopy


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    first_pages: list[int]  # each copy's first page in the batch, 1-based


def request_of(copy: MemberCopy) -> AuthorizationRequest:
    if copy.letter_id is not None:
        return copy.letter.determination.request
    return copy.information_request.request


def kind_of(copy: MemberCopy) -> str:
    return copy.letter.kind if copy.letter_id is not None else LetterKind.INFORMATION.value


def _kind_label(copy: MemberCopy) -> str:
    return LetterKind(kind_of(copy)).label


def assemble(day: date, copies: list[MemberCopy]) -> Printed:
    readers = [PdfReader(io.BytesIO(bytes(copy.pdf))) for copy in copies]
    rows = []
    for copy, reader in zip(copies, readers, strict=True):
        rows.append({"number": request_of(copy).number, "kind": _kind_label(copy),
                     "pages": len(reader.pages)})
    cover = PdfReader(io.BytesIO(letters.render_cover_pdf(render_to_string(
        "letters/cover_sheet.html",
        {"day": letter_date(day), "rows": rows, "count": len(copies),
         "sheets": sum(r["pages"] for r in rows)}))))
    cover_pages = len(cover.pages)
    writer = PdfWriter()
    writer.append(cover)
    first_pages, page = [], cover_pages + 1
    for row, reader in zip(rows, readers, strict=True):
        first_pages.append(page)
        row["first_page"] = page
        writer.append(reader)
        page += row["pages"]
    out = io.BytesIO()
    writer.write(out)
    return Printed(out.getvalue(), first_pages)
