"""A request's overdue rule, twice: AuthorizationRequest.objects.overdue (SQL,
for lists, filters and counts) and req.is_overdue (Python, for one row) pick
the same rows, both on deadlines.is_late. So do due_soon and is_due_soon."""

from datetime import timedelta

import pytest
from django.utils import timezone

from authorizations.core import deadlines
from authorizations.models import OPEN_STATUSES, AuthorizationRequest, Status
from authorizations.requests.services import request_create

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
NOW = timezone.now().replace(microsecond=0)

# (name, status, due_at, decided_at, overdue)
CASES = [
    ("draft", Status.DRAFT, None, None, False),
    ("pending, due exactly now", Status.PENDING_REVIEW, NOW, None, False),
    ("pending, due a second ago", Status.PENDING_REVIEW, NOW - SECOND, None, True),
    ("pending, due in a second", Status.PENDING_REVIEW, NOW + SECOND, None, False),
    ("pending, due in 24 hours", Status.PENDING_REVIEW, NOW + timedelta(hours=24), None, False),
    ("pending, due in 24 hours less a second", Status.PENDING_REVIEW,
     NOW + timedelta(hours=24) - SECOND, None, False),
    ("pending, no due time", Status.PENDING_REVIEW, None, None, False),
    ("information, due exactly now", Status.INFORMATION_REQUESTED, NOW, None, False),
    ("information, due a second ago", Status.INFORMATION_REQUESTED, NOW - SECOND, None, True),
    ("information, due in a second", Status.INFORMATION_REQUESTED, NOW + SECOND, None, False),
    ("approved at the due second", Status.APPROVED, NOW - timedelta(days=3),
     NOW - timedelta(days=3), False),
    ("approved a second late", Status.APPROVED, NOW - timedelta(days=3),
     NOW - timedelta(days=3) + SECOND, True),
    ("approved a second early", Status.APPROVED, NOW - timedelta(days=3),
     NOW - timedelta(days=3) - SECOND, False),
    # Decided on time long ago: read at the decision, not now.
    ("denied on time, due long past", Status.DENIED, NOW - timedelta(days=30),
     NOW - timedelta(days=31), False),
    ("denied late", Status.DENIED, NOW - timedelta(days=30), NOW - timedelta(days=29), True),
    ("approved, no decision time", Status.APPROVED, NOW - timedelta(days=1), None, False),
    ("approved, no due time", Status.APPROVED, None, NOW, False),
]


@pytest.fixture
def rows(prescriber):
    made = {}
    for name, status, due_at, decided_at, _ in CASES:
        req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
        row = AuthorizationRequest.objects.filter(pk=req.pk)
        if status not in (Status.DRAFT, Status.APPROVED):
            # Along the allowed moves: PostgreSQL's trigger refuses a draft
            # becoming denied at once (0017_state_triggers).
            row.update(status=Status.PENDING_REVIEW)
        row.update(status=status, due_at=due_at, decided_at=decided_at)
        made[name] = AuthorizationRequest.objects.get(pk=req.pk)
    return made


def test_the_query_and_the_row_pick_the_same_overdue_requests(rows):
    expected = {name for name, *_, overdue in CASES if overdue}
    by_pk = {req.pk: name for name, req in rows.items()}
    in_sql = {by_pk[pk] for pk in AuthorizationRequest.objects.overdue(NOW)
              .values_list("pk", flat=True)}
    in_python = {name for name, req in rows.items() if req.is_overdue(NOW)}
    assert in_sql == in_python == expected


def test_the_query_and_the_rule_pick_the_same_requests_due_soon(rows):
    by_pk = {req.pk: name for name, req in rows.items()}
    in_sql = {by_pk[pk] for pk in AuthorizationRequest.objects.due_soon(NOW)
              .values_list("pk", flat=True)}
    in_python = {name for name, req in rows.items()
                 if req.status in OPEN_STATUSES and deadlines.is_due_soon(req.due_at, NOW)}
    assert in_sql == in_python == {"pending, due exactly now", "pending, due in a second",
                                   "pending, due in 24 hours less a second",
                                   "information, due exactly now",
                                   "information, due in a second"}


def test_the_overdue_condition_counts_the_same_rows_in_an_aggregate(rows):
    from django.db.models import Count

    counted = AuthorizationRequest.objects.aggregate(
        n=Count("pk", filter=AuthorizationRequest.objects.overdue_q(NOW)))["n"]
    assert counted == sum(1 for req in rows.values() if req.is_overdue(NOW))
