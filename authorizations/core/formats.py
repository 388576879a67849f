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
