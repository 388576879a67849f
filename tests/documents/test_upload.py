"""Adding documents on the documents page: what is kept, what is refused and
how the page says so, keeping what was chosen."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from authorizations.documents import services as documents
from authorizations.models import Document, DocumentKind
from tests.files import HTML, image_bytes, pdf_bytes, pdf_of_size, post_document

pytestmark = pytest.mark.django_db


def test_documents_page_lists_and_offers_the_upload_form(owner, draft, add):
    add(draft, "labs.pdf", criterion="severity")
    page = owner.get(f"/requests/{draft.pk}/documents/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Supporting documents</h1>" in html
    assert "labs.pdf" in html and "Severity and factor IX activity" in html
    assert 'enctype="multipart/form-data"' in html
    assert f'action="/requests/{draft.pk}/documents/"' in html
    assert "Documents (1 of at most 20)" in html


def test_a_real_pdf_is_kept_with_its_bytes_kind_and_criterion(owner, draft):
    data = pdf_bytes(pages=2)
    response = post_document(owner, draft, "FIX activity.pdf", data, kind="factor_ix_lab",
                             criterion="severity")
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{draft.pk}/documents/"
    doc = Document.objects.get()
    assert (doc.request_id, doc.kind, doc.criterion) == (draft.pk, "factor_ix_lab", "severity")
    assert (doc.file_name, doc.content_type, doc.size) == ("FIX activity.pdf",
                                                           "application/pdf", len(data))
    assert bytes(doc.content) == data and doc.sha256 == hashlib.sha256(data).hexdigest()
    page = owner.get(response["Location"]).content.decode()
    assert "Added the document (Factor IX lab report) to" in page and "FIX activity.pdf" in page


def test_a_real_png_and_jpeg_are_kept(owner, draft):
    assert post_document(owner, draft, "liver.png", image_bytes("PNG"),
                         kind="liver_imaging").status_code == 302
    assert post_document(owner, draft, "assay.jpeg", image_bytes("JPEG"),
                         kind="inhibitor_assay").status_code == 302
    assert sorted(Document.objects.values_list("content_type", flat=True)) == [
        "image/jpeg", "image/png"]


def test_html_renamed_pdf_is_refused_naming_the_file_and_keeping_the_choices(owner, draft):
    response = post_document(owner, draft, "labs-march.pdf", HTML, kind="liver_panel",
                             criterion="liver_health")
    assert response.status_code == 400
    html = response.content.decode()
    assert "labs-march.pdf is not a PDF, PNG or JPEG file" in html
    assert "<title>Error: " in html and "There is a problem" in html
    assert 'href="#document-file"' in html  # the summary links to the field
    assert '<option value="liver_panel" selected>' in html
    assert '<option value="liver_health" selected>' in html
    assert not Document.objects.exists()


def test_encrypted_pdf_is_refused(owner, draft):
    response = post_document(owner, draft, "locked.pdf", pdf_bytes(password="pw"))
    assert response.status_code == 400
    assert "locked.pdf is password-protected" in response.content.decode()
    assert not Document.objects.exists()


def test_a_png_sent_as_pdf_is_kept_as_the_png_it_is(owner, draft):
    assert post_document(owner, draft, "scan.pdf", image_bytes("PNG")).status_code == 302
    doc = Document.objects.get()
    assert (doc.content_type, doc.file_name) == ("image/png", "scan.png")


def test_a_name_with_dot_dot_slash_is_cleaned(owner, draft):
    response = post_document(owner, draft, "../../../etc/cron.d/labs.pdf", pdf_bytes())
    assert response.status_code == 302
    assert Document.objects.get().file_name == "labs.pdf"


def test_a_21_mb_file_is_refused_before_it_is_read_whole(owner, draft, monkeypatch):
    received = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        received.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    monkeypatch.setattr(documents, "inspect", lambda *a: pytest.fail("the file was read"))
    big = b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024)
    response = post_document(owner, draft, "whole-chart.pdf", big, kind="clinic_note",
                             criterion="hiv")
    assert response.status_code == 413
    html = response.content.decode()
    assert "whole-chart.pdf is larger than 20 MB" in html
    # Nothing of the file was stored, even in a temporary file; the choices stay.
    assert received == []
    assert '<option value="clinic_note" selected>' in html
    assert '<option value="hiv" selected>' in html
    assert not Document.objects.exists()


def test_the_service_checks_the_size_before_reading(draft, prescriber):
    class Huge:
        name = "huge.pdf"
        size = documents.MAX_BYTES + 1

        def read(self, *args):
            pytest.fail("read")

        seek = read

    with pytest.raises(documents.DocumentRefused, match="too_large") as caught:
        documents.document_add(by=prescriber, req=draft, upload=Huge(), kind="other")
    assert caught.value.message.startswith("huge.pdf is larger than 20 MB")


def test_exactly_20_mb_is_accepted(draft, prescriber):
    from django.core.files.uploadedfile import SimpleUploadedFile

    padded = pdf_of_size(documents.MAX_BYTES)
    doc = documents.document_add(by=prescriber, req=draft,
                                 upload=SimpleUploadedFile("big.pdf", padded), kind="other")
    assert doc.size == documents.MAX_BYTES


def test_the_21st_document_is_refused(owner, draft, add):
    for n in range(20):
        add(draft, f"page-{n}.png", image_bytes("PNG"))
    response = post_document(owner, draft, "one-more.pdf", pdf_bytes())
    assert response.status_code == 400
    assert "already has 20 documents" in response.content.decode()
    assert Document.objects.filter(request=draft).count() == 20


def test_kind_is_required_and_criterion_must_be_a_policy_criterion(owner, draft):
    response = post_document(owner, draft, "labs.pdf", pdf_bytes(), kind="",
                             criterion="no_such_criterion")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose what kind of document this is." in html
    assert "Choose a criterion from the list, or none." in html
    assert not Document.objects.exists()


def test_a_post_without_a_file_says_so(owner, draft):
    response = owner.post(f"/requests/{draft.pk}/documents/", {"kind": "other"})
    assert response.status_code == 400
    assert "Choose a PDF, PNG or JPEG file to upload." in response.content.decode()


def test_service_refuses_an_unknown_kind(draft, prescriber):
    from tests.files import upload

    with pytest.raises(documents.DocumentRefused) as caught:
        documents.document_add(by=prescriber, req=draft, upload=upload("a.pdf", pdf_bytes()),
                               kind="x-ray")
    assert caught.value.field == "kind"
    assert "x-ray" not in DocumentKind.values


def test_documents_can_be_added_while_pending_review_but_not_once_decided(
        owner, pending, approved):
    assert post_document(owner, pending, "rfi.pdf", pdf_bytes()).status_code == 302
    response = post_document(owner, approved, "late.pdf", pdf_bytes())
    assert response.status_code == 400
    assert "documents can no longer be added" in response.content.decode()
    # The approved one has only the two reports it was submitted with.
    assert list(Document.objects.filter(request=approved).values_list("kind", flat=True)) == [
        "factor_ix_lab", "aav5_antibody"]
    assert list(Document.objects.filter(request=pending).values_list("file_name", flat=True)) \
        == ["rfi.pdf"]
    # The decided request's page has no upload form.
    assert 'type="file"' not in owner.get(f"/requests/{approved.pk}/documents/").content.decode()


def test_the_review_page_lists_documents_and_uploads_come_back_to_it(owner, draft, add):
    add(draft, "labs.pdf", criterion="severity")
    review = f"/requests/{draft.pk}/edit/review/"
    page = owner.get(review)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Supporting documents (1 of at most 20)" in html and "labs.pdf" in html
    documents_page = f"/requests/{draft.pk}/documents/?next={quote(review, safe='')}"
    assert f'href="{documents_page}"' in html
    assert f'<input type="hidden" name="next" value="{review}">' in html
    response = post_document(owner, draft, "liver.png", image_bytes("PNG"), next=review)
    assert response.status_code == 302 and response["Location"] == review
    # A refusal shows the documents page, which still goes back to the review.
    refused = post_document(owner, draft, "x.pdf", HTML, next=review)
    assert refused.status_code == 400
    assert f'<input type="hidden" name="next" value="{review}">' in refused.content.decode()


def test_the_documents_page_opened_from_the_review_stays_and_goes_back_to_it(owner, draft):
    review = f"/requests/{draft.pk}/edit/review/"
    page = owner.get(f"/requests/{draft.pk}/documents/", {"next": review})
    html = page.content.decode()
    assert f'<a href="{review}">Back to the review</a>' in html
    assert f'<input type="hidden" name="back" value="{review}">' in html
    assert 'name="next"' not in html
    # An upload here stays here (several may follow), keeping the way back.
    response = post_document(owner, draft, "labs.pdf", pdf_bytes(), back=review)
    assert response["Location"] == (f"/requests/{draft.pk}/documents/"
                                    f"?next={quote(review, safe='')}")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/requests/999999/edit/review/", "/admin/"])
def test_next_and_back_go_only_to_a_page_of_the_same_request(owner, draft, target):
    response = post_document(owner, draft, "labs.pdf", pdf_bytes(), next=target, back=target)
    assert response["Location"] == f"/requests/{draft.pk}/documents/"
    page = owner.get(f"/requests/{draft.pk}/documents/", {"next": target}).content.decode()
    assert target not in page


def test_the_request_page_lists_documents(owner, pending, add):
    add(pending, "rfi.pdf", kind="clinic_note")
    html = owner.get(f"/requests/{pending.pk}/").content.decode()
    assert "Supporting documents (1 of at most 20)" in html and "rfi.pdf" in html
    back = quote(f"/requests/{pending.pk}/", safe="")
    assert f'href="/requests/{pending.pk}/documents/?next={back}">Add documents</a>' in html
