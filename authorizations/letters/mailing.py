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
from typing import Any

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


def _cover(day: date, rows: list[dict[str, Any]], cover_pages: int) -> PdfReader:
    page = cover_pages + 1
    for row in rows:
        row["first_page"] = page
        page += row["pages"]
    return PdfReader(io.BytesIO(letters.render_cover_pdf(render_to_string(
        "letters/cover_sheet.html",
        {"day": letter_date(day), "rows": rows, "count": len(rows),
         "sheets": sum(r["pages"] for r in rows)}))))


def assemble(day: date, copies: list[MemberCopy]) -> Printed:
    readers = [PdfReader(io.BytesIO(bytes(copy.pdf))) for copy in copies]
    rows = [{"number": request_of(copy).number, "kind": _kind_label(copy),
             "pages": len(reader.pages)} for copy, reader in zip(copies, readers, strict=True)]
    cover = _cover(day, rows, 1)
    if len(cover.pages) > 1:
        # A long batch's cover runs over a page: number the letters after all of it.
        cover = _cover(day, rows, len(cover.pages))
    writer = PdfWriter()
    writer.append(cover)
    for reader in readers:
        writer.append(reader)
    out = io.BytesIO()
    writer.write(out)
    return Printed(out.getvalue(), [row["first_page"] for row in rows])
