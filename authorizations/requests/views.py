"""The prescriber's pages besides the wizard (see wizard/), and the letter
download: thin views that read through selectors and write through services."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from authorizations import policy
from authorizations.appeals import selectors as appeal_selectors
from authorizations.core import access, zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.core.pages import SERVICE_NAME, prescriber_required
from authorizations.letters import selectors as letter_selectors
from authorizations.letters.pages import can_read_letters, letter_download, wants_member_copy
from authorizations.letters.services import letter_latest
from authorizations.models import AuthorizationRequest, Status
from authorizations.policy.values import ExactJSONEncoder
from authorizations.requests import ehr_services, selectors
from authorizations.requests import services as request_services
from authorizations.requests.wizard.forms import DiscardForm
from authorizations.review import timeline
from authorizations.treatment import selectors as treatment_selectors

log = logging.getLogger(__name__)


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
        "follow_ups_due": treatment_selectors.follow_ups_due(htc),
    })


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_from_ehr(request, token: str):
    """The CRD card's link. GET shows what the EHR sent and asks to start: a
    link scanner or a browser's prefetch must not use the one-time link up.
    POST starts the draft, opened on its first step. Unknown, another HTC's,
    used or expired: 404."""
    htc = request.prescriber_profile.htc
    if request.method == "POST":
        try:
            req = ehr_services.ehr_launch_open(by=request.user, htc=htc, token=token)
        except ehr_services.LaunchNotFound:
            raise Http404("This link from the EHR was already used or has expired.") from None
        messages.info(request, f"Draft {req.number} started with the answers your EHR sent. "
                               "Check them as you go: the review marks each one “Filled from "
                               "the EHR”.")
        return redirect("request_resume", pk=req.pk)
    found = selectors.ehr_launch_to_confirm(htc=htc, token=token)
    if found is None:
        raise Http404("This link from the EHR was already used or has expired.")
    launch, rows = found
    ehr_services.ehr_launch_view(by=request.user, launch=launch)  # issue 22: PHI shown
    return render(request, "authorizations/request_from_ehr.html", {
        "page_title": f"Start a request from your EHR – {SERVICE_NAME}", "rows": rows})


RESULT_HEADINGS = {
    Status.APPROVED: "Approved",
    Status.PENDING_REVIEW: "Sent to clinical review",
    Status.INFORMATION_REQUESTED: "Information needed",
    Status.DENIED: "Denied",
}


@prescriber_required
def request_detail(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    if req.status == Status.DRAFT:
        return redirect("request_resume", pk=req.pk)
    audit(by=request.user, action=AuditAction.VIEW, obj=req)
    determination = selectors.latest_determination(req)
    criteria = selectors.criterion_rows(determination.trace) if determination else []
    auth = selectors.authorization_or_none(req)
    return render(request, "authorizations/request_detail.html", {
        "page_title": f"{req.number}: {req.get_status_display()} – {SERVICE_NAME}",
        "heading": RESULT_HEADINGS[req.status],
        "req": req,
        "determination": determination,
        "criteria": criteria,
        "unmet": [c for c in criteria if c.status == policy.UNMET],
        "review_flags": selectors.flag_texts(req),
        "authorization": auth,
        "authorization_state_code": auth.status_on(zones.today()) if auth else None,
        "authorization_state": treatment_selectors.authorization_state(auth),
        "letter_url": reverse("request_letter", args=[req.pk]),
        "member_letter_url": reverse("request_letter", args=[req.pk]) + "?copy=member",
        # The worker renders the letter after the submit returns (issue 21).
        "letter_preparing": letter_selectors.letter_preparing(req),
        **response_context(req),
    })


def response_context(req: AuthorizationRequest) -> dict:
    """The open request for information, the timeline and the conversation."""
    rows = timeline.information_rows(req)
    open_rows = [r for r in rows if r["obj"].responded_at is None]
    return {"information": open_rows[-1] if open_rows else None,
            "respond_url": reverse("request_respond", args=[req.pk]),
            "timeline": timeline.timeline(req),
            **timeline.conversation_context(req),
            # The appeal of a denial: its state and clock, or the link to file one.
            "appeals": appeal_selectors.appeal_rows(req),
            "appeal_offer": appeal_selectors.appeal_offer(req)}


@prescriber_required
def request_export(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    audit(by=request.user, action=AuditAction.EXPORT, obj=req)
    # Exact numbers: a decimal is written from its own digits, "<N" stays text.
    response = JsonResponse(selectors.export_payload(req), encoder=ExactJSONEncoder,
                            json_dumps_params={"indent": 2})
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
        request_services.request_discard(by=request.user, req=req)
        messages.success(request, f"Draft {number} was discarded.")
        return redirect("dashboard")
    return render(request, "authorizations/request_discard.html", {
        "page_title": f"Discard draft {req.number}? – {SERVICE_NAME}",
        "req": req,
    })


@require_GET
@login_required
def request_letter(request, pk: int):
    """The request's latest determination letter (PDF): the prescriber's copy,
    or with `?copy=member` the member's."""
    req = get_object_or_404(AuthorizationRequest, pk=pk)
    # 404, not 403: a stranger must not learn that the request exists.
    if not can_read_letters(request.user, req):
        raise Http404
    wants_member_copy(request)  # an unknown copy is a 404 before anything renders
    try:
        letter = letter_latest(req, by=request.user)
        if letter is None:
            raise Http404("This request has no decision yet.")
        return letter_download(request, req, letter, filename=f"{req.number}-{letter.kind}")
    except Http404:
        raise
    except Exception:  # noqa: BLE001 - any renderer fault: the decision still stands
        log.exception("letter rendering failed for request %s", req.pk)
        back = "admin:authorizations_authorizationrequest_change" if access.is_reviewer(
            request.user) else "request_detail"
        return render(request, "letters/unavailable.html",
                      {"request_number": req.number, "back_url": reverse(back, args=[req.pk])},
                      status=503)


@login_required
@require_POST
def session_keepalive(request):
    """"Stay signed in" from the timeout warning: the idle clock restarts now
    (pages renew it at most once a minute, core/sessions.py; this one always)."""
    request.session.modified = True
    return HttpResponse(status=204)


def csrf_failure(request, reason=""):
    """Explain a CSRF failure (usually an expired session) without losing work:
    drafts are saved at every step, so the user can log in and resume."""
    return render(request, "csrf_failure.html",
                  {"page_title": f"Your page expired – {SERVICE_NAME}"}, status=403)
