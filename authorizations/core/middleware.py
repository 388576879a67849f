"""The project's own middleware, and the client's address behind the proxy.

The Content-Security-Policy header is django-csp's (settings
CONTENT_SECURITY_POLICY); the request ID and the request's log line are
core/logs.py's RequestLogMiddleware."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from ipware import get_client_ip


class PrivatePagesMiddleware:
    """Keeps pages of signed-in users out of every cache: they show patient
    data, which must not stay on a shared workstation's disk for the Back
    button to show after the idle logoff."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, with the idle logoff's renewal (core/sessions.py) and a quiet 404.

    The idle logoff: a session read by a request that got a page is renewed,
    its expiry moved to SESSION_IDLE_SECONDS from now, once it was last set
    SESSION_RENEW_SECONDS ago or more; in between nothing is written. A session
    the request changed (a login, a logout) is saved as Django would.

    A 404 renews nothing: a browser's request for a missing file (a favicon, a
    source map) after a page has loaded wrote the session row beside the page's
    own work (a test's live server saw "cannot start a transaction within a
    transaction"). A 404 shows nothing of the user's, so it neither extends the
    idle time nor needs the cookie renewed."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None:
            return response
        if response.status_code == 404 and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        if (response.status_code < 500 and session.accessed and not session.modified
                and session.session_key and getattr(session, "renewal_due", lambda: True)()):
            session.modified = True
        return super().process_response(request, response)


def client_ip_behind_proxy(request: HttpRequest) -> str | None:
    """The client's address as our trusted proxies saw it (django-axes calls
    this when DJANGO_BEHIND_PROXY is set; so do the password reset limits).

    Each proxy appends the address it was connected from to X-Forwarded-For;
    everything to the left of what our DJANGO_PROXY_COUNT proxies appended is
    the client's to forge. So the client is the entry DJANGO_PROXY_COUNT from
    the right (django-ipware, reading X-Forwarded-For alone: its proxy count
    is the proxies listed after the client, one fewer than ours, since the
    last proxy is the connection itself), and only when the connection came
    from a trusted proxy (DJANGO_TRUSTED_PROXIES, or a unix socket, which has
    no address): a client that reaches the app server directly is keyed on
    its own address, whatever header it sends. A header with fewer entries
    than proxies, or none that parses, falls back to the connection's address
    too, never to something the client wrote.
    """
    remote: str = request.META.get("REMOTE_ADDR", "") or ""
    if remote and remote not in settings.TRUSTED_PROXIES:
        return remote
    client, _routable = get_client_ip(
        request, proxy_count=settings.PROXY_COUNT - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False)
    return client or remote or None
