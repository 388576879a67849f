"""The clinical reviewer's admin.

Pared down on purpose: the admin lets staff do anything by default, so every
record here is read-only, and the one write, approving or denying a pending
request, goes through request_decide from the request's own page.
The records, the HTC directory and the accounts are in records.py.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from authorizations import policy
from authorizations.appeals import selectors as appeal_selectors
from authorizations.core.audit import audit
from authorizations.documents import views as document_views
from authorizations.models import (
    HTC,
    PENDING_DUE,
    QUEUE_ORDER,
    AuditEvent,
    AuthorizationRequest,
    Determination,
    InvalidTransition,
    Status,
)
from authorizations.policy.values import long_date
from authorizations.requests import selectors
from authorizations.requests.selectors import STATUS_LABELS, display_answer
from authorizations.requests.services import (
    EXPEDITED_TURNAROUND,
    STANDARD_TURNAROUND,
    LifetimeLimitReached,
    request_decide,
)
from authorizations.requests.wizard import REVIEW as REVIEW_STEP
from authorizations.requests.wizard import STEPS as WIZARD_STEPS
from authorizations.review import timeline
from authorizations.review.admin import decide as decision_forms
from authorizations.review.services import (
    ConflictOfInterest,
    conflict_of_interest,
    information_request,
)
from authorizations.treatment import admin as treatment_admin

DECIDE_PERMISSION = "authorizations.decide_authorizationrequest"

# Reviewers use a handful of models, all on the index page; the sidebar would
# take the width the requests list needs.
admin.site.enable_nav_sidebar = False

def answer_groups(req: AuthorizationRequest) -> list[selectors.AnswerGroup]:
    """The answers by wizard step, as the prescriber's review shows them, test
    dates with their age at submission; the prescriber's facts last."""
    as_of = timezone.localdate(req.submitted_at) if req.submitted_at else None
    steps = [(step, "") for step, _form in WIZARD_STEPS if step != REVIEW_STEP]
    steps.append(("prescriber", ""))
    return selectors.answer_groups(req.answers, steps, as_of=as_of)


def criteria_rows(determination: Determination | None) -> list[dict[str, str]]:
    if determination is None:
        return []
    rows = [{"id": row["id"], "name": selectors.criterion_name(row["id"]),
             "text": row["text"], "reason": row["reason"],
             "status": row["status"], "status_label": STATUS_LABELS.get(row["status"],
                                                                        row["status"])}
            for row in determination.trace]
    # What is not met first (what the reviewer decides on), then in policy order.
    return sorted(rows, key=lambda row: row["status"] != policy.UNMET)


def detail_text(detail: dict[str, Any]) -> str:
    """An audit row's detail as words: `unmet: age, hiv; status: pending_review`."""
    parts = []
    for key, value in detail.items():
        if isinstance(value, list):
            value = ", ".join(map(str, value)) or "none"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def audit_rows(events) -> list[dict[str, Any]]:
    return [{"event": event, "detail": detail_text(event.detail)} for event in events]


def short_datetime(value: datetime | None) -> str:
    # Dates read one way everywhere: "November 28, 2026, 9:05 AM".
    return f"{long_date(timezone.localtime(value).date())}, " \
           f"{timezone.localtime(value):%-I:%M %p}" if value else "-"


def waiting_hours(req: AuthorizationRequest, now: datetime) -> int | None:
    if req.submitted_at is None:
        return None
    end = req.decided_at or now
    return int((end - req.submitted_at).total_seconds() // 3600)


def turnaround_hours(req: AuthorizationRequest) -> int:
    clock = EXPEDITED_TURNAROUND if req.expedited else STANDARD_TURNAROUND
    return int(clock.total_seconds() // 3600)


def is_overdue(req: AuthorizationRequest, now: datetime) -> bool:
    if req.due_at is None:
        return False
    if req.status in (Status.PENDING_REVIEW, Status.INFORMATION_REQUESTED):
        return now > req.due_at
    return req.decided_at is not None and req.decided_at > req.due_at


# --------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------

class StatusFilter(admin.SimpleListFilter):
    # Drafts are the prescriber's unfinished work and never reach the reviewers.
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in Status if s != Status.DRAFT]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "turnaround clock"
    parameter_name = "turnaround"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due_24h", "Due within 24 hours"),
                ("on_time", "Pending, on time"), ("decided_late", "Decided after the due time")]

    def queryset(self, request, queryset):
        now = timezone.now()
        pending = queryset.filter(status__in=[Status.PENDING_REVIEW,
                                             Status.INFORMATION_REQUESTED])
        if self.value() == "overdue":
            return pending.filter(due_at__lt=now)
        if self.value() == "due_24h":
            return pending.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=24))
        if self.value() == "on_time":
            return pending.filter(due_at__gte=now)
        if self.value() == "decided_late":
            return queryset.filter(decided_at__gt=F("due_at"))
        return queryset


class HTCFilter(admin.RelatedFieldListFilter):
    """The HTCs that have prescribers: only they can have requests. (The
    admin's "related only" filter reads the HTC of every request instead,
    which grows with the requests.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "HTC"

    def field_choices(self, field, request, model_admin):
        return [(htc.pk, str(htc))
                for htc in HTC.objects.filter(prescribers__isnull=False).distinct()]


class PolicyFilter(admin.SimpleListFilter):
    """The policy versions this service has applied, from the code rather than
    a DISTINCT over every request."""

    title = "policy"
    parameter_name = "policy_version"

    def lookups(self, request, model_admin):
        return [(v.number, v.number) for v in policy.versions()]

    def queryset(self, request, queryset):
        return queryset.filter(policy_version=self.value()) if self.value() else queryset


@admin.register(AuthorizationRequest)
class AuthorizationRequestAdmin(admin.ModelAdmin):
    change_form_template = "admin/authorizations/authorizationrequest/change_form.html"
    change_list_template = "admin/authorizations/authorizationrequest/change_list.html"
    list_display = ("number_link", "state", "member", "htc_name", "submitted", "clock",
                    "overdue", "unmet_list", "flags")
    list_display_links = None
    list_select_related = ("htc",)
    list_filter = (StatusFilter, "outcome", ("htc", HTCFilter),
                   PolicyFilter, "submitted_at", OverdueFilter, "expedited",
                   decision_forms.RespondedFilter)
    search_fields = ("^member_id", "patient_name")
    search_help_text = ("Member ID, patient name, request number (PA-0000012) or "
                        "authorization number (HGX-2026-000012).")
    list_per_page = 50
    # One COUNT per page, not two: "N of M" would count every request again.
    show_full_result_count = False
    empty_value_display = ""
    # No bulk actions: each decision is made on the request's own page.
    actions = None
    readonly_fields = ("number", "status", "outcome", "unmet_list", "member_id", "patient_name",
                       "date_of_birth", "htc", "prescriber_display", "policy_version",
                       "expedited", "expedited_reason", "submitted_at", "due_at", "waiting",
                       "decided_at", "authorization_display")
    fieldsets = (
        ("Request", {"fields": ("number", "status", "outcome", "unmet_list",
                                "authorization_display")}),
        ("Member", {"fields": ("patient_name", "member_id", "date_of_birth")}),
        ("Prescriber", {"fields": ("prescriber_display", "htc", "policy_version")}),
        ("Turnaround", {"fields": ("expedited", "expedited_reason", "submitted_at", "due_at",
                                   "waiting", "decided_at")}),
    )

    def get_queryset(self, request):
        return (super().get_queryset(request)
                .exclude(status=Status.DRAFT)
                .select_related("htc", "prescriber__prescriber", "authorization")
                .annotate(pending_due=PENDING_DUE))

    def get_ordering(self, request):
        # Expressions, not annotations: the admin also orders related-field
        # choices (e.g. on the Authorization page) with this. Indexed.
        return QUEUE_ORDER

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset,
                                                                  search_term)
        term = search_term.strip().upper()
        if match := re.fullmatch(r"PA-?0*(\d+)", term):
            results |= queryset.filter(pk=int(match[1]))
        elif match := re.fullmatch(r"HGX-\d{4}-0*(\d+)", term):
            results |= queryset.filter(authorization__pk=int(match[1]))
        return results, may_have_duplicates

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: decisions go through the decide view, never a model form.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Columns and fields.

    @admin.display(description="Request", ordering="pk")
    def number_link(self, obj):
        url = reverse("admin:authorizations_authorizationrequest_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.number)

    @admin.display(description="Request")
    def number(self, obj):
        return obj.number

    @admin.display(description="Member", ordering="patient_name")
    def member(self, obj):
        return format_html("{}<br><small>{}</small>", obj.patient_name, obj.member_id)

    @admin.display(description="HTC", ordering="htc__name")
    def htc_name(self, obj):
        return obj.htc.name

    @admin.display(description="Submitted", ordering="submitted_at")
    def submitted(self, obj):
        return short_datetime(obj.submitted_at)

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        return format_html("{}<br><small>{}</small>", obj.get_status_display(),
                           obj.get_outcome_display())

    @admin.display(description="Hours waiting", ordering="-submitted_at")
    def waiting(self, obj):
        hours = waiting_hours(obj, timezone.now())
        if hours is None:
            return "-"
        return f"{hours} h of {turnaround_hours(obj)} h" + (" (expedited)" if obj.expedited
                                                              else "")

    @admin.display(description="Hours waiting", ordering="-submitted_at")
    def clock(self, obj):
        if obj.decided_at is not None:
            return f"decided in {self.waiting(obj)}"
        return format_html("{}<br><small>due {}</small>", self.waiting(obj),
                           short_datetime(obj.due_at))

    @admin.display(description="Overdue", ordering="pending_due")
    def overdue(self, obj):
        # Words, not the admin's green tick: an overdue request is bad news.
        if not is_overdue(obj, timezone.now()):
            return ""
        label = {Status.PENDING_REVIEW: "Overdue",
                 Status.INFORMATION_REQUESTED: "Information overdue"}.get(obj.status,
                                                                         "Decided late")
        return format_html('<span class="review-overdue">{}</span>', label)

    @admin.display(description="Unmet criteria")
    def unmet_list(self, obj):
        if not obj.unmet:
            return "-"
        return format_html_join(mark_safe("<br>"), "{}",
                                ((selectors.criterion_name(c),) for c in obj.unmet))

    @admin.display(description="Review flags")
    def flags(self, obj):
        # Why a request that meets every criterion is here, in words.
        return format_html_join(mark_safe("<br>"), '<span class="review-flag">{}</span>',
                                ((f.replace("_", " "),) for f in obj.review_flags))

    @admin.display(description="Date of birth")
    def date_of_birth(self, obj):
        dob = obj.answers.get("date_of_birth")
        return display_answer("date_of_birth", dob) if dob else "-"

    @admin.display(description="Prescriber")
    def prescriber_display(self, obj):
        user = obj.prescriber
        profile = getattr(user, "prescriber", None)
        name = user.get_full_name() or user.get_username()
        parts = [name, profile.credentials if profile else ""]
        npi = f"NPI {profile.npi}" if profile and profile.npi else ""
        return ", ".join(p for p in parts + [npi] if p)

    @admin.display(description="Authorization")
    def authorization_display(self, obj):
        auth = getattr(obj, "authorization", None)
        if auth is None:
            return "-"
        return f"{auth.number}: {auth.hcpcs_code} x{auth.quantity}, {auth.icd10_code}, " \
               f"valid {long_date(auth.start_date)} through {long_date(auth.end_date)}"

    # The request page and the decision.

    def get_urls(self):
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        # Sets its own Cache-Control (private, no-store), hence cacheable.
        document = self.admin_site.admin_view(
            partial(document_views.admin_document, self), cacheable=True)
        information = self.admin_site.admin_view(require_POST(self.information_view))
        return [path("<int:pk>/decide/", decide,
                     name="authorizations_authorizationrequest_decide"),
                path("<int:pk>/information/", information,
                     name="authorizations_authorizationrequest_information"),
                path("<int:pk>/documents/<int:doc_id>/", document,
                     name="authorizations_authorizationrequest_document")] + \
            decision_forms.urls(self) + treatment_admin.urls(self) + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Requests for clinical review",
                                                 **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        req = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if req is not None:
            extra.update(self.review_context(request, req))
            if request.method == "GET":
                # The page shows the patient's answers: who read them is on record.
                audit(by=request.user, action="view", obj=req, via="admin")
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def review_context(self, request, req: AuthorizationRequest) -> dict[str, Any]:
        determinations = list(req.determinations.select_related("letter").order_by("id"))
        letter_url = "admin:authorizations_letter_pdf"
        return {
            "answer_groups": answer_groups(req),
            "unmet_names": [selectors.criterion_name(c) for c in req.unmet],
            "review_flags": selectors.flag_texts(req),
            "member_history": selectors.member_history(req),
            "criteria": criteria_rows(determinations[-1] if determinations else None),
            "determinations": [{
                "obj": d,
                "unmet_names": [selectors.criterion_name(c) for c in d.unmet],
                "letter": getattr(d, "letter", None),
                "letter_url": reverse(letter_url, args=[d.letter.pk])
                if hasattr(d, "letter") else "",
            } for d in determinations],
            "audit_events": audit_rows(AuditEvent.objects.filter(
                object_type="AuthorizationRequest", object_id=str(req.pk))),
            "latest_letter_url": reverse("request_letter", args=[req.pk]),
            "documents": document_views.admin_document_rows(req),
            **self.decision_context(request, req),
            "overdue": is_overdue(req, timezone.now()),
            "waiting_hours": waiting_hours(req, timezone.now()),
            "turnaround_hours": turnaround_hours(req),
            **treatment_admin.request_context(request, req),
            "appeal_rows": appeal_selectors.appeal_rows(req),
        }

    def decision_context(self, request, req: AuthorizationRequest) -> dict[str, Any]:
        now = timezone.now()
        may = self.has_decide_permission(request)
        conflict = conflict_of_interest(request.user, req) if may else ""
        decidable = req.status == Status.PENDING_REVIEW or (
            req.status == Status.INFORMATION_REQUESTED and req.due_at and req.due_at < now)
        return {
            "conflict": conflict if decidable else "",
            "can_decide": may and decidable and not conflict,
            "can_request_information": (may and not conflict
                                        and req.status == Status.PENDING_REVIEW),
            "decision_form": decision_forms.DecisionForm(req),
            "information_form": decision_forms.InformationForm(req),
            "decide_url": reverse("admin:authorizations_authorizationrequest_decide",
                                  args=[req.pk]),
            "information_url": reverse("admin:authorizations_authorizationrequest_information",
                                       args=[req.pk]),
            "information_requests": timeline.information_rows(req),
            "timeline": timeline.timeline(req),
            **decision_forms.conversation_context(req),
        }

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm(DECIDE_PERMISSION)

    def _decide(self, request, req: AuthorizationRequest, *, approve: bool,
                rationale: str, reasons: list[str] | None = None,
                other_reason: str = "") -> None:
        """One decision through the service, its outcome told in a message."""
        try:
            request_decide(by=request.user, req=req, approve=approve,
                                    rationale=rationale, reasons=reasons,
                                    other_reason=other_reason)
        except LifetimeLimitReached as exc:
            messages.error(request, str(exc))
        except ConflictOfInterest as exc:
            messages.error(request, f"Nothing was decided: {exc}")
        except (InvalidTransition, ValueError) as exc:
            messages.error(request, f"Nothing was decided: {exc}")
        else:
            messages.success(request, f"{req.number} {'approved' if approve else 'denied'}. "
                                      "Its letter is on the request's page.")

    def decide_view(self, request, pk: int):
        """Approve at once; a denial first shows the letter's reasons and asks
        to confirm. Errors show the form again, input kept."""
        if not self.has_decide_permission(request):
            raise PermissionDenied
        req = get_object_or_404(self.get_queryset(request), pk=pk)
        back = HttpResponseRedirect(
            reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]))
        form = decision_forms.DecisionForm(req, request.POST)
        if not form.is_valid():
            return self._review_page(request, req, "decide.html", form,
                                     "Nothing was decided: correct the form.")
        approve = form.cleaned_data["decision"] == "approve"
        if not approve and request.POST.get("confirm") != "yes":
            return self._review_page(request, req, "decide.html", form, "", confirm=True)
        self._decide(request, req, approve=approve, rationale=form.cleaned_data["rationale"],
                     reasons=None if approve else form.cleaned_data["reasons"],
                     other_reason=form.cleaned_data["other_reason"])
        return back

    def information_view(self, request, pk: int):
        """Pend the request for the prescriber's information."""
        if not self.has_decide_permission(request):
            raise PermissionDenied
        req = get_object_or_404(self.get_queryset(request), pk=pk)
        form = decision_forms.InformationForm(req, request.POST)
        if not form.is_valid():
            return self._review_page(request, req, "information.html", form,
                                     "Nothing was sent: correct the form.")
        try:
            information_request(by=request.user, req=req, **form.cleaned_data)
        except (ConflictOfInterest, InvalidTransition, ValueError) as exc:
            messages.error(request, f"Nothing was sent: {exc}")
        else:
            messages.success(request, f"{req.number} is pended for information; the "
                                      "prescriber is told by email.")
        return HttpResponseRedirect(
            reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]))

    def _review_page(self, request, req, template: str, form, error: str, *,
                     confirm: bool = False):
        return TemplateResponse(request, f"admin/authorizations/authorizationrequest/{template}", {
            **self.admin_site.each_context(request),
            "title": f"{req.number}: {'confirm the denial' if confirm else 'review'}",
            "opts": self.model._meta, "original": req, "form": form, "error": error,
            "confirm": confirm, "reason_names": form.reason_names() if confirm else [],
            "change_url": reverse("admin:authorizations_authorizationrequest_change",
                                  args=[req.pk]),
        }, status=200 if confirm else 400)
