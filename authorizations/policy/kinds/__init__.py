"""One class per kind of answer (`Question.kind`): how a value of that kind is
read from what a person types (`from_text`: the wizard's fields) and from its
JSON value (`from_json`: the engine, the API, FHIR), the one set of limits both
readings must pass (`check`: ranges, the earliest date, a test date not after
the evaluation date, a planned date not before it), its JSON value (`to_json`),
the text a form shows for a stored answer (`to_text`), how people read it
(`display`), its FHIR item type and answer value[x], and the attributes of its
form input.

The form and the engine call the same `check` with the same limits, so a value
the form takes is never refused at submission, and the reverse. `from_text`
only adds the ways people write a value that have no JSON form ("2 x 10^13",
"1:678", "0.005 IU/mL", "Oct 20, 2026") and ends in the same typed value.
Every refusal carries the engine's words (`str()`, after the key: "must be at
least 20") and the form's sentence naming the question (`for_person`).
Pure Python, no Django.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from authorizations.policy.kinds.base import (
    EARLIEST_DATE,
    MAX_TYPED,
    NO,
    YES,
    Kind,
    Limits,
    Refusal,
    capital,
)
from authorizations.policy.kinds.dates import (
    BirthDateKind,
    DateKind,
    PlannedDateKind,
    TestDateKind,
    format_hint,
    parse_typed_date,
)
from authorizations.policy.kinds.numbers import (
    PERCENT_PER_IU_ML,
    DecimalKind,
    IntegerKind,
    LabValueKind,
    ScientificKind,
    TiterKind,
    check_range,
    convert,
    fits_only_the_other_unit,
    range_sentence,
)
from authorizations.policy.kinds.text import BoolKind, ChoiceKind, MemberIdKind, NpiKind, TextKind

if TYPE_CHECKING:  # questions.py imports this package: only a type here
    from authorizations.policy.questions import Question

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    TextKind(), MemberIdKind(), NpiKind(), BoolKind(), ChoiceKind(), DecimalKind(),
    ScientificKind(), IntegerKind(), TiterKind(), LabValueKind(), BirthDateKind(),
    TestDateKind(), PlannedDateKind())}


def of(q: Question) -> Kind:
    """The kind of a question's answer."""
    return KINDS[q.kind]


__all__ = [
    "EARLIEST_DATE", "KINDS", "MAX_TYPED", "NO", "PERCENT_PER_IU_ML", "YES", "BirthDateKind",
    "BoolKind", "ChoiceKind", "DateKind", "DecimalKind", "IntegerKind", "Kind", "LabValueKind",
    "Limits", "MemberIdKind", "NpiKind", "PlannedDateKind", "Refusal", "ScientificKind",
    "TestDateKind", "TextKind", "TiterKind", "capital", "check_range", "convert",
    "fits_only_the_other_unit", "format_hint", "of", "parse_typed_date", "range_sentence",
]
