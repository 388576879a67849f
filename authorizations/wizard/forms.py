"""The wizard's step forms, built from the policy's question list.

Labels, choices, ranges and "asked when" conditions come from
`policy.QUESTIONS`, so nothing is written twice. Forms check input only (type,
range, format): a coverage criterion is never a form error, because an
applicant who fails one must still be able to submit and get a reasoned answer.

A question asked on an earlier answer of the same step is shown and hidden by
static/js/wizard.js; the server enforces it either way: when its condition does
not hold it is not required and its answer is dropped.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout
from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.html import format_html

from .. import policy
from ..policy import QUESTION_BY_KEY, Question

YES, NO = "yes", "no"
YES_NO_CHOICES = ((YES, "Yes"), (NO, "No"))

# How errors name each question ("Enter <noun>", "Select <noun>"). Error
# messages are UI copy; the questions themselves come from the policy.
NOUNS: dict[str, str] = {
    "patient_first_name": "the patient's first name",
    "patient_last_name": "the patient's last name",
    "member_id": "the member ID",
    "date_of_birth": "the date of birth",
    "weight_kg": "the body weight in kg",
    "diagnosis": "the diagnosis",
    "severity": "the severity of hemophilia B",
    "fix_activity_percent": "factor IX activity",
    "life_threatening_hemorrhage": "a life-threatening hemorrhage",
    "repeated_serious_spontaneous_bleeding": "repeated, serious spontaneous bleeding",
    "current_prophylaxis": "the current routine prophylaxis",
    "non_factor_agent": "the non-factor replacement therapy",
    "fix_exposure_days": "the exposure days to a factor IX agent",
    "htc_candidate_determination": "the HTC's candidate determination",
    "continue_prophylaxis_after_treatment": "continuing prophylaxis after Hemgenix",
    "inhibitor_history": "a history of factor IX inhibitors",
    "inhibitor_screen_bu": "the latest inhibitor screen in Bethesda units",
    "immune_tolerance_induction": "Immune Tolerance Induction",
    "aav5_nab_evaluated": "the AAV5 antibody evaluation",
    "aav5_nab_csl_test": "the CSL Behring AAV5 antibody test",
    "aav5_nab_titer": "the AAV5 antibody titer",
    "aav5_nab_high_titer": "a high AAV5 antibody titer",
    "liver_enzymes_tested": "the liver enzyme tests",
    "liver_imaging": "the hepatic imaging performed",
    "liver_abnormality_found": "a liver abnormality",
    "hiv_status": "the HIV status",
    "hiv_on_antiretroviral_therapy": "antiretroviral therapy",
    "hiv_viral_load_copies_ml": "the HIV viral load in copies/mL",
    "hbsag": "the HBsAg result",
    "hcv_antibody": "the HCV antibody result",
    "hcv_rna": "the HCV RNA result",
    "hepatitis_antiviral_therapy": "antiviral therapy for hepatitis B or C",
    "prior_gene_therapy": "a prior gene therapy",
    "prescriber_bleeding_disorder_specialist": "whether you are a bleeding disorder specialist",
    "dose_gc_per_kg": "the prescribed dose in genome copies per kg",
    "attest_monitoring": "the monitoring attestation",
    "attest_alcohol_counseling": "the alcohol counseling attestation",
    "planned_inpatient_admission": "a planned inpatient admission",
    "attest_efficacy_assessment": "the efficacy assessment attestation",
    "acknowledge_documentation_requests": "the documentation requests acknowledgement",
}

# An example value for each number, used in "Enter ... as a number, for example ...".
EXAMPLES: dict[str, str] = {
    "weight_kg": "72",
    "fix_activity_percent": "0.5",
    "fix_exposure_days": "150",
    "inhibitor_screen_bu": "0",
    "aav5_nab_titer": "678",
    "hiv_viral_load_copies_ml": "50",
    "dose_gc_per_kg": "2e13",
}

FIX_UNIT_PERCENT, FIX_UNIT_IU_ML = "percent", "iu_ml"
FIX_UNITS = ((FIX_UNIT_PERCENT, "% of normal"), (FIX_UNIT_IU_ML, "IU/mL"))

US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fmt_number(number: Decimal | int) -> str:
    if isinstance(number, Decimal) and abs(number) >= 10**9:
        return format(number.normalize(), "e").replace("e+", "e")
    return format(number.normalize(), "f") if isinstance(number, Decimal) else str(number)


def range_message(q: Question) -> str:
    noun = _capital(NOUNS[q.key])
    low = "more than" if q.minimum_exclusive else "at least"
    high = "less than" if q.maximum_exclusive else "at most"
    return f"{noun} must be {low} {_fmt_number(q.minimum)} and {high} {_fmt_number(q.maximum)}"


def parse_number(q: Question, raw: str) -> Decimal | int:
    """The typed number for `raw`, or a ValidationError that says how to fix it."""
    whole = q.kind == "integer"
    try:
        number = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or (whole and number != number.to_integral_value()):
        kind = "a whole number" if whole else "a number"
        raise forms.ValidationError(
            f"Enter {NOUNS[q.key]} as {kind}, for example {EXAMPLES[q.key]}", code="invalid")
    return int(number) if whole else number


def check_range(q: Question, number: Decimal | int) -> None:
    too_low = q.minimum is not None and (
        number <= q.minimum if q.minimum_exclusive else number < q.minimum)
    too_high = q.maximum is not None and (
        number >= q.maximum if q.maximum_exclusive else number > q.maximum)
    if too_low or too_high:
        raise forms.ValidationError(range_message(q), code="range")


class NumberField(forms.CharField):
    """A decimal or whole number with the question's range. A text input (not
    type=number, which mangles decimals and scrolls away values)."""

    def __init__(self, question: Question, *, check_bounds: bool = True, **kwargs):
        self.question = question
        self.check_bounds = check_bounds
        mode = "numeric" if question.kind == "integer" else "decimal"
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": mode,
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | int | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = parse_number(self.question, value)
        if self.check_bounds:
            check_range(self.question, number)
        return number


class BirthDateField(forms.CharField):
    """A date typed as YYYY-MM-DD or MM/DD/YYYY, from 1900 to today."""

    def to_python(self, value: Any) -> date | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        text = value.strip()
        try:
            if match := US_DATE.match(text):
                month, day, year = (int(g) for g in match.groups())
                parsed = date(year, month, day)
            else:
                parsed = date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(
                "Enter the date of birth as a real date, for example 04/12/1985 or 1985-04-12",
                code="invalid") from None
        if parsed < policy.EARLIEST_BIRTH_DATE:
            raise forms.ValidationError("The date of birth must be 1900 or later", code="range")
        if parsed > timezone.localdate():
            raise forms.ValidationError("The date of birth must be today or in the past",
                                        code="range")
        return parsed


def _to_bool(value: str) -> bool:
    return value == YES


def field_for(q: Question) -> forms.Field:
    """A form field for a policy question: its label, help text, choices, range."""
    noun = NOUNS[q.key]
    common = {"label": q.label, "help_text": q.help_text}
    if q.kind == "bool":
        return forms.TypedChoiceField(
            choices=YES_NO_CHOICES, coerce=_to_bool, empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"required": f"Select Yes or No for {noun}"}, **common)
    if q.kind == "choice":
        return forms.ChoiceField(choices=q.choices, widget=forms.RadioSelect,
                                 error_messages={"required": f"Select {noun}"}, **common)
    if q.kind in ("decimal", "integer"):
        return NumberField(q, required=not q.nullable,
                           error_messages={"required": f"Enter {noun}"}, **common)
    if q.kind == "date":
        return BirthDateField(
            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            error_messages={"required": f"Enter {noun}"},
            label=q.label, help_text="For example, 04/12/1985 or 1985-04-12")
    field = forms.CharField(
        max_length=q.max_length, error_messages={
            "required": f"Enter {noun}",
            "max_length": f"{_capital(noun)} must be {q.max_length} characters or fewer",
        }, widget=forms.TextInput(attrs={"autocomplete": "off"}), **common)
    if q.kind == "member_id":
        field.validators.append(RegexValidator(
            policy.MEMBER_ID_RE,
            f"Enter {noun} using only letters, digits and dashes, for example UHC-100200300"))
    return field


def raw_value(q: Question, value: Any) -> str:
    """What the form would post for a stored (JSON) answer: how the wizard's
    storage gives a saved draft back to its forms."""
    if value is None:
        return ""
    if q.kind == "bool":
        return YES if value else NO
    if q.kind in ("decimal", "integer"):
        return _fmt_number(Decimal(str(value)))
    return str(value)


def raw_condition_values(q: Question) -> list[str]:
    """The posted values for which a conditional question is asked (for the script)."""
    return [raw_value(QUESTION_BY_KEY[q.asked_when.key], v) for v in q.asked_when.values]


class StepForm(forms.Form):
    """One wizard step: the policy questions `keys`, in that order."""

    title: str = ""
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
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self._layout())

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
        conditions = self.conditions()
        controls: dict[str, list[str]] = {}
        items: list = []
        for name in self.fields:
            if any(name in group for group in self.companions.values()):
                continue  # laid out with its question
            names = (name, *self.companions.get(name, ()))
            if name not in conditions:
                items.append(names[0] if len(names) == 1 else Div(*names))
                continue
            trigger, values, description = conditions[name]
            box_id = f"reveal-{name}"
            controls.setdefault(trigger, []).append(box_id)
            # Says when to answer, for a page shown without the script.
            hint = HTML(format_html('<p class="conditional-reveal__hint">Only if {}.</p>',
                                    description))
            items.append(Div(
                hint, *names, css_id=box_id, css_class="conditional-reveal",
                data_asked_when=self.add_prefix(trigger),
                data_asked_values=json.dumps(values)))
        for trigger, box_ids in controls.items():
            # Tells assistive technology which questions this answer reveals.
            self.fields[trigger].widget.attrs["aria-controls"] = " ".join(box_ids)
        return items

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
        asked = {k: self.cleaned_data.get(k) for k in self.keys
                 if k not in self.conditions() or self._asked(k, self.cleaned_data)}
        return policy.to_json(asked)

    @classmethod
    def raw_data(cls, answers: dict[str, Any]) -> dict[str, str]:
        """The unprefixed POST data that would give these stored answers; empty
        when none of this step's questions has been answered yet."""
        return {k: raw_value(QUESTION_BY_KEY[k], answers[k]) for k in cls.keys if k in answers}

    def error_summary(self) -> list[tuple[str, str]]:
        """(id of the input to focus, message) for each error, in page order."""
        out = []
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                bound = self[name]
                target = bound.auto_id
                if isinstance(field.widget, forms.RadioSelect):
                    target = f"{bound.auto_id}_0"
                out.append((target, message))
        return out


class PatientForm(StepForm):
    title = "Patient"
    keys = ("patient_first_name", "patient_last_name", "member_id", "date_of_birth", "weight_kg")


class DiagnosisForm(StepForm):
    title = "Diagnosis and factor IX activity"
    keys = ("diagnosis", "severity", "fix_activity_percent")
    companions = {"fix_activity_percent": ("fix_activity_unit",)}

    def _add_fields(self) -> None:
        super()._add_fields()
        q = QUESTION_BY_KEY["fix_activity_percent"]
        # Bounds are checked after the unit conversion, in percent.
        self.fields["fix_activity_percent"] = NumberField(
            q, check_bounds=False, label="Endogenous factor IX activity",
            help_text="Enter the value in the unit you choose below. 1% of normal is "
                      "0.01 IU/mL.",
            error_messages={"required": f"Enter {NOUNS[q.key]}"})
        self.fields["fix_activity_unit"] = forms.ChoiceField(
            label="Unit of factor IX activity", choices=FIX_UNITS, initial=FIX_UNIT_PERCENT,
            widget=forms.RadioSelect,
            error_messages={"required": "Select the unit of factor IX activity"})

    @classmethod
    def raw_data(cls, answers: dict[str, Any]) -> dict[str, str]:
        data = super().raw_data(answers)
        if "fix_activity_percent" in data:
            data["fix_activity_unit"] = FIX_UNIT_PERCENT  # stored as percent
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        value, unit = cleaned.get("fix_activity_percent"), cleaned.get("fix_activity_unit")
        if value is not None and unit is not None:
            percent = value * 100 if unit == FIX_UNIT_IU_ML else value
            try:
                check_range(QUESTION_BY_KEY["fix_activity_percent"], percent)
            except forms.ValidationError as exc:
                self.add_error("fix_activity_percent",
                               f"{exc.messages[0]}% of normal (2 IU/mL)")
            else:
                # Stored as percent of normal, whatever unit was typed.
                cleaned["fix_activity_percent"] = percent.normalize()
                cleaned["fix_activity_unit"] = FIX_UNIT_PERCENT
        return cleaned


class BleedingForm(StepForm):
    title = "Bleeding history"
    keys = ("life_threatening_hemorrhage", "repeated_serious_spontaneous_bleeding")


class ProphylaxisForm(StepForm):
    title = "Prophylaxis"
    keys = ("current_prophylaxis", "non_factor_agent", "fix_exposure_days",
            "htc_candidate_determination", "continue_prophylaxis_after_treatment")


class InhibitorsForm(StepForm):
    title = "Inhibitors and immune tolerance induction"
    keys = ("inhibitor_history", "inhibitor_screen_bu", "immune_tolerance_induction")


class Aav5Form(StepForm):
    title = "AAV5 antibodies"
    keys = ("aav5_nab_evaluated", "aav5_nab_csl_test", "aav5_nab_titer", "aav5_nab_high_titer")


class LiverForm(StepForm):
    title = "Liver health"
    keys = ("liver_enzymes_tested", "liver_imaging", "liver_abnormality_found")


class ViralForm(StepForm):
    title = "Viral tests"
    keys = ("hiv_status", "hiv_on_antiretroviral_therapy", "hiv_viral_load_copies_ml",
            "hbsag", "hcv_antibody", "hcv_rna", "hepatitis_antiviral_therapy")


class GeneTherapyForm(StepForm):
    title = "Prior gene therapy"
    keys = ("prior_gene_therapy",)


class PrescriberForm(StepForm):
    """htc_federally_designated is not a field: the wizard derives it from the
    request's HTC in the directory."""

    title = "Prescriber and HTC"
    keys = ("prescriber_bleeding_disorder_specialist",)
    derived = ("htc_federally_designated",)


class DosingForm(StepForm):
    title = "Dosing"
    keys = ("dose_gc_per_kg",)


class AttestationsForm(StepForm):
    title = "Attestations"
    keys = ("attest_monitoring", "attest_alcohol_counseling", "planned_inpatient_admission",
            "attest_efficacy_assessment", "acknowledge_documentation_requests")


class ReviewForm(StepForm):
    """Not policy answers: whether the clinical review, if any, is urgent."""

    title = "Check your answers and submit"
    extra_conditions = {"expedited_reason": ("expedited", (YES,),
                                             "you ask for an expedited review")}

    def _add_fields(self) -> None:
        self.fields["expedited"] = forms.TypedChoiceField(
            label="Does this request need an expedited (72-hour) review?",
            help_text="Ask for it when waiting the standard 15 days could seriously jeopardize "
                      "the patient's life, health or ability to regain maximum function.",
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
        return {"expedited": self.cleaned_data["expedited"],
                "expedited_reason": self.cleaned_data.get("expedited_reason") or ""}


REVIEW = "review"

# The wizard's steps, in order; a step's name is its form's prefix.
STEPS: tuple[tuple[str, type[StepForm]], ...] = (
    ("patient", PatientForm),
    ("diagnosis", DiagnosisForm),
    ("bleeding", BleedingForm),
    ("prophylaxis", ProphylaxisForm),
    ("inhibitors", InhibitorsForm),
    ("aav5", Aav5Form),
    ("liver", LiverForm),
    ("viral", ViralForm),
    ("gene_therapy", GeneTherapyForm),
    ("prescriber", PrescriberForm),
    ("dosing", DosingForm),
    ("attestations", AttestationsForm),
    (REVIEW, ReviewForm),
)


class DiscardForm(forms.Form):
    """A POST with a CSRF token is the confirmation; no fields."""
