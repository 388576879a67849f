"""The reviewer's desk on the request's admin page: claim, take over and
reassign a case; ask for and sign an exception (two keys); read a document
inside the page. Each POST goes through one service and back to the page
(or, for a claim from the queue, back to the queue)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from authorizations.documents.services import document_of
from authorizations.models import (
    OPEN_STATUSES,
    AuthorizationRequest,
    DecisionException,
    InvalidTransition,
)
from authorizations.requests.selectors import criterion_name
from authorizations.requests.services import LifetimeLimitReached
from authorizations.review import desk_services, document_pages
from authorizations.review.forms import ExceptionForm
from authorizations.review.services import (
    ConflictOfInterest,
    NotTheOwner,
    display_name,
    exception_criteria,
)

REFUSALS = (ConflictOfInterest, NotTheOwner, InvalidTransition, ValueError, PermissionDenied,
            LifetimeLimitReached)


def _page(req: AuthorizationRequest, fragment: str = "") -> str:
    return reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]) + fragment


def _back(request, req: AuthorizationRequest, fragment: str = "") -> HttpResponseRedirect:
    """To `next` when it is this site's (a claim from the queue), else the case."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(_page(req, fragment))


def _run(request, done: str, write: Callable[[], Any], refused: str = "Nothing changed") -> bool:
    try:
        write()
    except REFUSALS as exc:
        messages.error(request, f"{refused}: {exc}")
        return False
    messages.success(request, done)
    return True


def _case(model_admin, request, pk: int) -> AuthorizationRequest:
    if not model_admin.has_decide_permission(request):
        raise PermissionDenied
    return get_object_or_404(model_admin.get_queryset(request), pk=pk)


def claim_view(model_admin, request, pk: int):
    req = _case(model_admin, request, pk)
    _run(request, f"You own {req.number} now.",
         lambda: desk_services.case_claim(by=request.user, req=req))
    return _back(request, req)


def take_over_view(model_admin, request, pk: int):
    req = _case(model_admin, request, pk)
    _run(request, f"You took over {req.number}; its previous owner is on record.",
         lambda: desk_services.case_take_over(by=request.user, req=req))
    return _back(request, req, "#decide")


def reassign_view(model_admin, request, pk: int):
    req = _case(model_admin, request, pk)
    to = get_user_model().objects.filter(pk=request.POST.get("to") or 0).first()
    if to is None:
        messages.error(request, "Nothing changed: Reassign to: choose a reviewer.")
        return _back(request, req, "#owner")
    _run(request, f"{req.number} is {display_name(to)}'s now.",
         lambda: desk_services.case_reassign(by=request.user, req=req, to=to))
    return _back(request, req, "#owner")


def exception_view(model_admin, request, pk: int):
    """The first key: the reason code and the rationale. Errors show the page
    again with what was typed."""
    req = _case(model_admin, request, pk)
    form = ExceptionForm(request.POST)
    if form.is_valid() and _run(
            request, f"The exception on {req.number} awaits a second reviewer's signature.",
            lambda: desk_services.exception_ask(by=request.user, req=req, **form.cleaned_data),
            refused="Nothing was asked"):
        return _back(request, req, "#decide")
    if not form.errors:
        return _back(request, req, "#decide")
    # The case's page again, its form holding what was typed: shown as a GET
    # would show it (the admin's change view would take a POST for an edit).
    request.method = "GET"
    return model_admin.change_view(request, str(req.pk), extra_context={
        "exception_form": form, "exception_error": "Nothing was asked: correct the form."})


def sign_view(model_admin, request, pk: int):
    req = _case(model_admin, request, pk)
    exc = get_object_or_404(DecisionException, pk=request.POST.get("exception") or 0,
                            request=req)
    _run(request, f"{req.number} is approved under two keys. Its letter is on this page.",
         lambda: desk_services.exception_sign(by=request.user, exception=exc),
         refused="Nothing was signed")
    return _back(request, req, "#decide")


def document_page_view(model_admin, request, pk: int, doc_id: int):
    """One page (`?page=`, from 1) of a document as an image, for the page's
    own viewer; audited."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    req = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    doc = document_of(req, doc_id)
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    try:
        data, content_type = document_pages.page_image(doc, number)
    except document_pages.NoSuchPage:
        raise Http404("No such page") from None
    desk_services.document_opened(by=request.user, doc=doc, page=number)
    response = HttpResponse(data, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Patient data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


def document_viewer(model_admin, request, pk: int, doc_id: int):
    """Every page of one document, inside the admin."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    req = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    doc = document_of(req, doc_id)
    image = reverse("admin:authorizations_authorizationrequest_page", args=[req.pk, doc.pk])
    pages = [{"number": n, "url": f"{image}?page={n}"}
             for n in range(1, document_pages.page_count(doc) + 1)]
    return TemplateResponse(request, "admin/authorizations/authorizationrequest/viewer.html", {
        **model_admin.admin_site.each_context(request),
        "title": f"{req.number}: {doc.get_kind_display()}", "opts": model_admin.model._meta,
        "original": req, "doc": doc, "pages": pages, "change_url": _page(req, "#criteria"),
    })


def desk_context(request, req: AuthorizationRequest, *, may_decide: bool,
                 decidable: bool) -> dict[str, Any]:
    """The owner, the exception, and what this reviewer may do about them."""
    user = request.user
    pending = desk_services.pending_exception(req)
    is_open = req.status in OPEN_STATUSES
    lead = user.has_perm(desk_services.REASSIGN_PERMISSION)
    reviewers = (get_user_model().objects.filter(groups__name="Reviewers", is_active=True)
                 .order_by("last_name", "username") if lead and is_open else [])
    return {
        "owner_name": display_name(req.owner),
        "owned_by_me": req.owner_id == user.pk,
        "owned_by_other": req.owner_id not in (None, user.pk),
        "may_claim": may_decide and is_open and req.owner_id is None,
        "may_take_over": may_decide and is_open and req.owner_id not in (None, user.pk),
        # Requests for information and peer-to-peer on another's open case: take it over first.
        "needs_take_over": is_open and req.owner_id not in (None, user.pk),
        "reviewers": [{"pk": r.pk, "name": display_name(r)} for r in reviewers],
        "pending_exception": pending,
        "exception_names": [criterion_name(c) for c in pending.criteria] if pending else [],
        "sign_refusal": desk_services.took_part_in_exception(user, pending) if pending else "",
        "needs_exception": decidable and bool(exception_criteria(req)),
        "exception_form": ExceptionForm(),
    }


def urls(model_admin) -> list:
    site = model_admin.admin_site

    def post(view):
        return site.admin_view(require_POST(partial(view, model_admin)))

    name = "authorizations_authorizationrequest_"
    return [
        path("<int:pk>/claim/", post(claim_view), name=name + "claim"),
        path("<int:pk>/take-over/", post(take_over_view), name=name + "take_over"),
        path("<int:pk>/reassign/", post(reassign_view), name=name + "reassign"),
        path("<int:pk>/exception/", post(exception_view), name=name + "exception"),
        path("<int:pk>/exception/sign/", post(sign_view),
             name=name + "exception_sign"),
        # Sets its own Cache-Control (private, no-store), hence cacheable.
        path("<int:pk>/documents/<int:doc_id>/image/",
             site.admin_view(partial(document_page_view, model_admin), cacheable=True),
             name=name + "page"),
        path("<int:pk>/documents/<int:doc_id>/view/",
             site.admin_view(partial(document_viewer, model_admin)), name=name + "viewer"),
    ]
