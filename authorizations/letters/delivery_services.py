"""The outbox of letters and email notices (models.Delivery): written in the
decision's transaction, run by the task worker (letters/delivery.py).

Why an outbox of our own and not only django-q2's queue row: the job must
commit with the decision, and a job must never be lost or done twice. The
Delivery row is written inside the caller's transaction; once it commits, a
django-q2 task is queued to run it at once (on commit: a task run before the
commit would not see the decision). If that queueing is lost (the process
stopped between the two), the worker's scheduled drain (every minute) finds
the job anyway. A failed attempt is tried again later each time (backoff);
a job claimed by a worker that died is taken back when its claim expires.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.brokers import Broker
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.tasks import async_task

from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.letters import notices
from authorizations.letters.services import information_letter_issue, letter_issue
from authorizations.models import (
    AuthorizationRequest,
    Delivery,
    Determination,
    FollowUpReminder,
    InformationRequest,
)

DELIVER_TASK = "authorizations.letters.delivery.deliver"

log = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt: doubling from DELIVERY_RETRY_SECONDS,
    at most DELIVERY_RETRY_MAX_SECONDS."""
    seconds = settings.DELIVERY_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.DELIVERY_RETRY_MAX_SECONDS))


class _RequestBroker(ORM):
    """django-q2's ORM broker for a task queued by a web request or a command
    once its transaction commits. django-q2's own closes the thread's stale
    connections before each use, as its cluster's long-lived threads need;
    in a request that made Django check the connection again (a SELECT 1,
    CONN_HEALTH_CHECKS) before the INSERT of the task, on every decision.
    Django closes a request's stale connections when the request ends."""

    @staticmethod
    def get_connection(list_key: str | None = None) -> Any:
        return OrmQ.objects.using(Conf.ORM)


def _broker() -> Broker | None:
    """The broker to queue a job's task with: _RequestBroker when django-q2's
    is its ORM broker (the brokers django_q.brokers.get_broker takes before
    it not configured); otherwise None, and async_task takes the configured one."""
    others = Conf.BROKER_CLASS or Conf.IRON_MQ or isinstance(Conf.SQS, dict)
    return _RequestBroker() if Conf.ORM and not others else None


def _queue(job: Delivery) -> None:
    """django-q2's task for the job, once the job (and the decision) commit."""
    transaction.on_commit(lambda: async_task(DELIVER_TASK, job.pk, group="delivery",
                                             task_name=f"delivery-{job.pk}-{job.attempts}",
                                             broker=_broker()))


@service
def delivery_letter(determination: Determination) -> Delivery:
    """The determination's letter, to be rendered by the worker: call inside
    the decision's transaction."""
    job = Delivery.objects.create(kind=Delivery.Kind.LETTER, request=determination.request,
                                  determination=determination,
                                  next_attempt_at=timezone.now())
    audit(by=None, action=AuditAction.DELIVERY_QUEUE, obj=determination.request,
          delivery=job.pk, kind=job.kind, determination=determination.pk)
    _queue(job)
    return job


@service
def delivery_information_letter(ir: InformationRequest) -> Delivery:
    """The "Information needed" letter and its member's copy, to be rendered
    by the worker: call inside the request for information's transaction."""
    job = Delivery.objects.create(kind=Delivery.Kind.LETTER, request=ir.request,
                                  information_request=ir, next_attempt_at=timezone.now())
    audit(by=None, action=AuditAction.DELIVERY_QUEUE, obj=ir.request, delivery=job.pk,
          kind=job.kind, information_request=ir.pk)
    _queue(job)
    return job


@service
def delivery_reminder(reminder: FollowUpReminder, *, base_url: str = "") -> Delivery:
    """A follow-up reminder email (notices.follow_up_reminder), to be sent by
    the worker: call inside the transaction that records the reminder."""
    job = Delivery.objects.create(kind=Delivery.Kind.NOTICE,
                                  request=reminder.follow_up.authorization.request,
                                  notice=notices.FOLLOW_UP_REMINDER, reminder=reminder,
                                  base_url=base_url, next_attempt_at=timezone.now())
    audit(by=None, action=AuditAction.DELIVERY_QUEUE, obj=job.request, delivery=job.pk,
          kind=job.kind, notice=job.notice, reminder=reminder.pk)
    _queue(job)
    return job


@service
def delivery_password_reset(user: User) -> Delivery:
    """A password reset email to `user`'s address (notices.password_reset),
    to be sent by the worker. Only the user is stored: the link's token is
    made when the email is sent."""
    job = Delivery.objects.create(kind=Delivery.Kind.NOTICE, user=user,
                                  notice=notices.PASSWORD_RESET, next_attempt_at=timezone.now())
    audit(by=None, action=AuditAction.DELIVERY_QUEUE, obj=user, delivery=job.pk, kind=job.kind,
          notice=job.notice)
    _queue(job)
    return job


@service
def delivery_notice(req: AuthorizationRequest, notice: str) -> Delivery:
    """An email notice (a name in notices.NOTICES), to be sent by the worker:
    call inside the transaction of what it tells."""
    if notice not in notices.NOTICES:
        raise ValueError(f"unknown notice {notice!r}")
    job = Delivery.objects.create(kind=Delivery.Kind.NOTICE, request=req, notice=notice,
                                  next_attempt_at=timezone.now())
    audit(by=None, action=AuditAction.DELIVERY_QUEUE, obj=req, delivery=job.pk, kind=job.kind,
          notice=notice)
    _queue(job)
    return job


def _claim(job_id: int) -> bool:
    """Hold the job for this worker, if it is due and nobody holds it. One
    conditional UPDATE: two workers cannot both win, on SQLite or PostgreSQL
    (a read then a save could let both through)."""
    now = timezone.now()
    lease = timedelta(seconds=settings.DELIVERY_CLAIM_SECONDS)
    return bool(Delivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=job_id, done_at__isnull=True, next_attempt_at__lte=now,
    ).update(claimed_until=now + lease, attempts=F("attempts") + 1))


def _perform(job: Delivery) -> None:
    # Each is idempotent but the send: a second run finds the stored letter,
    # and a notice is marked done in the transaction after it is sent.
    if job.kind == Delivery.Kind.LETTER and job.information_request is not None:
        information_letter_issue(job.information_request)
    elif job.kind == Delivery.Kind.LETTER:
        assert job.determination is not None
        letter_issue(job.determination)
    else:
        if job.reminder is not None:
            sent = notices.follow_up_reminder(job.reminder, base_url=job.base_url)
        elif job.user is not None:
            sent = notices.password_reset(job.user)
        else:
            sent = notices.NOTICES[job.notice](job.request)
        if sent:
            audit(by=None, action=AuditAction.NOTICE_SEND, obj=_subject(job), delivery=job.pk,
                  notice=job.notice)


def _subject(job: Delivery) -> AuthorizationRequest | User:
    """What the job's audit rows are about: its request, or a password
    reset's user."""
    return job.request if job.request is not None else job.user


@service
def delivery_run(job_id: int) -> bool:
    """Run one job if it is due and free: True when it is done now. A failure
    is recorded (the exception's class only) and the job waits for its next
    attempt; the claim is what a dead worker leaves behind, and it expires."""
    if not _claim(job_id):
        return False
    job = Delivery.objects.select_related(
        "request__prescriber", "determination", "information_request__request", "user",
        "reminder__follow_up__authorization__request").get(pk=job_id)
    try:
        with transaction.atomic():
            _perform(job)
            job.done_at, job.claimed_until, job.last_error = timezone.now(), None, ""
            job.save(update_fields=["done_at", "claimed_until", "last_error"])
    except Exception as exc:  # noqa: BLE001 - any fault: the job is tried again later
        job.claimed_until = None
        job.next_attempt_at = timezone.now() + backoff(job.attempts)
        job.last_error = type(exc).__name__[:120]
        job.save(update_fields=["claimed_until", "next_attempt_at", "last_error"])
        audit(by=None, action=AuditAction.DELIVERY_RETRY, obj=_subject(job), delivery=job.pk,
              attempts=job.attempts, error=job.last_error)
        # The class and ids only: an exception's message may carry an address.
        log.warning("delivery %s (%s) failed on attempt %s with %s; next at %s", job.pk,
                    job.kind, job.attempts, job.last_error, job.next_attempt_at.isoformat())
        return False
    return True


def due_jobs() -> list[int]:
    """The jobs to run now: not done, due, and not held by a live claim."""
    now = timezone.now()
    return list(Delivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        done_at__isnull=True, next_attempt_at__lte=now).values_list("pk", flat=True))
