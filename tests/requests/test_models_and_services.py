from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from authorizations.models import (
    AuditEvent,
    Authorization,
    AuthorizationRequest,
    Determination,
    InvalidTransition,
    Status,
)
from authorizations.requests.services import (
    LifetimeLimitReached,
    request_create,
    request_decide,
    request_submit,
)
from tests.cases import AS_OF, days, iso
from tests.factories import approvable_case, submitted_request


def submitted(user, **changes):
    return submitted_request(user, approvable_case(**changes), as_of=AS_OF)


@pytest.mark.django_db
def test_database_allows_one_authorization_per_member(prescriber):
    first = submitted(prescriber).request
    other = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    with pytest.raises(IntegrityError), transaction.atomic():
        # Another spelling of the same member: the database compares member keys.
        Authorization.objects.create(request=other, member_id=first.member_id.lower(),
                                     member_key=first.member_key,
                                     start_date=date(2026, 1, 1), end_date=date(2026, 2, 14))
    assert Authorization.objects.filter(member_key=first.member_key).count() == 1


@pytest.mark.django_db
def test_lifetime_limit_compares_member_keys_not_letter_case(prescriber):
    """PROBE-A1 approved, then probe-a1: refused by lifetime_limit (version 1 approved it)."""
    assert submitted(prescriber, member_id="PROBE-A1").request.status == Status.APPROVED
    second = submitted(prescriber, member_id="probe a1").request
    assert second.status == Status.PENDING_REVIEW
    assert second.unmet == ["lifetime_limit"]
    assert Authorization.objects.filter(member_key="PROBEA1").count() == 1


@pytest.mark.django_db
def test_meets_criteria_is_approved_for_45_days(prescriber):
    result = submitted(prescriber)
    req = result.request
    assert req.status == Status.APPROVED and req.outcome == "meets_criteria"
    auth = req.authorization
    assert auth.start_date == AS_OF
    # 45 calendar days counting the approval day.
    assert auth.end_date == AS_OF + timedelta(days=44) == days(44)
    assert (auth.end_date - auth.start_date).days + 1 == 45
    assert (auth.hcpcs_code, auth.icd10_code, auth.quantity) == ("J1411", "D67", 1)
    assert auth.number.startswith(f"HGX-{AS_OF.year}-")
    det = result.determination
    assert det.kind == "system" and det.status == Status.APPROVED and det.unmet == []
    assert len(det.trace) == 21
    assert AuditEvent.objects.filter(action="submit", object_id=str(req.pk)).exists()


@pytest.mark.django_db
def test_not_met_goes_to_review_never_denied(prescriber):
    req = submitted(prescriber, hbsag="positive").request
    assert req.status == Status.PENDING_REVIEW
    assert req.unmet == ["hepatitis_b"]
    assert not Authorization.objects.exists()
    assert req.due_at - req.submitted_at == timedelta(days=15)


@pytest.mark.django_db
def test_expedited_request_is_due_in_72_hours(prescriber):
    req = submitted_request(prescriber, approvable_case(hbsag="positive"),
                            expedited=True).request
    assert req.due_at - req.submitted_at == timedelta(hours=72)


@pytest.mark.django_db
def test_second_request_for_same_member_pends_with_lifetime_limit(prescriber, other_prescriber):
    submitted(prescriber)
    second = submitted(other_prescriber).request
    assert second.status == Status.PENDING_REVIEW
    assert second.unmet == ["lifetime_limit"]


@pytest.mark.django_db
def test_double_submit_is_one_determination(prescriber):
    first = submitted(prescriber)
    again = request_submit(by=prescriber, req=first.request)
    assert again.already_submitted
    assert Determination.objects.filter(request=first.request).count() == 1


@pytest.mark.django_db
def test_reviewer_denies_with_rationale(prescriber, reviewer):
    req = submitted(prescriber, hbsag="positive").request
    with pytest.raises(ValueError):
        request_decide(by=reviewer, req=req, approve=False, rationale="  ")
    det = request_decide(by=reviewer, req=req, approve=False,
                         rationale="HBsAg positive on 2026-11-01.")
    req.refresh_from_db()
    assert req.status == Status.DENIED and det.kind == "reviewer"
    assert det.decided_by_credentials == "MD, Hematology"
    with pytest.raises(InvalidTransition):
        request_decide(by=reviewer, req=req, approve=True, rationale="changed mind")


@pytest.mark.django_db
def test_reviewer_approval_refused_when_member_already_authorized(prescriber, reviewer):
    # Pended by a flag (an inhibitor screen older than 30 days), no criterion unmet.
    pending = submitted(prescriber, inhibitor_screen_date=iso(-38)).request
    submitted(prescriber)  # same member, approved at once
    with pytest.raises(LifetimeLimitReached):
        request_decide(by=reviewer, req=pending, approve=True, rationale="ok")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_REVIEW
    assert "lifetime_limit" in pending.unmet


@pytest.mark.django_db
def test_state_machine_allows_only_listed_transitions(prescriber):
    req = AuthorizationRequest(prescriber=prescriber, htc=prescriber.prescriber.htc)
    assert req.can_become(Status.PENDING_REVIEW) and req.can_become(Status.APPROVED)
    assert not req.can_become(Status.DENIED)  # software never denies
    req.status = Status.APPROVED
    with pytest.raises(InvalidTransition):
        req.transition_to(Status.DENIED)
