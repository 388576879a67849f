"""The reviewer records a document received outside the system (fax, mail)
on the request's admin page. The file's checks are the upload's
(documents.document_add, through document_received)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from authorizations.documents import services as documents
from authorizations.documents.services import DocumentRefused
from authorizations.documents.views import DocumentForm
from authorizations.models import ReceivedBy
from authorizations.review.conversation import document_received


class ReceivedDocumentForm(DocumentForm):
    """The upload form (kind, criterion, file) with how and when it came."""

    received_by = forms.ChoiceField(
        label="Received by", choices=[("", "Choose fax or mail")] + ReceivedBy.choices,
        error_messages={"required": "Choose how the document was received.",
                        "invalid_choice": "Choose how the document was received."})
    received_on = forms.DateField(
        label="Date received", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date the document was received.",
                        "invalid": "Enter the date received as a date, e.g. 2026-11-28."})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "received-%s")
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


def _back(req, fragment: str = "#received") -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]) + fragment)


@csrf_exempt  # checked in _received, once the upload limit is in place
def received_document_view(model_admin, request, pk: int):
    # Before anything reads the body (the CSRF check does): a file over the
    # limit is refused while it streams in, as on the prescriber's page.
    request.upload_limit = documents.UploadLimit(request)
    request.upload_handlers.insert(0, request.upload_limit)
    return _received(request, model_admin=model_admin, pk=pk)


@csrf_protect
def _received(request, *, model_admin, pk: int):
    if not model_admin.has_decide_permission(request):
        raise PermissionDenied
    req = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    form = ReceivedDocumentForm(request.POST, request.FILES)
    form.is_valid()
    upload = request.FILES.get("file")
    if request.upload_limit.too_large:
        form.add_error("file", documents.too_large_message(request.upload_limit.refused_name))
    elif upload is None:
        form.add_error("file", "Choose a PDF, PNG or JPEG file to upload.")
    if not form.errors:
        try:
            doc = document_received(
                by=request.user, req=req, upload=upload, kind=form.cleaned_data["kind"],
                criterion=form.cleaned_data["criterion"],
                received_by=form.cleaned_data["received_by"],
                received_on=form.cleaned_data["received_on"])
        except DocumentRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None,
                           refused.message)
        else:
            how = doc.receipt.get_received_by_display().lower()
            messages.success(request, f"Recorded the document ({doc.get_kind_display()}) "
                                      f"received by {how} on {req.number}.")
            return _back(req)
    # The form again with what was typed (the file must be chosen again:
    # browsers never keep it), each error beside its field.
    return TemplateResponse(request, "admin/authorizations/authorizationrequest/received.html", {
        **model_admin.admin_site.each_context(request),
        "title": f"{req.number}: record a document received by fax or mail",
        "opts": model_admin.model._meta, "original": req, "form": form,
        "change_url": reverse("admin:authorizations_authorizationrequest_change",
                              args=[req.pk]),
    }, status=413 if request.upload_limit.too_large else 400)
