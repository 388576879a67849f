"""The compiled queries' SQL as PostgreSQL prepares it (core/compiled.py runs
each as a prepared statement of its connection): the query's own text
constants written in.

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

import re
from collections.abc import Callable
from typing import Any

from django.db import connections

_PLACEHOLDER = re.compile(r"%%|%s")


def constants_written(sql: str, params: list[Any], using: str, *, keep: Callable[[Any], bool]
                      ) -> tuple[str, list[Any]] | None:
    """On PostgreSQL, `sql` with each text constant among `params` written in
    and the parameters left: the call's (`keep`), and the others. None
    elsewhere (SQLite prepares nothing): the SQL runs as Django wrote it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    rest, left = iter(params), []

    def place(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        param = next(rest)
        if keep(param) or not isinstance(param, str):
            left.append(param)
            return "%s"
        # PostgreSQL's operations: psycopg's client-side binding, as Django's cursor binds.
        written = connection.ops.compose_sql("%s", [param])  # type: ignore[attr-defined]
        return str(written).replace("%", "%%")

    return _PLACEHOLDER.sub(place, sql), left
