"""What the request's admin page and queue print beside the fields: the
answers by step, times and the clock in hours (the criteria
with their evidence are review/evidence.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from authorizations.core import deadlines
from authorizations.models import AuthorizationRequest
from authorizations.requests import selectors
from authorizations.requests.wizard import REVIEW as REVIEW_STEP
from authorizations.requests.wizard import STEPS as WIZARD_STEPS


def answer_groups(req: AuthorizationRequest) -> list[selectors.AnswerGroup]:
    """The answers by wizard step, as the prescriber's review shows them, test
    dates with their age at submission; the prescriber's facts last."""
    # The submission's day where the service is, not where the viewer is.
    as_of = timezone.localdate(req.submitted_at, timezone.get_default_timezone()) \
        if req.submitted_at else None
    steps = [(step, "") for step, _form in WIZARD_STEPS if step != REVIEW_STEP]
    steps.append(("prescriber", ""))
    return selectors.answer_groups(req.answers, steps, as_of=as_of,
                                   origins=req.answer_origins)


def waiting_hours(req: AuthorizationRequest, now: datetime) -> int | None:
    if req.submitted_at is None:
        return None
    end = req.decided_at or now
    return int((end - req.submitted_at).total_seconds() // 3600)


def turnaround_hours(req: AuthorizationRequest) -> int:
    return deadlines.turnaround(expedited=req.expedited) // timedelta(hours=1)
