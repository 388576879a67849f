"""Numbers: decimals (exact, never a float), numbers in powers of ten, whole
numbers, titers, and lab values ("<N" for a result below N) with the units a
lab may write after them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from authorizations.policy import values
from authorizations.policy.kinds.base import (
    FREE_TEXT_INPUT,
    MAX_TYPED,
    Kind,
    Refusal,
    capital,
    short,
)
from authorizations.policy.values import LabValue, ValueProblem

if TYPE_CHECKING:  # questions.py imports the kinds: only types here
    from authorizations.policy.kinds.base import Limits
    from authorizations.policy.questions import Question


def _shown(number: Decimal | int) -> str:
    number = Decimal(number)
    return values.scientific(number) if abs(number) >= 10**9 else values.plain(number)


def range_sentence(q: Question) -> str:
    """The form's sentence for a number out of range: both bounds at once."""
    low = "more than" if q.minimum_exclusive else "at least"
    high = "less than" if q.maximum_exclusive else "at most"
    assert q.minimum is not None and q.maximum is not None  # every number question has both
    return f"{capital(q.noun)} must be {low} {_shown(q.minimum)} and {high} {_shown(q.maximum)}"


def check_range(q: Question, number: Decimal | int) -> None:
    low, high = q.minimum, q.maximum
    problem = ""
    if low is not None and (number <= low if q.minimum_exclusive else number < low):
        problem = f"must be {'more than' if q.minimum_exclusive else 'at least'} " \
                  f"{values.plain(Decimal(low))}"
    elif high is not None and (number >= high if q.maximum_exclusive else number > high):
        problem = f"must be {'less than' if q.maximum_exclusive else 'at most'} " \
                  f"{values.plain(Decimal(high))}"
    if problem:
        raise Refusal(problem, range_sentence(q), code="range")


class DecimalKind(Kind):
    """An exact decimal, never a float (values.parse_decimal bounds its text)."""

    name, fhir_type, fhir_value = "decimal", "decimal", "valueDecimal"
    input_attrs = {"inputmode": "decimal", "autocomplete": "off"}
    described = "a number"

    def _invalid(self, q: Question, message: str) -> Refusal:
        return Refusal(message, f"Enter {q.noun} as {self.described}, for example {q.example}")

    def _out_of_range(self, q: Question, message: str) -> Refusal:
        return Refusal(message, range_sentence(q), code="range")

    def from_json(self, q: Question, value: Any) -> Decimal | int:
        try:
            number = values.number_from_json(value)
        except ValueProblem as exc:
            if "range" in str(exc):
                raise self._out_of_range(q, str(exc)) from None
            message = f"must be a number, not {short(value)}" \
                if str(exc) == "must be a number" else str(exc)
            raise self._invalid(q, message) from None
        return self._typed(q, number, value)

    def from_text(self, q: Question, text: str) -> Decimal | int:
        try:
            number = values.parse_decimal(text[:MAX_TYPED])
        except ValueProblem as exc:
            if "range" in str(exc):
                raise self._out_of_range(q, str(exc)) from None
            raise self._invalid(q, f"must be a number, not {short(text)}") from None
        return self._typed(q, number, text)

    def _typed(self, q: Question, number: Decimal, given: Any) -> Decimal | int:
        return number

    def check(self, q: Question, typed: Any, limits: Limits) -> None:
        check_range(q, typed)

    def to_text(self, q: Question, stored: Any) -> str:
        return values.plain(values.number_from_json(stored))

    def display(self, q: Question, stored: Any) -> str:
        return f"{self.to_text(q, stored)} {q.unit}".strip()


class ScientificKind(DecimalKind):
    """A decimal written in powers of ten (the dose: "2 x 10^13", "2e13")."""

    name = "scientific"
    input_attrs = FREE_TEXT_INPUT

    def to_text(self, q: Question, stored: Any) -> str:
        return values.scientific(values.number_from_json(stored))


class IntegerKind(DecimalKind):
    name, fhir_type, fhir_value = "integer", "integer", "valueInteger"
    input_attrs = {"inputmode": "numeric", "autocomplete": "off"}
    described = "a whole number"

    def _typed(self, q: Question, number: Decimal, given: Any) -> int:
        if number != number.to_integral_value():
            raise self._invalid(q, f"must be a whole number, not {short(given)}")
        return int(number)


class TiterKind(IntegerKind):
    """A reciprocal titer: 678 means 1:678, as the report writes it."""

    name = "titer"
    input_attrs = FREE_TEXT_INPUT
    _RATIO = re.compile(r"^\s*1\s*:\s*")

    def from_text(self, q: Question, text: str) -> int:
        return int(super().from_text(q, self._RATIO.sub("", text[:MAX_TYPED])))

    def display(self, q: Question, stored: Any) -> str:
        return f"1:{stored}"


# A unit a lab value may carry in its text, per question, with its factor to
# the question's own unit. 1% of normal is 0.01 IU/mL (data dictionary 1).
PERCENT_PER_IU_ML = Decimal(100)
TEXT_UNITS: dict[str, dict[str, Decimal]] = {
    "fix_activity_percent": {"%": Decimal(1), "iu/ml": PERCENT_PER_IU_ML},
    "inhibitor_screen_bu": {"bu": Decimal(1), "bu/ml": Decimal(1)},
    "hiv_viral_load_copies_ml": {"copies/ml": Decimal(1)},
}
_UNIT_SUFFIX = re.compile(r"\s*(%|iu/ml|bu/ml|bu|copies/ml)\s*$", re.IGNORECASE)
# A lab's "negative" screen, kept only with its cut-off: "negative (<0.5)" is "<0.5".
_NEGATIVE = re.compile(r"^\s*neg(?:ative)?\b[\s,:;(]*(.*?)\)?\s*$", re.IGNORECASE)
_BELOW = re.compile(r"^\s*<\s*(.*)$")


class LabValueKind(Kind):
    """A number, or "<N" (N above 0) for a result the lab reports only as below
    N; its range is checked on N. JSON: a number or the string "<N"."""

    name, fhir_type, fhir_value = "lab_value", "quantity", "valueQuantity"

    def from_json(self, q: Question, value: Any) -> LabValue:
        try:
            lab = values.parse_lab_value(value)
        except ValueProblem as exc:
            code = "range" if "range" in str(exc) else "invalid"
            raise Refusal(str(exc), range_sentence(q) if code == "range" else
                          f"Enter {q.noun} as a number, for example {q.example}",
                          code=code) from None
        return lab

    def split_unit(self, q: Question, text: str) -> tuple[str, Decimal | None]:
        """The text without a unit typed after the number, and that unit's
        factor to the question's unit (None when no unit was typed)."""
        match = _UNIT_SUFFIX.search(text)
        if not match:
            return text, None
        factor = TEXT_UNITS.get(q.key, {}).get(match[1].lower())
        if factor is None:
            raise Refusal(f"unit {match[1]} is not this question's",
                          f"Enter {q.noun} as a number, for example {q.example}", code="unit")
        return text[:match.start()], factor

    def as_typed(self, q: Question, text: str) -> tuple[LabValue, Decimal | None]:
        """The value in the unit typed, and that unit's factor (None: no unit typed)."""
        text = text.strip()[:MAX_TYPED]
        if q.key == "inhibitor_screen_bu" and (match := _NEGATIVE.match(text)):
            text = match[1].strip()
            if not text.startswith("<"):
                raise Refusal('must be a number or "<N" for a result below N',
                              f"A negative result needs the lab's cut-off: enter {q.noun} as "
                              "<0.5 when the lab reports negative below 0.5", code="negative")
        text, factor = self.split_unit(q, text)
        below = _BELOW.match(text)
        number = DecimalKind().from_text(q, below[1] if below else text)
        if below and number <= 0:
            raise Refusal('"<N" needs N above 0',
                          f"Enter {q.noun} below a number above 0, for example <1")
        return LabValue(Decimal(number), below=bool(below)), factor

    def from_text(self, q: Question, text: str) -> LabValue:
        lab, factor = self.as_typed(q, text)
        return convert(lab, factor)

    def check(self, q: Question, typed: Any, limits: Limits) -> None:
        check_range(q, typed.value)

    def to_json(self, typed: Any) -> Any:
        return typed.to_json()

    def to_text(self, q: Question, stored: Any) -> str:
        return stored if isinstance(stored, str) else values.plain(values.number_from_json(stored))

    def display(self, q: Question, stored: Any) -> str:
        text = str(stored) if isinstance(stored, (str, LabValue)) else \
            values.plain(values.number_from_json(stored))
        if text.startswith("<"):
            text = f"< {text[1:]}"
        return f"{text}{q.unit}" if q.unit == "%" else f"{text} {q.unit}".strip()


def convert(lab: LabValue, factor: Decimal | None) -> LabValue:
    """A lab value in another unit (factor None or 1: unchanged); exact."""
    if factor is None or factor == 1:
        return lab
    return LabValue((lab.value * factor).normalize(), below=lab.below)




# Factor IX activity, % of normal, as a lab reports it for hemophilia B: 0, or
# from 0.5 (below that, assays report "<1" or "<0.5", not a number) to 40 (the
# top of mild). Used only to ask the prescriber to confirm a unit (the wizard),
# never to change a value or a verdict.
FACTOR_IX_REPORTED_PERCENT = (Decimal("0.5"), Decimal(40))


def _reported(percent: Decimal) -> bool:
    low, high = FACTOR_IX_REPORTED_PERCENT
    return percent == 0 or low <= percent <= high


def fits_only_the_other_unit(number: Decimal, factor: Decimal) -> bool:
    """Whether a factor IX activity typed as `number` in the unit whose factor
    to % is `factor` (1 for %, 100 for IU/mL) reads as a reported value only in
    the other unit: 0.01 under % (1% as IU/mL), 1 under IU/mL (1% as %)."""
    other = Decimal(1) if factor != 1 else PERCENT_PER_IU_ML
    return not _reported(number * factor) and _reported(number * other)
