"""The upload page in Chromium: reachable from the dashboard, usable with the
keyboard alone, no axe violations (WCAG 2.1 A/AA), problems announced."""

from __future__ import annotations

import json

import pytest

from authorizations import fhir, policy
from authorizations.models import AuthorizationRequest
from tests.browsing import AXE_PATH as AXE
from tests.browsing import AXE_RUN, PASSWORD
from tests.browsing import WCAG_TAGS as WCAG
from tests.cases import approvable_case
from tests.factories import PrescriberFactory

pytestmark = pytest.mark.browser

@pytest.fixture
def page_as_prescriber(page, live_server, transactional_db):
    user = PrescriberFactory(user__username="dr-import").user
    user.set_password(PASSWORD)
    user.save()
    page.set_default_timeout(5000)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("dr-import")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/requests/")
    return page


def axe_violations(page) -> list:
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        AXE_RUN, WCAG)
    return [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in result["violations"]]


def focus_by_tab(page, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with Tab")


def test_upload_by_keyboard_with_problems_then_success(page_as_prescriber, tmp_path):
    page = page_as_prescriber
    focus_by_tab(page, 'a[href="/requests/import/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/requests/import/")
    assert axe_violations(page) == []
    assert page.locator("h1").inner_text() == "Import answers from your EHR"

    bad = json.loads(fhir.dumps(fhir.build_response(
        approvable_case(), version=policy.CURRENT, status="completed")))
    bad["item"][0]["item"][4]["answer"] = [{"valueDecimal": 9}]  # weight_kg
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad))
    focus_by_tab(page, "#id_file")
    page.locator("#id_file").set_input_files(str(bad_file))
    focus_by_tab(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "weight_kg" in page.locator("#import-problems").inner_text()
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == []
    assert not AuthorizationRequest.objects.exists()

    good_file = tmp_path / "good.json"
    good_file.write_text(fhir.dumps(fhir.build_response(
        approvable_case(), version=policy.CURRENT, status="completed")))
    page.locator("#id_file").set_input_files(str(good_file))
    page.locator("#id_file").focus()
    focus_by_tab(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    req = AuthorizationRequest.objects.get()
    assert f"/requests/{req.pk}/edit/" in page.url
