"""The wizard's step forms, built from the policy's question list.

Labels, choices, ranges, nouns, examples and "asked when" conditions come from
`policy.QUESTIONS` (questions.py), so nothing is written twice; the fields that
read each kind of answer are in fields.py. Forms check input only (type, range,
format): a coverage criterion is never a form error, because an applicant who
fails one must still be able to submit and get a reasoned answer.

A question asked on an earlier answer of the same step is shown and hidden by
static/js/app.js; the server enforces it either way: when its condition does
not hold it is not required and its answer is dropped.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.utils.html import format_html

from authorizations import policy
from authorizations.core import deadlines
from authorizations.core.forms import AccessibleForm
from authorizations.policy import AAV5_TITER_LIMIT, QUESTION_BY_KEY, kinds
from authorizations.requests.wizard.factor_ix import (
    FIX_UNIT_IU_ML,
    FIX_UNIT_PERCENT,
    FIX_UNITS,
    FactorIXUnit,
)
from authorizations.requests.wizard.fields import (
    NO,
    YES,
    YES_NO_CHOICES,
    _to_bool,
    field_for,
    raw_condition_values,
    raw_value,
)

__all__ = ["FIX_UNITS", "FIX_UNIT_IU_ML", "FIX_UNIT_PERCENT", "NO", "YES", "REVIEW", "STEPS",
           "DiscardForm", "StepForm", "raw_value"]

class _Reveal:
    """A conditional group being laid out (its members grow until it closes).
    A group may hold another: a question asked on an answer inside the group
    (the AAV5 titer, asked when the result is detected) is hidden with it."""

    def __init__(self, members: list, box_id: str, trigger: str, values: list[str],
                 key: tuple[str, tuple[str, ...]], names: set[str]):
        self.members, self.box_id, self.trigger, self.values = members, box_id, trigger, values
        self.key, self.names = key, names

    def div(self) -> Div:
        members = [m.div() if isinstance(m, _Reveal) else m for m in self.members]
        return Div(*members, css_id=self.box_id, css_class="conditional-reveal",
                   data_asked_when=self.trigger, data_asked_values=json.dumps(self.values))


def _lab(value: Any) -> Any:
    """A lab value field gives (LabValue, unit factor); the answer is the LabValue."""
    return value[0] if isinstance(value, tuple) else value


class StepForm(AccessibleForm):
    """One wizard step: the policy questions `keys`, in that order."""

    step: str = ""
    title: str = ""
    intro: str = ""  # shown above the questions
    keys: tuple[str, ...] = ()
    # Extra form-only fields that travel with a question, e.g. the unit of a value.
    companions: dict[str, tuple[str, ...]] = {}
    # Form-only conditional fields: dependent -> (trigger, posted values that ask
    # it, when it is asked in words).
    extra_conditions: dict[str, tuple[str, tuple[str, ...], str]] = {}

    # Errors, not the browser's own bubbles, explain what to fix; a hidden
    # required input would also block the browser from submitting.
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_fields()

    @cached_property
    def helper(self) -> FormHelper:
        """crispy's layout, built when the form is first rendered: a submission
        validates every step's form again and renders none of them."""
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*self._layout())
        return helper

    def _add_fields(self) -> None:
        for key in self.keys:
            self.fields[key] = field_for(QUESTION_BY_KEY[key])

    def conditions(self) -> dict[str, tuple[str, list[str], str]]:
        """dependent field -> (trigger field, posted values asking it, when in
        words), for questions whose trigger is on this same step."""
        out: dict[str, tuple[str, list[str], str]] = {}
        for key in self.keys:
            q = QUESTION_BY_KEY[key]
            if q.asked_when and q.asked_when.key in self.fields:
                out[key] = (q.asked_when.key, raw_condition_values(q), q.asked_when.description)
        for key, (trigger, values, description) in self.extra_conditions.items():
            out[key] = (trigger, list(values), description)
        return out

    def _layout(self) -> list:
        """Questions in order; consecutive questions asked on the same answer
        are revealed together, under one "Only if ..." caption; a question
        asked on an answer inside an open group opens a group within it."""
        conditions = self.conditions()
        controls: dict[str, list[str]] = {}
        items: list = []
        open_groups: list[_Reveal] = []  # outermost first
        for name in self.fields:
            if any(name in group for group in self.companions.values()):
                continue  # laid out with its question
            names = (name, *self.companions.get(name, ()))
            item = names[0] if len(names) == 1 else Div(*names)
            if name not in conditions:
                items.append(item)
                open_groups = []
                continue
            trigger, values, description = conditions[name]
            key = (trigger, tuple(values))
            while open_groups and open_groups[-1].key != key \
                    and trigger not in open_groups[-1].names:
                open_groups.pop()
            if open_groups and open_groups[-1].key == key:
                open_groups[-1].members.append(item)
                open_groups[-1].names.add(name)
                continue
            box_id = f"reveal-{name}"
            controls.setdefault(trigger, []).append(box_id)
            # Says when to answer, for a page shown without the script.
            hint = HTML(format_html('<p class="conditional-reveal__hint">Only if {}.</p>',
                                    description))
            group = _Reveal([hint, item], box_id, self.add_prefix(trigger), values, key, {name})
            (open_groups[-1].members if open_groups else items).append(group)
            open_groups.append(group)
        for trigger, box_ids in controls.items():
            # Tells assistive technology which questions this answer reveals.
            self.fields[trigger].widget.attrs["aria-controls"] = " ".join(box_ids)
        return [item.div() if isinstance(item, _Reveal) else item for item in items]

    def _asked(self, name: str, cleaned: dict[str, Any]) -> bool | None:
        """Whether a conditional field is asked; None when its trigger is in error."""
        trigger, values, _ = self.conditions()[name]
        if trigger in self.errors:
            return None
        if trigger in QUESTION_BY_KEY and name in QUESTION_BY_KEY:
            return QUESTION_BY_KEY[name].asked_when.holds(cleaned)
        return self.data.get(self.add_prefix(trigger)) in values

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in self.conditions():
            if not self._asked(name, cleaned):
                # Not asked (or not yet decidable): not required, answer dropped.
                for dropped in (name, *self.companions.get(name, ())):
                    self._errors.pop(dropped, None)
                    cleaned[dropped] = None
        return cleaned

    def answers(self) -> dict[str, Any]:
        """This step's answers as JSON values, only the questions asked."""
        asked = {k: _lab(self.cleaned_data.get(k)) for k in self.keys
                 if k not in self.conditions() or self._asked(k, self.cleaned_data)}
        return policy.to_json(asked)

    @classmethod
    def raw_data(cls, answers: dict[str, Any]) -> dict[str, str]:
        """The unprefixed POST data that would give these stored answers; empty
        when none of this step's questions has been answered yet."""
        return {k: raw_value(QUESTION_BY_KEY[k], answers[k]) for k in cls.keys if k in answers}





def _step(name: str, **attrs) -> type[StepForm]:
    """A step's form: the typed questions of the policy's step `name`."""
    base = attrs.pop("base", StepForm)
    return type(f"{name.title().replace('_', '')}Form", (base,), {
        "step": name, "title": policy.STEP_TITLES[name],
        "keys": policy.step_keys(name, typed_only=True), **attrs})


class DiagnosisBase(FactorIXUnit, StepForm):
    """Factor IX activity with the unit the prescriber chooses (factor_ix.py)."""


class PatientBase(StepForm):
    """The weight's date is on the date of birth's step: checked against it
    here, as the engine checks every test date."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        born = cleaned.get("date_of_birth")
        for key in self.keys:
            q, tested = QUESTION_BY_KEY[key], cleaned.get(key)
            if q.kind == kinds.TestDateKind.name and born and tested and \
                    (refusal := kinds.TestDateKind.born_before(q, tested, born)):
                self.add_error(key, refusal.for_person)
        return cleaned


class Aav5Base(StepForm):
    # The result is its own question (data dictionary version 3): a titer is
    # asked only when antibodies were detected, and no answer is never "not
    # detected".
    intro = (f"In the pivotal trial (HOPE-B) patients with titers up to 1:{AAV5_TITER_LIMIT} "
             "still expressed factor IX; the one patient at 1:3212 had none. A titer above "
             f"1:{AAV5_TITER_LIMIT} is therefore reviewed by a clinician (source: Hemgenix "
             "EU label and the policy's clinical evidence).")


class AttestationsBase(StepForm):
    intro = ("Tick each statement that is true. The last two are for quality purposes only: "
             "they do not affect the coverage decision.")


class ReviewForm(StepForm):
    """Not policy answers: whether the clinical review, if any, is urgent. Asked
    only when the request will go to a reviewer (`needs_review`)."""

    step = "review"
    title = "Check your answers and submit"
    extra_conditions = {"expedited_reason": ("expedited", (YES,),
                                             "you ask for an expedited review")}

    def __init__(self, *args, needs_review: bool = True, **kwargs):
        self.needs_review = needs_review
        super().__init__(*args, **kwargs)

    def _add_fields(self) -> None:
        if not self.needs_review:
            return
        self.fields["expedited"] = forms.TypedChoiceField(
            label=f"Does this request need an expedited "
                  f"({deadlines.EXPEDITED_TURNAROUND_ADJECTIVE}) review?",
            help_text=f"Ask for it when waiting the standard {deadlines.STANDARD_TURNAROUND_WORDS} "
                      "could seriously jeopardize the patient's life, health or ability to regain "
                      "maximum function.",
            choices=YES_NO_CHOICES, coerce=_to_bool, empty_value=None, widget=forms.RadioSelect,
            error_messages={"required": "Select Yes or No for an expedited review"})
        self.fields["expedited_reason"] = forms.CharField(
            label="Why is an expedited review needed?", widget=forms.Textarea(attrs={"rows": 3}),
            max_length=2000, error_messages={
                "required": "Enter why an expedited review is needed",
                "max_length": "The reason for an expedited review must be 2000 characters or "
                              "fewer"})

    def answers(self) -> dict[str, Any]:
        """The request's `expedited` and `expedited_reason` (not policy answers)."""
        return {"expedited": bool(self.cleaned_data.get("expedited")),
                "expedited_reason": self.cleaned_data.get("expedited_reason") or ""}


REVIEW = "review"

# The wizard's steps, in order; a step's name is its form's prefix. The
# prescriber and HTC are facts from the profile and the directory, shown on
# the review, never asked.
STEPS: tuple[tuple[str, type[StepForm]], ...] = (
    ("patient", _step("patient", base=PatientBase)),
    ("diagnosis", _step("diagnosis", base=DiagnosisBase)),
    ("bleeding", _step("bleeding")),
    ("prophylaxis", _step("prophylaxis")),
    ("inhibitors", _step("inhibitors")),
    ("aav5", _step("aav5", base=Aav5Base)),
    ("liver", _step("liver")),
    ("viral", _step("viral")),
    ("gene_therapy", _step("gene_therapy")),
    ("dosing", _step("dosing")),
    ("administration", _step("administration")),
    ("attestations", _step("attestations", base=AttestationsBase)),
    (REVIEW, ReviewForm),
)
STEP_FORMS: dict[str, type[StepForm]] = dict(STEPS)


class DiscardForm(forms.Form):
    """A POST with a CSRF token is the confirmation; no fields."""
