"""The session store: Django's database sessions, knowing when the stored
session expires, so that the idle logoff renews it once a minute rather than
on every request (core/middleware.SessionMiddleware).

Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs every
page an UPDATE, a commit and a re-signed cookie. The idle logoff needs the
expiry moved forward as the user works, not to the second: renewed when it is
at least SESSION_RENEW_SECONDS old, a session ends between
SESSION_IDLE_SECONDS - SESSION_RENEW_SECONDS and SESSION_IDLE_SECONDS after the
last request, never later.

The session and its user are read in one query: the row keeps the signed-in
user's id in a column of its own (UserSession.user), and the store reads the
user, with what every page reads of them (USER_RELATED), in the same SELECT.
AuthenticationMiddleware lets the authentication backend take that user
instead of reading it again (preloaded_user); Django's own checks of the
session (the backend, the password hash) run as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import SuspiciousOperation
from django.db import models
from django.db.models import Aggregate, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from authorizations.core.compiled import CompiledQuery

# What every page reads of the signed-in user with the user: the reviewer's or
# prescriber's profile and the prescriber's HTC (core/zones.viewer_zone, the
# prescriber's pages). accounts/backends.py reads a user the same way.
USER_RELATED = ("reviewer", "prescriber__htc")


class UserSession(AbstractBaseSession):
    """Django's session row, with the signed-in user's id in a column, so that
    the session and its user are one query. Without a database constraint:
    a session saved as its user is deleted must not fail the request (the
    delete still removes the user's sessions: on_delete runs in Django)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, db_constraint=False, related_name="+")

    class Meta(AbstractBaseSession.Meta):  # type: ignore[name-defined,misc]
        app_label = "authorizations"

    @classmethod
    def get_session_store_class(cls) -> type[SessionStore]:
        return SessionStore


def permissions_q(user: Any) -> Q:
    """A user's permissions: their own and their groups' (`user`: a user or
    an OuterRef to one). The one rule accounts/backends.py and the session's
    read share."""
    return Q(user=user) | Q(group__user=user)


class _Joined(Aggregate):
    """The values joined with commas: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def permissions_read(user: Any) -> Subquery:
    """The permissions of `user` (an OuterRef) as "app_label.codename,...",
    in one value: read with the session, since the admin asks for them on
    every page (one query less)."""
    return Subquery(
        Permission.objects.filter(permissions_q(user)).order_by()
        # A constant to group by: one row, the aggregate over all of them.
        .annotate(one=Value(1)).values("one")
        .annotate(names=_Joined(Concat("content_type__app_label", Value("."), "codename",
                                       output_field=TextField())))
        .values("names"), output_field=TextField())


# The session's read, with its user and their permissions, on every signed-in
# page: compiled once per process (core/compiled.py), since building and
# compiling it (the permissions' aggregate most of it) cost more than running it.
_STORED = CompiledQuery(
    lambda key, now: UserSession.objects.select_related(*(f"user__{r}" for r in USER_RELATED))
    .annotate(permissions=permissions_read(OuterRef("user")))
    .filter(session_key=key, expire_date__gt=now).order_by(), key=str, now=datetime)


# The session store whose user this request is reading (AuthenticationMiddleware).
_reading: ContextVar[SessionStore | None] = ContextVar("authorizations_session", default=None)


class SessionStore(db.SessionStore):
    # The stored row's expiry when it was read (None: no stored session).
    stored_expiry: datetime | None = None
    # The signed-in user, read with the row (None: no stored session or user).
    stored_user: Any = None

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data[auth.SESSION_KEY])  # type: ignore[attr-defined]
        except (KeyError, TypeError, ValueError):
            session.user_id = None  # type: ignore[attr-defined]
        return session

    def _get_session_from_db(self) -> Any:
        # Django's DB store's read (django-stubs does not list it), as Django's
        # does: the unexpired row of the key, else none and the key forgotten
        # (a new session gets a new key); with the user and their permissions.
        try:
            stored = _STORED.instance(key=self.session_key, now=timezone.now())
        except SuspiciousOperation as exc:
            logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
            stored = None
        if stored is None:
            self._session_key = None
        self.stored_expiry = stored.expire_date if stored is not None else None
        self.stored_user = getattr(stored, "user", None)
        if self.stored_user is not None and not self.stored_user.is_superuser:
            # As accounts/backends.ModelBackend.get_all_permissions caches them
            # (a superuser's are all, and User.has_perm asks no backend for them).
            names = getattr(stored, "permissions", None) or ""
            self.stored_user._perm_cache = {n for n in names.split(",") if n}
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


def preloaded_user(user_id: Any) -> Any:
    """The user with this id as read with the session whose user this request
    is reading now, or None (then the backend reads the user itself)."""
    store = _reading.get()
    user = getattr(store, "stored_user", None)
    return user if user is not None and user.pk == user_id else None


def _user_of(request: Any) -> Any:
    if not hasattr(request, "_cached_user"):
        token = _reading.set(getattr(request, "session", None))
        try:
            # Django's own: the session's backend and password hash are checked there.
            request._cached_user = auth.get_user(request)
        finally:
            _reading.reset(token)
    return request._cached_user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, its user taken from the session's read when it is there
    (preloaded_user): one query for the session and the user, not two."""

    def process_request(self, request: Any) -> None:
        super().process_request(request)
        user_of: Callable[[], Any] = lambda: _user_of(request)  # noqa: E731
        request.user = SimpleLazyObject(user_of)
