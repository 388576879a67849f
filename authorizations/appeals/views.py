"""The prescriber's appeal of a denial: /requests/<id>/appeal/."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from authorizations.appeals import selectors as appeal_selectors
from authorizations.appeals.services import AppealRefused, appeal_file, appeal_refusal
from authorizations.core import deadlines
from authorizations.core.pages import SERVICE_NAME, prescriber_required
from authorizations.documents.selectors import document_rows
from authorizations.requests import selectors
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


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_appeal(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    offer = appeal_selectors.appeal_offer(req)
    if offer is None:
        messages.info(request, f"{req.number} cannot be appealed: "
                               f"{appeal_refusal(req, _today())}.")
        return redirect("request_detail", pk=req.pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = appeal_file(
                by=request.user, req=req, statement=data["statement"],
                expedited=data["expedited"], expedited_reason=data["expedited_reason"],
                representative=data["representative"])
        except AppealRefused as exc:
            messages.error(request, f"The appeal was not filed: {exc}.")
            return redirect("request_detail", pk=req.pk)
        row = appeal_selectors.appeal_row(appeal)
        messages.success(request, f"Your appeal of {req.number} was filed. It is decided by "
                                  f"{row.due}, by a reviewer who did not make the denial.")
        return redirect("request_detail", pk=req.pk)
    url = reverse("request_appeal", args=[req.pk])
    return render(request, "authorizations/appeal/file.html", {
        "page_title": f"Appeal: {req.number} – {SERVICE_NAME}",
        "req": req, "offer": offer, "form": form,
        "error_summary": form.error_summary() if form.is_bound else [],
        "documents": document_rows(req),
        "documents_url": reverse("request_documents", args=[req.pk]) + "?next=" + url,
    }, status=400 if form.errors else 200)


def _today():
    return timezone.localdate()
