from django.conf import settings
from django.utils.cache import add_never_cache_headers


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP of its own; every script is a static file.

    It also keeps pages of signed-in users out of every cache: they show
    patient data, which must not stay on a shared workstation's disk for the
    Back button to show after the idle logoff. (Named for its first job, as
    settings.MIDDLEWARE lists it.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response


def client_ip_behind_proxy(request) -> str | None:
    """The client's address as our one HTTPS proxy saw it: the last entry of
    X-Forwarded-For (the proxy appends it; earlier entries are the client's to
    forge). Used by django-axes when DJANGO_BEHIND_PROXY is set."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.split(",")[-1].strip()
    return last or request.META.get("REMOTE_ADDR")
