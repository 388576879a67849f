"""The treatment pages in Chromium, axe on each: the request's state, the
infusion form (an error keeps what was typed), the follow-up schedule and an
assessment, the cancel page and the dashboard's "Follow-up due"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from authorizations.requests.services import request_create, request_save_draft, request_submit
from tests.cases import case_tested_on
from tests.factories import attach_reports

pytestmark = pytest.mark.browser


def approved(user, member_id, **changes):
    today = timezone.localdate()
    req = request_create(by=user, htc=user.prescriber.htc)
    request_save_draft(by=user, req=req, step="review", answers=case_tested_on(
        (today - timedelta(days=10)).isoformat(), member_id=member_id, **changes))
    attach_reports(user, req)
    request_submit(by=user, req=req, as_of=today)
    req.refresh_from_db()
    return req


@pytest.fixture
def quick_pdf(monkeypatch):
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 letter " + str(d.pk).encode())


def test_infusion_follow_up_and_cancel_pages(browser_page, prescriber_user, quick_pdf):
    b, page = browser_page, browser_page.page
    req = approved(prescriber_user, "BRW-1")
    other = approved(prescriber_user, "BRW-2", patient_first_name="Other")
    assert hasattr(other, "authorization")
    today = timezone.localdate()
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/")
    expect(page.get_by_text("State:")).to_be_visible()
    b.check("request-active")

    b.goto(f"/requests/{req.pk}/infusion/")
    b.check("infusion-form")
    page.get_by_label("Infusion date").fill(f"{today - timedelta(days=30):%m/%d/%Y}")
    page.get_by_label("Lot number(s)").fill("LOT-A1, LOT-A2")
    page.get_by_label("Weight on the day of infusion (kg)").fill("72")
    page.get_by_label("Dose given (genome copies per kg)").fill("2 x 10^13")
    page.get_by_label("Treated bleeding episodes in the 12 months before infusion").fill("3")
    page.locator('input[name="full_dose"][value="yes"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the infusion").click()
    expect(page.get_by_role("link", name="The infusion date must be within the authorization "
                                         "window", exact=False)).to_be_visible()
    expect(page.get_by_label("Lot number(s)")).to_have_value("LOT-A1, LOT-A2")
    b.check("infusion-error")
    field = page.get_by_label("Infusion date")
    field.fill(f"{today:%m/%d/%Y}")
    field.press("Enter")  # the keyboard submits the form
    page.wait_for_url(f"**/requests/{req.pk}/follow-ups/")
    expect(page.locator("tbody tr")).to_have_count(10)
    b.check("follow-ups")

    b.goto(f"/requests/{req.pk}/follow-ups/1/")
    b.check("follow-up-form")
    page.get_by_label("Factor IX activity (% of normal)").fill("<1")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit the assessment").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Factor IX activity (% of normal)")).to_have_value("<1")
    b.check("follow-up-errors")

    b.goto(f"/requests/{req.pk}/infusion/")
    expect(page.get_by_text("144 mL")).to_be_visible()
    b.check("infusion-recorded")

    b.goto(f"/requests/{other.pk}/authorization/cancel/")
    b.check("cancel")
    page.get_by_label("Reason for cancelling").fill("Infusion postponed")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel this authorization").click()
    expect(page.get_by_text("Cancelled", exact=False).first).to_be_visible()
    b.check("request-cancelled")

    b.goto("/requests/")
    expect(page.get_by_role("heading", name="Follow-up due")).to_be_visible()
    b.check("dashboard")
