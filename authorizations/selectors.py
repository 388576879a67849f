"""Reads for the prescriber's pages: querysets scoped to the prescriber's HTC,
and the plain values the templates print (templates compute nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from . import policy, services
from .models import HTC, AuthorizationRequest, Determination
from .policy import QUESTION_BY_KEY

CRITERION_NAMES: dict[str, str] = {
    "age": "Age",
    "diagnosis": "Diagnosis",
    "severity": "Severity and factor IX activity",
    "prophylaxis": "Current prophylaxis",
    "no_combination_prophylaxis": "No routine prophylaxis after treatment",
    "inhibitor_history": "Inhibitor history",
    "inhibitor_screen": "Inhibitor screen",
    "immune_tolerance_induction": "Immune Tolerance Induction",
    "liver_health": "Liver health",
    "aav5_antibodies": "AAV5 antibodies",
    "hiv": "HIV",
    "hepatitis_b": "Hepatitis B",
    "hepatitis_c": "Hepatitis C",
    "hepatitis_antiviral_therapy": "Hepatitis antiviral therapy",
    "prior_gene_therapy": "Prior gene therapy",
    "lifetime_limit": "One treatment per lifetime",
    "prescriber_htc": "Prescriber and HTC",
    "dosing": "Dosing",
    "monitoring_attestation": "Monitoring attestation",
    "alcohol_counseling_attestation": "Alcohol counseling attestation",
    "no_inpatient_admission": "No inpatient admission",
}

STATUS_LABELS = {policy.MET: "Met", policy.UNMET: "Not met",
                 policy.NOT_APPLICABLE: "Not applicable"}


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
    """The request as exported JSON: the data dictionary's answers and outcome."""
    auth = authorization_or_none(req)
    return {
        "answers": req.answers,
        "outcome": req.outcome or None,
        "unmet": req.unmet,
        "status": req.status,
        "policy": req.policy_version,
        "authorization": {"number": auth.number, "start": auth.start_date.isoformat(),
                          "end": auth.end_date.isoformat()} if auth else None,
    }


# --------------------------------------------------------------------------
# Values as shown to people.
# --------------------------------------------------------------------------

def format_gc(total: Decimal) -> str:
    """2E+13 -> "2 x 10^13" (plain text, also read well by screen readers)."""
    mantissa, exponent = f"{total:.3e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa} × 10^{int(exponent)}"


def display_answer(key: str, value: Any) -> str:
    q = QUESTION_BY_KEY[key]
    if key == "aav5_nab_titer":
        # Null or 0 means not detected; a titer reads as a ratio, 678 -> 1:678.
        return f"1:{value}" if value else "Not detected"
    if value is None:
        return "Not answered"
    if q.kind == "bool":
        return "Yes" if value else "No"
    if q.kind == "choice":
        return q.choice_label(value)
    if key == "fix_activity_percent":
        return f"{value}% of normal"
    if key == "weight_kg":
        return f"{value} kg"
    if key == "dose_gc_per_kg":
        return f"{format_gc(Decimal(str(value)))} genome copies per kg"
    if q.kind == "date":
        return date.fromisoformat(value).strftime("%B %-d, %Y")
    return str(value)


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
        for key in (*form_class.keys, *getattr(form_class, "derived", ())):
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
    return [CriterionRow(r["id"], CRITERION_NAMES.get(r["id"], r["id"]), r["status"],
                         STATUS_LABELS[r["status"]], r["reason"], r["text"]) for r in results]


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
    plan = policy.dose_plan(Decimal(str(weight)))
    volume = plan.volume_ml.normalize()
    return DoseSummary(
        weight=display_answer("weight_kg", weight),
        label_dose=format_gc(policy.LABEL_DOSE_GC_PER_KG),
        total=format_gc(plan.total_gc),
        volume_ml=format(volume, "f"),
        vials=plan.vials,
        beyond_largest_kit=plan.beyond_largest_kit,
        largest_kit=policy.LARGEST_KIT_VIALS,
    )


def dashboard_rows(htc: HTC) -> list[AuthorizationRequest]:
    return list(requests_for_htc(htc).order_by("-updated_at"))
