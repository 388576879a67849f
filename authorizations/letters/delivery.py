"""The task worker's entry points (django-q2, ORM broker: its queue is a
table of this database, on SQLite and PostgreSQL alike).

- `deliver(job_id)`: queued when a job commits (delivery_services._queue);
- `drain()`: scheduled every minute (migration 0022_delivery): every job that
  is due, whether its first task was lost, its last attempt failed (backoff)
  or its worker died (the claim expired). An idle worker thus finishes a task
  every minute: its heartbeat, which /healthz reads (worker_heartbeat,
  settings.TASK_WORKER_HEARTBEAT).

django-q2 retries a task whose worker died (its OrmQ row is locked for
Q_CLUSTER["retry"] seconds, then taken again); the job's claim keeps two
runs from overlapping.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max
from django_q.models import Task

from authorizations.letters.delivery_services import delivery_run, due_jobs

DRAIN_TASK = "authorizations.letters.delivery.drain"


def deliver(job_id: int) -> bool:
    return delivery_run(job_id)


def drain() -> int:
    """Run every due job; how many were done."""
    return sum(1 for job_id in due_jobs() if delivery_run(job_id))


def worker_heartbeat() -> datetime | None:
    """The worker's heartbeat: when it last finished a task, any task, done or
    failed (django-q2's own results table, which every process can read).
    Not only the drain's: behind a backlog (a print run, a seeded history:
    hundreds of letters), the scheduled drain waits its turn in the queue
    while the worker finishes a letter every second, and a health check
    reading only the drain called a busy worker dead."""
    return Task.objects.aggregate(last=Max("stopped"))["last"]
