"""What every answer kind shares: the refusal with its two wordings, the
limits a value is checked against, and the `Kind` interface (see __init__)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from authorizations.policy.values import ValueProblem

if TYPE_CHECKING:  # questions.py imports the kinds: only a type here
    from authorizations.policy.questions import Question

EARLIEST_DATE = date(1900, 1, 1)  # no date of any kind before it (data dictionary 1)
YES, NO = "yes", "no"  # the posted values of a yes/no question
MAX_TYPED = 200  # a typed number or date is read from its first 200 characters
# Form inputs a phone opens with a full keyboard: "<", ":", "/" and "x" must be
# reachable, so no inputmode ("decimal" and "numeric" hide them).
FREE_TEXT_INPUT = {"autocomplete": "off", "spellcheck": "false"}


class Refusal(ValueProblem):
    """A value outside its kind's format or limits. `str()` is the engine's
    message (after the key), `for_person` the form's sentence, `code` the
    form's error code."""

    def __init__(self, message: str, for_person: str, code: str = "invalid"):
        super().__init__(message)
        self.for_person, self.code = for_person, code


@dataclass(frozen=True)
class Limits:
    """What the date limits are judged against: the evaluation date (today in
    the service's zone for a form) and whether a planned date must not be
    before it (not when a reviewer re-reads answers after the planned day)."""

    as_of: date
    scheduling: bool = True


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Kind:
    name: ClassVar[str]
    fhir_type: ClassVar[str]  # the Questionnaire item's type
    fhir_value: ClassVar[str]  # the QuestionnaireResponse answer's value[x]
    input_attrs: ClassVar[dict[str, str]] = FREE_TEXT_INPUT
    empty_display: ClassVar[str] = "Not answered"

    def from_json(self, q: Question, value: Any) -> Any:
        raise NotImplementedError

    def from_text(self, q: Question, text: str) -> Any:
        return self.from_json(q, text.strip())

    def check(self, q: Question, typed: Any, limits: Limits) -> None:
        """Raises Refusal when `typed` is outside the question's limits."""

    def read_json(self, q: Question, value: Any, limits: Limits) -> Any:
        typed = self.from_json(q, value)
        self.check(q, typed, limits)
        return typed

    def read_text(self, q: Question, text: str, limits: Limits) -> Any:
        typed = self.from_text(q, text)
        self.check(q, typed, limits)
        return typed

    def to_json(self, typed: Any) -> Any:
        return typed

    def to_text(self, q: Question, stored: Any) -> str:
        return str(stored)

    def display(self, q: Question, stored: Any) -> str:
        return str(stored)

    def max_length(self, q: Question) -> int | None:
        return None


