from typing import Any

from django.conf import settings
from django.http import HttpRequest

from authorizations.core import deadlines


def idle_logoff(request: HttpRequest) -> dict[str, Any]:
    """For the timeout warning: the idle limit in minutes, and the seconds
    this page's session has left once the page is sent (the full limit when
    the page renews it; less when it was renewed under a minute ago,
    core/sessions.py), read only by a page that shows the warning."""
    seconds = settings.SESSION_COOKIE_AGE

    def left() -> int:
        seconds_left = getattr(getattr(request, "session", None), "seconds_left", None)
        return int(seconds_left()) if seconds_left is not None else seconds

    return {"idle_seconds": left, "idle_minutes": max(1, round(seconds / 60))}


def clocks(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The words of every clock ("72 hours", "15 days"), so no page writes a
    number of hours or days itself; letters get the same in their context."""
    return {"clocks": deadlines.WORDS}
