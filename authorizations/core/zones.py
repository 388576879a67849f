"""Time zones: the service's, each HTC's and each reviewer's.

The service keeps its clocks and its "today" in its own zone
(settings.TIME_ZONE): a request's evaluation date, an authorization's status,
an appeal's deadline do not move with whoever looks at them, so services read
`today()` and `service_date()`, never the active zone. Pages show times in
the viewer's zone (TimeZoneMiddleware activates it): a prescriber's is the
HTC's, a reviewer's the one in their profile, blank meaning the service's.

An HTC's zone comes from its state where the state has one zone; where a
state has two (Tennessee, Texas, ...) it is set per center (the directory's
`time_zone` column, or the HTC's admin page).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# The zones a US center or reviewer may be in, with the words pages use.
ZONE_CHOICES: list[tuple[str, str]] = [
    ("America/New_York", "Eastern time"),
    ("America/Chicago", "Central time"),
    ("America/Denver", "Mountain time"),
    ("America/Phoenix", "Mountain time, no daylight saving (Arizona)"),
    ("America/Los_Angeles", "Pacific time"),
    ("America/Anchorage", "Alaska time"),
    ("America/Adak", "Hawaii-Aleutian time, with daylight saving (Aleutian Islands)"),
    ("Pacific/Honolulu", "Hawaii time"),
    ("America/Puerto_Rico", "Atlantic time (Puerto Rico, US Virgin Islands)"),
    ("Pacific/Guam", "Chamorro time (Guam, Northern Mariana Islands)"),
    ("Pacific/Pago_Pago", "Samoa time (American Samoa)"),
]
ZONE_WORDS = dict(ZONE_CHOICES)

_ET, _CT, _MT, _PT = "America/New_York", "America/Chicago", "America/Denver", \
    "America/Los_Angeles"

# States and territories wholly in one zone. Arizona counts as one (the
# Navajo Nation's daylight saving aside: no HTC is there); Nevada and
# Oklahoma too (a border town each keeps its neighbour's time unofficially).
STATE_ZONES: dict[str, str] = {
    "AL": _CT, "AR": _CT, "AZ": "America/Phoenix", "CA": _PT, "CO": _MT, "CT": _ET,
    "DC": _ET, "DE": _ET, "GA": _ET, "HI": "Pacific/Honolulu", "IA": _CT, "IL": _CT,
    "LA": _CT, "MA": _ET, "MD": _ET, "ME": _ET, "MN": _CT, "MO": _CT, "MS": _CT,
    "MT": _MT, "NC": _ET, "NH": _ET, "NJ": _ET, "NM": _MT, "NV": _PT, "NY": _ET,
    "OH": _ET, "OK": _CT, "PA": _ET, "RI": _ET, "SC": _ET, "UT": _MT, "VA": _ET,
    "VT": _ET, "WA": _PT, "WI": _CT, "WV": _ET, "WY": _MT,
    "PR": "America/Puerto_Rico", "VI": "America/Puerto_Rico", "GU": "Pacific/Guam",
    "MP": "Pacific/Guam", "AS": "Pacific/Pago_Pago",
}
# States with two zones: each center's is set on its own.
SPLIT_STATES = frozenset({"AK", "FL", "ID", "IN", "KS", "KY", "MI", "ND", "NE", "OR",
                          "SD", "TN", "TX"})


def state_zone(state: str) -> str:
    """The state's zone, or "" where the state has two (or is unknown)."""
    return STATE_ZONES.get(state.strip().upper(), "")


def service_zone() -> tzinfo:
    return timezone.get_default_timezone()


def zone(name: str) -> tzinfo:
    """A stored zone name as a zone; blank (not set) is the service's."""
    return ZoneInfo(name) if name else service_zone()


def zone_words(value: tzinfo | str | None = None) -> str:
    """The zone named for a reader: "Pacific time"; the active zone by default."""
    key = value if isinstance(value, str) else str(value or timezone.get_current_timezone())
    return ZONE_WORDS.get(key or str(service_zone()), key)


def today() -> date:
    """Today in the service's zone, whoever's zone is active."""
    return timezone.localdate(timezone=service_zone())


def service_date(value: datetime) -> date:
    """The day a moment falls on in the service's zone."""
    return timezone.localdate(value, service_zone())


def service_time(value: datetime) -> datetime:
    return timezone.localtime(value, service_zone())


def htc_zone_name(htc: Any) -> str:
    """An HTC's zone name: its own, its state's, else the service's."""
    return htc.time_zone or state_zone(htc.state) or str(service_zone())


def offered_in(zone_name: str, times: list[datetime]) -> list[str]:
    """Times as stored with their zone: ISO 8601 with that zone's offset."""
    tz = zone(zone_name)
    return [t.astimezone(tz).isoformat() for t in times]


class TimeZoneMiddleware:
    """Pages in the viewer's zone: a reviewer's from their profile, a
    prescriber's from their HTC, anyone else's the service's. Services keep
    the service's zone whatever is active (today(), service_date())."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = viewer_zone(user) if user is not None and user.is_authenticated else ""
        timezone.activate(zone(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def viewer_zone(user: Any) -> str:
    """The zone name a signed-in user's pages use ("" for the service's): the
    reviewer's own, else the prescriber's HTC's. The authentication backend
    reads both profiles with the user (accounts/backends.py), so a page's
    request asks nothing more."""
    try:
        own: str = user.reviewer.time_zone
        if own:
            return own
    except ObjectDoesNotExist:
        pass
    try:
        return str(user.prescriber.htc.time_zone)
    except ObjectDoesNotExist:
        return ""
