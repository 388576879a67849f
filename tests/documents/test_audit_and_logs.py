"""Uploads and downloads are audited with identifiers only; file names and
contents never reach a log line or an audit row."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from authorizations.models import AuditEvent, Document
from tests.core.test_audit_and_logs import LOGGERS, logged_text, logged_text_of
from tests.factories import login
from tests.files import HTML, image_bytes, pdf_bytes, post_document

pytestmark = pytest.mark.django_db

# A file name and contents that appear nowhere else.
SECRET_NAME = "Zenobia-Thistlewood-hepatitis-B-panel"
SECRET_TEXT = "QUOKKA-MARKER-7731"


def test_upload_and_download_are_audited_with_ids_only(client, prescriber, reviewer, draft):
    owner = login(client, prescriber)
    assert post_document(owner, draft, f"{SECRET_NAME}.pdf", pdf_bytes(title=SECRET_TEXT),
                         kind="viral_tests", criterion="hepatitis_b").status_code == 302
    doc = Document.objects.get()
    assert owner.get(f"/requests/{draft.pk}/documents/{doc.pk}/").status_code == 200
    added = AuditEvent.objects.get(action="document_add")
    downloaded = AuditEvent.objects.get(action="document_download")
    for event in (added, downloaded):
        assert (event.actor_id, event.object_type, event.object_id) == (
            prescriber.pk, "AuthorizationRequest", str(draft.pk))
        assert event.detail == {"document": doc.pk}
    rows = json.dumps([[e.action, e.detail, str(e)] for e in AuditEvent.objects.all()])
    assert SECRET_NAME not in rows and SECRET_TEXT not in rows


@pytest.fixture
def all_logs(caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_no_file_name_or_content_in_the_logs(all_logs, prescriber, other_prescriber, reviewer,
                                             draft, pending, add, monkeypatch):
    owner = Client(raise_request_exception=False)
    owner.force_login(prescriber)
    png = image_bytes("PNG", text=SECRET_TEXT)
    # Kept, refused for its type, encrypted, damaged, too large, and read back.
    assert post_document(owner, draft, f"{SECRET_NAME}.png", png).status_code == 302
    assert post_document(owner, draft, f"{SECRET_NAME}.pdf", pdf_bytes(title=SECRET_TEXT),
                         criterion="hepatitis_b").status_code == 302
    for data in (HTML + SECRET_TEXT.encode(), pdf_bytes(password="x", title=SECRET_TEXT),
                 pdf_bytes(title=SECRET_TEXT)[:300], b"%PDF-1.7\n" + b"0" * (21 * 2**20)):
        assert post_document(owner, draft, f"{SECRET_NAME}.pdf", data).status_code in (400, 413)
    for doc in Document.objects.all():
        url = f"/requests/{draft.pk}/documents/{doc.pk}/"
        assert b"".join(owner.get(url).streaming_content)
        other = Client()
        other.force_login(other_prescriber)
        assert other.get(url).status_code == 404
    # A failure inside the service is logged with its traceback, and no name.
    from authorizations.documents import services as documents

    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(documents.Document.objects, "create", broken)
        assert post_document(owner, draft, f"{SECRET_NAME}.pdf",
                             pdf_bytes()).status_code == 500
    # A reviewer reads a pending request's page in the admin and downloads.
    doc = add(pending, f"{SECRET_NAME}.png", png)
    staff = login(Client(), reviewer)
    page = staff.get(f"/admin/authorizations/authorizationrequest/{pending.pk}/change/")
    assert SECRET_NAME in page.content.decode()
    download = staff.get(f"/admin/authorizations/authorizationrequest/{pending.pk}/documents/"
                         f"{doc.pk}/")
    assert b"".join(download.streaming_content) == png

    assert any(r.name == "django.request" and r.levelno == logging.ERROR
               for r in all_logs.records), "the 500 was not logged: is capture working?"
    leaks = [f"{r.name} {r.levelname}: {r.getMessage()[:200]}" for r in all_logs.records
             if SECRET_NAME.lower() in logged_text_of(r).lower()
             or SECRET_TEXT in logged_text_of(r)]
    assert not leaks, "file names or contents in the logs:\n" + "\n".join(leaks[:10])
    text = logged_text(all_logs)
    assert SECRET_NAME.lower() not in text.lower() and SECRET_TEXT not in text


def test_the_libraries_that_read_documents_do_not_log_at_debug():
    # Pillow's and pypdf's debug and warning lines may quote a file's bytes.
    assert logging.getLogger("PIL").getEffectiveLevel() > logging.DEBUG
    assert logging.getLogger("pypdf").getEffectiveLevel() > logging.WARNING
