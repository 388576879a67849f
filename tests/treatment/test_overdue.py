"""A follow-up's state on a day, twice: FollowUp.objects.in_state / overdue /
due_or_overdue (SQL, for the admin's list and the reminders) and
fu.state_on / is_overdue (Python, for one row) pick the same follow-ups, on
the same deadlines boundaries (due from 30 days before, overdue after 60)."""

from datetime import timedelta

import pytest

from authorizations.models import FollowUp, FollowUpStatus
from authorizations.treatment import schedule
from tests.treatment.helpers import today

pytestmark = pytest.mark.django_db

DAY = today()
# (name, status, days from DAY to the follow-up's date, state on DAY)
CASES = [
    ("61 days past", FollowUpStatus.OPEN, -61, schedule.OVERDUE),
    ("60 days past", FollowUpStatus.OPEN, -60, schedule.DUE),
    ("59 days past", FollowUpStatus.OPEN, -59, schedule.DUE),
    ("dated today", FollowUpStatus.OPEN, 0, schedule.DUE),
    ("30 days ahead", FollowUpStatus.OPEN, 30, schedule.DUE),
    ("31 days ahead", FollowUpStatus.OPEN, 31, schedule.UPCOMING),
    ("submitted, long past", FollowUpStatus.SUBMITTED, -400, schedule.SUBMITTED),
    ("waived, long past", FollowUpStatus.WAIVED, -400, schedule.WAIVED),
    ("a year ahead", FollowUpStatus.OPEN, 365, schedule.UPCOMING),
    ("three years past", FollowUpStatus.OPEN, -1000, schedule.OVERDUE),
]


@pytest.fixture
def rows(infused):
    req = infused()
    follow_ups = list(FollowUp.objects.filter(authorization=req.authorization)
                      .order_by("number"))
    assert len(follow_ups) == len(CASES)
    made = {}
    for fu, (name, status, days, _) in zip(follow_ups, CASES, strict=True):
        # One UPDATE each: a submitted follow-up is fixed from then on.
        FollowUp.objects.filter(pk=fu.pk).update(status=status,
                                                 due_on=DAY + timedelta(days=days))
        made[name] = FollowUp.objects.get(pk=fu.pk)
    return made


def _names(rows, queryset):
    by_pk = {fu.pk: name for name, fu in rows.items()}
    return {by_pk[pk] for pk in queryset.filter(pk__in=list(by_pk)).values_list("pk",
                                                                              flat=True)}


def test_the_query_and_the_row_pick_the_same_overdue_follow_ups(rows):
    in_python = {name for name, fu in rows.items() if fu.is_overdue(DAY)}
    assert _names(rows, FollowUp.objects.overdue(DAY)) == in_python == {
        "61 days past", "three years past"}


@pytest.mark.parametrize("state", list(schedule.STATE_LABELS))
def test_the_query_and_the_row_agree_on_every_state(rows, state):
    expected = {name for name, *_, on_day in CASES if on_day == state}
    in_python = {name for name, fu in rows.items() if fu.state_on(DAY) == state}
    assert _names(rows, FollowUp.objects.in_state(state, DAY)) == in_python == expected


def test_due_or_overdue_is_what_reminders_and_the_htc_list_read(rows):
    in_python = {name for name, fu in rows.items()
                 if fu.state_on(DAY) in (schedule.DUE, schedule.OVERDUE)}
    assert _names(rows, FollowUp.objects.due_or_overdue(DAY)) == in_python
