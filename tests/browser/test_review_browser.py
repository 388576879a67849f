"""The review after submission in Chromium: a reviewer asks for information,
the prescriber responds by keyboard, the reviewer denies with a confirmation
step; axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from authorizations.models import Status
from tests.factories import make_reviewer

pytestmark = pytest.mark.browser






def test_information_request_response_and_confirmed_denial(browser_page, pended):
    b, page, req = browser_page, browser_page.page, pended
    # The admin's pages are heavier than the wizard's: more time under load.
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)
    assert req.status == Status.PENDING_REVIEW
    reviewer = make_reviewer()
    change = f"/admin/authorizations/authorizationrequest/{req.pk}/change/"

    b.sign_in_as(reviewer)
    b.goto(change)
    b.check_admin("admin-request")
    form = page.locator("#information")
    form.locator("summary").click()  # collapsed under the decision (issue 20)
    form.get_by_label("Clinic note").check()
    form.get_by_label("What is missing and why").fill("The alcohol counseling note.")
    with page.expect_navigation():
        form.get_by_role("button", name="Send the request for information").click()
    expect(page.locator(".messagelist")).to_contain_text("pended for information")
    b.check_admin("admin-pended")

    page.context.clear_cookies()
    b.login("dr-lee")
    expect(page.get_by_role("link", name=f"Respond to {req.number}")).to_be_visible()
    b.check("dashboard-information")
    b.goto(f"/requests/{req.pk}/respond/")
    b.check("respond")
    note = page.get_by_label("Your note to the reviewer")
    note.focus()
    page.keyboard.type("Counseling note attached.")
    page.keyboard.press("Tab")
    send = page.get_by_role("button", name="Send the response to the reviewer")
    expect(send).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Sent to clinical review")
    b.check("responded")

    b.sign_in_as(reviewer)
    b.goto(change)
    page.get_by_label("Clinical rationale").fill("No counseling documented.")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Deny {req.number}").click()
    expect(page.locator(".review-reasons")).to_contain_text("alcohol", ignore_case=True)
    b.check_admin("deny-confirm")
    confirm = page.get_by_role("button", name=f"Confirm: deny {req.number}")
    confirm.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text(f"{req.number} denied.")
    req.refresh_from_db()
    assert req.status == Status.DENIED
