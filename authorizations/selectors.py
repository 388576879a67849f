"""Reads for the prescriber's pages: querysets scoped to the prescriber's HTC,
and the plain values the templates print (templates compute nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import policy, services
from .models import HTC, AuthorizationRequest, Determination, Status
from .policy import QUESTION_BY_KEY
from .policy.values import number_from_json, scientific

STATUS_LABELS = policy.STATUS_LABELS


def requests_for_htc(htc: HTC) -> QuerySet[AuthorizationRequest]:
    """Every request of one HTC: the only requests a prescriber there may see."""
    return (AuthorizationRequest.objects.filter(htc=htc)
            .select_related("prescriber", "authorization"))


def request_for_htc(*, htc: HTC, pk: int) -> AuthorizationRequest:
    """One request of the HTC, or 404: another HTC's request does not exist here."""
    return get_object_or_404(requests_for_htc(htc), pk=pk)


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
                          "status": auth.status_on(timezone.localdate())} if auth else None,
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


@dataclass(frozen=True)
class AnswerGroup:
    step: str
    title: str
    edit_url: str
    rows: list[AnswerRow]


def answer_groups(answers: dict[str, Any], steps: list[tuple[str, Any, str]]
                  ) -> list[AnswerGroup]:
    """The asked questions of each step with their answers, for "check your
    answers". `steps` holds (step name, form class, edit URL)."""
    groups = []
    for step, form_class, url in steps:
        rows = []
        for key in policy.step_keys(step):
            q = QUESTION_BY_KEY[key]
            if not q.is_asked(answers):
                continue
            answered = key in answers
            rows.append(AnswerRow(key, q.label, display_answer(key, answers.get(key))
                                  if answered else "Not answered yet", answered))
        groups.append(AnswerGroup(step, form_class.title, url, rows))
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
    return [CriterionRow(r["id"], _criterion_name(r["id"]), r["status"],
                         STATUS_LABELS[r["status"]], r["reason"], r["text"]) for r in results]


def _criterion_name(criterion_id: str) -> str:
    criterion = policy.CRITERION_BY_ID.get(criterion_id)
    return criterion.name if criterion else criterion_id


@dataclass(frozen=True)
class Preview:
    """The live criteria result shown before submitting."""

    outcome: str | None
    criteria: list[CriterionRow]
    unmet: list[CriterionRow]
    problems: list[tuple[str, str]]  # (question, what is wrong)


def review_preview(req: AuthorizationRequest) -> Preview:
    try:
        evaluation = services.evaluate_request(req)
    except policy.InvalidCase as exc:
        return Preview(None, [], [], [
            (QUESTION_BY_KEY[p.key].label if p.key in QUESTION_BY_KEY else p.key, p.message)
            for p in exc.problems])
    rows = criterion_rows([r.as_dict() for r in evaluation.results])
    return Preview(evaluation.outcome, rows, [r for r in rows if r.status == policy.UNMET], [])


@dataclass(frozen=True)
class DoseSummary:
    weight: str
    label_dose: str
    total: str
    volume_ml: str
    vials: int
    beyond_largest_kit: bool
    largest_kit: int


def dose_summary(answers: dict[str, Any]) -> DoseSummary | None:
    """The label dose for the entered weight, or None before a weight is given."""
    weight = answers.get("weight_kg")
    if weight is None:
        return None
    plan = policy.dose_plan(number_from_json(weight))
    volume = plan.volume_ml.normalize()
    return DoseSummary(
        weight=display_answer("weight_kg", weight),
        label_dose=scientific(policy.LABEL_DOSE_GC_PER_KG),
        total=scientific(plan.total_gc),
        volume_ml=format(volume, "f"),
        vials=plan.vials,
        beyond_largest_kit=plan.beyond_largest_kit,
        largest_kit=policy.LARGEST_KIT_VIALS,
    )


def dashboard_rows(htc: HTC) -> list[AuthorizationRequest]:
    return list(requests_for_htc(htc).order_by("-updated_at"))
