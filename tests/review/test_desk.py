"""The reviewer's desk: one owner at a time (claim, take over, reassign), and
approvals past unmet criteria under two keys."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from authorizations.accounts.services import user_save
from authorizations.models import (
    AuditEvent,
    Authorization,
    DecisionException,
    Determination,
    InvalidTransition,
    Status,
)
from authorizations.requests.services import request_decide
from authorizations.review.desk_services import (
    case_claim,
    case_reassign,
    case_take_over,
    exception_ask,
    exception_sign,
    pending_exception,
)
from authorizations.review.services import (
    ConflictOfInterest,
    ExceptionNeeded,
    NotTheOwner,
    information_request,
    peer_to_peer_offer,
    peer_to_peer_record,
    peer_to_peer_schedule,
)
from tests.cases import iso
from tests.factories import approvable_case, login, make_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return make_reviewer(username="colleague")


@pytest.fixture
def lead(db):
    user = make_reviewer(username="lead")
    user.user_permissions.add(Permission.objects.get(codename="reassign_authorizationrequest"))
    user_save(user, by=None)
    # has_perm caches the permissions of the instance it was asked on.
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def unproven(prescriber, submit):
    """HBsAg positive: an "unproven" exclusion, the request pended for review."""
    req = submit(prescriber, approvable_case(member_id="M-HBV", hbsag="positive"))
    assert req.status == Status.PENDING_REVIEW and req.unmet == ["hepatitis_b"]
    return req


def actions(req) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(req.pk)).order_by("id")
                .values_list("action", flat=True))


# Ownership


def test_a_reviewer_claims_an_unowned_case_on_record(pending, reviewer):
    case_claim(by=reviewer, req=pending)
    pending.refresh_from_db()
    assert pending.owner == reviewer
    assert actions(pending)[-1] == "claim"


def test_one_owner_at_a_time(pending, reviewer, colleague):
    case_claim(by=reviewer, req=pending)
    with pytest.raises(NotTheOwner, match="owned by Rita Reviewer: take it over"):
        case_claim(by=colleague, req=pending)
    pending.refresh_from_db()
    assert pending.owner == reviewer


def test_a_case_owned_by_someone_else_is_decided_only_after_taking_it_over(
        pending, reviewer, colleague):
    case_claim(by=reviewer, req=pending)
    with pytest.raises(NotTheOwner, match="take it over first"):
        request_decide(by=colleague, req=pending, approve=False, rationale="No counseling.")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_REVIEW
    case_take_over(by=colleague, req=pending)
    event = AuditEvent.objects.filter(object_id=str(pending.pk), action="take_over").get()
    assert event.detail == {"owner": colleague.pk, "previous": reviewer.pk}
    request_decide(by=colleague, req=pending, approve=False, rationale="No counseling.")
    pending.refresh_from_db()
    assert pending.status == Status.DENIED


def test_whoever_took_part_may_not_own_the_case(pending, prescriber):
    with pytest.raises(ConflictOfInterest, match="another reviewer must own it"):
        case_claim(by=prescriber, req=pending)


def test_a_decided_case_has_no_owner_to_claim(queue, reviewer):
    with pytest.raises(InvalidTransition, match="only an open case has an owner"):
        case_claim(by=reviewer, req=queue["denied"])


def test_only_a_lead_reassigns(pending, reviewer, colleague, lead):
    case_claim(by=reviewer, req=pending)
    with pytest.raises(PermissionDenied):
        case_reassign(by=colleague, req=pending, to=colleague)
    case_reassign(by=lead, req=pending, to=colleague)
    pending.refresh_from_db()
    assert pending.owner == colleague
    event = AuditEvent.objects.filter(object_id=str(pending.pk), action="reassign").get()
    assert event.actor_id == lead.pk
    assert event.detail == {"owner": colleague.pk, "previous": reviewer.pk}


def test_a_lead_reassigns_only_to_a_reviewer_who_took_no_part(pending, lead, prescriber):
    with pytest.raises(ValueError, match="not a reviewer"):
        case_reassign(by=lead, req=pending, to=prescriber)


# Exceptions under two keys


def test_one_key_never_approves_past_an_unproven_exclusion(unproven, reviewer):
    with pytest.raises(ExceptionNeeded, match="needs an exception"):
        request_decide(by=reviewer, req=unproven, approve=True,
                       rationale="HBsAg was a lab error.")
    unproven.refresh_from_db()
    assert unproven.status == Status.PENDING_REVIEW
    assert not Authorization.objects.filter(request=unproven).exists()


def test_a_denial_needs_no_second_key(unproven, reviewer):
    request_decide(by=reviewer, req=unproven, approve=False, rationale="HBsAg positive.")
    unproven.refresh_from_db()
    assert unproven.status == Status.DENIED


def test_an_exception_is_pending_until_a_second_reviewer_signs(unproven, reviewer, colleague):
    exc = exception_ask(by=reviewer, req=unproven, reason="records_show_met",
                        rationale="The repeat HBsAg of 11/20 is negative; the first was "
                                  "a lab error.")
    unproven.refresh_from_db()
    assert unproven.status == Status.PENDING_REVIEW
    assert pending_exception(unproven) == exc and exc.criteria == ["hepatitis_b"]
    determination = exception_sign(by=colleague, exception=exc)
    unproven.refresh_from_db()
    assert unproven.status == Status.APPROVED
    assert Authorization.objects.filter(request=unproven).exists()
    # In the first reviewer's name, both keys in the rationale.
    assert determination.decided_by == reviewer
    assert "lab error" in determination.rationale
    assert "signed by a second reviewer, Rita Reviewer" in determination.rationale
    exc.refresh_from_db()
    assert exc.signed_by == colleague and exc.determination == determination
    both_keys = ("exception_ask", "exception_sign", "approve")
    assert [a for a in actions(unproven) if a in both_keys] == list(both_keys)


def test_the_reviewer_who_asked_may_not_sign(unproven, reviewer):
    exc = exception_ask(by=reviewer, req=unproven, reason="published_evidence",
                        rationale="Evidence.")
    with pytest.raises(ConflictOfInterest, match="You asked for this exception"):
        exception_sign(by=reviewer, exception=exc)
    unproven.refresh_from_db()
    assert unproven.status == Status.PENDING_REVIEW


def test_a_second_key_who_took_part_in_the_case_may_not_sign(unproven, reviewer, prescriber):
    exc = exception_ask(by=reviewer, req=unproven, reason="published_evidence",
                        rationale="Evidence.")
    with pytest.raises(ConflictOfInterest, match="You prescribed"):
        exception_sign(by=prescriber, exception=exc)


def test_an_exception_needs_a_reason_code_and_a_rationale(unproven, reviewer):
    with pytest.raises(ValueError, match="Exception reason"):
        exception_ask(by=reviewer, req=unproven, reason="", rationale="Why.")
    with pytest.raises(ValueError, match="Rationale"):
        exception_ask(by=reviewer, req=unproven, reason="medical_director", rationale="  ")
    assert not DecisionException.objects.exists()


def test_no_exception_for_a_request_that_meets_every_criterion(prescriber, submit, reviewer):
    # Pended by a flag alone (an inhibitor screen older than 30 days).
    req = submit(prescriber, approvable_case(member_id="M-FLAG",
                                             inhibitor_screen_date=iso(-38)))
    with pytest.raises(ValueError, match="no exception is needed"):
        exception_ask(by=reviewer, req=req, reason="medical_director", rationale="Why.")


def test_only_one_exception_waits_at_a_time(unproven, reviewer):
    exception_ask(by=reviewer, req=unproven, reason="medical_director", rationale="Why.")
    with pytest.raises(InvalidTransition, match="already awaits"):
        exception_ask(by=reviewer, req=unproven, reason="medical_director", rationale="Why.")


def test_an_exception_on_someone_elses_case_needs_a_take_over(unproven, reviewer, colleague):
    case_claim(by=colleague, req=unproven)
    with pytest.raises(NotTheOwner):
        exception_ask(by=reviewer, req=unproven, reason="medical_director", rationale="Why.")


def test_no_exception_lifts_one_treatment_per_lifetime(prescriber, submit, reviewer):
    submit(prescriber, approvable_case(member_id="M-ONCE"))
    second = submit(prescriber, approvable_case(member_id="M-ONCE", hbsag="positive"))
    assert "lifetime_limit" in second.unmet
    with pytest.raises(ValueError, match="one treatment per lifetime"):
        exception_ask(by=reviewer, req=second, reason="medical_director", rationale="Why.")
    assert Determination.objects.filter(request=second, status=Status.APPROVED).count() == 0


# Ownership reaches requests for information and peer-to-peer too


def test_information_on_someone_elses_case_needs_a_take_over(pending, reviewer, colleague):
    case_claim(by=reviewer, req=pending)
    with pytest.raises(NotTheOwner, match="take it over first"):
        information_request(by=colleague, req=pending, criteria=[], document_kinds=[],
                            message="Send the counseling note.")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_REVIEW
    case_take_over(by=colleague, req=pending)
    information_request(by=colleague, req=pending, criteria=[], document_kinds=[],
                        message="Send the counseling note.")
    pending.refresh_from_db()
    assert pending.status == Status.INFORMATION_REQUESTED
    done = actions(pending)
    assert done.index("take_over") < done.index("request_information")


def test_peer_to_peer_on_someone_elses_case_needs_a_take_over(pending, reviewer, colleague):
    case_claim(by=reviewer, req=pending)
    when = timezone.now() + timedelta(days=2)
    with pytest.raises(NotTheOwner, match="take it over first"):
        peer_to_peer_offer(by=colleague, req=pending, times=[when])
    p2p = peer_to_peer_offer(by=reviewer, req=pending, times=[when])
    with pytest.raises(NotTheOwner):
        peer_to_peer_schedule(by=colleague, req=pending, at=when)
    with pytest.raises(NotTheOwner):
        peer_to_peer_record(by=colleague, req=pending, held_at=when, notes="Discussed.")
    p2p.refresh_from_db()
    assert p2p.scheduled_at is None and p2p.held_at is None
    case_take_over(by=colleague, req=pending)
    peer_to_peer_schedule(by=colleague, req=pending, at=when)
    p2p.refresh_from_db()
    assert p2p.scheduled_by == colleague
    assert "take_over" in actions(pending)


def test_a_decided_cases_peer_to_peer_needs_no_owner(pending, reviewer, colleague):
    # A denied case cannot be taken over: its discussion is any free reviewer's.
    case_claim(by=reviewer, req=pending)
    request_decide(by=reviewer, req=pending, approve=False, rationale="No counseling.")
    pending.refresh_from_db()
    p2p = peer_to_peer_offer(by=colleague, req=pending,
                             times=[timezone.now() + timedelta(days=2)])
    assert p2p.offered_by == colleague


def test_the_page_of_someone_elses_case_offers_the_take_over_not_the_forms(
        client, pending, reviewer, colleague):
    case_claim(by=reviewer, req=pending)
    url = f"/admin/authorizations/authorizationrequest/{pending.pk}/change/"
    page = login(client, colleague).get(url).content.decode()
    assert f"Take over {pending.number}" in page
    assert "Request information from the prescriber" not in page
    assert "to offer, schedule or record a peer-to-peer discussion, take it over first" in page
    assert "Offer these times" not in page
    response = client.post(
        f"/admin/authorizations/authorizationrequest/{pending.pk}/information/",
        {"message": "Send the note.", "document_kinds": ["clinic_note"],
         "due_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")},
        follow=True)
    assert "Nothing was sent" in response.content.decode()
    assert "take it over first" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_REVIEW
    page = login(client, reviewer).get(url).content.decode()
    assert "Request information from the prescriber" in page and "Offer these times" in page
