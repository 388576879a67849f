"""Queries whose shape never changes, compiled once per process.

Django builds and compiles a queryset's SQL on every call. For a query of
many subqueries that is most of its cost: duties.part_taken's eight EXISTS
take about 2.3 ms of CPU to build and compile and 0.7 ms to run, on every
request page. A `CompiledQuery` builds its queryset once per database
(PostgreSQL and SQLite write different SQL), with a marker value for each
parameter, and then runs that SQL with the call's values in the markers'
places.

Rows come back as the database returns them, without Django's converters
(SQLite gives an EXISTS as 0 or 1): callers read them as truthy values and
strings. A marker that Django did not pass through as one plain parameter
(written into the SQL, escaped for LIKE, widened into a list) is refused
when the query is first compiled, so a change in the queryset cannot
silently run with a wrong value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Integer markers no primary key or count takes.
_MARKER_BASE = -7_340_000_000


class _Slot(str):
    """A parameter's place in the compiled SQL, named."""


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet[Any]], *names: str) -> None:
        """`build(**markers)` returns the queryset (a `.values()` one) for
        the parameters `names`, each an integer (an id)."""
        self.build = build
        self.names = names
        self._compiled: dict[str, tuple[str, list[Any]]] = {}

    def _compile(self, using: str) -> tuple[str, list[Any]]:
        markers = {name: _MARKER_BASE - i for i, name in enumerate(self.names)}
        queryset = self.build(**markers)
        sql, params = queryset.query.get_compiler(using).as_sql()
        by_marker = {value: name for name, value in markers.items()}
        slots = [_Slot(by_marker[p]) if isinstance(p, int) and p in by_marker else p
                 for p in params]
        missing = set(self.names) - {s for s in slots if isinstance(s, _Slot)}
        if missing or any(str(value) in sql for value in markers.values()):
            raise ValueError(f"CompiledQuery: parameters {sorted(missing) or self.names} "
                             "are not plain parameters of the compiled SQL")
        return sql, slots

    def first(self, using: str = "default", **values: int) -> dict[str, Any] | None:
        """The first row as a dict of the SQL's column names to values, or None."""
        if using not in self._compiled:
            self._compiled[using] = self._compile(using)
        sql, slots = self._compiled[using]
        params = [values[s] if isinstance(s, _Slot) else s for s in slots]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            columns = [column[0] for column in cursor.description]
        return dict(zip(columns, row, strict=True)) if row is not None else None
