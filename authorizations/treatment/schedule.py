"""The five years after an infusion, as pure date arithmetic: one follow-up
every six months, ten at most, the last no later than five years after the
infusion; and a follow-up's state on a day, decided by the date the same way
everywhere (like Authorization.status_on). Imports nothing from Django."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

INTERVAL_MONTHS = 6
MAX_FOLLOW_UPS = 10
FOLLOW_UP_YEARS = 5
DUE_BEFORE = timedelta(days=30)    # due from 30 days before its date
OVERDUE_AFTER = timedelta(days=60)  # overdue more than 60 days past its date

UPCOMING, DUE, OVERDUE, SUBMITTED, WAIVED = "upcoming", "due", "overdue", "submitted", "waived"
STATE_LABELS = {UPCOMING: "Upcoming", DUE: "Due", OVERDUE: "Overdue", SUBMITTED: "Submitted",
                WAIVED: "Waived"}


def add_months(day: date, months: int) -> date:
    """`day` plus `months`, on the same day of the month or the month's last."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(infused_on: date) -> list[date]:
    """The follow-up dates after an infusion on `infused_on`."""
    last = add_months(infused_on, 12 * FOLLOW_UP_YEARS)
    dates = [add_months(infused_on, INTERVAL_MONTHS * n) for n in range(1, MAX_FOLLOW_UPS + 1)]
    return [d for d in dates if d <= last]


def state_on(due_on: date, stored: str, day: date) -> str:
    """A follow-up's state on `day`: submitted and waived are stored; the
    rest is read from the date."""
    if stored in (SUBMITTED, WAIVED):
        return stored
    if day > due_on + OVERDUE_AFTER:
        return OVERDUE
    if day >= due_on - DUE_BEFORE:
        return DUE
    return UPCOMING
