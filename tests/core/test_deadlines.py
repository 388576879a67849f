"""Every clock of the service (authorizations/core/deadlines.py): pure, no
database, no Django. Elapsed-time clocks are checked across both daylight-
saving changes of 2026 in America/Chicago (March 8, November 1; New York,
the settings' default zone, changes on the same days)."""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from authorizations.core import deadlines as d

ROOT = Path(__file__).resolve().parents[2]
CHICAGO = ZoneInfo("America/Chicago")
ZONES = [CHICAGO, ZoneInfo("America/New_York")]
SECOND = timedelta(seconds=1)


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def test_deadlines_import_without_django():
    # A fresh interpreter where importing django fails outright.
    code = ("import sys; sys.modules['django'] = None\n"
            "import authorizations.core.deadlines as d\n"
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules"
            " if sys.modules[m] is not None)\n"
            "print(d.EXPEDITED_TURNAROUND_WORDS)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "72 hours"


def test_the_words_pages_print():
    assert d.WORDS == {
        "expedited_turnaround": "72 hours",
        "expedited_turnaround_adjective": "72-hour",
        "standard_turnaround": "15 days",
        "standard_turnaround_calendar": "15 calendar days",
        "expedited_information": "48 hours",
        "expedited_after_information": "48 hours",
        "standard_information": "45 days",
        "appeal_filing": "180 days",
        "expedited_appeal": "72 hours",
        "standard_appeal": "30 days",
        "external_review_filing": "4 months",
        "expedited_external_review": "72 hours",
        "authorization": "45 days",
        "follow_up_interval": "six months",
        "follow_up_period": "five years",
        "follow_up_years": "5 years",
        "follow_up_frequency": "twice a year",
        "due_soon": "24 hours",
    }


def test_words_never_round_a_duration():
    with pytest.raises(ValueError):
        d._words(timedelta(hours=36), "days")


# Turnaround.

def test_turnaround_is_72_hours_expedited_and_15_days_standard():
    at = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
    assert d.decision_due(at, expedited=True) == at + timedelta(hours=72)
    assert d.decision_due(at, expedited=False) == at + timedelta(days=15)
    assert d.turnaround(expedited=True) == d.EXPEDITED_TURNAROUND == timedelta(hours=72)
    assert d.turnaround(expedited=False) == d.STANDARD_TURNAROUND == timedelta(days=15)


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_turnaround_is_elapsed_time_when_the_clocks_spring_forward(zone):
    # Submitted at 9:00 the day before the change: 72 hours later reads 10:00.
    submitted = local(zone, 2026, 3, 7, 9, 0)
    due = d.decision_due(submitted, expedited=True)
    assert due - submitted == timedelta(hours=72)
    assert due.astimezone(zone).replace(tzinfo=None) == datetime(2026, 3, 10, 10, 0)
    standard = d.decision_due(local(zone, 2026, 3, 1, 9, 0), expedited=False)
    assert standard.astimezone(zone).replace(tzinfo=None) == datetime(2026, 3, 16, 10, 0)


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_turnaround_is_elapsed_time_when_the_clocks_fall_back(zone):
    submitted = local(zone, 2026, 10, 31, 9, 0)
    due = d.decision_due(submitted, expedited=True)
    assert due - submitted == timedelta(hours=72)
    assert due.astimezone(zone).replace(tzinfo=None) == datetime(2026, 11, 3, 8, 0)
    standard = d.decision_due(local(zone, 2026, 10, 25, 9, 0), expedited=False)
    assert standard.astimezone(zone).replace(tzinfo=None) == datetime(2026, 11, 9, 8, 0)


def test_a_due_time_is_the_same_from_local_or_utc_input():
    submitted = local(CHICAGO, 2026, 3, 7, 9, 0)
    assert d.decision_due(submitted, expedited=False) == \
        d.decision_due(submitted.astimezone(UTC), expedited=False)
    assert d.decision_due(submitted, expedited=False).tzinfo == UTC


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        d.decision_due(datetime(2026, 6, 1, 9, 0), expedited=False)


def test_the_clock_used_when_it_stops():
    now = datetime(2026, 6, 10, tzinfo=UTC)
    # Due in 12 of the 15 days: 3 days used.
    assert d.clock_used(now + timedelta(days=12), now, expedited=False) == 3 * 86400
    assert d.clock_used(now + timedelta(hours=70), now, expedited=True) == 2 * 3600
    assert d.clock_used(None, now, expedited=False) == 0
    # A due time beyond the turnaround (moved later) never gives negative time used.
    assert d.clock_used(now + timedelta(days=20), now, expedited=False) == 0


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_the_clock_used_across_a_change_is_elapsed_time(zone):
    submitted = local(zone, 2026, 3, 7, 9, 0)
    due = d.decision_due(submitted, expedited=True)
    stopped = local(zone, 2026, 3, 8, 9, 0)  # one calendar day, 23 hours elapsed
    assert d.clock_used(due, stopped, expedited=True) == 23 * 3600


def test_the_clock_restarts_with_the_time_left_or_48_hours_when_expedited():
    responded = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    used = 3 * 86400
    assert d.resumed_due(responded, expedited=False, used_seconds=used) == \
        responded + timedelta(days=12)
    # Expedited: 48 hours from the information's arrival ((f)(2)(i)), not
    # what was left of 72 (71 hours here; none at all after 3 days used).
    assert d.resumed_due(responded, expedited=True, used_seconds=3600) == \
        responded + timedelta(hours=48)
    assert d.resumed_due(responded, expedited=True, used_seconds=used) == \
        responded + timedelta(hours=48)
    assert d.WORDS["expedited_after_information"] == "48 hours"


def test_expediting_gives_72_hours_from_now_never_later_than_before():
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert d.expedited_due(now, now + timedelta(days=10)) == now + timedelta(hours=72)
    assert d.expedited_due(now, now + timedelta(hours=5)) == now + timedelta(hours=5)
    assert d.expedited_due(now, None) == now + timedelta(hours=72)


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_expediting_across_a_change_is_elapsed_time(zone):
    asked = local(zone, 2026, 10, 31, 22, 0)
    due = d.expedited_due(asked, None)
    assert due.astimezone(zone).replace(tzinfo=None) == datetime(2026, 11, 3, 21, 0)


# Requests for information.

def test_information_is_due_in_45_days_standard_and_48_hours_expedited():
    asked = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    assert d.information_due(asked, expedited=False) == asked + timedelta(days=45)
    assert d.information_due(asked, expedited=True) == asked + timedelta(hours=48)


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_information_due_across_a_change_is_elapsed_time(zone):
    asked = local(zone, 2026, 3, 7, 9, 0)
    assert d.information_due(asked, expedited=True).astimezone(zone).replace(tzinfo=None) \
        == datetime(2026, 3, 9, 10, 0)
    asked = local(zone, 2026, 10, 1, 9, 0)  # 45 days on crosses November 1
    assert d.information_due(asked, expedited=False).astimezone(zone).replace(tzinfo=None) \
        == datetime(2026, 11, 15, 8, 0)


# Appeals.

def test_an_appeal_is_decided_within_30_days_or_72_hours():
    filed = datetime(2026, 8, 3, 16, 0, tzinfo=UTC)
    assert d.appeal_due(filed, expedited=False) == filed + timedelta(days=30)
    assert d.appeal_due(filed, expedited=True) == filed + timedelta(hours=72)


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_an_appeal_decision_due_across_a_change_is_elapsed_time(zone):
    filed = local(zone, 2026, 10, 20, 15, 0)
    assert d.appeal_due(filed, expedited=False).astimezone(zone).replace(tzinfo=None) \
        == datetime(2026, 11, 19, 14, 0)
    filed = local(zone, 2026, 3, 6, 15, 0)
    assert d.appeal_due(filed, expedited=True).astimezone(zone).replace(tzinfo=None) \
        == datetime(2026, 3, 9, 16, 0)


def test_the_last_day_to_appeal_is_180_days_after_the_notice_is_received():
    # Received = the notice date plus the mailing allowance; 180 days from then.
    assert d.notice_receipt(date(2026, 6, 1), mailing_allowance_days=5) == date(2026, 6, 6)
    assert d.appeal_deadline(date(2026, 6, 1), mailing_allowance_days=5) == date(2026, 12, 3)
    assert d.appeal_deadline(date(2026, 6, 1), mailing_allowance_days=0) == date(2026, 11, 28)
    assert d.appeal_deadline(date(2026, 11, 1), mailing_allowance_days=0) == date(2027, 4, 30)
    with pytest.raises(ValueError):
        d.notice_receipt(date(2026, 6, 1), mailing_allowance_days=-1)


def test_the_notice_date_is_the_mailing_date_once_mailed():
    sent = date(2026, 6, 1)
    assert d.notice_date(mailed_on=None, sent_on=sent) == sent
    assert d.notice_date(mailed_on=date(2026, 6, 4), sent_on=sent) == date(2026, 6, 4)


def test_the_last_day_to_appeal_counts_from_the_local_day():
    # 23:30 in Chicago on the night the clocks fall back is already the next
    # day in UTC: the deadline counts from the local day.
    denied = local(CHICAGO, 2026, 11, 1, 23, 30)
    assert denied.astimezone(UTC).date() == date(2026, 11, 2)
    assert d.appeal_deadline(denied.astimezone(CHICAGO).date(),
                             mailing_allowance_days=0) == date(2027, 4, 30)


# The authorization.

def test_an_authorization_covers_45_days_counting_the_approval_day():
    assert d.authorization_last_day(date(2026, 11, 27)) == date(2027, 1, 10)
    assert (d.authorization_last_day(date(2026, 3, 1)) - date(2026, 3, 1)).days + 1 == 45


# Follow-up.

def test_follow_up_is_every_six_months_for_five_years():
    dates = d.follow_up_dates(date(2027, 1, 15))
    assert len(dates) == d.MAX_FOLLOW_UPS == 10
    assert dates[0] == date(2027, 7, 15) and dates[-1] == date(2032, 1, 15)
    assert [d.follow_up_months(n) for n in (1, 2, 3, 4)] == [6, 12, 18, 24]
    # The month's last day when the day does not exist.
    assert d.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_a_follow_up_is_due_from_30_days_before_and_overdue_after_60_days():
    due = date(2027, 7, 15)
    assert not d.follow_up_is_due(due, date(2027, 6, 14))
    assert d.follow_up_is_due(due, date(2027, 6, 15))
    assert not d.follow_up_is_overdue(due, date(2027, 9, 13))
    assert d.follow_up_is_overdue(due, date(2027, 9, 14))
    assert d.follow_up_due_through(date(2027, 6, 15)) == due
    assert d.follow_up_overdue_before(date(2027, 9, 14)) == date(2027, 7, 16)


def test_follow_up_dates_ignore_daylight_saving():
    # Calendar arithmetic: an infusion on the day the clocks change.
    assert d.follow_up_dates(date(2026, 3, 8))[:2] == [date(2026, 9, 8), date(2027, 3, 8)]
    assert d.follow_up_dates(date(2026, 11, 1))[0] == date(2027, 5, 1)


# Late and due soon.

def test_late_is_strictly_after_the_due_time():
    due = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert not d.is_late(due, due)
    assert not d.is_late(due, due - SECOND)
    assert d.is_late(due, due + SECOND)
    assert not d.is_late(None, due)
    assert not d.is_late(due, None)


def test_late_compares_moments_not_wall_clocks():
    # 01:30 happens twice in Chicago on November 1: the second is an hour later.
    first = datetime(2026, 11, 1, 1, 30, tzinfo=CHICAGO)
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=CHICAGO)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert d.is_late(first.astimezone(UTC), second)
    assert not d.is_late(second.astimezone(UTC), first)


def test_due_soon_is_the_next_24_hours_not_yet_late():
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert d.is_due_soon(now, now)
    assert d.is_due_soon(now + timedelta(hours=24) - SECOND, now)
    assert not d.is_due_soon(now + timedelta(hours=24), now)
    assert not d.is_due_soon(now - SECOND, now)
    assert not d.is_due_soon(None, now)
    assert d.due_soon_until(now) == now + timedelta(hours=24)


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_due_soon_across_a_change_is_24_elapsed_hours(zone):
    now = local(zone, 2026, 3, 7, 12, 0)
    # 12:00 the next day is 23 hours away (the clocks spring forward between).
    assert d.is_due_soon(local(zone, 2026, 3, 8, 12, 0), now)
    assert d.is_due_soon(local(zone, 2026, 3, 8, 12, 59), now)
    assert not d.is_due_soon(local(zone, 2026, 3, 8, 13, 0), now)
