"""An appeal in Chromium: the prescriber files it by keyboard (after a clear
error), the reviewer who denied is refused, a second reviewer overturns it in
the admin under an exception a third signs (two keys); axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from authorizations.appeals.services import appeal_file
from authorizations.models import Appeal, Status
from authorizations.requests.services import request_decide
from tests.factories import make_reviewer

pytestmark = pytest.mark.browser


@pytest.fixture
def denied(pended):
    reviewer = make_reviewer()
    request_decide(by=reviewer, req=pended, approve=False,
                   rationale="Counseling on alcohol is not documented.")
    pended.refresh_from_db()
    return pended, reviewer






def test_file_an_appeal_and_overturn_it_as_a_second_reviewer(browser_page, denied):
    b, page = browser_page, browser_page.page
    req, first_reviewer = denied
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)

    # The prescriber: the denied request offers the appeal.
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/")
    b.check("request-denied")
    link = page.get_by_role("link", name="Appeal this decision")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Appeal the denial")
    expect(page.locator("body")).to_contain_text("Counseling on alcohol is not documented.")
    b.check("appeal-form")

    # Filed without the attestation: the error names the field, the statement stays.
    statement = page.get_by_label("Why the denial should be overturned")
    statement.focus()
    page.keyboard.type("The clinic note of October 20 records the counseling.")
    with page.expect_navigation():
        page.get_by_role("button", name="File the appeal").press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text(
        "Confirm that you act as the member's authorized representative")
    expect(statement).to_have_value("The clinic note of October 20 records the counseling.")
    b.check("appeal-error", status=400)

    box = page.get_by_label("I act as the member's authorized representative in this appeal")
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="File the appeal").press("Enter")
    expect(page.locator("body")).to_contain_text("Open: awaiting decision")
    expect(page.locator("body")).to_contain_text("30 days (standard)")
    b.check("appeal-filed")
    appeal = Appeal.objects.get(request=req)

    # The reviewer who denied: refused, with the reason.
    decide = f"/admin/authorizations/appeal/{appeal.pk}/decide/"
    b.sign_in_as(first_reviewer)
    b.goto(decide)
    expect(page.locator(".errornote")).to_contain_text("You denied")
    expect(page.get_by_role("button", name="Uphold the denial")).to_have_count(0)
    b.check_admin("admin-appeal-refused")

    # A second reviewer: the queue, then the decision.
    second = make_reviewer("reviewer-2", credentials="MD, Hematology and Oncology")
    b.sign_in_as(second)
    b.goto("/admin/authorizations/appeal/")
    b.check_admin("admin-appeals-queue")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Appeal of {req.number}").click()
    b.check_admin("admin-appeal-decide")
    # The attestation is unmet: overturning takes two keys, as a first approval.
    expect(page.get_by_role("button", name=f"Overturn: approve {req.number}")).to_have_count(0)
    page.get_by_label("Exception reason").select_option("records_show_met")
    page.get_by_label("Your rationale for the exception").fill(
        "The clinic note documents the counseling.")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask a second reviewer to sign").click()
    expect(page.locator(".messagelist")).to_contain_text("awaits a second reviewer")
    expect(page.locator("#exception")).to_contain_text("Exception pending")
    b.check_admin("admin-appeal-exception-pending")
    req.refresh_from_db()
    assert req.status == Status.DENIED

    # A third reviewer, who took no part, turns the second key.
    b.sign_in_as(make_reviewer("reviewer-3", credentials="MD, Transfusion medicine"))
    b.goto(decide)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Sign the exception and overturn the denial of "
                                        f"{req.number}").click()
    expect(page.locator(".messagelist")).to_contain_text("overturned under two keys")
    b.check_admin("admin-appeal-decided")
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_upholding_shows_the_letters_reasons_to_confirm(browser_page, denied, prescriber_user):
    b, page = browser_page, browser_page.page
    req, _ = denied
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)
    appeal = appeal_file(by=prescriber_user, req=req, statement="Please reconsider.",
                         expedited=False, representative=True)
    b.sign_in_as(make_reviewer("reviewer-2", credentials="MD, Hematology and Oncology"))
    b.goto(f"/admin/authorizations/appeal/{appeal.pk}/decide/")
    page.get_by_label("Clinical rationale").fill("No counseling is documented.")
    with page.expect_navigation():
        page.get_by_role("button", name="Uphold the denial…").click()
    expect(page.locator(".review-reasons")).to_contain_text("Alcohol counseling attestation")
    b.check_admin("admin-appeal-confirm-uphold")
    appeal.refresh_from_db()
    assert appeal.is_open  # nothing decided before the confirmation
    confirm = page.get_by_role("button", name=f"Confirm: uphold the denial of {req.number}")
    confirm.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("is decided: denial upheld")
    b.check_admin("admin-appeal-upheld")
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld"


def test_a_reviewer_records_the_members_appeal_by_keyboard(browser_page, denied):
    """Issue 21: an appeal the member sent by mail, typed in by a reviewer; a
    phone appeal for a standard appeal is refused with the field named, and
    nothing typed is lost."""
    b, page = browser_page, browser_page.page
    req, _ = denied
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)
    b.sign_in_as(make_reviewer("reviewer-2", credentials="MD, Hematology and Oncology"))
    b.goto("/admin/authorizations/appeal/")
    link = page.get_by_role("link", name="Record an appeal received by mail, fax or phone")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    b.check_admin("admin-appeal-record")
    page.get_by_label("Request number").fill(req.number)
    page.get_by_label("The member", exact=True).check()
    page.get_by_label("Phone (orally, expedited appeals only)").check()
    page.get_by_label("What the appeal says").fill("Please look at my records again.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the appeal").press("Enter")
    expect(page.locator(".errornote")).to_contain_text(
        "Received by: A phone appeal is taken for an expedited appeal only")
    expect(page.get_by_label("What the appeal says")).to_have_value(
        "Please look at my records again.")
    # The page's own 400, which the browser logs as an error.
    b.console_errors = [e for e in b.console_errors if "status of 400" not in e]
    b.check_admin("admin-appeal-record-error")
    page.get_by_label("Mail", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the appeal").press("Enter")
    expect(page.locator(".messagelist")).to_contain_text(f"The appeal of {req.number} is "
                                                         "recorded")
    expect(page.locator("body")).to_contain_text("by the member, by mail; recorded by")
    b.check_admin("admin-appeal-recorded")
    assert Appeal.objects.get(request=req).receipt.received_via == "mail"
