"""The prescriber's appeal of a denial: the statement, the expedited choice
and its reason, and the authorized representative's attestation."""

from __future__ import annotations

from django import forms

from authorizations.core import deadlines
from authorizations.treatment.forms import TreatmentForm


class AppealForm(TreatmentForm):
    statement = forms.CharField(
        label="Why the denial should be overturned", max_length=8000, strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Your statement to the reviewer who decides the appeal: the clinical facts, "
                  "and the documents you attach that show the criteria met.",
        error_messages={"required": "Enter why the denial should be overturned",
                        "max_length": "The statement must be 8000 characters or fewer"})
    expedited = forms.BooleanField(
        label=f"Expedited appeal: waiting {deadlines.STANDARD_APPEAL_WORDS} could seriously "
              "jeopardize the patient's life, health or ability to regain maximum function",
        required=False,
        help_text=f"An expedited appeal is decided within {deadlines.EXPEDITED_APPEAL_WORDS}; "
                  f"a standard one within {deadlines.STANDARD_APPEAL_WORDS}.")
    expedited_reason = forms.CharField(
        label="Reason for an expedited appeal", required=False, max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only for an expedited appeal.",
        error_messages={"max_length": "The reason must be 2000 characters or fewer"})
    representative = forms.BooleanField(
        label="I act as the member's authorized representative in this appeal",
        error_messages={"required": "Confirm that you act as the member's authorized "
                                    "representative"})

    def clean(self):
        data = super().clean()
        if data.get("expedited") and not data.get("expedited_reason"):
            self.add_error("expedited_reason", "Enter the reason for an expedited appeal")
        return data
