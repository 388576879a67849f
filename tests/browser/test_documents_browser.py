"""Supporting documents in Chromium: a prescriber attaches files on the
documents page and from the review (axe on each page, keyboard only where a
person would type), and a reviewer downloads one from the admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from authorizations.models import AuditEvent, Document, Status
from authorizations.requests.services import request_create, request_save_draft
from tests.factories import approvable_case, make_reviewer
from tests.files import HTML, pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def pended_draft(prescriber_user, monkeypatch):
    """A draft answered up to the review that a reviewer will have to decide."""
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 letter " + str(d.pk).encode())
    req = request_create(by=prescriber_user, htc=prescriber_user.prescriber.htc)
    return request_save_draft(by=prescriber_user, req=req,
                              answers=approvable_case(hbsag="positive"),
                              step="attestations")


def test_prescriber_attaches_documents_and_reviewer_downloads_one(
        browser_page, prescriber_user, pended_draft, tmp_path):
    b, page, req = browser_page, browser_page.page, pended_draft
    keyboard = page.keyboard
    fake = tmp_path / "hbv results.pdf"
    fake.write_bytes(HTML)
    real = tmp_path / "hbv results (real).pdf"
    real.write_bytes(pdf_bytes(pages=2))
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/documents/")
    expect(page.locator("h1")).to_have_text("Supporting documents")
    expect(page.get_by_text("No documents yet.")).to_be_visible()
    b.check("documents-empty")

    # By keyboard: the kind, then the criterion, then the file, in tab order.
    kind = page.get_by_label("What kind of document is it?")
    kind.focus()
    kind.select_option("viral_tests")
    keyboard.press("Tab")
    criterion = page.get_by_label("Which criterion does it support? (optional)")
    expect(criterion).to_be_focused()
    criterion.select_option("hepatitis_b")
    keyboard.press("Tab")
    file_input = page.get_by_label("File", exact=True)
    expect(file_input).to_be_focused()
    file_input.set_input_files(str(fake))  # the file chooser is the system's
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Upload the document")).to_be_focused()
    with page.expect_navigation():
        keyboard.press("Enter")

    # Refused by its content, named, and the choices kept.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("hbv results.pdf is not a PDF, PNG or JPEG file")
    expect(kind).to_have_value("viral_tests")
    expect(criterion).to_have_value("hepatitis_b")
    expect(page).to_have_title(f"Error: Supporting documents for {req.number} – "
                               "Hemgenix prior authorization")
    b.check("documents-refused", status=400)
    summary.get_by_role("link").click()
    expect(file_input).to_be_focused()
    file_input.set_input_files(str(real))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload the document").click()
    expect(page.locator(".app-messages")).to_contain_text(
        f"Added the document (Viral tests) to {req.number}")
    row = page.locator("table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("hbv results (real).pdf")
    expect(row).to_contain_text("Hepatitis B")
    b.check("documents-one")

    # Removal asks first; "No" keeps it.
    page.get_by_role("link", name="Remove hbv results (real).pdf").click()
    expect(page.locator("h1")).to_have_text("Remove hbv results (real).pdf?")
    b.check("document-remove")
    page.get_by_role("link", name="No, keep it").click()
    expect(row).to_have_count(1)

    # The review lists it and takes another upload, coming back to the review.
    b.goto(f"/requests/{req.pk}/edit/review/")
    expect(page.get_by_role("heading", name="Supporting documents (1 of at most 20)")) \
        .to_be_visible()
    page.get_by_label("What kind of document is it?").select_option("clinic_note")
    page.get_by_label("File", exact=True).set_input_files(str(real))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload the document").click()
    assert page.url.endswith(f"/requests/{req.pk}/edit/review/")
    expect(page.get_by_role("heading", name="Supporting documents (2 of at most 20)")) \
        .to_be_visible()
    b.check("review-with-documents")
    b.fill_step(approvable_case(hbsag="positive"), expedited="no")
    b.continue_()
    expect(page.locator("h1")).to_have_text("Sent to clinical review")
    b.check("result-with-documents")
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW and req.documents.count() == 2

    # The reviewer finds it beside its criterion and downloads it.
    reviewer = make_reviewer()
    b.sign_in_as(reviewer)
    b.goto(f"/admin/authorizations/authorizationrequest/{req.pk}/change/")
    documents = page.locator(".review-documents")
    expect(documents).to_contain_text("hbv results (real).pdf")
    expect(documents).to_contain_text("hepatitis_b")
    # The criteria table opens it inside the page (issue 20); the documents
    # table downloads it.
    expect(page.locator(".review-criteria summary", has_text="Viral tests")).to_be_visible()
    link = documents.locator("tr", has_text="Viral tests").get_by_role(
        "link", name="hbv results (real).pdf")
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "hbv results (real).pdf"
    assert download.path().read_bytes() == real.read_bytes()
    doc = Document.objects.get(request=req, kind="viral_tests")
    assert AuditEvent.objects.filter(action="document_download", actor_id=reviewer.pk,
                                     detail={"document": doc.pk, "via": "admin"}).exists()
