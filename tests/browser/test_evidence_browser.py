"""Before submitting, in Chromium: the review step's checklist says the two
reports the policy asks for are missing; the prescriber follows its link to
the documents page by keyboard, uploads both, comes back to the review, and
the request (nothing else flagged) is approved at once. During a request for
information the documents page says it is open for upload. axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from authorizations.models import Status
from authorizations.requests.services import request_create, request_save_draft
from authorizations.review.services import information_request
from tests.factories import approvable_case, make_reviewer
from tests.files import pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(prescriber_user, quick_letters):
    """A draft answered up to the review that meets every criterion."""
    req = request_create(by=prescriber_user, htc=prescriber_user.prescriber.htc)
    return request_save_draft(by=prescriber_user, req=req, answers=approvable_case(),
                              step="attestations")


def test_uploading_the_two_reports_before_submitting_clears_documentation_missing(
        browser_page, draft):
    b, page, req = browser_page, browser_page.page, draft
    keyboard = page.keyboard
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/edit/review/")
    checklist = page.locator(".evidence-checklist")
    expect(checklist.locator(".criteria-list__item").filter(
        has_text="Factor IX lab report")).to_contain_text("Not attached")
    expect(checklist.locator(".criteria-list__item").filter(
        has_text="AAV5 antibody report")).to_contain_text("Not attached")
    preview = page.locator(".criteria-preview")
    expect(preview).to_contain_text("a clinical reviewer must look at this request")
    expect(preview).to_contain_text("No factor IX lab report and no AAV5 antibody report")
    b.check("review-reports-missing")

    # By keyboard: the checklist's link, then each report's kind, file and button.
    link = checklist.get_by_role("link", name="Attach the missing reports on the documents page")
    link.focus()
    with page.expect_navigation():
        keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Supporting documents")
    expect(page.locator("main")).to_contain_text(
        "The policy asks for the factor IX lab report and the AAV5 antibody report")
    b.check("documents-draft")
    for kind, label in (("factor_ix_lab", "Factor IX lab report"),
                        ("aav5_antibody", "AAV5 antibody report")):
        kind_field = page.get_by_label("What kind of document is it?")
        kind_field.focus()
        kind_field.select_option(kind)
        keyboard.press("Tab")  # the criterion: optional, left as it is
        keyboard.press("Tab")
        file_input = page.get_by_label("File", exact=True)
        expect(file_input).to_be_focused()
        file_input.set_input_files({"name": f"{kind}.pdf", "mimeType": "application/pdf",
                                    "buffer": pdf_bytes()})  # the chooser is the system's
        keyboard.press("Tab")
        expect(page.get_by_role("button", name="Upload the document")).to_be_focused()
        with page.expect_navigation():
            keyboard.press("Enter")
        expect(page.locator(".app-messages")).to_contain_text(
            f"Added the document ({label}) to {req.number}")
    expect(page.locator("table tbody tr")).to_have_count(2)
    b.check("documents-both-reports")

    back = page.get_by_role("link", name="Back to the review")
    back.focus()
    with page.expect_navigation():
        keyboard.press("Enter")
    assert page.url.endswith(f"/requests/{req.pk}/edit/review/")
    expect(checklist).not_to_contain_text("Not attached")
    expect(checklist.get_by_text("Attached", exact=True)).to_have_count(2)
    expect(preview).to_contain_text("All criteria are met.")
    expect(page.locator("[name=review-expedited]")).to_have_count(0)
    b.check("review-reports-attached")
    b.continue_()
    expect(page.locator("h1")).to_have_text("Approved")
    req.refresh_from_db()
    assert (req.status, req.review_flags) == (Status.APPROVED, [])


def test_during_a_request_for_information_the_documents_page_is_open_for_upload(
        browser_page, pended):
    b, page, req = browser_page, browser_page.page, pended
    information_request(by=make_reviewer(), req=req, criteria=["alcohol_counseling_attestation"],
                        document_kinds=["clinic_note"], message="Send the counseling note.")
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/documents/")
    main = page.locator("main")
    expect(main).to_contain_text("A clinical reviewer asked for more information: add the "
                                 "documents asked for here, then send your response.")
    expect(main).not_to_contain_text("decided")
    expect(page.get_by_role("button", name="Upload the document")).to_be_visible()
    b.check("documents-information-requested")
    with page.expect_navigation():
        page.get_by_role("link", name="Go to your response").click()
    assert page.url.endswith(f"/requests/{req.pk}/respond/")
