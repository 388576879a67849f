"""Text, member ID and NPI answers; yes/no and choice answers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from authorizations.policy import values
from authorizations.policy.kinds.base import FREE_TEXT_INPUT, NO, YES, Kind, Refusal, capital, short
from authorizations.policy.text import BIDI_MESSAGE, has_bidi_control

if TYPE_CHECKING:  # questions.py imports the kinds: only a type here
    from authorizations.policy.questions import Question


class TextKind(Kind):
    name, fhir_type, fhir_value = "text", "string", "valueString"
    input_attrs = {"autocomplete": "off"}

    def from_json(self, q: Question, value: Any) -> str:
        if not isinstance(value, str):
            raise Refusal("must be text", f"Enter {q.noun} as text")
        text = value.strip()
        if not text:
            raise Refusal("must not be empty", f"Enter {q.noun}", code="required")
        limit = self.max_length(q)
        if len(text) > limit:
            raise Refusal(f"must be at most {limit} characters",
                          f"{capital(q.noun)} must be {limit} characters or fewer",
                          code="max_length")
        if has_bidi_control(text):
            # Issue 23: a name that reorders how it is shown could pass for another's.
            raise Refusal(BIDI_MESSAGE, f"{capital(q.noun)} {BIDI_MESSAGE}", code="bidi")
        return text

    def max_length(self, q: Question) -> int:
        return q.max_length or 100


class MemberIdKind(TextKind):
    """Letters, digits, dashes and spaces, shown as typed, compared by its
    member key (values.member_key)."""

    name = "member_id"
    input_attrs = FREE_TEXT_INPUT
    PATTERN = re.compile(r"[A-Za-z0-9 -]+")

    def from_json(self, q: Question, value: Any) -> str:
        text = super().from_json(q, value)
        if not self.PATTERN.fullmatch(text) or not values.member_key(text):
            raise Refusal("may contain only letters, digits, dashes and spaces",
                          f"Enter {q.noun} using only letters, digits, dashes and spaces, for "
                          f"example {q.example}")
        return text


class NpiKind(Kind):
    name, fhir_type, fhir_value = "npi", "string", "valueString"

    def from_json(self, q: Question, value: Any) -> str:
        if not isinstance(value, str) or not values.npi_is_valid(value.strip()):
            raise Refusal("must be a 10-digit NPI with a valid check digit",
                          f"Enter {q.noun} as the facility's 10-digit NPI, for example "
                          f"{q.example}: this one is not a valid NPI (its check digit does not "
                          "match)")
        return value.strip()

    def from_text(self, q: Question, text: str) -> str:
        # People group the digits: "123-456-7893", "123 456 7893".
        return self.from_json(q, re.sub(r"[\s-]", "", text[:40]))

    def max_length(self, q: Question) -> int:
        return 10


# ---------------------------------------------------------------- yes/no, choices


class BoolKind(Kind):
    name, fhir_type, fhir_value = "bool", "boolean", "valueBoolean"
    input_attrs: ClassVar[dict[str, str]] = {}

    def from_json(self, q: Question, value: Any) -> bool:
        if not isinstance(value, bool):
            raise Refusal("must be true or false", f"Select Yes or No for {q.noun}")
        return value

    def from_text(self, q: Question, text: str) -> bool:
        if text not in (YES, NO):
            raise Refusal("must be yes or no", f"Select Yes or No for {q.noun}")
        return text == YES

    @staticmethod
    def ticked(q: Question) -> bool:
        """An attestation is a statement ticked, not a yes/no question."""
        return q.step == "attestations"

    def to_text(self, q: Question, stored: Any) -> str:
        if self.ticked(q):
            return "on" if stored else ""
        return YES if stored else NO

    def display(self, q: Question, stored: Any) -> str:
        if self.ticked(q):
            return "Ticked" if stored else "Not ticked"
        return "Yes" if stored else "No"


class ChoiceKind(Kind):
    name, fhir_type, fhir_value = "choice", "choice", "valueCoding"
    input_attrs: ClassVar[dict[str, str]] = {}

    def from_json(self, q: Question, value: Any) -> str:
        allowed = [c for c, _ in q.choices]
        if value not in allowed:
            raise Refusal(f"must be one of {', '.join(allowed)}, not {short(value)}",
                          f"Select {q.noun}")
        return str(value)

    def from_text(self, q: Question, text: str) -> str:
        return self.from_json(q, text)

    def display(self, q: Question, stored: Any) -> str:
        return q.choice_label(stored)


