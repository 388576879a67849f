"""What a file must be to be kept as a supporting document (documents/services.py
adds, reads and removes them): the content decides, not the name. The type is
read from the first bytes; a PDF must open with pypdf (not encrypted, at most
DOCUMENT_MAX_PAGES pages, counted without trusting the declared count), an
image with Pillow. The name a browser sends is cleaned and only ever shown or
offered on download, never used as a path.

Refusals carry a code in their exception text and the file's name only in
`message`, which is for the page: file names never go into logs."""

from __future__ import annotations

import re
import unicodedata
from typing import IO, Any

from django.conf import settings
from PIL import Image
from pypdf import PdfReader

from authorizations.documents.models import DOCUMENT_CONTENT_TYPES, DOCUMENT_MAX_BYTES

MAX_BYTES = DOCUMENT_MAX_BYTES  # 20 MB (MiB, as filesizeformat counts)
MAX_SIZE_LABEL = f"{MAX_BYTES // (1024 * 1024)} MB"

PDF, PNG, JPEG = DOCUMENT_CONTENT_TYPES
TYPE_LABELS = {PDF: "PDF", PNG: "PNG image", JPEG: "JPEG image"}
EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}
MAGIC_NUMBERS = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG"}
NAME_CHARS = " ._()-"


class DocumentRefused(ValueError):
    """A document that is not kept. `field` is the form field to show `message`
    beside (it may name the file); str() is only the code, for logs."""

    def __init__(self, code: str, message: str, *, field: str = "file") -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.field = field


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

def _name_parts(raw: str | None) -> tuple[str, str]:
    """(stem, extension) of the last path segment, with only letters, digits
    and NAME_CHARS kept: no separators, controls or bidirectional overrides."""
    name = unicodedata.normalize("NFKC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c if c.isalnum() or c in NAME_CHARS else "_" for c in name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"_+", "_", re.sub(r"\.+", ".", stem)).strip(" ._-")[:80]
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:5]
    return stem or "document", f".{ext}" if ext else ""


def display_name(raw: str | None) -> str:
    """The file's name as pages may show it (before its type is known)."""
    stem, ext = _name_parts(raw)
    return stem + ext


def clean_file_name(raw: str | None, content_type: str) -> str:
    """The name kept with a document: cleaned, with the extension of its
    actual type (a PNG sent as `scan.pdf` is kept as `scan.png`)."""
    stem, ext = _name_parts(raw)
    if ext not in EXTENSIONS[content_type]:
        ext = EXTENSIONS[content_type][0]
    return stem + ext


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------

def sniff(head: bytes) -> str | None:
    """The content type the first bytes say, or None."""
    for magic, content_type in MAGIC_NUMBERS:
        if head.startswith(magic):
            return content_type
    return None


def too_large_message(name: str) -> str:
    return (f"{name} is larger than {MAX_SIZE_LABEL}. Upload a smaller file, "
            "for example only the pages that support the request.")


def inspect(file: IO[bytes], name: str) -> str:
    """The file's content type, once its content is checked; DocumentRefused
    otherwise. `name` (already cleaned) is for the messages."""
    file.seek(0)
    content_type = sniff(file.read(16))
    if content_type is None:
        raise DocumentRefused("not_a_document", f"{name} is not a PDF, PNG or JPEG file. "
                                               "Upload the document as a PDF, PNG or JPEG.")
    file.seek(0)
    if content_type == PDF:
        _check_pdf(file, name)
    else:
        _check_image(file, name, content_type)
    file.seek(0)
    return content_type


def _page_node(ref: Any) -> Any:
    """One node of the page tree, resolved (a seam for the tests)."""
    return ref.get_object()


def _count_pages(reader: PdfReader, limit: int) -> int:
    """The page tree's pages, walked with a cap: the walk stops past `limit`
    pages or 2 x (limit + 1) nodes, whatever /Count claims. pypdf's own count
    flattens the whole tree first (23 s for 50,000 pages)."""
    stack, pages, nodes = [reader.root_object["/Pages"]], 0, 0
    while stack and pages <= limit and nodes <= 2 * (limit + 1):
        node = _page_node(stack.pop())
        nodes += 1
        kids = node.get("/Kids")
        if kids is None:
            pages += 1
        else:
            stack.extend(reversed(list(kids)))
    return pages if not stack else max(pages, limit + 1)


def _check_pdf(file: IO[bytes], name: str) -> None:
    limit = settings.DOCUMENT_MAX_PAGES
    try:
        reader = PdfReader(file, strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else _count_pages(reader, limit)
    except Exception:  # noqa: BLE001 - whatever pypdf trips on, the file is not kept
        pages, encrypted = 0, False
    if pages > limit:
        raise DocumentRefused("too_many_pages", f"{name} has more than {limit} pages. Upload "
                                                "the pages that support the request, in files "
                                                f"of up to {limit} pages.")
    if encrypted:
        raise DocumentRefused("encrypted_pdf", f"{name} is password-protected or encrypted. "
                                               "Upload a copy without a password.")
    if pages < 1:
        raise DocumentRefused("malformed_pdf", f"{name} could not be opened as a PDF: it may "
                                               "be damaged or incomplete. Save or scan it "
                                               "again, then upload it.")


def _check_image(file: IO[bytes], name: str, content_type: str) -> None:
    try:
        # Reads the header (refusing decompression bombs), then every chunk's
        # checksum; nothing is decoded into pixels.
        with Image.open(file, formats=[PILLOW_FORMATS[content_type]]) as image:
            image.verify()
    except Exception:  # noqa: BLE001 - whatever Pillow trips on, the file is not kept
        raise DocumentRefused(
            "malformed_image", f"{name} could not be opened as a {TYPE_LABELS[content_type]}: "
                               "it may be damaged. Save or scan it again, then upload it."
        ) from None
