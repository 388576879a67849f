"""Queries whose shape never changes, compiled once per process.

Django builds and compiles a queryset's SQL on every call. For a query of
many subqueries that is most of its cost: duties.part_taken's eight EXISTS
take about 2.3 ms of CPU to build and compile and 0.7 ms to run, on every
request page. A `CompiledQuery` builds its queryset once per database
(PostgreSQL and SQLite write different SQL), with a marker value for each
parameter, and then runs that SQL with the call's values in the markers'
places.

`first` gives a row as the database returns it, without Django's converters
(SQLite gives an EXISTS as 0 or 1): callers read them as truthy values and
strings; `values` gives every row converted as Django's `.values()` does.
A marker that Django did not pass through as one plain parameter
(written into the SQL, escaped for LIKE, widened into a list) is refused
when the query is first compiled, so a change in the queryset cannot
silently run with a wrong value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import QuerySet

# Integer markers no primary key or count takes.
_MARKER_BASE = -7_340_000_000


class _Slot(str):
    """A parameter's place in the compiled SQL, named."""


class _TextSlot(_Slot):
    """A parameter Django passes as text (a CharField compared with an id)."""


class _Compiled(NamedTuple):
    sql: str
    slots: list[Any]
    # For values(): the queryset's names of its columns, and Django's converters
    # of each column's values ({position: (converters, expression)}).
    names: list[str]
    converters: dict[int, tuple[list[Any], Any]]


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet[Any]], *names: str) -> None:
        """`build(**markers)` returns the queryset (a `.values()` one) for
        the parameters `names`: each an integer marker, an id, or one the
        queryset turns into text for a text column (`str(marker)`), whose
        value is then given as text."""
        self.build = build
        self.names = names
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        markers = {name: _MARKER_BASE - i for i, name in enumerate(self.names)}
        queryset = self.build(**markers)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        by_marker = {value: name for name, value in markers.items()}
        by_text = {str(value): name for name, value in markers.items()}
        slots = [_Slot(by_marker[p]) if isinstance(p, int) and p in by_marker
                 else _TextSlot(by_text[p]) if isinstance(p, str) and p in by_text
                 else p for p in params]
        missing = set(self.names) - {s for s in slots if isinstance(s, _Slot)}
        if missing or any(str(value) in sql for value in markers.values()):
            raise ValueError(f"CompiledQuery: parameters {sorted(missing) or self.names} "
                             "are not plain parameters of the compiled SQL")
        query = queryset.query
        # As Django's ValuesIterable names the columns, and its compiler converts them.
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        converters = compiler.get_converters([s[0] for s in compiler.select[:compiler.col_count]])
        return _Compiled(sql, slots, names, converters)

    def _sql(self, using: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
        if using not in self._compiled:
            self._compiled[using] = self._compile(using)
        compiled = self._compiled[using]
        return compiled.sql, [
            (str(values[s]) if isinstance(s, _TextSlot) else values[s])
            if isinstance(s, _Slot) else s for s in compiled.slots]

    def first(self, using: str = "default", **values: Any) -> dict[str, Any] | None:
        """The first row as a dict of the SQL's column names to values, or None."""
        sql, params = self._sql(using, values)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            columns = [column[0] for column in cursor.description]
        return dict(zip(columns, row, strict=True)) if row is not None else None

    def values(self, using: str = "default", **values: Any) -> list[dict[str, Any]]:
        """Every row as `.values()` gives it: a dict of the queryset's names,
        each value converted as Django converts it (SQLite's times, JSON)."""
        sql, params = self._sql(using, values)
        compiled = self._compiled[using]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, (converters, expression) in compiled.converters.items():
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        return [dict(zip(compiled.names, row, strict=True)) for row in rows]
