"""Reads of the member roster: whether one is loaded, and the member a
request names (by member key, name and date of birth, all three)."""

from __future__ import annotations

from datetime import date
from typing import Any

from authorizations.members.models import Member
from authorizations.policy import member_key

ELIGIBILITY_NOT_VERIFIED = "eligibility_not_verified"


def roster_loaded() -> bool:
    return Member.objects.exists()


def _same(a: str, b: str) -> bool:
    # Names as the duplicate check compares them: ignoring case and surrounding spaces.
    return a.strip().casefold() == b.strip().casefold()


def matching_member(answers: dict[str, Any]) -> Member | None:
    """The roster's member for a request's answers: the same member key, first
    and last name and date of birth; None when any of them differs."""
    member_id = answers.get("member_id") or ""
    dob = answers.get("date_of_birth")
    if not member_id or not dob:
        return None
    born = dob if isinstance(dob, date) else date.fromisoformat(str(dob))
    member = Member.objects.filter(member_key=member_key(str(member_id)),
                                   date_of_birth=born).first()
    if member is None:
        return None
    if not (_same(member.first_name, str(answers.get("patient_first_name") or ""))
            and _same(member.last_name, str(answers.get("patient_last_name") or ""))):
        return None
    return member


def eligibility_flags(answers: dict[str, Any]) -> list[str]:
    """`eligibility_not_verified` (data dictionary v3, section 4) when a roster
    is loaded and no member on it matches; none without a roster (a
    deployment that has not loaded one cannot check)."""
    if roster_loaded() and matching_member(answers) is None:
        return [ELIGIBILITY_NOT_VERIFIED]
    return []
