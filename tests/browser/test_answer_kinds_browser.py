"""Answers as clinicians write them, in Chromium: dates in words, the format
hint before any error, and a factor IX value that fits only the other unit
asking to be confirmed (axe on the page that asks)."""

import pytest
from playwright.sync_api import expect

from tests.cases import days
from tests.factories import approvable_case

pytestmark = pytest.mark.browser


def test_dates_in_words_and_a_factor_ix_unit_confirmed(browser_page, prescriber_user):
    b = browser_page
    b.login("dr-lee")
    b.page.get_by_role("link", name="Start a new request").click()
    page = b.page
    # The accepted forms show before the first error.
    expect(page.get_by_text("Write it month first: 04/12/1985 or Apr 12, 1985")).to_be_visible()
    case = approvable_case()
    weighed = days(-17)
    b.fill_step(case, date_of_birth="Apr 12, 1985", weight_date=f"{weighed.day} {weighed:%b %Y}")
    b.continue_()
    assert b.step == "diagnosis"
    b.fill_step(case, fix_activity_percent="0.01")
    b.continue_()
    # Kept as typed, with the question and a box to confirm it.
    expect(page.locator('[name="diagnosis-fix_activity_percent"]')).to_have_value("0.01")
    expect(page.get_by_text("but 0.01 IU/mL (1% of normal) is not").first).to_be_visible()
    confirm = page.get_by_label("The value and its unit are right as typed")
    expect(confirm).to_be_visible()
    b.check("diagnosis-unit-to-confirm")
    confirm.check()
    b.continue_()
    assert b.step == "prophylaxis"  # severe: no bleeding history asked
