"""What the request's admin page and queue print beside the fields: the
answers by step, the criteria, the audit rows, times and the clock in hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from authorizations import policy
from authorizations.core import deadlines
from authorizations.models import AuthorizationRequest, Determination
from authorizations.policy.values import long_date
from authorizations.requests import selectors
from authorizations.requests.selectors import STATUS_LABELS
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
    return selectors.answer_groups(req.answers, steps, as_of=as_of)


def criteria_rows(determination: Determination | None) -> list[dict[str, str]]:
    if determination is None:
        return []
    rows = [{"id": row["id"], "name": selectors.criterion_name(row["id"]),
             "text": row["text"], "reason": row["reason"],
             "status": row["status"], "status_label": STATUS_LABELS.get(row["status"],
                                                                        row["status"])}
            for row in determination.trace]
    # What is not met first (what the reviewer decides on), then in policy order.
    return sorted(rows, key=lambda row: row["status"] != policy.UNMET)


def detail_text(detail: dict[str, Any]) -> str:
    """An audit row's detail as words: `unmet: age, hiv; status: pending_review`."""
    parts = []
    for key, value in detail.items():
        if isinstance(value, list):
            value = ", ".join(map(str, value)) or "none"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def audit_rows(events) -> list[dict[str, Any]]:
    return [{"event": event, "detail": detail_text(event.detail)} for event in events]


def short_datetime(value: datetime | None) -> str:
    # Dates read one way everywhere: "November 28, 2026, 9:05 AM EST", as
    # core/formats.page_datetime writes them, in the viewer's zone.
    return f"{long_date(timezone.localtime(value).date())}, " \
           f"{timezone.localtime(value):%-I:%M %p %Z}" if value else "-"


def waiting_hours(req: AuthorizationRequest, now: datetime) -> int | None:
    if req.submitted_at is None:
        return None
    end = req.decided_at or now
    return int((end - req.submitted_at).total_seconds() // 3600)


def turnaround_hours(req: AuthorizationRequest) -> int:
    return deadlines.turnaround(expedited=req.expedited) // timedelta(hours=1)
