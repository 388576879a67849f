"""The prescriber's appeal of a denial: /requests/<id>/appeal/."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from authorizations.appeals import selectors as appeal_selectors
from authorizations.appeals.forms import AppealForm
from authorizations.appeals.services import AppealRefused, appeal_file, appeal_refusal
from authorizations.core import zones
from authorizations.core.pages import SERVICE_NAME, prescriber_required
from authorizations.documents.selectors import document_rows
from authorizations.requests import selectors


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
    return zones.today()
