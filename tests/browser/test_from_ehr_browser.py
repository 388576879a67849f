"""The CRD card's link in Chromium (issue 22): the prescriber sees what the
EHR sent, starts the request by keyboard, and lands on the prefilled first
step; axe-core on both pages."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from authorizations.requests.ehr_services import ehr_launch_create
from tests.cases import iso

pytestmark = pytest.mark.browser


def test_start_a_request_from_the_ehrs_link_by_keyboard(browser_page, prescriber_user):
    _, token = ehr_launch_create(
        by=None, htc=prescriber_user.prescriber.htc, order="MedicationRequest/103",
        answers={"patient_first_name": "Ada", "patient_last_name": "Quinlan",
                 "date_of_birth": "1985-04-12", "member_id": "UHC-100200300",
                 "weight_kg": 72, "weight_date": iso(-7)})
    b = browser_page
    b.login("dr-lee")
    b.goto(reverse("request_from_ehr", args=[token]))
    expect(b.page.locator("h1")).to_have_text("Start a request from your EHR")
    expect(b.page.locator("main")).to_contain_text("UHC-100200300")
    b.check("from-ehr-confirm")

    start = b.page.get_by_role("button", name="Start the request with these answers")
    start.focus()
    with b.page.expect_navigation():
        b.page.keyboard.press("Enter")
    expect(b.page.locator("body")).to_contain_text("started with the answers your EHR sent")
    expect(b.page.get_by_label("Member ID")).to_have_value("UHC-100200300")
    b.check("from-ehr-first-step")
