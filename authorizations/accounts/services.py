"""Users, groups and who belongs to which: the accounts of the two access.

Audit rows name the fields that changed and the ids of the groups and
permissions added or removed; never a password, hashed or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Model

from authorizations.accounts.directory import prescriber_profile_save
from authorizations.core import access
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, delete_audited, save_audited, service
from authorizations.models import HTC, PrescriberProfile, ReviewerProfile


@service
def user_save(user: User, *, by: User | None) -> User:
    """Add a user, or store the changes made to one (the admin's pages)."""
    with transaction.atomic():
        save_audited(user, by=by)
    return user


@service
def user_delete(user: User, *, by: User | None) -> None:
    with transaction.atomic():
        delete_audited(user, by=by)


def _set_members(obj: Model, relation: str, new: Iterable[Any]) -> dict[str, list[int]]:
    """Set a many-to-many relation; return the ids added and removed."""
    manager = getattr(obj, relation)
    before = set(manager.values_list("pk", flat=True))
    new = list(new)
    after = {item.pk for item in new}
    if before == after:
        return {}
    manager.set(new)
    return {f"{relation}_added": sorted(after - before),
            f"{relation}_removed": sorted(before - after)}


@service
def user_memberships_set(user: User, *, by: User | None, groups: Iterable[Group],
                         permissions: Iterable[Permission] | None = None) -> None:
    """Set the user's groups (roles) and, when given, own permissions."""
    with transaction.atomic():
        detail = _set_members(user, "groups", groups)
        if permissions is not None:
            detail |= _set_members(user, "user_permissions", permissions)
        if detail:
            audit(by=by, action=AuditAction.MEMBERSHIPS, obj=user, **detail)


@service
def group_save(group: Group, *, by: User | None) -> Group:
    with transaction.atomic():
        save_audited(group, by=by)
    return group


@service
def group_delete(group: Group, *, by: User | None) -> None:
    with transaction.atomic():
        delete_audited(group, by=by)


@service
def group_permissions_set(group: Group, *, by: User | None,
                          permissions: Iterable[Permission]) -> None:
    with transaction.atomic():
        detail = _set_members(group, "permissions", permissions)
        if detail:
            audit(by=by, action=AuditAction.MEMBERSHIPS, obj=group, **detail)


def _reviewers_group(*, by: User | None) -> Group:
    """The Reviewers group, created, with exactly access.REVIEWER_PERMISSIONS."""
    group = Group.objects.filter(name=access.REVIEWERS).first() or Group(name=access.REVIEWERS)
    save_audited(group, by=by)
    detail = _set_members(group, "permissions", Permission.objects.filter(
        content_type__app_label="authorizations", codename__in=access.REVIEWER_PERMISSIONS))
    if detail:
        audit(by=by, action=AuditAction.MEMBERSHIPS, obj=group, **detail)
    return group


def join_group(user: User, group: Group, *, by: User | None) -> None:
    """Add `user` to `group` once, with its audit row (inside a service)."""
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        audit(by=by, action=AuditAction.MEMBERSHIPS, obj=user, groups_added=[group.pk],
              groups_removed=[])


def _account(*, by: User | None, username: str, password: str | None, first_name: str,
             last_name: str, email: str, staff: bool) -> User:
    """The user of that username, created or brought up to date."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_staff, user.is_active = staff, True
    if password is not None:
        user.set_password(password)
    save_audited(user, by=by)
    return user


@service
def user_create_prescriber(*, by: User | None, username: str, htc: HTC,
                           password: str | None, first_name: str = "", last_name: str = "",
                           email: str = "", credentials: str = "", npi: str = "",
                           bleeding_disorder_specialist: bool = True) -> User:
    """A prescriber at `htc`: the user and their profile, created, or brought
    up to date when the username exists (seed_demo runs again)."""
    with transaction.atomic():
        user = _account(by=by, username=username, password=password, first_name=first_name,
                        last_name=last_name, email=email, staff=False)
        profile = PrescriberProfile.objects.filter(user=user).first() or \
            PrescriberProfile(user=user)
        profile.htc = htc
        profile.credentials, profile.npi = credentials, npi
        profile.bleeding_disorder_specialist = bleeding_disorder_specialist
        # Through the service, so a change of HTC is recorded with both ids.
        prescriber_profile_save(profile, by=by)
    return user


@service
def user_create_reviewer(*, by: User | None, username: str, credentials: str,
                         password: str | None, first_name: str = "", last_name: str = "",
                         email: str = "") -> User:
    """A clinical reviewer: a staff user in the Reviewers group with a profile
    (name and credentials are printed on denials); created, or brought up to
    date when the username exists."""
    with transaction.atomic():
        user = _account(by=by, username=username, password=password, first_name=first_name,
                        last_name=last_name, email=email, staff=True)
        group = _reviewers_group(by=by)
        join_group(user, group, by=by)
        profile = ReviewerProfile.objects.filter(user=user).first() or ReviewerProfile(user=user)
        profile.credentials = credentials
        save_audited(profile, by=by)
    return user
