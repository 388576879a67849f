"""The follow-up schedule and states: pure date arithmetic (no database)."""

from datetime import date

from authorizations.core.deadlines import add_months, follow_up_dates
from authorizations.treatment import schedule


def test_an_infusion_on_2027_01_15_gives_ten_dates_six_months_apart():
    dates = follow_up_dates(date(2027, 1, 15))
    assert len(dates) == 10
    assert dates[0] == date(2027, 7, 15)
    assert dates[-1] == date(2032, 1, 15)
    for earlier, later in zip(dates, dates[1:], strict=False):
        assert add_months(earlier, 6) == later


def test_the_last_is_never_later_than_five_years_after():
    for day in (date(2028, 2, 29), date(2027, 8, 31), date(2027, 12, 31)):
        dates = follow_up_dates(day)
        assert len(dates) == 10
        assert dates[-1] <= date(day.year + 5, day.month, 28 if day.month == 2 else day.day)
    assert follow_up_dates(date(2027, 8, 31))[0] == date(2028, 2, 29)


def test_states_are_read_from_the_date():
    due = date(2027, 7, 15)
    state = schedule.state_on
    assert state(due, "open", date(2027, 6, 14)) == schedule.UPCOMING
    assert state(due, "open", date(2027, 6, 15)) == schedule.DUE
    assert state(due, "open", date(2027, 9, 13)) == schedule.DUE
    assert state(due, "open", date(2027, 9, 14)) == schedule.OVERDUE
    assert state(due, "submitted", date(2030, 1, 1)) == schedule.SUBMITTED
    assert state(due, "waived", date(2020, 1, 1)) == schedule.WAIVED
