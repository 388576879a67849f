"""The diagnosis step's factor IX activity and its unit.

The data dictionary keys the answer in % of normal (`fix_activity_percent`)
and lets the form take IU/mL and convert; it has no key for the unit, so the
unit is a form-only choice and the answer stays the converted value. The
prescriber chooses the unit (or types it after the value): none is guessed.
A value that reads as a reported result only in the other unit (0.01 under %,
which is 1% as IU/mL) is kept as typed and asks to be confirmed, with a
checkbox shown beside the message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.layout import Layout
from django import forms

from authorizations.policy import QUESTION_BY_KEY, kinds, values
from authorizations.requests.wizard.fields import check_range

KEY, UNIT, CONFIRMED = "fix_activity_percent", "fix_activity_unit", "fix_activity_confirmed"
FIX_UNIT_PERCENT, FIX_UNIT_IU_ML = "percent", "iu_ml"
FIX_UNITS = ((FIX_UNIT_PERCENT, "% of normal"), (FIX_UNIT_IU_ML, "IU/mL"))
FACTORS = {FIX_UNIT_PERCENT: Decimal(1), FIX_UNIT_IU_ML: kinds.PERCENT_PER_IU_ML}
UNIT_OF_FACTOR = {factor: unit for unit, factor in FACTORS.items()}


def _described(number: Decimal, unit: str) -> str:
    """0.01% of normal; 0.01 IU/mL (1% of normal)."""
    if unit == FIX_UNIT_PERCENT:
        return f"{values.plain(number)}% of normal"
    return f"{values.plain(number)} IU/mL ({values.plain(number * FACTORS[unit])}% of normal)"


class FactorIXUnit:
    """Mixed into the diagnosis step's form (forms.DiagnosisBase, a StepForm)."""

    companions = {KEY: (UNIT,)}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.add_prefix(CONFIRMED) in self.data:
            self._ask_to_confirm()  # shown again, ticked, as it was posted

    def _add_fields(self) -> None:
        super()._add_fields()
        self.fields[UNIT] = forms.ChoiceField(
            label="Unit of factor IX activity", choices=FIX_UNITS, widget=forms.RadioSelect,
            required=False, help_text="As on the lab report. Choose one: the value is not "
                                      "read in a unit you did not choose.")

    def _ask_to_confirm(self) -> None:
        if CONFIRMED in self.fields:
            return
        self.fields[CONFIRMED] = forms.BooleanField(
            required=False, label="The value and its unit are right as typed")
        self.companions = {KEY: (UNIT, CONFIRMED)}
        self.helper.layout = Layout(*self._layout())  # with the checkbox beside the value

    @classmethod
    def raw_data(cls, answers: dict[str, Any]) -> dict[str, str]:
        data = super().raw_data(answers)
        if KEY in data:
            data[UNIT] = FIX_UNIT_PERCENT  # stored as percent
            stored = kinds.LabValueKind().from_json(QUESTION_BY_KEY[KEY], answers[KEY])
            if kinds.fits_only_the_other_unit(stored.value, Decimal(1)):
                data[CONFIRMED] = "on"  # it was confirmed when it was saved
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        read = cleaned.get(KEY)
        if read is None:
            return cleaned
        lab, typed_factor = read
        chosen = cleaned.get(UNIT) or None
        if typed_factor is not None and chosen and FACTORS[chosen] != typed_factor:
            typed_unit = dict(FIX_UNITS)[UNIT_OF_FACTOR[typed_factor]]
            self.add_error(KEY, f"The value is typed in {typed_unit} but the unit chosen is "
                                f"{dict(FIX_UNITS)[chosen]}: make them the same")
            return cleaned
        factor = typed_factor if typed_factor is not None else FACTORS.get(chosen or "")
        if factor is None:
            self.add_error(UNIT, "Choose the unit of factor IX activity: % of normal or IU/mL")
            return cleaned
        unit = UNIT_OF_FACTOR[factor]
        percent = kinds.convert(lab, factor)
        try:
            check_range(QUESTION_BY_KEY[KEY], percent.value)
        except forms.ValidationError as exc:
            self.add_error(KEY, f"{exc.messages[0]}% of normal (2 IU/mL)")
            return cleaned
        if kinds.fits_only_the_other_unit(lab.value, factor) and not cleaned.get(CONFIRMED):
            other = FIX_UNIT_IU_ML if unit == FIX_UNIT_PERCENT else FIX_UNIT_PERCENT
            self._ask_to_confirm()
            self.add_error(KEY, f"Check the unit: {_described(lab.value, unit)} is unusual for "
                                f"hemophilia B, but {_described(lab.value, other)} is not. Choose "
                                "the unit on the lab report, or tick \u201cThe value and its unit "
                                "are right as typed\u201d")
            return cleaned
        # Stored as percent of normal, whatever unit was typed.
        cleaned[KEY] = percent
        cleaned[UNIT] = FIX_UNIT_PERCENT
        return cleaned
