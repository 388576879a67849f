"""The small vocabulary the criteria are written in: all-of / any-of trees
over checks that explain themselves either way, and the facts besides the
answers that some checks need. Unknown is never met: a check that meets None
says "not answered" and fails."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from authorizations.policy.messages import NOT_ANSWERED, say

Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Facts:
    """What the rules need besides the answers; the caller supplies each one
    (no defaults: an unknown fact must never pass for a harmless one)."""

    as_of: date
    # For the member key: a recorded infusion, or a live authorization
    # (approved, not expired, not cancelled). Feeds lifetime_limit.
    lifetime_used: bool


class Verdict(NamedTuple):
    """A rule's answer and why. A named tuple, not a frozen dataclass: the
    evaluator makes one per check (about 30 a case), and a frozen dataclass
    costs ten times as much to create (docs/benchmarks.md, the evaluator)."""

    ok: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """A leaf: a test over the answers that explains itself either way."""

    test: Callable[[Answers, Facts], tuple[bool, str]]

    def judge(self, a: Answers, facts: Facts) -> Verdict:
        ok, reason = self.test(a, facts)
        return Verdict(ok, (reason,))


@dataclass(frozen=True)
class AllOf:
    """"All of the following" / "Both of the following": stops at the first
    unmet part, which is then the reason (the later parts may not be asked)."""

    parts: tuple[Node, ...]

    def judge(self, a: Answers, facts: Facts) -> Verdict:
        reasons: list[str] = []
        for part in self.parts:
            verdict = part.judge(a, facts)
            if not verdict.ok:
                return Verdict(False, verdict.reasons)
            reasons.extend(verdict.reasons)
        return Verdict(True, tuple(reasons))


@dataclass(frozen=True)
class AnyOf:
    """"One of the following": met by the first part met; when none is, every
    part's reason counts."""

    parts: tuple[Node, ...]

    def judge(self, a: Answers, facts: Facts) -> Verdict:
        reasons: list[str] = []
        for part in self.parts:
            verdict = part.judge(a, facts)
            if verdict.ok:
                return verdict
            reasons.extend(verdict.reasons)
        return Verdict(False, tuple(reasons))


Node = Check | AllOf | AnyOf


def always(answers: Answers) -> bool:
    return True


@dataclass(frozen=True)
class Criterion:
    id: str  # the data dictionary's criterion ID
    name: str  # a short name for lists and tables
    text: str  # the policy's own words
    rule: Node
    # When False the criterion is "not applicable" (severity for a diagnosis
    # other than hemophilia B: only `diagnosis` is unmet then).
    applies: Callable[[Answers], bool] = field(default=always)
    # The "unproven and not medically necessary" item this criterion also
    # enforces, in the policy's words; letters quote it beside the criterion.
    exclusion: str = ""
    documentation: str = ""  # what could resolve it when not met


def yes(key: str, when_yes: str, when_no: str) -> Check:
    """Met on an explicit True only."""
    return Check(lambda a, f: (a.get(key) is True,
                               when_yes if a.get(key) is True else _or_unknown(a, key, when_no)))


def no(key: str, when_yes: str, when_no: str) -> Check:
    """Met on an explicit False only (unknown never counts as no)."""
    return Check(lambda a, f: (a.get(key) is False,
                               when_no if a.get(key) is False else _or_unknown(a, key, when_yes)))


def equals(key: str, value: str, ok: str, bad: str) -> Check:
    return Check(lambda a, f: (a.get(key) == value,
                               ok if a.get(key) == value else _or_unknown(a, key, bad)))


def _or_unknown(a: Answers, key: str, text: str) -> str:
    return say(NOT_ANSWERED, answer=key.replace("_", " ")) if a.get(key) is None else text
