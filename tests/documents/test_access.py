"""Who reads a request's documents: its HTC's prescribers and the reviewers.
Another HTC's prescriber gets 404s; anonymous users the login page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from authorizations.models import AuditEvent, Document
from tests.factories import login
from tests.files import image_bytes, pdf_bytes, post_document

pytestmark = pytest.mark.django_db


def urls(req, doc):
    base = f"/requests/{req.pk}/documents/"
    return [base, f"{base}{doc.pk}/", f"{base}{doc.pk}/remove/"]


def test_another_htcs_prescriber_gets_404_everywhere_and_changes_nothing(
        client, other_prescriber, draft, pending, add):
    docs = [add(draft), add(pending)]
    other = login(client, other_prescriber)
    for req, doc in zip((draft, pending), docs, strict=True):
        for url in urls(req, doc):
            assert other.get(url).status_code == 404, url
        assert other.post(f"/requests/{req.pk}/documents/{doc.pk}/remove/",
                          {"confirm": "yes"}).status_code == 404
        assert post_document(other, req, "x.pdf", pdf_bytes()).status_code == 404
    assert Document.objects.count() == 2
    assert not AuditEvent.objects.filter(actor_id=other_prescriber.pk).exists()


def test_a_document_of_one_request_is_not_found_under_another(owner, draft, pending, add):
    doc = add(pending)
    assert owner.get(f"/requests/{draft.pk}/documents/{doc.pk}/").status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(draft, add):
    doc = add(draft)
    anonymous = Client()
    for url in urls(draft, doc):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/?next="), url
    response = post_document(anonymous, draft, "x.pdf", pdf_bytes())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Document.objects.count() == 1


def test_download_headers(owner, draft, add):
    data = image_bytes("PNG")
    doc = add(draft, "../liver scan.png", data, kind="liver_imaging")
    response = owner.get(f"/requests/{draft.pk}/documents/{doc.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Disposition"] == 'attachment; filename="liver scan.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_download_larger_than_a_slice_comes_back_whole(owner, draft, add, monkeypatch):
    from authorizations.documents import services as documents

    monkeypatch.setattr(documents, "CHUNK_BYTES", 1000)
    data = pdf_bytes(pages=40)
    doc = add(draft, "labs.pdf", data)
    response = owner.get(f"/requests/{draft.pk}/documents/{doc.pk}/")
    chunks = list(response.streaming_content)
    assert len(chunks) == -(-len(data) // 1000) and b"".join(chunks) == data


def test_reviewers_download_submitted_requests_documents_but_not_drafts(
        client, reviewer, draft, pending, add):
    draft_doc, pending_doc = add(draft), add(pending)
    staff = login(client, reviewer)
    response = staff.get(f"/requests/{pending.pk}/documents/{pending_doc.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert staff.get(f"/requests/{draft.pk}/documents/{draft_doc.pk}/").status_code == 404
    # The documents page is the prescriber's: reviewers work in the admin.
    page = staff.get(f"/requests/{pending.pk}/documents/")
    assert page.status_code == 302 and page["Location"] == "/admin/"


def test_reviewer_sees_documents_beside_their_criterion_and_downloads_in_the_admin(
        client, reviewer, pending, add):
    doc = add(pending, "hbv-panel.pdf", kind="viral_tests", criterion="hepatitis_b")
    add(pending, "note.png", image_bytes("PNG"), kind="clinic_note")
    staff = login(client, reviewer)
    page = staff.get(f"/admin/authorizations/authorizationrequest/{pending.pk}/change/")
    html = page.content.decode()
    url = f"/admin/authorizations/authorizationrequest/{pending.pk}/documents/{doc.pk}/"
    assert "Supporting documents" in html and "hbv-panel.pdf" in html
    assert "<code>hepatitis_b</code> Hepatitis B" in html
    # In the criteria table, on the hepatitis_b row.
    criteria = html.split("review-criteria", 1)[1].split("</table>", 1)[0]
    row = criteria.split("<code>hepatitis_b</code>", 1)[1].split("</tr>", 1)[0]
    # Opened inside the page as images (issue 20); the documents table downloads it.
    assert "<summary>Viral tests <small>(hbv-panel.pdf)</small></summary>" in row
    assert reverse("admin:authorizations_authorizationrequest_page",
                   args=[pending.pk, doc.pk]) + "?page=1" in row
    assert f'<a href="{url}">hbv-panel.pdf</a>' in html
    response = staff.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="hbv-panel.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.filter(action="document_download").get()
    assert (event.actor_id, event.object_id, event.detail) == (
        reviewer.pk, str(pending.pk), {"document": doc.pk, "via": "admin"})


def test_admin_download_is_for_the_admin_only(client, prescriber, pending, add):
    doc = add(pending)
    url = f"/admin/authorizations/authorizationrequest/{pending.pk}/documents/{doc.pk}/"
    response = login(client, prescriber).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
