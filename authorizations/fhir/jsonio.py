"""FHIR JSON in and out with exact numbers.

fhir.resources keeps a decimal as a `Decimal` in the model but writes it
through a float (0.59999999999999999999 would become 0.6). Here the model's
own JSON-mode dump gives the shape and each Decimal is put back from the
model, then written from its digits by policy.values.ExactJSONEncoder. Reading
goes through policy.values.loads (exact, bounded numbers) before the model
validates it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeVar

from fhir_core.fhirabstractmodel import FHIRAbstractModel

from authorizations.policy import values

M = TypeVar("M", bound=FHIRAbstractModel)
CONTENT_TYPE = "application/fhir+json"


def to_data(resource: FHIRAbstractModel) -> dict[str, Any]:
    """The resource as JSON-ready data, its decimals exact."""
    data = resource.model_dump(mode="json", by_alias=True, exclude_none=True)
    return _restore_decimals(resource, data)


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
    return json.dumps(to_data(resource), cls=values.ExactJSONEncoder, indent=indent,
                      ensure_ascii=False)


def parse(cls: type[M], text: str | bytes | dict[str, Any]) -> M:
    """A resource of `cls` from JSON text (or already-read data). Raises
    ValueError (bad JSON) or pydantic.ValidationError (not a valid resource)."""
    data = values.loads(text) if isinstance(text, (str, bytes)) else text
    return cls.model_validate(data)


def dumps_data(data: Any) -> str:
    """Already-read JSON data (exact decimals) as text again."""
    return json.dumps(data, cls=values.ExactJSONEncoder, ensure_ascii=False)
