"""Forms of the treatment pages: cancelling an authorization, the infusion
record and a follow-up assessment. Numbers, lab values and dates are read by
the wizard's fields (wizard/fields.py), so "2 x 10^13", "<1" and 01/15/2027
read the same way everywhere; every error names its field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from authorizations.core.forms import AccessibleForm
from authorizations.policy import QUESTION_BY_KEY, Question
from authorizations.policy.values import (
    LabValue,
    ValueProblem,
    long_date,
    parse_lab_value,
    plain,
    scientific,
)
from authorizations.requests.wizard.fields import (
    YES,
    YES_NO_CHOICES,
    DayField,
    LabValueField,
    NPIField,
    NumberField,
    _to_bool,
    check_range,
)


def yes_no(label: str, noun: str, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(choices=YES_NO_CHOICES, coerce=_to_bool, empty_value=None,
                                  widget=forms.RadioSelect, label=label, required=required,
                                  error_messages={"required": f"Select Yes or No for {noun}"})


def text(label: str, noun: str, *, required: bool = True, max_length: int = 200,
         area: bool = False, help_text: str = "") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if area else forms.TextInput(
        attrs={"autocomplete": "off"})
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget,
                           help_text=help_text, error_messages={
                               "required": f"Enter {noun}",
                               "max_length": f"{noun[:1].upper()}{noun[1:]} must be "
                                             f"{max_length} characters or fewer"})


def question_field(cls, q: Question, *, required: bool = True, help_text: str = ""):
    return cls(q, label=q.label, required=required, help_text=help_text or q.help_text,
               error_messages={"required": f"Enter {q.noun}"})


def day_question(key: str, label: str, noun: str) -> Question:
    return Question(key, "test_date", label, "treatment", noun, example="01/15/2027")


class TreatmentForm(AccessibleForm):
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def require(self, *names: str) -> None:
        for name in names:
            if self.cleaned_data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])


class CancelForm(TreatmentForm):
    reason = text("Reason for cancelling", "the reason for cancelling", max_length=2000,
                  area=True, help_text="For example: the infusion will not go ahead.")


INFUSED_ON = day_question("infused_on", "Infusion date", "the infusion date")
WEIGHT = replace(QUESTION_BY_KEY["weight_kg"], label="Weight on the day of infusion (kg)",
                 noun="the weight on the day of infusion in kg", help_text="")
DOSE = replace(QUESTION_BY_KEY["dose_gc_per_kg"], label="Dose given (genome copies per kg)",
               noun="the dose given in genome copies per kg",
               help_text="As written on the order, for example 2 x 10^13 or 2e13.")
BLEEDS = Question("baseline_treated_bleeds", "integer",
                  "Treated bleeding episodes in the 12 months before infusion", "treatment",
                  "the number of treated bleeding episodes in the 12 months before infusion",
                  minimum=0, maximum=1000, example="3")
PERCENT_GIVEN = Question("percent_given", "decimal", "Share of the dose given (%)", "treatment",
                         "the share of the dose given in percent", minimum=Decimal(0),
                         maximum=Decimal(100), minimum_exclusive=True, maximum_exclusive=True,
                         example="60")


class InfusionForm(TreatmentForm):
    infused_on = question_field(DayField, INFUSED_ON,
                                help_text="For example, 01/15/2027 or ISO 2027-01-15")
    lots = text("Lot number(s)", "the lot number", max_length=500,
                help_text="Separate several lot numbers with commas.")
    weight_kg = question_field(NumberField, WEIGHT)
    dose_gc_per_kg = question_field(NumberField, DOSE)
    site_name = text("Site of care", "the site of care")
    site_npi = question_field(NPIField, QUESTION_BY_KEY["site_of_care_npi"])
    baseline_treated_bleeds = question_field(NumberField, BLEEDS)
    baseline_factor_ix_product = text(
        "Factor IX product used for those episodes", "the factor IX product", required=False,
        help_text="Leave empty when there were none.")
    full_dose = yes_no("Was the full dose given?", "whether the full dose was given")
    percent_given = question_field(NumberField, PERCENT_GIVEN, required=False,
                                   help_text="Only if the full dose was not given.")
    partial_reason = text("Why was the full dose not given?",
                          "why the full dose was not given", required=False, max_length=2000,
                          area=True, help_text="Only if the full dose was not given.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "infusion-%s")
        super().__init__(*args, **kwargs)

    def clean_lots(self) -> list[str]:
        lots = [lot.strip() for lot in self.cleaned_data["lots"].split(",") if lot.strip()]
        if not lots:
            raise forms.ValidationError("Enter the lot number")
        return lots

    def clean(self):
        data = super().clean()
        if data.get("full_dose") is False:
            self.require("percent_given", "partial_reason")
        return data

    @classmethod
    def initial_from(cls, infusion) -> dict[str, Any]:
        """What the form shows for a recorded infusion (a correction starts
        from the current version), in the forms the fields read."""
        day = infusion.infused_on
        return {
            "infused_on": f"{day.month:02d}/{day.day:02d}/{day.year}",
            "lots": ", ".join(infusion.lots), "weight_kg": plain(infusion.weight_kg),
            "dose_gc_per_kg": scientific(infusion.dose_gc_per_kg),
            "site_name": infusion.site_name, "site_npi": infusion.site_npi,
            "baseline_treated_bleeds": infusion.baseline_treated_bleeds,
            "baseline_factor_ix_product": infusion.baseline_factor_ix_product,
            "full_dose": YES if infusion.full_dose else "no",
            "percent_given": plain(infusion.fraction_given * 100)
            if infusion.fraction_given is not None else "",
            "partial_reason": infusion.partial_reason,
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        percent = data.pop("percent_given", None)
        data["fraction_given"] = (percent / 100) if percent is not None else None
        data["baseline_treated_bleeds"] = int(data["baseline_treated_bleeds"])
        return data


FIX = replace(QUESTION_BY_KEY["fix_activity_percent"], label="Factor IX activity (% of normal)",
              asked_when=None, help_text="As the lab reports it: 12, or <1 for below 1%.")
INHIBITOR = replace(QUESTION_BY_KEY["inhibitor_screen_bu"],
                    label="Inhibitor test result (Bethesda units)",
                    noun="the inhibitor test result in Bethesda units", asked_when=None,
                    help_text="For example 0, or <0.5 for a negative result below 0.5.")
COUNT = {key: Question(key, "integer", label, "treatment", noun, minimum=0, maximum=1000,
                       example="0")
         for key, label, noun in (
             ("bleeds_total", "Breakthrough bleeding episodes since the last assessment",
              "the number of breakthrough bleeding episodes"),
             ("bleeds_treated", "Of those, treated with factor IX",
              "the number of episodes treated with factor IX"))}
IU = Question("factor_ix_iu", "decimal", "Factor IX product used since the last assessment (IU)",
              "treatment", "the factor IX product used in IU", minimum=Decimal(0),
              maximum=Decimal(10**8), example="0")

# Issue 20: the assay a factor IX result comes from (one-stage and chromogenic
# assays read the Padua variant differently: the outcomes keep them apart).
FIX_ASSAYS = [("one_stage", "One-stage (clotting) assay"), ("chromogenic", "Chromogenic assay")]

# What a submitted assessment needs; a draft may leave any of it empty.
FOLLOW_UP_REQUIRED = ("fix_activity", "fix_test_date", "bleeds_total", "bleeds_treated",
                      "factor_ix_iu", "inhibitor_tested", "prophylaxis", "alt_corticosteroids")


class FollowUpForm(TreatmentForm):
    fix_activity = question_field(LabValueField, FIX, required=False)
    fix_test_date = question_field(DayField, day_question(
        "fix_test_date", "Date of the factor IX activity test",
        "the date of the factor IX activity test"), required=False)
    fix_assay = forms.ChoiceField(
        label="Factor IX assay", required=False, choices=[("", "Choose the assay")] + FIX_ASSAYS,
        help_text="One-stage and chromogenic assays read differently after Hemgenix: say "
                  "which one the lab used.")
    last_factor_ix_date = question_field(DayField, day_question(
        "last_factor_ix_date", "Date of the last factor IX product dose before the test",
        "the date of the last factor IX product dose"), required=False,
        help_text="Leave empty when no factor IX product was given since the last assessment.")
    bleeds_total = question_field(NumberField, COUNT["bleeds_total"], required=False)
    bleeds_treated = question_field(NumberField, COUNT["bleeds_treated"], required=False)
    factor_ix_iu = question_field(NumberField, IU, required=False,
                                  help_text="Enter 0 when none was used.")
    inhibitor_tested = yes_no("Was an inhibitor test done?", "whether an inhibitor test was done",
                              required=False)
    inhibitor_bu = question_field(LabValueField, INHIBITOR, required=False)
    inhibitor_test_date = question_field(DayField, day_question(
        "inhibitor_test_date", "Date of the inhibitor test", "the date of the inhibitor test"),
                                         required=False)
    prophylaxis = yes_no("Back on routine prophylaxis?", "whether the patient is back on "
                         "routine prophylaxis", required=False)
    prophylaxis_start = question_field(DayField, day_question(
        "prophylaxis_start", "Prophylaxis start date", "the prophylaxis start date"),
                                       required=False)
    prophylaxis_agent = text("Prophylaxis agent", "the prophylaxis agent", required=False)
    alt_corticosteroids = yes_no("ALT elevation needing corticosteroids?",
                                 "whether an ALT elevation needed corticosteroids",
                                 required=False)
    note = text("Note", "the note", required=False, max_length=4000, area=True)

    def __init__(self, *args, submitting: bool = False, **kwargs):
        self.submitting = submitting
        kwargs.setdefault("auto_id", "followup-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        for key, q in (("fix_activity", FIX), ("inhibitor_bu", INHIBITOR)):
            if isinstance(data.get(key), tuple):
                lab, factor = data[key]
                value = LabValue((lab.value * factor).normalize(), lab.below) \
                    if factor is not None else lab
                # The range holds in the question's unit, so it is checked after
                # the conversion (issue 23 N6: "1e30" was stored unchecked).
                try:
                    check_range(q, value.value)
                except forms.ValidationError as exc:
                    self.add_error(key, exc)
                else:
                    data[key] = value
        total, treated = data.get("bleeds_total"), data.get("bleeds_treated")
        if total is not None and treated is not None and treated > total:
            self.add_error("bleeds_treated", "The number of episodes treated with factor IX "
                                             "cannot be more than the number of episodes")
        if self.submitting:
            self.require(*FOLLOW_UP_REQUIRED)
            if data.get("inhibitor_tested"):
                self.require("inhibitor_bu", "inhibitor_test_date")
            if data.get("prophylaxis"):
                self.require("prophylaxis_start", "prophylaxis_agent")
        return data

    def answers(self) -> dict[str, Any]:
        """The stored (JSON) form of the answers typed."""
        out: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if value is None or value == "":
                continue
            if isinstance(value, LabValue):
                value = value.to_json()
            elif isinstance(value, date):
                value = value.isoformat()
            out[key] = value
        return out

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        """What the form shows for stored answers."""
        out: dict[str, Any] = {}
        for key, value in answers.items():
            if key in ("fix_activity", "inhibitor_bu"):
                # A draft stored before the range check (issue 23 N6) shows as
                # stored, for the form to refuse, instead of failing the page.
                try:
                    out[key] = str(parse_lab_value(value))
                except ValueProblem:
                    out[key] = str(value)
            elif key.endswith(("_date", "_start")):
                day = date.fromisoformat(value)
                out[key] = f"{day.month:02d}/{day.day:02d}/{day.year}"
            elif isinstance(value, bool):
                out[key] = YES if value else "no"
            else:
                out[key] = value
        return out


def follow_up_answers(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """A submitted assessment as (label, value) rows, labelled as the form
    (the prescriber's page and the reviewer's admin show the same)."""
    shown = FollowUpForm.initial_from(answers)
    rows = []
    for name, field in FollowUpForm().fields.items():
        if name in shown:
            value = shown[name]
            if name in ("inhibitor_tested", "prophylaxis", "alt_corticosteroids"):
                value = "Yes" if value == YES else "No"
            elif name == "fix_assay":
                value = dict(FIX_ASSAYS).get(value, value)
            elif name.endswith(("_date", "_start")):
                value = long_date(date.fromisoformat(answers[name]))
            rows.append((str(field.label), str(value)))
    return rows
