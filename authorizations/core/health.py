"""/healthz for load balancers: is this instance fit to take requests?

Three checks, each "ok" or what is wrong:
- database: a connection and `SELECT 1`;
- migrations: every migration on disk is applied (the set on disk is read
  once per process: it cannot change while the process runs);
- worker: the task worker's heartbeat is recent, only where settings say a
  worker is expected (TASK_WORKER_EXPECTED). The heartbeat is read by the
  callable TASK_WORKER_HEARTBEAT names (a dotted path returning the last
  heartbeat as an aware datetime, or None). The settings name the last task
  the letters' worker finished (letters/delivery.worker_heartbeat, read from
  django-q2's results table; idle, it drains the outbox every minute):
  django-q2's cluster statistics, read below, live in the cache, which is
  per process with the local-memory cache.

200 with a small JSON body when all pass, 503 naming the failing checks. No
login, no session, no patient data, never cached.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

OK = "ok"

try:  # django-q2, when a task worker comes with it (optional)
    django_q_status: Any = importlib.import_module("django_q.status")
except ImportError:
    django_q_status = None


@cache
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return OK


def check_migrations() -> str:
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError:
        return "unknown (database unreachable)"
    missing = migrations_on_disk() - applied
    return OK if not missing else f"{len(missing)} not applied"


def django_q_heartbeat() -> datetime | None:
    """The most recent heartbeat of django-q2's clusters (their statistics,
    which each cluster refreshes every few seconds), or None."""
    if django_q_status is None:
        return None
    stamps = [stat.timestamp for stat in django_q_status.Stat.get_all()
              if getattr(stat, "timestamp", None) is not None]
    return max(stamps) if stamps else None


def check_worker() -> str:
    if not settings.TASK_WORKER_EXPECTED:
        return "not expected"
    try:
        heartbeat: Callable[[], datetime | None] = import_string(settings.TASK_WORKER_HEARTBEAT)
        last = heartbeat()
    except Exception:  # a misnamed reader, or a broker or table that cannot be read
        log.exception("the task worker's heartbeat could not be read")
        return "unknown (heartbeat unreadable)"
    if last is None:
        return "no heartbeat"
    if timezone.is_naive(last):
        last = timezone.make_aware(last, timezone.get_default_timezone())
    age = timezone.now() - last
    if age > timedelta(seconds=settings.TASK_WORKER_HEARTBEAT_SECONDS):
        return f"heartbeat {int(age.total_seconds())} s old"
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "migrations": check_migrations,
    "worker": check_worker,
}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    results = {name: check() for name, check in CHECKS.items()}
    failing = [name for name, result in results.items()
               if result != OK and result != "not expected"]
    body: dict[str, Any] = {"status": "failing" if failing else OK, "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
