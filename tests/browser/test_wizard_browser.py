"""The wizard in Chromium: what a prescriber sees and does."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from authorizations.models import AuthorizationRequest, Status
from authorizations.policy import QUESTION_BY_KEY
from authorizations.requests.wizard.forms import raw_value
from tests.browsing import FORMS, PASSWORD, Browser
from tests.cases import iso
from tests.factories import UserFactory, approvable_case, attach_reports

pytestmark = pytest.mark.browser


def test_not_met_request_and_conditional_questions(browser_page, prescriber_user):
    b = browser_page
    page = b.page
    b.login("dr-lee")
    b.goto("/requests/new/")
    # An empty step: the error summary takes focus and links to the fields.
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Patient"))
    b.check("patient-errors")
    summary.get_by_role("link", name="Enter the member ID").click()
    expect(page.locator("#id_patient-member_id")).to_be_focused()

    case = approvable_case(severity="moderately_severe", fix_activity_percent=1.5,
                           life_threatening_hemorrhage=False,
                           repeated_serious_spontaneous_bleeding=False,
                           current_prophylaxis="non_factor", non_factor_agent="hympavzi",
                           fix_exposure_days=None,
                           hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                           hiv_viral_load_copies_ml=350, hiv_viral_load_date=iso(-26))
    b.fill_step(case)
    b.continue_()

    # Diagnosis: severity and factor IX only for hemophilia B.
    severity = page.locator("#reveal-severity")
    expect(severity).to_be_hidden()
    page.get_by_label("Hemophilia B (congenital factor IX deficiency)").check()
    expect(severity).to_be_visible()
    expect(page.get_by_label("Hemophilia B (congenital factor IX deficiency)")).to_be_focused()
    page.get_by_label("Hemophilia A").check()
    expect(severity).to_be_hidden()
    b.fill_step(case)
    b.check("diagnosis-revealed")
    b.continue_()

    assert b.step == "bleeding"
    expect(page.locator("h1")).to_contain_text("Step 3 of 13")
    b.check("bleeding")
    b.fill_step(case)
    b.continue_()

    # Prophylaxis: the agent for non-factor, exposure days for factor IX.
    agent, days = page.locator("#reveal-non_factor_agent"), page.locator(
        "#reveal-fix_exposure_days")
    expect(agent).to_be_hidden()
    expect(days).to_be_hidden()
    trigger = page.locator('input[name="prophylaxis-current_prophylaxis"]').first
    assert "reveal-non_factor_agent" in trigger.get_attribute("aria-controls")
    page.get_by_label("Factor IX prophylaxis").check()
    expect(days).to_be_visible()
    expect(agent).to_be_hidden()
    page.get_by_label("Non-factor replacement therapy", exact=True).check()
    expect(agent).to_be_visible()
    expect(days).to_be_hidden()
    b.fill_step(case)
    b.check("prophylaxis-revealed")
    b.continue_()
    b.fill_step(case)
    b.continue_()

    # AAV5: follow-ups only when evaluated; the titer only when detected, in
    # the same group (hidden with it).
    follow_up = page.locator("#reveal-aav5_nab_csl_test")  # test, result, titer, date
    titer = page.locator("#reveal-aav5_nab_titer")
    expect(follow_up).to_be_hidden()
    page.locator('input[name="aav5-aav5_nab_evaluated"][value="yes"]').check()
    expect(follow_up).to_be_visible()
    expect(titer).to_be_hidden()
    page.get_by_label("Detected", exact=True).check()
    expect(titer).to_be_visible()
    page.get_by_label("Not detected (no anti-AAV5 neutralizing antibodies found)").check()
    expect(titer).to_be_hidden()
    page.get_by_label("Detected", exact=True).check()
    page.locator('input[name="aav5-aav5_nab_evaluated"][value="no"]').check()
    expect(follow_up).to_be_hidden()
    expect(titer).to_be_hidden()
    b.fill_step(case)
    b.continue_()
    b.fill_step(case)
    b.continue_()

    # Viral tests: HIV follow-ups and HCV RNA.
    expect(page.locator("#reveal-hiv_on_antiretroviral_therapy")).to_be_hidden()
    expect(page.locator("#reveal-hcv_rna")).to_be_hidden()
    page.locator('input[name="viral-hcv_antibody"][value="positive"]').check()
    expect(page.locator("#reveal-hcv_rna")).to_be_visible()
    page.locator('input[name="viral-hcv_antibody"][value="negative"]').check()
    expect(page.locator("#reveal-hcv_rna")).to_be_hidden()
    b.fill_step(case)
    expect(page.locator("#reveal-hiv_on_antiretroviral_therapy")).to_be_visible()
    b.check("viral-revealed")
    b.continue_()
    for _ in range(10):  # the remaining steps; a step that stays is a failure, not a hang
        if b.step == "review":
            break
        shown = b.step
        b.fill_step(case)
        b.continue_()
        assert b.step != shown, f"{shown} did not accept the case"
    expect(page.get_by_text("2 criteria are not met.")).to_be_visible()
    b.fill_step(case, expedited="yes", expedited_reason="Surgery planned")
    b.check("review-not-met")
    b.continue_()
    expect(page.locator("h1")).to_have_text("Sent to clinical review")
    b.check("result-pending")
    req = AuthorizationRequest.objects.get()
    assert req.status == Status.PENDING_REVIEW
    assert req.unmet == ["hiv", "severity"]
    assert req.expedited


def test_full_approved_request_by_keyboard_with_axe_on_every_page(browser_page,
                                                                  prescriber_user):
    """An approved request from the login page to the approval, with Tab,
    arrows, space and enter only (no clicks, no fill()), and axe-core on every
    page on the way."""
    b = browser_page
    page = b.page
    keyboard = page.keyboard
    b.goto("/accounts/login/")
    b.check("login")
    b.login("dr-lee")
    b.check("dashboard-empty")

    def tab_to(selector, limit=80):
        for _ in range(limit):
            keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"could not reach {selector} with Tab")

    tab_to("a[href='/requests/new/']")
    with page.expect_navigation():
        keyboard.press("Enter")
    case = approvable_case()
    for _ in range(20):  # a step that refuses the case fails the test instead of looping
        step = b.step
        if step != "review":
            expect(page).to_have_title(
                re.compile(r"Step \d+ of \d+ – Hemgenix prior authorization"))
            if step == "dosing":
                # The list of steps, opened: answered steps link back to themselves.
                page.locator("body").focus()
                tab_to("summary")
                keyboard.press("Enter")
                expect(page.get_by_role("link", name="Patient", exact=True)).to_be_visible()
            b.check(f"step-{step}")
        page.locator("body").focus()
        keys = FORMS[step].keys if step != "review" else ()
        for key in keys:
            if case.get(key) is None:
                continue
            q = QUESTION_BY_KEY[key]
            raw = raw_value(q, case[key])
            name = f"{step}-{key}"
            if raw == "on":  # an attestation: tick the statement
                tab_to(f'input[name="{name}"]')
                keyboard.press("Space")
                assert page.locator(f'input[name="{name}"]').is_checked(), name
            elif q.kind in ("bool", "choice"):
                tab_to(f'input[name="{name}"]')
                values = page.eval_on_selector_all(f'input[name="{name}"]',
                                                   "els => els.map(e => e.value)")
                current = page.evaluate("() => document.activeElement.value")
                if current == raw:
                    keyboard.press("Space")
                else:
                    keyboard.press("Space")
                    for _ in range((values.index(raw) - values.index(current)) % len(values)):
                        keyboard.press("ArrowDown")
                assert page.locator(f'input[name="{name}"][value="{raw}"]').is_checked(), name
            elif raw:
                tab_to(f'[name="{name}"]')
                keyboard.press("Control+a")
                keyboard.type(raw)
            if key == "fix_activity_percent":
                # The unit is chosen, never preselected: the first radio, % of normal.
                tab_to(f'input[name="{step}-fix_activity_unit"]')
                keyboard.press("Space")
                assert page.locator(f'input[name="{step}-fix_activity_unit"][value="percent"]'
                                    ).is_checked()
        if step == "review":
            # With the two reports the policy asks for attached, every criterion
            # is met: no expedited question, straight to submit.
            attach_reports(prescriber_user, AuthorizationRequest.objects.get())
            page.reload()
            expect(page.get_by_text("All criteria are met.")).to_be_visible()
            assert page.locator('input[name="review-expedited"]').count() == 0
            b.check("review")
            page.locator("body").focus()
            tab_to("button[type=submit].btn-primary")
            with page.expect_navigation():
                keyboard.press("Enter")
            break
        tab_to("button[type=submit].btn-primary")
        with page.expect_navigation():
            keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Approved")
    expect(page.get_by_text(re.compile(r"HGX-\d{4}-\d{6}"))).to_be_visible()
    b.check("result-approved")
    assert AuthorizationRequest.objects.get().status == Status.APPROVED
    # Print: the header navigation, links and buttons go.
    page.emulate_media(media="print")
    expect(page.locator(".result-links")).to_be_hidden()
    b.screenshot("result-print")
    page.emulate_media(media="screen")
    page.locator("body").focus()
    tab_to('.result-links a[href="/requests/"]')
    with page.expect_navigation():
        keyboard.press("Enter")
    b.check("dashboard-with-request")


def test_small_screen_error_pages_and_discard(browser_page, prescriber_user, transactional_db):
    b = browser_page
    page = b.page
    page.set_viewport_size({"width": 320, "height": 640})
    b.login("dr-lee")
    b.goto("/requests/new/")
    b.fill_step(approvable_case())
    b.continue_()
    b.check("narrow-diagnosis")
    # Nothing wider than the screen: no sideways scrolling at 320 px.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    b.goto("/requests/")
    b.check("narrow-dashboard-draft")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.get_by_role("link", name=re.compile("^Discard")).click()
    b.check("discard-confirm")
    page.get_by_role("button", name="Yes, discard this draft").click()
    expect(page.get_by_text("was discarded")).to_be_visible()
    assert not AuthorizationRequest.objects.exists()
    page.set_viewport_size({"width": 1280, "height": 800})
    b.goto("/requests/999999/")
    b.check("not-found", status=404)
    # An expired form (its CSRF cookie gone): a page that says what to do.
    b.goto("/requests/new/")
    page.context.clear_cookies(name="csrftoken")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text("Your page expired")
    b.check("csrf-failure", status=403)
    # Signed out: back to sign in, with the draft kept.
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
    b.check("login-after-logout")
    # Someone who is neither prescriber nor reviewer.
    UserFactory(username="no-role")
    User.objects.filter(username="no-role").update(password=make_password(PASSWORD))
    b.login("no-role")
    expect(page.locator("h1")).to_have_text("You cannot use this page")
    b.check("forbidden", status=403)


def test_works_without_script(browser, live_server, axe_source, prescriber_user):
    """With JavaScript off every question shows; the server ignores those not asked."""
    context = browser.new_context(java_script_enabled=False)
    try:
        b = Browser(context.new_page(), live_server.url, axe_source, "no-script")
        b.login("dr-lee")
        b.goto("/requests/new/")
        b.fill_step(approvable_case())
        b.continue_()
        page = b.page
        # Hemophilia A, yet the severity questions are on screen: answer them anyway.
        page.get_by_label("Hemophilia A").check()
        expect(page.locator("#reveal-severity")).to_be_visible()
        page.get_by_label("Severe: factor IX below 1%", exact=True).check()
        page.fill('[name="diagnosis-fix_activity_percent"]', "0.5")
        b.screenshot("diagnosis-no-script")
        b.continue_()
        assert b.step == "prophylaxis"
        answers = AuthorizationRequest.objects.get().answers
        assert answers["diagnosis"] == "hemophilia_a"
        assert "severity" not in answers and "fix_activity_percent" not in answers
    finally:
        context.close()


def test_timeout_warning_before_the_idle_logoff(browser_page, prescriber_user, settings):
    """GOV.UK's timeout warning: shown before the idle logoff, announced as an
    alert, and "Stay signed in" restarts the clock without leaving the page.
    Time is controlled, not waited for: Playwright's clock runs the page's
    timers, and the session's expiry is read and moved in the database."""
    from authorizations.core.sessions import UserSession as Session

    idle = 15 * 60
    settings.SESSION_COOKIE_AGE = idle
    b = browser_page
    b.page.clock.install()
    b.login("dr-lee")
    b.goto("/requests/new/")
    warning = b.page.locator("[data-timeout-warning]")
    expect(warning).to_be_hidden()
    b.page.clock.fast_forward((idle - 121) * 1000)  # just before the two-minute warning
    expect(warning).to_be_hidden()
    b.page.clock.fast_forward(2000)
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "alert")
    expect(warning).to_contain_text("You will be signed out soon")
    b.check("timeout-warning")
    session = Session.objects.get()
    # The server's clock: this session would have expired a second ago.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + timedelta(seconds=60))
    b.page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # The keepalive restarted the whole idle period on the server.
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(seconds=idle - 60)
    b.goto("/requests/")
    assert "/accounts/login/" not in b.page.url
    expect(b.page.get_by_role("heading", level=1)).to_have_text("Your requests")
    # Without the keepalive, an expired session signs out: the next page asks to sign in.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now())
    b.goto("/requests/")
    assert "/accounts/login/" in b.page.url
