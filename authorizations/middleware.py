import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP of its own; every script is a static file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class IdleLogoutMiddleware:
    """Log out after SESSION_IDLE_SECONDS without a request. Drafts are kept in
    the database at every step, so nothing typed is lost; the user logs in and
    resumes from the dashboard."""

    KEY = "last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, "You were logged out after 15 minutes without activity. "
                                       "Your draft was saved: log in to continue it.")
                return redirect(f"{settings.LOGIN_URL and '/accounts/login/'}?next={request.path}")
            request.session[self.KEY] = now
        return self.get_response(request)
