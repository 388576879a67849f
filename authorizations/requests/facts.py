"""The facts the policy needs from the database, read (never written) here:
whether the member key has used its one treatment (lifetime_limit), the
review flags (documentation_missing from the request's documents), and the
prescriber's and HTC's status at the moment of evaluation. The services and
the selectors both use it; the policy package takes these facts as
arguments and never touches the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, Q, QuerySet, Subquery

from authorizations import policy
from authorizations.core import zones
from authorizations.core.compiled import CompiledQuery
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


def lifetime_used(member_key: str, *, as_of: date | None = None,
                  excluding: AuthorizationRequest | None = None) -> bool:
    """lifetime_limit's fact: for this member key a recorded infusion or a live
    authorization exists. Expired or cancelled paperwork does not count."""
    qs = Authorization.objects.filter(_live_or_used(as_of or zones.today()),
                                      member_key=member_key)
    return _excluding(qs, excluding).exists()


def _same_person(answers: dict[str, Any], key: str) -> QuerySet[AuthorizationRequest]:
    """Approved requests for a person of the same name and date of birth under
    another member key (possible_duplicate_member)."""
    return _same_named(_name(answers), answers["date_of_birth"].isoformat(), key)


def _name(answers: dict[str, Any]) -> str:
    return f"{answers['patient_first_name']} {answers['patient_last_name']}".strip()


def _same_named(name: str, born: str, key: str) -> QuerySet[AuthorizationRequest]:
    return (AuthorizationRequest.objects
            .filter(status=Status.APPROVED, patient_name__iexact=name,
                    answers__date_of_birth=born)
            .exclude(member_key=key))


def _flags(*, lapsed: bool, duplicate: bool) -> list[str]:
    return sorted([*(["reauthorization"] if lapsed else []),
                   *(["possible_duplicate_member"] if duplicate else [])])


def review_flags(answers: dict[str, Any], *, as_of: date,
                 excluding: AuthorizationRequest | None = None,
                 lapsed: bool | None = None) -> list[str]:
    """The review flags (data dictionary, section 4) that need the database,
    for validated answers; the policy adds the ones the answers alone raise
    (evidence_not_recent, dose_over_largest_kit). `lapsed`: member_history's
    answer, when the caller has it."""
    key = policy.member_key(answers["member_id"])
    if lapsed is None:
        lapsed = _excluding(Authorization.objects.filter(_lapsed(as_of), member_key=key),
                            excluding).exists()
    return _flags(lapsed=lapsed, duplicate=_same_person(answers, key).exists())


# --- documentation_missing (issue 19) ---------------------------------------

def attached_kinds(req: AuthorizationRequest) -> set[str]:
    """The kinds of the documents attached to the request."""
    if not req.pk:
        return set()
    return set(Document.objects.filter(request=req).values_list("kind", flat=True))


def derived_answers(req: AuthorizationRequest, *, profile: PrescriberProfile | None = None
                    ) -> dict[str, bool]:
    """Answers read from the profile and the HTC directory, never typed: the
    specialist status of the person who submits (`submitted_by`, set by
    request_submit before it evaluates; the draft's prescriber until then)
    and the HTC's federal designation, as they are now (at submission, they
    are recorded as they were then). `profile`: that person's profile as
    read for this HTTP request (the wizard's gate has it), else read here."""
    person = req.submitted_by_id or req.prescriber_id
    if profile is None or profile.user_id != person:
        profile = PrescriberProfile.objects.filter(user_id=person).first()
    return {
        # No profile means no known specialist status: never "yes".
        "prescriber_bleeding_disorder_specialist": bool(
            profile and profile.bleeding_disorder_specialist),
        "htc_federally_designated": bool(req.htc.federally_designated),
    }


def _facts_columns(*, request_id: int, key: str, as_of: date, name: str, born: str,
                   roster_key: str | None = None, roster_born: date | None = None
                   ) -> dict[str, Subquery]:
    """The columns of the evaluation's one query (_database_facts)."""
    history = Authorization.objects.filter(member_key=key).exclude(request=request_id)
    found = (roster_key, roster_born) if roster_key is not None and roster_born else None
    return {
        "used": Exists(history.filter(_live_or_used(as_of))),
        "lapsed": Exists(history.filter(_lapsed(as_of))),
        "duplicate": Exists(_same_named(name, born, key)),
        **roster.eligibility_columns(found),
        **{f"attached_{doc.kind}": Exists(Document.objects.filter(request=request_id,
                                                                  kind=doc.kind))
           for doc in policy_flags.REQUIRED_DOCUMENTS},
    }


# Compiled once per process (core/compiled.py): building and compiling its
# nine subqueries cost about 1.5 ms of CPU in every submit and preview; one
# query for answers that find a roster candidate, one for those that cannot.
_FACTS = CompiledQuery(_facts_columns, "request_id", key=str, as_of=date, name=str, born=str)
_FACTS_AND_ROSTER = CompiledQuery(_facts_columns, "request_id", key=str, as_of=date, name=str,
                                  born=str, roster_key=str, roster_born=date)


def _database_facts(req: AuthorizationRequest, answers: dict[str, Any], *, as_of: date
                    ) -> dict[str, Any]:
    """What an evaluation reads of the database, in one query (a round trip
    each would be five): the member's history (lifetime_limit, reauthorization),
    a possible duplicate member, the roster's match, and which documents the
    policy asks for are attached. Values come back as the database returns
    them (SQLite gives an EXISTS as 0 or 1): read them as truthy."""
    if req.pk is None:
        raise ValueError("An unsaved request has no facts in the database")
    values: dict[str, Any] = {
        "request_id": req.pk, "key": policy.member_key(answers["member_id"]), "as_of": as_of,
        "name": _name(answers), "born": answers["date_of_birth"].isoformat()}
    found = roster.candidate(answers)
    if found is None:
        row = _FACTS.first(**values)
    else:
        row = _FACTS_AND_ROSTER.first(**values, roster_key=found[0], roster_born=found[1])
    assert row is not None  # a SELECT without a table has its one row
    return row


def evaluate_request(req: AuthorizationRequest, *, as_of: date | None = None,
                     scheduling: bool = True,
                     derived: dict[str, bool] | None = None) -> policy.Evaluation:
    """Evaluate a saved request's stored answers with today's profile, directory and
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
    row = _database_facts(req, answers, as_of=as_of)
    attached = {doc.kind for doc in policy_flags.REQUIRED_DOCUMENTS if row[f"attached_{doc.kind}"]}
    return policy.evaluate_answers(
        answers, as_of=as_of, lifetime_used=bool(row["used"]),
        review_flags=[*_flags(lapsed=bool(row["lapsed"]), duplicate=bool(row["duplicate"])),
                      *roster.eligibility_flags_of(row, answers),
                      *policy_flags.documentation(attached)])
