"""The request's life: create, save a draft, discard, submit, decide.

Each runs in one transaction, takes the actor (`by=`), and writes its audit
row in that same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from authorizations import policy
from authorizations.core import deadlines, zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, batched_audits, service
from authorizations.letters.delivery_services import delivery_letter, delivery_notice
from authorizations.models import (
    HTC,
    LIVE_OR_USED,
    Authorization,
    AuthorizationRequest,
    DecisionKind,
    Determination,
    InvalidTransition,
    PrescriberProfile,
    ReviewerProfile,
    Status,
)
from authorizations.requests import facts
from authorizations.requests import origins as answer_origins
from authorizations.requests.submission import locked_draft
from authorizations.review import services as review_services
from authorizations.treatment.authorizations import record_lapses

log = logging.getLogger(__name__)


class NotADraft(InvalidTransition):
    """A draft-only change to a request that was submitted meanwhile."""


class LifetimeLimitReached(Exception):
    """Another authorization for the member won the race."""


@service
def request_create(*, by: User, htc: HTC) -> AuthorizationRequest:
    with transaction.atomic():
        req = AuthorizationRequest.objects.create(prescriber=by, htc=htc)
        audit(by=by, action=AuditAction.CREATE, obj=req)
    return req


@service
def request_save_draft(*, by: User, req: AuthorizationRequest,
                       answers: dict[str, Any], step: str, expedited: bool | None = None,
                       expedited_reason: str = "",
                       origins: dict[str, str] | None = None) -> AuthorizationRequest:
    """Keep the wizard's progress in the database, so it survives a logout.

    `expedited` (None: unchanged) is the prescriber's request for an expedited
    review, asked on the wizard's last step; without it no form could set it.
    `origins` (an import's or the EHR's prefill: answer key -> DTR
    information-origin) replaces the answers' origins; without it, what `by`
    changed is an override of an EHR value or a manual answer (origins.py).
    """
    with transaction.atomic():
        # Locked and re-read: a submit from another tab must not be overwritten.
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != Status.DRAFT:
            raise NotADraft(f"{req.number} is no longer a draft")
        fields = _record_step(req, by=by, answers=answers, step=step, expedited=expedited,
                              expedited_reason=expedited_reason, origins=origins)
        req.save(update_fields=fields)
        _step_recorded(req, by=by, step=step)
    return req


def _record_step(req: AuthorizationRequest, *, by: User, answers: dict[str, Any], step: str,
                 expedited: bool | None, expedited_reason: str,
                 origins: dict[str, str] | None) -> list[str]:
    """Set a locked draft's fields for a saved step (request_save_draft's
    change, which request_submit also makes for the wizard's last step);
    the names of the fields set, for the caller's save."""
    if origins is None:
        origins = answer_origins.after_change(policy.to_json(req.answers),
                                              policy.to_json(answers),
                                              req.answer_origins) or {}
    req.answer_origins = {k: v for k, v in origins.items() if k in answers} or None
    req.answers = answers
    req.wizard_step = step
    req.member_id = str(answers.get("member_id") or "")[:40]
    req.member_key = policy.member_key(req.member_id)
    req.patient_name = _patient_name(answers)
    # The step is complete: what was kept of it as typed is superseded.
    req.draft_typed = _without_step(req.draft_typed, step)
    fields = ["answers", "answer_origins", "wizard_step", "member_id", "member_key",
              "patient_name", "draft_typed", "updated_at"]
    if expedited is not None:
        req.expedited = expedited
        req.expedited_reason = expedited_reason.strip() if expedited else ""
        fields += ["expedited", "expedited_reason"]
    return fields


def _step_recorded(req: AuthorizationRequest, *, by: User, step: str,
                   drafted: bool = False) -> None:
    """What a saved step writes beside the request's row; `drafted`: `by` is on record."""
    # Who answered is on record for separation of duties (review/duties.py).
    if not drafted:
        req.drafted_by.add(by)
    # The step name only: answers are patient data and never go in the log.
    audit(by=by, action=AuditAction.SAVE_DRAFT, obj=req, step=step)


# ---- Entry that never loses work (issue 19) ---------------------------------

def _without_step(typed: dict[str, Any] | None, step: str) -> dict[str, Any] | None:
    rest = {k: v for k, v in (typed or {}).items() if k != step}
    return rest or None


@service
def request_keep_typed(*, by: User, req: AuthorizationRequest, step: str,
                       typed: dict[str, Any]) -> AuthorizationRequest:
    """Keep one step of a draft as typed, unfinished and unchecked ("Save and
    come back later", Back): `typed` maps its fields to the text as typed
    (requests/wizard/typed.py bounds it and refuses control characters). The
    step's saved answers stay as they were until the step is completed."""
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != Status.DRAFT:
            raise NotADraft(f"{req.number} is no longer a draft")
        req.draft_typed = {**(req.draft_typed or {}), step: typed}
        req.save(update_fields=["draft_typed", "updated_at"])
        # The step name only: what was typed is patient data.
        audit(by=by, action=AuditAction.KEEP_TYPED, obj=req, step=step)
    return req


@service
def request_discard(*, by: User, req: AuthorizationRequest) -> None:
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != Status.DRAFT:
            raise NotADraft(f"{req.number} is no longer a draft")
        audit(by=by, action=AuditAction.DISCARD, obj=req)
        req.delete()


def _patient_name(answers: dict[str, Any]) -> str:
    return " ".join(str(answers.get(k) or "").strip()
                    for k in ("patient_first_name", "patient_last_name")).strip()[:201]


def _approve(req: AuthorizationRequest, today: date, *, by: User | None
             ) -> Authorization | None:
    """Create the authorization; None when the member key already holds a live
    or used one. Checked under a row lock first; the partial unique constraint
    is the backstop for a true race (two first approvals at once)."""
    # Lapses whose last day has passed are recorded first, so the constraint
    # never meets a stale "active".
    record_lapses(member_key=req.member_key, as_of=today, by=by)
    held = (Authorization.objects.select_for_update()
            .filter(member_key=req.member_key, status__in=LIVE_OR_USED))
    if any(True for _ in held):
        return None
    try:
        with transaction.atomic():
            auth = Authorization.objects.create(
                request=req, member_id=req.member_id, member_key=req.member_key,
                start_date=today, end_date=deadlines.authorization_last_day(today),
            )
    except IntegrityError:
        return None
    audit(by=by, action=AuditAction.AUTHORIZE, obj=auth, request=req.pk)
    return auth


def _determine(req: AuthorizationRequest, evaluation: policy.Evaluation, *, status: str,
               kind: str, by: User | None, rationale: str = "",
               transition: bool = True) -> Determination:
    """The determination of `req` under `evaluation`, the request's state moved
    to `status`; with transition=False (an upheld appeal) the request keeps
    its state and its first decision's time, and only the result is updated."""
    req.outcome = evaluation.outcome
    req.unmet = evaluation.unmet
    if transition:
        req.transition_to(status)
        req.review_flags = evaluation.review_flags
        req.review_flag_reasons = [r.as_dict() for r in evaluation.flag_reasons]
        req.policy_version = evaluation.policy
        if status in (Status.APPROVED, Status.DENIED):
            req.decided_at = timezone.now()
        req.save()
    else:
        req.save(update_fields=["outcome", "unmet", "updated_at"])
    profile = ReviewerProfile.objects.filter(user=by).first() if by is not None else None
    return Determination.objects.create(
        request=req, status=status, outcome=evaluation.outcome, unmet=evaluation.unmet,
        trace=[r.as_dict() for r in evaluation.results], policy_version=evaluation.policy,
        kind=kind, decided_by=by,
        decided_by_name=(by.get_full_name() or by.get_username()) if by is not None
        else "Automated criteria check",
        decided_by_credentials=profile.credentials if profile else "", rationale=rationale,
    )


@dataclass(frozen=True)
class Decided:
    """What record_decision did: the determination (None when an approval was
    refused because the member's one treatment is taken), the evaluation it
    rests on, and the reasons a denial gives."""

    determination: Determination | None
    evaluation: policy.Evaluation
    reasons: list[str]


def record_decision(req: AuthorizationRequest, *, by: User, approve: bool, rationale: str,
                    reasons: list[str] | None, other_reason: str, today: date,
                    transition: bool = True) -> Decided:
    """The one pipeline of a reviewer's decision, a first decision's and an
    appeal's alike. The caller holds `req` locked in its transaction and has
    refused a conflicted reviewer; here: the reasons a denial gives (checked),
    the evaluation as the answers now stand, the approval (one treatment per
    lifetime), the determination, the denial's reasons, and the letter once
    the transaction commits. `transition=False`: an upheld appeal, the request
    stays denied."""
    chosen = review_services.check_reasons(req, approve=approve, criteria=reasons,
                                           other_reason=other_reason)
    # A decision re-reads the answers; the planned date was checked when submitted.
    evaluation = facts.evaluate_request(req, as_of=today, scheduling=False)
    if approve and _approve(req, today, by=by) is None:
        return Decided(None, evaluation, chosen)
    determination = _determine(req, evaluation, status=Status.APPROVED if approve
                               else Status.DENIED, kind=DecisionKind.REVIEWER, by=by,
                               rationale=rationale, transition=transition)
    if not approve:
        review_services.record_reasons(determination, criteria=chosen, other_reason=other_reason)
    _issue_letter_after_commit(determination)
    return Decided(determination, evaluation, chosen)


def _with_lifetime_unmet(evaluation: policy.Evaluation) -> policy.Evaluation:
    """The evaluation once an approval found the member's treatment taken."""
    results = [
        policy.CriterionResult(r.id, policy.UNMET, LIFETIME_TAKEN, r.text)
        if r.id == "lifetime_limit" else r
        for r in evaluation.results
    ]
    unmet = sorted(r.id for r in results if r.status == policy.UNMET)
    return replace(evaluation, outcome=policy.NOT_MET, unmet=unmet, results=results)


LIFETIME_TAKEN = ("This member already has a recorded Hemgenix infusion or a live "
                  "authorization")


@dataclass
class SubmitResult:
    request: AuthorizationRequest
    determination: Determination | None
    already_submitted: bool = False


@service
def request_submit(*, by: User, req: AuthorizationRequest, as_of: date | None = None,
                   step: str = "", expedited: bool | None = None, expedited_reason: str = "",
                   profile: PrescriberProfile | None = None) -> SubmitResult:
    """Submit a draft: evaluate it, approve it at once when every criterion is
    met, otherwise pend it for a clinical reviewer. Software never denies.

    With `step` (the wizard's last step, whose POST submits), that step's
    answer (`expedited`, `expedited_reason`) is saved first, as
    request_save_draft saves it and with its audit row, in the submission's
    transaction: one lock and one UPDATE of the request instead of two. When
    the submission is refused (policy.InvalidCase) nothing is saved: the
    caller saves the step with request_save_draft. `profile`: `by`'s
    prescriber profile as read for this HTTP request (facts.derived_answers).

    Idempotent: a second submit (double click, replayed POST) finds the request
    no longer a draft and returns it unchanged.
    """
    today = as_of or zones.today()
    # Its three or four audit rows in one INSERT at the end (core/audit.py).
    with transaction.atomic(), batched_audits():
        # Locked, with whether `by` drafted it (requests/submission.py).
        req, drafted = locked_draft(req, by=by)
        if req.status != Status.DRAFT:
            return SubmitResult(req, None, already_submitted=True)
        if step:
            # Saved by _determine's save of the request below.
            _record_step(req, by=by, answers=req.answers, step=step, expedited=expedited,
                         expedited_reason=expedited_reason, origins=None)
            _step_recorded(req, by=by, step=step, drafted=drafted)
        # The submitter's specialist status and the HTC's designation as they
        # are now, recorded with the answers (never typed): whoever submits
        # vouches for the request, not whoever created the draft (issue 23 N8).
        req.submitted_by = by
        derived = facts.derived_answers(req, profile=profile)
        req.answers = {**req.answers, **derived}
        evaluation = facts.evaluate_request(req, as_of=today, derived=derived)
        req.submitted_at = timezone.now()
        req.due_at = deadlines.decision_due(req.submitted_at, expedited=req.expedited)
        req.member_id = req.answers["member_id"].strip()
        req.member_key = policy.member_key(req.member_id)
        req.patient_name = _patient_name(req.answers)
        # Unfinished text of steps no longer asked is not kept past the draft.
        req.draft_typed = None
        status = Status.PENDING_REVIEW
        # Software approves only when every criterion is met and no review flag is raised.
        if evaluation.approvable:
            if _approve(req, today, by=by) is not None:
                status = Status.APPROVED
            else:
                evaluation = _with_lifetime_unmet(evaluation)
        determination = _determine(req, evaluation, status=status, kind=DecisionKind.SYSTEM,
                                   by=None)
        audit(by=by, action=AuditAction.SUBMIT, obj=req, status=status, outcome=evaluation.outcome,
              unmet=evaluation.unmet)
        _issue_letter_after_commit(determination)
    return SubmitResult(req, determination)


@service
def request_decide(*, by: User, req: AuthorizationRequest, approve: bool,
                   rationale: str, as_of: date | None = None,
                   reasons: list[str] | None = None, other_reason: str = "") -> Determination:
    """A clinical reviewer approves or denies a pending request, with a reason.

    A denial states its reasons: `reasons`, unmet criteria the reviewer chose
    (None: every unmet criterion), and `other_reason`, the reviewer's own
    words; the letter quotes exactly those. Refused (review_services.ConflictOfInterest)
    to anyone who took part in the request (review/duties.py).

    Raises LifetimeLimitReached when approving a member who already holds an
    authorization (also when another approval wins a concurrent race): the
    request then stays pending with lifetime_limit not met, on the record.
    """
    rationale = rationale.strip()
    if not rationale:
        raise ValueError("A rationale is required for every decision")
    today = as_of or zones.today()
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        target = Status.APPROVED if approve else Status.DENIED
        # A denial is reopened only by an appeal (services.appeal_decide).
        if req.status == Status.DENIED or not req.can_become(target):
            raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: "
                                    "only a request pending review can be decided")
        review_services.refuse_conflict(by, req)
        review_services.refuse_not_owner(by, req)
        review_services.check_decidable(req, timezone.now())
        if approve:
            # Past an unmet criterion only under two keys (review/desk_services.py).
            review_services.refuse_unexcepted(req)
        decided = record_decision(req, by=by, approve=approve, rationale=rationale,
                                  reasons=reasons, other_reason=other_reason, today=today)
        conflict = decided.determination is None
        if decided.determination is None:
            # Record what happened; the request stays with the reviewers.
            evaluation = _with_lifetime_unmet(decided.evaluation)
            determination = Determination.objects.create(
                request=req, status=Status.PENDING_REVIEW, outcome=evaluation.outcome,
                unmet=evaluation.unmet, trace=[r.as_dict() for r in evaluation.results],
                policy_version=evaluation.policy, kind=DecisionKind.SYSTEM, decided_by=None,
                decided_by_name="Automated criteria check",
                rationale=f"Approval refused: {LIFETIME_TAKEN[0].lower()}{LIFETIME_TAKEN[1:]} "
                          "(one treatment per lifetime).",
            )
            req.outcome, req.unmet = evaluation.outcome, evaluation.unmet
            req.save(update_fields=["outcome", "unmet", "updated_at"])
            audit(by=by, action=AuditAction.APPROVE_REFUSED, obj=req, reason="lifetime_limit")
        else:
            determination = decided.determination
            audit(by=by, action=AuditAction.APPROVE if approve else AuditAction.DENY, obj=req,
                  unmet=decided.evaluation.unmet, reasons=decided.reasons)
            delivery_notice(req, "decided")
    if conflict:
        raise LifetimeLimitReached(
            f"{req.number} was not approved: this member already has a recorded Hemgenix "
            "infusion or a live authorization (one treatment per lifetime). The request stays "
            "pending review.")
    return determination


def _issue_letter_after_commit(determination: Determination) -> None:
    """Queue the determination's letter in the decision's own transaction:
    the worker renders it (letters/delivery_services.py); a download before
    then renders it on the spot, and the first stored letter is the letter."""
    delivery_letter(determination)
