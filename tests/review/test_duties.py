"""Separation of duties: whoever took part in a request may not decide it or
its appeal, nor schedule or record its peer-to-peer discussion; a superuser
neither. Taking part is read from the records (hardening N3): prescribed,
submitted, answered, changed its answers, responded to a request for
information, uploaded or recorded one of its documents, filed its appeal,
asked for its peer-to-peer discussion.

The one taking part is mostly a colleague of the prescriber at the same HTC
who is a clinical reviewer too: every prescriber of an HTC may act on its
requests, so their part is on record only in what they wrote."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from authorizations.accounts.services import user_memberships_set, user_save
from authorizations.appeals.services import appeal_decide, appeal_file
from authorizations.core import access
from authorizations.documents.services import document_add
from authorizations.models import Status
from authorizations.requests.services import (
    request_create,
    request_decide,
    request_save_draft,
    request_submit,
)
from authorizations.review.conversation import answers_change, document_received
from authorizations.review.services import (
    ConflictOfInterest,
    conflict_of_interest,
    information_request,
    information_respond,
    peer_to_peer_offer,
    peer_to_peer_record,
    peer_to_peer_request,
    peer_to_peer_schedule,
)
from tests.factories import (
    PrescriberFactory,
    approvable_case,
    approve_under_two_keys,
    login,
    make_reviewer,
)
from tests.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(prescriber):
    """A reviewer who also prescribes at the request's HTC."""
    user = make_reviewer(username="colleague")
    PrescriberFactory(user=user, htc=prescriber.prescriber.htc)
    return user


@pytest.fixture
def information_requested(pending, reviewer):
    information_request(by=reviewer, req=pending, criteria=[], document_kinds=["clinic_note"],
                        message="The counseling note, please.")
    pending.refresh_from_db()
    return pending


def refused_to_decide(user, req, match: str) -> None:
    with pytest.raises(ConflictOfInterest, match=match):
        request_decide(by=user, req=req, approve=True, rationale="Looks fine.")
    req.refresh_from_db()
    assert req.status != Status.APPROVED


def test_a_reviewer_who_prescribed_the_request_may_not_decide_it(client, submit):
    both = make_reviewer(username="dual")
    both.is_superuser = True
    user_save(both, by=None)
    PrescriberFactory(user=both)
    req = submit(both, approvable_case(member_id="M-DUAL", attest_alcohol_counseling=False))
    with pytest.raises(ConflictOfInterest, match="You prescribed"):
        request_decide(by=both, req=req, approve=True, rationale="ok")
    with pytest.raises(ConflictOfInterest):
        information_request(by=both, req=req, criteria=[], document_kinds=["other"],
                            message="x")
    html = login(client, both).get(reverse(
        "admin:authorizations_authorizationrequest_change", args=[req.pk])).content.decode()
    assert "You prescribed" in html
    assert 'name="decision"' not in html and 'name="message"' not in html
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW


def test_a_reviewer_who_answered_the_request_may_not_decide_it(prescriber, reviewer):
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=reviewer, req=req, answers=approvable_case(
        member_id="M-HELPED", attest_alcohol_counseling=False), step="review")
    request_submit(by=prescriber, req=req)
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW
    with pytest.raises(ConflictOfInterest, match="answered"):
        request_decide(by=reviewer, req=req, approve=True, rationale="ok")


def test_another_reviewer_may(pending):
    other = make_reviewer(username="second")
    assert conflict_of_interest(other, pending) == ""
    approve_under_two_keys(pending, first=other, rationale="Counseled.")
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED


def test_who_responded_to_a_request_for_information_may_not_decide(
        information_requested, colleague):
    req = information_requested
    information_respond(by=colleague, req=req, note="Counseled on 2026-10-20.")
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW
    refused_to_decide(colleague, req, "You responded to a request for information on PA-")


def test_who_changed_the_answers_in_a_response_may_not_decide(
        information_requested, colleague, prescriber):
    req = information_requested
    answers_change(by=colleague, req=req, step="attestations",
                   answers={**req.answers, "weight_kg": 73})
    information_respond(by=prescriber, req=req, note="Weight corrected.")
    req.refresh_from_db()
    refused_to_decide(colleague, req, "You changed the answers of PA-")


def test_who_uploaded_one_of_its_documents_may_not_decide(pending, colleague):
    document_add(by=colleague, req=pending, kind="clinic_note",
                 upload=upload("note.pdf", pdf_bytes(), "application/pdf"))
    refused_to_decide(colleague, pending, "You uploaded a document of PA-")


def test_who_recorded_a_document_received_by_fax_may_not_decide(pending):
    clerk = make_reviewer(username="fax-desk")
    document_received(by=clerk, req=pending, kind="clinic_note", criterion="",
                      upload=upload("fax.pdf", pdf_bytes(), "application/pdf"),
                      received_by="fax", received_on=timezone.localdate())
    refused_to_decide(clerk, pending, "You recorded a document received for PA-")


def test_who_submitted_a_colleagues_draft_may_not_decide(prescriber, colleague):
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=req, step="review", answers=approvable_case(
        member_id="M-SUBMITTED", attest_alcohol_counseling=False))
    request_submit(by=colleague, req=req)
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW
    refused_to_decide(colleague, req, "You submitted PA-")


def test_who_filed_the_appeal_may_not_decide_it(pending, reviewer, colleague):
    request_decide(by=reviewer, req=pending, approve=False, rationale="Not attested.")
    pending.refresh_from_db()
    appeal = appeal_file(by=colleague, req=pending, statement="Counseling was given.",
                         expedited=False, representative=True)
    with pytest.raises(ConflictOfInterest, match="You filed the appeal of PA-"):
        appeal_decide(by=colleague, appeal=appeal, overturn=True, rationale="Fine.")
    appeal.refresh_from_db()
    assert appeal.is_open


def test_who_asked_for_the_peer_to_peer_may_not_schedule_or_record_it(pending, colleague):
    when = timezone.now() + timedelta(days=1)
    p2p = peer_to_peer_request(by=colleague, req=pending, times=[when])
    with pytest.raises(ConflictOfInterest, match="You asked for a peer-to-peer discussion"):
        peer_to_peer_schedule(by=colleague, req=pending, at=when)
    with pytest.raises(ConflictOfInterest, match="You asked for a peer-to-peer discussion"):
        peer_to_peer_record(by=colleague, req=pending, held_at=when, notes="Discussed.")
    with pytest.raises(ConflictOfInterest, match="must schedule and hold its peer-to-peer"):
        peer_to_peer_offer(by=colleague, req=pending, times=[when])
    p2p.refresh_from_db()
    assert p2p.scheduled_at is None and p2p.held_at is None
    assert pending.peer_to_peers.count() == 1
    refused_to_decide(colleague, pending, "You asked for a peer-to-peer discussion of PA-")


def test_the_prescriber_may_not_schedule_or_record_the_peer_to_peer_of_their_request(
        pending, prescriber, reviewer):
    # `reviewer` made the Reviewers group, which the prescriber joins.
    user_memberships_set(prescriber, by=None, groups=[Group.objects.get(name=access.REVIEWERS)])
    when = timezone.now() + timedelta(days=1)
    p2p = peer_to_peer_request(by=prescriber, req=pending, times=[when])
    with pytest.raises(ConflictOfInterest, match="You prescribed PA-"):
        peer_to_peer_schedule(by=prescriber, req=pending, at=when)
    with pytest.raises(ConflictOfInterest, match="You prescribed PA-"):
        peer_to_peer_record(by=prescriber, req=pending, held_at=when, notes="Discussed.")
    p2p.refresh_from_db()
    assert p2p.scheduled_at is None and p2p.held_at is None


def test_the_admin_says_why_and_schedules_nothing(client, pending, colleague):
    when = timezone.now() + timedelta(days=1)
    p2p = peer_to_peer_request(by=colleague, req=pending, times=[when])
    response = login(client, colleague).post(
        reverse("admin:authorizations_authorizationrequest_peer_to_peer", args=[pending.pk]),
        {"action": "schedule", "scheduled_at": when.isoformat()}, follow=True)
    assert response.status_code == 200
    assert "You asked for a peer-to-peer discussion" in response.content.decode()
    p2p.refresh_from_db()
    assert p2p.scheduled_at is None


def test_a_reviewer_who_took_no_part_may_do_all_of_it(information_requested, colleague,
                                                      reviewer, prescriber):
    # The usual conversation: the reviewer asks, the prescriber answers and
    # asks for a discussion; the reviewer schedules it, holds it and decides.
    req = information_requested
    information_respond(by=prescriber, req=req, note="Counseled.")
    when = timezone.now() + timedelta(days=1)
    peer_to_peer_request(by=prescriber, req=req, times=[when])
    peer_to_peer_schedule(by=reviewer, req=req, at=when)
    peer_to_peer_record(by=reviewer, req=req, held_at=timezone.now(), notes="Discussed.")
    assert conflict_of_interest(reviewer, req) == ""
    approve_under_two_keys(req, first=reviewer, rationale="Counseling confirmed.")
    req.refresh_from_db()
    assert req.status == Status.APPROVED


@pytest.mark.parametrize("npi, listed", [("1234567893", True), ("1245319599", False)])
def test_a_reviewer_listed_on_the_request_by_npi_may_not_decide_it(pending, npi, listed):
    user = make_reviewer(username="listed")
    PrescriberFactory(user=user, npi=npi)
    assert pending.answers["site_of_care_npi"] == "1234567893"
    words = conflict_of_interest(user, pending)
    assert words == (f"You are listed on {pending.number}: another reviewer must decide it."
                     if listed else "")
