"""Validation of a case against the data dictionary (version 3) and its
evaluation, criterion by criterion.

`validate` turns JSON-like answers into typed ones (exact Decimals, LabValues,
dates) and reports every problem at once, each naming its key. `evaluate_answers`
judges typed answers and raises the review flags that the answers alone
decide (flags.py); the facts that need the database (lifetime_limit and the
other review flags) are passed in by the caller, so this package never
imports Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from authorizations.policy import kinds
from authorizations.policy.flags import FlagReason, raised
from authorizations.policy.messages import NOT_APPLICABLE as NOT_APPLICABLE_REASON
from authorizations.policy.questions import QUESTION_BY_KEY, QUESTIONS, Question
from authorizations.policy.rules import Criterion, Facts
from authorizations.policy.values import LabValue

MEETS_CRITERIA = "meets_criteria"
NOT_MET = "not_met"

MET = "met"
UNMET = "not_met"
NOT_APPLICABLE = "not_applicable"
STATUS_LABELS = {MET: "Met", UNMET: "Not met", NOT_APPLICABLE: "Not applicable"}

# The member ID's characters (kinds.MemberIdKind); its length is the question's.
MEMBER_ID_RE = kinds.MemberIdKind.PATTERN


@dataclass(frozen=True)
class Problem:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class InvalidCase(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _coerce(q: Question, value: Any, as_of: date, scheduling: bool = True) -> Any:
    """The typed value, or kinds.Refusal (a ValueError) with the engine's
    message: the kind's JSON reading and its limits, the same the forms check.
    `scheduling`: a planned date may not be before `as_of` (see validate)."""
    return kinds.of(q).read_json(q, value, kinds.Limits(as_of, scheduling))


def check_answer(q: Question, value: Any, *, as_of: date) -> Any:
    """One answer typed as `validate` types it (for a partial draft, e.g. an
    imported QuestionnaireResponse). Raises ValueError with a message."""
    return _coerce(q, value, as_of)


def validate(case: Any, *, as_of: date, scheduling: bool = True) -> dict[str, Any]:
    """Check a case against the data dictionary; return its typed answers.

    Every problem is reported at once (InvalidCase.problems), each naming its
    key. Questions are visited in dictionary order, so a question's condition
    is judged on answers already validated. A question that is not asked
    must be absent or null: an answer there (a titer with "not detected", an
    HCV RNA with a negative antibody) is a contradiction, reported by its key,
    never silently dropped. It comes back as None.

    `as_of` is the evaluation date. `scheduling=False` leaves out the one
    check that belongs to a submission or resubmission only: a planned
    infusion date not before the evaluation date (a reviewer deciding after
    the planned day re-reads the answers without it).
    """
    if not isinstance(case, Mapping):
        raise InvalidCase([Problem("(case)", "must be a JSON object of answers")])
    problems = [Problem(str(k)[:60], "is not a known answer key") for k in case
                if k not in QUESTION_BY_KEY]
    answers: dict[str, Any] = {}
    broken: set[str] = set()
    for q in QUESTIONS:
        # A condition that depends on a broken answer cannot be judged; say
        # nothing more about this question rather than guess.
        if q.asked_when and q.asked_when.key in broken:
            broken.add(q.key)
            answers[q.key] = None
            continue
        asked = q.is_asked(answers)
        value = case.get(q.key)
        if value is None:
            if asked and not q.nullable:
                why = f" when {q.asked_when.description}" if q.asked_when else ""
                problems.append(Problem(q.key, f"is required{why}"))
                broken.add(q.key)
            answers[q.key] = None
            continue
        if not asked:
            assert q.asked_when is not None  # a question without a condition is always asked
            problems.append(Problem(q.key, f"must be empty: it is asked only when "
                                           f"{q.asked_when.description}"))
            answers[q.key] = None
            continue
        try:
            answers[q.key] = _coerce(q, value, as_of, scheduling)
        except ValueError as exc:
            problems.append(Problem(q.key, str(exc)))
            broken.add(q.key)
            answers[q.key] = None
    born = answers.get("date_of_birth")
    for q in QUESTIONS:
        if q.kind == kinds.TestDateKind.name and born and answers.get(q.key) and \
                (refusal := kinds.TestDateKind.born_before(q, answers[q.key], born)):
            problems.append(Problem(q.key, str(refusal)))
    if problems:
        raise InvalidCase(problems)
    return answers


def to_json(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Typed answers as JSON values: dates as ISO text, lab values below N as
    "<N", decimals stay exact Decimals (written as JSON numbers by
    values.ExactJSONEncoder; never a float)."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, LabValue):
            value = value.to_json()
        if isinstance(value, Decimal) and value == value.to_integral_value() \
                and abs(value) < 10**15:
            value = int(value)
        out[key] = value
    return out


class CriterionResult(NamedTuple):
    """One criterion's result. Immutable, as a named tuple: one per criterion
    per evaluation, and cheaper to create than a frozen dataclass."""

    id: str
    status: str  # met | not_met | not_applicable
    reason: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status, "reason": self.reason, "text": self.text}


@dataclass(frozen=True)
class Evaluation:
    outcome: str
    unmet: list[str]
    results: list[CriterionResult]
    policy: str
    review_flags: list[str] = field(default_factory=list)  # sorted IDs
    flag_reasons: list[FlagReason] = field(default_factory=list)  # which result, how old

    @property
    def approvable(self) -> bool:
        """Software approves only when every criterion is met and no flag is raised."""
        return self.outcome == MEETS_CRITERIA and not self.review_flags

    def as_dict(self, *, trace: bool = False) -> dict[str, Any]:
        """The evaluator's output (data dictionary, section 3)."""
        out: dict[str, Any] = {"outcome": self.outcome, "unmet": self.unmet,
                               "review_flags": self.review_flags, "policy": self.policy}
        if trace:
            out["criteria"] = [r.as_dict() for r in self.results]
            out["review_flag_reasons"] = [r.as_dict() for r in self.flag_reasons]
        return out


def _sentence(reasons: Iterable[str]) -> str:
    text = "; ".join(reasons)
    return text[:1].upper() + text[1:]


def judge(criteria: Iterable[Criterion], policy_number: str, answers: Mapping[str, Any],
          facts: Facts, review_flags: Iterable[str | FlagReason]) -> Evaluation:
    """Evaluate typed answers (from `validate`) under one version's criteria.
    `review_flags` are the database's flags (IDs, or FlagReasons with a reason
    of their own); the answers' own are added here, whatever the outcome."""
    results = []
    for criterion in criteria:
        if not criterion.applies(answers):
            results.append(CriterionResult(criterion.id, NOT_APPLICABLE, NOT_APPLICABLE_REASON,
                                           criterion.text))
            continue
        verdict = criterion.rule.judge(answers, facts)
        results.append(CriterionResult(criterion.id, MET if verdict.ok else UNMET,
                                       _sentence(verdict.reasons), criterion.text))
    unmet = sorted(r.id for r in results if r.status == UNMET)
    reasons = raised(answers, as_of=facts.as_of, db_flags=list(review_flags))
    return Evaluation(outcome=NOT_MET if unmet else MEETS_CRITERIA, unmet=unmet,
                      results=results, policy=policy_number,
                      review_flags=sorted({r.flag for r in reasons}), flag_reasons=reasons)
