"""The submission's read of its draft (requests/services.request_submit):
the request's row under its lock, and whether the submitter is already
recorded among those who drafted it, in one query compiled once per process
(core/compiled.py). Building and compiling it cost as much CPU as running it;
the flag spares the submission the many-to-many INSERT a saved step makes
(`drafted_by.add`) when the submitter saved a step before, which is nearly
always."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet

from authorizations.core.compiled import CompiledQuery
from authorizations.models import AuthorizationRequest

_DRAFTED_BY = AuthorizationRequest.drafted_by.through


def _locked(request_id: int, user_id: int) -> QuerySet[AuthorizationRequest]:
    drafted = _DRAFTED_BY.objects.filter(authorizationrequest_id=OuterRef("pk"), user_id=user_id)
    # Only the request's row is locked, as every draft change locks it.
    return (AuthorizationRequest.objects.select_for_update(of=("self",))
            .filter(pk=request_id).annotate(drafted=Exists(drafted)))


_LOCKED = CompiledQuery(_locked, "request_id", "user_id")


def locked_draft(req: AuthorizationRequest, *, by: User
                 ) -> tuple[AuthorizationRequest, bool]:
    """`req` read again under its row lock (the caller holds the transaction),
    and whether `by` is among its drafted_by. The HTC is the one `req` holds
    when it holds it (the wizard's gate read it with the prescriber, in this
    HTTP request); else it is read when first used."""
    locked = _LOCKED.instance(AuthorizationRequest, request_id=req.pk, user_id=by.pk)
    if locked is None:
        raise AuthorizationRequest.DoesNotExist(f"No request {req.pk}")
    if AuthorizationRequest.htc.is_cached(req) and req.htc_id == locked.htc_id:
        locked.htc = req.htc
    # An annotation of the raw row (SQLite gives an EXISTS as 0 or 1).
    return locked, bool(locked.__dict__.pop("drafted"))
