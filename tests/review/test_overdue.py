"""A request for information's overdue rule, twice:
InformationRequest.objects.overdue (SQL) and ir.is_overdue (Python) pick the
same rows, both on deadlines.is_late. A response closes it, late or not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from authorizations.models import InformationRequest
from authorizations.requests.services import request_create

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
NOW = timezone.now().replace(microsecond=0)

# (name, due_at, responded_at, overdue)
CASES = [
    ("unanswered, due exactly now", NOW, None, False),
    ("unanswered, due a second ago", NOW - SECOND, None, True),
    ("unanswered, due in a second", NOW + SECOND, None, False),
    ("unanswered, due long ago", NOW - timedelta(days=50), None, True),
    ("answered on time", NOW - timedelta(days=1), NOW - timedelta(days=2), False),
    ("answered late", NOW - timedelta(days=2), NOW - timedelta(days=1), False),
    ("answered, due later", NOW + timedelta(days=2), NOW, False),
]


@pytest.fixture
def rows(prescriber, reviewer):
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    return {name: InformationRequest.objects.create(
        request=req, requested_by=reviewer, message="The clinic note.", due_at=due_at,
        paused_at=due_at - timedelta(days=45), clock_used=0, responded_at=responded_at)
        for name, due_at, responded_at, _ in CASES}


def test_the_query_and_the_row_pick_the_same_overdue_requests_for_information(rows):
    expected = {name for name, *_, overdue in CASES if overdue}
    by_pk = {ir.pk: name for name, ir in rows.items()}
    in_sql = {by_pk[pk] for pk in InformationRequest.objects.overdue(NOW)
              .values_list("pk", flat=True)}
    in_python = {name for name, ir in rows.items() if ir.is_overdue(NOW)}
    assert in_sql == in_python == expected
