"""The work queue: its views ("Mine", "Unassigned", "Due within 24 h",
"Overdue", "Information received", "Exceptions awaiting my signature", and
the appeals this reviewer may decide, on the appeals' own queue) and its
columns, narrow enough for 1280 px: a short HTC (city and state), the time
left as relative time (the date on hover and for screen readers), the
owner, and the flags as short badges."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.db.models.base import ModelState
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from authorizations.core import deadlines, prepared
from authorizations.core.formats import PageTimes, page_datetime
from authorizations.core.markup import quick_html
from authorizations.models import (
    OPEN_STATUSES,
    PENDING_DUE,
    QUEUE_ORDER,
    AuthorizationRequest,
    DecisionException,
)
from authorizations.review import desk_services
from authorizations.review import selectors as review_selectors
from authorizations.review.admin import queue_cells as cells
from authorizations.review.admin.filters import SUBMITTED_STATUSES

QUEUE_VIEWS = [
    ("mine", "Mine"),
    ("unassigned", "Unassigned"),
    ("due_24h", f"Due within {deadlines.DUE_SOON_WORDS}"),
    ("overdue", "Overdue"),
    ("information_received", "Information received"),
    # Cases pending a second key this reviewer may turn (desk_services.exceptions_to_sign).
    ("to_sign", "Exceptions awaiting my signature"),
]

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


def queue_queryset() -> QuerySet:
    """The admin's requests: every status but a draft, in the queue's order,
    with the columns' annotations. A clone of _queue_base's, which is never
    run itself (its results would be kept)."""
    return _queue_base().all()


@functools.cache
def _queue_base() -> QuerySet:
    """queue_queryset's, built once per process: resolving its two EXISTS and
    its CASE was about 0.7 ms of every view of the queue, the same each time
    (docs/benchmarks.md)."""
    # Every status but a draft, as IN: PostgreSQL counts the list's
    # 100,000 requests from the status index's conditions, a third faster
    # than testing each entry against NOT draft (docs/benchmarks.md).
    # No select_related: the list reads its HTC and owner in its own query
    # (list_rows), and the case's page reads the case itself (get_object).
    return (AuthorizationRequest.objects.filter(status__in=SUBMITTED_STATUSES)
            .annotate(pending_due=PENDING_DUE, exception_pending=Exists(
                DecisionException.objects.filter(request=OuterRef("pk"),
                                                 signed_at__isnull=True)),
                      # The queue's "Response" badge (queue.py badges).
                      responded=review_selectors.RESPONDED)
            .order_by(*QUEUE_ORDER))


class QueuePaginator(Paginator):
    """Counts a list's rows up to COUNT_CAP and no further. Counting every
    request on every view of the queue was its costliest query (100,000
    requests: about 4 ms of PostgreSQL's time, more than the rows'); a list
    that long says "more than 1,000" (pagination.html), and its pages run to
    the 1,000th row (20 pages): past that a reviewer searches, filters or
    sorts. At 10,000 the capped count still took about 0.6 ms of every view.
    Counted as a prepared statement on PostgreSQL (core/prepared.count)."""

    COUNT_CAP = 1_000

    @property
    def cap_words(self) -> str:
        return f"{self.COUNT_CAP:,}"

    @cached_property
    def count(self) -> int:
        return prepared.count(self.object_list, self.COUNT_CAP)

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

    # Each column's cell is queue_cells.py's, here marked safe for the admin.

    @admin.display(description="Request", ordering="pk")
    def number_link(self, obj):
        return self._cell(cells.number_link, obj)

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        return self._cell(cells.state, obj)

    @admin.display(description="Member", ordering="patient_name")
    def member(self, obj):
        return self._cell(cells.member, obj)

    @admin.display(description="HTC", ordering="htc__state")
    def htc_short(self, obj):
        return self._cell(cells.htc_short, obj)

    @admin.display(description="Time left", ordering="pending_due")
    def time_left(self, obj):
        return self._cell(cells.time_left, obj)

    @admin.display(description="Owner", ordering="owner__username")
    def owner_display(self, obj):
        return self._cell(cells.owner_display, obj)

    @admin.display(description="Flags")
    def badges(self, obj):
        return self._cell(cells.badges, obj)

    @staticmethod
    def _cell(write, obj) -> SafeString:
        return mark_safe(write(obj, cells.Page(timezone.now(), page_datetime, queue_url())))


# What list_rows reads of a request (attnames), of its HTC and of its owner:
# what the columns show, and nothing else (not the answers, their origins or
# the draft's typed text, which the case's page reads, nor the owner's
# password hash).
ROW_FIELDS = ("id", "patient_name", "member_id", "status", "outcome", "due_at", "decided_at",
              "unmet", "review_flags", "review_flag_reasons", "htc_id", "owner_id",
              # Annotations of the admin's queryset (queue_queryset).
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
    """The page's requests, with their HTC and owner, read in one query (a
    prepared statement on PostgreSQL: core/prepared.select)."""
    fields = AuthorizationRequest._meta
    htc_model, owner_model = (fields.get_field(name).related_model for name in ("htc", "owner"))
    columns, rows = prepared.select(queryset.values(
        *ROW_FIELDS, *(f"htc__{f}" for f in HTC_FIELDS), *(f"owner__{f}" for f in OWNER_FIELDS)))
    found, db = [], queryset.db
    for row in rows:
        value = dict(zip(columns, row, strict=True))
        req = filled(AuthorizationRequest, {f: value[f] for f in ROW_FIELDS}, db)
        cache = req._state.fields_cache
        cache["htc"] = filled(htc_model, {"id": req.htc_id,
                                          **{f: value[f"htc__{f}"] for f in HTC_FIELDS}}, db)
        cache["owner"] = None if req.owner_id is None else filled(
            owner_model, {"id": req.owner_id, **{f: value[f"owner__{f}"] for f in OWNER_FIELDS}},
            db)
        found.append(req)
    return found


class QueueChangeList(ChangeList):
    """The admin's list, lighter: the rows read only what the columns show
    (list_rows), and are drawn in one pass (table()) instead of the admin's
    per-cell lookups (docs/benchmarks.md, the desk)."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list_rows(self.result_list)

    def table(self) -> dict[str, Any]:
        """The context of _queue_results.html: the admin's headers (sorting
        links), and each row's cells as the admin writes them (a `field-`
        class per column, nothing for an empty value)."""
        # The clock read once for the page, its times through PageTimes.
        page = cells.Page(timezone.now(), PageTimes(), queue_url())
        columns = [(f'<td class="field-{name}">', cells.CELLS.get(name), name)
                   for name in self.list_display]
        headers = list(result_headers(self))
        return {
            "headers": headers,
            "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
            "rows": [mark_safe("".join(
                f"{td}{write(obj, page) if write else cell(getattr(self.model_admin, name)(obj))}"
                "</td>" for td, write, name in columns)) for obj in self.result_list],
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
