"""One date and time format for pages and one for letters.

Pages: DATE_FORMAT and DATETIME_FORMAT of hemgenix_site/formats/en/formats.py
(settings.FORMAT_MODULE_PATH), which templates use as `|date:"DATE_FORMAT"`
and `|page_datetime` (templatetags/format_tags.py, a builtin); Python text
shown on pages uses page_date and page_datetime, read from the same formats.
Letters: "November 28, 2026" and "November 28, 2026 at 1:34 p.m. EST", as a
letter is written.
Pages show times in the viewer's zone (core/zones.py, activated by
TimeZoneMiddleware), the zone named ("PST"); letters in the service's zone
(settings.TIME_ZONE), whoever's request renders them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from authorizations.core import zones
from authorizations.policy.values import long_date


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _service(value: datetime) -> datetime:
    return zones.service_time(value) if timezone.is_aware(value) else value


def page_date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = _local(value).date()
    return formats.date_format(value, "DATE_FORMAT")


def page_datetime(value: datetime | None) -> str:
    """DATETIME_FORMAT in the viewer's zone, the zone always named. Django's
    `T` writes nothing for a time that happens twice (01:30 on the night the
    clocks fall back), the one hour in which "EDT" or "EST" matters most; the
    zone's name is then taken from the time itself, which knows which of the
    two it is (its fold)."""
    if value is None:
        return ""
    local = _local(value)
    pattern = formats.get_format("DATETIME_FORMAT")
    if pattern.endswith("T") and timezone.is_aware(local):
        return dateformat.format(local, pattern[:-1]) + (local.tzname() or "")
    return formats.date_format(local, pattern)


def _english() -> bool:
    return (translation.get_language() or "en").startswith("en")


def letter_date(value: date | datetime) -> str:
    """In English, policy.values.long_date; a member's letter in another
    language (letters/language.py) reads the format from its catalogue, and
    the month from Django's ("27 de noviembre de 2026")."""
    if isinstance(value, datetime):
        value = _service(value).date()
    if _english():
        return long_date(value)
    return dateformat.format(value, pgettext("letter date, Django date format", "F j, Y"))


def letter_datetime(value: datetime) -> str:
    local = _service(value)
    hour = local.hour % 12 or 12
    if _english():
        return f"{letter_date(local)} at {hour}:{local:%M} " \
               f"{'a.m.' if local.hour < 12 else 'p.m.'} {local:%Z}"
    # ngettext by the hour: Spanish says "a la 1:30" but "a las 2:30".
    return ngettext("%(date)s at %(hour)d:%(minute)s %(half)s %(zone)s",
                    "%(date)s at %(hour)d:%(minute)s %(half)s %(zone)s", hour) % {
        "date": letter_date(local), "hour": hour, "minute": f"{local:%M}",
        "half": _("a.m.") if local.hour < 12 else _("p.m."), "zone": f"{local:%Z}"}


# Django's date format letters that read only the day, and only the clock.
DAY_LETTERS = frozenset("bdDEFjlLmMnNoStwWyYz")
CLOCK_LETTERS = frozenset("aAfgGhHiPsu")
# The clock's letters as django.utils.dateformat.TimeFormat writes them
# (`halves`: the words for before and after noon, translated once a page).
CLOCK_WORDS: dict[str, Any] = {
    "g": lambda t, halves: str(t.hour % 12 or 12),
    "G": lambda t, halves: str(t.hour),
    "h": lambda t, halves: f"{t.hour % 12 or 12:02d}",
    "H": lambda t, halves: f"{t.hour:02d}",
    "i": lambda t, halves: f"{t.minute:02d}",
    "s": lambda t, halves: f"{t.second:02d}",
    "A": lambda t, halves: halves["A"][t.hour > 11],
    "a": lambda t, halves: halves["a"][t.hour > 11],
}


class PageTimes:
    """page_datetime for the rows of one page, the same text: the format read
    once, the day's words ("December 6, 2026, ") once per day, and the
    clock's ("1:34 PM ") without Django's formatter per row. Only for a
    format of the day's letters, then the clock's, then the zone (T), as the
    pages' is; any other goes to page_datetime."""

    def __init__(self) -> None:
        pattern = formats.get_format("DATETIME_FORMAT")
        pieces = dateformat.re_formatchars.split(pattern[:-1]) if pattern.endswith("T") else []
        letters = pieces[1::2]
        first = next((i for i, c in enumerate(letters) if c not in DAY_LETTERS), len(letters))
        self.patterns: tuple[str, str] | None = None
        self.clock: list[tuple[str, str]] | None = None
        if letters and all(c in CLOCK_LETTERS for c in letters[first:]):
            self.patterns = ("".join(pieces[:2 * first + 1]), "".join(pieces[2 * first + 1:]))
            clock = pieces[2 * first + 1:]  # letter, the text after it, letter, ...
            if all(c in CLOCK_WORDS for c in clock[::2]):
                # The text unescaped as Django does.
                self.clock = [(letter, dateformat.re_escaped.sub(r"\1", text))
                              for letter, text in zip(clock[::2], clock[1::2], strict=True)]
        self.halves = {"A": (_("AM"), _("PM")), "a": (_("a.m."), _("p.m."))}
        self.days: dict[Any, str] = {}

    def __call__(self, value: datetime | None) -> str:
        if value is None or self.patterns is None or not timezone.is_aware(value):
            return page_datetime(value)
        local = timezone.localtime(value)
        day = local.date()
        words = self.days.get(day)
        if words is None:
            words = self.days[day] = dateformat.format(day, self.patterns[0])
        if self.clock is None:
            clock = dateformat.time_format(local.time(), self.patterns[1])
        else:
            clock = "".join(CLOCK_WORDS[letter](local, self.halves) + text
                            for letter, text in self.clock)
        return words + clock + (local.tzname() or "")

    def plain(self, value: datetime) -> str:
        """What a template writes for `{{ value }}`: DATETIME_FORMAT in the
        viewer's zone, as page_datetime except in the hour the clocks repeat
        (or skip), where Django's `T` writes nothing."""
        if not isinstance(value, datetime) or not timezone.is_aware(value):
            return str(formats.localize(value))
        local = timezone.localtime(value)
        if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
            return str(formats.localize(local))
        return self(value)
