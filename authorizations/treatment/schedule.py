"""A follow-up's state on a day, decided by the date the same way everywhere
(like Authorization.status_on). The dates and their windows are clocks, in
core/deadlines.py. Imports nothing from Django."""

from __future__ import annotations

from datetime import date

from authorizations.core import deadlines

UPCOMING, DUE, OVERDUE, SUBMITTED, WAIVED = "upcoming", "due", "overdue", "submitted", "waived"
STATE_LABELS = {UPCOMING: "Upcoming", DUE: "Due", OVERDUE: "Overdue", SUBMITTED: "Submitted",
                WAIVED: "Waived"}


def state_on(due_on: date, stored: str, day: date) -> str:
    """A follow-up's state on `day`: submitted and waived are stored; the
    rest is read from the date (FollowUpQuerySet.state_q is its twin in SQL)."""
    if stored in (SUBMITTED, WAIVED):
        return stored
    if deadlines.follow_up_is_overdue(due_on, day):
        return OVERDUE
    if deadlines.follow_up_is_due(due_on, day):
        return DUE
    return UPCOMING
