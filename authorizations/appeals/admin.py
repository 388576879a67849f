"""The appeals queue in the admin, and the decision on one appeal at a time.

A queue of its own (appeals run on their own clock, deadlines.appeal_due),
read-only; the one write is the decision, through
appeal_decide, refused to the reviewer who denied and to anyone who
took part in the request.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from authorizations.appeals import selectors as appeal_selectors
from authorizations.appeals.forms import AppealRecordForm
from authorizations.appeals.services import appeal_conflict, appeal_decide, appeal_record
from authorizations.core import deadlines
from authorizations.core.actions import AuditAction
from authorizations.core.admin import ReadOnlyAdmin
from authorizations.core.audit import audit
from authorizations.documents.selectors import admin_document_rows
from authorizations.models import Appeal, DecisionException, InvalidTransition
from authorizations.requests.selectors import criterion_name
from authorizations.requests.services import LifetimeLimitReached
from authorizations.review import desk_services
from authorizations.review.evidence import criteria_rows
from authorizations.review.forms import DecisionForm, ExceptionForm
from authorizations.review.services import ConflictOfInterest, exception_criteria

DECIDE_PERMISSION = "authorizations.decide_authorizationrequest"

# Open appeals first, the soonest due (so the overdue) on top; then decided
# ones, the latest first.
APPEAL_QUEUE_ORDER = (
    Case(When(decided_at__isnull=True, then=Value(0)), default=Value(1),
         output_field=IntegerField()).asc(),
    F("due_at").asc(),
    F("id").desc(),
)


class AppealDecisionForm(DecisionForm):
    decision = forms.ChoiceField(choices=[("overturn", "Overturn: approve"),
                                          ("uphold", "Uphold the denial")])

    def __init__(self, req, *args, **kwargs):
        super().__init__(req, *args, **kwargs)
        self.fields["reasons"].label = "Reasons for upholding the denial"
        self.fields["reasons"].help_text = (
            "The unmet criteria the appeal decision letter gives as its reasons (all chosen "
            "at first). Not used when the denial is overturned.")
        self.fields["other_reason"].help_text = "Optional. Printed in the letter after the " \
                                                "chosen criteria."
        self.fields["rationale"].help_text = (
            "Required for both decisions. Printed in the appeal decision letter, with your "
            "name and credentials.")

    def clean(self):
        data = forms.Form.clean(self)
        if data.get("decision") == "uphold" and not data.get("reasons") \
                and not data.get("other_reason"):
            self.add_error("reasons", "Upholding the denial needs at least one reason: choose "
                                      "an unmet criterion or write one in your own words.")
        return data


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("overdue", "Open and overdue"), ("decided", "Decided")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(decided_at__isnull=True)
        if self.value() == "overdue":
            return queryset.filter(decided_at__isnull=True).overdue(timezone.now())
        if self.value() == "decided":
            return queryset.filter(decided_at__isnull=False)
        return queryset


# --------------------------------------------------------------------------
# The reviewer's desk (issue 20): who may decide each appeal, the patient,
# the original reviewer and the days left.
# --------------------------------------------------------------------------

def decidable_ids(user, queryset) -> list[int]:
    """The open appeals `user` may decide (appeal_conflict, row by row: open
    appeals are few)."""
    return [a.pk for a in queryset.filter(decided_at__isnull=True)
            .select_related("request", "denial") if not appeal_conflict(user, a)]


class MayDecideFilter(admin.SimpleListFilter):
    title = "who may decide"
    parameter_name = "may_decide"

    def lookups(self, request, model_admin):
        return [("yes", "Appeals I may decide")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=decidable_ids(request.user, queryset))
        return queryset


def days_left(appeal: Appeal, now) -> str:
    if not appeal.is_open:
        return "Decided"
    # Whole days, rounded towards the due time: "0 days left" never reads as time to spare.
    seconds = (appeal.due_at - now).total_seconds()
    days = int(abs(seconds) // 86400)
    if seconds < 0:
        return f"{days} day{'s' if days != 1 else ''} late" if days else "Late"
    return f"{days} day{'s' if days != 1 else ''} left" if days else "Due within a day"


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("number_link", "patient", "original_reviewer", "expedited_display",
                    "days_left", "state")
    list_display_links = None
    list_filter = (MayDecideFilter, OpenFilter, "expedited")
    list_select_related = ("request", "denial")
    list_per_page = 50
    show_full_result_count = False
    fields = ("request", "filed_at", "expedited", "expedited_reason", "due_at", "statement",
              "decided_at", "outcome", "rationale")

    def get_ordering(self, request):
        return APPEAL_QUEUE_ORDER

    def changelist_view(self, request, extra_context=None):
        record = reverse("admin:authorizations_appeal_record") \
            if request.user.has_perm(DECIDE_PERMISSION) else ""
        return super().changelist_view(request, {"title": "Appeals for decision",
                                                 "record_url": record,
                                                 **(extra_context or {})})

    @admin.display(description="Request")
    def number_link(self, obj):
        url = reverse("admin:authorizations_appeal_decide", args=[obj.pk])
        return format_html('<a href="{}">Appeal of {}</a>', url, obj.request.number)

    def get_list_display(self, request):
        # Bound to this request's reviewer: a row they may not decide is
        # greyed out, with the reason (review.css greys the row).
        def may_decide(obj):
            reason = appeal_conflict(request.user, obj) if obj.is_open else ""
            if not reason:
                return "You may decide" if obj.is_open else ""
            return format_html('<span class="review-greyed">Another reviewer decides: {}</span>',
                               reason)

        may_decide.short_description = "Who decides"  # type: ignore[attr-defined]
        return (*self.list_display, may_decide)

    @admin.display(description="Patient", ordering="request__patient_name")
    def patient(self, obj):
        return format_html("{}<br><small>{}</small>", obj.request.patient_name,
                           obj.request.member_id)

    @admin.display(description="Original reviewer")
    def original_reviewer(self, obj):
        return obj.denial.decided_by_name

    @admin.display(description="Time left", ordering="due_at")
    def days_left(self, obj):
        text = days_left(obj, timezone.now())
        return format_html('<span class="review-overdue">{}</span>', text) \
            if obj.is_overdue(timezone.now()) and obj.is_open else text

    @admin.display(description="Filed", ordering="filed_at")
    def filed(self, obj):
        return appeal_selectors.when(obj.filed_at)

    @admin.display(description="Clock", ordering="expedited")
    def expedited_display(self, obj):
        return f"{deadlines.EXPEDITED_APPEAL_WORDS} (expedited)" if obj.expedited \
            else deadlines.STANDARD_APPEAL_WORDS

    @admin.display(description="Decision due", ordering="due_at")
    def due(self, obj):
        return appeal_selectors.when(obj.due_at)

    @admin.display(description="Overdue")
    def overdue(self, obj):
        # Words, not the admin's green tick: an overdue appeal is bad news.
        if not obj.is_overdue(timezone.now()):
            return ""
        return format_html('<span class="review-overdue">{}</span>',
                           "Overdue" if obj.is_open else "Decided late")

    @admin.display(description="State")
    def state(self, obj):
        return obj.state

    def get_urls(self):
        decide = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(
            self.decide_view))
        record = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(
            self.record_view))
        ask = self.admin_site.admin_view(require_POST(self.exception_view))
        sign = self.admin_site.admin_view(require_POST(self.sign_view))
        return [path("<int:pk>/decide/", decide, name="authorizations_appeal_decide"),
                path("<int:pk>/exception/", ask, name="authorizations_appeal_exception"),
                path("<int:pk>/exception/sign/", sign,
                     name="authorizations_appeal_exception_sign"),
                path("record/", record, name="authorizations_appeal_record")] + \
            super().get_urls()

    def _appeal(self, request, pk: int) -> Appeal:
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Appeal.objects.select_related("request", "denial"), pk=pk)

    def exception_view(self, request, pk: int):
        """The first key of an overturn past unmet criteria (two keys, as a
        first approval); errors show the appeal again with what was typed."""
        appeal = self._appeal(request, pk)
        form = ExceptionForm(request.POST)
        if form.is_valid():
            try:
                desk_services.exception_ask(by=request.user, req=appeal.request,
                                            appeal=appeal, **form.cleaned_data)
            except (ConflictOfInterest, InvalidTransition, ValueError) as exc:
                messages.error(request, f"Nothing was asked: {exc}")
            else:
                messages.success(request, f"The exception that overturns the denial of "
                                          f"{appeal.request.number} awaits a second "
                                          "reviewer's signature.")
            return HttpResponseRedirect(reverse("admin:authorizations_appeal_decide",
                                                args=[appeal.pk]) + "#exception")
        request.method = "GET"
        return self.decide_view(request, pk, exception_form=form)

    def sign_view(self, request, pk: int):
        """The second key: the appeal is decided (overturned) when it turns."""
        appeal = self._appeal(request, pk)
        exc = get_object_or_404(DecisionException, pk=request.POST.get("exception") or 0,
                                appeal=appeal)
        try:
            desk_services.exception_sign(by=request.user, exception=exc)
        except (ConflictOfInterest, InvalidTransition, ValueError, LifetimeLimitReached) as e:
            messages.error(request, f"Nothing was signed: {e}")
        else:
            messages.success(request, f"The denial of {appeal.request.number} is overturned "
                                      "under two keys. Its letter is on the request's page.")
        return HttpResponseRedirect(reverse("admin:authorizations_appeal_decide",
                                            args=[appeal.pk]))

    def _exception_context(self, request, appeal: Appeal,
                           form: ExceptionForm | None) -> dict:
        """The pending second key of this appeal, or the first key's form
        when overturning needs one."""
        req = appeal.request
        pending = desk_services.pending_exception(req) if appeal.is_open else None
        if pending is not None and pending.appeal_id != appeal.pk:
            pending = None
        return {
            "pending_exception": pending,
            "exception_names": [criterion_name(c) for c in pending.criteria] if pending
            else [],
            "sign_refusal": desk_services.took_part_in_exception(request.user, pending)
            if pending else "",
            "needs_exception": appeal.is_open and bool(exception_criteria(req)),
            "exception_form": form or ExceptionForm(),
            "exception_error": "Nothing was asked: correct the form." if form else "",
        }

    def record_view(self, request):
        """An appeal the member (or their representative) sent by mail, fax or
        phone, typed in by a reviewer (GET: the form; POST: appeal_record).
        Errors name the field and keep what was typed."""
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        form = AppealRecordForm(request.POST or None,
                                initial={"received_at": timezone.localtime().replace(
                                    second=0, microsecond=0, tzinfo=None)})
        error = ""
        if request.method == "POST":
            req = None
            if form.is_valid():
                data = form.cleaned_data
                req = appeal_selectors.request_by_number(data["request_number"])
                if req is None:
                    form.add_error("request_number", "No request has this number")
            if req is not None:
                try:
                    appeal = appeal_record(
                        by=request.user, req=req, claimant=data["claimant"],
                        representative_name=data["representative_name"],
                        received_via=data["received_via"], received_at=data["received_at"],
                        statement=data["statement"], expedited=data["expedited"],
                        expedited_reason=data["expedited_reason"])
                except (InvalidTransition, ValueError) as exc:
                    error = f"Nothing was recorded: {exc}"
                else:
                    messages.success(request, f"The appeal of {req.number} is recorded; it is "
                                              "in the queue for a reviewer who did not deny.")
                    return HttpResponseRedirect(
                        reverse("admin:authorizations_appeal_decide", args=[appeal.pk]))
            error = error or "Nothing was recorded: correct the form."
        return TemplateResponse(request, "admin/authorizations/appeal/record.html", {
            **self.admin_site.each_context(request), "title": "Record an appeal received",
            "opts": self.model._meta, "form": form, "error": error,
            "summary": form.error_summary() if form.errors else [],
            "filing": deadlines.APPEAL_FILING_WORDS,
            "allowance": settings.NOTICE_MAILING_ALLOWANCE_DAYS,
        }, status=400 if error else 200)

    def decide_view(self, request, pk: int, exception_form: ExceptionForm | None = None):
        """The appeal, the denial it is about, and the decision form (GET);
        the decision through the service (POST). Errors keep what was typed."""
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        appeal = get_object_or_404(Appeal.objects.select_related(
            "request", "denial", "filed_by", "decision"), pk=pk)
        req = appeal.request
        conflict = appeal_conflict(request.user, appeal) if appeal.is_open else ""
        # Bound only to a decision's POST (not to the exception's form shown again).
        form = AppealDecisionForm(req, request.POST if request.method == "POST" else None)
        error, confirm = "", False
        if request.method == "POST" and appeal.is_open and not conflict:
            if not form.is_valid():
                error = "Nothing was decided: correct the form."
            else:
                data = form.cleaned_data
                overturn = data["decision"] == "overturn"
                # Upholding is a denial: its letter's reasons are shown, and
                # confirmed, before it is final (as for a first denial).
                confirm = not overturn and request.POST.get("confirm") != "yes"
                if not confirm:
                    try:
                        appeal_decide(
                            by=request.user, appeal=appeal, overturn=overturn,
                            rationale=data["rationale"],
                            reasons=None if overturn else data["reasons"],
                            other_reason=data["other_reason"])
                    except (ConflictOfInterest, LifetimeLimitReached,
                            InvalidTransition, ValueError) as exc:
                        error = f"Nothing was decided: {exc}"
                    else:
                        messages.success(
                            request, f"The appeal of {req.number} is decided: "
                                     f"{'approved' if overturn else 'denial upheld'}. "
                                     "Its letter is on the request's page.")
                        return HttpResponseRedirect(
                            reverse("admin:authorizations_appeal_decide", args=[appeal.pk]))
        elif request.method == "POST":
            error = f"Nothing was decided: {conflict or 'the appeal is already decided.'}"
        documents = admin_document_rows(req)
        if request.method == "GET":
            # The page shows the patient's request: who read it is on record.
            audit(by=request.user, action=AuditAction.VIEW, obj=req, via="appeal")
        return TemplateResponse(request, "admin/authorizations/appeal/decide.html", {
            **self.admin_site.each_context(request),
            "title": f"Appeal of {req.number}", "opts": self.model._meta,
            "appeal": appeal_selectors.appeal_row(appeal), "req": req,
            "denial_reasons": appeal_selectors.denial_reasons(appeal.denial),
            "denial": appeal.denial, "conflict": conflict, "form": form, "error": error,
            "confirm": confirm, "reason_names": form.reason_names() if confirm else [],
            "documents": documents,
            # The criteria as the denial found them, with the answers and documents.
            "criteria": criteria_rows(appeal.denial, req, documents),
            "request_url": reverse("admin:authorizations_authorizationrequest_change",
                                   args=[req.pk]),
            "letter_url": reverse("request_letter", args=[req.pk]),
            **self._exception_context(request, appeal, exception_form),
        }, status=400 if error or exception_form else 200)
