"""What every service shares: the write guard and the audit log.

The rule: the services are the only writers of the app's records (and of
users, groups and their memberships). Each public service function is
decorated with `@service`, which marks, for the duration of the call, that a
service is writing; tests/architecture/test_write_rule.py watches every save,
delete and membership change during a full journey and fails on any made
while no service runs.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import User
from django.db import models, transaction

from authorizations.core.actions import AuditAction
from authorizations.core.logs import log_audit_event
from authorizations.models import AuditEvent

P = ParamSpec("P")
R = TypeVar("R")

# The name of the service writing now, per thread and task; None outside.
_running: ContextVar[str | None] = ContextVar("authorizations_service", default=None)


def service(func: Callable[P, R]) -> Callable[P, R]:
    """Mark `func` as a service: the writes it makes are the services' own."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _running.set(func.__name__)
        try:
            return func(*args, **kwargs)
        finally:
            _running.reset(token)

    return run


def running() -> str | None:
    """The service writing now, or None when no service runs."""
    return _running.get()


# The audit rows of a batched_audits() block not yet written; None outside one.
_pending: ContextVar[list[AuditEvent] | None] = ContextVar("authorizations_audits", default=None)


@contextmanager
def batched_audits() -> Iterator[None]:
    """Inside a service's transaction: the audit rows of the block are written
    at its end in one INSERT, in the order they were recorded (their ids in
    that order), instead of one INSERT each. A block that raises writes none
    (its transaction rolls back). Nothing in the block may read the audit
    rows it records, nor roll back a savepoint after recording one (the row
    would be written all the same). A block inside another writes with it;
    outside a transaction each row is written at once, as without a block
    (its log line too, which reads the row's id)."""
    if _pending.get() is not None or not transaction.get_connection().in_atomic_block:
        yield
        return
    events: list[AuditEvent] = []
    token = _pending.set(events)
    try:
        yield
    finally:
        _pending.reset(token)
    if events:
        # Signals see no bulk_create; written inside the block's service.
        AuditEvent.objects.bulk_create(events)


@service
def audit(*, by: User | None, action: AuditAction, obj: Any,
          **detail: Any) -> AuditEvent:
    """Record who did what. `detail` holds identifiers and outcomes, never PHI.
    In a batched_audits() block the row is written at the block's end (the
    event's pk is None until then)."""
    event = AuditEvent(
        actor_id=getattr(by, "pk", None),
        actor_username=by.get_username() if by is not None else "system",
        action=action,
        object_type=type(obj).__name__,
        object_id=str(obj.pk),
        detail=detail,
    )
    pending = _pending.get()
    if pending is None:
        event.save(force_insert=True)
    else:
        pending.append(event)
    log_audit_event(event)  # the JSON log line an operator ships (core/logs.py)
    return event


def changes(obj: models.Model) -> dict[str, tuple[Any, Any]]:
    """The fields of `obj` that differ from its stored row, as name: (stored,
    new) of their database values; every field for a row not yet stored."""
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    stored = None
    if not obj._state.adding and obj.pk is not None:
        stored = (type(obj)._base_manager.filter(pk=obj.pk)
                  .values(*(f.attname for f in fields)).first())
    if stored is None:
        return {f.name: (None, getattr(obj, f.attname)) for f in fields}
    return {f.name: (stored[f.attname], getattr(obj, f.attname)) for f in fields
            if stored[f.attname] != getattr(obj, f.attname)}


def save_audited(obj: models.Model, *, by: User | None,
                 **detail: Any) -> AuditAction | None:
    """Save `obj` and audit it as AuditAction.CREATE or UPDATE with the names of the
    fields that changed (never their values). Nothing is written, and None
    returned, when nothing changed. The caller holds the transaction."""
    changed = changes(obj)
    if not changed:
        return None
    action = (AuditAction.CREATE if obj._state.adding or obj.pk is None
              else AuditAction.UPDATE)
    obj.save()
    audit(by=by, action=action, obj=obj, fields=sorted(changed), **detail)
    return action


def delete_audited(obj: models.Model, *, by: User | None) -> None:
    """Audit, then delete `obj`. The caller holds the transaction."""
    audit(by=by, action=AuditAction.DELETE, obj=obj)
    obj.delete()


@dataclass(frozen=True)
class ImportResult:
    """What an import of records did: how many it created, changed, and left
    as they were."""

    created: int
    updated: int
    unchanged: int

    @classmethod
    def of(cls, counts: Counter[AuditAction | None]) -> ImportResult:
        """Read from save_audited's answers, counted one a row."""
        return cls(counts[AuditAction.CREATE], counts[AuditAction.UPDATE], counts[None])
