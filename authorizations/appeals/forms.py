"""The prescriber's appeal of a denial: the statement, the expedited choice
and its reason, and the authorized representative's attestation."""

from __future__ import annotations

from django import forms

from authorizations.appeals.models import Claimant, ReceivedVia
from authorizations.core import deadlines
from authorizations.core.forms import AccessibleForm, LocalDateTimeField
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


class AppealRecordForm(AccessibleForm):
    """A reviewer records an appeal the plan received by mail, fax or phone
    (services.appeal_record checks the rules; this form checks the input)."""

    summary_names_field = True

    request_number = forms.CharField(
        label="Request number", max_length=20, strip=True,
        help_text="As printed on the denial letter, e.g. PA-0000012.")
    claimant = forms.ChoiceField(
        label="From", widget=forms.RadioSelect,
        choices=[(Claimant.MEMBER.value, "The member"),
                 (Claimant.REPRESENTATIVE.value, "A representative the member named")])
    representative_name = forms.CharField(
        label="Representative's name", required=False, max_length=200, strip=True,
        help_text="Needed only when a representative sent the appeal.")
    received_via = forms.ChoiceField(label="Received by", widget=forms.RadioSelect,
                                     choices=ReceivedVia.choices)
    # The earlier of a repeated hour: the appeal's decision clock runs from
    # receipt, so it never runs later than owed.
    received_at = LocalDateTimeField(
        repeated="earlier", label="Received",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="The date and time the plan received the appeal (local time). Its decision "
                  "clock runs from then.")
    statement = forms.CharField(
        label="What the appeal says", max_length=8000, strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The appeal's words as received, or what was said by phone.")
    expedited = forms.BooleanField(
        label="Expedited appeal", required=False,
        help_text=f"Decided within {deadlines.EXPEDITED_APPEAL_WORDS}; a standard appeal within "
                  f"{deadlines.STANDARD_APPEAL_WORDS}. A phone appeal must be expedited.")
    expedited_reason = forms.CharField(
        label="Reason for an expedited appeal", required=False, max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("claimant") == Claimant.REPRESENTATIVE and not data.get(
                "representative_name"):
            self.add_error("representative_name", "Enter the representative's name")
        if data.get("received_via") == ReceivedVia.PHONE and not data.get("expedited"):
            self.add_error("received_via", "A phone appeal is taken for an expedited appeal "
                                           "only: tick Expedited appeal, or choose mail or fax")
        if data.get("expedited") and not data.get("expedited_reason"):
            self.add_error("expedited_reason", "Enter the reason for an expedited appeal")
        return data
