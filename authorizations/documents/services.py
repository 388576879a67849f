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
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, NoReturn

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import connection, transaction

# django-stubs 5.2.9 omits it; Django 5.2 defines it when psycopg 3 is installed.
from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]
from django.db.models import BinaryField, Func, QuerySet, Value
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from authorizations import policy
from authorizations.appeals.services import appeal_refusal, open_appeal
from authorizations.core import zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.documents.checks import (
    JPEG,
    MAX_BYTES,
    MAX_SIZE_LABEL,
    PDF,
    PNG,
    DocumentRefused,
    clean_file_name,
    display_name,
    inspect,
    sniff,
    too_large_message,
)
from authorizations.models import (
    AuthorizationRequest,
    Document,
    DocumentKind,
    Status,
)
from authorizations.requests.services import NotADraft

# What a file must be to be kept lives in documents/checks.py; its names are
# re-exported here, where the pages and the API import them from.
__all__ = ["CHUNK_BYTES", "DISCARD_AT_MOST", "ENVELOPE_BYTES", "JPEG", "MAX_BYTES",
           "MAX_PER_REQUEST", "MAX_SIZE_LABEL", "OPEN_STATUSES", "PDF", "PNG",
           "DocumentRefused", "UploadLimit", "accepts_documents", "clean_file_name",
           "content_chunks", "display_name", "document_add", "document_of", "document_read",
           "document_remove", "documents_of", "inspect", "sniff", "too_large_message"]

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
