"""Supporting documents: the prescriber's documents page (list and upload),
download and removal from a draft. Thin views: the checks and writes are in
services.py, the form in forms.py, the rows in selectors.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
    urlencode,
)
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from authorizations.core import access
from authorizations.core.pages import SERVICE_NAME, prescriber_required
from authorizations.documents import services as documents
from authorizations.documents.forms import DocumentForm, upload_context
from authorizations.documents.selectors import document_rows, status_note
from authorizations.documents.services import DocumentRefused
from authorizations.models import AuthorizationRequest, Document, Status
from authorizations.requests import selectors
from authorizations.requests.services import NotADraft


def safe_target(request, req: AuthorizationRequest, target: str | None) -> str:
    """`target` if it is a page of this request, else ""."""
    target = target or ""
    if target.startswith(f"/requests/{req.pk}/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def back_link(req: AuthorizationRequest, back: str) -> tuple[str, str]:
    if back:
        if "/edit/" in back:
            return back, "Back to the review"
        if "/respond/" in back:
            return back, "Back to your response"
        return back, f"Back to {req.number}"
    if req.status == Status.DRAFT:
        return reverse("request_resume", args=[req.pk]), "Back to your draft"
    return reverse("request_detail", args=[req.pk]), f"Back to {req.number}"


def document_response(doc: Document) -> StreamingHttpResponse:
    """The document as a download, streamed from the database."""
    response = StreamingHttpResponse(documents.content_chunks(doc),
                                     content_type=doc.content_type)
    response["Content-Length"] = str(doc.size)
    response["Content-Disposition"] = content_disposition_header(True, doc.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    # Patient data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    # Opened in a tab after all: no script, no requests, a sandbox.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --------------------------------------------------------------------------
# The prescriber's pages
# --------------------------------------------------------------------------

@csrf_exempt  # checked in _documents_page, once the upload limit is in place
def request_documents(request, pk: int):
    """GET: the request's documents and the upload form. POST (multipart:
    `file`, `kind`, optional `criterion`, optional `next`): add one, then go
    to `next` (e.g. the review page the form was on) or back to this page."""
    if request.method == "POST":
        # Before anything reads the body (the CSRF check does).
        request.upload_limit = documents.UploadLimit(request)
        request.upload_handlers.insert(0, request.upload_limit)
    return _documents_page(request, pk)


@prescriber_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def _documents_page(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    # `next` comes with an upload from another page (the review); `back`
    # (from ?next= or the form) is where this page's "Back" link goes.
    next_url = safe_target(request, req, request.POST.get("next"))
    back = safe_target(request, req, request.POST.get("back") or request.GET.get("next"))
    status = 200
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        form.is_valid()
        limit = request.upload_limit
        upload = request.FILES.get("file")
        if limit.too_large:
            form.add_error("file", documents.too_large_message(limit.refused_name))
            status = 413
        elif upload is None:
            form.add_error("file", "Choose a PDF, PNG or JPEG file to upload.")
        if not form.errors:
            try:
                doc = documents.document_add(by=request.user, req=req, upload=upload,
                                             kind=form.cleaned_data["kind"],
                                             criterion=form.cleaned_data["criterion"])
            except DocumentRefused as refused:
                form.add_error(refused.field, refused.message)
                status = 413 if refused.code == "too_large" else 400
            else:
                # Kind and number only: a file name may name the patient, and
                # messages travel in a cookie.
                messages.success(request, f"Added the document ({doc.get_kind_display()}) "
                                          f"to {req.number}.")
                here = reverse("request_documents", args=[req.pk])
                return redirect(next_url or (f"{here}?{urlencode({'next': back})}" if back
                                             else here))
        status = status if status != 200 else 400
    else:
        form = DocumentForm()
    rows = document_rows(req)
    back_url, back_label = back_link(req, next_url or back)
    errors = form.error_summary() if form.is_bound else []
    return render(request, "authorizations/documents/list.html", {
        **upload_context(req, form, len(rows), next_url, back),
        "page_title": f"{'Error: ' if errors else ''}Supporting documents for {req.number} "
                      f"– {SERVICE_NAME}",
        "rows": rows,
        "error_summary": errors,
        "can_remove": req.status == Status.DRAFT,
        "status_note": status_note(req),
        "back_url": back_url,
        "back_label": back_label,
    }, status=status)


def readable_request(user, pk: int) -> AuthorizationRequest:
    """The request if `user` may read its documents (its HTC's prescribers,
    and reviewers once it is submitted); 404 otherwise, so a stranger does not
    learn it exists."""
    profile = access.prescriber_profile(user)
    if profile is not None:
        req = selectors.requests_for_htc(profile.htc).filter(pk=pk).first()
        if req is not None:
            return req
    if access.is_reviewer(user):
        return get_object_or_404(AuthorizationRequest.objects.exclude(status=Status.DRAFT),
                                 pk=pk)
    raise Http404


@require_GET
@login_required
def request_document(request, pk: int, doc_id: int):
    req = readable_request(request.user, pk)
    doc = documents.document_read(by=request.user, doc=documents.document_of(req, doc_id))
    return document_response(doc)


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_document_remove(request, pk: int, doc_id: int):
    """A confirmation page; a POST with `confirm=yes` removes a draft's document."""
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    doc = documents.document_of(req, doc_id)
    back = reverse("request_documents", args=[req.pk])
    if req.status != Status.DRAFT:
        messages.error(request, f"{req.number} was submitted: its documents can no longer be "
                                "removed.")
        return redirect(back)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            documents.document_remove(by=request.user, doc=doc)
        except NotADraft:
            messages.error(request, f"{req.number} was submitted: its documents can no "
                                    "longer be removed.")
        else:
            messages.success(request, f"Removed the document ({doc.get_kind_display()}) "
                                      f"from {req.number}.")
        return redirect(back)
    return render(request, "authorizations/documents/remove.html", {
        "page_title": f"Remove a document from {req.number}? – {SERVICE_NAME}",
        "req": req,
        "doc": doc,
        "back_url": back,
    })
