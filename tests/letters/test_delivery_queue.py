"""The task queue itself (django-q2, ORM broker), not run synchronously: the
task is a row of this database, queued once the decision commits, and a task
whose worker died is taken again once its lock expires."""

import importlib
from datetime import timedelta

import pytest
from django import db
from django.apps import apps as django_apps
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule, Task
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from authorizations.letters import delivery
from authorizations.models import Delivery, Letter
from tests.factories import approvable_case, submitted_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _queued_not_run(monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)


def test_the_task_is_queued_in_the_database_when_the_decision_commits_and_taken_back(
        prescriber, django_capture_on_commit_callbacks, time_machine):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        req = submitted_request(prescriber, approvable_case()).request
        job = Delivery.objects.get(request=req, kind=Delivery.Kind.LETTER)
        assert not OrmQ.objects.exists()  # nothing runs before the decision commits
    for callback in callbacks:
        callback()
    broker = get_broker()
    [task] = broker.dequeue()
    package = SignedPackage.loads(task[1])
    assert (package["func"], package["args"]) == (delivery.deliver.__module__ + ".deliver",
                                                  (job.pk,))
    # The worker dies before acknowledging: the task stays locked, then comes back.
    assert broker.dequeue() is None
    time_machine.move_to(timezone.now() + timedelta(seconds=Conf.RETRY + 1))
    [again] = broker.dequeue()
    assert again[0] == task[0]
    assert delivery.deliver(job.pk) is True
    assert delivery.deliver(job.pk) is False  # done: a second run does nothing
    assert Letter.objects.filter(determination__request=req).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_committed_decision_queues_its_task_without_closing_the_connections(
        prescriber, monkeypatch):
    """django-q2's ORM broker closes its thread's stale connections before
    each use, as its cluster's long-lived threads need; after a request's
    commit that made Django check the connection again (a SELECT 1) before
    the task's INSERT. The decision queues its task with the broker minus that."""
    closed = []
    monkeypatch.setattr(db, "close_old_connections", lambda **kwargs: closed.append(kwargs))
    req = submitted_request(prescriber, approvable_case()).request  # committed: no test atomic
    job = Delivery.objects.get(request=req, kind=Delivery.Kind.LETTER)
    [queued] = OrmQ.objects.all()
    assert closed == []
    package = SignedPackage.loads(queued.payload)
    assert (queued.key, package["func"], package["args"], package["group"]) == (
        Conf.CLUSTER_NAME, delivery.deliver.__module__ + ".deliver", (job.pk,), "delivery")


def test_the_drain_is_scheduled_every_minute():
    # Migration 0022 writes the schedule. A transactional test run earlier by
    # this worker (pytest-xdist's worksteal hands out tests after those) ends
    # with a flush that empties every table, this row too: then its function
    # writes it again, and the row checked is still the migration's.
    if not Schedule.objects.filter(name="delivery-drain").exists():
        importlib.import_module("authorizations.migrations.0022_delivery").schedule_drain(
            django_apps, None)
    drain = Schedule.objects.get(name="delivery-drain")
    assert (drain.func, drain.schedule_type, drain.minutes, drain.repeats) == (
        delivery.DRAIN_TASK, Schedule.MINUTES, 1, -1)


def test_healthz_reads_the_workers_heartbeat_from_its_scheduled_drain(client, settings):
    settings.TASK_WORKER_EXPECTED = True
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["worker"] == "no heartbeat"
    async_task(delivery.DRAIN_TASK, sync=True)  # the worker's drain, run here and recorded
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["worker"] == "ok"


def test_a_worker_busy_with_a_backlog_is_alive_though_its_drain_waits(client, settings,
                                                                      prescriber):
    """Behind hundreds of letters the minute's drain waits its turn in the
    queue; the letters the worker finishes meanwhile are its heartbeat."""
    settings.TASK_WORKER_EXPECTED = True
    req = submitted_request(prescriber, approvable_case()).request
    job = Delivery.objects.get(request=req, kind=Delivery.Kind.LETTER)
    # One letter of the backlog, run here and recorded as the worker records it.
    async_task("authorizations.letters.delivery.deliver", job.pk, sync=True)
    assert not Task.objects.filter(func=delivery.DRAIN_TASK).exists()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["worker"] == "ok"
    # A worker whose last task finished longer ago than the setting allows is not.
    Task.objects.update(stopped=timezone.now() - timedelta(
        seconds=settings.TASK_WORKER_HEARTBEAT_SECONDS + 5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("heartbeat ")
