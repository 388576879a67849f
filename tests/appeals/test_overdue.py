"""An appeal's overdue rule, twice: Appeal.objects.overdue (SQL) and
appeal.is_overdue (Python) pick the same appeals, both on deadlines.is_late:
open ones read now, decided ones at their decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from authorizations.models import Appeal, AppealOutcome, Determination, Status
from authorizations.requests.services import request_create

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
NOW = timezone.now().replace(microsecond=0)

# (name, due_at, decided_at, overdue)
CASES = [
    ("open, due exactly now", NOW, None, False),
    ("open, due a second ago", NOW - SECOND, None, True),
    ("open, due in a second", NOW + SECOND, None, False),
    ("open, due long ago", NOW - timedelta(days=40), None, True),
    ("decided at the due second", NOW - timedelta(days=2), NOW - timedelta(days=2), False),
    ("decided a second late", NOW - timedelta(days=2), NOW - timedelta(days=2) + SECOND, True),
    ("decided a second early", NOW - timedelta(days=2), NOW - timedelta(days=2) - SECOND, False),
    # Decided on time, due long past now: read at the decision.
    ("decided on time, due long past", NOW - timedelta(days=30), NOW - timedelta(days=31),
     False),
    ("decided late, due long past", NOW - timedelta(days=30), NOW - timedelta(days=20), True),
]


def _determination(req, status):
    return Determination.objects.create(
        request=req, status=status, outcome="not_met", unmet=[], trace=[],
        policy_version="2026D0120K", kind="reviewer", decided_by_name="Reviewer")


@pytest.fixture
def rows(prescriber):
    made = {}
    for name, due_at, decided_at, _ in CASES:
        # Each on its own request: one open appeal per request.
        req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
        decided = decided_at is not None
        made[name] = Appeal.objects.create(
            request=req, denial=_determination(req, Status.DENIED), filed_by=prescriber,
            filed_at=due_at - timedelta(days=30), statement="Please reconsider.",
            representative_attested=True, due_at=due_at, decided_at=decided_at,
            outcome=AppealOutcome.UPHELD if decided else "",
            decision=_determination(req, Status.DENIED) if decided else None)
    return made


def test_the_query_and_the_row_pick_the_same_overdue_appeals(rows):
    expected = {name for name, *_, overdue in CASES if overdue}
    by_pk = {appeal.pk: name for name, appeal in rows.items()}
    in_sql = {by_pk[pk] for pk in Appeal.objects.overdue(NOW).values_list("pk", flat=True)}
    in_python = {name for name, appeal in rows.items() if appeal.is_overdue(NOW)}
    assert in_sql == in_python == expected


def test_open_and_overdue_is_the_queue_filter_and_the_admin_home_count(rows):
    from authorizations.review.selectors import appeal_counts

    open_overdue = {name for name, due, decided, overdue in CASES if overdue and not decided}
    by_pk = {appeal.pk: name for name, appeal in rows.items()}
    in_sql = {by_pk[pk] for pk in Appeal.objects.filter(decided_at__isnull=True)
              .overdue(NOW).values_list("pk", flat=True)}
    assert in_sql == open_overdue
    assert appeal_counts(NOW)["overdue"] == len(open_overdue)
