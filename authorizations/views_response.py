"""The prescriber's answer to a reviewer's request for information, and the
"Information needed" letter."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from . import admin_review, services
from .models import AuthorizationRequest, InformationRequest, Status
from .views import can_read_letters, prescriber_required, wants_member_copy
from .views_documents import SERVICE_NAME, document_rows

log = logging.getLogger(__name__)


class ResponseForm(forms.Form):
    note = forms.CharField(
        label="Your note to the reviewer", required=False, strip=True, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text="What you are sending and anything the reviewer should know. "
                  "Attach documents first.")


def information_rows(req: AuthorizationRequest):
    return admin_review.information_rows(req)


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_respond(request, pk: int):
    from . import selectors

    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    ir = services.open_information_request(req)
    if req.status != Status.INFORMATION_REQUESTED or ir is None:
        messages.info(request, f"{req.number} is not waiting for information.")
        return redirect("request_detail", pk=req.pk)
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        req = services.information_respond(by=request.user, req=req,
                                           note=form.cleaned_data["note"])
        messages.success(request, f"Your response was sent. {req.number} is now "
                                  f"{req.get_status_display().lower()}.")
        return redirect("request_detail", pk=req.pk)
    row = next(r for r in information_rows(req) if r["obj"].pk == ir.pk)
    return render(request, "authorizations/response/respond.html", {
        "page_title": f"Respond: {req.number} – {SERVICE_NAME}",
        "req": req, "info": row, "form": form,
        "documents": document_rows(req),
        "documents_url": reverse("request_documents", args=[req.pk]) + "?next="
        + reverse("request_respond", args=[req.pk]),
        "letter_url": reverse("request_information_letter", args=[req.pk, ir.pk]),
    }, status=400 if form.errors else 200)


@require_GET
@login_required
def information_letter(request, pk: int, ir_id: int):
    req = get_object_or_404(AuthorizationRequest, pk=pk)
    if not can_read_letters(request.user, req):
        raise Http404
    ir = get_object_or_404(InformationRequest, pk=ir_id, request=req)
    if wants_member_copy(request):  # `?copy=member`: the member's copy, for mailing
        pdf = bytes(services.information_member_copy(ir, by=request.user).pdf)
        services.audit(by=request.user, action="download", obj=req,
                       information_request=ir.pk, kind="info", copy="member")
        name = f"{req.number}-information-needed-member-copy.pdf"
    else:
        pdf = services.information_letter(ir, by=request.user)
        services.audit(by=request.user, action="download", obj=req,
                       information_request=ir.pk, kind="info")
        name = f"{req.number}-information-needed.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
