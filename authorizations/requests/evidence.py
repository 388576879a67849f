"""The review step's evidence checklist, a selector (reads only): before
submitting, the documents the policy asks for and whether each is attached,
and every result that submitting now would flag as not recent, with its age
and what to do. It says in advance what `documentation_missing` and
`evidence_not_recent` will say after (policy/flags.py decides both); a
submission with flags is still allowed and goes to a clinical reviewer.

Kept apart from selectors.py, which is near the size limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from authorizations import policy
from authorizations.core import zones
from authorizations.models import AuthorizationRequest
from authorizations.policy import flags
from authorizations.policy.values import long_date
from authorizations.requests import facts


@dataclass(frozen=True)
class DocumentCheck:
    name: str  # "Factor IX lab report"
    policy_words: str
    attached: bool


@dataclass(frozen=True)
class StaleResult:
    """A result older than its window on the day of a submission now."""

    key: str
    what: str  # "inhibitor screen"
    tested_on: str
    days: int
    window: int
    todo: str
    step_title: str
    step_url: str


@dataclass(frozen=True)
class EvidenceChecklist:
    documents: list[DocumentCheck]
    stale: list[StaleResult]
    documents_url: str
    as_of: str

    @property
    def missing(self) -> list[DocumentCheck]:
        return [d for d in self.documents if not d.attached]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.stale


def _test_dates(answers: dict[str, Any]) -> dict[str, date]:
    """The asked test dates of EVIDENCE_WINDOWS that read as dates; an
    unreadable one is left to the wizard's own checks (it is not flagged)."""
    out = {}
    for key, _, _ in flags.EVIDENCE_WINDOWS:
        value = answers.get(key)
        if not isinstance(value, str) or not policy.QUESTION_BY_KEY[key].is_asked(answers):
            continue
        try:
            out[key] = date.fromisoformat(value)
        except ValueError:
            continue
    return out


def stale_results(req: AuthorizationRequest, as_of: date) -> list[StaleResult]:
    """Every result `evidence_not_recent` would name if submitted on `as_of`."""
    what = {key: name for key, name, _ in flags.EVIDENCE_WINDOWS}
    rows = []
    for reason in flags.old_evidence(_test_dates(req.answers), as_of):
        step = policy.QUESTION_BY_KEY[reason.key].step
        rows.append(StaleResult(
            key=reason.key, what=what[reason.key],
            tested_on=long_date(date.fromisoformat(req.answers[reason.key])),
            days=reason.days or 0, window=reason.window or 0,
            todo=flags.evidence_remedy(reason.key), step_title=policy.STEP_TITLES[step],
            step_url=reverse("request_step", args=[req.pk, step])))
    return rows


def evidence_checklist(req: AuthorizationRequest, *, back: str = "",
                       as_of: date | None = None) -> EvidenceChecklist:
    """The checklist of a draft on `as_of` (today: the day a submission now
    would be evaluated). `back`: the page the documents page returns to."""
    as_of = as_of or zones.today()
    attached = facts.attached_kinds(req)
    documents_url = reverse("request_documents", args=[req.pk])
    if back:
        documents_url = f"{documents_url}?{urlencode({'next': back})}"
    return EvidenceChecklist(
        documents=[DocumentCheck(doc.name[:1].upper() + doc.name[1:], doc.policy_words,
                                 doc.kind in attached) for doc in policy.REQUIRED_DOCUMENTS],
        stale=stale_results(req, as_of),
        documents_url=documents_url,
        as_of=long_date(as_of))
