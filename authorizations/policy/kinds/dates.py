"""Dates: a date of birth, a test date (not after the evaluation date) and a
planned date (not before it); none before 1900, whichever the kind, in the
form and in the engine alike.

Typed, a date may be written as clinicians write it: ISO (2026-10-20), US
month first (10/20/2026), "Oct 20, 2026" or "20 Oct 2026" (month names in
English, abbreviated from three letters). A two-digit year is refused with a
message asking for four digits, never guessed into a century. Its JSON value
is ISO text, and only ISO text is read as JSON (data dictionary, section 1).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from authorizations.policy import values
from authorizations.policy.kinds.base import (
    EARLIEST_DATE,
    FREE_TEXT_INPUT,
    MAX_TYPED,
    Kind,
    Limits,
    Refusal,
    capital,
    short,
)

if TYPE_CHECKING:  # questions.py imports the kinds: only a type here
    from authorizations.policy.questions import Question

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TYPED_ISO = re.compile(r"^(\d+)-(\d{1,2})-(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d+)$")
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d+)$", re.I)
_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s-]*([a-z]+)\.?[\s,-]*(\d+)$", re.I)


class TwoDigitYear(ValueError):
    """A year written with two digits: which century is not for software to guess."""


def _month(word: str) -> int:
    word = word.lower()
    for number, name in enumerate(MONTHS, start=1):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise ValueError(f"no month is called {word!r}")


def parse_typed_date(text: str) -> date:
    """A date as people type it. Raises TwoDigitYear, or ValueError for
    anything that is not a real date in one of the accepted forms."""
    text = " ".join(text.split())
    if match := _TYPED_ISO.match(text):
        year, month, day = match[1], int(match[2]), int(match[3])
    elif match := _US.match(text):
        month, day, year = int(match[1]), int(match[2]), match[3]
    elif match := _MONTH_FIRST.match(text):
        month, day, year = _month(match[1]), int(match[2]), match[3]
    elif match := _DAY_FIRST.match(text):
        day, month, year = int(match[1]), _month(match[2]), match[3]
    else:
        raise ValueError("not a date")
    if len(year) == 2:
        raise TwoDigitYear(text)
    if len(year) != 4:
        raise ValueError("the year needs four digits")
    return date(int(year), month, day)


def month_first(day: date) -> str:
    """04/12/1985: how the wizard shows a stored date for editing."""
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def format_hint(q: Question) -> str:
    """The accepted forms, shown with the question before any error."""
    try:
        day = parse_typed_date(q.example)
    except ValueError:
        day = date(2026, 10, 20)
    month = MONTHS[day.month - 1][:3].title()  # not %b: that follows the locale
    return (f"Write it month first: {month_first(day)} or {month} {day.day}, {day.year} (also "
            f"{day.day} {month} {day.year} or {day.isoformat()}).")


class DateKind(Kind):
    name, fhir_type, fhir_value = "date", "date", "valueDate"
    input_attrs: ClassVar[dict[str, str]] = FREE_TEXT_INPUT

    def from_json(self, q: Question, value: Any) -> date:
        if isinstance(value, date):
            return value
        if isinstance(value, str) and (match := _ISO.match(value.strip())):
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
        raise Refusal(f"must be a date as YYYY-MM-DD, not {short(value)}",
                      f"Enter {q.noun} as a real date, for example {q.example}")

    def from_text(self, q: Question, text: str) -> date:
        try:
            return parse_typed_date(text[:MAX_TYPED])
        except TwoDigitYear:
            raise Refusal("must have a four-digit year",
                          f"Enter {q.noun} with a four-digit year, for example {q.example}",
                          code="year") from None
        except ValueError:
            raise Refusal(f"must be a date, not {short(text)}",
                          f"Enter {q.noun} as a real date, for example {q.example}") from None

    def check(self, q: Question, typed: Any, limits: Limits) -> None:
        if typed < EARLIEST_DATE:
            raise Refusal(f"must not be before {values.long_date(EARLIEST_DATE)}",
                          f"{capital(q.noun)} must be {EARLIEST_DATE.year} or later",
                          code="range")
        self.check_against(q, typed, limits)

    def check_against(self, q: Question, day: date, limits: Limits) -> None:
        """The limit set by the evaluation date, which each kind of date has its own."""

    def to_json(self, typed: Any) -> str:
        return str(typed.isoformat())

    def to_text(self, q: Question, stored: Any) -> str:
        return month_first(self.from_json(q, stored))

    def display(self, q: Question, stored: Any) -> str:
        return values.long_date(self.from_json(q, stored))


class BirthDateKind(DateKind):
    name = "birth_date"

    def check_against(self, q: Question, day: date, limits: Limits) -> None:
        if day > limits.as_of:
            raise Refusal(f"must not be in the future (after {values.long_date(limits.as_of)})",
                          f"{capital(q.noun)} must be today or in the past", code="range")


class TestDateKind(DateKind):
    """The day a sample was taken or a measure made. Not before the date of
    birth either: that check needs both answers (see `born_before`)."""

    name = "test_date"

    def check_against(self, q: Question, day: date, limits: Limits) -> None:
        if day > limits.as_of:
            raise Refusal(f"must not be after the evaluation date "
                          f"({values.long_date(limits.as_of)})",
                          f"{capital(q.noun)} must be today or in the past", code="range")

    @staticmethod
    def born_before(q: Question, tested: date, born: date) -> Refusal | None:
        if tested >= born:
            return None
        return Refusal("must not be before the date of birth",
                       f"{capital(q.noun)} must not be before the date of birth", code="range")


class PlannedDateKind(DateKind):
    """A day planned ahead (the infusion); null means not scheduled yet."""

    name = "date"
    empty_display = "Not scheduled"

    def check_against(self, q: Question, day: date, limits: Limits) -> None:
        if limits.scheduling and day < limits.as_of:
            raise Refusal(f"must not be before the evaluation date "
                          f"({values.long_date(limits.as_of)})",
                          f"{capital(q.noun)} must be today or later", code="range")
