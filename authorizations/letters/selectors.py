"""What the pages read of delivery (letters/delivery_services.py): whether a
request's letter is ready, the jobs still waiting, for the admin home, and
the email notices sent (manage.py outbox, which the deploy smoke reads)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from authorizations.core.actions import AuditAction
from authorizations.letters.rendering import latest_lettered_determination
from authorizations.models import AuditEvent, AuthorizationRequest, Delivery, Letter


def letter_preparing(req: AuthorizationRequest) -> bool:
    """True while the request's latest letter waits for the worker."""
    determination = latest_lettered_determination(req)
    return determination is not None and not Letter.objects.filter(
        determination=determination).exists()


@dataclass(frozen=True)
class Waiting:
    letters: int
    notices: int
    failing: int  # tried and failed at least once: the operators should look
    oldest_minutes: int | None


def waiting_deliveries() -> Waiting:
    """Letters and notices not yet delivered (none is ever dropped: a job
    stays here until it is done)."""
    pending = Delivery.objects.filter(done_at__isnull=True)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    return Waiting(
        letters=pending.filter(kind=Delivery.Kind.LETTER).count(),
        notices=pending.filter(kind=Delivery.Kind.NOTICE).count(),
        failing=pending.exclude(last_error="").count(),
        oldest_minutes=(int((timezone.now() - oldest).total_seconds() // 60)
                        if oldest is not None else None),
    )


def notices_sent() -> dict[str, int]:
    """How many email notices went out, by notice name: the worker's
    `notice_send` audit rows (one per message handed to the mail server)."""
    return dict(Counter(AuditEvent.objects.filter(action=AuditAction.NOTICE_SEND)
                        .values_list("detail__notice", flat=True)))


def waiting_jobs() -> list[dict]:
    """The jobs not yet done, ids and state only (no patient data)."""
    return [{"id": job.pk, "kind": job.kind, "notice": job.notice, "attempts": job.attempts,
             "last_error": job.last_error}
            for job in Delivery.objects.filter(done_at__isnull=True).order_by("pk")]
