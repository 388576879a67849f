"""One migrated SQLite database for every test worker (and, on PostgreSQL,
the test database freed of other sessions before it is dropped).

Each xdist worker builds its own in-memory test database, and running the
project's migrations took two to three seconds of CPU in each, at the moment
all the workers start together on two cores. The first worker to get here
migrates and keeps a copy of the result in pytest's cache (keyed by the
migrations, what they read, the installed apps and the Django version); the others, and later
runs, copy it into their in-memory database with SQLite's backup API instead
of migrating. PostgreSQL and file databases migrate as before.
"""

import fcntl
import hashlib
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import django
from django.apps import apps
from django.core import management
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]


def _key() -> str:
    digest = hashlib.sha256(django.get_version().encode())
    for app in apps.get_app_configs():
        digest.update(app.name.encode())
        migrations = Path(app.path) / "migrations"
        if migrations.is_dir() and Path(app.path).is_relative_to(ROOT):
            for path in sorted(migrations.glob("*.py")):
                digest.update(path.name.encode() + path.read_bytes())
    # What the data migrations read besides themselves (0002, 0021): the
    # starter HTC directory and its reader.
    from authorizations.accounts import htc_csv

    for read in (Path(htc_csv.__file__), htc_csv.STARTER_CSV):
        digest.update(read.read_bytes())
    return digest.hexdigest()[:16]


def _in_memory_sqlite(alias: str) -> bool:
    connection = connections[alias]
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def migrate_once(cache_dir: Path) -> None:
    """The next in-memory SQLite `migrate` (the test database's creation) is a
    copy of the cached migrated database, made here by the first worker that
    needs it. Only that one call: a test that runs `migrate` itself runs it."""
    template = cache_dir / f"migrated-{_key()}.sqlite3"
    original = management.call_command

    def call_command(name, *args, **options):
        alias = options.get("database", "default")
        if name != "migrate" or not _in_memory_sqlite(alias):
            return original(name, *args, **options)
        management.call_command = original
        connection = connections[alias]
        connection.ensure_connection()
        with open(cache_dir / "migrated.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one worker migrates; the others wait
            if not template.exists():
                original(name, *args, **options)
                partial = template.with_suffix(".partial")
                partial.unlink(missing_ok=True)
                with closing(sqlite3.connect(partial)) as copy:
                    connection.connection.backup(copy)
                partial.rename(template)
                for stale in cache_dir.glob("migrated-*.sqlite3"):  # earlier migrations'
                    if stale != template:
                        stale.unlink(missing_ok=True)
                return None
        with closing(sqlite3.connect(template)) as source:
            source.backup(connection.connection)
        return None

    management.call_command = call_command


def end_other_sessions(timeout: float = 10.0) -> None:
    """PostgreSQL: end every other session on the test database, and wait
    until they are gone, so that it can be dropped."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    # Only sessions this role may end: its own, or any for a superuser.
    others = ("FROM pg_stat_activity WHERE datname = current_database() "
              "AND pid <> pg_backend_pid() AND (usename = current_user OR "
              "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user))")
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")  # noqa: S608
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")  # noqa: S608
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.1)
