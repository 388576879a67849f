"""The queries compiled once per process (core/compiled.py) on PostgreSQL:
prepared statements of their connection, planned once per connection.

Django binds a query's values on the client (psycopg's ClientCursor) and
PostgreSQL plans every statement it receives: the session's read, on every
signed-in page, took about 1.1 ms to plan and 0.3 ms to run. A compiled
query's SQL never changes, so it runs through a cursor that binds on the
server, which the connection prepares from the statement's second run
(settings.py: prepare_threshold; psycopg never prepares a client-bound
query, so Django's own queries are unchanged). Django leaves preparing off
for connection poolers: behind one that cannot keep a session's prepared
statements (PgBouncer in transaction mode before 1.21), DJANGO_DB_PREPARE=false.
Elsewhere (SQLite) both are Django's own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import import_module
from types import SimpleNamespace
from typing import Any

from django.db import connections

_PLACEHOLDER = re.compile(r"%%|%s")


def constants_written(sql: str, params: list[Any], using: str, *, keep: Callable[[Any], bool]
                      ) -> tuple[str, list[Any]] | None:
    """On PostgreSQL (cursor() binds there on the server): the SQL with each
    constant of the query (a parameter no call's value goes to: a status, a
    document kind, a JSON key) written in as Django's own cursor writes it
    (psycopg's client-side binding), and the parameters `keep` keeps, left
    to bind. A prepared statement
    is planned once for all values of its parameters (a generic plan), and
    PostgreSQL takes that plan only when it is no costlier than planning each
    call's: with a constant left a parameter, a partial index whose condition
    names it (request_approved_patient_name, status = 'approved') could not
    serve a generic plan, and the evaluation's facts were planned on every run.
    None elsewhere: the SQL runs as Django wrote it."""
    if _server_binding(type(connections[using]).__module__) is None:
        return None
    ops, rest, kept = connections[using].ops, iter(params), []

    def place(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        param = next(rest)
        if keep(param):
            kept.append(param)
            return "%s"
        # PostgreSQL's operations: psycopg's client-side binding, as Django's cursor binds.
        return str(ops.compose_sql("%s", [param])).replace("%", "%%")  # type: ignore[attr-defined]

    return _PLACEHOLDER.sub(place, sql), kept


@functools.cache
def _server_binding(backend: str) -> type[Any] | None:
    """The backend's cursor that binds on the server (Django's
    ServerBindingCursor, psycopg 3's Cursor), if it has one, made to leave
    for Django's log of queries (connection.queries, CaptureQueriesContext)
    the statement with its values written in, as Django's own cursor leaves
    it: Django reads it from psycopg's last query, which a prepared
    statement's run does not set."""
    binding = getattr(import_module(backend), "ServerBindingCursor", None)
    if binding is None:
        return None
    from psycopg import ClientCursor

    class Binding(binding):  # type: ignore[misc,valid-type]
        logged = False  # set by cursor(): Django logs this connection's queries

        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            ran = super().execute(query, params, **options)
            if self.logged:
                # What DatabaseOperations.last_executed_query reads.
                written = ClientCursor(self.connection).mogrify(query, params)
                self._query = SimpleNamespace(query=written.encode())
            return ran

    return Binding


def cursor(using: str) -> Any:
    """A cursor for a compiled query. On PostgreSQL one that binds its values
    on the server (psycopg's Cursor, Django's ServerBindingCursor), so that the
    connection prepares the statement (settings.py: prepare_threshold) and
    PostgreSQL plans it once per connection instead of on every call: the
    session's read took longer to plan (about 1.1 ms) than to run. Django's
    own cursors bind on the client, and psycopg never prepares their queries.
    Django's wrappers (health check, time zone, the queries' log) as for its own."""
    connection = connections[using]
    binding = _server_binding(type(connection).__module__)
    if binding is None:  # SQLite, or PostgreSQL through psycopg2
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    factory = raw.cursor_factory
    # The connection's factory for this one cursor: Django makes and wraps it.
    raw.cursor_factory = binding
    try:
        made = connection.cursor()
    finally:
        raw.cursor_factory = factory
    if isinstance(made.cursor, binding):  # not when a failed health check reconnected
        made.cursor.logged = connection.queries_logged
    return made
