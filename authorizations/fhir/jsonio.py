"""FHIR JSON in and out with exact numbers.

fhir.resources keeps a decimal as a `Decimal` in the model but writes it
through a float (0.59999999999999999999 would become 0.6), so each Decimal is
written from its own digits by policy.values.ExactJSONEncoder. Reading goes
through policy.values.loads (exact, bounded numbers) before the model
validates it.

Writing does not use fhir_core's serializer (`model_dump`): its `_fhir_iter`
visits every element a model's class could hold (an Extension's fifty
value[x] among them) in Python, some 11,000 fields for a letter's 340
elements, most of a letter's FHIR time. `to_data` gives the same data from
the elements that are set: a plan per class (fhir_core's own element order,
aliases and primitive-extension siblings) read once, then per model only the
values that are not None are visited. A value the plan does not know (not a
model where a model belongs) sends that model back to fhir_core's serializer,
so an unknown shape costs time, never a different answer.
tests/fhir/test_jsonio_exact.py holds the two to the same bytes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from itertools import compress, repeat
from operator import is_not, itemgetter
from typing import Any, TypeVar

from fhir_core.fhirabstractmodel import FHIR_COMMENTS_FIELD_NAME, FHIRAbstractModel
from fhir_core.utils import is_primitive_type
from pydantic_core import to_jsonable_python

from authorizations.policy import values

M = TypeVar("M", bound=FHIRAbstractModel)
CONTENT_TYPE = "application/fhir+json"

# A slot's kind: a primitive element, a complex one (models), a primitive's
# extension sibling (`_birthDate`), the element's comments.
_PRIMITIVE, _COMPLEX, _EXTENSION, _COMMENTS = range(4)
# The values JSON writes as they are (bool before int: its own type).
_PLAIN = frozenset({str, bool, int})


def to_data(resource: FHIRAbstractModel) -> dict[str, Any]:
    """The resource as JSON-ready data, its decimals exact (Decimal)."""
    return _model(resource)


class _Unhandled(Exception):
    """A value the fast path does not know: that model goes to fhir_core."""


class _Plan:
    __slots__ = ("resource_type", "slots", "values")

    def __init__(self, resource_type: str | None,
                 slots: list[tuple[str, int, Any, Any]]) -> None:
        self.resource_type = resource_type
        # (the model's own field name, JSON key, kind, FieldInfo for primitives)
        self.slots = tuple((key, kind, field) for _, key, kind, field in slots)
        names = [name for name, _, _, _ in slots]
        # All values of the slots in one C call; names are all model fields,
        # and pydantic keeps every field in __dict__.
        self.values = itemgetter(*names) if len(names) > 1 else (
            lambda d, name=names[0]: (d[name],))


_PLANS: dict[type, _Plan | None] = {}


def _plan_of(cls: type[FHIRAbstractModel]) -> _Plan | None:
    try:
        return _PLANS[cls]
    except KeyError:
        plan = _PLANS[cls] = _build_plan(cls)
        return plan


def _build_plan(cls: type[FHIRAbstractModel]) -> _Plan | None:
    """fhir_core's `_fhir_iter` order and keys for `cls`, or None where the
    class serializes in a way of its own (then fhir_core does it)."""
    base = FHIRAbstractModel
    if any(_defined_by(cls, name) is not base for name in (
            "fhir_model_serializer", "_fhir_iter", "_serialize_primitive_value",
            "_serialize_non_primitive_value", "model_dump", "has_resource_base",
            "get_alias_mapping")):
        return None
    serializers = cls.__pydantic_decorators__.model_serializers
    if [d.func for d in serializers.values()] != [base.fhir_model_serializer]:
        return None
    fields = cls.model_fields
    aliases = cls.get_alias_mapping()
    slots: list[tuple[str, str, int, Any]] = []
    for element in cls.elements_sequence():
        name = aliases[element]
        field = fields[name]
        key = field.alias or name
        if not is_primitive_type(field):
            slots.append((name, key, _COMPLEX, None))
            continue
        slots.append((name, key, _PRIMITIVE, field))
        ext = f"{name}__ext"
        if ext in fields:  # an Extension's value[x] has no `_valueString`
            slots.append((ext, fields[ext].alias or ext, _EXTENSION, None))
    if FHIR_COMMENTS_FIELD_NAME in fields:
        slots.append((FHIR_COMMENTS_FIELD_NAME, FHIR_COMMENTS_FIELD_NAME, _COMMENTS, None))
    if not slots:
        return None
    return _Plan(cls.__resource_type__ if cls.has_resource_base() else None, slots)


def _defined_by(cls: type, name: str) -> type | None:
    return next((klass for klass in cls.__mro__ if name in vars(klass)), None)


def _model(model: FHIRAbstractModel) -> dict[str, Any]:
    plan = _plan_of(type(model))
    if plan is not None:
        try:
            return _walk(model, plan)
        except (_Unhandled, KeyError):
            pass
    return _to_data_fhir_core(model)


def _walk(model: FHIRAbstractModel, plan: _Plan) -> dict[str, Any]:
    # The rules of fhir_core's _fhir_iter with exclude_none, by_alias, no
    # summary, comments kept; the values as pydantic then writes them in
    # JSON mode (to_jsonable_python), Decimals kept.
    out: dict[str, Any] = {}
    if plan.resource_type is not None:
        out["resourceType"] = plan.resource_type
    got = plan.values(model.__dict__)
    for (key, kind, field), value in compress(zip(plan.slots, got, strict=True),
                                               map(is_not, got, repeat(None))):
        if kind == _PRIMITIVE:
            if type(value) in _PLAIN:
                out[key] = value
            elif isinstance(value, list):
                if value:
                    out[key] = [_primitive(model, v, field) for v in value]
            else:
                out[key] = _primitive(model, value, field)
        elif kind == _COMPLEX:
            if isinstance(value, FHIRAbstractModel):
                out[key] = _model(value)
            elif isinstance(value, list):
                if value:
                    out[key] = [_complex(v) for v in value]
            else:
                raise _Unhandled
        elif kind == _EXTENSION:
            if isinstance(value, FHIRAbstractModel):
                data = _model(value)
                if data:
                    out[key] = data
            elif isinstance(value, list):
                if value:
                    out[key] = [_complex(v) for v in value]
            else:
                raise _Unhandled
        else:
            out[key] = to_jsonable_python(value)
    return out


def _complex(value: Any) -> Any:
    if isinstance(value, FHIRAbstractModel):
        return _model(value)
    if value is None:
        return None
    raise _Unhandled


def _primitive(model: FHIRAbstractModel, value: Any, field: Any) -> Any:
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, Decimal):
        return value  # fhir_core would write a float; the encoder writes its digits
    # Dates, times, base64, uuid: fhir_core's own conversion, then pydantic's.
    return to_jsonable_python(model._serialize_primitive_value(value, field))


def _to_data_fhir_core(resource: FHIRAbstractModel) -> dict[str, Any]:
    """fhir_core's serializer, each Decimal put back from the model: the
    fallback of the fast path, and what the tests compare it with."""
    data = resource.model_dump(mode="json", by_alias=True, exclude_none=True)
    return _restore_decimals(resource, data)  # type: ignore[no-any-return]


def _restore_decimals(value: Any, data: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, FHIRAbstractModel) and isinstance(data, dict):
        for name, field in type(value).model_fields.items():
            key = field.alias or name
            if key in data:
                data[key] = _restore_decimals(getattr(value, name), data[key])
        return data
    if isinstance(value, list) and isinstance(data, list):
        return [_restore_decimals(v, d) for v, d in zip(value, data, strict=False)]
    return data


def dumps(resource: FHIRAbstractModel, *, indent: int | None = 2) -> str:
    data = to_data(resource)
    if indent == _INDENT_WIDTH:
        try:
            return _indented(data)
        except TypeError:
            pass  # a key that is not text, or a value json cannot write: json's own answer
    return json.dumps(data, cls=values.ExactJSONEncoder, indent=indent, ensure_ascii=False)


_INDENT_WIDTH = 2
_encode_text = json.encoder.encode_basestring  # ensure_ascii=False: json's own C function
_default = values.ExactJSONEncoder().default


def _indented(data: Any) -> str:
    """`data` as json.dumps(data, cls=ExactJSONEncoder, indent=2,
    ensure_ascii=False) writes it, byte for byte (tests/fhir/test_jsonio_exact.py
    compares them): json's indented writer is its pure-Python encoder, a
    generator per container and a yield per token, 2.2 ms of a letter's two
    files against 0.9 ms here. Raises TypeError for what it does not write
    (a key that is not text), as json.dumps would for what it cannot."""
    parts: list[str] = []
    append = parts.append

    def write(value: Any, level: int) -> None:
        # json's own order of checks: text, null, booleans, numbers, arrays, objects.
        if isinstance(value, str):
            append(_encode_text(value))
        elif value is None:
            append("null")
        elif value is True:
            append("true")
        elif value is False:
            append("false")
        elif isinstance(value, int):
            append(int.__repr__(value))
        elif isinstance(value, float):
            append(values.number_text(value))
        elif isinstance(value, (list, tuple)):
            if not value:
                append("[]")
                return
            inner = "\n" + " " * (_INDENT_WIDTH * (level + 1))
            append("[")
            separator = inner
            for item in value:
                append(separator)
                separator = "," + inner
                write(item, level + 1)
            append("\n" + " " * (_INDENT_WIDTH * level) + "]")
        elif isinstance(value, dict):
            if not value:
                append("{}")
                return
            inner = "\n" + " " * (_INDENT_WIDTH * (level + 1))
            append("{")
            separator = inner
            for key, item in value.items():
                if not isinstance(key, str):
                    raise TypeError("a key that is not text")
                append(separator)
                separator = "," + inner
                append(_encode_text(key))
                append(": ")
                write(item, level + 1)
            append("\n" + " " * (_INDENT_WIDTH * level) + "}")
        else:
            # A Decimal, a LabValue, a date: what ExactJSONEncoder makes of it.
            write(_default(value), level)

    write(data, 0)
    return "".join(parts)


def parse(cls: type[M], text: str | bytes | dict[str, Any]) -> M:
    """A resource of `cls` from JSON text (or already-read data). Raises
    ValueError (bad JSON) or pydantic.ValidationError (not a valid resource)."""
    data = values.loads(text) if isinstance(text, (str, bytes)) else text
    return cls.model_validate(data)


def dumps_data(data: Any) -> str:
    """Already-read JSON data (exact decimals) as text again."""
    return json.dumps(data, cls=values.ExactJSONEncoder, ensure_ascii=False)
