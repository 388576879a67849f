"""The work queue: its views ("Mine", "Unassigned", "Due within 24 h",
"Overdue", "Information received", "Exceptions awaiting my signature", and
the appeals this reviewer may decide, on the appeals' own queue) and its
columns, narrow enough for 1280 px: a short HTC (city and state), the time
left as relative time (the date on hover and for screen readers), the
owner, and the flags as short badges."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from authorizations.core import deadlines
from authorizations.core.formats import PageTimes, page_datetime
from authorizations.core.markup import quick_html
from authorizations.models import OPEN_STATUSES, AuthorizationRequest, Outcome, Status
from authorizations.requests import selectors
from authorizations.review import desk_services
from authorizations.review import selectors as review_selectors

QUEUE_VIEWS = [
    ("mine", "Mine"),
    ("unassigned", "Unassigned"),
    ("due_24h", f"Due within {deadlines.DUE_SOON_WORDS}"),
    ("overdue", "Overdue"),
    ("information_received", "Information received"),
    # Cases pending a second key this reviewer may turn (desk_services.exceptions_to_sign).
    ("to_sign", "Exceptions awaiting my signature"),
]

# The review flags as badges: a few letters each, the full reason beside them
# for screen readers and on hover.
FLAG_BADGES = {
    "possible_duplicate_member": "Duplicate?",
    "reauthorization": "Re-auth",
    "evidence_not_recent": "Old evidence",
    "dose_over_largest_kit": "Dose > kit",
    "documentation_missing": "No docs",
    "eligibility_not_verified": "Eligibility",
}


class QueueFilter(admin.SimpleListFilter):
    """The reviewer's views of the queue, shown as tabs above the list."""

    title = "work queue"
    parameter_name = "view"

    def lookups(self, request, model_admin):
        return QUEUE_VIEWS

    def queryset(self, request, queryset):
        now = timezone.now()
        view = self.value()
        if view == "mine":
            return queryset.filter(owner=request.user, status__in=OPEN_STATUSES)
        if view == "unassigned":
            return queryset.filter(owner__isnull=True, status__in=OPEN_STATUSES)
        if view == "due_24h":
            return queryset.due_soon(now)
        if view == "overdue":
            # overdue() of the open requests, in the form the index
            # `request_open_due` serves (PostgreSQL does not simplify
            # overdue_q's OR once the status is known).
            return queryset.filter(status__in=OPEN_STATUSES, due_at__lt=now)
        if view == "information_received":
            return queryset.filter(review_selectors.RESPONDED)
        if view == "to_sign":
            return queryset.filter(pk__in=[
                exc.request_id for exc in desk_services.exceptions_to_sign(request.user)])
        return queryset


@functools.cache
def queue_url() -> str:
    return reverse("admin:authorizations_authorizationrequest_changelist")


def queue_tabs(request) -> list[dict[str, Any]]:
    """The tabs: each view of this queue, then the appeals this reviewer may decide."""
    current = request.GET.get(QueueFilter.parameter_name, "")
    base = queue_url()
    tabs = [{"label": "All", "url": base, "current": not current}]
    tabs += [{"label": label, "url": f"{base}?{urlencode({'view': value})}",
              "current": current == value} for value, label in QUEUE_VIEWS]
    tabs.append({"label": "Appeals I may decide",
                 "url": reverse("admin:authorizations_appeal_changelist") + "?may_decide=yes",
                 "current": False})
    return tabs


def relative(due: datetime, now: datetime) -> str:
    """"in 5 h", "in 2 days", "8 h late": whole hours below two days."""
    seconds = (due - now).total_seconds()
    hours = int(abs(seconds) // 3600)
    amount = f"{hours} h" if hours < 48 else f"{hours // 24} days"
    if seconds >= 0:
        return f"in {amount}" if hours else "within the hour"
    return f"{amount} late" if hours else "just late"


def time_left(obj, now: datetime, page_time=page_datetime) -> SafeString:
    """The time left, the date in a title and, for screen readers, in words."""
    if obj.status not in OPEN_STATUSES:
        if obj.decided_at is None:
            return mark_safe("")
        when = page_time(obj.decided_at)
        return quick_html('Decided <time datetime="{}" title="{}">{}</time>'
                          '<span class="visually-hidden"> on {}</span>',
                          obj.decided_at.isoformat(), when,
                          "late" if obj.is_overdue(now) else "on time", when)
    if obj.due_at is None:
        return mark_safe("")
    when = page_time(obj.due_at)
    late = obj.due_at < now
    label = "Information" if obj.status == Status.INFORMATION_REQUESTED else ""
    label = f"{label} overdue:" if late else f"{label} due"
    label = label.strip().capitalize()
    return quick_html('<span class="{}">{} <time datetime="{}" title="{}">{}</time></span>'
                      '<span class="visually-hidden"> ({})</span>',
                      "review-overdue" if late else "", label, obj.due_at.isoformat(), when,
                      relative(obj.due_at, now), when)


def badge(text: str, full: str, kind: str) -> SafeString:
    return quick_html('<span class="review-badge review-badge-{}" title="{}">{}</span>'
                      '<span class="visually-hidden">: {}</span>', kind, full, text, full)


# The choices' labels (get_status_display rebuilds the choices each call).
STATUS_LABELS = dict(Status.choices)
OUTCOME_LABELS = dict(Outcome.choices)


class QueuePaginator(Paginator):
    """Counts a list's rows up to COUNT_CAP and no further. Counting every
    request on every view of the queue was its costliest query (100,000
    requests: about 4 ms of PostgreSQL's time, more than the rows'); a list
    that long says "more than 10,000" (pagination.html), and its pages run to
    the 10,000th row: past that a reviewer searches, filters or sorts."""

    COUNT_CAP = 10_000

    @property
    def cap_words(self) -> str:
        return f"{self.COUNT_CAP:,}"

    @cached_property
    def count(self) -> int:
        # COUNT over the first COUNT_CAP + 1 rows, in any order, only their keys.
        return self.object_list.order_by().values("pk")[:self.COUNT_CAP + 1].count()

    @cached_property
    def more_than_cap(self) -> bool:
        return self.count > self.COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        if self.more_than_cap:
            return -(-self.COUNT_CAP // self.per_page)
        return super().num_pages


class QueueColumns:
    """The queue's columns, mixed into the request's ModelAdmin."""

    paginator = QueuePaginator

    @admin.display(description="Request", ordering="pk")
    def number_link(self, obj):
        # The admin's change route, "<pk>/change/" under the list's: one
        # reverse() per page, not one per row.
        return quick_html('<a href="{}{}/change/">{}</a>', queue_url(), obj.pk, obj.number)

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        return quick_html("{}<br><small>{}</small>", STATUS_LABELS.get(obj.status, obj.status),
                          OUTCOME_LABELS.get(obj.outcome, obj.outcome))

    @admin.display(description="Member", ordering="patient_name")
    def member(self, obj):
        return quick_html("{}<br><small>{}</small>", obj.patient_name, obj.member_id)

    @admin.display(description="HTC", ordering="htc__state")
    def htc_short(self, obj):
        # City and state; the full name is on the case's page and on hover.
        return quick_html('<span title="{}">{}, {}</span>', obj.htc.name, obj.htc.city,
                          obj.htc.state)

    @admin.display(description="Time left", ordering="pending_due")
    def time_left(self, obj):
        return time_left(obj, timezone.now())

    @admin.display(description="Owner", ordering="owner__username")
    def owner_display(self, obj):
        if obj.owner is not None:
            return obj.owner.get_full_name() or obj.owner.get_username()
        if obj.status not in OPEN_STATUSES:
            return "-"
        # The list is one form (the admin's, with its CSRF token): the button
        # posts it to the claim view, then the queue's unassigned cases again.
        # One reverse() per page, not two per row (docs/benchmarks.md, the desk):
        # the claim route is "<pk>/claim/" under the list's (admin/desk.py).
        base = queue_url()
        return quick_html(
            'Unassigned <button type="submit" class="review-claim" formaction="{}{}/claim/" '
            'name="next" value="{}?view=unassigned" formnovalidate>Claim<span '
            'class="visually-hidden"> {}</span></button>', base, obj.pk, base, obj.number)

    @admin.display(description="Flags")
    def badges(self, obj):
        parts = []
        if obj.unmet:
            names = [selectors.criterion_name(c) for c in obj.unmet]
            parts.append(badge(f"{len(names)} unmet", "; ".join(names), "unmet"))
        flags = obj.review_flags or []
        texts = dict(zip(flags, selectors.flag_texts(obj), strict=False)) if flags else {}
        for flag in flags:
            parts.append(badge(FLAG_BADGES.get(flag, flag.replace("_", " ")),
                               texts.get(flag, flag.replace("_", " ")), "flag"))
        if obj.status == Status.PENDING_REVIEW and getattr(obj, "responded", False):
            # What "Information received" lists, shown in every view.
            parts.append(badge("Response", "The prescriber responded to a request for "
                               "information", "response"))
        if getattr(obj, "exception_pending", False):
            parts.append(badge("Exception pending", "An exception awaits a second reviewer's "
                               "signature", "exception"))
        return mark_safe(" ".join(parts))  # each part is quick_html's, escaped


# What the list's columns read, and nothing else: not the answers, their
# origins or the draft's typed text (the case's page reads those), nor the
# owner's password hash.
LIST_RELATED = ("htc", "owner")
LIST_FIELDS = ("id", "patient_name", "member_id", "status", "outcome", "due_at", "decided_at",
               "unmet", "review_flags", "review_flag_reasons", "htc", "htc__name", "htc__city",
               "htc__state", "owner", "owner__first_name", "owner__last_name",
               "owner__username")


# What list_rows reads of a request (attnames), of its HTC and of its owner.
ROW_FIELDS = ("id", "patient_name", "member_id", "status", "outcome", "due_at", "decided_at",
              "unmet", "review_flags", "review_flag_reasons", "htc_id", "owner_id",
              # Annotations of the admin's queryset (requests.py get_queryset).
              "responded", "exception_pending")
HTC_FIELDS = ("name", "city", "state")
OWNER_FIELDS = ("first_name", "last_name", "username")


def filled(model: type[Model], values: dict[str, Any], db: str) -> Any:
    """An instance of `model` holding `values` (attnames) and nothing else, as
    from_db() would make it, without Model.__init__: for a page of 50 rows,
    their HTCs and owners, __init__ was more than half of the rows' CPU (4.6
    ms against 1.9 ms for the same values; docs/benchmarks.md). A field not
    in `values` loads on access, as with only()."""
    obj = model.__new__(model)
    obj.__dict__.update(values)
    obj._state = ModelState()
    obj._state.adding, obj._state.db = False, db
    return obj


def list_rows(queryset: QuerySet) -> list[Any]:
    """The page's requests, with their HTC and owner, read in one values_list()."""
    fields = AuthorizationRequest._meta
    htc_model, owner_model = (fields.get_field(name).related_model for name in ("htc", "owner"))
    names = (*ROW_FIELDS, *(f"htc__{f}" for f in HTC_FIELDS),
             *(f"owner__{f}" for f in OWNER_FIELDS))
    split, owner_at = len(ROW_FIELDS), len(ROW_FIELDS) + len(HTC_FIELDS)
    rows, db = [], queryset.db
    for values in queryset.values_list(*names):
        req = filled(AuthorizationRequest, dict(zip(ROW_FIELDS, values, strict=False)), db)
        htc = dict(zip(HTC_FIELDS, values[split:owner_at], strict=True))
        owner = dict(zip(OWNER_FIELDS, values[owner_at:], strict=True))
        cache = req._state.fields_cache
        cache["htc"] = filled(htc_model, {"id": req.htc_id, **htc}, db)
        cache["owner"] = None if req.owner_id is None else filled(
            owner_model, {"id": req.owner_id, **owner}, db)
        rows.append(req)
    return rows


class QueueChangeList(ChangeList):
    """The admin's list, lighter: the rows read only what the columns show
    (list_rows), and are drawn in one pass (table()) instead of the admin's
    per-cell lookups (docs/benchmarks.md, the desk)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.select_related(None).select_related(*LIST_RELATED).only(*LIST_FIELDS)

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list_rows(self.result_list)

    def table(self) -> dict[str, Any]:
        """The context of _queue_results.html: the admin's headers (sorting
        links), and each row's cells as the admin writes them (a `field-`
        class per column, nothing for an empty value)."""
        # The clock read once for the page, its times through PageTimes.
        now, page_times = timezone.now(), PageTimes()
        cells = {"time_left": lambda obj: time_left(obj, now, page_times)}
        columns = [(mark_safe(f'<td class="field-{name}">'),
                    cells.get(name) or getattr(self.model_admin, name))
                   for name in self.list_display]
        headers = list(result_headers(self))
        return {
            "headers": headers,
            "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
            "rows": [mark_safe("".join(f"{td}{cell(column(obj))}</td>" for td, column in columns))
                     for obj in self.result_list],
        }


def cell(value: Any) -> str:
    """A column's value as the admin's list shows it: blank for None or white space."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return conditional_escape(value)


def filter_sidebar(cl: ChangeList) -> SafeString:
    """The filters' part of the sidebar, as the admin's filter.html writes each
    filter (admin_list_filter renders that template once per filter: two
    thirds of the sidebar's time). A filter with its own template still goes
    through it."""
    from django.contrib.admin.templatetags.admin_list import admin_list_filter

    parts = []
    for spec in cl.filter_specs:
        if spec.template != "admin/filter.html":
            parts.append(admin_list_filter(cl, spec))
            continue
        items = "".join(
            quick_html('<li{}><a href="{}">{}</a></li>',
                       mark_safe(' class="selected"') if choice["selected"] else "",
                       iri_to_uri(choice["query_string"]), choice["display"])
            for choice in spec.choices(cl))
        parts.append(quick_html('<details data-filter-title="{}" open><summary>{}</summary>'
                                "<ul>{}</ul></details>", spec.title,
                                _(" By %(filter_title)s ") % {"filter_title": spec.title},
                                mark_safe(items)))
    return mark_safe("".join(parts))
