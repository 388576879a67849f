"""Where each answer came from (Da Vinci DTR's information-origin): the EHR
filled it (`auto-client` by the EHR's DTR client, `auto-server` by this
service from what the EHR sent, the CRD card's prefill), the EHR filled it
and a person changed it (`override`), or a person typed it (`manual`). Kept
per answer key beside the answers (AuthorizationRequest.answer_origins, and
each AnswerVersion's copy); the DTR codes are kept as given, so the export
says exactly what the import read. Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

AUTO_CLIENT = "auto-client"
AUTO_SERVER = "auto-server"
OVERRIDE = "override"
MANUAL = "manual"
CODES = (AUTO_CLIENT, AUTO_SERVER, OVERRIDE, MANUAL)
FILLED_BY_SOFTWARE = (AUTO_CLIENT, AUTO_SERVER)

# What the pages print beside an answer: words, never a colour alone. A
# person's own answer is the ordinary case and says nothing.
LABELS = {
    AUTO_CLIENT: "Filled from the EHR",
    AUTO_SERVER: "Filled from the EHR",
    OVERRIDE: "EHR value changed",
}


def label(origin: str | None) -> str:
    return LABELS.get(origin or "", "")


def filled_by_software(origins: Mapping[str, str] | None) -> list[str]:
    """The answer keys no person typed, sorted."""
    return sorted(k for k, v in (origins or {}).items() if v in FILLED_BY_SOFTWARE)


def after_change(old: Mapping[str, Any], new: Mapping[str, Any],
                 origins: Mapping[str, str] | None) -> dict[str, str] | None:
    """The origins once a person saved `new` over `old` (both as stored, JSON
    values): an answer kept as it was keeps its origin; an EHR-filled answer
    the person changed is an override; an answer the person gave where none
    was is manual. An answer dropped drops its origin. None while no answer
    has a known origin (a request typed only in the wizard before origins
    were kept stays as it was)."""
    origins = origins or {}
    result: dict[str, str] = {}
    for key, value in new.items():
        was = origins.get(key)
        if key in old and old[key] == value:
            if was:
                result[key] = was
        elif was in FILLED_BY_SOFTWARE or was == OVERRIDE:
            result[key] = OVERRIDE
        else:
            result[key] = MANUAL
    return result or None
