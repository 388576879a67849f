"""The SMART launch from the CRD card in Chromium (issue 22): the EHR opens
/smart/launch, the prescriber signs in, the browser goes through the EHR's authorize endpoint (a
small EHR on a local port, tests/api/smart_ehr.py) and back to the
callback, and lands on the request form's confirmation page with the EHR's
patient; a launch from an EHR that is not registered gets a page that says
what to do, left by keyboard; the page that goes on to the EHR, held there.
axe-core on each page."""

import json
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from authorizations.api.services import cds_client_register
from authorizations.requests.ehr_services import ehr_launch_create
from tests.api.smart_ehr import CLIENT_ID, PATIENT_ID, FakeEHR
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_a_smart_launch_lands_on_the_confirmation_page(browser_page, prescriber_user):
    htc = prescriber_user.prescriber.htc
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    _, token = ehr_launch_create(
        by=None, htc=htc, order="MedicationRequest/103", patient=PATIENT_ID,
        answers={"patient_first_name": "Ada", "patient_last_name": "Quinlan",
                 "member_id": "UHC-100200300"})
    b = browser_page
    with FakeEHR() as ehr:
        cds_client_register(by=admin, htc=htc, name="Test EHR", issuer="https://ehr.example.org",
                            jwks={"keys": [{"kty": "EC"}]}, smart_launch=True,
                            fhir_base_url=ehr.iss, smart_client_id=CLIENT_ID)
        ehr.app_context = json.dumps({"token": token})
        # Not signed in yet: the login page first, then on with the launch.
        b.goto("/smart/launch?" + urlencode({"iss": ehr.iss, "launch": "xyz123"}))
        expect(b.page.locator("h1")).to_have_text("Sign in")
        assert ehr.paths == []
        b.page.get_by_label("Username").fill("dr-lee")
        b.page.get_by_label("Password").fill(PASSWORD)
        b.page.get_by_role("button", name="Sign in").click()
        expect(b.page.locator("h1")).to_have_text("Start a request from your EHR")
        assert len(ehr.token_forms) == 1
    expect(b.page.locator("main")).to_contain_text("Quinlan")
    expect(b.page.locator("main")).to_contain_text("UHC-100200300")
    b.check("smart-launch-confirm")


def test_a_launch_from_an_unregistered_ehr_says_what_to_do(browser_page, prescriber_user):
    b = browser_page
    b.login("dr-lee")
    b.goto("/smart/launch?" + urlencode({"iss": "https://stranger.example.org/fhir",
                                         "launch": "xyz123"}))
    expect(b.page.locator("h1")).to_have_text("The launch from your EHR did not work")
    expect(b.page.locator("main")).to_contain_text("not registered with this service")
    expect(b.page.get_by_role("heading", name="What to do")).to_be_visible()
    b.check("smart-launch-unknown-iss", status=400)

    back = b.page.locator("main").get_by_role("link", name="Go to your requests")
    back.focus()
    with b.page.expect_navigation():
        b.page.keyboard.press("Enter")
    expect(b.page.locator("h1")).to_have_text("Your requests")


def test_the_page_that_goes_on_to_the_ehr(browser_page, prescriber_user):
    """Held there (the EHR's authorize endpoint answers 204), the page
    says where the browser goes and offers the link, by keyboard."""
    htc = prescriber_user.prescriber.htc
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    b = browser_page
    with FakeEHR() as ehr:
        cds_client_register(by=admin, htc=htc, name="Test EHR", issuer="https://ehr.example.org",
                            jwks={"keys": [{"kty": "EC"}]}, smart_launch=True,
                            fhir_base_url=ehr.iss, smart_client_id=CLIENT_ID)
        held = []
        # A 204 to a navigation leaves the browser on the page it was.
        b.page.route(ehr.base + "/auth/authorize**", lambda route: (
            held.append(route.request.url), route.fulfill(status=204)))
        b.login("dr-lee")
        b.goto("/smart/launch?" + urlencode({"iss": ehr.iss, "launch": "xyz123"}))
        expect(b.page.locator("h1")).to_have_text("Continuing to your EHR")
        b.check("smart-launch-continue")
        assert held and held[0].startswith(ehr.base + "/auth/authorize?")  # the meta refresh
        link = b.page.get_by_role("link", name="Continue to your EHR")
        assert link.get_attribute("href") == held[0]
        # The link is the first stop of the keyboard in the page's content.
        b.page.locator("#main-content").focus()
        b.page.keyboard.press("Tab")
        expect(link).to_be_focused()
