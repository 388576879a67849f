"""The treatment in the reviewer's workspace: infusions and follow-ups listed
(read-only; filters by state and HTC, overdue first), and on a request's page
its infusion (every version) and follow-ups, with small forms to cancel the
authorization and waive a follow-up, each posting to its own admin URL, and a
page to correct the infusion record (a new version); all write through the
services."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods, require_POST

from authorizations.core.admin import ReadOnlyAdmin
from authorizations.models import (
    AuthorizationRequest,
    AuthorizationStatus,
    FollowUp,
    Infusion,
)
from authorizations.requests import selectors
from authorizations.treatment import schedule
from authorizations.treatment import selectors as treatment_selectors
from authorizations.treatment.authorizations import (
    AuthorizationStateError,
    authorization_transition,
)
from authorizations.treatment.forms import InfusionForm, follow_up_answers, text
from authorizations.treatment.services import TreatmentError, followup_waive, infusion_correct

DECIDE_PERMISSION = "authorizations.decide_authorizationrequest"


class FollowUpStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(schedule.STATE_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in schedule.STATE_LABELS:
            return queryset.in_state(self.value(), treatment_selectors.today())
        return queryset


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "request_link", "htc", "due_on", "state")
    list_filter = (FollowUpStateFilter,
                   ("authorization__request__htc", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("authorization__request__htc",)
    fields = ("authorization", "number", "due_on", "status", "assessment", "submitted_at",
              "waived_reason", "updated_at")
    readonly_fields = ("assessment",)

    @admin.display(description="Assessment")
    def assessment(self, obj):
        rows = follow_up_answers(obj.answers)
        if not rows:
            return "Nothing entered yet."
        return format_html("<dl class=\"assessment\">{}</dl>", format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", rows))

    def get_queryset(self, request):
        day = treatment_selectors.today()
        # Overdue first, then due, then the rest; each by date.
        return super().get_queryset(request).annotate(urgency=Case(
            When(FollowUp.objects.state_q(schedule.OVERDUE, day), then=Value(0)),
            When(FollowUp.objects.state_q(schedule.DUE, day), then=Value(1)),
            default=Value(2), output_field=IntegerField())).order_by("urgency", "due_on", "pk")

    @admin.display(description="Request")
    def request_link(self, obj):
        return obj.authorization.request.number

    @admin.display(description="HTC")
    def htc(self, obj):
        return obj.authorization.request.htc.name

    @admin.display(description="State")
    def state(self, obj):
        return schedule.STATE_LABELS[obj.state_on(treatment_selectors.today())]


@admin.register(Infusion)
class InfusionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "infused_on", "version", "htc", "recorded_at")
    list_filter = ("authorization__status",
                   ("authorization__request__htc", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("authorization__request__htc",)
    ordering = ("-infused_on", "-version")

    @admin.display(description="HTC")
    def htc(self, obj):
        return obj.authorization.request.htc.name


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}), error_messages={"required": "Enter the reason"})


class CorrectionForm(InfusionForm):
    """The prescriber's infusion form, every field and the same checks, shown
    with the current version's values; and the reason for the correction."""

    reason = text("Reason for the correction", "the reason for the correction",
                  max_length=2000, area=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "correct-%s")
        super().__init__(*args, **kwargs)


def request_context(request, req: AuthorizationRequest) -> dict[str, Any]:
    """What the request's admin page shows of the treatment."""
    auth = selectors.authorization_or_none(req)
    if auth is None:
        return {}
    infusion = treatment_selectors.current_infusion(auth)
    may = request.user.has_perm(DECIDE_PERMISSION)
    state = auth.status_on(treatment_selectors.today())
    return {
        "treatment": {
            "auth": auth,
            "state": AuthorizationStatus(state).label,
            "can_cancel": may and state == AuthorizationStatus.ACTIVE,
            "cancel_url": reverse("admin:authorizations_authorizationrequest_cancel",
                                  args=[req.pk]),
            "infusion": treatment_selectors.infusion_summary(infusion) if infusion else None,
            "versions": [treatment_selectors.infusion_summary(v)
                         for v in treatment_selectors.infusion_versions(auth)],
            "correct_url": reverse("admin:authorizations_authorizationrequest_correct",
                                   args=[req.pk]),
            "can_change": may,
            "rows": [{"row": row, "waive_url": reverse(
                "admin:authorizations_authorizationrequest_waive", args=[req.pk, row.number])}
                     for row in treatment_selectors.follow_up_rows(auth)],
            "reason_form": ReasonForm(),
        },
    }


def urls(model_admin) -> list:
    site = model_admin.admin_site

    def guarded(view):
        def run(request, pk: int, **kwargs):
            if not request.user.has_perm(DECIDE_PERMISSION):
                raise PermissionDenied
            req = get_object_or_404(model_admin.get_queryset(request), pk=pk)
            auth = selectors.authorization_or_none(req)
            if auth is None:
                messages.error(request, "This request has no authorization.")
            else:
                view(request, req, auth, **kwargs)
            return HttpResponseRedirect(reverse(
                "admin:authorizations_authorizationrequest_change", args=[req.pk]))
        return site.admin_view(require_POST(run))

    return [
        path("<int:pk>/authorization/cancel/", guarded(_cancel),
             name="authorizations_authorizationrequest_cancel"),
        path("<int:pk>/infusion/correct/", site.admin_view(
            require_http_methods(["GET", "POST"])(partial(correct_view, model_admin))),
             name="authorizations_authorizationrequest_correct"),
        path("<int:pk>/follow-ups/<int:n>/waive/", guarded(_waive),
             name="authorizations_authorizationrequest_waive"),
    ]


def _cancel(request, req, auth) -> None:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was cancelled: enter the reason.")
        return
    try:
        authorization_transition(by=request.user, auth=auth,
                                 to=AuthorizationStatus.CANCELLED,
                                 reason=form.cleaned_data["reason"])
    except AuthorizationStateError as exc:
        messages.error(request, f"Nothing was cancelled: {exc}.")
    else:
        messages.success(request, f"Authorization {auth.number} was cancelled.")


def correct_view(model_admin, request, pk: int):
    """The reviewer's correction of the infusion record: the whole record,
    saved as a new version; the old one stays. An error shows the form again
    with what was typed."""
    if not request.user.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied
    req = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    change_url = reverse("admin:authorizations_authorizationrequest_change", args=[req.pk])
    auth = selectors.authorization_or_none(req)
    infusion = treatment_selectors.current_infusion(auth)
    if infusion is None:
        messages.error(request, "Nothing can be corrected: no infusion is recorded.")
        return HttpResponseRedirect(change_url)
    form = CorrectionForm(request.POST or None, initial=InfusionForm.initial_from(infusion))
    if request.method == "POST" and form.is_valid():
        try:
            new = infusion_correct(by=request.user, infusion=infusion,
                                   data=form.service_data(),
                                   reason=form.cleaned_data["reason"])
        except TreatmentError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"The infusion record is corrected "
                                      f"(version {new.version}).")
            return HttpResponseRedirect(change_url)
    return TemplateResponse(request, "admin/authorizations/treatment/correct.html", {
        **model_admin.admin_site.each_context(request),
        "title": f"Correct the infusion record of {req.number}",
        "opts": model_admin.model._meta, "original": req, "form": form,
        "infusion": infusion, "change_url": change_url,
        "error_summary": form.error_summary() if form.is_bound else [],
    }, status=400 if form.is_bound else 200)


def _waive(request, req, auth, n: int) -> None:
    fu = get_object_or_404(FollowUp, authorization=auth, number=n)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was waived: enter the reason.")
        return
    try:
        followup_waive(by=request.user, follow_up=fu, reason=form.cleaned_data["reason"])
    except TreatmentError as exc:
        messages.error(request, f"Nothing was waived: {exc}.")
    else:
        messages.success(request, f"Follow-up {fu.number} was waived.")


