"""The reviewer's desk: who owns a case, and approvals past unmet criteria
under two keys. Every write here is a service with its audit row.

Ownership: one owner at a time. A reviewer claims an unowned case; a lead
(the `reassign` permission) gives it to another reviewer; a reviewer who
must decide a case someone else owns takes it over first. Nobody who took
part in the case (review/duties.py) owns it.

Exceptions: approving a request with an unmet criterion or an "unproven"
exclusion needs the reviewer's reason code and rationale (the first key)
and the sign-off of a second reviewer who took no part in the case (the
second). The approval is recorded when the second key turns, through the
one decision pipeline (requests/services.record_decision). Overturning a
denial on appeal past such a criterion is the same exception: asked on the
open appeal by a reviewer who may decide it, signed by a second who took no
part (nor denied), and the signature decides the appeal.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from authorizations.appeals import services as appeal_services
from authorizations.core import zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.letters import notices
from authorizations.models import (
    OPEN_STATUSES,
    Appeal,
    AuthorizationRequest,
    DecisionException,
    Determination,
    Document,
    InvalidTransition,
    Status,
)
from authorizations.requests import services as request_services
from authorizations.review.models import ExceptionReason
from authorizations.review.services import (
    ConflictOfInterest,
    NotTheOwner,
    check_decidable,
    conflict_of_interest,
    display_name,
    exception_criteria,
    refuse_conflict,
    refuse_not_owner,
)

DECIDE_PERMISSION = "authorizations.decide_authorizationrequest"
REASSIGN_PERMISSION = "authorizations.reassign_authorizationrequest"
OWN = "own it"
SIGN = "sign its exception"


def _locked(req: AuthorizationRequest) -> AuthorizationRequest:
    # Only the request's row is locked: PostgreSQL refuses FOR UPDATE on the
    # nullable side of the owner's outer join.
    return (AuthorizationRequest.objects.select_for_update(of=("self",))
            .select_related("owner").get(pk=req.pk))


def _refuse_closed(req: AuthorizationRequest) -> None:
    if req.status not in OPEN_STATUSES:
        raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: "
                                "only an open case has an owner")


def _set_owner(req: AuthorizationRequest, owner: User) -> None:
    req.owner = owner
    # Only the owner: the request's own times (updated_at) tell of its content.
    req.save(update_fields=["owner"])


@service
def case_claim(*, by: User, req: AuthorizationRequest) -> AuthorizationRequest:
    """`by` becomes the owner of an unowned open case."""
    with transaction.atomic():
        req = _locked(req)
        _refuse_closed(req)
        if req.owner_id == by.pk:
            return req
        if req.owner_id is not None:
            raise NotTheOwner(f"{req.number} is owned by {display_name(req.owner)}: take it "
                              "over, or ask a lead to reassign it")
        refuse_conflict(by, req, duty=OWN)
        _set_owner(req, by)
        audit(by=by, action=AuditAction.CLAIM, obj=req, owner=by.pk)
    return req


@service
def case_take_over(*, by: User, req: AuthorizationRequest) -> AuthorizationRequest:
    """`by` takes over a case another reviewer owns (to decide it); the
    previous owner is on record."""
    with transaction.atomic():
        req = _locked(req)
        _refuse_closed(req)
        if req.owner_id == by.pk:
            return req
        refuse_conflict(by, req, duty=OWN)
        previous = req.owner_id
        _set_owner(req, by)
        audit(by=by, action=AuditAction.TAKE_OVER if previous else AuditAction.CLAIM, obj=req,
              owner=by.pk, previous=previous)
    return req


@service
def case_reassign(*, by: User, req: AuthorizationRequest, to: User) -> AuthorizationRequest:
    """A lead gives the case to another reviewer."""
    if not by.has_perm(REASSIGN_PERMISSION):
        raise PermissionDenied("Only a lead (the reassign permission) reassigns a case")
    if not (to.is_active and to.has_perm(DECIDE_PERMISSION)):
        raise ValueError(f"{display_name(to)} is not a reviewer: choose one who may decide")
    with transaction.atomic():
        req = _locked(req)
        _refuse_closed(req)
        if req.owner_id == to.pk:
            return req
        refuse_conflict(to, req, duty=OWN)
        previous = req.owner_id
        _set_owner(req, to)
        audit(by=by, action=AuditAction.REASSIGN, obj=req, owner=to.pk, previous=previous)
    return req


@service
def document_opened(*, by: User, doc: Document, page: int) -> None:
    """The record of what the reviewer looked at: a document's page opened
    inside the request's page."""
    audit(by=by, action=AuditAction.DOCUMENT_VIEW, obj=doc.request, document=doc.pk, page=page)


# --------------------------------------------------------------------------
# Exceptions under two keys
# --------------------------------------------------------------------------

def pending_exception(req: AuthorizationRequest) -> DecisionException | None:
    """The exception awaiting its second key: the latest unsigned one of the
    decision now open (the first decision's, or the open appeal's once
    denied) that covers the unmet criteria as they are now (an older one is
    stale, and so is one asked before a denial or of a decided appeal)."""
    if getattr(req, "exception_pending", True) is False:
        # Read with the case (the queue's and the request page's EXISTS): no
        # unsigned exception at all, so none to look for.
        return None
    if req.status == Status.DENIED:
        appeal = appeal_services.open_appeal(req)
        if appeal is None:
            return None
        scope = DecisionException.objects.filter(request=req, appeal=appeal)
    elif req.status in OPEN_STATUSES:
        scope = DecisionException.objects.filter(request=req, appeal__isnull=True)
    else:
        return None
    latest = (scope.filter(signed_at__isnull=True).select_related("asked_by", "appeal")
              .order_by("-asked_at", "-id").first())
    if latest is None or sorted(latest.criteria) != exception_criteria(req):
        return None
    return latest


def exceptions_to_sign(user: User) -> list[DecisionException]:
    """The exceptions pending a second key that `user` may sign: each the
    pending one of its case (pending_exception), asked by someone else, on a
    case `user` took no part in (nor, for an appeal's, denied). Read row by
    row: pending exceptions are few, and who took part is read from the
    records (review/duties.py)."""
    unsigned = (DecisionException.objects.filter(signed_at__isnull=True)
                .exclude(asked_by=user)
                .filter(request__status__in=(*OPEN_STATUSES, Status.DENIED))
                .select_related("request", "asked_by", "appeal__denial"))
    return [exc for exc in unsigned if pending_exception(exc.request) == exc
            and not took_part_in_exception(user, exc)]


def _refuse_undecidable(req: AuthorizationRequest) -> None:
    if req.status == Status.DENIED or not req.can_become(Status.APPROVED):
        raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: "
                                "only a request pending review can be approved")
    check_decidable(req, timezone.now())


def _refuse_appeal_undecidable(by: User, req: AuthorizationRequest, appeal: Appeal) -> Appeal:
    """The appeal locked and checked as its decision would be (open, the
    request denied, `by` neither the denier nor one who took part)."""
    if appeal.request_id != req.pk:
        raise ValueError(f"This appeal is not of {req.number}")
    _, appeal = appeal_services.locked_appeal(appeal)
    appeal_services.refuse_appeal_decision(by, appeal, req)
    return appeal


@service
def exception_ask(*, by: User, req: AuthorizationRequest, reason: str,
                  rationale: str, appeal: Appeal | None = None) -> DecisionException:
    """The first key: the reviewer asks to approve past the unmet criteria;
    with `appeal`, to overturn the denial on that open appeal."""
    rationale = rationale.strip()
    if reason not in ExceptionReason.values:
        raise ValueError("Exception reason: choose one from the list")
    if not rationale:
        raise ValueError("Rationale: say why the unmet criteria should not stop this approval")
    with transaction.atomic():
        req = _locked(req)
        if appeal is None:
            _refuse_undecidable(req)
            refuse_conflict(by, req)
            refuse_not_owner(by, req)
        else:
            # An appeal has no owner: whoever may decide it asks.
            appeal = _refuse_appeal_undecidable(by, req, appeal)
        if "lifetime_limit" in req.unmet:
            raise ValueError("No exception lifts one treatment per lifetime")
        criteria = exception_criteria(req)
        if not criteria:
            raise ValueError(f"{req.number} meets every criterion: approve it, no exception "
                             "is needed")
        if pending_exception(req) is not None:
            raise InvalidTransition(f"An exception on {req.number} already awaits a second "
                                    "reviewer's signature")
        exc = DecisionException(request=req, reason=reason, rationale=rationale,
                                criteria=criteria, asked_by=by, asked_at=timezone.now(),
                                appeal=appeal)
        exc.save()
        audit(by=by, action=AuditAction.EXCEPTION_ASK, obj=req, exception=exc.pk,
              reason=reason, criteria=criteria, appeal=appeal.pk if appeal else None)
    return exc


def took_part_in_exception(user: User, exc: DecisionException) -> str:
    """Why `user` may not be the second key, in words; "" when they may."""
    if user.pk == exc.asked_by_id:
        return ("You asked for this exception: a second reviewer who took no part in the "
                "case signs it")
    if exc.appeal_id is not None and user.pk == exc.appeal.denial.decided_by_id:
        return (f"You denied {exc.request.number}: a second reviewer who took no part in the "
                "case signs the exception that overturns it")
    return conflict_of_interest(user, exc.request, duty=SIGN)


def _both_keys(exc: DecisionException, by: User) -> str:
    return (f"{exc.rationale}\n\nException ({exc.get_reason_display().lower()}) "
            f"signed by a second reviewer, {display_name(by)}.")


LIFETIME_REFUSED = ("{n} was not approved: this member already has a recorded Hemgenix "
                    "infusion or a live authorization (one treatment per lifetime)")


@service
def exception_sign(*, by: User, exception: DecisionException,
                   as_of: date | None = None) -> Determination:
    """The second key: a reviewer who took no part signs, and the request is
    approved (its denial overturned, for an appeal's exception) through the
    one decision pipeline, in the first reviewer's name with both keys in the
    rationale."""
    today = as_of or zones.today()
    with transaction.atomic():
        req = _locked(exception.request)
        exc = (DecisionException.objects.select_for_update(of=("self",))
               .select_related("asked_by", "appeal__denial").get(pk=exception.pk))
        if exc.signed_at is not None:
            raise InvalidTransition("This exception is already signed")
        why_not = took_part_in_exception(by, exc)
        if why_not:
            raise ConflictOfInterest(why_not)
        if exc.appeal_id is None:
            _refuse_undecidable(req)
            # The first reviewer must still be free to decide it.
            refuse_conflict(exc.asked_by, req)
        else:
            appeal = _refuse_appeal_undecidable(exc.asked_by, req, exc.appeal)
        if pending_exception(req) != exc:
            raise ValueError("The unmet criteria changed since this exception was asked for: "
                             "the reviewer asks again")
        if exc.appeal_id is None:
            decided = request_services.record_decision(
                req, by=exc.asked_by, approve=True, rationale=_both_keys(exc, by),
                reasons=None, other_reason="", today=today)
        else:
            decided = appeal_services.record_appeal_decision(
                req, appeal, by=exc.asked_by, overturn=True, rationale=_both_keys(exc, by),
                reasons=None, other_reason="", today=today)
        if decided.determination is None:
            # All of it rolls back: the exception still awaits, the case stays as it was.
            raise request_services.LifetimeLimitReached(
                LIFETIME_REFUSED.format(n=req.number)
                + (". The appeal stays open." if exc.appeal_id else ""))
        exc.signed_by, exc.signed_at = by, timezone.now()
        exc.determination = decided.determination
        exc.save()
        audit(by=by, action=AuditAction.EXCEPTION_SIGN, obj=req, exception=exc.pk,
              determination=decided.determination.pk)
        if exc.appeal_id is None:
            audit(by=by, action=AuditAction.APPROVE, obj=req, unmet=decided.evaluation.unmet,
                  exception=exc.pk, decided_for=exc.asked_by_id)
            transaction.on_commit(lambda: notices.decided(req))
        else:
            audit(by=by, action=AuditAction.APPEAL_DECIDE, obj=req, appeal=exc.appeal_id,
                  outcome=appeal.outcome, reasons=[], exception=exc.pk,
                  decided_for=exc.asked_by_id)
    return decided.determination
