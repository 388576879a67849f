"""Policy versions. A version has a number, a title, an effective date and its
criteria (and questions). A request is evaluated under the version in effect
on the day it is evaluated, and records that version's number; a new version
of the policy is a new module beside criteria.py that builds a PolicyVersion
and registers it here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from authorizations.policy import criteria, questions
from authorizations.policy.evaluation import Evaluation, judge, validate
from authorizations.policy.flags import FlagReason
from authorizations.policy.rules import Criterion, Facts


@dataclass(frozen=True)
class PolicyVersion:
    number: str
    title: str
    effective: date
    criteria: tuple[Criterion, ...]
    questions: tuple[questions.Question, ...] = questions.QUESTIONS

    def evaluate_answers(self, answers: Mapping[str, Any], *, as_of: date, lifetime_used: bool,
                         review_flags: Iterable[str | FlagReason]) -> Evaluation:
        return judge(self.criteria, self.number, answers,
                     Facts(as_of=as_of, lifetime_used=lifetime_used), review_flags)


CURRENT = PolicyVersion(
    number="2026D0120K",
    title="Hemgenix (Etranacogene Dezaparvovec-Drlb)",
    effective=date(2026, 6, 1),
    criteria=criteria.CRITERIA,
)

_REGISTRY: list[PolicyVersion] = [CURRENT]


def register(version: PolicyVersion) -> None:
    """Add a version (a new policy module calls this on import)."""
    if any(v.number == version.number for v in _REGISTRY):
        raise ValueError(f"policy {version.number} is registered already")
    _REGISTRY.append(version)
    _REGISTRY.sort(key=lambda v: v.effective)


def unregister(number: str) -> None:
    """Remove a version (tests register made-up versions and remove them)."""
    _REGISTRY[:] = [v for v in _REGISTRY if v.number != number]


def versions() -> tuple[PolicyVersion, ...]:
    """Every version this service knows, newest first."""
    return tuple(reversed(_REGISTRY))


def version_for(day: date) -> PolicyVersion:
    """The version in effect on `day` (the earliest one before any took effect)."""
    in_effect = [v for v in _REGISTRY if v.effective <= day]
    return in_effect[-1] if in_effect else _REGISTRY[0]


def version_named(number: str) -> PolicyVersion:
    for version in _REGISTRY:
        if version.number == number:
            return version
    raise KeyError(f"unknown policy version {number}")


def evaluate_answers(answers: Mapping[str, Any], *, as_of: date, lifetime_used: bool,
                     review_flags: Iterable[str | FlagReason], version: PolicyVersion | None = None
                     ) -> Evaluation:
    """Evaluate typed answers (from `validate`). Every fact is required: an
    unknown lifetime fact or flag must never pass for "none"."""
    version = version or version_for(as_of)
    return version.evaluate_answers(answers, as_of=as_of, lifetime_used=lifetime_used,
                                    review_flags=review_flags)


def evaluate(case: Any, *, as_of: date, lifetime_used: bool,
             review_flags: Iterable[str | FlagReason],
             version: PolicyVersion | None = None) -> Evaluation:
    """Validate a raw (JSON-like) case and evaluate it. Raises InvalidCase."""
    answers = validate(case, as_of=as_of)
    return evaluate_answers(answers, as_of=as_of, lifetime_used=lifetime_used,
                            review_flags=review_flags, version=version)
