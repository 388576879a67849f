"""Appeals of a denial: filing (the prescriber, as the member's authorized
representative) and the decision (a reviewer other than the one who denied).

ERISA's claims rules (29 CFR 2560.503-1(h), (i)): a time to appeal after the
denial, a pre-service appeal decided within its own clock (both in
core/deadlines.py), decided by someone who did not make the denial.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from authorizations.core import deadlines, zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.letters.delivery_services import delivery_notice
from authorizations.models import (
    Appeal,
    AppealOutcome,
    AppealReceipt,
    AuthorizationRequest,
    Claimant,
    DecisionKind,
    Determination,
    InvalidTransition,
    Letter,
    MailedCopy,
    PrescriberProfile,
    ReceivedVia,
    Status,
)
from authorizations.requests.services import Decided, LifetimeLimitReached, record_decision
from authorizations.review import services as review_services


class AppealRefused(InvalidTransition):
    """The appeal cannot be filed or decided as asked; the message says why."""


def denial_of(req: AuthorizationRequest) -> Determination | None:
    """The reviewer's denial that stands: the latest determination, when it denies."""
    latest = req.determinations.order_by("-created_at", "-id").first()
    if latest is None or latest.status != Status.DENIED:
        return None
    return latest


def denial_notice_date(denial: Determination) -> date:
    """The notice date of a denial (deadlines.notice_date): the day its
    member's copy was mailed, or until then the day its letter was issued
    (the denial's own day when no letter was stored)."""
    letter = Letter.objects.filter(determination=denial).first()
    mailing = MailedCopy.objects.filter(member_copy__letter=letter).select_related(
        "batch").first() if letter is not None else None
    sent = letter.created_at if letter is not None else denial.created_at
    return deadlines.notice_date(mailed_on=mailing.batch.mailed_on if mailing else None,
                                 sent_on=zones.service_date(sent))


def appeal_deadline(denial: Determination) -> date:
    """The last day to appeal: 180 days from the notice's receipt (its notice
    date plus the mailing allowance), as letters and pages print it."""
    return deadlines.appeal_deadline(
        denial_notice_date(denial),
        mailing_allowance_days=settings.NOTICE_MAILING_ALLOWANCE_DAYS)


def open_appeal(req: AuthorizationRequest) -> Appeal | None:
    return req.appeals.filter(decided_at__isnull=True).first()


def appeal_refusal(req: AuthorizationRequest, today: date) -> str:
    """Why `req` cannot be appealed today, in words; "" when it can."""
    if req.status != Status.DENIED:
        return f"{req.number} is {req.get_status_display().lower()}: only a denial can be " \
               "appealed"
    denial = denial_of(req)
    if denial is None or denial.kind != DecisionKind.REVIEWER:
        return f"{req.number} has no reviewer's denial to appeal"
    if open_appeal(req) is not None:
        return f"{req.number} already has an appeal awaiting its decision"
    if req.appeals.exists():
        # One level of internal appeal: after it, external review or a civil action.
        return f"The denial of {req.number} was already appealed and the appeal decided: " \
               "no further internal appeal is available"
    deadline = appeal_deadline(denial)
    if today > deadline:
        return f"The time to appeal {req.number} ended on " \
               f"{deadline:%B} {deadline.day}, {deadline.year}"
    return ""


@service
def appeal_file(*, by: User, req: AuthorizationRequest, statement: str,
                expedited: bool, expedited_reason: str = "", representative: bool,
                as_of: date | None = None) -> Appeal:
    """File an appeal of the request's denial. Only a prescriber of the
    request's HTC files (the views scope by HTC too), attesting that they act
    as the member's authorized representative."""
    statement = statement.strip()
    expedited_reason = expedited_reason.strip() if expedited else ""
    if not statement:
        raise ValueError("Statement: say why the denial should be overturned")
    if not representative:
        raise ValueError("Authorized representative: confirm that you act as the member's "
                         "authorized representative")
    if expedited and not expedited_reason:
        raise ValueError("Reason for an expedited appeal: say why waiting "
                         f"{deadlines.STANDARD_APPEAL_WORDS} could seriously jeopardize the "
                         "patient")
    today = as_of or zones.today()
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if not PrescriberProfile.objects.filter(user_id=by.pk, htc_id=req.htc_id).exists():
            raise PermissionError(f"Only a prescriber of {req.number}'s HTC may appeal its "
                                  "denial")
        refused = appeal_refusal(req, today)
        if refused:
            raise AppealRefused(refused)
        now = timezone.now()
        appeal = Appeal(request=req, denial=denial_of(req), filed_by=by, filed_at=now,
                        statement=statement, expedited=expedited,
                        expedited_reason=expedited_reason, representative_attested=True,
                        due_at=deadlines.appeal_due(now, expedited=expedited))
        appeal.save()
        audit(by=by, action=AuditAction.APPEAL, obj=req, appeal=appeal.pk, expedited=expedited)
        delivery_notice(req, "appeal_filed")
    return appeal


RECORD_PERMISSION = "authorizations.decide_authorizationrequest"


@service
def appeal_record(*, by: User, req: AuthorizationRequest, claimant: str,
                  representative_name: str = "", received_via: str, received_at: datetime,
                  statement: str, expedited: bool, expedited_reason: str = "") -> Appeal:
    """Record an appeal the plan received from the member, or from a
    representative the member named, by mail, fax or phone (a reviewer types
    it in). The member is the claimant: their appeal is as good as the
    prescriber's. Spoken (phone) appeals are for expedited appeals
    ((h)(3)(vi)); a standard appeal comes in writing. Timely when received by
    the last day counted from the notice's receipt (appeal_deadline); its
    decision clock runs from its receipt."""
    statement = statement.strip()
    expedited_reason = expedited_reason.strip() if expedited else ""
    representative_name = representative_name.strip()
    if not by.has_perm(RECORD_PERMISSION):
        raise PermissionError("Only a clinical reviewer may record an appeal")
    if claimant not in (Claimant.MEMBER, Claimant.REPRESENTATIVE):
        raise ValueError("From: choose the member or the member's representative")
    if claimant == Claimant.REPRESENTATIVE and not representative_name:
        raise ValueError("Representative's name: enter the name of the representative the "
                         "member named")
    if received_via not in ReceivedVia.values:
        raise ValueError("Received by: choose mail, fax or phone")
    if received_via == ReceivedVia.PHONE and not expedited:
        raise ValueError("Received by: an appeal by phone (orally) is taken for an expedited "
                         "appeal only; a standard appeal comes by mail or fax")
    if not statement:
        raise ValueError("What the appeal says: enter the appeal's words, or what was said "
                         "by phone")
    if expedited and not expedited_reason:
        raise ValueError("Reason for an expedited appeal: say why waiting "
                         f"{deadlines.STANDARD_APPEAL_WORDS} could seriously jeopardize the "
                         "member")
    if received_at > timezone.now():
        raise ValueError("Received: the time received cannot be in the future")
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        refused = appeal_refusal(req, zones.service_date(received_at))
        if refused:
            raise AppealRefused(refused)
        appeal = Appeal(request=req, denial=denial_of(req), filed_by=by, filed_at=received_at,
                        statement=statement, expedited=expedited,
                        expedited_reason=expedited_reason,
                        # The claimant's own standing: the member, or whom they named.
                        representative_attested=True,
                        due_at=deadlines.appeal_due(received_at, expedited=expedited))
        appeal.save()
        AppealReceipt.objects.create(appeal=appeal, claimant=claimant,
                                     representative_name=representative_name,
                                     received_via=received_via)
        audit(by=by, action=AuditAction.APPEAL_RECORD, obj=req, appeal=appeal.pk,
              expedited=expedited, claimant=claimant, received_via=received_via)
        delivery_notice(req, "appeal_filed")
    return appeal


def appeal_conflict(user: User, appeal: Appeal) -> str:
    """Why `user` may not decide `appeal`, in words; "" when they may: the
    reviewer who denied, and whoever took part in the request, its appeal's
    filing included (review/duties.py)."""
    if user.pk == appeal.denial.decided_by_id:
        return f"You denied {appeal.request.number}: a reviewer other than the one who " \
               "denied must decide its appeal."
    return review_services.conflict_of_interest(user, appeal.request)


def refuse_appeal_decision(user: User, appeal: Appeal, req: AuthorizationRequest) -> None:
    """The checks of `user`'s decision of an appeal, `req` and `appeal` locked."""
    if not appeal.is_open:
        raise AppealRefused(f"The appeal of {req.number} is already decided")
    appeal.request = req
    conflict = appeal_conflict(user, appeal)
    if conflict:
        raise review_services.ConflictOfInterest(conflict)
    if req.status != Status.DENIED:
        raise AppealRefused(f"{req.number} is {req.get_status_display().lower()}")


def locked_appeal(appeal: Appeal) -> tuple[AuthorizationRequest, Appeal]:
    req = AuthorizationRequest.objects.select_for_update().get(pk=appeal.request_id)
    # Only the appeal's own row: "denial" joined into FOR UPDATE would lock the
    # determination too, which the app role may not update (N2).
    appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("denial")
              .get(pk=appeal.pk))
    appeal.request = req
    return req, appeal


def record_appeal_decision(req: AuthorizationRequest, appeal: Appeal, *, by: User,
                           overturn: bool, rationale: str, reasons: list[str] | None,
                           other_reason: str, today: date) -> Decided:
    """The appeal's decision through the one decision pipeline, in `by`'s
    name; the caller holds both rows locked, has checked them and audits.
    Decided.determination is None when an overturn found the member's one
    treatment taken (nothing is written to the appeal then)."""
    # The request's decided time stays the first decision's, which its review
    # clock and the metrics measure; the appeal keeps its own.
    first_decided_at = req.decided_at
    decided = record_decision(req, by=by, approve=overturn, rationale=rationale,
                              reasons=reasons, other_reason=other_reason, today=today,
                              transition=overturn)
    if decided.determination is not None:
        if overturn:
            req.decided_at = first_decided_at
            req.save(update_fields=["decided_at"])
        appeal.decided_at, appeal.decided_by = timezone.now(), by
        appeal.outcome = AppealOutcome.OVERTURNED if overturn else AppealOutcome.UPHELD
        appeal.rationale, appeal.decision = rationale, decided.determination
        appeal.save(update_fields=["decided_at", "decided_by", "outcome", "rationale",
                                   "decision"])
        delivery_notice(req, "appeal_decided")
    return decided


@service
def appeal_decide(*, by: User, appeal: Appeal, overturn: bool, rationale: str,
                  reasons: list[str] | None = None, other_reason: str = "",
                  as_of: date | None = None) -> Determination:
    """Decide an appeal. Upheld: a new reviewer's denial with its reasons and
    rationale, and its own letter. Overturned: approved as any approval (the
    one-treatment-per-lifetime check, the authorization, the approval letter);
    past an unmet criterion or an "unproven" exclusion only under two keys,
    as a first approval (review/desk_services.exception_ask with the appeal).

    Raises LifetimeLimitReached when the member already holds an authorization:
    the appeal then stays open, on the record."""

    rationale = rationale.strip()
    if not rationale:
        raise ValueError("Rationale: a rationale is required for every appeal decision")
    today = as_of or zones.today()
    with transaction.atomic():
        req, appeal = locked_appeal(appeal)
        refuse_appeal_decision(by, appeal, req)
        if overturn and review_services.exception_criteria(req):
            raise review_services.ExceptionNeeded(
                f"{req.number} does not meet every criterion: overturning its denial needs "
                "an exception, signed by a second reviewer who took no part in the case")
        decided = record_appeal_decision(req, appeal, by=by, overturn=overturn,
                                         rationale=rationale, reasons=reasons,
                                         other_reason=other_reason, today=today)
        determination = decided.determination
        if determination is None:
            audit(by=by, action=AuditAction.APPROVE_REFUSED, obj=req, reason="lifetime_limit",
                  appeal=appeal.pk)
        else:
            audit(by=by, action=AuditAction.APPEAL_DECIDE, obj=req, appeal=appeal.pk,
                  outcome=appeal.outcome, reasons=decided.reasons)
    if determination is None:  # refused: the member's one treatment is taken
        raise LifetimeLimitReached(
            f"{req.number} was not approved: this member already has a recorded Hemgenix "
            "infusion or a live authorization (one treatment per lifetime). The appeal stays "
            "open.")
    return determination
