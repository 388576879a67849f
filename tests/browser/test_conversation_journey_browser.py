"""Issue 12's journey in Chromium, one request from pended to approved on
appeal: the reviewer asks for information; the prescriber changes an answer
and attaches a document; the reviewer sees the difference and the document,
offers a peer-to-peer and records it, denies with two chosen reasons; the
prescriber appeals; a second reviewer overturns it under an exception a third
reviewer signs (two keys), and the authorization is
issued. axe on every page; screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from authorizations.models import AnswerVersion, Appeal, Authorization, Status
from tests.factories import make_reviewer
from tests.files import pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def pended(submitted):
    """Three criteria unmet: both attestations left unticked and an AAV5
    titer above the HOPE-B evidence (1:3212)."""
    return submitted(attest_monitoring=False, attest_alcohol_counseling=False,
                     aav5_nab_titer=3212)


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_pended_to_denied_to_overturned_on_appeal(browser_page, pended, tmp_path):
    b, page, req = browser_page, browser_page.page, pended
    page.set_default_timeout(20000)
    page.set_default_navigation_timeout(20000)
    assert req.status == Status.PENDING_REVIEW
    assert set(req.unmet) == {"monitoring_attestation", "alcohol_counseling_attestation",
                              "aav5_antibodies"}
    first, second = make_reviewer(), make_reviewer("reviewer-2", credentials="MD, Oncology")
    change = f"/admin/authorizations/authorizationrequest/{req.pk}/change/"

    # 1. The reviewer asks for information about two criteria and a clinic note.
    b.sign_in_as(first)
    b.goto(change)
    b.check_admin("1-admin-pending")
    form = page.locator("#information")
    form.locator("summary").click()  # collapsed under the decision (issue 20)
    form.get_by_label("Monitoring attestation").check()
    form.get_by_label("Alcohol counseling attestation").check()
    form.get_by_label("Clinic note").check()
    form.get_by_label("What is missing and why").fill(
        "The monitoring plan and the alcohol counseling are not attested.")
    with page.expect_navigation():
        form.get_by_role("button", name="Send the request for information").click()
    expect(page.locator(".messagelist")).to_contain_text("pended for information")

    # 2. The prescriber ticks the monitoring attestation (version 2 of the
    # answers), attaches the clinic note and sends the response.
    page.context.clear_cookies()
    b.login("dr-lee")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Respond to {req.number}").click()
    expect(page.locator("body")).to_contain_text("are not attested")
    b.check("2-respond")
    with page.expect_navigation():
        page.get_by_role("link", name="Attestations", exact=True).click()
    box = page.locator('input[name="attestations-attest_monitoring"]')
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save these answers").click()
    expect(page.locator("body")).to_contain_text("as version 2 of the answers")
    b.check("3-respond-version-2")

    with page.expect_navigation():
        page.get_by_role("link", name="Attach documents").click()
    note = tmp_path / "clinic note.pdf"
    note.write_bytes(pdf_bytes(pages=1))
    page.get_by_label("What kind of document is it?").select_option("clinic_note")
    page.get_by_label("File", exact=True).set_input_files(str(note))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload the document").click()
    expect(page.locator("body")).to_contain_text("clinic note.pdf")
    b.check("4-documents")
    with page.expect_navigation():
        page.get_by_role("link", name="Back to your response").click()
    assert page.url.endswith(f"/requests/{req.pk}/respond/")
    expect(page.locator("body")).to_contain_text("clinic note.pdf")
    b.check("5-respond-with-document")
    page.get_by_label("Your note to the reviewer").fill("Monitoring attested; note attached.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the response to the reviewer").click()
    expect(page.locator("h1")).to_have_text("Sent to clinical review")
    b.check("5b-responded")
    assert AnswerVersion.objects.filter(request=req).count() == 2

    # 3. The reviewer sees what changed and the document, offers a
    # peer-to-peer and records it.
    b.sign_in_as(first)
    b.goto(change)
    versions = page.locator(".review-versions")
    expect(versions).to_contain_text("Not ticked → Ticked")
    expect(page.locator("body")).to_contain_text("clinic note.pdf")
    b.check_admin("6-admin-response")
    when = timezone.now() + timedelta(days=1)
    p2p = page.locator("#p2p")
    p2p.locator("summary").click()  # collapsed until one is offered (issue 20)
    p2p.get_by_label("First time offered").fill(local_input(when))
    with page.expect_navigation():
        p2p.get_by_role("button", name="Offer these times").click()
    p2p = page.locator("#p2p")
    p2p.get_by_label("Held at").fill(local_input(timezone.now() - timedelta(minutes=5)))
    p2p.get_by_label("Outcome").select_option("unchanged")
    p2p.get_by_label("What was discussed").fill("Counseling not done yet; titer discussed.")
    with page.expect_navigation():
        p2p.get_by_role("button", name="Record the discussion").click()
    expect(page.locator("#p2p")).to_contain_text("Counseling not done yet; titer discussed.")
    b.check_admin("7-admin-p2p-recorded")

    # 4. Denied with the two unmet criteria left, both chosen, after confirming.
    reasons = page.locator("fieldset", has_text="Reasons for a denial")
    expect(reasons.locator("input[type=checkbox]")).to_have_count(2)
    expect(reasons.get_by_label("Alcohol counseling attestation")).to_be_checked()
    expect(reasons.get_by_label("AAV5 antibodies")).to_be_checked()
    page.get_by_label("Clinical rationale").fill(
        "No counseling on alcohol; the AAV5 titer of 1:3212 is above any titer with "
        "expression in HOPE-B.")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Deny {req.number}").click()
    confirm_reasons = page.locator(".review-reasons")
    expect(confirm_reasons).to_contain_text("Alcohol counseling attestation")
    expect(confirm_reasons).to_contain_text("AAV5 antibodies")
    b.check_admin("8-admin-deny-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Confirm: deny {req.number}").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{req.number} denied.")
    req.refresh_from_db()
    assert req.status == Status.DENIED
    assert [r.criterion for r in req.determinations.latest("id").reasons.all()] == [
        "aav5_antibodies", "alcohol_counseling_attestation"]  # the policy's order

    # 5. The prescriber appeals.
    page.context.clear_cookies()
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/")
    expect(page.locator("body")).to_contain_text("Counseling not done yet; titer discussed.")
    b.check("9-request-denied")
    with page.expect_navigation():
        page.get_by_role("link", name="Appeal this decision").click()
    page.get_by_label("Why the denial should be overturned").fill(
        "Counseling was given on November 2; the titer assay differs from the trial's.")
    page.get_by_label(
        "I act as the member's authorized representative in this appeal").check()
    b.check("10-appeal-form")
    with page.expect_navigation():
        page.get_by_role("button", name="File the appeal").click()
    expect(page.locator("body")).to_contain_text("Open: awaiting decision")
    b.check("11-appeal-filed")
    appeal = Appeal.objects.get(request=req)

    # 6. A second reviewer overturns it: the authorization is issued.
    b.sign_in_as(second)
    b.goto("/admin/authorizations/appeal/")
    b.check_admin("12-admin-appeals-queue")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Appeal of {req.number}").click()
    assert page.url.endswith(f"/admin/authorizations/appeal/{appeal.pk}/decide/")
    # Past unmet criteria: an exception, signed by a third reviewer (two keys).
    page.get_by_label("Exception reason").select_option("records_show_met")
    page.get_by_label("Your rationale for the exception").fill(
        "Counseling is documented; the titer alone does not exclude expression.")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask a second reviewer to sign").click()
    expect(page.locator("#exception")).to_contain_text("Exception pending")
    b.sign_in_as(make_reviewer("reviewer-3", credentials="MD, Transfusion medicine"))
    b.goto(f"/admin/authorizations/appeal/{appeal.pk}/decide/")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Sign the exception and overturn the denial of "
                                        f"{req.number}").click()
    expect(page.locator(".messagelist")).to_contain_text("overturned under two keys")
    b.check_admin("13-admin-overturned")

    req.refresh_from_db()
    auth = Authorization.objects.get(request=req)
    assert req.status == Status.APPROVED
    page.context.clear_cookies()
    b.login("dr-lee")
    b.goto(f"/requests/{req.pk}/")
    expect(page.locator("body")).to_contain_text(auth.number)
    b.check("14-request-approved-on-appeal")
