"""SQL run as prepared statements on PostgreSQL (`cursor`): the compiled
queries' (core/compiled.py) and the work queue's rows and count (`select`,
`count`), each with its text constants written in (`constants_written`).

A prepared statement is planned once for all values of its parameters (a
generic plan), and PostgreSQL keeps that plan only when it is no costlier
than planning each run with its values. Django passes a query's constants
as parameters too: a status, a document kind, a JSON key. Left parameters, a
partial index whose condition names one (request_approved_patient_name:
status = 'approved') cannot serve the generic plan, and PostgreSQL planned
the evaluation's facts again on every run (about 0.6 ms of its 0.7). Written
in, as Django's own cursor writes every value (psycopg's client-side
binding), they are part of the statement. Numbers stay parameters (an
EXISTS's SELECT 1: no plan depends on them), and so does each call's value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

_PLACEHOLDER = re.compile(r"%%|%s")


def constants_written(sql: str, params: list[Any], using: str, *, keep: Callable[[Any], bool]
                      ) -> tuple[str, list[Any]] | None:
    """On PostgreSQL, `sql` with each of `params` written in but those it
    keeps (`keep`), and the parameters left. None elsewhere (SQLite prepares
    nothing): the SQL runs as Django wrote it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    rest, left = iter(params), []

    def place(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        param = next(rest)
        if keep(param):
            left.append(param)
            return "%s"
        # PostgreSQL's operations: psycopg's client-side binding, as Django's cursor binds.
        written = connection.ops.compose_sql("%s", [param])  # type: ignore[attr-defined]
        return str(written).replace("%", "%%")

    return _PLACEHOLDER.sub(place, sql), left


def cursor(using: str) -> Any:
    """Django's cursor; on PostgreSQL with psycopg's server-side binding, so
    that each query is a prepared statement of the connection, planned once
    (settings.py sets prepare_threshold for this; Django's other cursors bind
    on the client and never prepare). PostgreSQL's planning was most of the
    session's read, on every signed-in page: about 1.2 of 1.75 ms on a slow
    machine (docs/benchmarks.md). Django's ORM does not promise that its SQL
    binds on the server (ticket 20516): a text value's type can be unknown
    there. These queries run with their text constants written in (only
    numbers, dates, times and booleans, whose types psycopg names, stay
    parameters), and the tests run each of them on PostgreSQL. The wrapper
    stays Django's: query logs and counts see it."""
    connection = connections[using]
    cursor = connection.cursor()
    if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get(
            "prepare_threshold") is not None:
        cursor.cursor.close()
        cursor.cursor = _prepared_cursor_class()(connection.connection)
    return cursor


@functools.cache
def _prepared_cursor_class() -> type:
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )
    from psycopg import ClientCursor

    class LastQuery:
        """What Django's query log reads of a cursor (`_query.query`), which
        psycopg keeps only for a cursor that binds on the client: the SQL
        with its values in place, as Django logs a server-bound query (and
        only when something reads it: the log, under DEBUG or in a test)."""

        def __init__(self, cursor: Any, sql: Any, params: Any) -> None:
            self.cursor, self.sql, self.params = cursor, sql, params

        @property
        def query(self) -> bytes:
            return ClientCursor(self.cursor.connection).mogrify(self.sql, self.params).encode()

    class PreparedCursor(ServerBindingCursor):  # type: ignore[misc]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            try:
                return super().execute(query, params, **kwargs)
            finally:
                self._query = LastQuery(self, query, params)

    return PreparedCursor


def select(queryset: QuerySet[Any]) -> tuple[list[str], list[Any]]:
    """A `.values()` queryset's column names, in the SQL's order (the names
    its SELECT gives them), and its rows, each value converted as Django
    converts it; run by `cursor`, its constants written in (`_run`). For a list
    read on every view whose SQL is one of a few per view, differing in its
    values: the work queue's rows, which PostgreSQL planned on every view
    (about 0.3 ms, against 0.13 ms to run; docs/benchmarks.md). A search
    term is written in too: a statement of its own, which psycopg's cache of
    a connection's statements (the last 100) lets go."""
    using = queryset.db
    compiler = queryset.query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter no row can meet (`pk__in=[]`), as Django answers it
        return [], []
    names, rows = _run(sql, list(params), using)
    converters = compiler.get_converters([s[0] for s in compiler.select[:compiler.col_count]])
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    return names, rows


def count(queryset: QuerySet[Any], cap: int) -> int:
    """How many rows `queryset` has, up to cap + 1 (counting only the keys
    of the first cap + 1, in any order); run as `select` runs its query."""
    keys = queryset.order_by().values_list("pk")[:cap + 1]
    try:
        sql, params = keys.query.get_compiler(keys.db).as_sql()
    except EmptyResultSet:
        return 0
    return int(_run(f"SELECT COUNT(*) FROM ({sql}) capped", list(params), keys.db)[1][0][0])


def _run(sql: str, params: list[Any], using: str) -> tuple[list[str], list[Any]]:
    # Every value written in but a time (a view's "now": one statement for
    # all its calls). A number too: the queue's order is CASE ... THEN 0 ELSE
    # 1, and the index request_queue_order holds it with its numbers, which a
    # generic plan with them as parameters cannot use (PostgreSQL then planned
    # the rows on every view).
    written = constants_written(sql, params, using,
                                keep=lambda p: isinstance(p, date | datetime))
    with cursor(using) as run:
        run.execute(*(written or (sql, params)))
        return [column[0] for column in run.description], run.fetchall()
