"""The session store: Django's database sessions, knowing when the stored
session expires, so that the idle logoff renews it once a minute rather than
on every request (core/middleware.SessionMiddleware).

Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs every
page an UPDATE, a commit and a re-signed cookie. The idle logoff needs the
expiry moved forward as the user works, not to the second: renewed when it is
at least SESSION_RENEW_SECONDS old, a session ends between
SESSION_IDLE_SECONDS - SESSION_RENEW_SECONDS and SESSION_IDLE_SECONDS after the
last request, never later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.utils import timezone

from authorizations.core.compiled import CompiledQuery

# Read on every signed-in page: compiled once per process (core/compiled.py),
# since building and compiling it cost more than running it.
_STORED = CompiledQuery(lambda key, now: db.SessionStore.get_model_class().objects.filter(
    session_key=key, expire_date__gt=now).order_by(), key=str, now=datetime)


class SessionStore(db.SessionStore):
    # The stored row's expiry when it was read (None: no stored session).
    stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> Any:
        # Django's DB store reads the row here (django-stubs does not list
        # it), as Django's does: the unexpired row of the key, else none and
        # the key forgotten (a new session gets a new key).
        stored = _STORED.instance(key=self.session_key, now=timezone.now())
        if stored is None:
            self._session_key = None
        self.stored_expiry = stored.expire_date if stored is not None else None
        return stored

    def save(self, must_create: bool = False) -> None:
        super().save(must_create=must_create)
        self.stored_expiry = self.get_expiry_date()

    def renewal_due(self) -> bool:
        """True when the stored expiry was set SESSION_RENEW_SECONDS ago or more."""
        if self.stored_expiry is None:
            return True
        fresh = timezone.now() + timedelta(seconds=self.get_expiry_age())
        return fresh - self.stored_expiry >= timedelta(seconds=settings.SESSION_RENEW_SECONDS)

    def seconds_left(self) -> int:
        """Seconds until the idle logoff once this request's response is sent:
        the full idle time when the response renews the session."""
        if self.modified or self.renewal_due() or self.stored_expiry is None:
            return self.get_expiry_age()
        return max(0, round((self.stored_expiry - timezone.now()).total_seconds()))
