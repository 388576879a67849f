"""The prescriber's pages besides the wizard (see wizard/): thin views that
read through selectors and write through services."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import policy, selectors, services
from .models import Status
from .wizard import SERVICE_NAME, prescriber_or_refuse
from .wizard.forms import DiscardForm


def prescriber_required(view):
    """Only prescribers; `request.htc` is theirs, and every read filters on it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile, refused = prescriber_or_refuse(request)
        if refused:
            return refused
        request.prescriber_profile = profile
        return view(request, *args, **kwargs)

    return wrapper


def home(request):
    return redirect("dashboard" if request.user.is_authenticated else "login")


@prescriber_required
def dashboard(request):
    htc = request.prescriber_profile.htc
    requests = selectors.dashboard_rows(htc)
    return render(request, "authorizations/dashboard.html", {
        "page_title": f"Your requests – {SERVICE_NAME}",
        "htc": htc,
        "drafts": [r for r in requests if r.status == Status.DRAFT],
        "submitted": [r for r in requests if r.status != Status.DRAFT],
    })


def _letter_url(req) -> str | None:
    # The letters module adds this route; until it does, there is no link.
    try:
        return reverse("request_letter", args=[req.pk])
    except NoReverseMatch:
        return None


RESULT_HEADINGS = {
    Status.APPROVED: "Approved",
    Status.PENDING_REVIEW: "Sent to clinical review",
    Status.DENIED: "Denied",
}


@prescriber_required
def request_detail(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    if req.status == Status.DRAFT:
        return redirect("request_resume", pk=req.pk)
    services.audit(by=request.user, action="view", obj=req)
    determination = selectors.latest_determination(req)
    criteria = selectors.criterion_rows(determination.trace) if determination else []
    return render(request, "authorizations/request_detail.html", {
        "page_title": f"{req.number}: {req.get_status_display()} – {SERVICE_NAME}",
        "heading": RESULT_HEADINGS[req.status],
        "req": req,
        "determination": determination,
        "criteria": criteria,
        "unmet": [c for c in criteria if c.status == policy.UNMET],
        "authorization": selectors.authorization_or_none(req),
        "letter_url": _letter_url(req),
    })


@prescriber_required
def request_export(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    services.audit(by=request.user, action="export", obj=req)
    response = JsonResponse(selectors.export_payload(req), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'inline; filename="{req.number}.json"'
    response["Cache-Control"] = "no-store"  # patient data
    return response


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_discard(request, pk: int):
    htc = request.prescriber_profile.htc
    req = selectors.request_for_htc(htc=htc, pk=pk)
    if req.status != Status.DRAFT:
        return redirect("request_detail", pk=req.pk)
    if request.method == "POST" and DiscardForm(request.POST).is_valid():
        number = req.number
        services.request_discard(by=request.user, req=req)
        messages.success(request, f"Draft {number} was discarded.")
        return redirect("dashboard")
    return render(request, "authorizations/request_discard.html", {
        "page_title": f"Discard draft {req.number}? – {SERVICE_NAME}",
        "req": req,
    })


@login_required
@require_POST
def session_keepalive(request):
    """"Stay signed in" from the timeout warning: any request restarts the
    idle clock (the session is saved on every request); nothing else to do."""
    return HttpResponse(status=204)


def csrf_failure(request, reason=""):
    """Explain a CSRF failure (usually an expired session) without losing work:
    drafts are saved at every step, so the user can log in and resume."""
    return render(request, "csrf_failure.html",
                  {"page_title": f"Your page expired – {SERVICE_NAME}"}, status=403)
