from typing import Any

from django.conf import settings
from django.http import HttpRequest


def idle_logoff(request: HttpRequest) -> dict[str, Any]:
    """For the timeout warning: sessions expire this long after the last request."""
    seconds = settings.SESSION_COOKIE_AGE
    return {"idle_seconds": seconds, "idle_minutes": max(1, round(seconds / 60))}
