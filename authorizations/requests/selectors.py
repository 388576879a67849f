"""Reads for the prescriber's pages: querysets scoped to the prescriber's HTC,
and the plain values the templates print (templates compute nothing)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from authorizations import policy
from authorizations.core import deadlines, zones
from authorizations.core.compiled import CompiledQuery
from authorizations.models import (
    HTC,
    Appeal,
    Authorization,
    AuthorizationRequest,
    AuthorizationStatus,
    Determination,
    EHRLaunch,
    Status,
)
from authorizations.policy import QUESTION_BY_KEY
from authorizations.policy.values import (
    ValueProblem,
    long_date,
    number_from_json,
    plain,
    scientific,
)
from authorizations.requests import facts
from authorizations.requests import origins as answer_origins
from authorizations.treatment import selectors as treatment_selectors

STATUS_LABELS = policy.STATUS_LABELS


def requests_for_htc(htc: HTC | int) -> QuerySet[AuthorizationRequest]:
    """Every request of one HTC: the only requests a prescriber there may see."""
    return (AuthorizationRequest.objects.filter(htc=htc)
            .select_related("prescriber", "authorization"))


# Every prescriber's page of a request reads it so: compiled once per process
# (core/compiled.py), since building and compiling it cost more than running it.
_REQUEST_FOR_HTC = CompiledQuery(
    lambda htc_id, pk: requests_for_htc(htc_id).filter(pk=pk).order_by(), "htc_id", "pk")


def request_for_htc(*, htc: HTC, pk: int) -> AuthorizationRequest:
    """One request of the HTC, or 404: another HTC's request does not exist here."""
    req = _REQUEST_FOR_HTC.instance(htc_id=htc.pk, pk=pk)
    if req is None:
        # get_object_or_404's words.
        raise Http404(f"No {AuthorizationRequest._meta.object_name} matches the given query.")
    req.htc = htc  # the filter's own HTC: reading req.htc asks the database nothing more
    return req


def latest_determination(req: AuthorizationRequest) -> Determination | None:
    return req.determinations.order_by("-created_at", "-id").first()


def authorization_or_none(req: AuthorizationRequest):
    try:
        return req.authorization
    except AuthorizationRequest.authorization.RelatedObjectDoesNotExist:
        return None


def export_payload(req: AuthorizationRequest) -> dict[str, Any]:
    """The request as exported JSON (data dictionary, section 5). Answers keep
    their exact decimals and "<N" lab values; write it with
    policy.values.ExactJSONEncoder."""
    from authorizations.appeals.selectors import export_appeals  # it reads this module

    auth = authorization_or_none(req)
    decision = (req.determinations.filter(status__in=[Status.APPROVED, Status.DENIED])
                .order_by("-created_at", "-id").first())
    return {
        "request": req.number,
        "status": req.status,
        "submitted_at": req.submitted_at.isoformat() if req.submitted_at else None,
        "policy": req.policy_version,
        "answers": req.answers,
        "outcome": req.outcome or None,
        "unmet": req.unmet,
        "review_flags": req.review_flags,
        "decision": {"kind": decision.kind, "by": decision.decided_by_name,
                     "at": decision.created_at.isoformat(),
                     "rationale": decision.rationale} if decision else None,
        "authorization": {"number": auth.number, "start": auth.start_date.isoformat(),
                          "end": auth.end_date.isoformat(),
                          "status": auth.status_on(zones.today())} if auth else None,
        **treatment_selectors.export_treatment(auth),
        "appeals": export_appeals(req),
    }


# --------------------------------------------------------------------------
# Values as shown to people.
# --------------------------------------------------------------------------

def display_answer(key: str, value: Any) -> str:
    return policy.display(key, value)


@dataclass(frozen=True)
class AnswerRow:
    key: str
    label: str
    value: str
    answered: bool
    # Where the answer came from, in words ("Filled from the EHR"); "" when a
    # person typed it or its origin is not known (requests/origins.py).
    origin: str = ""


@dataclass(frozen=True)
class AnswerGroup:
    step: str
    title: str
    edit_url: str
    rows: list[AnswerRow]


def test_age(iso_day: str, as_of: date) -> str:
    """How long before submission a sample was taken: "34 days before submission"."""
    days = (as_of - date.fromisoformat(iso_day)).days
    if days == 0:
        return "on the day of submission"
    if days < 0:
        return "after the day of submission"
    return f"{days} day{'s' if days != 1 else ''} before submission"


def answer_groups(answers: dict[str, Any], steps: list[tuple[str, str]],
                  as_of: date | None = None,
                  origins: dict[str, str] | None = None) -> list[AnswerGroup]:
    """The asked questions of each step with their answers, for "check your
    answers". `steps` holds (step name, edit URL). Test dates show
    their age on `as_of` (the submission day; today for a draft); `origins`
    says which answers the EHR filled."""
    as_of = as_of or zones.today()
    groups = []
    for step, url in steps:
        rows = []
        for key in policy.step_keys(step):
            q = QUESTION_BY_KEY[key]
            if not q.is_asked(answers):
                continue
            answered = key in answers
            value = display_answer(key, answers.get(key)) if answered else "Not answered yet"
            if answered and q.kind == "test_date" and answers.get(key):
                value = f"{value} ({test_age(answers[key], as_of)})"
            origin = answer_origins.label((origins or {}).get(key)) if answered else ""
            rows.append(AnswerRow(key, q.label, value, answered, origin))
        groups.append(AnswerGroup(step, policy.STEP_TITLES[step], url, rows))
    return groups


@dataclass(frozen=True)
class CriterionRow:
    id: str
    name: str
    status: str
    status_label: str
    reason: str
    text: str


def criterion_rows(results: list[dict[str, str]]) -> list[CriterionRow]:
    return [CriterionRow(r["id"], criterion_name(r["id"]), r["status"],
                         STATUS_LABELS[r["status"]], r["reason"], r["text"]) for r in results]


def criterion_name(criterion_id: str) -> str:
    criterion = policy.CRITERION_BY_ID.get(criterion_id)
    return criterion.name if criterion else criterion_id


@dataclass(frozen=True)
class Preview:
    """The live criteria result shown before submitting."""

    outcome: str | None
    criteria: list[CriterionRow]
    unmet: list[CriterionRow]
    problems: list[tuple[str, str]]  # (question, what is wrong)
    # Why the request goes to a person: each review flag's reason, whatever the outcome.
    flags: list[str] = ()

    @property
    def approvable(self) -> bool:
        return self.outcome == policy.MEETS_CRITERIA and not self.flags


def review_preview(req: AuthorizationRequest) -> Preview:
    try:
        evaluation = facts.evaluate_request(req)
    except policy.InvalidCase as exc:
        return Preview(None, [], [], [
            (QUESTION_BY_KEY[p.key].label if p.key in QUESTION_BY_KEY else p.key, p.message)
            for p in exc.problems])
    rows = criterion_rows([r.as_dict() for r in evaluation.results])
    return Preview(evaluation.outcome, rows, [r for r in rows if r.status == policy.UNMET], [],
                   [r.text for r in evaluation.flag_reasons])


def flag_texts(req: AuthorizationRequest) -> list[str]:
    """Why a submitted request went to a person, as recorded with its flags:
    which result and how many days old, which dose volume."""
    return policy.reason_texts(req.review_flags or [], req.review_flag_reasons)


@dataclass(frozen=True)
class ReviewFacts:
    """What the review page states besides the answers: the prescriber and HTC
    as the profile and directory say (never typed), the signature, and the
    authorization window the planned infusion must fit."""

    prescriber: str
    specialist: bool
    htc: HTC
    signed_on: str
    window_end: str
    infusion_after_window: bool


def review_facts(req: AuthorizationRequest | None) -> ReviewFacts | None:
    if req is None:
        return None
    user = req.prescriber
    profile = getattr(user, "prescriber", None)
    name = user.get_full_name() or user.get_username()
    credentials = profile.credentials if profile else ""
    today = zones.today()
    # The last day an approval today would cover.
    window_end = deadlines.authorization_last_day(today)
    planned = req.answers.get("planned_infusion_date")
    return ReviewFacts(
        prescriber=f"{name}, {credentials}" if credentials else name,
        specialist=bool(facts.derived_answers(req)["prescriber_bleeding_disorder_specialist"]),
        htc=req.htc, signed_on=long_date(today), window_end=long_date(window_end),
        infusion_after_window=bool(planned) and date.fromisoformat(planned) > window_end)


@dataclass(frozen=True)
class DoseSummary:
    """The dose for the entered weight and the kit dispensed (policy.dosing):
    the vials the dose needs, at least the smallest kit's 10."""

    weight: str
    label_dose: str
    dose: str  # the prescribed dose, or the label dose before one is entered
    total: str
    volume_ml: str
    vials: int
    beyond_largest_kit: bool
    largest_kit: int
    kit_vials: int | None  # None: no one kit holds the dose
    kit_ml: int | None
    smallest_kit: bool  # the dose needs fewer vials than the smallest kit holds
    smallest_kit_vials: int


def _answered_number(answers: dict[str, Any], key: str) -> Decimal | None:
    """The answer as an exact number within its question's range, or None
    (not answered yet, or not a number the engine would take)."""
    try:
        number = number_from_json(answers.get(key))
    except ValueProblem:
        return None
    return None if QUESTION_BY_KEY[key].range_problem(number) else number


def dose_summary(answers: dict[str, Any]) -> DoseSummary | None:
    """The prescribed dose (the label dose until one is entered) for the
    entered weight, or None before a weight is given."""
    weight = _answered_number(answers, "weight_kg")
    if weight is None:
        return None
    dose = _answered_number(answers, "dose_gc_per_kg") or policy.LABEL_DOSE_GC_PER_KG
    plan = policy.dose_plan(weight, dose)
    return DoseSummary(
        weight=display_answer("weight_kg", answers["weight_kg"]),
        label_dose=scientific(policy.LABEL_DOSE_GC_PER_KG),
        dose=scientific(dose),
        total=scientific(plan.total_gc),
        volume_ml=plain(plan.volume_ml),
        vials=plan.vials,
        beyond_largest_kit=plan.beyond_largest_kit,
        largest_kit=policy.LARGEST_KIT_VIALS,
        kit_vials=plan.kit_vials,
        kit_ml=plan.kit_ml,
        smallest_kit=plan.smallest_kit,
        smallest_kit_vials=policy.SMALLEST_KIT_VIALS,
    )


@dataclass(frozen=True)
class MemberRecord:
    request: AuthorizationRequest
    authorization_number: str
    authorization_state: str


def _member_others(member_key: str, request_id: int):
    return (AuthorizationRequest.objects.filter(member_key=member_key)
            .exclude(pk=request_id).exclude(status=Status.DRAFT).order_by("-submitted_at")
            .values("id", "status", "submitted_at", "authorization__id", "authorization__status",
                    "authorization__start_date", "authorization__end_date"))


# Read on every reviewer's request page, and most often finding nothing:
# compiled once per process (core/compiled.py), about 0.6 ms of CPU spared.
MEMBER_OTHERS = CompiledQuery(_member_others, "request_id", member_key=str)


def member_history(req: AuthorizationRequest) -> list[MemberRecord]:
    """The member key's other requests and authorizations (with their states
    today), for the reviewer: earlier treatment, lapsed paperwork, duplicates.
    Each request and authorization is made from the values read, for the
    model's own number, status label and state."""
    if not req.member_key:
        return []
    today = zones.today()
    rows = []
    for other in MEMBER_OTHERS.values(using=req._state.db or "default",
                                      member_key=req.member_key, request_id=req.pk):
        auth = Authorization(pk=other["authorization__id"],
                             status=other["authorization__status"],
                             start_date=other["authorization__start_date"],
                             end_date=other["authorization__end_date"]) \
            if other["authorization__id"] else None
        rows.append(MemberRecord(
            AuthorizationRequest(pk=other["id"], status=other["status"],
                                 submitted_at=other["submitted_at"]),
            auth.number if auth else "",
            AuthorizationStatus(auth.status_on(today)).label if auth else ""))
    return rows


def dashboard_rows(htc: HTC) -> list[AuthorizationRequest]:
    # A denial under appeal says so (the request stays denied until decided).
    open_appeal = Appeal.objects.filter(request=OuterRef("pk"), decided_at__isnull=True)
    return list(requests_for_htc(htc).annotate(appeal_open=Exists(open_appeal))
                .order_by("-updated_at"))


def ehr_token_digest(token: str) -> str:
    """What is kept of a CRD card link's token (EHRLaunch.token_sha256)."""
    return hashlib.sha256(token.encode()).hexdigest()


def launch_usable(launch: EHRLaunch | None, now: datetime) -> bool:
    """A card's link opens a draft once, before it expires."""
    return launch is not None and launch.used_at is None and launch.expires_at > now


def ehr_launch_patient(*, htc: HTC, token: str) -> str | None:
    """The EHR's id of the patient behind `token` ("" when the hook named
    none), for the SMART launch to check; None when the link is not `htc`'s,
    or used, or expired."""
    launch = EHRLaunch.objects.filter(token_sha256=ehr_token_digest(token), htc=htc).first()
    if not launch_usable(launch, timezone.now()):
        return None
    assert launch is not None  # launch_usable says so; for mypy
    return launch.patient


def ehr_launch_to_confirm(*, htc: HTC, token: str
                          ) -> tuple[EHRLaunch, list[tuple[str, str]]] | None:
    """The launch behind `token` and what the EHR sent, as (question, answer)
    rows for the prescriber to confirm before a draft is started; None when
    the link is not `htc`'s, or used, or expired."""
    launch = EHRLaunch.objects.filter(token_sha256=ehr_token_digest(token), htc=htc).first()
    if not launch_usable(launch, timezone.now()):
        return None
    assert launch is not None  # launch_usable says so; for mypy
    return launch, [(QUESTION_BY_KEY[key].label, display_answer(key, value))
                    for key in policy.ANSWER_KEYS
                    if (value := launch.answers.get(key)) is not None]
