"""Filing and deciding an appeal: the window, one open appeal, the clocks, who
may decide, and what each decision does to the request."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from authorizations.accounts.services import user_memberships_set
from authorizations.appeals.services import AppealRefused, appeal_deadline, appeal_file, denial_of
from authorizations.models import (
    Appeal,
    AppealOutcome,
    Authorization,
    AuthorizationRequest,
    InvalidTransition,
    LetterKind,
    Status,
)
from authorizations.requests.services import LifetimeLimitReached, request_decide
from authorizations.review.services import ConflictOfInterest
from tests.factories import approvable_case

pytestmark = pytest.mark.django_db


def test_an_appeal_is_filed_up_to_180_days_after_the_notice_is_received_and_not_after(
        denied, file_appeal):
    deadline = appeal_deadline(denial_of(denied))
    with pytest.raises(AppealRefused, match="The time to appeal .* ended on"):
        file_appeal(denied, as_of=deadline + timedelta(days=1))
    assert not Appeal.objects.exists()
    appeal = file_appeal(denied, as_of=deadline)
    assert appeal.request == denied and appeal.denial == denial_of(denied)
    # The deadline is a date where the service is; so is the denial's day (a UTC
    # date would differ between midnight UTC and midnight in the service's zone).
    # Not yet mailed: the notice date is the day the letter was issued (the
    # denial's), received 5 days later (the mailing allowance), then 180 days.
    assert (deadline - timezone.localdate(denied.decided_at)).days == 185


def test_only_a_denied_request_can_be_appealed(prescriber, submit, file_appeal):
    approved = submit(prescriber, approvable_case(member_id="M-OK"))
    pending = submit(prescriber, approvable_case(member_id="M-PEND",
                                                 attest_alcohol_counseling=False))
    for req in (approved, pending):
        with pytest.raises(AppealRefused, match="only a denial can be appealed"):
            file_appeal(req)
    assert not Appeal.objects.exists()


def test_one_open_appeal_at_a_time_and_no_second_internal_appeal(
        denied, file_appeal, decide_appeal, second_reviewer):
    appeal = file_appeal(denied)
    with pytest.raises(AppealRefused, match="already has an appeal awaiting"):
        file_appeal(denied)
    decide_appeal(appeal, second_reviewer, overturn=False)
    with pytest.raises(AppealRefused, match="no further internal appeal"):
        file_appeal(denied)
    assert Appeal.objects.count() == 1


def test_the_appeal_is_due_in_72_hours_expedited_and_30_days_standard(
        prescriber, submit, reviewer, denied, file_appeal):
    standard = file_appeal(denied)
    assert standard.due_at - standard.filed_at == timedelta(days=30)
    other = submit(prescriber, approvable_case(member_id="M-APPEAL-2",
                                               attest_alcohol_counseling=False))
    request_decide(by=reviewer, req=other, approve=False, rationale="Not attested.")
    expedited = file_appeal(other, expedited=True)
    assert expedited.due_at - expedited.filed_at == timedelta(hours=72)
    assert expedited.expedited_reason == "Surgery scheduled"


def test_filing_needs_a_statement_the_attestation_and_a_reason_to_expedite(
        prescriber, denied):
    def file(**changes):
        args = {"by": prescriber, "req": denied, "statement": "Why.", "expedited": False,
                "representative": True, **changes}
        appeal_file(**args)

    with pytest.raises(ValueError, match="^Statement:"):
        file(statement="  ")
    with pytest.raises(ValueError, match="^Authorized representative:"):
        file(representative=False)
    with pytest.raises(ValueError, match="^Reason for an expedited appeal:"):
        file(expedited=True, expedited_reason="")
    assert not Appeal.objects.exists()


def test_only_a_prescriber_of_the_requests_htc_files_its_appeal(denied, other_prescriber,
                                                                file_appeal):
    with pytest.raises(PermissionError):
        file_appeal(denied, by=other_prescriber)
    assert not Appeal.objects.exists()


def test_the_reviewer_who_denied_may_not_decide_the_appeal(denied, reviewer, file_appeal,
                                                           decide_appeal):
    appeal = file_appeal(denied)
    with pytest.raises(ConflictOfInterest, match="You denied PA-"):
        decide_appeal(appeal, reviewer, overturn=True)
    appeal.refresh_from_db()
    denied.refresh_from_db()
    assert appeal.is_open and denied.status == Status.DENIED


def test_a_reviewer_who_prescribed_the_request_may_not_decide_its_appeal(
        denied, prescriber, file_appeal, decide_appeal):
    # The prescriber made a reviewer too (a superuser would be refused the same way).
    from django.contrib.auth.models import Group

    user_memberships_set(prescriber, by=None,
                         groups=[Group.objects.get(name="Reviewers")])
    appeal = file_appeal(denied)
    with pytest.raises(ConflictOfInterest, match="You prescribed PA-"):
        decide_appeal(appeal, prescriber, overturn=True)
    assert Appeal.objects.get().is_open


def test_upheld_keeps_the_request_denied_with_its_own_decision_and_letter(
        denied, file_appeal, decide_appeal, second_reviewer):
    appeal = file_appeal(denied)
    mail.outbox.clear()
    determination = decide_appeal(appeal, second_reviewer, overturn=False,
                                  rationale="The clinic note does not document counseling.")
    denied.refresh_from_db()
    appeal.refresh_from_db()
    assert denied.status == Status.DENIED
    assert appeal.outcome == AppealOutcome.UPHELD and appeal.decision == determination
    assert appeal.decided_by == second_reviewer
    assert determination.decided_by == second_reviewer and determination.status == Status.DENIED
    assert [r.criterion for r in determination.reasons.all()] == denied.unmet
    assert determination.letter.kind == LetterKind.APPEAL_UPHELD
    assert not Authorization.objects.filter(request=denied).exists()
    assert [m.subject for m in mail.outbox] == [
        f"Appeal decided for prior authorization {denied.number}"]


def test_overturned_approves_with_an_authorization_and_an_approval_letter(
        denied, file_appeal, decide_appeal, second_reviewer):
    appeal = file_appeal(denied)
    determination = decide_appeal(appeal, second_reviewer, overturn=True)
    denied.refresh_from_db()
    appeal.refresh_from_db()
    assert denied.status == Status.APPROVED
    assert appeal.outcome == AppealOutcome.OVERTURNED and appeal.decision == determination
    assert Authorization.objects.get(request=denied).status == "active"
    assert determination.letter.kind == LetterKind.APPEAL_OVERTURNED


def test_the_requests_first_decision_time_stays_for_its_review_clock(
        prescriber, reviewer, submit, denied, file_appeal, decide_appeal, second_reviewer):
    first = denied.decided_at
    decide_appeal(file_appeal(denied), second_reviewer, overturn=True)
    denied.refresh_from_db()
    assert denied.decided_at == first
    other = submit(prescriber, approvable_case(member_id="M-APPEAL-3",
                                               attest_alcohol_counseling=False))
    request_decide(by=reviewer, req=other, approve=False, rationale="No.")
    other.refresh_from_db()
    first = other.decided_at
    decide_appeal(file_appeal(other), second_reviewer, overturn=False)
    other.refresh_from_db()
    assert other.decided_at == first


def test_overturning_still_keeps_one_treatment_per_lifetime(
        prescriber, submit, denied, file_appeal, decide_appeal, second_reviewer):
    # Meanwhile the same member was approved on another request.
    submit(prescriber, approvable_case(member_id="M-APPEAL-1"))
    appeal = file_appeal(denied)
    with pytest.raises(LifetimeLimitReached, match="The appeal stays open"):
        decide_appeal(appeal, second_reviewer, overturn=True)
    appeal.refresh_from_db()
    denied.refresh_from_db()
    assert appeal.is_open and denied.status == Status.DENIED
    assert Authorization.objects.filter(member_key=denied.member_key).count() == 1


def test_a_decided_appeal_is_not_decided_again(denied, file_appeal, decide_appeal,
                                               second_reviewer):
    appeal = file_appeal(denied)
    decide_appeal(appeal, second_reviewer, overturn=False)
    with pytest.raises(AppealRefused, match="already decided"):
        decide_appeal(appeal, second_reviewer, overturn=True)
    assert AuthorizationRequest.objects.get(pk=denied.pk).status == Status.DENIED


def test_a_denial_is_not_reopened_by_an_ordinary_decision(denied, second_reviewer):
    with pytest.raises(InvalidTransition, match="only a request pending review"):
        request_decide(by=second_reviewer, req=denied, approve=True,
                       rationale="Changed my mind.")
    denied.refresh_from_db()
    assert denied.status == Status.DENIED


def test_the_filed_appeal_never_changes_in_the_database(denied, file_appeal):
    from django.db import IntegrityError, transaction

    appeal = file_appeal(denied)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(statement="Something else")


def test_a_colleague_at_the_same_htc_may_file_the_appeal(prescriber, denied, file_appeal):
    from tests.factories import PrescriberFactory

    colleague = PrescriberFactory(user__username="colleague", htc=prescriber.prescriber.htc).user
    assert file_appeal(denied, by=colleague).filed_by == colleague


def test_documents_are_taken_while_the_denial_can_be_appealed_or_its_appeal_is_open(
        denied, file_appeal, decide_appeal, second_reviewer):
    from authorizations.documents import services as documents

    assert documents.accepts_documents(denied)
    appeal = file_appeal(denied)
    assert documents.accepts_documents(denied)
    decide_appeal(appeal, second_reviewer, overturn=False)
    denied.refresh_from_db()
    assert not documents.accepts_documents(denied)
