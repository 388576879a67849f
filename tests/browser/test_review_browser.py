"""The review after submission in Chromium: a reviewer asks for information,
the prescriber responds by keyboard, the reviewer denies with a confirmation
step; axe on each page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from authorizations import services
from authorizations.models import Status
from tests.browsing import WCAG_TAGS
from tests.factories import approvable_case, login, make_reviewer

pytestmark = pytest.mark.browser


@pytest.fixture
def pended(prescriber_user, monkeypatch):
    from authorizations import letters

    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 letter " + str(d.pk).encode())
    monkeypatch.setattr(letters, "render_information_pdf", lambda ir: b"%PDF-1.7 info")
    req = services.request_create(by=prescriber_user, htc=prescriber_user.prescriber.htc)
    services.request_save_draft(by=prescriber_user, req=req,
                                answers=approvable_case(attest_alcohol_counseling=False),
                                step="attestations")
    return services.request_submit(by=prescriber_user, req=req).request


def as_reviewer(page, base_url, reviewer):
    client = login(Client(), reviewer)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": base_url}])


def admin_check(b, label):
    """axe on an admin page. The console is read before axe runs (axe's own
    checks may set style attributes, which the CSP blocks); the browser's own
    /favicon.ico request (the admin links none) is a 404."""
    errors = [e for e in b.console_errors if "status of 404" not in e]
    assert errors == [], f"{label}: {errors}"
    page = b.page
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(b.axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [(v["id"], [n["html"][:200] for n in v["nodes"][:5]])
                  for v in result["violations"]]
    assert violations == [], f"{label}: {violations}"
    assert page.locator("h1").count() == 1, label
    b.screenshot(label)
    b.console_errors = []


def test_information_request_response_and_confirmed_denial(browser_page, pended):
    b, page, req = browser_page, browser_page.page, pended
    # The admin's pages are heavier than the wizard's: more time under load.
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)
    assert req.status == Status.PENDING_REVIEW
    reviewer = make_reviewer()
    change = f"/admin/authorizations/authorizationrequest/{req.pk}/change/"

    as_reviewer(page, b.base_url, reviewer)
    b.goto(change)
    admin_check(b, "admin-request")
    form = page.locator("#information")
    form.get_by_label("Clinic note").check()
    form.get_by_label("What is missing and why").fill("The alcohol counseling note.")
    with page.expect_navigation():
        form.get_by_role("button", name="Send the request for information").click()
    expect(page.locator(".messagelist")).to_contain_text("pended for information")
    admin_check(b, "admin-pended")

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

    as_reviewer(page, b.base_url, reviewer)
    b.goto(change)
    page.get_by_label("Clinical rationale").fill("No counseling documented.")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Deny {req.number}").click()
    expect(page.locator(".review-reasons")).to_contain_text("alcohol", ignore_case=True)
    admin_check(b, "deny-confirm")
    confirm = page.get_by_role("button", name=f"Confirm: deny {req.number}")
    confirm.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text(f"{req.number} denied.")
    req.refresh_from_db()
    assert req.status == Status.DENIED
