"""The prescriber's side of the conversation after submission: the response
to a reviewer's request for information (changed answers through the wizard's
own step forms, documents, a note), the "Information needed" letter, an
expedited review asked for after submission, and a peer-to-peer discussion."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_GET, require_http_methods

from authorizations import policy
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.core.pages import SERVICE_NAME, prescriber_required
from authorizations.documents.selectors import document_rows
from authorizations.letters.pages import can_read_letters, wants_member_copy
from authorizations.letters.services import information_member_copy
from authorizations.models import (
    AuthorizationRequest,
    InformationRequest,
    InvalidTransition,
    Status,
)
from authorizations.policy import QUESTION_BY_KEY
from authorizations.requests import selectors
from authorizations.requests.wizard.forms import REVIEW, STEP_FORMS, STEPS
from authorizations.requests.wizard.storage import merge_answers
from authorizations.review import conversation, timeline
from authorizations.review import selectors as review_selectors
from authorizations.review import services as review_services
from authorizations.review.conversation import answers_change
from authorizations.review.forms import ExpediteForm, PeerToPeerRequestForm, ResponseForm
from authorizations.review.services import (
    information_respond,
    open_information_request,
    peer_to_peer_request,
)

log = logging.getLogger(__name__)


def information_rows(req: AuthorizationRequest):
    return timeline.information_rows(req)


def changeable_steps(req: AuthorizationRequest) -> list[tuple[str, str]]:
    """(step, title) of the wizard steps asked for these answers: a step none
    of whose questions is asked (the bleeding history, unless moderately
    severe) is not offered."""
    return [(step, form.title) for step, form in STEPS if step != REVIEW
            and any(QUESTION_BY_KEY[k].is_asked(req.answers) for k in form.keys)]


def _awaiting(request, req: AuthorizationRequest) -> InformationRequest | None:
    ir = open_information_request(req)
    if req.status != Status.INFORMATION_REQUESTED or ir is None:
        messages.info(request, f"{req.number} is not waiting for information.")
        return None
    return ir


def _step_links(req: AuthorizationRequest) -> list[dict]:
    # Every step asked for these answers: the policy keeps no map from a
    # criterion to its questions, and the reviewer's message says what to change.
    return [{"title": title, "url": reverse("request_respond_step", args=[req.pk, step])}
            for step, title in changeable_steps(req)]


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_respond(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    ir = _awaiting(request, req)
    if ir is None:
        return redirect("request_detail", pk=req.pk)
    form = ResponseForm(request.POST or None)
    problems: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            req = information_respond(by=request.user, req=req,
                                      note=form.cleaned_data["note"])
        except policy.InvalidCase as exc:
            # The changed answers need more (a question a change made asked):
            # each problem names its question and links to its step.
            problems = [(reverse("request_respond_step", args=[
                req.pk, QUESTION_BY_KEY[p.key].step]) if p.key in QUESTION_BY_KEY else "",
                         f"{QUESTION_BY_KEY[p.key].label if p.key in QUESTION_BY_KEY else p.key}: "
                         f"{p.message}") for p in exc.problems]
        else:
            messages.success(request, f"Your response was sent. {req.number} is now "
                                      f"{req.get_status_display().lower()}.")
            return redirect("request_detail", pk=req.pk)
    row = next(r for r in information_rows(req) if r["obj"].pk == ir.pk)
    here = reverse("request_respond", args=[req.pk])
    return render(request, "authorizations/response/respond.html", {
        "page_title": f"{'Error: ' if form.errors or problems else ''}Respond: {req.number} "
                      f"– {SERVICE_NAME}",
        "req": req, "info": row, "form": form, "problems": problems,
        "steps": _step_links(req),
        "versions": review_selectors.answer_versions(req),
        "documents": document_rows(req),
        "documents_url": reverse("request_documents", args=[req.pk]) + "?next=" + here,
        "letter_url": reverse("request_information_letter", args=[req.pk, ir.pk]),
    }, status=400 if form.errors or problems else 200)


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_respond_step(request, pk: int, step: str):
    """One wizard step's form, the wizard's own, with the current answers;
    a valid change is kept as a new version of the answers."""
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    if _awaiting(request, req) is None:
        return redirect("request_detail", pk=req.pk)
    if step not in dict(changeable_steps(req)):
        # The review step, or a step none of whose questions these answers ask.
        messages.info(request, "That step has no questions for this request.")
        return redirect("request_respond", pk=req.pk)
    form_class = STEP_FORMS[step]
    if request.method == "POST":
        form = form_class(request.POST, prefix=step)
        if form.is_valid():
            answers = merge_answers(req.answers, form_class.keys, form.answers())
            version = answers_change(by=request.user, req=req, step=step,
                                     answers=answers)
            if version is None:
                messages.info(request, f"Nothing changed on {form.title}.")
            else:
                messages.success(request, f"Saved your changes to {form.title} as version "
                                          f"{version.number} of the answers. Send your "
                                          "response when you are ready.")
            return redirect("request_respond", pk=req.pk)
    else:
        raw = form_class.raw_data(req.answers)
        form = form_class(MultiValueDict({f"{step}-{k}": [v] for k, v in raw.items()}),
                          prefix=step) if raw else form_class(prefix=step)
    errors = form.error_summary() if request.method == "POST" and form.errors else []
    return render(request, "authorizations/response/respond_step.html", {
        "page_title": f"{'Error: ' if errors else ''}Change answers: {form.title} – "
                      f"{req.number} – {SERVICE_NAME}",
        "req": req, "form": form, "error_summary": errors, "intro": form.intro,
        "back_url": reverse("request_respond", args=[req.pk]),
    }, status=400 if errors else 200)


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_expedite(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    if req.status not in conversation.EXPEDITE_STATUSES or req.expedited:
        messages.info(request, f"{req.number} cannot be expedited: it is "
                               f"{'already expedited' if req.expedited else 'decided'}.")
        return redirect("request_detail", pk=req.pk)
    form = ExpediteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = conversation.request_expedite(by=request.user, req=req,
                                                reason=form.cleaned_data["reason"])
        except (InvalidTransition, ValueError) as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, f"{req.number} is now an expedited review.")
            return redirect("request_detail", pk=req.pk)
    errors = form.error_summary() if form.is_bound else []
    return render(request, "authorizations/response/expedite.html", {
        "page_title": f"{'Error: ' if errors else ''}Ask for an expedited review: "
                      f"{req.number} – {SERVICE_NAME}",
        "req": req, "form": form, "error_summary": errors,
        "pended": req.status == Status.INFORMATION_REQUESTED,
    }, status=400 if errors else 200)


@prescriber_required
@require_http_methods(["GET", "POST"])
def request_peer_to_peer(request, pk: int):
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    if req.status not in review_services.P2P_REQUEST_STATUSES:
        messages.info(request, f"{req.number} is {req.get_status_display().lower()}: a "
                               "peer-to-peer discussion is for a pended or denied request.")
        return redirect("request_detail", pk=req.pk)
    form = PeerToPeerRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            peer_to_peer_request(by=request.user, req=req, note=data["note"],
                                 times=[data.get(f"time_{i}") for i in (1, 2, 3)])
        except (InvalidTransition, ValueError) as exc:
            form.add_error("time_1", str(exc))
        else:
            messages.success(request, f"Your request for a peer-to-peer discussion of "
                                      f"{req.number} was sent; the reviewer will schedule one "
                                      "of your times.")
            return redirect("request_detail", pk=req.pk)
    errors = form.error_summary() if form.is_bound else []
    return render(request, "authorizations/response/peer_to_peer.html", {
        "page_title": f"{'Error: ' if errors else ''}Ask for a peer-to-peer discussion: "
                      f"{req.number} – {SERVICE_NAME}",
        "req": req, "form": form, "error_summary": errors,
        "discussions": review_selectors.peer_to_peer_rows(req),
    }, status=400 if errors else 200)


@require_GET
@login_required
def information_letter(request, pk: int, ir_id: int):
    req = get_object_or_404(AuthorizationRequest, pk=pk)
    if not can_read_letters(request.user, req):
        raise Http404
    ir = get_object_or_404(InformationRequest, pk=ir_id, request=req)
    if wants_member_copy(request):  # `?copy=member`: the member's copy, for mailing
        pdf = bytes(information_member_copy(ir, by=request.user).pdf)
        audit(by=request.user, action=AuditAction.DOWNLOAD, obj=req,
              information_request=ir.pk, kind="info", copy="member")
        name = f"{req.number}-information-needed-member-copy.pdf"
    else:
        pdf = review_services.information_letter(ir, by=request.user)
        audit(by=request.user, action=AuditAction.DOWNLOAD, obj=req,
              information_request=ir.pk, kind="info")
        name = f"{req.number}-information-needed.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
