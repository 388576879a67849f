"""The letter being prepared (issue 21), in Chromium: the result page says so
and offers a reload link (no script needed), the admin home counts what
waits, and once the worker has run, the reload shows the letter's links; the
same for the "Information needed" letter."""

import pytest
from django.urls import reverse
from django_q.conf import Conf
from playwright.sync_api import expect

from authorizations.letters import delivery
from authorizations.review.services import information_request
from tests.factories import make_reviewer

pytestmark = pytest.mark.browser


def test_the_letter_being_prepared_then_ready_by_keyboard(browser_page, submitted, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)  # queued for a worker that has not run yet
    req = submitted()
    b = browser_page
    b.login("dr-lee")
    b.goto(reverse("request_detail", args=[req.pk]))
    expect(b.page.locator("#letter-preparing")).to_contain_text("The letter is being prepared.")
    expect(b.page.get_by_role("link", name="Download the letter (PDF)")).to_have_count(0)
    b.check("result-letter-preparing")

    delivery.drain()  # the worker renders the letter
    reload = b.page.get_by_role("link", name="reload this page")
    reload.focus()
    b.page.keyboard.press("Enter")
    expect(b.page.get_by_role("link", name="Download the letter (PDF)")).to_be_visible()
    b.check("result-letter-ready")

    b.sign_in_as(make_reviewer())
    b.goto(reverse("admin:index"))
    expect(b.page.locator("#delivery")).to_contain_text(
        "None: every letter is rendered and every email notice sent.")
    b.check_admin("admin-home-delivery")


def test_the_information_letter_being_prepared_then_ready_by_keyboard(browser_page, submitted,
                                                                      monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)  # queued for a worker that has not run yet
    req = submitted(hbsag="positive")
    delivery.drain()  # the submission's own letter, out of the way
    information_request(by=make_reviewer(), req=req, criteria=["hepatitis_b"],
                        document_kinds=["viral_tests"], message="The HBsAg report.")
    b = browser_page
    b.login("dr-lee")
    b.goto(reverse("request_detail", args=[req.pk]))
    expect(b.page.locator("#information-letter-preparing")).to_contain_text(
        "The information needed letter is being prepared.")
    expect(b.page.get_by_role("link", name="Information needed letter (PDF)")).to_have_count(0)
    b.check("result-information-letter-preparing")

    delivery.drain()  # the worker renders the letter and the member's copy
    reload = b.page.locator("#information-letter-preparing").get_by_role(
        "link", name="reload this page")
    reload.focus()
    b.page.keyboard.press("Enter")
    expect(b.page.get_by_role("link", name="Information needed letter (PDF)")).to_be_visible()
    expect(b.page.get_by_role("link", name="member's copy (PDF)")).to_be_visible()
    b.check("result-information-letter-ready")
