"""Overturning a denial past an unmet criterion or an "unproven" exclusion is
an exception, as a first approval is: pending until a second reviewer who
took no part (nor denied) signs; upholding needs no second key."""

import pytest

from authorizations.appeals.services import appeal_decide
from authorizations.models import (
    AppealOutcome,
    AuditEvent,
    Authorization,
    DecisionException,
    Status,
)
from authorizations.requests.services import LifetimeLimitReached, request_decide
from authorizations.review.desk_services import exception_ask, exception_sign, pending_exception
from authorizations.review.services import ConflictOfInterest, ExceptionNeeded
from tests.factories import approvable_case, login, make_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_reviewer(db):
    return make_reviewer("reviewer-3", credentials="MD, Transfusion medicine")


def ask(appeal, by, rationale="The clinic note of 10/20 documents the counseling."):
    return exception_ask(by=by, req=appeal.request, appeal=appeal, reason="records_show_met",
                         rationale=rationale)


def test_one_key_never_overturns_past_an_unmet_criterion(denied, file_appeal, second_reviewer):
    appeal = file_appeal(denied)
    with pytest.raises(ExceptionNeeded, match="overturning its denial needs an exception"):
        appeal_decide(by=second_reviewer, appeal=appeal, overturn=True, rationale="Met.")
    appeal.refresh_from_db()
    denied.refresh_from_db()
    assert appeal.is_open and denied.status == Status.DENIED
    assert not Authorization.objects.filter(request=denied).exists()


def test_the_overturn_is_pending_until_a_second_reviewer_signs(
        denied, file_appeal, second_reviewer, third_reviewer, django_capture_on_commit_callbacks):
    appeal = file_appeal(denied)
    exc = ask(appeal, second_reviewer)
    appeal.refresh_from_db()
    denied.refresh_from_db()
    assert appeal.is_open and denied.status == Status.DENIED
    assert pending_exception(denied) == exc and exc.appeal == appeal
    assert exc.criteria == ["alcohol_counseling_attestation"]
    with django_capture_on_commit_callbacks(execute=True):
        determination = exception_sign(by=third_reviewer, exception=exc)
    appeal.refresh_from_db()
    denied.refresh_from_db()
    assert denied.status == Status.APPROVED
    assert Authorization.objects.filter(request=denied).exists()
    # Decided in the first reviewer's name, both keys in the rationale.
    assert appeal.outcome == AppealOutcome.OVERTURNED and appeal.decision == determination
    assert appeal.decided_by == second_reviewer == determination.decided_by
    assert "signed by a second reviewer" in determination.rationale
    exc.refresh_from_db()
    assert exc.signed_by == third_reviewer and exc.determination == determination
    events = list(AuditEvent.objects.filter(object_id=str(denied.pk), action__in=(
        "exception_ask", "exception_sign", "appeal_decide")).order_by("id")
        .values_list("action", "actor_id"))
    assert events == [("exception_ask", second_reviewer.pk),
                      ("exception_sign", third_reviewer.pk),
                      ("appeal_decide", third_reviewer.pk)]
    assert pending_exception(denied) is None


def test_the_reviewer_who_denied_may_neither_ask_nor_sign(
        denied, file_appeal, reviewer, second_reviewer):
    appeal = file_appeal(denied)
    with pytest.raises(ConflictOfInterest, match="You denied"):
        ask(appeal, reviewer)
    exc = ask(appeal, second_reviewer)
    with pytest.raises(ConflictOfInterest, match="You denied"):
        exception_sign(by=reviewer, exception=exc)
    with pytest.raises(ConflictOfInterest, match="You asked for this exception"):
        exception_sign(by=second_reviewer, exception=exc)
    appeal.refresh_from_db()
    assert appeal.is_open


def test_whoever_took_part_may_not_sign(denied, file_appeal, prescriber, second_reviewer):
    appeal = file_appeal(denied)
    exc = ask(appeal, second_reviewer)
    with pytest.raises(ConflictOfInterest, match="You prescribed"):
        exception_sign(by=prescriber, exception=exc)


def test_an_exception_of_an_upheld_appeal_is_no_longer_pending(
        denied, file_appeal, decide_appeal, second_reviewer, third_reviewer):
    appeal = file_appeal(denied)
    exc = ask(appeal, second_reviewer)
    decide_appeal(appeal, third_reviewer, overturn=False, rationale="Not documented.")
    assert pending_exception(denied) is None
    with pytest.raises(Exception, match="already decided"):
        exception_sign(by=make_reviewer("reviewer-4"), exception=exc)


def test_a_first_exception_never_signed_is_not_the_appeals(
        prescriber, submit, reviewer, second_reviewer, third_reviewer, file_appeal):
    req = submit(prescriber, approvable_case(member_id="M-TWO-1", hbsag="positive"))
    exception_ask(by=reviewer, req=req, reason="published_evidence", rationale="Evidence.")
    request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg positive.")
    req.refresh_from_db()
    assert pending_exception(req) is None
    appeal = file_appeal(req)
    assert pending_exception(req) is None
    exc = ask(appeal, second_reviewer, rationale="Repeat HBsAg negative.")
    assert pending_exception(req) == exc
    assert DecisionException.objects.filter(request=req).count() == 2


def test_signing_keeps_one_treatment_per_lifetime(
        prescriber, submit, denied, file_appeal, second_reviewer, third_reviewer):
    appeal = file_appeal(denied)
    exc = ask(appeal, second_reviewer)
    # Meanwhile the same member was approved on another request.
    submit(prescriber, approvable_case(member_id="M-APPEAL-1"))
    with pytest.raises(LifetimeLimitReached, match="The appeal stays open"):
        exception_sign(by=third_reviewer, exception=exc)
    appeal.refresh_from_db()
    exc.refresh_from_db()
    assert appeal.is_open and exc.signed_at is None


# The appeal's page


def test_the_appeal_page_asks_for_the_first_key_then_shows_the_pending_second(
        client, denied, file_appeal, second_reviewer, third_reviewer,
        django_capture_on_commit_callbacks):
    appeal = file_appeal(denied)
    url = f"/admin/authorizations/appeal/{appeal.pk}/decide/"
    page = login(client, second_reviewer).get(url).content.decode()
    assert "does not meet every criterion" in page and "Overturn under an exception" in page
    assert "Overturn: approve" not in page
    # An incomplete first key: the field named, the typed rationale kept.
    response = client.post(f"/admin/authorizations/appeal/{appeal.pk}/exception/",
                           {"exception-reason": "", "exception-rationale": "Clinic note."})
    page = response.content.decode()
    assert response.status_code == 400 and "Exception reason: This field is required." in page
    assert "Clinic note." in page
    # Only the exception's form speaks of errors: the decision's is not bound.
    assert page.count("This field is required.") == 1
    response = client.post(f"/admin/authorizations/appeal/{appeal.pk}/exception/", {
        "exception-reason": "records_show_met", "exception-rationale": "Clinic note."},
        follow=True)
    page = response.content.decode()
    assert "awaits a second reviewer" in page and "Exception pending" in page
    assert "You asked for this exception" in page and "Sign the exception" not in page
    page = login(client, third_reviewer).get(url).content.decode()
    assert "Sign the exception and overturn the denial of " + denied.number in page
    exc = DecisionException.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/authorizations/appeal/{appeal.pk}/exception/sign/",
                               {"exception": exc.pk}, follow=True)
    page = response.content.decode()
    assert f"The denial of {denied.number} is overturned under two keys" in page
    assert "The appeal is decided: denial overturned: approved" in page
