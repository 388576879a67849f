"""Data dictionary version 3 in the service: a request whose evidence is not
recent, or whose dose is more than the largest kit, meets every criterion
and is still pended for a person, never approved; the database's flags are
joined to the answers' own; the reviewer's page, the prescriber's result
page and the wizard's review say which result and how old."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from authorizations import policy
from authorizations.models import Authorization, Status
from authorizations.review.conversation import answers_change
from authorizations.review.services import information_request, information_respond
from tests.cases import AS_OF, days, iso, long_date
from tests.factories import approvable_case, approve_under_two_keys, draft_request, login

pytestmark = pytest.mark.django_db

OLD_SCREEN = (f"The inhibitor screen of {long_date(days(-38))} is 38 days old on "
              f"{long_date(AS_OF)}: more than 30 days.")


def test_old_evidence_pends_a_request_that_meets_every_criterion(prescriber, submit):
    req = submit(prescriber, approvable_case(inhibitor_screen_date=iso(-38)))
    assert (req.status, req.outcome, req.unmet) == (Status.PENDING_REVIEW, "meets_criteria", [])
    assert req.review_flags == ["evidence_not_recent"]
    assert req.review_flag_reasons == [{
        "flag": "evidence_not_recent", "text": OLD_SCREEN, "key": "inhibitor_screen_date",
        "days": 38, "window": 30}]
    assert not Authorization.objects.filter(request=req).exists()


def test_a_dose_over_the_largest_kit_pends_the_request(prescriber, submit):
    req = submit(prescriber, approvable_case(weight_kg=245))
    assert (req.status, req.unmet, req.review_flags) == (
        Status.PENDING_REVIEW, [], ["dose_over_largest_kit"])
    assert "The dose volume is 490 mL" in req.review_flag_reasons[0]["text"]


def test_the_answers_flags_join_the_databases(make_decided):
    req = make_decided(Status.PENDING_REVIEW, approvable_case(inhibitor_screen_date=iso(-38)),
                       flags=["reauthorization"])
    assert req.review_flags == ["evidence_not_recent", "reauthorization"]
    assert [r["flag"] for r in req.review_flag_reasons] == req.review_flags


def test_a_recent_screen_in_the_response_approves_at_once(prescriber, reviewer, submit):
    req = submit(prescriber, approvable_case(inhibitor_screen_date=iso(-38)))
    information_request(by=reviewer, req=req, criteria=[], document_kinds=["clinic_note"],
                        message="Send a screen from the last 30 days.")
    req.refresh_from_db()
    answers_change(by=prescriber, req=req, step="inhibitors",
                   answers={**req.answers, "inhibitor_screen_date": iso(-7)})
    information_respond(by=prescriber, req=req, note="New screen attached.")
    req.refresh_from_db()
    assert (req.status, req.review_flags, req.review_flag_reasons) == (
        Status.APPROVED, [], [])


def test_a_planned_date_already_past_is_refused_at_submission(prescriber, submit):
    with pytest.raises(policy.InvalidCase) as info:
        submit(prescriber, approvable_case(planned_infusion_date=iso(-1)))
    assert [p.key for p in info.value.problems] == ["planned_infusion_date"]


def test_a_reviewer_may_decide_after_the_planned_day(prescriber, reviewer, submit):
    # Checked at submission only: a decision after the planned day is no error.
    req = submit(prescriber, approvable_case(planned_infusion_date=iso(3),
                                             attest_alcohol_counseling=False))
    assert req.status == Status.PENDING_REVIEW
    later = datetime.combine(AS_OF + timedelta(days=10), time(12),
                             tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(later, tick=True):
        approve_under_two_keys(req, first=reviewer, rationale="Counseling documented.")
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_the_reviewers_page_says_which_result_and_how_old(client, reviewer, prescriber, submit):
    req = submit(prescriber, approvable_case(inhibitor_screen_date=iso(-38)))
    page = login(client, reviewer).get(
        reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]))
    assert f'<p class="review-flag">Review flag: {OLD_SCREEN}</p>' in page.content.decode()


def test_the_prescribers_result_page_says_why_a_person_reviews_it(client, prescriber, submit):
    req = submit(prescriber, approvable_case(inhibitor_screen_date=iso(-38)))
    html = login(client, prescriber).get(f"/requests/{req.pk}/").content.decode()
    assert "Every criterion is met, but a clinical reviewer must look at this request" in html
    assert f"<li>{OLD_SCREEN}</li>" in html


def test_a_flag_recorded_before_version_3_reads_its_general_text(client, reviewer, make_decided):
    req = make_decided(Status.PENDING_REVIEW, flags=["reauthorization"])
    type(req).objects.filter(pk=req.pk).update(review_flag_reasons=None)
    page = login(client, reviewer).get(
        reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]))
    assert policy.REVIEW_FLAGS["reauthorization"] in page.content.decode()


def test_the_wizards_review_warns_before_submission(client, prescriber):
    req = draft_request(prescriber, approvable_case(weight_date=iso(-57)))
    html = login(client, prescriber).get(
        f"/requests/{req.pk}/edit/review/").content.decode()
    assert "a clinical reviewer must look at this request before it can be approved" in html
    assert f"The weight of {long_date(days(-57))} is 57 days old on {long_date(AS_OF)}" in html
