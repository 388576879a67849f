"""Before submitting, the review step lists the documents the policy asks for
and whether each is attached, every result a submission today would flag as
not recent (its age, what to do), and the dose with the kit dispensed. A
submission with flags is still allowed and goes to a reviewer, who sees which
documents are missing; the prescriber's result page says so too."""

from __future__ import annotations

import re

import pytest
from django.utils.http import urlencode

from authorizations import policy
from authorizations.models import DocumentKind, Status
from authorizations.requests import evidence
from tests.cases import AS_OF, days, iso, long_date
from tests.factories import approvable_case, attach_reports, draft_request, login
from tests.walker import Walker

pytestmark = pytest.mark.django_db

BOTH_MISSING = "No factor IX lab report and no AAV5 antibody report are attached."


def review_page(client, req) -> str:
    response = client.get(f"/requests/{req.pk}/edit/review/")
    assert response.status_code == 200
    return response.content.decode()


def checklist(html: str) -> str:
    """The checklist's section, its tags stripped and spaces joined."""
    section = re.search(r'<section class="evidence-checklist".*?</section>', html, re.S)
    assert section, "no evidence checklist on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split())


def test_the_review_lists_both_reports_as_not_attached_and_links_the_documents_page(
        client, prescriber):
    req = draft_request(prescriber)
    html = review_page(login(client, prescriber), req)
    text = checklist(html)
    assert "Factor IX lab report Not attached" in text
    assert "AAV5 antibody report Not attached" in text
    assert '"Documentation of endogenous factor IX levels"' in text.replace("“", '"').replace(
        "”", '"')
    back = urlencode({"next": f"/requests/{req.pk}/edit/review/"})
    assert f'href="/requests/{req.pk}/documents/?{back}"' in html
    # The preview says the reviewer will decide, and why.
    assert "a clinical reviewer must look at this request" in html
    assert BOTH_MISSING in html


def test_once_both_reports_are_attached_the_review_says_so_and_approves_at_once(
        client, prescriber):
    req = draft_request(prescriber)
    attach_reports(prescriber, req)
    html = review_page(login(client, prescriber), req)
    text = checklist(html)
    assert "Factor IX lab report Attached" in text and "AAV5 antibody report Attached" in text
    assert "Not attached" not in text
    assert "None: every dated result is within its window." in text
    assert "All criteria are met.</strong> Submitting approves the request at once" in html


def test_one_report_attached_names_only_the_other(client, prescriber):
    req = draft_request(prescriber)
    attach_reports(prescriber, req, kinds=["aav5_antibody"])
    text = checklist(review_page(login(client, prescriber), req))
    assert "Factor IX lab report Not attached" in text
    assert "AAV5 antibody report Attached" in text
    assert "Attach the missing report on the documents page" in text


def test_results_that_are_not_recent_are_listed_with_their_age_and_what_to_do(
        client, prescriber):
    req = draft_request(prescriber, approvable_case(inhibitor_screen_date=iso(-38),
                                                    liver_imaging_date=iso(-210)))
    attach_reports(prescriber, req)
    html = review_page(login(client, prescriber), req)
    text = checklist(html)
    assert f"Results that are not recent on {long_date(AS_OF)}" in text
    assert (f"The inhibitor screen of {long_date(days(-38))} is 38 days old (the window is 30 "
            "days). "
            "Enter an inhibitor screen from the last 30 days and attach its report, or repeat "
            "the screen.") in text
    assert (f"The liver imaging of {long_date(days(-210))} is 210 days old (the window is 180 "
            "days)") in text
    assert "The weight" not in text  # 17 days old: within its window
    assert f'href="/requests/{req.pk}/edit/inhibitors/?change"' in html


def test_a_result_exactly_at_its_window_is_not_listed(client, prescriber):
    req = draft_request(prescriber, approvable_case(weight_date=iso(-30)))  # 30 days
    text = checklist(review_page(login(client, prescriber), req))
    assert "None: every dated result is within its window." in text


def test_an_unreadable_or_unasked_test_date_is_not_listed(prescriber):
    """A half-typed date is the wizard's to name; a hidden question's date
    (HIV negative: no viral load) is not a result of this request."""
    req = draft_request(prescriber, approvable_case(weight_date="Oct 2"))
    req.answers["hiv_viral_load_date"] = "2020-01-01"
    assert evidence.stale_results(req, AS_OF) == []


def test_a_submission_without_the_reports_goes_to_a_reviewer_who_is_told_which(
        client, prescriber, reviewer, django_capture_on_commit_callbacks):
    walker = Walker(login(client, prescriber), reports=False)
    case = approvable_case()
    walker.walk_to("review", case)
    with django_capture_on_commit_callbacks(execute=True):
        walker.submit_step(case)
    req = walker.request()
    assert (req.status, req.outcome, req.review_flags) == (
        Status.PENDING_REVIEW, "meets_criteria", ["documentation_missing"])
    assert BOTH_MISSING in walker.page.content.decode()  # the prescriber's result page
    client.force_login(reviewer)
    admin = client.get(f"/admin/authorizations/authorizationrequest/{req.pk}/change/")
    assert BOTH_MISSING in admin.content.decode()


def test_the_review_shows_the_dose_and_the_smallest_kit_for_a_light_patient(
        client, prescriber):
    req = draft_request(prescriber, approvable_case(weight_kg=38))
    html = " ".join(re.sub(r"<[^>]+>", " ", review_page(login(client, prescriber),
                                                        req)).split())
    assert "Volume 76 mL" in html
    assert "Vials the dose needs (10 mL each, rounded up) 8" in html
    assert "Kit dispensed 10 vials (100 mL): the smallest kit, 10 vials; the dose uses 8" in html


def test_the_dosing_step_shows_the_kit_for_72_kg(client, prescriber):
    req = draft_request(prescriber)
    response = login(client, prescriber).get(f"/requests/{req.pk}/edit/dosing/")
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Volume 144 mL" in text
    assert "Vials the dose needs (10 mL each, rounded up) 15" in text
    assert "Kit dispensed 15 vials (150 mL)" in text


def test_the_documents_the_policy_asks_for_are_kinds_a_prescriber_can_choose():
    assert {d.kind for d in policy.REQUIRED_DOCUMENTS} <= set(DocumentKind.values)


def test_above_the_largest_kit_the_review_says_no_one_kit_holds_the_dose(client, prescriber):
    req = draft_request(prescriber, approvable_case(weight_kg=245))
    html = " ".join(re.sub(r"<[^>]+>", " ", review_page(login(client, prescriber),
                                                        req)).split())
    assert "Volume 490 mL" in html and "Vials the dose needs (10 mL each, rounded up) 49" in html
    assert "Kit dispensed None: more than the largest kit of 48 vials" in html
    assert "This dose needs 49 vials: more than the largest kit of 48 vials holds." in html
