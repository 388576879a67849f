"""The review after submission: who may decide, the reasons of a decision,
requests for information and the prescriber's response.

Separation of duties (review/duties.py): nobody who took part in a request
decides it, pends it, or schedules or records its peer-to-peer discussion; a
superuser neither.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from authorizations.core import deadlines, zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.core.formats import page_datetime
from authorizations.letters.delivery_services import (
    delivery_information_letter,
    delivery_notice,
)
from authorizations.letters.services import information_letter_issue
from authorizations.models import (
    OPEN_STATUSES,
    AuthorizationRequest,
    DecisionKind,
    DecisionReason,
    Determination,
    DocumentKind,
    InformationRequest,
    InvalidTransition,
    P2POutcome,
    PeerToPeer,
    Status,
)
from authorizations.requests import facts
from authorizations.requests import services as request_services
from authorizations.review import duties


class ConflictOfInterest(PermissionError):
    """The reviewer took part in the request: someone else decides it."""


DECIDE = "decide it"
HOLD_PEER_TO_PEER = "schedule and hold its peer-to-peer discussion"


def conflict_of_interest(user: User, req: AuthorizationRequest, *,
                         duty: str = DECIDE) -> str:
    """Why `user` may not do `duty` on `req` (decide it, by default), in
    words; "" when they may."""
    part = duties.part_taken(user, req)
    return f"{part}: another reviewer must {duty}." if part else ""


def refuse_conflict(user: User | None, req: AuthorizationRequest, *,
                    duty: str = DECIDE) -> None:
    if user is None:
        return
    reason = conflict_of_interest(user, req, duty=duty)
    if reason:
        raise ConflictOfInterest(reason)


class NotTheOwner(PermissionError):
    """Another reviewer owns the case: take it over first (review/desk_services.py)."""


class ExceptionNeeded(ValueError):
    """An approval past unmet criteria needs an exception under two keys."""


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def refuse_not_owner(user: User | None, req: AuthorizationRequest) -> None:
    """An open case owned by someone else is read, not decided, pended for
    information or discussed peer to peer, until taken over. A decided case
    has no owner to take over from (desk_services refuses it): its
    peer-to-peer is any reviewer's who took no part."""
    if user is None or req.owner_id in (None, user.pk) or req.status not in OPEN_STATUSES:
        return
    raise NotTheOwner(f"{req.number} is owned by {display_name(req.owner)}: take it over "
                      "first (the take-over is on record)")


# No exception lifts one treatment per lifetime: the database refuses a second.
NOT_EXCEPTABLE = frozenset({"lifetime_limit"})


def exception_criteria(req: AuthorizationRequest) -> list[str]:
    """The unmet criteria (coverage criteria and "unproven" exclusions alike)
    an approval would go past: each needs an exception under two keys."""
    return sorted(c for c in req.unmet if c not in NOT_EXCEPTABLE)


def refuse_unexcepted(req: AuthorizationRequest) -> None:
    """One key alone never approves past an unmet criterion."""
    if exception_criteria(req):
        raise ExceptionNeeded(
            f"{req.number} does not meet every criterion: approving it needs an exception, "
            "signed by a second reviewer who took no part in the case")


def awaits_information(req: AuthorizationRequest, now: datetime) -> bool:
    """Pended for the prescriber's information, and the response not yet
    overdue: no decision until then (the admin's page asks the same)."""
    return req.status == Status.INFORMATION_REQUESTED and not req.is_overdue(now)


def check_decidable(req: AuthorizationRequest, now: datetime) -> None:
    """A request awaiting the prescriber's information is decided only once
    the response is overdue."""
    if awaits_information(req, now):
        raise InvalidTransition(
            f"{req.number} awaits the prescriber's information until "
            f"{page_datetime(req.due_at)}: it can be decided once the "
            "response is overdue")


def record_reasons(determination: Determination, *, criteria: list[str],
                   other_reason: str) -> list[DecisionReason]:
    """The reasons the reviewer chose, in the order given, then their own words."""
    rows = [DecisionReason(determination=determination, position=i, criterion=c)
            for i, c in enumerate(criteria)]
    if other_reason.strip():
        rows.append(DecisionReason(determination=determination, position=len(rows),
                                   text=other_reason.strip()))
    for row in rows:
        row.save()
    return rows


def check_reasons(req: AuthorizationRequest, *, approve: bool, criteria: list[str] | None,
                  other_reason: str) -> list[str]:
    if approve:
        return []
    chosen = list(req.unmet) if criteria is None else list(criteria)
    unknown = [c for c in chosen if c not in req.unmet]
    if unknown:
        raise ValueError("A reason must be one of the request's unmet criteria")
    if not chosen and not other_reason.strip():
        raise ValueError("A denial needs at least one reason: choose an unmet criterion or "
                         "give a reason in your own words")
    return chosen


def information_due(req: AuthorizationRequest, now: datetime) -> datetime:
    return deadlines.information_due(now, expedited=req.expedited)


@service
def information_request(*, by: User, req: AuthorizationRequest,
                        criteria: list[str], document_kinds: list[str], message: str,
                        due_at: datetime | None = None) -> InformationRequest:
    """Pend a request for the prescriber's information: the turnaround clock
    stops with the time used so far."""
    message = message.strip()
    if not message:
        raise ValueError("Say what is missing and why")
    if any(k not in DocumentKind.values for k in document_kinds):
        raise ValueError("Unknown document kind")
    now = timezone.now()
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        refuse_conflict(by, req)
        if req.status != Status.PENDING_REVIEW:
            raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: "
                                    "only a request pending review can be pended")
        refuse_not_owner(by, req)
        if any(c not in req.unmet for c in criteria):
            raise ValueError("A criterion asked about must be one of the unmet criteria")
        due_at = due_at or information_due(req, now)
        if due_at <= now:
            raise ValueError("The response due date must be in the future")
        used = deadlines.clock_used(req.due_at, now, expedited=req.expedited)
        ir = InformationRequest(request=req, requested_by=by, criteria=list(criteria),
                                document_kinds=list(document_kinds), message=message,
                                due_at=due_at, paused_at=now, clock_used=used)
        ir.save()
        req.transition_to(Status.INFORMATION_REQUESTED)
        # While pended, the request's due time is the response's.
        req.due_at = due_at
        req.save(update_fields=["status", "due_at", "updated_at"])
        audit(by=by, action=AuditAction.REQUEST_INFORMATION, obj=req, information_request=ir.pk,
              criteria=list(criteria), document_kinds=list(document_kinds))
        # The letter is rendered by the worker, after this commits (issue 21).
        delivery_information_letter(ir)
        delivery_notice(req, "information_requested")
    return ir


def open_information_request(req: AuthorizationRequest) -> InformationRequest | None:
    return (req.information_requests.filter(responded_at__isnull=True)
            .order_by("-paused_at", "-id").first())


def resumed_due(req: AuthorizationRequest, ir: InformationRequest, now: datetime) -> datetime:
    """When the decision is due once the response restarts the clock
    (deadlines.resumed_due: 48 hours from now when expedited, however and
    whenever it became so)."""
    return deadlines.resumed_due(now, expedited=req.expedited, used_seconds=ir.clock_used)


@service
def information_respond(*, by: User, req: AuthorizationRequest,
                        note: str) -> AuthorizationRequest:
    """The prescriber's response: the request is evaluated again; approved at
    once when it now meets every criterion with no flag, otherwise back to
    review with the turnaround clock running from where it stopped."""

    now = timezone.now()
    today = zones.today()
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != Status.INFORMATION_REQUESTED:
            raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: "
                                    "no information is awaited")
        ir = open_information_request(req)
        # information_request opens one with this status, in its transaction;
        # only this service answers it, and it moves the status on.
        assert ir is not None
        ir.responded_at, ir.responded_by, ir.response_note = now, by, note.strip()
        ir.save()
        req.due_at = resumed_due(req, ir, now)
        # The answers as they are now, changed in this response or not:
        # validated (policy.validate, every problem named by key) and evaluated.
        evaluation = facts.evaluate_request(req, as_of=today)
        status = Status.PENDING_REVIEW
        if evaluation.approvable:
            if request_services._approve(req, today, by=by) is not None:
                status = Status.APPROVED
            else:
                evaluation = request_services._with_lifetime_unmet(evaluation)
        determination = request_services._determine(
            req, evaluation, status=status, kind=DecisionKind.SYSTEM, by=None)
        audit(by=by, action=AuditAction.RESPOND, obj=req, information_request=ir.pk, status=status,
              unmet=evaluation.unmet)
        if status == Status.APPROVED:
            request_services._issue_letter_after_commit(determination)
            delivery_notice(req, "decided")
        else:
            delivery_notice(req, "responded")
    return req


@service
def information_letter(ir: InformationRequest, *, by: User | None = None) -> bytes:
    """The "Information needed" letter's bytes. The worker renders and stores
    it (queued with the request for information); a download that comes
    first, or a letter from before the worker, is rendered on the spot, and
    the first stored letter is the letter."""
    if not ir.letter_sha256:
        ir = information_letter_issue(ir, by=by)
    pdf = ir.letter_pdf
    assert pdf is not None  # stored with its sha256, in one save
    return bytes(pdf)


def _locked_for_peer_to_peer(user: User, req: AuthorizationRequest) -> AuthorizationRequest:
    """The request locked, `user` free to hold its discussion and, while it
    is open, its owner (someone else's case is taken over first)."""
    req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
    refuse_conflict(user, req, duty=HOLD_PEER_TO_PEER)
    refuse_not_owner(user, req)
    return req


@service
def peer_to_peer_offer(*, by: User, req: AuthorizationRequest,
                       times: list[datetime]) -> PeerToPeer:
    """Offer the prescriber times for a peer-to-peer discussion."""
    times = sorted(t for t in times if t is not None)
    if not times:
        raise ValueError("Offer at least one time")
    if req.status == Status.DRAFT:
        raise InvalidTransition(f"{req.number} is a draft")
    with transaction.atomic():
        req = _locked_for_peer_to_peer(by, req)
        tz = zones.htc_zone_name(req.htc)
        p2p = PeerToPeer(request=req, offered_by=by, time_zone=tz,
                         offered_times=zones.offered_in(tz, times))
        p2p.save()
        audit(by=by, action=AuditAction.OFFER_PEER_TO_PEER, obj=req, peer_to_peer=p2p.pk)
    return p2p


P2P_REQUEST_STATUSES = (Status.PENDING_REVIEW, Status.INFORMATION_REQUESTED, Status.DENIED)


def _future_times(times: list[datetime | None], now: datetime) -> list[datetime]:
    offered = sorted(t for t in times if t is not None)
    if not offered:
        raise ValueError("Offer at least one time")
    if any(t <= now for t in offered):
        raise ValueError("Every time offered must be in the future")
    return offered


@service
def peer_to_peer_request(*, by: User, req: AuthorizationRequest,
                         times: list[datetime | None], note: str = "") -> PeerToPeer:
    """The prescriber asks for a peer-to-peer discussion on a pended or denied
    request, offering times; a reviewer schedules one of them."""

    offered = _future_times(times, timezone.now())
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status not in P2P_REQUEST_STATUSES:
            raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: a "
                                    "peer-to-peer discussion is for a pended or denied request")
        if req.peer_to_peers.filter(requested_by_prescriber=True, held_at__isnull=True).exists():
            raise InvalidTransition(f"A peer-to-peer discussion of {req.number} is already "
                                    "asked for and not held yet")
        tz = zones.htc_zone_name(req.htc)
        p2p = PeerToPeer(request=req, offered_by=by, requested_by_prescriber=True,
                         time_zone=tz, offered_times=zones.offered_in(tz, offered),
                         request_note=note.strip())
        p2p.save()
        audit(by=by, action=AuditAction.REQUEST_PEER_TO_PEER, obj=req, peer_to_peer=p2p.pk)
    return p2p


@service
def peer_to_peer_schedule(*, by: User, req: AuthorizationRequest,
                          at: datetime) -> PeerToPeer:
    """The reviewer schedules the latest peer-to-peer not held at one of its
    offered times."""
    with transaction.atomic():
        req = _locked_for_peer_to_peer(by, req)
        p2p = req.peer_to_peers.select_for_update().filter(held_at__isnull=True).last()
        if p2p is None:
            raise InvalidTransition(f"{req.number} has no peer-to-peer to schedule")
        if at not in {datetime.fromisoformat(t) for t in p2p.offered_times}:
            raise ValueError("Choose one of the times offered")
        p2p.scheduled_at, p2p.scheduled_by = at, by
        p2p.save()
        audit(by=by, action=AuditAction.SCHEDULE_PEER_TO_PEER, obj=req, peer_to_peer=p2p.pk)
        delivery_notice(req, "peer_to_peer_scheduled")
    return p2p


@service
def peer_to_peer_record(*, by: User, req: AuthorizationRequest,
                        held_at: datetime, notes: str, outcome: str = "") -> PeerToPeer:
    """Record the latest offered peer-to-peer discussion as held, with its
    outcome (one of P2POutcome) and what was said."""

    notes = notes.strip()
    if not notes:
        raise ValueError("Say what was discussed")
    if outcome and outcome not in P2POutcome.values:
        raise ValueError("Choose the outcome from the list")
    with transaction.atomic():
        req = _locked_for_peer_to_peer(by, req)
        # A record of what happened (who may record it is checked first): a
        # time to come is a slip of the year or month. The form reads to the
        # minute, so the current minute is allowed.
        if held_at > timezone.now() + timedelta(minutes=1):
            raise ValueError("The time it was held is later than now; enter when the "
                             "discussion took place")
        p2p = req.peer_to_peers.select_for_update().filter(held_at__isnull=True).last()
        if p2p is None:
            raise InvalidTransition(f"{req.number} has no peer-to-peer offer to record")
        p2p.held_at, p2p.notes, p2p.outcome = held_at, notes, outcome
        p2p.save()
        audit(by=by, action=AuditAction.RECORD_PEER_TO_PEER, obj=req, peer_to_peer=p2p.pk,
              outcome=outcome)
    return p2p
