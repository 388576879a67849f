from typing import Any

from django.conf import settings
from django.http import HttpRequest

from authorizations.core import deadlines


def idle_logoff(request: HttpRequest) -> dict[str, Any]:
    """For the timeout warning: sessions expire this long after the last request."""
    seconds = settings.SESSION_COOKIE_AGE
    return {"idle_seconds": seconds, "idle_minutes": max(1, round(seconds / 60))}


def clocks(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The words of every clock ("72 hours", "15 days"), so no page writes a
    number of hours or days itself; letters get the same in their context."""
    return {"clocks": deadlines.WORDS}
