"""The request queue's list filters: status, the turnaround clock (on the
request's overdue and due-soon queries), HTC and policy version."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from authorizations import policy
from authorizations.core import deadlines
from authorizations.core.compiled import CompiledQuery
from authorizations.models import HTC, OPEN_STATUSES, AuthorizationRequest, Status

# What the reviewers' queue lists: every status but a draft (the prescriber's
# unfinished work never reaches the reviewers).
SUBMITTED_STATUSES = tuple(s for s in Status if s != Status.DRAFT)


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in SUBMITTED_STATUSES]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "turnaround clock"
    parameter_name = "turnaround"

    def lookups(self, request, model_admin):
        # The parameter keeps its name (bookmarked links); the words follow the clock.
        return [("overdue", "Overdue"), ("due_24h", f"Due within {deadlines.DUE_SOON_WORDS}"),
                ("on_time", "Pending, on time"), ("decided_late", "Decided after the due time")]

    def queryset(self, request, queryset):
        now = timezone.now()
        pending = queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "overdue":
            return pending.overdue(now)
        if self.value() == "due_24h":
            return pending.due_soon(now)
        if self.value() == "on_time":
            return pending.filter(due_at__isnull=False).exclude(
                AuthorizationRequest.objects.overdue_q(now))
        if self.value() == "decided_late":
            return queryset.exclude(status__in=OPEN_STATUSES).overdue(now)
        return queryset


class HTCFilter(admin.RelatedFieldListFilter):
    """The HTCs that have prescribers: only they can have requests. (The
    admin's "related only" filter reads the HTC of every request instead,
    which grows with the requests.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "HTC"

    def field_choices(self, field, request, model_admin):
        return [(htc.pk, str(htc)) for htc in _PRESCRIBING_HTCS.instances()]


# On every view of the queue: compiled once, a prepared statement on PostgreSQL
# (core/compiled.py). It was a tenth of the unfiltered queue's time.
_PRESCRIBING_HTCS = CompiledQuery(lambda: HTC.objects.filter(prescribers__isnull=False)
                                  .distinct().only("id", "name", "city", "state"))


class PolicyFilter(admin.SimpleListFilter):
    """The policy versions this service has applied, from the code rather than
    a DISTINCT over every request."""

    title = "policy"
    parameter_name = "policy_version"

    def lookups(self, request, model_admin):
        return [(v.number, v.number) for v in policy.versions()]

    def queryset(self, request, queryset):
        return queryset.filter(policy_version=self.value()) if self.value() else queryset
