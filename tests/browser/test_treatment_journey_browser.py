"""Issue 11's "Done when", in Chromium: an approved request; the prescriber
records the infusion; six months later (the server's date and the browser's
clock moved) the dashboard lists the follow-up as due and the prescriber
submits the assessment, by keyboard; a reviewer signs in, finds it in the
admin, corrects the infusion record, and sees the outcomes page count it.
axe on every page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from authorizations.models import FollowUp, FollowUpStatus, Infusion
from authorizations.requests.services import request_create, request_save_draft, request_submit
from authorizations.treatment.services import followup_save, infusion_record
from tests.browsing import PASSWORD
from tests.cases import case_tested_on, iso
from tests.factories import attach_reports, make_reviewer
from tests.treatment.helpers import infusion_data

pytestmark = pytest.mark.browser
OTHERS = 11  # treated patients besides the journey's: 12 in all, over the suppression limit


class ServerDate:
    """The server's today, moved: the app reads it as timezone.localdate()
    (without an argument), and the live server is a thread of this process,
    so patching the function moves it there too. The clock (timezone.now)
    is left alone."""

    def __init__(self, monkeypatch):
        self.day: date | None = None
        real = timezone.localdate

        def localdate(value=None, timezone=None):
            if value is None and self.day is not None:
                return self.day
            return real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture
def server_date(monkeypatch):
    return ServerDate(monkeypatch)


@pytest.fixture
def quick_pdf(monkeypatch):
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 letter " + str(d.pk).encode())


FIRST_NAMES = ["Ada", "Ben", "Cal", "Dan", "Eli", "Finn", "Gus", "Hal", "Ivan", "Jon", "Kai",
               "Leo"]


def approved(user, member_id, first_name):
    today = timezone.localdate()
    req = request_create(by=user, htc=user.prescriber.htc)
    request_save_draft(by=user, req=req, step="review", answers=case_tested_on(
        (today - timedelta(days=10)).isoformat(), member_id=member_id,
        patient_first_name=first_name))
    attach_reports(user, req)
    request_submit(by=user, req=req, as_of=today)
    req.refresh_from_db()
    return req


def treated_with_first_follow_up_submitted(user, n):
    """Another patient, infused today, whose first follow-up is submitted."""
    req = approved(user, f"JRN-{n:03d}", FIRST_NAMES[n])
    infusion_record(by=user, auth=req.authorization,
                    data=infusion_data(timezone.localdate()))
    followup_save(by=user, follow_up=req.authorization.follow_ups.get(number=1),
                  submit=True, answers={
                               "fix_activity": Decimal(20 + n), "fix_test_date": iso(155),
                               "fix_assay": "one_stage",
                               "bleeds_total": 0, "bleeds_treated": 0, "factor_ix_iu": 0,
                               "inhibitor_tested": False, "prophylaxis": False,
                               "alt_corticosteroids": False})


def type_into(page, label, text):
    """Focus a field and type, as a keyboard does."""
    page.get_by_label(label).focus()
    page.keyboard.type(text)


def choose(page, name, value):
    """Select a radio button with the keyboard (focus, then Space)."""
    radio = page.locator(f'input[name="{name}"][value="{value}"]')
    radio.focus()
    page.keyboard.press("Space")
    expect(radio).to_be_checked()


def press_button(page, name):
    button = page.get_by_role("button", name=name)
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_infusion_follow_up_review_and_outcomes(browser_page, prescriber_user, server_date,
                                                quick_pdf):
    b, page = browser_page, browser_page.page
    # The admin's pages are heavier than the wizard's: more time under load.
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)
    for n in range(1, OTHERS + 1):
        treated_with_first_follow_up_submitted(prescriber_user, n)
    req = approved(prescriber_user, "JRN-JOURNEY", FIRST_NAMES[0])
    today = timezone.localdate()

    # The prescriber records the infusion.
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record the infusion").click()
    expect(page.locator("h1")).to_have_text("Infusion record")
    b.check("infusion-form")
    type_into(page, "Infusion date", f"{today:%m/%d/%Y}")
    type_into(page, "Lot number(s)", "HGX-LOT-7")
    type_into(page, "Weight on the day of infusion (kg)", "72")
    type_into(page, "Dose given (genome copies per kg)", "2 x 10^13")
    type_into(page, "Treated bleeding episodes in the 12 months before infusion", "5")
    type_into(page, "Factor IX product used for those episodes", "rFIX")
    choose(page, "full_dose", "yes")
    press_button(page, "Record the infusion")
    page.wait_for_url(f"**/requests/{req.pk}/follow-ups/")
    expect(page.locator(".alert-success, .messages")).to_contain_text("The infusion is recorded")
    expect(page.locator("tbody tr")).to_have_count(10)
    expect(page.locator("tbody tr").first).to_contain_text("Upcoming")
    b.check("follow-up-schedule")
    first = FollowUp.objects.get(authorization__request=req, number=1)
    assert Infusion.objects.get(authorization__request=req).lots == ["HGX-LOT-7"]

    # Six months later: the follow-up is due.
    server_date.day = first.due_on
    page.clock.set_fixed_time(datetime.combine(first.due_on, datetime.min.time())
                              + timedelta(hours=10))
    b.goto("/requests/")
    due = page.get_by_role("region", name="Follow-up assessments due")
    expect(due.locator("tbody tr")).to_have_count(1)
    expect(due.locator("tbody tr")).to_contain_text(req.number)
    expect(due.locator("tbody tr")).to_contain_text("Due")
    expect(due.locator("tbody tr")).to_contain_text(f"{first.due_on:%B} {first.due_on.day}")
    b.check("dashboard-follow-up-due")
    with page.expect_navigation():
        due.get_by_role("link", name=req.number).click()
    expect(page.get_by_text("State: Due")).to_be_visible()
    b.check("follow-up-due")

    type_into(page, "Factor IX activity (% of normal)", "38")
    type_into(page, "Date of the factor IX activity test", f"{first.due_on:%m/%d/%Y}")
    page.get_by_label("Factor IX assay").select_option("one_stage")
    type_into(page, "Breakthrough bleeding episodes since the last assessment", "1")
    type_into(page, "Of those, treated with factor IX", "0")
    type_into(page, "Factor IX product used since the last assessment (IU)", "0")
    choose(page, "inhibitor_tested", "no")
    choose(page, "prophylaxis", "no")
    choose(page, "alt_corticosteroids", "no")
    press_button(page, "Submit the assessment")
    page.wait_for_url(f"**/requests/{req.pk}/follow-ups/")
    expect(page.locator("tbody tr").first).to_contain_text("Submitted")
    b.check("follow-up-submitted")
    b.goto("/requests/")
    expect(page.get_by_text("No follow-up assessment is due.")).to_be_visible()
    b.check("dashboard-nothing-due")
    first.refresh_from_db()
    assert first.status == FollowUpStatus.SUBMITTED and str(first.answers["fix_activity"]) == "38"

    # A reviewer signs in to the admin and finds the assessment.
    make_reviewer()
    page.context.clear_cookies()
    b.goto("/admin/login/")
    type_into(page, "Username:", "reviewer")
    type_into(page, "Password:", PASSWORD)
    press_button(page, "Log in")
    b.goto("/admin/authorizations/followup/?state=submitted")
    b.check_admin("admin-follow-ups-submitted")
    expect(page.locator("#result_list tbody tr")).to_have_count(OTHERS + 1)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Follow-up 1 of {req.authorization.number}").click()
    assessment = page.locator("dl.assessment")
    expect(assessment).to_contain_text("Factor IX activity (% of normal)")
    expect(assessment.locator("dd").first).to_have_text("38")
    expect(assessment).to_contain_text(f"{first.due_on:%B} {first.due_on.day}, "
                                       f"{first.due_on.year}")
    b.check_admin("admin-follow-up-assessment")

    # The reviewer corrects the infusion record: a new version, the old one kept.
    b.goto(f"/admin/authorizations/authorizationrequest/{req.pk}/change/")
    with page.expect_navigation():
        page.get_by_role("link", name="Correct the infusion record").click()
    expect(page.get_by_label("Lot number(s)")).to_have_value("HGX-LOT-7")
    b.check_admin("admin-correct-infusion")
    lots = page.get_by_label("Lot number(s)")
    lots.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("HGX-LOT-8")
    type_into(page, "Reason for the correction", "Lot number misread from the vial label")
    press_button(page, "Save a corrected version")
    expect(page.locator(".messagelist")).to_contain_text("corrected (version 2)")
    versions = page.get_by_role("table", name="Versions of the infusion record")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions).to_contain_text("Lot number misread from the vial label")
    expect(versions).to_contain_text("HGX-LOT-7")
    b.check_admin("admin-infusion-versions")

    # The outcomes page counts the submitted follow-ups of the 12 patients.
    b.goto("/operations/outcomes/")
    def figure(label):
        return page.locator("main tr").filter(
            has=page.get_by_role("rowheader", name=label, exact=True)).locator("td")

    # One-stage results by time point: a row per time point, a column per measure.
    one_stage = page.get_by_role(
        "table", name="Factor IX activity by time point: one-stage assay (% of normal)")
    at_6 = one_stage.locator("tr").filter(
        has=page.get_by_role("rowheader", name="6 months", exact=True)).locator("td")
    expect(one_stage.locator("thead th")).to_have_text(
        ["After infusion", "Patients with a result", "Median", "Range",
         "Reported below a limit (\u201c<N\u201d)"])
    # 21 to 31 % for the others and the 38 % typed above: 12 results, median 26.5.
    expect(at_6).to_have_text(["12", "26.5 %", "21 to 38 %", "fewer than 11"])

    expect(figure("Follow-ups due so far")).to_have_text("12")
    expect(figure("Follow-ups submitted")).to_have_text("12")
    expect(figure("Follow-ups due that were submitted")).to_have_text("100.0 %")
    expect(figure("Follow-ups waived")).to_have_text("fewer than 11")  # none waived: suppressed
    b.check("outcomes")
