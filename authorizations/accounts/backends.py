"""The authentication backend: Django's ModelBackend, with what every page
reads of the signed-in user in fewer queries.

- The user is read with their reviewer or prescriber profile and the
  prescriber's HTC (one query instead of two or three): the time zone
  middleware needs them on every page (core/zones.viewer_zone), and the
  prescriber's pages their HTC. On a page, that read is the session's own
  (core/sessions.py): the session, the user and their profile in one query.
- The user's permissions, their own and their groups', in one query instead
  of two; the admin asks for them on every page. On a page they come with
  the session too (core/sessions.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Permission

from authorizations.core.compiled import CompiledQuery
from authorizations.core.sessions import USER_RELATED, permissions_q, preloaded_user

UserModel = get_user_model()


# Read where the session did not read it (core/sessions.py): compiled once
# per process (core/compiled.py), since building and compiling it cost more
# than running it.
_USER = CompiledQuery(lambda pk: UserModel._default_manager.select_related(
    *USER_RELATED).filter(pk=pk).order_by(), "pk")


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        # Read with the session when the session was read this request (core/sessions.py).
        user = preloaded_user(user_id)
        if user is None:
            user = _USER.instance(pk=UserModel._meta.pk.to_python(user_id))
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(permissions_q(user_obj))
            user_obj._perm_cache = {
                f"{app}.{codename}" for app, codename
                in perms.values_list("content_type__app_label", "codename").distinct()}
        return user_obj._perm_cache
