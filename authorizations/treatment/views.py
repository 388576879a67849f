"""The prescriber's treatment pages: cancel an authorization, record the
infusion, the follow-up schedule and one follow-up's assessment. Thin views:
access first (another HTC's request is a 404), reads through the selectors,
writes through the services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from authorizations.core.pages import SERVICE_NAME, prescriber_required
from authorizations.models import AuthorizationStatus, FollowUp
from authorizations.requests import selectors
from authorizations.treatment import schedule
from authorizations.treatment import selectors as treatment_selectors
from authorizations.treatment.authorizations import (
    AuthorizationStateError,
    authorization_transition,
    may_cancel,
)
from authorizations.treatment.forms import CancelForm, FollowUpForm, InfusionForm, follow_up_answers
from authorizations.treatment.services import TreatmentError, followup_save, infusion_record


def _authorized(request, pk: int):
    """The HTC's request and its authorization, or 404."""
    req = selectors.request_for_htc(htc=request.prescriber_profile.htc, pk=pk)
    auth = selectors.authorization_or_none(req)
    if auth is None:
        raise Http404("This request has no authorization.")
    return req, auth


def _refused(form, exc: TreatmentError | AuthorizationStateError) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


@prescriber_required
@require_http_methods(["GET", "POST"])
def authorization_cancel(request, pk: int):
    req, auth = _authorized(request, pk)
    state = auth.status_on(treatment_selectors.today())
    form = CancelForm(request.POST or None)
    if state != AuthorizationStatus.ACTIVE:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            authorization_transition(by=request.user, auth=auth,
                                     to=AuthorizationStatus.CANCELLED,
                                     reason=form.cleaned_data["reason"])
        except AuthorizationStateError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"Authorization {auth.number} was cancelled.")
            return redirect("request_detail", pk=req.pk)
    return render(request, "authorizations/treatment/cancel.html", {
        "page_title": f"Cancel authorization {auth.number}? – {SERVICE_NAME}",
        "req": req, "auth": auth, "form": form,
        "state": treatment_selectors.authorization_state(auth),
        "may_cancel": may_cancel(request.user, auth),
        "error_summary": form.error_summary() if form is not None and form.is_bound else [],
    })


def _site_initial(req) -> dict[str, str]:
    return {"site_name": req.answers.get("site_of_care_name", ""),
            "site_npi": req.answers.get("site_of_care_npi", "")}


@prescriber_required
@require_http_methods(["GET", "POST"])
def infusion(request, pk: int):
    req, auth = _authorized(request, pk)
    current = treatment_selectors.current_infusion(auth)
    state = auth.status_on(treatment_selectors.today())
    form = None
    if current is None and state == AuthorizationStatus.ACTIVE:
        form = InfusionForm(request.POST or None, initial=_site_initial(req))
        if request.method == "POST" and form.is_valid():
            try:
                infusion_record(by=request.user, auth=auth, data=form.service_data())
            except TreatmentError as exc:
                _refused(form, exc)
            else:
                messages.success(request, "The infusion is recorded and the follow-up "
                                          "schedule created.")
                return redirect("follow_ups", pk=req.pk)
    elif request.method == "POST":
        messages.error(request, "An infusion can be recorded only once, under an active "
                                "authorization.")
    preview = None
    if form is not None and form.is_bound and not form.errors.get("weight_kg") \
            and not form.errors.get("dose_gc_per_kg") and form.cleaned_data.get("weight_kg") \
            and form.cleaned_data.get("dose_gc_per_kg"):
        preview = treatment_selectors.dose_shown(form.cleaned_data["weight_kg"],
                                                 form.cleaned_data["dose_gc_per_kg"])
    return render(request, "authorizations/treatment/infusion.html", {
        "page_title": f"Infusion for {req.number} – {SERVICE_NAME}",
        "req": req, "auth": auth, "form": form, "preview": preview,
        "state": treatment_selectors.authorization_state(auth),
        "infusion": treatment_selectors.infusion_summary(current) if current else None,
        "error_summary": form.error_summary() if form is not None and form.is_bound else [],
    })


@prescriber_required
def follow_ups(request, pk: int):
    req, auth = _authorized(request, pk)
    return render(request, "authorizations/treatment/follow_ups.html", {
        "page_title": f"Follow-up for {req.number} – {SERVICE_NAME}",
        "req": req, "auth": auth,
        "infusion": treatment_selectors.current_infusion(auth),
        "rows": treatment_selectors.follow_up_rows(auth),
    })


@prescriber_required
@require_http_methods(["GET", "POST"])
def follow_up(request, pk: int, n: int):
    req, auth = _authorized(request, pk)
    fu = get_object_or_404(FollowUp, authorization=auth, number=n)
    state = fu.state_on(treatment_selectors.today())
    editable = fu.status == "open"
    form = None
    if editable:
        submitting = "submit" in request.POST
        form = FollowUpForm(request.POST or None, submitting=submitting,
                            initial=FollowUpForm.initial_from(fu.answers))
        if request.method == "POST" and form.is_valid():
            try:
                followup_save(by=request.user, follow_up=fu, answers=form.answers(),
                              submit=submitting)
            except TreatmentError as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"Follow-up {fu.number} was "
                                          f"{'submitted' if submitting else 'saved as a draft'}.")
                return redirect("follow_ups" if submitting else "follow_up",
                                *([req.pk] if submitting else [req.pk, fu.number]))
    elif request.method == "POST":
        messages.error(request, f"Follow-up {fu.number} is {fu.get_status_display().lower()}: "
                                "it cannot be changed.")
    return render(request, "authorizations/treatment/follow_up.html", {
        "page_title": f"Follow-up {fu.number} for {req.number} – {SERVICE_NAME}",
        "req": req, "auth": auth, "fu": fu, "form": form, "state": state,
        "state_label": schedule.STATE_LABELS[state],
        "answers": follow_up_answers(fu.answers) if not editable else [],
        "error_summary": form.error_summary() if form is not None and form.is_bound else [],
    })

