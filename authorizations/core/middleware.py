import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP of its own; every script is a static file.

    It also keeps pages of signed-in users out of every cache: they show
    patient data, which must not stay on a shared workstation's disk for the
    Back button to show after the idle logoff. (Named for its first job, as
    settings.MIDDLEWARE lists it.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response


def client_ip_behind_proxy(request: HttpRequest) -> str | None:
    """The client's address as our trusted proxies saw it (django-axes calls
    this when DJANGO_BEHIND_PROXY is set).

    Each proxy appends the address it was connected from to X-Forwarded-For;
    everything to the left of what our DJANGO_PROXY_COUNT proxies appended is
    the client's to forge. So the client is the entry DJANGO_PROXY_COUNT from
    the right, and only when the connection itself came from a trusted proxy
    (DJANGO_TRUSTED_PROXIES, or a unix socket, which has no address): a client
    that reaches the app server directly is keyed on its own address, whatever
    header it sends. A missing or malformed entry falls back to the connection's
    address too, never to something the client wrote.
    """
    remote: str = request.META.get("REMOTE_ADDR", "") or ""
    if remote and remote not in settings.TRUSTED_PROXIES:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [e for e in entries if e]
    count: int = settings.PROXY_COUNT
    if len(entries) >= count:
        candidate = entries[-count]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return remote or None
