"""A draft's documents can be removed (with a confirmation); after submission
documents are append-only, in the service and in the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from authorizations.documents import services as documents
from authorizations.models import AuditEvent, Document, Status
from authorizations.requests.services import NotADraft, request_submit

pytestmark = pytest.mark.django_db

REFUSED = (IntegrityError, DatabaseError)


@pytest.fixture
def submitted_with_document(prescriber, draft, add, quick_letters,
                            django_capture_on_commit_callbacks):
    doc = add(draft, "labs.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        request_submit(by=prescriber, req=draft)
    draft.refresh_from_db()
    assert draft.status != Status.DRAFT
    return draft, doc


def test_a_draft_document_is_removed_after_a_confirmation(owner, prescriber, draft, add):
    doc = add(draft, "labs.pdf", kind="liver_panel")
    url = f"/requests/{draft.pk}/documents/{doc.pk}/remove/"
    page = owner.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Remove labs.pdf?</h1>" in html and 'name="confirm" value="yes"' in html
    # A POST without the confirmation shows the question again.
    assert owner.post(url).status_code == 200 and Document.objects.filter(pk=doc.pk).exists()
    response = owner.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{draft.pk}/documents/"
    assert not Document.objects.filter(pk=doc.pk).exists()
    event = AuditEvent.objects.get(action="document_remove")
    assert (event.actor_id, event.object_id, event.detail) == (
        prescriber.pk, str(draft.pk), {"document": doc.pk})
    after = owner.get(response["Location"]).content.decode()
    assert "Removed the document (Liver panel) from" in after


def test_the_documents_page_offers_removal_only_for_a_draft(owner, draft, pending, add):
    add(draft)
    add(pending)
    assert "Remove<span" in owner.get(f"/requests/{draft.pk}/documents/").content.decode()
    assert "Remove<span" not in owner.get(f"/requests/{pending.pk}/documents/").content.decode()


def test_removal_after_submission_is_refused_by_the_view_and_the_service(
        owner, prescriber, submitted_with_document):
    req, doc = submitted_with_document
    url = f"/requests/{req.pk}/documents/{doc.pk}/remove/"
    for response in (owner.get(url), owner.post(url, {"confirm": "yes"})):
        assert response.status_code == 302
        assert response["Location"] == f"/requests/{req.pk}/documents/"
    with pytest.raises(NotADraft):
        documents.document_remove(by=prescriber, doc=doc)
    assert Document.objects.filter(pk=doc.pk).exists()
    assert not AuditEvent.objects.filter(action="document_remove").exists()


def test_the_database_refuses_to_change_a_submitted_requests_document(submitted_with_document):
    req, doc = submitted_with_document
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(kind="other")
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(content=b"rewritten")


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite keeps DELETE: its test runs empty tables with it")
def test_the_database_refuses_to_delete_a_submitted_requests_document(submitted_with_document):
    req, doc = submitted_with_document
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM authorizations_document")
    assert Document.objects.filter(pk=doc.pk).exists()


def test_a_drafts_documents_may_change_in_the_database_and_go_with_a_discard(
        owner, draft, add):
    doc = add(draft)
    # The trigger lets a draft's rows be (the service never updates them).
    Document.objects.filter(pk=doc.pk).update(kind="other")
    assert owner.post(f"/requests/{draft.pk}/discard/").status_code == 302
    assert not Document.objects.exists()
