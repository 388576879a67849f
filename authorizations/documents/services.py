"""Supporting documents of a request: what a file must be to be kept, and the
services that add, read and remove one (each in one transaction, with its
audit row, like every service).

The content decides, not the name: the type is read from the first bytes, a
PDF must open with pypdf (and not be encrypted), an image with Pillow. The
name a browser sends is cleaned (`clean_file_name`) and only ever shown or
offered on download, never used as a path.

Memory stays bounded: Django streams an upload over FILE_UPLOAD_MAX_MEMORY_SIZE
to a temporary file, `UploadLimit` stops one over MAX_BYTES before it is read
whole, the checks read the temporary file, and the bytes go to the database
a slice at a time (SQLite) or once (PostgreSQL; see _insert). A download
streams from the database in slices.

File names and contents never go into logs or audit rows: identifiers only.
Refusals carry a code in their exception text and the file's name only in
`message`, which is for the page.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, NoReturn

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import connection, transaction

# django-stubs 5.2.9 omits it; Django 5.2 defines it when psycopg 3 is installed.
from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]
from django.db.models import BinaryField, Func, QuerySet, Value
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from PIL import Image
from pypdf import PdfReader

from authorizations import policy
from authorizations.appeals.services import appeal_refusal, open_appeal
from authorizations.core import zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.models import (
    DOCUMENT_CONTENT_TYPES,
    DOCUMENT_MAX_BYTES,
    AuthorizationRequest,
    Document,
    DocumentKind,
    Status,
)
from authorizations.requests.services import NotADraft

MAX_BYTES = DOCUMENT_MAX_BYTES  # 20 MB (MiB, as filesizeformat counts)
MAX_SIZE_LABEL = f"{MAX_BYTES // (1024 * 1024)} MB"
MAX_PER_REQUEST = 20
# The form fields and multipart boundaries around the file in an upload.
ENVELOPE_BYTES = 64 * 1024
# A body declared larger than this is not even read to be thrown away: the
# connection is dropped (a proxy in front should refuse it first).
DISCARD_AT_MOST = 4 * MAX_BYTES
# A download is read from the database in slices of this size.
CHUNK_BYTES = 1024 * 1024

# Documents are added to a draft, and to a request pending review (answering a
# reviewer's request for information); removed only from a draft.
OPEN_STATUSES = (Status.DRAFT, Status.PENDING_REVIEW, Status.INFORMATION_REQUESTED)

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


class UploadLimit(FileUploadHandler):
    """First of a document upload's handlers: stops a file over MAX_BYTES
    before it is read whole. A body declared too large stops at the file's
    first bytes (the fields before it, and so what was typed, are kept); a
    body that is not (or lies) stops as soon as its files pass the limit.
    Nothing is kept of a stopped file; `refused_name` says which it was."""

    def __init__(self, request: HttpRequest | None = None, limit: int = MAX_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.declared = 0
        self.received = 0
        self.refused_name: str | None = None

    @property
    def too_large(self) -> bool:
        return self.refused_name is not None

    def handle_raw_input(self, input_data: IO[bytes], META: dict[str, str], content_length: int,
                         boundary: str, encoding: str | None = None) -> None:
        self.declared = content_length
        return None  # the default parser parses it

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.declared > self.limit + ENVELOPE_BYTES:
            self._stop()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps it

    def _stop(self) -> NoReturn:
        self.refused_name = display_name(self.file_name or "")
        # Read the rest and throw it away, so the browser sees the page that
        # explains; past DISCARD_AT_MOST, drop the connection instead.
        raise StopUpload(connection_reset=self.declared > DISCARD_AT_MOST)


# --------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------

def documents_of(req: AuthorizationRequest) -> QuerySet[Document]:
    """A request's documents, without their bytes."""
    return Document.objects.filter(request=req).defer("content").select_related(
        "uploaded_by")


def document_of(req: AuthorizationRequest, doc_id: int) -> Document:
    """One of the request's documents, or 404."""
    return get_object_or_404(documents_of(req), pk=doc_id)


def accepts_documents(req: AuthorizationRequest) -> bool:
    if req.status == Status.DENIED:
        # Documents support an appeal: while one is open or can still be filed.
        return open_appeal(req) is not None or not appeal_refusal(
            req, zones.today())
    return req.status in OPEN_STATUSES


def content_chunks(doc: Document) -> Iterator[bytes]:
    """The document's bytes, read from the database a slice at a time, so a
    download never holds the whole file (PostgreSQL's client-side quoting
    would hold it several times over). Each slice is its own short read."""
    table, chunk = Document._meta.db_table, CHUNK_BYTES
    for start in range(0, doc.size, chunk):
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            try:
                with connection.connection.blobopen(table, "content", doc.pk,
                                                    readonly=True) as blob:
                    blob.seek(start)
                    data = blob.read(chunk)
            except sqlite3.OperationalError:  # removed meanwhile
                return
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT substr(content, %s, %s) FROM {table} WHERE id = %s",
                               [start + 1, chunk, doc.pk])
                row = cursor.fetchone()
            data = bytes(row[0]) if row is not None and row[0] is not None else b""
        if not data:
            return
        yield data


# --------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------

def _refuse_if_closed(req: AuthorizationRequest) -> None:
    if not accepts_documents(req):
        raise DocumentRefused("closed", f"{req.number} is {req.get_status_display().lower()}: "
                                        "documents can no longer be added to it.")
    if Document.objects.filter(request=req).count() >= MAX_PER_REQUEST:
        raise DocumentRefused("too_many", f"{req.number} already has {MAX_PER_REQUEST} "
                                          "documents, the most a request can have.")


def _digest(file: IO[bytes], name: str) -> tuple[str, int]:
    """SHA-256 and size of the file, read a slice at a time."""
    file.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := file.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise DocumentRefused("too_large", too_large_message(name))
    return digest.hexdigest(), size


@contextmanager
def _server_side_binding() -> Iterator[None]:
    """Bind the next queries' parameters on the PostgreSQL server. Django's
    psycopg cursors bind on the client, quoting a 20 MB bytea into a SQL string
    several times its size (8x the file in the worker); bound on the server the
    bytes go as they are."""

    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        raw.cursor_factory = previous


def _insert(file: IO[bytes], **fields: Any) -> Document:
    """Insert the document with the file's bytes, holding as few copies of
    them as the database allows: on SQLite none (a zero-filled blob, then
    written a slice at a time); on PostgreSQL the bytes once, sent as they are
    (the driver holds a second copy while sending)."""
    file.seek(0)
    if connection.vendor == "sqlite":
        doc = Document.objects.create(**fields, content=Func(
            Value(fields["size"]), function="zeroblob", output_field=BinaryField()))
        with connection.connection.blobopen(Document._meta.db_table, "content", doc.pk) as blob:
            while chunk := file.read(CHUNK_BYTES):
                blob.write(chunk)
    elif connection.vendor == "postgresql":
        with _server_side_binding():
            doc = Document.objects.create(**fields, content=file.read(fields["size"]))
    else:
        doc = Document.objects.create(**fields, content=file.read(fields["size"]))
    doc.content = b""  # read with content_chunks, a slice at a time
    return doc


@service
def document_add(*, by: User, req: AuthorizationRequest, upload: UploadedFile, kind: str,
                 criterion: str = "") -> Document:
    """Keep `upload` (a Django UploadedFile) as a document of `req`, once its
    size, type and content are checked; DocumentRefused otherwise. The
    document comes back without its bytes (see content_chunks)."""
    name = display_name(upload.name)
    if kind not in DocumentKind.values:
        raise DocumentRefused("kind", "Choose what kind of document this is.", field="kind")
    if criterion and criterion not in policy.CRITERION_IDS:
        raise DocumentRefused("criterion", "Choose a criterion from the list, or none.",
                              field="criterion")
    # The size first: a file over the limit is never read.
    if upload.size is not None and upload.size > MAX_BYTES:
        raise DocumentRefused("too_large", too_large_message(name))
    if not upload.size:
        raise DocumentRefused("empty", f"{name} is empty. Choose the file again.")
    _refuse_if_closed(req)
    content_type = inspect(upload, name)
    sha256, size = _digest(upload, name)
    with transaction.atomic():
        # Locked: a submit, a removal or another upload waits its turn, so the
        # status and the count hold until this commits.
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        _refuse_if_closed(req)
        doc = _insert(upload, request=req, kind=kind, criterion=criterion,
                      file_name=clean_file_name(upload.name, content_type),
                      content_type=content_type, size=size, sha256=sha256, uploaded_by=by)
        audit(by=by, action=AuditAction.DOCUMENT_ADD, obj=req, document=doc.pk)
    return doc


@service
def document_read(*, by: User, doc: Document, via: str = "") -> Document:
    """Record that `by` downloads `doc` (the caller checked they may)."""
    with transaction.atomic():
        detail = {"via": via} if via else {}
        audit(by=by, action=AuditAction.DOCUMENT_DOWNLOAD, obj=doc.request,
              document=doc.pk, **detail)
    return doc


@service
def document_remove(*, by: User, doc: Document) -> None:
    """Remove a draft's document; after submission documents stay
    (NotADraft)."""
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=doc.request_id)
        if req.status != Status.DRAFT:
            raise NotADraft(f"{req.number} is no longer a draft: its documents "
                            "cannot be removed")
        Document.objects.filter(pk=doc.pk, request=req).delete()
        audit(by=by, action=AuditAction.DOCUMENT_REMOVE, obj=req, document=doc.pk)
