"""Reads of the member roster: whether one is loaded, and the member a
request names (by member key, name and date of birth, all three)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, Subquery

from authorizations.members.models import Member
from authorizations.policy import member_key

ELIGIBILITY_NOT_VERIFIED = "eligibility_not_verified"


def roster_loaded() -> bool:
    return Member.objects.exists()


def _same(a: str, b: str) -> bool:
    # Names as the duplicate check compares them: ignoring case and surrounding spaces.
    return a.strip().casefold() == b.strip().casefold()


def candidate(answers: dict[str, Any]) -> tuple[str, date] | None:
    """The member key and date of birth the roster is searched by; None when
    the answers name no member ID or date of birth."""
    member_id = answers.get("member_id") or ""
    dob = answers.get("date_of_birth")
    if not member_id or not dob:
        return None
    born = dob if isinstance(dob, date) else date.fromisoformat(str(dob))
    return member_key(str(member_id)), born


def _candidates(answers: dict[str, Any]):
    """The roster's rows that could be the request's member (the same member
    key and date of birth; the key is unique, so at most one); None when the
    answers name no member ID or date of birth."""
    found = candidate(answers)
    return _candidates_of(*found) if found is not None else None


def _candidates_of(key: str, born: date):
    return Member.objects.filter(member_key=key, date_of_birth=born)


def _names_match(first_name: str, last_name: str, answers: dict[str, Any]) -> bool:
    return (_same(first_name, str(answers.get("patient_first_name") or ""))
            and _same(last_name, str(answers.get("patient_last_name") or "")))


def matching_member(answers: dict[str, Any]) -> Member | None:
    """The roster's member for a request's answers: the same member key, first
    and last name and date of birth; None when any of them differs."""
    candidates = _candidates(answers)
    member = candidates.first() if candidates is not None else None
    if member is None or not _names_match(member.first_name, member.last_name, answers):
        return None
    return member


def eligibility_flags(answers: dict[str, Any]) -> list[str]:
    """`eligibility_not_verified` (data dictionary v3, section 4) when a roster
    is loaded and no member on it matches; none without a roster (a
    deployment that has not loaded one cannot check)."""
    if roster_loaded() and matching_member(answers) is None:
        return [ELIGIBILITY_NOT_VERIFIED]
    return []


def eligibility_columns(found: tuple[str, date] | None) -> dict[str, Any]:
    """eligibility_flags' reads as columns of another query (the evaluation's
    one query, requests/facts.py): whether a roster is loaded, and the names
    of the member with the member key and date of birth `found` (candidate()
    of the answers; the evaluation compiles these columns once, with markers
    for those two: core/compiled.py)."""
    columns: dict[str, Any] = {"roster_loaded": Exists(Member.objects.all())}
    if found is not None:
        candidates = _candidates_of(*found)
        columns["roster_first_name"] = Subquery(candidates.values("first_name")[:1])
        columns["roster_last_name"] = Subquery(candidates.values("last_name")[:1])
    return columns


def eligibility_flags_of(row: dict[str, Any], answers: dict[str, Any]) -> list[str]:
    """eligibility_flags from a row with eligibility_columns' columns."""
    first, last = row.get("roster_first_name"), row.get("roster_last_name")
    matched = first is not None and last is not None and _names_match(first, last, answers)
    return [ELIGIBILITY_NOT_VERIFIED] if row["roster_loaded"] and not matched else []
