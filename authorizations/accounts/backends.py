"""The authentication backend: Django's ModelBackend, with what every page
reads of the signed-in user in fewer queries.

- The user is read with their reviewer or prescriber profile and the
  prescriber's HTC (one query instead of two or three): the time zone
  middleware needs them on every page (core/zones.viewer_zone), and the
  prescriber's pages their HTC.
- The user's permissions, their own and their groups', in one query instead
  of two; the admin asks for them on every page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from authorizations.core.compiled import CompiledQuery

UserModel = get_user_model()


# Read on every page: compiled once per process (core/compiled.py), since
# building and compiling it cost more than running it.
_USER = CompiledQuery(lambda pk: UserModel._default_manager.select_related(
    "reviewer", "prescriber__htc").filter(pk=pk).order_by(), "pk")


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> Any:
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
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app}.{codename}" for app, codename
                in perms.values_list("content_type__app_label", "codename").distinct()}
        return user_obj._perm_cache
