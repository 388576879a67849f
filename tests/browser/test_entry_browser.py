"""Entry that never loses work, who the patient is, long actions and phones
(issue 19), in Chromium: a half-filled step saved and resumed; Back keeps the
answers; leaving asks only when something would be lost; the pressed button
says it is working; at 375 px nothing scrolls sideways."""

import re

import pytest
from playwright.sync_api import expect

from authorizations.models import AuthorizationRequest
from tests.factories import approvable_case

pytestmark = pytest.mark.browser


def start_to_diagnosis(b):
    b.login("dr-lee")
    b.goto("/requests/new/")
    b.fill_step(approvable_case())
    b.continue_()
    assert b.step == "diagnosis"


def test_a_half_filled_step_is_saved_and_resumed(browser_page, prescriber_user):
    b = browser_page
    page = b.page
    start_to_diagnosis(b)
    banner = page.get_by_role("region", name="Patient")
    expect(banner).to_contain_text("Ada Quinlan")
    expect(banner).to_contain_text("April 12, 1985")
    expect(banner).to_contain_text("UHC-100200300")
    page.get_by_label("Hemophilia B (congenital factor IX deficiency)").check()
    page.fill('[name="diagnosis-fix_activity_percent"]', "1e30")  # half typed
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator("h1")).to_have_text("Your requests")
    expect(page.get_by_text(re.compile(r"Your draft PA-\d+ is saved\. \d questions? on"))) \
        .to_be_visible()
    b.check("dashboard-after-unfinished-save")
    page.get_by_role("link", name=re.compile(r"^Continue PA-")).click()
    # Back on the unfinished step, as typed, with what is still to answer.
    expect(page.locator("h1")).to_contain_text("Diagnosis")
    expect(page.locator('[name="diagnosis-fix_activity_percent"]')).to_have_value("1e30")
    expect(page.get_by_label("Hemophilia B (congenital factor IX deficiency)")).to_be_checked()
    notice = page.locator(".unfinished-step")
    expect(notice).to_contain_text("You saved this step before it was finished")
    expect(notice.get_by_role("listitem").filter(has_text="Severity of hemophilia B")) \
        .to_be_visible()
    expect(page.locator("#reveal-severity")).to_be_visible()
    b.check("unfinished-step-resumed")
    b.fill_step(approvable_case())  # the rest of the step, and the result corrected
    b.continue_()
    assert b.step == "prophylaxis"
    req = AuthorizationRequest.objects.get()
    assert req.answers["severity"] == "severe" and req.draft_typed is None


def test_back_keeps_the_answers_and_leaving_asks_only_when_work_would_be_lost(
        browser_page, prescriber_user):
    b = browser_page
    page = b.page
    start_to_diagnosis(b)
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    b.fill_step(approvable_case())
    b.continue_()
    assert b.step == "prophylaxis"
    # Nothing typed: leaving asks nothing.
    page.get_by_role("link", name="Your requests").click()
    expect(page.locator("h1")).to_have_text("Your requests")
    assert dialogs == []
    page.go_back()
    expect(page.locator("h1")).to_contain_text("Prophylaxis")
    # Typed and not sent: leaving asks to confirm; staying keeps what is typed.
    page.get_by_label("Factor IX prophylaxis").check()
    page.fill('[name="prophylaxis-fix_exposure_days"]', "15O")  # a typo, not yet checked
    page.get_by_role("link", name="Your requests").click()
    expect(page.locator('[name="prophylaxis-fix_exposure_days"]')).to_have_value("15O")
    assert dialogs == ["beforeunload"]
    # Back sends the page: no question, and what was typed is kept, typo and all.
    page.get_by_role("button", name="Back", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Diagnosis")
    assert dialogs == ["beforeunload"]
    expect(page.get_by_label("Severe: factor IX below 1%", exact=True)).to_be_checked()
    b.continue_()
    expect(page.locator('[name="prophylaxis-fix_exposure_days"]')).to_have_value("15O")
    expect(page.get_by_label("Factor IX prophylaxis")).to_be_checked()
    # A long action: the pressed button says it is working, a second press is
    # ignored, and the live region says so. (The form is held back here so the
    # busy state can be seen; the app's own listener runs first.)
    page.evaluate("""() => document.querySelector("form.wizard-form")
        .addEventListener("submit", e => e.preventDefault())""")
    button = page.get_by_role("button", name="Save and continue")
    button.click()
    busy = page.locator('button[aria-busy="true"]')
    expect(busy).to_have_text("Saving…")
    expect(busy).to_have_attribute("aria-disabled", "true")
    expect(page.locator("[data-busy-status]")).to_have_text("Saving…")
    expect(page.locator("form.wizard-form")).to_have_attribute("data-submitting", "true")


def test_phones_at_375_px_never_scroll_sideways(browser_page, prescriber_user, submitted):
    b = browser_page
    page = b.page
    req = submitted(patient_first_name="Maximiliana-Josefina",
                    patient_last_name="Vandenberghe-Oppenheimer")
    page.set_viewport_size({"width": 375, "height": 740})
    b.login("dr-lee")
    b.goto("/requests/new/")
    b.fill_step(approvable_case(member_id="UHC-100200300-000000000"))
    b.continue_()
    for path, label in (("/requests/", "phone-dashboard"), (f"/requests/{req.pk}/", "phone-result"),
                        (f"/requests/{AuthorizationRequest.objects.latest('pk').pk}/edit/",
                         "phone-wizard")):
        b.goto(path)
        b.check(label)
        sizes = page.evaluate("""() => [document.documentElement.scrollWidth,
                                         document.documentElement.clientWidth]""")
        assert sizes[0] <= sizes[1], (label, sizes)
    # The dashboard's tables are stacked rows, and a request number stays whole.
    b.goto("/requests/")
    row = page.locator("table.table-stack tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    number = page.locator("table.table-stack tbody th").first
    assert number.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    expect(page.locator('td[data-label="Patient"]').first).to_be_visible()
