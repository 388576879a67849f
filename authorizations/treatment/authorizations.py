"""The authorization's life: active -> administered (infusion recorded) |
expired (by date; recorded here) | cancelled (by the request's prescriber
before infusion, or a reviewer, with a reason). `authorization_transition` is
the one writer of the state, with its audit row; the member key, dates and
codes of an authorization never change (the database refuses it too)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from authorizations.core import access, zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.models import Authorization, AuthorizationCancellation, AuthorizationStatus


class AuthorizationStateError(Exception):
    """A refused change of state; the message says why, for people."""


def may_cancel(user: User | None, auth: Authorization) -> bool:
    """A reviewer, or the request's own prescriber."""
    if user is None:
        return False
    return access.is_reviewer(user) or auth.request.prescriber_id == user.pk


@service
def authorization_transition(*, by: User | None, auth: Authorization, to: str,
                             reason: str = "", as_of: date | None = None) -> Authorization:
    """Move `auth` to state `to`, under a row lock, with its audit row.
    Cancelling needs a reason and a reviewer or the request's prescriber, and
    an authorization still active on `as_of`; expiring needs its last day passed;
    administering needs it active on `as_of`."""
    today = as_of or zones.today()
    to = AuthorizationStatus(to)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Authorization.objects.select_for_update().get(pk=auth.pk)
        current = AuthorizationStatus(locked.status)
        if not locked.can_become(to):
            raise AuthorizationStateError(
                f"This authorization is {current.label.lower()}: it cannot become "
                f"{to.label.lower()}")
        if to == AuthorizationStatus.EXPIRED and not today > locked.end_date:
            raise AuthorizationStateError("This authorization has not reached its last day")
        if to in (AuthorizationStatus.ADMINISTERED, AuthorizationStatus.CANCELLED) and \
                locked.status_on(today) != AuthorizationStatus.ACTIVE:
            raise AuthorizationStateError(
                f"This authorization expired on {locked.end_date:%B %-d, %Y}")
        if to == AuthorizationStatus.CANCELLED:
            if by is None or not may_cancel(by, locked):
                raise AuthorizationStateError(
                    "Only the request's prescriber or a clinical reviewer may cancel")
            if not reason:
                raise AuthorizationStateError("Enter the reason for cancelling")
            AuthorizationCancellation.objects.create(authorization=locked, reason=reason,
                                                     cancelled_by=by)
        locked.transition_to(to)
        locked.save(update_fields=["status"])
        audit(by=by, action=to_action(to), obj=locked, **{"from": current.value, "to": to.value},
              end_date=locked.end_date.isoformat())
    auth.status = locked.status
    return locked


def to_action(status: AuthorizationStatus) -> AuditAction:
    return {AuthorizationStatus.ADMINISTERED: AuditAction.ADMINISTER,
            AuthorizationStatus.EXPIRED: AuditAction.EXPIRE,
            AuthorizationStatus.CANCELLED: AuditAction.CANCEL}[status]


@service
def record_lapses(*, as_of: date | None = None, member_key: str | None = None,
                  by: User | None = None) -> int:
    """Record as expired every active authorization whose last day has passed
    (of one member key, or all). Idempotent: expiry is decided by the date,
    this only writes it down for reporting. Returns how many were recorded."""
    today = as_of or zones.today()
    with transaction.atomic():
        due = Authorization.objects.filter(status=AuthorizationStatus.ACTIVE,
                                           end_date__lt=today)
        if member_key is not None:
            due = due.filter(member_key=member_key)
        count = 0
        for auth in due.order_by("pk"):
            try:
                authorization_transition(by=by, auth=auth, to=AuthorizationStatus.EXPIRED,
                                         as_of=today)
            except AuthorizationStateError:
                continue  # changed meanwhile (another run recorded it, or it was used)
            count += 1
    return count
