"""Operations staff: the Operations group (no model permissions: they read the
aggregate metrics page, nothing else) and its accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from authorizations.accounts.services import _account, join_group
from authorizations.core import access
from authorizations.core.audit import save_audited, service


@service
def operations_group(*, by: User | None) -> Group:
    """The Operations group, created when missing."""
    with transaction.atomic():
        group = Group.objects.filter(name=access.OPERATIONS).first() or \
            Group(name=access.OPERATIONS)
        save_audited(group, by=by)
        return group


@service
def user_create_operations(*, by: User | None, username: str,
                           password: str | None, first_name: str = "", last_name: str = "",
                           email: str = "") -> User:
    """A member of operations staff (not staff of the admin), created or brought
    up to date when the username exists."""
    with transaction.atomic():
        user = _account(by=by, username=username, password=password, first_name=first_name,
                        last_name=last_name, email=email, staff=False)
        group = operations_group(by=by)
        join_group(user, group, by=by)
    return user
