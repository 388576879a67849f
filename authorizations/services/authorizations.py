"""The authorization's life: expiry recorded, cancellation. Every state change
goes through here with its audit row; the member key, dates and codes of an
authorization never change (the database refuses it too)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ..models import Authorization, AuthorizationStatus
from .base import audit, service


@service
def record_lapses(*, as_of: date | None = None, member_key: str | None = None,
                  by: AbstractBaseUser | None = None) -> int:
    """Record as expired every active authorization whose last day has passed
    (of one member key, or all). Idempotent: expiry is decided by the date,
    this only writes it down for reporting. Returns how many were recorded."""
    today = as_of or timezone.localdate()
    with transaction.atomic():
        due = Authorization.objects.select_for_update().filter(
            status=AuthorizationStatus.ACTIVE, end_date__lt=today)
        if member_key is not None:
            due = due.filter(member_key=member_key)
        count = 0
        for auth in due:
            auth.status = AuthorizationStatus.EXPIRED
            auth.save(update_fields=["status"])
            audit(by=by, action="expire", obj=auth, end_date=auth.end_date.isoformat())
            count += 1
    return count
