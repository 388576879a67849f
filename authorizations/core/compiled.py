"""Queries whose shape never changes, compiled once per process.

Django builds and compiles a queryset's SQL on every call. For a query of
many subqueries that is most of its cost: duties.part_taken's eight EXISTS
take about 2.3 ms of CPU to build and compile and 0.7 ms to run, on every
request page; the evaluation's facts (requests/facts.py) about 1.5 ms in
every submit. A `CompiledQuery` builds its queryset once per database
(PostgreSQL and SQLite write different SQL), with a marker value for each
parameter, and then runs that SQL with the call's values in the markers'
places.

A parameter is an integer (an id), a string, a date or a datetime. Django
may hand a value to the database driver changed: a date or a datetime as
text (SQLite), a string JSON-encoded (a JSON key's value on SQLite) or wrapped
(psycopg's Jsonb), escaped for LIKE (`iexact` on SQLite). Each marker's place records which of
these Django did to it, found by comparing the marker with what Django
passed, and each call's value is changed the same way. A marker that Django
used otherwise (written into the SQL, inside a longer pattern, widened into
a list of its own making) is refused when the query is first compiled, so a
change in the queryset cannot silently run with a wrong value.

`first` gives a row as the database returns it, without Django's converters
(SQLite gives an EXISTS as 0 or 1): callers read them as truthy values and
strings; `values` gives every row as Django's `.values()` does, converted,
and `instance` and `instances` model instances as the queryset makes them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db import connections
from django.db.models import Exists, QuerySet, Subquery
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.transaction import TransactionManagementError

from authorizations.core import prepared

# Integer markers no primary key or count takes, in a 32-bit column's range
# (Django finds no row for a value out of it, and compiles no SQL).
_MARKER_BASE = -2_073_400_000
_ID_MIN, _ID_MAX = -(2**63), 2**63 - 1

Columns = dict[str, Subquery]


def _marker(kind: type, i: int) -> Any:
    """Parameter i's marker. A string's holds a quote, a percent sign and an
    underscore, so that JSON encoding and LIKE escaping each change it."""
    if kind is int:
        return _MARKER_BASE - i
    if kind is str:
        return f'"cq{i}marker%_'
    if kind is datetime:
        return datetime(1000 + i, 1, 1, tzinfo=UTC)
    if kind is date:
        return date(1000 + i, 1, 1)
    raise TypeError(f"CompiledQuery: a parameter is an int, a str, a date or a datetime, "
                    f"not {kind}")


def _trace(marker: Any) -> str:
    """What of a marker survives in SQL or in a value made from it."""
    if isinstance(marker, str):
        return marker[1:-2]
    return marker.isoformat()[:10] if isinstance(marker, date) else str(marker)


def _changes(using: str) -> dict[str, Callable[[Any], Any]]:
    """What Django may do to a value on its way to the driver, by name: the
    connection's own adapters (read for each call: a connection is its
    thread's)."""
    ops = connections[using].ops
    return {"as is": lambda v: v, "date": ops.adapt_datefield_value,
            "datetime": ops.adapt_datetimefield_value, "JSON": json.dumps,
            "LIKE": ops.prep_for_like_query}


def _wrapped(param: Any, value: Any) -> Any:
    """A driver's wrapper (psycopg's Jsonb) around `value` instead of its own."""
    param = copy.copy(param)
    param.obj = value
    return param


@dataclass(frozen=True)
class _Slot:
    """A parameter's place in the compiled SQL: its name, and what Django
    did to its value on the way (a name of _changes, or `wrapper`'s)."""

    name: str
    change: str = ""
    wrapper: Any = None

    def value(self, values: dict[str, Any], changes: dict[str, Callable[[Any], Any]]) -> Any:
        if self.wrapper is not None:
            return _wrapped(self.wrapper, values[self.name])
        return changes[self.change](values[self.name])


def _slot(param: Any, markers: dict[str, Any], using: str) -> _Slot | None:
    """The slot `param` is, when it is a marker as Django passed it on."""
    for name, marker in markers.items():
        if hasattr(param, "obj") and type(param.obj) is type(marker) and param.obj == marker:
            return _Slot(name, wrapper=param)
        for change, function in _changes(using).items():
            try:
                made = function(marker)
            except (TypeError, AttributeError, ValueError):  # a date is no JSON nor datetime
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


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: list[Any]
    reader: _Reader | None  # for instance(): a queryset of model instances
    # For values(): a `.values()` queryset's names of its columns, and each
    # column's converters, as Django's ValuesIterable reads them.
    names: list[str] | None = None
    converters: dict[int, tuple[list[Any], Any]] | None = None
    # On PostgreSQL, what runs (prepared.constants_written): the SQL with its
    # text constants written in, and the slots and parameters left.
    server: tuple[str, list[Any]] | None = None


class _Reader:
    """How Django's QuerySet makes a row of this compiled queryset its model
    instance (django.db.models.query.ModelIterable, whose steps these are):
    the model's columns, each select_related object's (their populators),
    the annotations, and each column's converters (found once: a backend's
    converters read only the settings from the connection they were found on)."""

    def __init__(self, compiler: Any, using: str) -> None:
        self.compiler = compiler
        info = compiler.klass_info
        self.model = info["model"]
        self.start, self.end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.init_list = [f[0].target.attname for f in compiler.select[self.start:self.end]]
        self.populators = get_related_populators(info, compiler.select, using)
        self.annotations = compiler.annotation_col_map
        self.converters = compiler.get_converters(
            [s[0] for s in compiler.select[0:compiler.col_count]])
        self.locks = bool(compiler.query.select_for_update)

    def read(self, row: Any, using: str) -> Any:
        connection = connections[using]
        row = list(row)
        for position, (functions, expression) in self.converters.items():
            for function in functions:
                row[position] = function(row[position], expression, connection)
        obj = self.model.from_db(using, self.init_list, row[self.start:self.end])
        for populator in self.populators:
            populator.populate(row, obj)
        for name, position in self.annotations.items():
            setattr(obj, name, row[position])
        return obj


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet[Any] | Columns], *names: str,
                 **typed: type) -> None:
        """`build(**markers)` returns the queryset (a `.values()` one for
        first(), one of model instances for instance()), or the columns of
        a row (columns_sql), for the parameters: `names`, each an integer
        (an id), and `typed`, each name's type (int, str, date or datetime)."""
        self.build = build
        self.kinds = {**dict.fromkeys(names, int), **typed}
        self._compiled: dict[str, _Compiled] = {}

    def _django(self, using: str, values: dict[str, Any]) -> tuple[str, list[Any], Any]:
        built = self.build(**values)
        if isinstance(built, QuerySet):
            compiler = built.query.get_compiler(using)
            sql, params = compiler.as_sql()
            return sql, list(params), compiler
        return (*columns_sql(built, using), None)

    def sql(self, using: str, **values: Any) -> tuple[str, list[Any]]:
        """The SQL and parameters Django itself writes for these values."""
        sql, params, _ = self._django(using, values)
        return sql, params

    def _compile(self, using: str) -> _Compiled:
        markers = {name: _marker(kind, i) for i, (name, kind) in enumerate(self.kinds.items())}
        sql, params, compiler = self._django(using, markers)
        slots = [_slot(p, markers, using) or p for p in params]
        found = {s.name for s in slots if isinstance(s, _Slot)}
        traces = [_trace(m) for m in markers.values()]
        stray = [p for p in slots if not isinstance(p, _Slot)
                 and any(t in str(getattr(p, "obj", p)) for t in traces)]
        if found != set(self.kinds) or stray or any(t in sql for t in traces):
            raise ValueError(f"CompiledQuery: parameters {sorted(set(self.kinds) - found)} "
                             f"or {stray} are not plain parameters of the compiled SQL")
        reader = _Reader(compiler, using) if getattr(compiler, "klass_info", None) else None
        # Text constants written in; the call's values (slots) and numbers stay.
        server = prepared.constants_written(
            sql, slots, using, keep=lambda p: isinstance(p, _Slot) or not isinstance(p, str))
        if compiler is None or not compiler.query.values_select:
            return _Compiled(sql, slots, reader, server=server)
        # A .values() queryset of fields (and annotations): its names and converters.
        query = compiler.query
        return _Compiled(sql, slots, reader,
                         [*query.extra_select, *query.values_select, *query.annotation_select],
                         compiler.get_converters(
                             [s[0] for s in compiler.select[0:compiler.col_count]]),
                         server=server)

    def bound(self, using: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
        """The compiled SQL and its parameters for these values."""
        if using not in self._compiled:
            self._compiled[using] = self._compile(using)
        compiled, changes = self._compiled[using], _changes(using)
        return compiled.sql, [s.value(values, changes) if isinstance(s, _Slot) else s
                              for s in compiled.slots]

    def _row(self, using: str, values: dict[str, Any]) -> tuple[Any, list[str]]:
        rows, columns = self._rows(using, values, first=True)
        return (rows[0] if rows else None), columns

    def _executed(self, using: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
        """What runs: bound()'s SQL and parameters, or on PostgreSQL the SQL
        with its text constants written in and the rest bound."""
        sql, params = self.bound(using, values)
        server = self._compiled[using].server
        if server is None:
            return sql, params
        changes = _changes(using)
        return server[0], [p.value(values, changes) if isinstance(p, _Slot) else p
                           for p in server[1]]

    def _rows(self, using: str, values: dict[str, Any], *, first: bool = False
              ) -> tuple[list[Any], list[str]]:
        if any(kind is int and not _ID_MIN <= values[name] <= _ID_MAX
               for name, kind in self.kinds.items()):
            # No id column holds it, and the database would refuse it (Django
            # finds no row for it without asking).
            return [], []
        sql, params = self._executed(using, values)
        with prepared.cursor(using) as cursor:
            cursor.execute(sql, params)
            if first:
                row = cursor.fetchone()
                rows = [] if row is None else [row]
            else:
                rows = cursor.fetchall()
            return rows, [column[0] for column in cursor.description]

    def _reader(self, using: str) -> _Reader:
        if using not in self._compiled:
            self._compiled[using] = self._compile(using)
        reader = self._compiled[using].reader
        if reader is None:
            raise TypeError("CompiledQuery.instance: the query gives no model instances")
        if reader.locks and not connections[using].in_atomic_block:
            # As Django refuses it (SQLCompiler.as_sql): a lock lasts a transaction.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction.")
        return reader

    def instances(self, using: str = "default", **values: Any) -> list[Any]:
        """Every row as the queryset's model instance, as instance() reads one."""
        reader = self._reader(using)
        rows, _ = self._rows(using, values)
        return [reader.read(row, using) for row in rows]

    def values(self, using: str = "default", **values: Any) -> list[dict[str, Any]]:
        """Every row as a `.values()` queryset gives it: a dict of its names,
        each value converted as Django converts it (SQLite's times, JSON)."""
        rows, _ = self._rows(using, values)
        compiled = self._compiled[using] if rows else None
        if compiled is None:
            return []
        if compiled.names is None or compiled.converters is None:
            raise TypeError("CompiledQuery.values: the query is no .values() queryset")
        connection = connections[using]
        found = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in compiled.converters.items():
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            found.append(dict(zip(compiled.names, row, strict=True)))
        return found

    def instance(self, using: str = "default", **values: Any) -> Any:
        """The first row as the queryset's model instance, read as the
        queryset itself reads it (its select_related objects, annotations as
        attributes, each field's converters), or None."""
        reader = self._reader(using)
        row, _ = self._row(using, values)
        return reader.read(row, using) if row is not None else None

    def first(self, using: str = "default", **values: Any) -> dict[str, Any] | None:
        """The first row as a dict of the SQL's column names to values, or None."""
        row, columns = self._row(using, values)
        return dict(zip(columns, row, strict=True)) if row is not None else None
