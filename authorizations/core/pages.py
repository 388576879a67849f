"""What every page shares: the service's name, and the gate of the
prescriber's pages (a prescriber only; reviewers go to the admin, operations
staff to their page)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from authorizations.core.access import is_reviewer, may_see_operations, prescriber_profile

SERVICE_NAME = "Hemgenix prior authorization"


def prescriber_or_refuse(request: HttpRequest) -> tuple[Any, HttpResponse | None]:
    """The prescriber's profile, or the response for someone who is not one."""
    user = request.user
    if not user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    profile = prescriber_profile(user)
    if profile is None:
        if is_reviewer(user):
            # Reviewers work in the admin, not on the prescriber's pages.
            return None, redirect("admin:index")
        if may_see_operations(user):  # operations staff: their one page
            return None, redirect("operations")
        raise PermissionDenied("Only prescribers can use these pages.")
    return profile, None


def prescriber_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only prescribers; `request.htc` is theirs, and every read filters on it."""

    @wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        profile, refused = prescriber_or_refuse(request)
        if refused:
            return refused
        request.prescriber_profile = profile
        return view(request, *args, **kwargs)

    return wrapper
