"""Prior authorization metrics for a period (CMS-style public reporting):
one function, `compute`, for the operations page, its CSV and `manage.py metrics`.

The cohort is the requests *submitted* in the period (local dates, both ends
included). Everything is aggregated in the database, in a fixed number of
queries whatever the number of rows: counts in one query, and the medians
with them on PostgreSQL (percentile_cont: the mean of the one or two middle
values, in the counts' one scan of the cohort); on SQLite, which has no such
aggregate, each median reads the one or two middle rows of the ordered values.

Aggregates only. Small cells could point to a person, so any count under
SUPPRESS_BELOW is suppressed, and so is every figure derived from fewer rows
than that (a median of five decisions, a share of eight).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import Aggregate, Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from authorizations.core import zones
from authorizations.models import (
    Appeal,
    AppealOutcome,
    AuthorizationRequest,
    DecisionKind,
    Determination,
    Document,
    Status,
)

SUPPRESS_BELOW = 11
SUPPRESSED = "fewer than 11"
SUPPRESSED_CSV = "<11"


@dataclass(frozen=True)
class Figure:
    """One cell: `value` is None when suppressed (or when there is nothing to
    measure); `text` is what a page prints, `csv` what the CSV holds."""

    key: str
    label: str
    value: object
    unit: str = ""
    suppressed: bool = False
    base: int | None = None  # rows a derived figure stands on

    @property
    def text(self) -> str:
        if self.suppressed:
            return SUPPRESSED
        if self.value is None:
            return "none"
        return f"{self.value}{' ' + self.unit if self.unit else ''}"

    @property
    def csv(self) -> str:
        if self.suppressed:
            return SUPPRESSED_CSV
        return "" if self.value is None else str(self.value)


@dataclass
class Metrics:
    start: date
    end: date
    counts: list[Figure] = field(default_factory=list)
    timing: list[Figure] = field(default_factory=list)

    @property
    def figures(self) -> list[Figure]:
        return self.counts + self.timing

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(),
                "suppressed_below": SUPPRESS_BELOW,
                "figures": [{"key": f.key, "label": f.label, "unit": f.unit,
                             "value": SUPPRESSED_CSV if f.suppressed else _jsonable(f.value)}
                            for f in self.figures]}

    def csv_rows(self) -> list[list[str]]:
        rows = [["metric", "key", "value", "unit", "from", "to"]]
        rows += [[f.label, f.key, f.csv, f.unit, self.start.isoformat(), self.end.isoformat()]
                 for f in self.figures]
        return rows


def _jsonable(value):
    return float(value) if isinstance(value, Decimal) else value


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the service's time zone (not the
    viewer's: the figures are the same for everyone)."""
    tz = zones.service_zone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def _count(key: str, label: str, n: int) -> Figure:
    return Figure(key, label, n, suppressed=n < SUPPRESS_BELOW, base=n)


def _derived(key: str, label: str, value, base: int, unit: str) -> Figure:
    if base < SUPPRESS_BELOW:
        return Figure(key, label, None, unit, suppressed=True, base=base)
    return Figure(key, label, value, unit, base=base)


def _hours(value: timedelta | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.total_seconds()) / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)


# False: every median reads its middle rows, as on SQLite (the tests compare).
MEDIANS_IN_SCAN = True


def _median(queryset, expression, n: int) -> timedelta | None:
    """The median of `expression` over `n` rows, read as the middle one or two
    rows of the ordered values: one query."""
    if n == 0:
        return None
    lo = (n - 1) // 2
    values = list(queryset.annotate(_v=expression).order_by("_v", "pk")
                  .values_list("_v", flat=True)[lo:lo + (2 - n % 2)])
    if not values:
        return None
    return sum(values, timedelta()) / len(values)


class _Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the mean of the one or two middle
    values, as _median reads them (tests/operations/test_metrics.py compares)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


TO_DECISION = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
TO_SUBMISSION = ExpressionWrapper(F("submitted_at") - F("created_at"),
                                  output_field=DurationField())


def compute(start: date, end: date) -> Metrics:
    """Every figure for requests submitted from `start` to `end` (inclusive)."""
    lo, hi = period_bounds(start, end)
    # For the overdue rule's signature only: a decided request's clock is read
    # at its decision, never now.
    now = timezone.now()
    cohort = AuthorizationRequest.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi)
    in_cohort = {"request__submitted_at__gte": lo, "request__submitted_at__lt": hi}

    def having(model, **match) -> Q:
        # `pk IN (the cohort's matching request ids)`: uncorrelated, so
        # PostgreSQL reads each subquery once and hashes it. A correlated
        # EXISTS ran once per request of the period (12,000 times over a year
        # of the 100,000-request benchmark: 38 ms of the page's 67).
        return Q(pk__in=model.objects.filter(**in_cohort, **match).values("request_id"))

    system_approved = having(Determination, kind=DecisionKind.SYSTEM, status=Status.APPROVED)
    system_pended = having(Determination, kind=DecisionKind.SYSTEM,
                           status=Status.PENDING_REVIEW)
    reviewed = having(Determination, kind=DecisionKind.REVIEWER, status=Status.APPROVED)
    overturned = having(Appeal, outcome=AppealOutcome.OVERTURNED)
    decided = Q(decided_at__isnull=False, status__in=[Status.APPROVED, Status.DENIED])
    # The medians in the counts' scan where the database has the aggregate
    # (a scan and a sort of the period's rows each otherwise: 22 of the
    # operations page's 42 ms at 100,000 requests).
    in_scan = MEDIANS_IN_SCAN and connections[cohort.db].vendor == "postgresql"
    medians = {
        "median_expedited": _Median(TO_DECISION, filter=decided & Q(expedited=True)),
        "median_standard": _Median(TO_DECISION, filter=decided & Q(expedited=False)),
        "median_prep": _Median(TO_SUBMISSION),
    } if in_scan else {}
    c = cohort.aggregate(
        submitted=Count("pk"),
        at_once=Count("pk", filter=system_approved),
        # An approval on appeal is counted once, as approved after appeal.
        after_review=Count("pk", filter=reviewed & ~overturned),
        after_appeal=Count("pk", filter=overturned),
        denied=Count("pk", filter=Q(status=Status.DENIED)),
        pended=Count("pk", filter=system_pended),
        decided_expedited=Count("pk", filter=decided & Q(expedited=True)),
        decided_standard=Count("pk", filter=decided & Q(expedited=False)),
        average_expedited=Avg(TO_DECISION, filter=decided & Q(expedited=True),
                              output_field=DurationField()),
        average_standard=Avg(TO_DECISION, filter=decided & Q(expedited=False),
                             output_field=DurationField()),
        # Decided by the due time: those with a clock, less those decided late.
        clocked=Count("pk", filter=decided & Q(due_at__isnull=False)),
        late=Count("pk", filter=decided & AuthorizationRequest.objects.overdue_q(now)),
        **medians,
    )
    on_time = c["clocked"] - c["late"]
    documents = Document.objects.filter(request__in=cohort).count()

    m = Metrics(start, end)
    m.counts = [
        _count("submitted", "Requests submitted", c["submitted"]),
        _count("approved_at_once", "Approved at once by software", c["at_once"]),
        _count("approved_after_review", "Approved after clinical review", c["after_review"]),
        _count("approved_after_appeal", "Approved after appeal", c["after_appeal"]),
        _count("denied", "Denied", c["denied"]),
        _count("pended", "Pended for clinical review", c["pended"]),
    ]
    for flag, name in ((True, "expedited"), (False, "standard")):
        n = c[f"decided_{name}"]
        rows = cohort.filter(decided, expedited=flag)
        average = c[f"average_{name}"]
        median = None
        if n >= SUPPRESS_BELOW:
            median = c[f"median_{name}"] if in_scan else _median(rows, TO_DECISION, n)
        m.timing += [
            _derived(f"median_hours_to_decision_{name}",
                     f"Median time from submission to decision, {name}", _hours(median), n,
                     "hours"),
            _derived(f"average_hours_to_decision_{name}",
                     f"Average time from submission to decision, {name}", _hours(average), n,
                     "hours"),
        ]
    n_decided = c["decided_expedited"] + c["decided_standard"]
    share = (Decimal(100 * on_time) / n_decided).quantize(Decimal("0.1"), ROUND_HALF_UP) \
        if n_decided else None
    m.timing.append(_derived("decided_within_clock_percent",
                             "Decided within the clock (decided by the due time)", share,
                             n_decided, "%"))
    n = c["submitted"]
    prep = None
    if n >= SUPPRESS_BELOW:
        prep = c["median_prep"] if in_scan else _median(cohort, TO_SUBMISSION, n)
    m.timing.append(_derived("median_hours_first_step_to_submission",
                             "Median time from the first step to submission", _hours(prep), n,
                             "hours"))
    per_request = (Decimal(documents) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) if n else None
    m.timing.append(_derived("documents_per_request", "Documents per request (average)",
                             per_request, n, ""))
    return m

