"""The reviewer's forms: the decision with its reasons, the request for
information, the peer-to-peer. The request's admin page and the appeal's
decision page (which extends DecisionForm) use them."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from authorizations.core import deadlines, zones
from authorizations.core.forms import AccessibleForm, LocalDateTimeField
from authorizations.core.widgets import FAST_WIDGETS
from authorizations.models import AuthorizationRequest, DocumentKind, P2POutcome
from authorizations.requests import selectors
from authorizations.review.models import ExceptionReason
from authorizations.review.services import information_due


def _unmet_choices(req: AuthorizationRequest) -> list[tuple[str, str]]:
    return [(c, selectors.criterion_name(c)) for c in req.unmet]


class DecisionForm(forms.Form):
    # The request page's forms: widgets written in Python (core/widgets.py).
    default_renderer = FAST_WIDGETS

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")])
    reasons = forms.MultipleChoiceField(
        label="Reasons for a denial", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The unmet criteria the denial letter gives as its reasons (all chosen at "
                  "first). Not used for an approval.")
    other_reason = forms.CharField(
        label="Another reason, in your own words", required=False, strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
        help_text="Optional. Printed in the denial letter after the chosen criteria.")
    rationale = forms.CharField(
        label="Clinical rationale",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 90}), strip=True,
        help_text="Required for both decisions. A denial prints it in the letter, with your "
                  "name and credentials.")

    def __init__(self, req: AuthorizationRequest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.req = req
        self.fields["reasons"].choices = _unmet_choices(req)
        self.fields["reasons"].initial = list(req.unmet)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "deny" and not data.get("reasons") \
                and not data.get("other_reason"):
            self.add_error("reasons", "A denial needs at least one reason: choose an unmet "
                                      "criterion or write one in your own words.")
        return data

    def reason_names(self) -> list[str]:
        names = [selectors.criterion_name(c) for c in self.cleaned_data["reasons"]]
        if self.cleaned_data.get("other_reason"):
            names.append(self.cleaned_data["other_reason"])
        return names


class InformationForm(forms.Form):
    # The request page's forms: widgets written in Python (core/widgets.py).
    default_renderer = FAST_WIDGETS

    criteria = forms.MultipleChoiceField(
        label="Criteria the information is about", required=False,
        widget=forms.CheckboxSelectMultiple)
    document_kinds = forms.MultipleChoiceField(
        label="Documents needed", required=False, choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(
        label="What is missing and why", strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
        help_text="Printed in the Information needed letter.")
    # The later of a repeated hour: the prescriber never gets less time than shown.
    due_at = LocalDateTimeField(
        repeated="later", label="Response due",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=f"{deadlines.STANDARD_INFORMATION_WORDS} for a standard request, "
                  f"{deadlines.EXPEDITED_INFORMATION_WORDS} for an expedited one.")

    def __init__(self, req: AuthorizationRequest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = _unmet_choices(req)
        self.fields["due_at"].initial = timezone.localtime(
            information_due(req, timezone.now())).replace(second=0, microsecond=0)

    def clean(self):
        data = super().clean()
        if not data.get("criteria") and not data.get("document_kinds"):
            self.add_error("criteria", "Choose at least one criterion or document kind.")
        due = data.get("due_at")
        if due is not None and due <= timezone.now():
            self.add_error("due_at", "The response due time must be in the future.")
        return data


# Peer-to-peer times on the night the clocks fall back (core.forms.LocalDateTimeField):
# a time offered, asked for or scheduled is an appointment yet to come, read as
# the later of a repeated hour: whoever goes by the first reading waits, nobody
# arrives after the call, and a time typed in the first of the two hours is
# never refused as past. When a discussion was held is a record of what has
# happened, read as the earlier: typed in that hour, it is never in the future.
APPOINTMENT, HAPPENED = "later", "earlier"
TIME_WIDGET = {"attrs": {"type": "datetime-local"}, "format": "%Y-%m-%dT%H:%M"}


class PeerToPeerForm(forms.Form):
    """Offer times (up to three), schedule one of the times offered, or record
    a discussion held with its outcome."""

    default_renderer = FAST_WIDGETS

    time_1, time_2, time_3 = (
        LocalDateTimeField(repeated=APPOINTMENT, label=f"{nth} time offered", required=False,
                           widget=forms.DateTimeInput(**TIME_WIDGET))
        for nth in ("First", "Second", "Third"))
    # A radio button of the times offered, whose values carry their offset.
    scheduled_at = LocalDateTimeField(repeated=APPOINTMENT, label="Time scheduled",
                                      required=False)
    held_at = LocalDateTimeField(repeated=HAPPENED, label="Held at", required=False,
                                 widget=forms.DateTimeInput(**TIME_WIDGET))
    outcome = forms.ChoiceField(label="Outcome", required=False,
                                choices=[("", "Choose the outcome")] + P2POutcome.choices)
    notes = forms.CharField(label="What was discussed", required=False, strip=True,
                            widget=forms.Textarea(attrs={"rows": 3, "cols": 90}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_the_zone(self, "time_1", "time_2", "time_3", "held_at")


def name_the_zone(form: forms.Form, *names: str) -> None:
    """A typed time is read in the viewer's zone (TimeZoneMiddleware): its
    label names that zone (issue 20)."""
    words = zones.zone_words()
    for name in names:
        form.fields[name].label = f"{form.fields[name].label} ({words})"


# The prescriber's side of the conversation.

class ResponseForm(AccessibleForm):
    note = forms.CharField(
        label="Your note to the reviewer", required=False, strip=True, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text="What you are sending and anything the reviewer should know. "
                  "Attach documents and change answers first.")


class ExpediteForm(AccessibleForm):
    summary_names_field = True

    reason = forms.CharField(
        label="Why is an expedited review needed?", strip=True, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=f"Ask for it when waiting the standard {deadlines.STANDARD_TURNAROUND_WORDS} "
                  "could seriously jeopardize the patient's life, health or ability to regain "
                  "maximum function.",
        error_messages={"required": "Enter why an expedited review is needed",
                        "max_length": "The reason for an expedited review must be 2000 "
                                      "characters or fewer"})


TIME_INVALID = "Enter the time as a date and time, e.g. 2026-12-01 14:30"


def _time_field(label: str, *, required: bool) -> LocalDateTimeField:
    """One time the prescriber is available (a browser's date-and-time input):
    an appointment, the later of a repeated hour."""
    errors = {"invalid": TIME_INVALID}
    if required:
        errors["required"] = "Enter at least one time you are available"
    return LocalDateTimeField(
        repeated=APPOINTMENT, label=label, required=required, error_messages=errors,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"},
                                   format="%Y-%m-%dT%H:%M"))


class PeerToPeerRequestForm(AccessibleForm):
    summary_names_field = True

    time_1 = _time_field("First time you are available", required=True)
    time_2 = _time_field("Second time (optional)", required=False)
    time_3 = _time_field("Third time (optional)", required=False)
    note = forms.CharField(
        label="What you would like to discuss (optional)", required=False, strip=True,
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="No patient names here: the reviewer sees the request.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Help text, not the label: the error summary starts with the label.
        for name in ("time_1", "time_2", "time_3"):
            self.fields[name].help_text = f"In your HTC's time zone: {zones.zone_words()}."

    def clean(self):
        data = super().clean()
        for name in ("time_1", "time_2", "time_3"):
            if data.get(name) is not None and data[name] <= timezone.now():
                self.add_error(name, "Enter a time in the future")
        return data


class ExceptionForm(forms.Form):
    """The first key of an approval past unmet criteria (review/desk_services.py).
    Prefixed: the decision form beside it has a rationale too (one id each)."""

    prefix = "exception"
    default_renderer = FAST_WIDGETS

    reason = forms.ChoiceField(label="Exception reason",
                               choices=[("", "Choose the reason")] + ExceptionReason.choices)
    rationale = forms.CharField(
        label="Your rationale for the exception", strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
        help_text="Why the unmet criteria should not stop this approval. Printed in the "
                  "approval letter once a second reviewer signs.")
