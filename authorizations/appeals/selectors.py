"""What the appeal pages print: the denial's reasons, the time left to appeal,
and each appeal's state and clock (the prescriber's page and the admin)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from authorizations.appeals.services import appeal_deadline, appeal_refusal, denial_of
from authorizations.core import deadlines, zones
from authorizations.core.formats import page_datetime
from authorizations.models import Appeal, AuthorizationRequest, Determination
from authorizations.policy.values import long_date
from authorizations.requests.selectors import criterion_name


def when(value: datetime | None) -> str:
    """November 28, 2026, 9:05 AM EST, in local time (the pages' format)."""
    return page_datetime(value)


def denial_reasons(determination: Determination | None) -> list[str]:
    """The denial's reasons as its letter gives them: the chosen criteria with
    why each was not met, then the reviewer's own words."""
    if determination is None:
        return []
    why = {row["id"]: row["reason"] for row in determination.trace}
    out = []
    for reason in determination.reasons.all():
        if reason.criterion:
            detail = why.get(reason.criterion, "")
            out.append(f"{criterion_name(reason.criterion)}: {detail}" if detail
                       else criterion_name(reason.criterion))
        else:
            out.append(reason.text)
    return out


@dataclass(frozen=True)
class AppealOffer:
    """A denial that can be appealed today, and until when."""

    deadline: str
    reasons: list[str]
    rationale: str
    denied_on: str
    denied_by: str


def request_by_number(number: str) -> AuthorizationRequest | None:
    """The request a reviewer names by its number (PA-0000012, or 12)."""
    match = re.fullmatch(r"(?:PA-?)?0*(\d{1,9})", number.strip().upper())
    return AuthorizationRequest.objects.filter(pk=int(match.group(1))).first() \
        if match else None


def appeal_offer(req: AuthorizationRequest, today: date | None = None) -> AppealOffer | None:
    today = today or zones.today()
    if appeal_refusal(req, today):
        return None
    denial = denial_of(req)
    return AppealOffer(deadline=long_date(appeal_deadline(denial)),
                       reasons=denial_reasons(denial), rationale=denial.rationale,
                       denied_on=long_date(zones.service_date(denial.created_at)),
                       denied_by=denial.decided_by_name)


@dataclass(frozen=True)
class AppealRow:
    obj: Appeal
    filed: str
    filed_by: str
    clock: str
    due: str
    overdue: bool
    state: str
    decided: str


def appeal_row(appeal: Appeal, now: datetime | None = None) -> AppealRow:
    now = now or timezone.now()
    user = appeal.filed_by
    receipt = getattr(appeal, "receipt", None)
    filed_by = user.get_full_name() or user.get_username()
    if receipt is not None:
        # A reviewer typed in what the member (or their representative) sent.
        sender = f"{receipt.representative_name} (the member's authorized representative)" \
            if receipt.representative_name else "the member"
        via = receipt.get_received_via_display().split(" (")[0].lower()
        filed_by = f"{sender}, by {via}; recorded by {filed_by}"
    return AppealRow(
        obj=appeal, filed=when(appeal.filed_at), filed_by=filed_by,
        clock=f"{deadlines.EXPEDITED_APPEAL_WORDS} (expedited)" if appeal.expedited
        else f"{deadlines.STANDARD_APPEAL_WORDS} (standard)",
        due=when(appeal.due_at), overdue=appeal.is_overdue(now), state=appeal.state,
        decided=when(appeal.decided_at))


def appeal_rows(req: AuthorizationRequest) -> list[AppealRow]:
    now = timezone.now()
    return [appeal_row(a, now) for a in req.appeals.select_related("filed_by")]


def export_appeals(req: AuthorizationRequest) -> list[dict]:
    """The request's appeals in export.json (data dictionary, section 5):
    outcome null while open."""
    return [{"filed_at": a.filed_at.isoformat(), "expedited": a.expedited,
             "due_at": a.due_at.isoformat(), "outcome": a.outcome or None,
             "decided_at": a.decided_at.isoformat() if a.decided_at else None}
            for a in req.appeals.order_by("filed_at", "id")]
