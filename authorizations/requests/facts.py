"""The facts the policy needs from the database, read (never written) here:
whether the member key has used its one treatment (lifetime_limit), the
review flags (documentation_missing from the request's documents), and the
prescriber's and HTC's status at the moment of evaluation. The services and
the selectors both use it; the policy package takes these facts as
arguments and never touches the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from authorizations import policy
from authorizations.core import zones
from authorizations.members import selectors as roster
from authorizations.models import (
    Authorization,
    AuthorizationRequest,
    AuthorizationStatus,
    Document,
    PrescriberProfile,
    Status,
)
from authorizations.policy import flags as policy_flags


def _live_or_used(day: date) -> Q:
    """Administered, or active and not past its last day (expiry is by the date)."""
    return Q(status=AuthorizationStatus.ADMINISTERED) | Q(status=AuthorizationStatus.ACTIVE,
                                                          end_date__gte=day)


def _lapsed(day: date) -> Q:
    return Q(status__in=[AuthorizationStatus.EXPIRED, AuthorizationStatus.CANCELLED]) | Q(
        status=AuthorizationStatus.ACTIVE, end_date__lt=day)


def _excluding(qs: QuerySet[Authorization], excluding: AuthorizationRequest | None
               ) -> QuerySet[Authorization]:
    return qs.exclude(request=excluding) if excluding is not None and excluding.pk else qs


def member_history(member_key: str, *, as_of: date,
                   excluding: AuthorizationRequest | None = None) -> tuple[bool, bool]:
    """(lifetime used, lapsed authorization) for a member key: both facts
    read the member's authorizations, so an evaluation asks once."""
    counts = _excluding(Authorization.objects.filter(member_key=member_key), excluding).aggregate(
        used=Count("pk", filter=_live_or_used(as_of)), lapsed=Count("pk", filter=_lapsed(as_of)))
    return bool(counts["used"]), bool(counts["lapsed"])


def lifetime_used(member_key: str, *, as_of: date | None = None,
                  excluding: AuthorizationRequest | None = None) -> bool:
    """lifetime_limit's fact: for this member key a recorded infusion or a live
    authorization exists. Expired or cancelled paperwork does not count."""
    qs = Authorization.objects.filter(_live_or_used(as_of or zones.today()),
                                      member_key=member_key)
    return _excluding(qs, excluding).exists()


def review_flags(answers: dict[str, Any], *, as_of: date,
                 excluding: AuthorizationRequest | None = None,
                 lapsed: bool | None = None) -> list[str]:
    """The review flags (data dictionary, section 4) that need the database,
    for validated answers; the policy adds the ones the answers alone raise
    (evidence_not_recent, dose_over_largest_kit). `lapsed`: member_history's
    answer, when the caller has it."""
    key = policy.member_key(answers["member_id"])
    flags = []
    if lapsed is None:
        lapsed = _excluding(Authorization.objects.filter(_lapsed(as_of), member_key=key),
                            excluding).exists()
    if lapsed:
        flags.append("reauthorization")
    name = f"{answers['patient_first_name']} {answers['patient_last_name']}".strip()
    same_person = (AuthorizationRequest.objects
                   .filter(status=Status.APPROVED, patient_name__iexact=name,
                           answers__date_of_birth=answers["date_of_birth"].isoformat())
                   .exclude(member_key=key))
    if same_person.exists():
        flags.append("possible_duplicate_member")
    return sorted(flags)


def eligibility_flags(answers: dict[str, Any]) -> list[str]:
    """`eligibility_not_verified` (issue 21): the web app, the API and PAS
    raise it through evaluate_request; `manage.py evaluate` calls
    review_flags only and never does (data dictionary v3, section 4)."""
    return roster.eligibility_flags(answers)


# --- documentation_missing (issue 19) ---------------------------------------

def attached_kinds(req: AuthorizationRequest) -> set[str]:
    """The kinds of the documents attached to the request."""
    if not req.pk:
        return set()
    return set(Document.objects.filter(request=req).values_list("kind", flat=True))


def documentation_flags(req: AuthorizationRequest) -> list[policy.FlagReason]:
    """documentation_missing, naming the missing documents, when the request
    has no document of a kind the policy asks for (policy.REQUIRED_DOCUMENTS).
    The web app and the API only: `manage.py evaluate` has no documents."""
    return policy_flags.documentation(attached_kinds(req))


def derived_answers(req: AuthorizationRequest) -> dict[str, bool]:
    """Answers read from the profile and the HTC directory, never typed: the
    specialist status of the person who submits (`submitted_by`, set by
    request_submit before it evaluates; the draft's prescriber until then)
    and the HTC's federal designation, as they are now (at submission, they
    are recorded as they were then)."""
    person = req.submitted_by_id or req.prescriber_id
    profile = PrescriberProfile.objects.filter(user_id=person).first()
    return {
        # No profile means no known specialist status: never "yes".
        "prescriber_bleeding_disorder_specialist": bool(
            profile and profile.bleeding_disorder_specialist),
        "htc_federally_designated": bool(req.htc.federally_designated),
    }


def evaluate_request(req: AuthorizationRequest, *, as_of: date | None = None,
                     scheduling: bool = True,
                     derived: dict[str, bool] | None = None) -> policy.Evaluation:
    """Evaluate a request's stored answers with today's profile, directory and
    lifetime facts, under the policy version in effect on `as_of` (the
    evaluation date: the day of a submission or resubmission in TIME_ZONE).
    The database's review flags, documentation_missing included, join those
    the answers raise (policy.flags).
    `scheduling=False` for a reviewer's decision: the planned infusion date
    is checked against the evaluation date only when the prescriber submits.
    `derived`: derived_answers(req), when the caller has just read them.
    Raises policy.InvalidCase."""
    as_of = as_of or zones.today()
    derived = derived_answers(req) if derived is None else derived
    answers = policy.validate({**req.answers, **derived}, as_of=as_of, scheduling=scheduling)
    key = policy.member_key(answers["member_id"])
    used, lapsed = member_history(key, as_of=as_of, excluding=req)
    return policy.evaluate_answers(
        answers, as_of=as_of, lifetime_used=used,
        review_flags=[*review_flags(answers, as_of=as_of, excluding=req, lapsed=lapsed),
                      *eligibility_flags(answers), *documentation_flags(req)])
