"""The request's life: create, save a draft, discard, submit, decide.

Each runs in one transaction, takes the actor (`by=`), and writes its audit
row in that same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import lifetime, policy
from ..models import (
    HTC,
    Authorization,
    AuthorizationRequest,
    DecisionKind,
    Determination,
    InvalidTransition,
    ReviewerProfile,
    Status,
)
from .base import audit, service
from .letters import letter_issue

log = logging.getLogger(__name__)

EXPEDITED_TURNAROUND = timedelta(hours=72)
STANDARD_TURNAROUND = timedelta(days=15)


class NotADraft(InvalidTransition):
    """A draft-only change to a request that was submitted meanwhile."""


class LifetimeLimitReached(Exception):
    """Another authorization for the member won the race."""


@service
def request_create(*, by: AbstractBaseUser, htc: HTC) -> AuthorizationRequest:
    with transaction.atomic():
        req = AuthorizationRequest.objects.create(prescriber=by, htc=htc)
        audit(by=by, action="create", obj=req)
    return req


@service
def request_save_draft(*, by: AbstractBaseUser, req: AuthorizationRequest,
                       answers: dict[str, Any], step: str, expedited: bool | None = None,
                       expedited_reason: str = "") -> AuthorizationRequest:
    """Keep the wizard's progress in the database, so it survives a logout.

    `expedited` (None: unchanged) is the prescriber's request for a 72-hour
    review, asked on the wizard's last step; without it no form could set it.
    """
    with transaction.atomic():
        # Locked and re-read: a submit from another tab must not be overwritten.
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != Status.DRAFT:
            raise NotADraft(f"{req.number} is no longer a draft")
        req.answers = answers
        req.wizard_step = step
        req.member_id = str(answers.get("member_id") or "")[:40]
        req.patient_name = _patient_name(answers)
        fields = ["answers", "wizard_step", "member_id", "patient_name", "updated_at"]
        if expedited is not None:
            req.expedited = expedited
            req.expedited_reason = expedited_reason.strip() if expedited else ""
            fields += ["expedited", "expedited_reason"]
        req.save(update_fields=fields)
        # The step name only: answers are patient data and never go in the log.
        audit(by=by, action="save_draft", obj=req, step=step)
    return req


@service
def request_discard(*, by: AbstractBaseUser, req: AuthorizationRequest) -> None:
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != Status.DRAFT:
            raise NotADraft(f"{req.number} is no longer a draft")
        audit(by=by, action="discard", obj=req)
        req.delete()


def _patient_name(answers: dict[str, Any]) -> str:
    return " ".join(str(answers.get(k) or "").strip()
                    for k in ("patient_first_name", "patient_last_name")).strip()[:201]


def _approve(req: AuthorizationRequest, today: date) -> Authorization | None:
    """Create the authorization in a savepoint; None when the member already has
    one (the unique constraint decides, also under concurrency)."""
    try:
        with transaction.atomic():
            return Authorization.objects.create(
                request=req, member_id=req.member_id, start_date=today,
                end_date=today + timedelta(days=policy.AUTHORIZATION_DAYS),
            )
    except IntegrityError:
        return None


def _determine(req: AuthorizationRequest, evaluation: policy.Evaluation, *, status: str,
               kind: str, by: AbstractBaseUser | None, rationale: str = "") -> Determination:
    req.transition_to(status)
    req.outcome = evaluation.outcome
    req.unmet = evaluation.unmet
    now = timezone.now()
    if status in (Status.APPROVED, Status.DENIED):
        req.decided_at = now
    req.save()
    profile = ReviewerProfile.objects.filter(user=by).first() if by is not None else None
    return Determination.objects.create(
        request=req, status=status, outcome=evaluation.outcome, unmet=evaluation.unmet,
        trace=[r.as_dict() for r in evaluation.results], policy_version=evaluation.policy,
        kind=kind, decided_by=by,
        decided_by_name=(by.get_full_name() or by.get_username()) if by is not None
        else "Automated criteria check",
        decided_by_credentials=profile.credentials if profile else "", rationale=rationale,
    )


def _with_lifetime_unmet(evaluation: policy.Evaluation) -> policy.Evaluation:
    results = [
        policy.CriterionResult(r.id, policy.UNMET,
                               "An approved Hemgenix authorization already exists for this member",
                               r.text) if r.id == "lifetime_limit" else r
        for r in evaluation.results
    ]
    unmet = sorted(r.id for r in results if r.status == policy.UNMET)
    return policy.Evaluation(outcome=policy.NOT_MET, unmet=unmet, results=results)


@dataclass
class SubmitResult:
    request: AuthorizationRequest
    determination: Determination | None
    already_submitted: bool = False


@service
def request_submit(*, by: AbstractBaseUser, req: AuthorizationRequest,
                   as_of: date | None = None) -> SubmitResult:
    """Submit a draft: evaluate it, approve it at once when every criterion is
    met, otherwise pend it for a clinical reviewer. Software never denies.

    Idempotent: a second submit (double click, replayed POST) finds the request
    no longer a draft and returns it unchanged.
    """
    today = as_of or timezone.localdate()
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != Status.DRAFT:
            return SubmitResult(req, None, already_submitted=True)
        evaluation = lifetime.evaluate_request(req, as_of=today)
        req.submitted_at = timezone.now()
        req.due_at = req.submitted_at + (EXPEDITED_TURNAROUND if req.expedited
                                         else STANDARD_TURNAROUND)
        req.member_id = req.answers["member_id"].strip()
        req.patient_name = _patient_name(req.answers)
        status = Status.PENDING_REVIEW
        if evaluation.outcome == policy.MEETS_CRITERIA:
            if _approve(req, today) is not None:
                status = Status.APPROVED
            else:
                evaluation = _with_lifetime_unmet(evaluation)
        determination = _determine(req, evaluation, status=status, kind=DecisionKind.SYSTEM,
                                   by=None)
        audit(by=by, action="submit", obj=req, status=status, outcome=evaluation.outcome,
              unmet=evaluation.unmet)
        _issue_letter_after_commit(determination)
    return SubmitResult(req, determination)


@service
def request_decide(*, by: AbstractBaseUser, req: AuthorizationRequest, approve: bool,
                   rationale: str, as_of: date | None = None) -> Determination:
    """A clinical reviewer approves or denies a pending request, with a reason.

    Raises LifetimeLimitReached when approving a member who already holds an
    authorization (also when another approval wins a concurrent race): the
    request then stays pending with lifetime_limit not met, on the record.
    """
    rationale = rationale.strip()
    if not rationale:
        raise ValueError("A rationale is required for every decision")
    today = as_of or timezone.localdate()
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        target = Status.APPROVED if approve else Status.DENIED
        if not req.can_become(target):
            raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: "
                                    "only a request pending review can be decided")
        evaluation = lifetime.evaluate_request(req, as_of=today)
        conflict = False
        if approve:
            if _approve(req, today) is None:
                conflict = True
                evaluation = _with_lifetime_unmet(evaluation)
        if conflict:
            # Record what happened; the request stays with the reviewers.
            determination = Determination.objects.create(
                request=req, status=Status.PENDING_REVIEW, outcome=evaluation.outcome,
                unmet=evaluation.unmet, trace=[r.as_dict() for r in evaluation.results],
                policy_version=evaluation.policy, kind=DecisionKind.SYSTEM, decided_by=None,
                decided_by_name="Automated criteria check",
                rationale="Approval refused: an approved Hemgenix authorization already "
                          "exists for this member (one treatment per lifetime).",
            )
            req.outcome, req.unmet = evaluation.outcome, evaluation.unmet
            req.save(update_fields=["outcome", "unmet", "updated_at"])
            audit(by=by, action="approve_refused", obj=req, reason="lifetime_limit")
        else:
            determination = _determine(
                req, evaluation, status=Status.APPROVED if approve else Status.DENIED,
                kind=DecisionKind.REVIEWER, by=by, rationale=rationale)
            audit(by=by, action="approve" if approve else "deny", obj=req,
                  unmet=evaluation.unmet)
            _issue_letter_after_commit(determination)
    if conflict:
        raise LifetimeLimitReached(
            f"{req.number} was not approved: this member already has an approved Hemgenix "
            "authorization (one treatment per lifetime). The request stays pending review.")
    return determination


def _issue_letter_after_commit(determination: Determination) -> None:
    """Render the determination's letter once the decision is committed.

    A rendering failure must never undo a decision: it is logged (ids only)
    and the letter is rendered again on the next download or by
    `manage.py render_letters`.
    """
    def render() -> None:
        try:
            letter_issue(determination)
        except Exception:  # noqa: BLE001 - any renderer fault leaves the letter for later
            log.exception("letter rendering failed for determination %s", determination.pk)

    transaction.on_commit(render)
