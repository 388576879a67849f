"""The two roles: prescribers (a PrescriberProfile) and clinical reviewers
(the Reviewers group, with just the permissions the admin needs)."""

from django.contrib.auth.models import Group, Permission

REVIEWERS = "Reviewers"

# What a reviewer may do in the admin: read requests and decide them, read
# determinations, letters, authorizations and the audit log. Nothing else.
REVIEWER_PERMISSIONS = [
    "view_authorizationrequest",
    "decide_authorizationrequest",
    "view_determination",
    "view_letter",
    "view_authorization",
    "view_auditevent",
    "view_htc",
]


def reviewers_group() -> Group:
    """The Reviewers group with its permissions, created or set right. It
    writes: only services.user_create_reviewer calls it."""
    group, _ = Group.objects.get_or_create(name=REVIEWERS)
    perms = Permission.objects.filter(content_type__app_label="authorizations",
                                      codename__in=REVIEWER_PERMISSIONS)
    group.permissions.set(perms)
    return group


def is_reviewer(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=REVIEWERS).exists())


def prescriber_profile(user):
    """The user's prescriber profile, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.prescriber
    except Exception:  # RelatedObjectDoesNotExist
        return None
