"""The two roles: prescribers (a PrescriberProfile) and clinical reviewers
(the Reviewers group, with just the permissions the admin needs; the
services create it, see services.user_create_reviewer)."""

from typing import Any

REVIEWERS = "Reviewers"
# Operations staff read the aggregate metrics (/operations/), nothing else.
OPERATIONS = "Operations"

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
    "view_infusion",
    "view_followup",
    "view_appeal",
]


def is_reviewer(user: Any) -> bool:
    return bool(user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=REVIEWERS).exists()))


def prescriber_profile(user: Any) -> Any:
    """The user's prescriber profile, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.prescriber
    except Exception:  # RelatedObjectDoesNotExist
        return None


def may_see_operations(user: Any) -> bool:
    """Reviewers and operations staff; never a prescriber (a prescriber who is
    also in one of those groups still is not shown the page)."""
    if not user.is_authenticated or prescriber_profile(user) is not None:
        return False
    return bool(user.is_superuser or user.groups.filter(
        name__in=[REVIEWERS, OPERATIONS]).exists())
