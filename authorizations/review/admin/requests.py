"""The clinical reviewer's admin.

Pared down on purpose: the admin lets staff do anything by default, so every
record here is read-only, and the one write, approving or denying a pending
request, goes through request_decide from the request's own page.
The records, the HTC directory and the accounts are in records.py; the
queue's filters in filters.py, what the page prints beside the fields in
display.py.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from authorizations.appeals import selectors as appeal_selectors
from authorizations.core.audit import AuditAction, audit
from authorizations.models import (
    OPEN_STATUSES,
    QUEUE_ORDER,
    AuthorizationRequest,
    InvalidTransition,
    Status,
)
from authorizations.policy.values import long_date
from authorizations.requests import selectors
from authorizations.requests.selectors import display_answer
from authorizations.requests.services import LifetimeLimitReached, request_decide
from authorizations.review import selectors as review_selectors
from authorizations.review import timeline
from authorizations.review.admin import conversation as admin_conversation
from authorizations.review.admin import desk
from authorizations.review.admin.display import (
    answer_groups,
    record_fieldsets,
    turnaround_hours,
    waiting_hours,
)
from authorizations.review.admin.filters import (
    HTCFilter,
    OverdueFilter,
    PolicyFilter,
    StatusFilter,
)
from authorizations.review.admin.queue import (
    QueueChangeList,
    QueueColumns,
    QueueFilter,
    filter_sidebar,
    queue_queryset,
    queue_tabs,
)
from authorizations.review.evidence import criteria_rows
from authorizations.review.forms import DecisionForm, InformationForm
from authorizations.review.services import (
    ConflictOfInterest,
    NotTheOwner,
    awaits_information,
    conflict_of_interest,
    information_request,
)

DECIDE_PERMISSION = "authorizations.decide_authorizationrequest"

# --------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------

@admin.register(AuthorizationRequest)
class AuthorizationRequestAdmin(QueueColumns, admin.ModelAdmin):
    change_form_template = "admin/authorizations/authorizationrequest/change_form.html"
    change_list_template = "admin/authorizations/authorizationrequest/change_list.html"
    # Other slices' parts of the request's page (documents, treatment): each
    # gives `urls(model_admin)` and `request_context(request, req)`.
    # authorizations/admin.py fills this, so this slice imports no other's admin.
    parts: tuple = ()
    # Narrow enough for 1280 px (queue.py): the submission time is on the case.
    list_display = ("number_link", "state", "member", "htc_short", "time_left",
                    "owner_display", "badges")
    list_display_links = None
    # No select_related: list_rows reads the HTC and owner in its own values() query.
    list_select_related = False
    list_filter = (QueueFilter, StatusFilter, "outcome", ("htc", HTCFilter),
                   PolicyFilter, "submitted_at", OverdueFilter, "expedited",
                   admin_conversation.RespondedFilter)
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
        # The same for every reviewer and view (built once per process).
        return queue_queryset()

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

    # Fields (the queue's columns are queue.py's).

    @admin.display(description="Request")
    def number(self, obj):
        return obj.number

    @admin.display(description="Hours waiting", ordering="-submitted_at")
    def waiting(self, obj):
        hours = waiting_hours(obj, timezone.now())
        if hours is None:
            return "-"
        return f"{hours} h of {turnaround_hours(obj)} h" + (" (expedited)" if obj.expedited
                                                              else "")

    @admin.display(description="Unmet criteria")
    def unmet_list(self, obj):
        if not obj.unmet:
            return "-"
        return format_html_join(mark_safe("<br>"), "{}",
                                ((selectors.criterion_name(c),) for c in obj.unmet))

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
        information = self.admin_site.admin_view(require_POST(self.information_view))
        return [path("<int:pk>/decide/", decide,
                     name="authorizations_authorizationrequest_decide"),
                path("<int:pk>/information/", information,
                     name="authorizations_authorizationrequest_information")] + \
            admin_conversation.urls(self) + desk.urls(self) + \
            [url for part in self.parts for url in part.urls(self)] + super().get_urls()

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def changelist_view(self, request, extra_context=None):
        # No scripts of the admin's own but its filters' (the template): the
        # queue has no bulk actions, related-object pop-ups or slugs, which
        # the ModelAdmin's media (jQuery and seven other files) serve.
        response = super().changelist_view(request, {"title": "Requests for clinical review",
                                                     "queue_tabs": queue_tabs(request),
                                                     "media": forms.Media(),
                                                     **(extra_context or {})})
        context = getattr(response, "context_data", None) or {}
        if isinstance(context.get("cl"), QueueChangeList):
            # The rows and filters, drawn by queue.py rather than the admin's tags.
            context["queue_table"] = context["cl"].table()
            context["queue_filters"] = filter_sidebar(context["cl"])
        return response

    def get_object(self, request, object_id, from_field=None):
        """The request page's case, read once per request (the admin's own
        change view asks again), without the queue's sorting annotation
        and with CASE_FLAGS."""
        if from_field is not None:
            return super().get_object(request, object_id, from_field)
        cache = request.__dict__.setdefault("_review_cases", {})
        if object_id not in cache:
            try:
                pk = int(object_id)
            except ValueError:
                pk = 0
            # A key the column can hold (the compiled query's value goes to
            # the database as it is).
            cache[object_id] = review_selectors.case_for_review(pk) \
                if 0 < pk < 2 ** 63 else None
        return cache[object_id]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        req = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if req is not None:
            extra = {**self.review_context(request, req), **extra}
            if request.method == "GET":
                # The page shows the patient's answers: who read them is on record.
                audit(by=request.user, action=AuditAction.VIEW, obj=req, via="admin")
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        context["record_fieldsets"] = record_fieldsets(context["adminform"])
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def review_context(self, request, req: AuthorizationRequest) -> dict[str, Any]:
        with_letters = review_selectors.determinations_with_letters(req)
        determinations = [d for d, _letter in with_letters]
        parts = {key: value for part in self.parts
                 for key, value in part.request_context(request, req).items()}
        letter_url = "admin:authorizations_letter_pdf"
        return {
            "answer_groups": answer_groups(req),
            "prescriber_name": self.prescriber_display(req),
            "unmet_names": [selectors.criterion_name(c) for c in req.unmet],
            "review_flags": selectors.flag_texts(req),
            "member_history": selectors.member_history(req),
            "criteria": criteria_rows(determinations[-1] if determinations else None, req,
                                      parts.get("documents", [])),
            "determinations": [{
                "obj": d,
                "unmet_names": [selectors.criterion_name(c) for c in d.unmet],
                "letter": letter,
                "letter_url": reverse(letter_url, args=[letter.pk]) if letter else "",
            } for d, letter in with_letters],
            "latest_letter_url": reverse("request_letter", args=[req.pk]),
            **self.decision_context(request, req),
            "overdue": req.is_overdue(timezone.now()),
            "waiting_hours": waiting_hours(req, timezone.now()),
            "turnaround_hours": turnaround_hours(req),
            **parts,
            # Each appeal is of one of the request's denials (appeals/services.denial_of):
            # without a denial, there is none to read.
            "appeal_rows": appeal_selectors.appeal_rows(req)
            if any(d.status == Status.DENIED for d in determinations) else [],
        }

    def decision_context(self, request, req: AuthorizationRequest) -> dict[str, Any]:
        now = timezone.now()
        may = self.has_decide_permission(request)
        conflict = conflict_of_interest(request.user, req) if may else ""
        decidable = req.status in OPEN_STATUSES and not awaits_information(req, now)
        owned_by_other = req.owner_id not in (None, request.user.pk)
        return {
            "decision_panel": may and req.status in OPEN_STATUSES,
            "conflict": conflict if decidable else "",
            # Someone else's case is read here; deciding it means taking it over.
            "can_decide": may and decidable and not conflict and not owned_by_other,
            # Pending for information, too, only by the owner (or once taken over).
            "can_request_information": (may and not conflict and not owned_by_other
                                        and req.status == Status.PENDING_REVIEW),
            "decision_form": DecisionForm(req),
            "information_form": InformationForm(req),
            "decide_url": reverse("admin:authorizations_authorizationrequest_decide",
                                  args=[req.pk]),
            "information_url": reverse("admin:authorizations_authorizationrequest_information",
                                       args=[req.pk]),
            "information_requests": timeline.information_rows(req),
            "timeline": timeline.timeline_page(req, request.GET.get("timeline", 1)),
            **admin_conversation.conversation_context(req),
            **desk.desk_context(request, req, may_decide=may and not conflict,
                                decidable=decidable),
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
        except (ConflictOfInterest, NotTheOwner) as exc:
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
        form = DecisionForm(req, request.POST)
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
        form = InformationForm(req, request.POST)
        if not form.is_valid():
            return self._review_page(request, req, "information.html", form,
                                     "Nothing was sent: correct the form.")
        try:
            information_request(by=request.user, req=req, **form.cleaned_data)
        except (ConflictOfInterest, NotTheOwner, InvalidTransition, ValueError) as exc:
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
