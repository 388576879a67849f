"""The documents on the request's admin page: the reviewer opens one, or
records one received outside the system (fax, mail; the file's checks are the
upload's, through document_received). authorizations/admin.py adds `urls` and
`request_context` to the request's admin page."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from authorizations.documents import services as documents
from authorizations.documents.forms import ReceivedDocumentForm
from authorizations.documents.selectors import admin_document_rows
from authorizations.documents.services import DocumentRefused
from authorizations.documents.views import document_response
from authorizations.review.conversation import document_received


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


def admin_document(model_admin, request, pk: int, doc_id: int):
    """A document of a request the reviewer can open in the admin; audited."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    req = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    doc = documents.document_read(by=request.user, doc=documents.document_of(req, doc_id),
                                  via="admin")
    return document_response(doc)


def urls(model_admin) -> list:
    """The documents' routes on the request's admin page."""
    site = model_admin.admin_site
    received = partial(received_document_view, model_admin)
    # Its CSRF check runs inside, after the upload limit is in place: the
    # admin must not check (and so read the body) first.
    received.csrf_exempt = True
    return [
        path("<int:pk>/received-document/", site.admin_view(require_POST(received)),
             name="authorizations_authorizationrequest_received_document"),
        # Sets its own Cache-Control (private, no-store), hence cacheable.
        path("<int:pk>/documents/<int:doc_id>/",
             site.admin_view(partial(admin_document, model_admin), cacheable=True),
             name="authorizations_authorizationrequest_document"),
    ]


def request_context(request, req) -> dict:
    return {"documents": admin_document_rows(req), "received_form": ReceivedDocumentForm()}
