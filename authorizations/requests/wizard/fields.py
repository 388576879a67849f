"""Form fields for the policy's questions. Each field reads what is typed
through its question's answer kind (policy/kinds/): the same parser and the
same limits as the engine, plus the ways people write a value ("< 1 %",
"0.005 IU/mL", "1:678", "2 x 10^13", 10/20/2026, "Oct 20, 2026"). Every error
names the question (its noun) and gives an example, both from questions.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from authorizations.core import zones
from authorizations.policy import QUESTION_BY_KEY, Question, kinds
from authorizations.policy.kinds import NO, YES, capital
from authorizations.policy.values import LabValue

__all__ = ["NO", "YES", "YES_NO_CHOICES", "CONVERTED_BY_THE_FORM", "DayField", "KindField",
           "LabValueField", "NPIField", "NumberField", "QuestionField", "TiterField",
           "capital", "check_range", "field_for", "raw_condition_values", "raw_value"]

YES_NO_CHOICES = ((YES, "Yes"), (NO, "No"))
# Lab values whose unit the form asks for (DiagnosisBase): their range is
# checked once converted to the question's unit, every other one in the field.
CONVERTED_BY_THE_FORM = ("fix_activity_percent",)


def _invalid(refusal: kinds.Refusal) -> forms.ValidationError:
    return forms.ValidationError(refusal.for_person, code=refusal.code)


def check_range(q: Question, number: Decimal | int) -> None:
    """The engine's own range check: the form refuses exactly what it refuses."""
    try:
        kinds.check_range(q, number)
    except kinds.Refusal as exc:
        raise _invalid(exc) from None


def limits() -> kinds.Limits:
    """Today in the service's zone: the evaluation date of a request submitted
    now (the engine checks the dates again on the day it is submitted)."""
    return kinds.Limits(as_of=zones.today())


class KindField(forms.CharField):
    """A text input for one policy question, read and checked by its kind.
    Never type=number, which mangles decimals and scrolls values away; the
    input's attributes come from the kind (a phone keyboard with "<", ":", "/"
    and "x" where a value needs them)."""

    def __init__(self, question: Question, **kwargs: Any):
        self.question = question
        self.kind = kinds.of(question)
        kwargs.setdefault("widget", forms.TextInput(attrs=dict(self.kind.input_attrs)))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return self.kind.read_text(self.question, value, limits())
        except kinds.Refusal as exc:
            raise _invalid(exc) from None


# The names the treatment forms use for the same field.
QuestionField = NumberField = TiterField = DayField = NPIField = KindField


class LabValueField(KindField):
    """A lab value as typed, with the unit typed after it, if any: returns
    (LabValue in the unit typed, that unit's factor to the question's unit or
    None). The form converts (kinds.convert); a question the form converts is
    range-checked by the form, once converted, every other one here."""

    def to_python(self, value: Any) -> tuple[LabValue, Decimal | None] | None:
        value = forms.CharField.to_python(self, value)
        if value in self.empty_values:
            return None
        q = self.question
        try:
            lab, factor = kinds.LabValueKind().as_typed(q, value)
            if q.key not in CONVERTED_BY_THE_FORM:
                self.kind.check(q, kinds.convert(lab, factor), limits())
        except kinds.Refusal as exc:
            raise _invalid(exc) from None
        return lab, factor


def _to_bool(value: str) -> bool:
    return value == YES


def field_for(q: Question) -> forms.Field:
    """A form field for a policy question: its label, help text, choices, range."""
    kind = kinds.of(q)
    common: dict[str, Any] = {"label": q.label, "help_text": q.help_text,
                              "error_messages": {"required": f"Enter {q.noun}"}}
    if isinstance(kind, kinds.BoolKind) and kind.ticked(q):
        # A statement the prescriber ticks; not ticked is a plain "no".
        return forms.BooleanField(required=False, label=q.label, help_text=q.help_text)
    if isinstance(kind, kinds.BoolKind):
        common["error_messages"] = {"required": f"Select Yes or No for {q.noun}"}
        return forms.TypedChoiceField(choices=YES_NO_CHOICES, coerce=_to_bool, empty_value=None,
                                      widget=forms.RadioSelect, **common)
    if isinstance(kind, kinds.ChoiceKind):
        common["error_messages"] = {"required": f"Select {q.noun}"}
        return forms.ChoiceField(choices=q.choices, widget=forms.RadioSelect, **common)
    if isinstance(kind, kinds.DateKind):
        # The accepted forms show before any error is made.
        common["help_text"] = f"{q.help_text} {kinds.format_hint(q)}".strip()
    if isinstance(kind, kinds.LabValueKind) and q.key in CONVERTED_BY_THE_FORM:
        return LabValueField(q, **common)
    if isinstance(kind, kinds.TextKind):
        common["error_messages"]["max_length"] = \
            f"{capital(q.noun)} must be {kind.max_length(q)} characters or fewer"
        return KindField(q, max_length=kind.max_length(q), **common)
    return KindField(q, required=not q.nullable, **common)


def raw_value(q: Question, value: Any) -> str:
    """What the form would post for a stored (JSON) answer: used to show a
    saved draft's answers in its forms."""
    if value is None:
        return ""
    return kinds.of(q).to_text(q, value)


def raw_condition_values(q: Question) -> list[str]:
    """The posted values for which a conditional question is asked (for the script)."""
    assert q.asked_when is not None
    return [raw_value(QUESTION_BY_KEY[q.asked_when.key], v) for v in q.asked_when.values]
