"""Every clock of the service, in one place: how long each step may take,
when it is due, when it is late, and the words pages and letters print for it.

Pure Python (no Django; the import-linter contract beside the policy's in
pyproject.toml keeps it so), so the rules read and test without a database;
the models build their overdue queries on the same comparisons (see
`is_late` and the twin tests beside each model's tests).

Two kinds of clock:

- Elapsed time (turnaround, requests for information, appeal decisions): a
  due time is a moment plus a duration, counted in UTC. "72 hours" are 72
  hours even across a daylight-saving change, so a request submitted in
  America/Chicago at 9:00 the day before the clocks spring forward is due at
  10:00 local three days later. That is what the service has always stored
  (Django's aware datetimes are UTC); converting first makes a caller's local
  datetime give the same due time, never a wall-clock one.
- Calendar days (the last day to appeal, an authorization's last day,
  follow-up dates and their windows): dates, never times.

Late means strictly after the due moment: a decision at the due second is on
time, and a due time exactly now is not yet overdue (the reviewers' queue, the
admin filters, the metrics and the appeals queue all read it so).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from authorizations import policy

_UNITS = {"hours": timedelta(hours=1), "days": timedelta(days=1)}


def _words(duration: timedelta, unit: str, *, adjective: bool = False) -> str:
    """`duration` in `unit`: "72 hours", or "72-hour" before a noun. The unit
    is chosen, not guessed: 72 hours are never printed as "3 days"."""
    count, rest = divmod(duration, _UNITS[unit])
    if rest:
        raise ValueError(f"{duration} is not a whole number of {unit}")
    return f"{count}-{unit[:-1]}" if adjective else f"{count} {unit}"


_SPELLED = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
            8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


# --------------------------------------------------------------------------
# The decision on a request (turnaround), from submission.
# --------------------------------------------------------------------------

EXPEDITED_TURNAROUND = timedelta(hours=72)
STANDARD_TURNAROUND = timedelta(days=15)
EXPEDITED_TURNAROUND_WORDS = _words(EXPEDITED_TURNAROUND, "hours")          # "72 hours"
EXPEDITED_TURNAROUND_ADJECTIVE = _words(EXPEDITED_TURNAROUND, "hours", adjective=True)
STANDARD_TURNAROUND_WORDS = _words(STANDARD_TURNAROUND, "days")             # "15 days"
# The pended letter's wording of the same 15 days (a regulator's phrase).
STANDARD_TURNAROUND_CALENDAR_WORDS = f"{STANDARD_TURNAROUND.days} calendar days"
# An urgent request found incomplete is decided within 48 hours of receiving
# the information asked for ((f)(2)(i)), not within what is left of 72 hours.
EXPEDITED_AFTER_INFORMATION = timedelta(hours=48)
EXPEDITED_AFTER_INFORMATION_WORDS = _words(EXPEDITED_AFTER_INFORMATION, "hours")


def _utc(moment: datetime) -> datetime:
    # Elapsed time: add in UTC, whatever zone the caller's datetime is in.
    if moment.tzinfo is None:
        raise ValueError("a clock needs an aware datetime")
    return moment.astimezone(UTC)


def turnaround(*, expedited: bool) -> timedelta:
    return EXPEDITED_TURNAROUND if expedited else STANDARD_TURNAROUND


def decision_due(submitted_at: datetime, *, expedited: bool) -> datetime:
    """When the decision on a request submitted at `submitted_at` is due."""
    return _utc(submitted_at) + turnaround(expedited=expedited)


def clock_used(due_at: datetime | None, now: datetime, *, expedited: bool) -> int:
    """Seconds of the turnaround used by `now`, when a request for information
    stops the clock: the turnaround less what is left before `due_at` (none
    used without a due time; never negative)."""
    full = turnaround(expedited=expedited)
    remaining = (_utc(due_at) - _utc(now)) if due_at is not None else full
    return max(0, int((full - remaining).total_seconds()))


def resumed_due(responded_at: datetime, *, expedited: bool, used_seconds: int) -> datetime:
    """When the decision is due once the prescriber's response restarts the
    clock. Standard: the turnaround left when it stopped. Expedited: 48 hours
    from the information's arrival (29 CFR 2560.503-1(f)(2)(i)), whatever was
    left of the 72 hours and whenever the request became expedited."""
    if expedited:
        return _utc(responded_at) + EXPEDITED_AFTER_INFORMATION
    return _utc(responded_at) + turnaround(expedited=expedited) - timedelta(seconds=used_seconds)


def expedited_due(now: datetime, current_due: datetime | None) -> datetime:
    """The decision's due time once the prescriber asks for an expedited review
    after submission: the expedited turnaround from the moment asked, not from
    submission (from submission an older request would be overdue the instant
    it is expedited, and no reviewer could meet it); never later than the due
    time it already had."""
    due = _utc(now) + EXPEDITED_TURNAROUND
    return min(due, _utc(current_due)) if current_due is not None else due


# --------------------------------------------------------------------------
# The prescriber's response to a request for information.
# --------------------------------------------------------------------------

EXPEDITED_INFORMATION = timedelta(hours=48)
STANDARD_INFORMATION = timedelta(days=45)
EXPEDITED_INFORMATION_WORDS = _words(EXPEDITED_INFORMATION, "hours")        # "48 hours"
STANDARD_INFORMATION_WORDS = _words(STANDARD_INFORMATION, "days")           # "45 days"


def information_due(asked_at: datetime, *, expedited: bool) -> datetime:
    """The default due time of the prescriber's response (a reviewer may set
    another, later than now)."""
    return _utc(asked_at) + (EXPEDITED_INFORMATION if expedited else STANDARD_INFORMATION)


# --------------------------------------------------------------------------
# Appeals of a denial (29 CFR 2560.503-1(h), (i)): at least 180 days to file;
# a pre-service appeal decided within 30 days, or 72 hours when urgent.
# External review (45 CFR 147.136; 29 CFR 2590.715-2719): asked for within
# 4 months of the final internal decision; expedited, decided within 72 hours.
# --------------------------------------------------------------------------

APPEAL_FILING = timedelta(days=180)
EXPEDITED_APPEAL = timedelta(hours=72)
STANDARD_APPEAL = timedelta(days=30)
EXTERNAL_REVIEW_FILING_MONTHS = 4
EXPEDITED_EXTERNAL_REVIEW = timedelta(hours=72)
APPEAL_FILING_WORDS = _words(APPEAL_FILING, "days")                         # "180 days"
EXPEDITED_APPEAL_WORDS = _words(EXPEDITED_APPEAL, "hours")                  # "72 hours"
STANDARD_APPEAL_WORDS = _words(STANDARD_APPEAL, "days")                     # "30 days"
EXTERNAL_REVIEW_FILING_WORDS = f"{EXTERNAL_REVIEW_FILING_MONTHS} months"    # "4 months"
EXPEDITED_EXTERNAL_REVIEW_WORDS = _words(EXPEDITED_EXTERNAL_REVIEW, "hours")


def notice_date(*, mailed_on: date | None, sent_on: date) -> date:
    """The day of an adverse decision's notice: the day the member's copy was
    mailed (its print batch's date); until it is, the day the notice was sent
    electronically (the letter issued to the authorized representative)."""
    return mailed_on if mailed_on is not None else sent_on


def notice_receipt(notice_on: date, *, mailing_allowance_days: int) -> date:
    """The day the notice counts as received: the notice date plus the
    mailing allowance (settings.NOTICE_MAILING_ALLOWANCE_DAYS)."""
    if mailing_allowance_days < 0:
        raise ValueError("a mailing allowance is never negative")
    return notice_on + timedelta(days=mailing_allowance_days)


def appeal_deadline(notice_on: date, *, mailing_allowance_days: int) -> date:
    """The last day to appeal: 180 days "following receipt of a notification"
    ((h)(3)(i)), receipt being the notice date plus the mailing allowance.
    Letters, pages and the filing check all count with this one function."""
    return notice_receipt(notice_on, mailing_allowance_days=mailing_allowance_days) \
        + APPEAL_FILING


def appeal_due(filed_at: datetime, *, expedited: bool) -> datetime:
    """When the decision on an appeal filed at `filed_at` is due."""
    return _utc(filed_at) + (EXPEDITED_APPEAL if expedited else STANDARD_APPEAL)


# --------------------------------------------------------------------------
# An authorization: valid for the policy's days, counting the approval day.
# The number is the payer's (policy.AUTHORIZATION_DAYS); the arithmetic is here.
# --------------------------------------------------------------------------

AUTHORIZATION_VALIDITY = timedelta(days=policy.AUTHORIZATION_DAYS)
AUTHORIZATION_WORDS = _words(AUTHORIZATION_VALIDITY, "days")                # "45 days"


def authorization_last_day(approved_on: date) -> date:
    """The last day an authorization approved on `approved_on` covers."""
    return approved_on + AUTHORIZATION_VALIDITY - timedelta(days=1)


# --------------------------------------------------------------------------
# Follow-up after the infusion (policy: documentation no more often than
# twice a year, for no more than 5 years): one every six months, ten at most,
# the last no later than five years after. Each is due from 30 days before
# its date and overdue more than 60 days after it.
# --------------------------------------------------------------------------

FOLLOW_UP_INTERVAL_MONTHS = 6
FOLLOW_UP_YEARS = 5
MAX_FOLLOW_UPS = FOLLOW_UP_YEARS * 12 // FOLLOW_UP_INTERVAL_MONTHS
FOLLOW_UP_DUE_BEFORE = timedelta(days=30)
FOLLOW_UP_OVERDUE_AFTER = timedelta(days=60)
FOLLOW_UP_INTERVAL_WORDS = f"{_SPELLED[FOLLOW_UP_INTERVAL_MONTHS]} months"   # "six months"
FOLLOW_UP_PERIOD_WORDS = f"{_SPELLED[FOLLOW_UP_YEARS]} years"               # "five years"
# The letter quotes the policy, which writes the number in figures.
FOLLOW_UP_YEARS_WORDS = f"{FOLLOW_UP_YEARS} years"                         # "5 years"
# A KeyError here is on purpose: a new interval needs its words written.
FOLLOW_UP_FREQUENCY_WORDS = {6: "twice a year", 12: "once a year"}[FOLLOW_UP_INTERVAL_MONTHS]


def add_months(day: date, months: int) -> date:
    """`day` plus `months`, on the same day of the month or the month's last."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_dates(infused_on: date) -> list[date]:
    """The follow-up dates after an infusion on `infused_on`."""
    last = add_months(infused_on, 12 * FOLLOW_UP_YEARS)
    dates = [add_months(infused_on, FOLLOW_UP_INTERVAL_MONTHS * n)
             for n in range(1, MAX_FOLLOW_UPS + 1)]
    return [d for d in dates if d <= last]


def follow_up_months(number: int) -> int:
    """Months after the infusion of the follow-up numbered `number` (1, 2...)."""
    return FOLLOW_UP_INTERVAL_MONTHS * number


def follow_up_due_through(day: date) -> date:
    """An open follow-up dated on or before this is due (or overdue) on `day`."""
    return day + FOLLOW_UP_DUE_BEFORE


def follow_up_overdue_before(day: date) -> date:
    """An open follow-up dated before this is overdue on `day`."""
    return day - FOLLOW_UP_OVERDUE_AFTER


def follow_up_is_due(due_on: date, day: date) -> bool:
    """Whether the window of a follow-up dated `due_on` has opened by `day`."""
    return due_on <= follow_up_due_through(day)


def follow_up_is_overdue(due_on: date, day: date) -> bool:
    return due_on < follow_up_overdue_before(day)


# --------------------------------------------------------------------------
# Late and due soon: what the reviewers' pages flag.
# --------------------------------------------------------------------------

DUE_SOON = timedelta(hours=24)
DUE_SOON_WORDS = _words(DUE_SOON, "hours")                                  # "24 hours"


def is_late(due: datetime | None, at: datetime | None) -> bool:
    """Whether a clock read at `at` (now while it runs, the moment it stopped
    once decided) is past `due`: strictly after. No due time, or a clock that
    stopped without a moment, is never late. The models' overdue queries are
    the same comparison (`due < at`)."""
    return due is not None and at is not None and at > due


def due_soon_until(now: datetime) -> datetime:
    """A running clock due before this (and not yet late) is due soon."""
    return _utc(now) + DUE_SOON


def is_due_soon(due: datetime | None, now: datetime) -> bool:
    return due is not None and not is_late(due, now) and _utc(due) < due_soon_until(now)


# The words templates print, as the `clocks` context (pages through a context
# processor, letters through their context): no template writes a number of
# hours or days itself.
WORDS = {
    "expedited_turnaround": EXPEDITED_TURNAROUND_WORDS,
    "expedited_turnaround_adjective": EXPEDITED_TURNAROUND_ADJECTIVE,
    "standard_turnaround": STANDARD_TURNAROUND_WORDS,
    "standard_turnaround_calendar": STANDARD_TURNAROUND_CALENDAR_WORDS,
    "expedited_information": EXPEDITED_INFORMATION_WORDS,
    "expedited_after_information": EXPEDITED_AFTER_INFORMATION_WORDS,
    "standard_information": STANDARD_INFORMATION_WORDS,
    "appeal_filing": APPEAL_FILING_WORDS,
    "expedited_appeal": EXPEDITED_APPEAL_WORDS,
    "standard_appeal": STANDARD_APPEAL_WORDS,
    "external_review_filing": EXTERNAL_REVIEW_FILING_WORDS,
    "expedited_external_review": EXPEDITED_EXTERNAL_REVIEW_WORDS,
    "authorization": AUTHORIZATION_WORDS,
    "follow_up_interval": FOLLOW_UP_INTERVAL_WORDS,
    "follow_up_period": FOLLOW_UP_PERIOD_WORDS,
    "follow_up_years": FOLLOW_UP_YEARS_WORDS,
    "follow_up_frequency": FOLLOW_UP_FREQUENCY_WORDS,
    "due_soon": DUE_SOON_WORDS,
}


# ---- The CRD card's link to a prefilled request form (issue 22) -------------
# How long the link an EHR's card carries stays usable: the card is read while
# the order is signed, so an hour is enough; the facts it holds are patient
# data and go when it is used or expires (requests/ehr_services.py).
EHR_LAUNCH_VALIDITY = timedelta(hours=1)


def ehr_launch_expires(created_at: datetime) -> datetime:
    return created_at + EHR_LAUNCH_VALIDITY
