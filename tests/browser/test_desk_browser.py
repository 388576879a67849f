"""The reviewer's desk in Chromium, as a reviewer: claim a case from the queue
(which fits 1280 px), open a document inside the request page, deny with
reasons, and approve past an "unproven" exclusion under two keys; axe-core
on every admin page the desk touches."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from authorizations.appeals.services import appeal_file
from authorizations.documents.services import document_add
from authorizations.models import AuditEvent, Status
from tests.factories import make_reviewer
from tests.files import pdf_bytes, upload

pytestmark = pytest.mark.browser

QUEUE = "/admin/authorizations/authorizationrequest/"


def change(req) -> str:
    return f"{QUEUE}{req.pk}/change/"


@pytest.fixture
def desk(browser_page):
    page = browser_page.page
    # The admin's pages are heavier than the wizard's: more time under load.
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)
    page.set_viewport_size({"width": 1280, "height": 900})
    return browser_page


def test_claim_a_case_from_a_queue_that_fits_1280_px(desk, submitted):
    b, page = desk, desk.page
    reqs = [submitted(attest_alcohol_counseling=False, member_id=f"M-DESK-{i}",
                      hbsag="positive", aav5_nab_titer=900) for i in range(3)]
    b.sign_in_as(make_reviewer())
    b.goto(QUEUE + "?view=unassigned")
    b.check_admin("desk-queue")
    # No horizontal scroll at 1280 px.
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    with page.expect_navigation():
        page.get_by_role("button", name=f"Claim {reqs[0].number}").click()
    expect(page.locator(".messagelist")).to_contain_text(f"You own {reqs[0].number} now.")
    b.goto(QUEUE + "?view=mine")
    expect(page.locator("#result_list")).to_contain_text(reqs[0].number)
    expect(page.locator("#result_list td.field-owner_display").first).to_have_text(
        "Rita Reviewer")
    b.check_admin("desk-mine")


def test_open_a_document_in_the_page_then_deny_with_reasons(desk, submitted, prescriber_user):
    b, page = desk, desk.page
    req = submitted(attest_alcohol_counseling=False)
    document_add(by=prescriber_user, req=req, kind="clinic_note",
                 criterion="alcohol_counseling_attestation",
                 upload=upload("counseling.pdf", pdf_bytes(pages=2), "application/pdf"))
    reviewer = make_reviewer()
    b.sign_in_as(reviewer)
    b.goto(change(req))
    b.check_admin("desk-request")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    page.locator("#criteria summary", has_text="Clinic note").click()
    image = page.get_by_alt_text("First page of Clinic note, counseling.pdf")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    assert AuditEvent.objects.filter(action="document_view", actor_id=reviewer.pk).exists()
    b.screenshot("desk-document-open")
    with page.expect_navigation():
        page.get_by_role("link", name="Every page of counseling.pdf").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    b.check_admin("desk-viewer")

    b.goto(change(req))
    decide = page.locator("#decide")
    decide.get_by_label("Alcohol counseling attestation").check()
    decide.get_by_label("Clinical rationale").fill("No counseling documented.")
    with page.expect_navigation():
        decide.get_by_role("button", name=f"Deny {req.number}").click()
    b.check_admin("desk-deny-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Confirm: deny {req.number}").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{req.number} denied.")
    req.refresh_from_db()
    assert req.status == Status.DENIED

    # The appeal: greyed out in the queue for the reviewer who denied, with the reason.
    appeal = appeal_file(by=prescriber_user, req=req, statement="Counseled on 10/20.",
                         expedited=False, representative=True)
    b.goto("/admin/authorizations/appeal/")
    expect(page.locator("#result_list .review-greyed")).to_contain_text("You denied")
    b.check_admin("desk-appeals")
    b.goto(f"/admin/authorizations/appeal/{appeal.pk}/decide/")
    expect(page.locator("#criteria")).to_contain_text("Alcohol counseling attestation")
    b.check_admin("desk-appeal")


def test_approve_past_an_unproven_exclusion_under_two_keys(desk, submitted):
    b, page = desk, desk.page
    req = submitted(hbsag="positive")
    assert req.status == Status.PENDING_REVIEW
    first, second = make_reviewer(), make_reviewer(username="second")
    b.sign_in_as(first)
    b.goto(change(req))
    decide = page.locator("#decide")
    expect(decide.get_by_role("button", name=f"Approve {req.number}")).to_have_count(0)
    decide.get_by_label("Exception reason").select_option("records_show_met")
    decide.get_by_label("Your rationale for the exception").fill(
        "The repeat HBsAg of November 20 is negative.")
    with page.expect_navigation():
        decide.get_by_role("button", name="Ask a second reviewer to sign").click()
    expect(page.locator(".review-header")).to_contain_text("Exception pending")
    b.check_admin("desk-exception-pending")
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW

    # The second reviewer finds it from the admin home: the exceptions awaiting
    # their signature, counted there and listed in the queue's own view.
    b.sign_in_as(second)
    b.goto("/admin/")
    work = page.locator("#work")
    expect(work.get_by_role("row", name="Exceptions awaiting my signature")).to_contain_text("1")
    with page.expect_navigation():
        work.get_by_role("link", name="Exceptions awaiting my signature").click()
    expect(page.locator("#result_list")).to_contain_text(req.number)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    b.check_admin("desk-to-sign")
    b.goto(change(req))
    sign = page.get_by_role("button", name=f"Sign the exception and approve {req.number}")
    sign.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("approved under two keys")
    b.check_admin("desk-approved")
    req.refresh_from_db()
    assert req.status == Status.APPROVED
