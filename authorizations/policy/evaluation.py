"""Validation of a case against the data dictionary (version 2) and its
evaluation, criterion by criterion.

`validate` turns JSON-like answers into typed ones (exact Decimals, LabValues,
dates) and reports every problem at once, each naming its key. `evaluate_answers`
judges typed answers; the facts that need the database (lifetime_limit) and
the review flags are passed in by the caller, so this package never imports
Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from authorizations.policy import values
from authorizations.policy.questions import (
    EARLIEST_BIRTH_DATE,
    QUESTION_BY_KEY,
    QUESTIONS,
    Question,
)
from authorizations.policy.rules import Facts
from authorizations.policy.values import LabValue, ValueProblem

MEETS_CRITERIA = "meets_criteria"
NOT_MET = "not_met"

MET = "met"
UNMET = "not_met"
NOT_APPLICABLE = "not_applicable"
STATUS_LABELS = {MET: "Met", UNMET: "Not met", NOT_APPLICABLE: "Not applicable"}

# Review flags (data dictionary, section 4): not criteria, never in `unmet`;
# each one sends a request that meets every criterion to a person.
REVIEW_FLAGS: dict[str, str] = {
    "possible_duplicate_member": "Another member ID has an approved request or a recorded "
                                 "infusion for a patient with the same name and date of birth.",
    "reauthorization": "This member had a Hemgenix authorization that expired or was "
                       "cancelled unused.",
}

MEMBER_ID_RE = re.compile(r"^[A-Za-z0-9 -]{1,40}$")


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


def _number(q: Question, value: Any) -> Decimal:
    try:
        number = values.number_from_json(value)
    except ValueProblem as exc:
        raise ValueError(str(exc) if str(exc) != "must be a number"
                         else f"must be a number, not {_short(value)}") from None
    _check_range(q, number)
    return number


def _check_range(q: Question, number: Decimal) -> None:
    low, high = q.minimum, q.maximum
    if low is not None and (number <= low if q.minimum_exclusive else number < low):
        raise ValueError(f"must be {'more than' if q.minimum_exclusive else 'at least'} "
                         f"{values.plain(Decimal(low))}")
    if high is not None and (number >= high if q.maximum_exclusive else number > high):
        raise ValueError(f"must be {'less than' if q.maximum_exclusive else 'at most'} "
                         f"{values.plain(Decimal(high))}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) <= 20:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a date as YYYY-MM-DD, not {_short(value)}")


def _coerce(q: Question, value: Any, as_of: date) -> Any:
    """The typed value, or ValueError with a message for the user."""
    kind = q.kind
    if kind in ("text", "member_id"):
        if not isinstance(value, str):
            raise ValueError("must be text")
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > (q.max_length or 100):
            raise ValueError(f"must be at most {q.max_length} characters")
        if kind == "member_id" and (not MEMBER_ID_RE.match(value)
                                    or not values.member_key(value)):
            raise ValueError("may contain only letters, digits, dashes and spaces")
        return value
    if kind == "npi":
        if not isinstance(value, str) or not values.npi_is_valid(value.strip()):
            raise ValueError("must be a 10-digit NPI with a valid check digit")
        return value.strip()
    if kind in ("birth_date", "test_date", "date"):
        day = _date(value)
        if kind == "birth_date" and day < EARLIEST_BIRTH_DATE:
            raise ValueError("must not be before January 1, 1900")
        if kind == "birth_date" and day > as_of:
            raise ValueError(f"must not be in the future (after {values.long_date(as_of)})")
        if kind == "test_date" and day > as_of:
            raise ValueError(f"must not be after the evaluation date "
                             f"({values.long_date(as_of)})")
        return day
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind == "choice":
        allowed = [c for c, _ in q.choices]
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}, not {_short(value)}")
        return value
    if kind == "lab_value":
        try:
            lab = values.parse_lab_value(value)
        except ValueProblem as exc:
            raise ValueError(str(exc)) from None
        _check_range(q, lab.value)
        return lab
    number = _number(q, value)
    if kind in ("integer", "titer"):
        if number != number.to_integral_value():
            raise ValueError(f"must be a whole number, not {_short(value)}")
        return int(number)
    return number


def check_answer(q: Question, value: Any, *, as_of: date) -> Any:
    """One answer typed as `validate` types it (for a partial draft, e.g. an
    imported QuestionnaireResponse). Raises ValueError with a message."""
    return _coerce(q, value, as_of)


def validate(case: Any, *, as_of: date) -> dict[str, Any]:
    """Check a case against the data dictionary; return its typed answers.

    Every problem is reported at once (InvalidCase.problems), each naming its
    key. Questions are visited in dictionary order, so a question's condition
    is judged on answers already validated. A question that is not asked comes
    back as None, whatever the case held for it: it cannot count either way.
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
        try:
            typed = _coerce(q, value, as_of)
        except ValueError as exc:
            problems.append(Problem(q.key, str(exc)))
            broken.add(q.key)
            answers[q.key] = None
            continue
        answers[q.key] = typed if asked else None
    born = answers.get("date_of_birth")
    for q in QUESTIONS:
        if q.kind == "test_date" and born and answers.get(q.key) and answers[q.key] < born:
            problems.append(Problem(q.key, "must not be before the date of birth"))
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
    review_flags: list[str] = field(default_factory=list)

    @property
    def approvable(self) -> bool:
        """Software approves only when every criterion is met and no flag is raised."""
        return self.outcome == MEETS_CRITERIA and not self.review_flags

    def as_dict(self, *, trace: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome, "unmet": self.unmet,
                               "policy": self.policy}
        if trace:
            out["criteria"] = [r.as_dict() for r in self.results]
        return out


def _sentence(reasons: Iterable[str]) -> str:
    text = "; ".join(reasons)
    return text[:1].upper() + text[1:]


def judge(criteria, policy_number: str, answers: Mapping[str, Any], facts: Facts,
          review_flags: Iterable[str]) -> Evaluation:
    """Evaluate typed answers (from `validate`) under one version's criteria."""
    results = []
    for criterion in criteria:
        if not criterion.applies(answers):
            results.append(CriterionResult(criterion.id, NOT_APPLICABLE,
                                           "Not applicable: the diagnosis is not hemophilia B",
                                           criterion.text))
            continue
        verdict = criterion.rule.judge(answers, facts)
        results.append(CriterionResult(criterion.id, MET if verdict.ok else UNMET,
                                       _sentence(verdict.reasons), criterion.text))
    unmet = sorted(r.id for r in results if r.status == UNMET)
    flags = sorted(flag for flag in review_flags if flag in REVIEW_FLAGS)
    return Evaluation(outcome=NOT_MET if unmet else MEETS_CRITERIA, unmet=unmet,
                      results=results, policy=policy_number, review_flags=flags)
