"""SQLite, the embedded default: the web server and the task worker write one
file at once. A transaction that reads, then writes while another process
commits a write, must wait for its turn, not fail with "database is locked"
(hemgenix_site/settings.py: IMMEDIATE transactions, WAL)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction

SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
pytestmark = pytest.mark.skipif(not SQLITE, reason="the SQLite file's own locking")


def project_options() -> dict:
    return dict(settings.DATABASES["default"]["OPTIONS"])


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """Register an alias for a database file; each thread opens its own connection."""
    aliases = []

    def register(alias: str, options: dict) -> str:
        connections.settings[alias] = {**connections.settings["default"],
                                       "NAME": str(tmp_path / "writers.sqlite3"),
                                       "OPTIONS": options, "TEST": {}}
        aliases.append(alias)
        return alias

    with django_db_blocker.unblock():
        yield register
    for alias in aliases:
        del connections.settings[alias]


def two_services(alias: str) -> tuple[list[str], int]:
    """Two services at once, each reading a row and then writing it in one
    transaction (as request_submit reads, then writes); their errors and the
    count both wrote."""
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS counter (n integer)")
        cursor.execute("DELETE FROM counter")
        cursor.execute("INSERT INTO counter VALUES (0)")
    connections[alias].close()
    errors: list[str] = []
    go = threading.Event()

    def service(started: threading.Event) -> None:
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                started.set()
                go.wait(5)
                cursor.execute("UPDATE counter SET n = n + 1")
        except Exception as exc:  # the failure this test is about
            errors.append(str(exc))
        finally:
            started.set()
            connections[alias].close()

    first, second = threading.Event(), threading.Event()
    threads = [threading.Thread(target=service, args=(first,)),
               threading.Thread(target=service, args=(second,))]
    threads[0].start()
    first.wait(5)
    threads[1].start()
    # Both have read before either writes; with IMMEDIATE the second is still
    # waiting at BEGIN for the first's commit, and reads after it.
    second.wait(1)
    go.set()
    for thread in threads:
        thread.join(30)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        count = cursor.fetchone()[0]
    connections[alias].close()
    return errors, count


def test_the_project_takes_the_write_lock_when_a_transaction_begins():
    options = project_options()
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_two_services_that_read_then_write_both_commit(file_database):
    errors, count = two_services(file_database("immediate", project_options()))
    assert errors == [] and count == 2


def test_without_immediate_one_of_them_fails(file_database):
    """What the setting prevents: SQLite's default (deferred) transactions."""
    options = {k: v for k, v in project_options().items() if k != "transaction_mode"}
    errors, count = two_services(file_database("deferred", options))
    assert errors == ["database is locked"] and count == 1
