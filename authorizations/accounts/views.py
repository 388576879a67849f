"""Password reset by email (Django's own views and tokens), rate-limited.

The page says the same whether or not the address has an account, and an
address over its limit gets the same page and no email: nobody learns which
addresses exist, and nobody can flood a mailbox. The email goes through the
outbox (letters/delivery_services.delivery_password_reset): the task worker
sends it, trying again while the mail server is down; the page is the same.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from authorizations.core import ratelimit
from authorizations.core.middleware import client_ip_behind_proxy
from authorizations.letters.delivery_services import delivery_password_reset

log = logging.getLogger(__name__)

# Per hour: emails to one address, and reset requests from one client address.
PER_ADDRESS, PER_CLIENT, WINDOW_SECONDS = 3, 10, 3600


def client_address(request) -> str:
    if getattr(settings, "AXES_CLIENT_IP_CALLABLE", None):
        return client_ip_behind_proxy(request) or ""
    return request.META.get("REMOTE_ADDR", "") or ""


def _over(key: str, limit: int) -> bool:
    return ratelimit.over(key, limit, WINDOW_SECONDS)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        # Hashed: the cache never holds the address itself.
        address_key = "pwreset:addr:" + hashlib.sha256(email.encode()).hexdigest()
        client_key = "pwreset:ip:" + hashlib.sha256(client_address(self.request).encode()
                                                    ).hexdigest()
        if _over(client_key, PER_CLIENT) or _over(address_key, PER_ADDRESS):
            log.warning("password reset over its rate limit: no email sent")
            return HttpResponseRedirect(self.get_success_url())
        # Django's form would send at once (PasswordResetForm.save); its users
        # (active, with a usable password) are queued for the worker instead.
        for user in form.get_users(email):
            delivery_password_reset(user)
        return HttpResponseRedirect(self.get_success_url())
