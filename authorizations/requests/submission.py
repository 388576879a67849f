"""The submission's read of its draft (requests/services.request_submit):
the request's row under its lock, with its HTC (the designation is a derived
answer), and whether the submitter is already recorded among those who
drafted it, in one query compiled once per process (core/compiled.py).
Building and compiling it cost as much CPU as running it; the flag spares
the submission the many-to-many INSERT a saved step makes (`drafted_by.add`)
when the submitter saved a step before, which is nearly always."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet

from authorizations.core.compiled import CompiledQuery
from authorizations.models import AuthorizationRequest

_DRAFTED_BY = AuthorizationRequest.drafted_by.through


def _locked(request_id: int, user_id: int) -> QuerySet[AuthorizationRequest]:
    drafted = _DRAFTED_BY.objects.filter(authorizationrequest_id=OuterRef("pk"), user_id=user_id)
    # Only the request's row is locked, as every draft change locks it.
    return (AuthorizationRequest.objects.select_for_update(of=("self",)).select_related("htc")
            .filter(pk=request_id).order_by().annotate(drafted=Exists(drafted)))


_LOCKED = CompiledQuery(_locked, "request_id", "user_id")


def locked_draft(req: AuthorizationRequest, *, by: User
                 ) -> tuple[AuthorizationRequest, bool]:
    """`req` read again under its row lock, with its HTC (the caller holds
    the transaction), and whether `by` is among its drafted_by."""
    locked = _LOCKED.instance(request_id=req.pk, user_id=by.pk)
    if locked is None:
        raise AuthorizationRequest.DoesNotExist(f"No request {req.pk}")
    # An annotation, no field (SQLite gives an EXISTS as 0 or 1).
    return locked, bool(locked.__dict__.pop("drafted"))
