"""Queries whose shape never changes, compiled once per process.

Django builds and compiles a queryset's SQL on every call. For a query of
many subqueries that is most of its cost: duties.part_taken's eight EXISTS
take about 2.3 ms of CPU to build and compile and 0.7 ms to run, on every
request page; the evaluation's facts (requests/facts.py) about 1.5 ms in
every submit. A `CompiledQuery` builds its queryset once per database
(PostgreSQL and SQLite write different SQL), with a marker value for each
parameter, and then runs that SQL with the call's values in the markers'
places.

A parameter is an integer (an id), a string or a date. Django may hand a
value to the database driver changed: a date as text (SQLite), a string
JSON-encoded (a JSON key's value on SQLite) or wrapped (psycopg's Jsonb),
escaped for LIKE (`iexact` on SQLite). Each marker's place records which of
these Django did to it, found by comparing the marker with what Django
passed, and each call's value is changed the same way. A marker that Django
used otherwise (written into the SQL, inside a longer pattern, widened into
a list of its own making) is refused when the query is first compiled, so a
change in the queryset cannot silently run with a wrong value.

Rows come back as the database returns them, without Django's converters
(SQLite gives an EXISTS as 0 or 1): callers read them as truthy values and
strings.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Exists, Model, QuerySet, Subquery

# Integer markers no primary key or count takes.
_MARKER_BASE = -7_340_000_000

Columns = dict[str, Subquery]
M = TypeVar("M", bound=Model)


def _marker(kind: type, i: int) -> Any:
    """Parameter i's marker. A string's holds a quote, a percent sign and an
    underscore, so that JSON encoding and LIKE escaping each change it."""
    if kind is int:
        return _MARKER_BASE - i
    if kind is str:
        return f'"cq{i}marker%_'
    if kind is date:
        return date(1000 + i, 1, 1)
    raise TypeError(f"CompiledQuery: a parameter is an int, a str or a date, not {kind}")


def _trace(marker: Any) -> str:
    """What of a marker survives in SQL or in a value made from it."""
    return marker[1:-2] if isinstance(marker, str) else str(marker)


def _wrapped(param: Any, value: Any) -> Any:
    """A driver's wrapper (psycopg's Jsonb) around `value` instead of its own."""
    param = copy.copy(param)
    param.obj = value
    return param


@dataclass(frozen=True)
class _Slot:
    """A parameter's place in the compiled SQL: its name, and what Django
    did to its value on the way."""

    name: str
    convert: Callable[[Any], Any]


def _slot(param: Any, markers: dict[str, Any], using: str) -> _Slot | None:
    """The slot `param` is, when it is a marker as Django passed it on."""
    ops = connections[using].ops
    changes: list[Callable[[Any], Any]] = [
        lambda v: v, lambda v: v.isoformat() if isinstance(v, date) else v,
        json.dumps, ops.prep_for_like_query]
    for name, marker in markers.items():
        if hasattr(param, "obj") and type(param.obj) is type(marker) and param.obj == marker:
            return _Slot(name, functools.partial(_wrapped, param))
        for change in changes:
            try:
                made = change(marker)
            except TypeError:  # a date is not JSON
                continue
            if type(made) is type(param) and made == param:
                return _Slot(name, change)
    return None


def columns_sql(columns: Columns, using: str = "default") -> tuple[str, list[Any]]:
    """`SELECT EXISTS(...) AS name, (...) AS name, ...`: each column's queryset
    compiled by Django as it would compile it alone, in one statement without
    a table (annotating a row with the same Exists costs twice the CPU: each
    is resolved against the outer query)."""
    quote = connections[using].ops.quote_name
    parts, params = [], []
    for name, column in columns.items():
        sql, column_params = column.query.get_compiler(using).as_sql()
        wrapped = f"EXISTS({sql})" if isinstance(column, Exists) else f"({sql})"
        parts.append(f"{wrapped} AS {quote(name)}")
        params.extend(column_params)
    return f"SELECT {', '.join(parts)}", params


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet[Any] | Columns], *names: str,
                 **typed: type) -> None:
        """`build(**markers)` returns the queryset (a `.values()` one), or
        the columns of a row (columns_sql), for the parameters: `names`,
        each an integer (an id), and `typed`, each name's type (int, str or
        date)."""
        self.build = build
        self.kinds = {**dict.fromkeys(names, int), **typed}
        self._compiled: dict[str, tuple[str, list[Any]]] = {}

    def sql(self, using: str, **values: Any) -> tuple[str, list[Any]]:
        """The SQL and parameters Django itself writes for these values."""
        built = self.build(**values)
        if isinstance(built, QuerySet):
            sql, params = built.query.get_compiler(using).as_sql()
            return sql, list(params)
        return columns_sql(built, using)

    def _compile(self, using: str) -> tuple[str, list[Any]]:
        markers = {name: _marker(kind, i) for i, (name, kind) in enumerate(self.kinds.items())}
        sql, params = self.sql(using, **markers)
        slots = [_slot(p, markers, using) or p for p in params]
        found = {s.name for s in slots if isinstance(s, _Slot)}
        traces = [_trace(m) for m in markers.values()]
        stray = [p for p in slots if not isinstance(p, _Slot)
                 and any(t in str(getattr(p, "obj", p)) for t in traces)]
        if found != set(self.kinds) or stray or any(t in sql for t in traces):
            raise ValueError(f"CompiledQuery: parameters {sorted(set(self.kinds) - found)} "
                             f"or {stray} are not plain parameters of the compiled SQL")
        return sql, slots

    def bound(self, using: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
        """The compiled SQL and its parameters for these values."""
        if using not in self._compiled:
            self._compiled[using] = self._compile(using)
        sql, slots = self._compiled[using]
        return sql, [s.convert(values[s.name]) if isinstance(s, _Slot) else s for s in slots]

    def instance(self, model: type[M], using: str = "default", **values: Any) -> M | None:
        """The first row as an instance of `model`, read as Django reads it
        (Model.objects.raw: each field's converters; a column that is no
        field, an annotation, is an attribute), or None."""
        sql, params = self.bound(using, values)
        return next(iter(model._default_manager.db_manager(using).raw(sql, params)), None)

    def first(self, using: str = "default", **values: Any) -> dict[str, Any] | None:
        """The first row as a dict of the SQL's column names to values, or None."""
        sql, params = self.bound(using, values)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            columns = [column[0] for column in cursor.description]
        return dict(zip(columns, row, strict=True)) if row is not None else None
