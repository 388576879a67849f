"""Form fields for the policy's questions, reading input the way clinicians
write it: "0.5", "<1", "< 1 %", "0.005 IU/mL", "1:678", "2 x 10^13", dates as
04/12/1985 or 1985-04-12. Parsing and formatting come from policy.values, so
the form, the engine and the letters read a value the same way. Every error
names the question (its noun) and gives an example, both from questions.py.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from authorizations.core import zones
from authorizations.policy import QUESTION_BY_KEY, Question, values
from authorizations.policy.values import LabValue, ValueProblem

YES, NO = "yes", "no"
YES_NO_CHOICES = ((YES, "Yes"), (NO, "No"))
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Units a lab value may carry in its text, per question; the factor converts
# to the question's own unit (1% of normal is 0.01 IU/mL).
UNIT_FACTORS = {
    "fix_activity_percent": {"%": Decimal(1), "iu/ml": Decimal(100)},
    "inhibitor_screen_bu": {"bu": Decimal(1), "bu/ml": Decimal(1)},
    "hiv_viral_load_copies_ml": {"copies/ml": Decimal(1)},
}
# Lab values whose unit the form may convert: their range is checked after
# the conversion (DiagnosisBase.clean), every other lab value's here.
CONVERTED_BY_THE_FORM = ("fix_activity_percent",)
_UNIT_SUFFIX = re.compile(r"\s*(%|iu/ml|bu/ml|bu|copies/ml)\s*$", re.IGNORECASE)
# A lab's "negative" screen, kept only with its cut-off: "negative (<0.5)" is "<0.5".
_NEGATIVE = re.compile(r"^\s*neg(?:ative)?\b[\s,:;(]*(.*?)\)?\s*$", re.IGNORECASE)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def range_message(q: Question) -> str:
    low = "more than" if q.minimum_exclusive else "at least"
    high = "less than" if q.maximum_exclusive else "at most"
    return f"{capital(q.noun)} must be {low} {_shown(q.minimum)} and {high} {_shown(q.maximum)}"


def _shown(number: Decimal | int) -> str:
    number = Decimal(number)
    return values.scientific(number) if abs(number) >= 10**9 else values.plain(number)


def check_range(q: Question, number: Decimal | int) -> None:
    # The engine's own range check (Question.range_problem): the form refuses
    # exactly what the engine refuses.
    if q.range_problem(number):
        raise forms.ValidationError(range_message(q), code="range")


def parse_number(q: Question, raw: str) -> Decimal | int:
    """The typed number for `raw`, or a ValidationError that says how to fix it."""
    whole = q.kind in ("integer", "titer")
    kind = "a whole number" if whole else "a number"
    try:
        number = values.parse_decimal(raw[:200])
    except ValueProblem as exc:
        if "range" in str(exc):
            raise forms.ValidationError(range_message(q), code="range") from None
        raise forms.ValidationError(f"Enter {q.noun} as {kind}, for example {q.example}",
                                    code="invalid") from None
    if whole:
        if number != number.to_integral_value():
            raise forms.ValidationError(f"Enter {q.noun} as {kind}, for example {q.example}",
                                        code="invalid")
        return int(number)
    return number


class NumberField(forms.CharField):
    """A decimal or whole number with the question's range. A text input (not
    type=number, which mangles decimals and scrolls away values)."""

    def __init__(self, question: Question, **kwargs):
        self.question = question
        mode = "numeric" if question.kind == "integer" else "decimal"
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": mode,
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | int | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = parse_number(self.question, value)
        check_range(self.question, number)
        return number


class LabValueField(NumberField):
    """A lab value: a number, or "<N" for a result the lab reports only as
    below N, with an optional unit in the text ("< 1 %", "0.005 IU/mL").
    Returns (LabValue, unit factor or None when no unit was typed); the form
    converts and range-checks in the question's unit."""

    def to_python(self, value: Any):
        value = forms.CharField.to_python(self, value)
        if value in self.empty_values:
            return None
        q = self.question
        text = value.strip()[:200]
        factor = None
        if q.key == "inhibitor_screen_bu" and (match := _NEGATIVE.match(text)):
            text = match[1].strip()
            if not text.startswith("<"):
                raise forms.ValidationError(
                    f"A negative result needs the lab's cut-off: enter {q.noun} as <0.5 when "
                    "the lab reports negative below 0.5", code="negative")
        if match := _UNIT_SUFFIX.search(text):
            factor = UNIT_FACTORS.get(q.key, {}).get(match[1].lower())
            if factor is None:
                raise forms.ValidationError(f"Enter {q.noun} as a number, for example "
                                            f"{q.example}", code="unit")
            text = text[:match.start()]
        text = text.strip()
        below = text.startswith("<")
        number = parse_number(q, text[1:].strip() if below else text)
        if below and number <= 0:
            raise forms.ValidationError(f"Enter {q.noun} below a number above 0, for example "
                                        "<1", code="invalid")
        if q.key not in CONVERTED_BY_THE_FORM:
            check_range(q, number)
        return LabValue(Decimal(number), below=below), factor


class TiterField(NumberField):
    """A reciprocal titer as written on the report: "1:678" or "678"."""

    def to_python(self, value: Any) -> int | None:
        text = forms.CharField.to_python(self, value)
        if text in self.empty_values:
            return None
        text = re.sub(r"^\s*1\s*:\s*", "", text)
        number = parse_number(self.question, text)
        check_range(self.question, number)
        return number


class QuestionField(forms.CharField):
    """A text input for one policy question, typed with digits."""

    def __init__(self, question: Question, **kwargs):
        self.question = question
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off",
                                                           "inputmode": "numeric"}))
        super().__init__(**kwargs)


class DayField(QuestionField):
    """A date typed as MM/DD/YYYY or YYYY-MM-DD. Birth and test dates may not
    be in the future; a planned date may not be in the past. Today is the
    evaluation date of a request submitted now (the engine checks both again
    on the day it is submitted)."""

    def to_python(self, value: Any) -> date | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        q, text = self.question, value.strip()[:40]
        try:
            if match := US_DATE.match(text):
                month, day, year = (int(g) for g in match.groups())
                parsed = date(year, month, day)
            else:
                parsed = date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(f"Enter {q.noun} as a real date, for example "
                                        f"{q.example}", code="invalid") from None
        if parsed.year < 1900:
            raise forms.ValidationError(f"{capital(q.noun)} must be 1900 or later", code="range")
        if q.kind in ("birth_date", "test_date") and parsed > zones.today():
            raise forms.ValidationError(f"{capital(q.noun)} must be today or in the past",
                                        code="range")
        if q.kind == "date" and parsed < zones.today():
            raise forms.ValidationError(f"{capital(q.noun)} must be today or later",
                                        code="range")
        return parsed


class NPIField(QuestionField):
    """A 10-digit NPI with its check digit."""

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        npi = re.sub(r"[\s-]", "", value)[:40]
        if not values.npi_is_valid(npi):
            raise forms.ValidationError(
                f"Enter {self.question.noun} as the facility's 10-digit NPI, for example "
                f"{self.question.example}: this one is not a valid NPI (its check digit does "
                "not match)", code="invalid")
        return npi


def _to_bool(value: str) -> bool:
    return value == YES


def field_for(q: Question) -> forms.Field:
    """A form field for a policy question: its label, help text, choices, range."""
    common = {"label": q.label, "help_text": q.help_text,
              "error_messages": {"required": f"Enter {q.noun}"}}
    if q.kind == "bool" and q.step == "attestations":
        # A statement the prescriber ticks; not ticked is a plain "no".
        return forms.BooleanField(required=False, label=q.label, help_text=q.help_text)
    if q.kind == "bool":
        common["error_messages"] = {"required": f"Select Yes or No for {q.noun}"}
        return forms.TypedChoiceField(choices=YES_NO_CHOICES, coerce=_to_bool, empty_value=None,
                                      widget=forms.RadioSelect, **common)
    if q.kind == "choice":
        common["error_messages"] = {"required": f"Select {q.noun}"}
        return forms.ChoiceField(choices=q.choices, widget=forms.RadioSelect, **common)
    if q.kind == "lab_value":
        return LabValueField(q, **common)
    if q.kind == "titer":
        return TiterField(q, required=not q.nullable, **common)
    if q.kind in ("decimal", "integer"):
        return NumberField(q, required=not q.nullable, **common)
    if q.kind in ("birth_date", "test_date", "date"):
        common["help_text"] = q.help_text or f"For example, {q.example} or ISO 1985-04-12"
        return DayField(q, required=not q.nullable, **common)
    if q.kind == "npi":
        return NPIField(q, **common)
    common["error_messages"]["max_length"] = \
        f"{capital(q.noun)} must be {q.max_length} characters or fewer"
    field = forms.CharField(max_length=q.max_length,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}), **common)
    if q.kind == "member_id":
        field.validators.append(_member_id_validator(q))
    return field


def _member_id_validator(q: Question):
    def validate(value: str) -> None:
        if not re.fullmatch(r"[A-Za-z0-9 -]{1,40}", value) or not values.member_key(value):
            raise forms.ValidationError(f"Enter {q.noun} using only letters, digits, dashes and "
                                        f"spaces, for example {q.example}", code="invalid")
    return validate


def raw_value(q: Question, value: Any) -> str:
    """What the form would post for a stored (JSON) answer: used to show a
    saved draft's answers in its forms."""
    if value is None:
        return ""
    if q.kind == "bool":
        if q.step == "attestations":
            return "on" if value else ""
        return YES if value else NO
    if q.key == "dose_gc_per_kg":
        return values.scientific(values.number_from_json(value))
    if q.kind == "lab_value" and isinstance(value, str):
        return value
    if q.kind in ("decimal", "integer", "titer", "lab_value"):
        return values.plain(values.number_from_json(value))
    if q.kind in ("birth_date", "test_date", "date"):
        day = date.fromisoformat(value)
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    return str(value)


def raw_condition_values(q: Question) -> list[str]:
    """The posted values for which a conditional question is asked (for the script)."""
    return [raw_value(QUESTION_BY_KEY[q.asked_when.key], v) for v in q.asked_when.values]
