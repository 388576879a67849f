"""/healthz for load balancers: 200 when the database answers, every
migration is applied and (where a worker is expected) its heartbeat is
recent; 503 naming the failing check otherwise. No login, no patient data."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from authorizations.core import health

pytestmark = pytest.mark.django_db

HEARTBEAT: list[datetime | None] = [None]


def last_heartbeat() -> datetime | None:
    """A stand-in for a task worker's heartbeat (settings.TASK_WORKER_HEARTBEAT)."""
    return HEARTBEAT[0]


@pytest.fixture
def worker(settings):
    settings.TASK_WORKER_EXPECTED = True
    settings.TASK_WORKER_HEARTBEAT = f"{__name__}.last_heartbeat"
    settings.TASK_WORKER_HEARTBEAT_SECONDS = 120
    yield HEARTBEAT
    HEARTBEAT[0] = None


def test_healthy_without_login_cookie_or_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "migrations": "ok", "worker": "not expected"}}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_migration_not_applied_is_503_naming_it(client, monkeypatch):
    on_disk = health.migrations_on_disk() | {("authorizations", "9999_not_yet")}
    monkeypatch.setattr(health, "migrations_on_disk", lambda: on_disk)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"] == "1 not applied"


def test_an_unreachable_database_is_503(client, monkeypatch):
    class Down:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database", "migrations"]
    assert response.json()["checks"]["database"] == "unreachable"


def test_an_expected_worker_needs_a_recent_heartbeat(client, worker):
    body = client.get("/healthz").json()
    assert body["failing"] == ["worker"] and body["checks"]["worker"] == "no heartbeat"
    worker[0] = timezone.now() - timedelta(seconds=30)
    assert client.get("/healthz").status_code == 200
    worker[0] = timezone.now() - timedelta(minutes=10)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("heartbeat 600 s old")


def test_an_unreadable_heartbeat_is_a_failing_check(client, worker, settings):
    settings.TASK_WORKER_HEARTBEAT = "authorizations.core.health.django_q_heartbeat"
    if health.django_q_status is None:  # django-q2 absent: no cluster, no heartbeat
        assert client.get("/healthz").json()["checks"]["worker"] == "no heartbeat"
    settings.TASK_WORKER_HEARTBEAT = f"{__name__}.no_such_function"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "unknown (heartbeat unreadable)"


def test_probed_over_plain_http_with_https_on(client, settings):
    """Load balancers probe the app server's address over HTTP: no redirect."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
