"""The conversation after submission in Chromium, by keyboard where a user
types: changing an answer in a response, an expedited review and a
peer-to-peer discussion asked for, the reviewer's side in the admin, the
admin home, and password reset. axe on each page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from authorizations.models import AnswerVersion, Status
from authorizations.review.services import information_request
from tests.factories import make_reviewer

pytestmark = pytest.mark.browser


def test_changing_an_answer_in_a_response(browser_page, pended):
    b, page, req = browser_page, browser_page.page, pended
    page.set_default_timeout(20000)
    reviewer = make_reviewer()
    information_request(by=reviewer, req=req,
                        criteria=["alcohol_counseling_attestation"],
                        document_kinds=[], message="Was the patient counseled?")
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/respond/")
    b.check("respond-with-steps")

    # A bad value: the field's message, the typed text kept.
    with page.expect_navigation():
        page.get_by_role("link", name="Patient", exact=True).click()
    b.check("respond-step-patient")
    weight = page.locator('[name="patient-weight_kg"]')
    weight.fill("900")
    with page.expect_navigation():
        page.get_by_role("button", name="Save these answers").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(weight).to_have_value("900")
    b.check("respond-step-error", status=400)

    b.goto(f"/requests/{req.pk}/respond/attestations/")
    box = page.locator('input[name="attestations-attest_alcohol_counseling"]')
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    b.check("respond-step-attestations")
    with page.expect_navigation():
        page.get_by_role("button", name="Save these answers").click()
    expect(page.locator("body")).to_contain_text("as version 2 of the answers")
    expect(page.locator("body")).to_contain_text("Not ticked → Ticked")
    b.check("respond-version-2")
    assert AnswerVersion.objects.filter(request=req).count() == 2

    with page.expect_navigation():
        page.get_by_role("button", name="Send the response to the reviewer").click()
    expect(page.locator("h1")).to_have_text("Approved")
    b.check("response-approved")
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_expedite_peer_to_peer_and_the_reviewers_side(browser_page, pended, prescriber_user):
    b, page, req = browser_page, browser_page.page, pended
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ask for an expedited review").click()
    b.check("expedite")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask for an expedited review").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter why an expedited review")
    b.check("expedite-error", status=400)
    reason = page.get_by_label("Why is an expedited review needed?")
    reason.focus()
    page.keyboard.type("Weekly joint bleeds despite prophylaxis.")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask for an expedited review").click()
    expect(page.locator("body")).to_contain_text("is now an expedited review")

    with page.expect_navigation():
        page.get_by_role("link", name="Ask for a peer-to-peer discussion").click()
    b.check("peer-to-peer")
    when = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        hour=14, minute=30, second=0, microsecond=0)
    page.get_by_label("First time you are available").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("What you would like to discuss (optional)").fill("The dose.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send your request").click()
    expect(page.locator("body")).to_contain_text("the reviewer will schedule one")
    b.check("request-with-discussion")

    reviewer = make_reviewer()
    b.sign_in_as(reviewer)
    b.goto("/admin/")
    expect(page.locator("#work")).to_contain_text("Pending clinical review")
    b.check_admin("admin-home")
    b.goto(f"/admin/authorizations/authorizationrequest/{req.pk}/change/")
    b.check_admin("admin-request-conversation")
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule the discussion").click()
    expect(page.locator(".messagelist")).to_contain_text("is scheduled")
    b.check_admin("admin-scheduled")
    req.refresh_from_db()
    assert req.expedited and req.peer_to_peers.get().scheduled_at == when


def test_password_reset_pages(browser_page, prescriber_user):
    b, page = browser_page, browser_page.page
    b.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("link", name="Forgot your password?").click()
    b.check("password-reset")
    email = page.get_by_label("Email")
    email.focus()
    page.keyboard.type("nobody@nowhere.example")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Check your email")
    b.check("password-reset-done")
    b.goto("/accounts/reset/MQ/made-up-token/")
    expect(page.locator("h1")).to_have_text("This link does not work")
    b.check("password-reset-bad-link")
