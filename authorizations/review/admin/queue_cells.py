"""The work queue's cells as HTML text, each value escaped as Django's
`escape` does (html.escape): written for the 50 rows of every view of the
queue, where the admin's per-cell machinery (quick_html's and mark_safe's
checks, conditional_escape of each cell) cost more than the cells
(docs/benchmarks.md, the desk). queue.py's columns (QueueColumns) return
these marked safe; its table() writes the rows with them directly.
tests/review/admin/test_queue_rows.py holds them to format_html's output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from authorizations.models import OPEN_STATUSES, Outcome, Status
from authorizations.requests import selectors

# The review flags as badges: a few letters each, the full reason beside them
# for screen readers and on hover.
FLAG_BADGES = {
    "possible_duplicate_member": "Duplicate?",
    "reauthorization": "Re-auth",
    "evidence_not_recent": "Old evidence",
    "dose_over_largest_kit": "Dose > kit",
    "documentation_missing": "No docs",
    "eligibility_not_verified": "Eligibility",
}

# The choices' labels (get_status_display rebuilds the choices each call).
STATUS_LABELS = dict(Status.choices)
OUTCOME_LABELS = dict(Outcome.choices)


@dataclass(frozen=True)
class Page:
    """What every row of one page shares: the clock, read once, the page's
    date-and-time writer (core/formats.PageTimes) and the list's URL (the
    case's and the claim's routes are "<pk>/change/" and "<pk>/claim/" under
    it: no reverse() per row)."""

    now: datetime
    page_time: Callable[[datetime], str]
    base: str


def relative(due: datetime, now: datetime) -> str:
    """"in 5 h", "in 2 days", "8 h late": whole hours below two days."""
    seconds = (due - now).total_seconds()
    hours = int(abs(seconds) // 3600)
    amount = f"{hours} h" if hours < 48 else f"{hours // 24} days"
    if seconds >= 0:
        return f"in {amount}" if hours else "within the hour"
    return f"{amount} late" if hours else "just late"


def number_link(obj: Any, page: Page) -> str:
    # A request's number is "PA-" and digits, its pk an integer: nothing to escape.
    return f'<a href="{page.base}{obj.pk}/change/">{obj.number}</a>'


def state(obj: Any, page: Page) -> str:
    return (f"{escape(str(STATUS_LABELS.get(obj.status, obj.status)))}<br><small>"
            f"{escape(str(OUTCOME_LABELS.get(obj.outcome, obj.outcome)))}</small>")


def member(obj: Any, page: Page) -> str:
    return f"{escape(obj.patient_name)}<br><small>{escape(obj.member_id)}</small>"


def htc_short(obj: Any, page: Page) -> str:
    # City and state; the full name is on the case's page and on hover.
    htc = obj.htc
    return f'<span title="{escape(htc.name)}">{escape(htc.city)}, {escape(htc.state)}</span>'


def time_left(obj: Any, page: Page) -> str:
    """The time left, the date in a title and, for screen readers, in words."""
    if obj.status not in OPEN_STATUSES:
        if obj.decided_at is None:
            return ""
        when = escape(page.page_time(obj.decided_at))
        late = "late" if obj.is_overdue(page.now) else "on time"
        return (f'Decided <time datetime="{obj.decided_at.isoformat()}" title="{when}">{late}'
                f'</time><span class="visually-hidden"> on {when}</span>')
    if obj.due_at is None:
        return ""
    when = escape(page.page_time(obj.due_at))
    late = obj.due_at < page.now
    label = "Information" if obj.status == Status.INFORMATION_REQUESTED else ""
    label = f"{label} overdue:" if late else f"{label} due"
    label = label.strip().capitalize()
    return (f'<span class="{"review-overdue" if late else ""}">{label} <time datetime="'
            f'{obj.due_at.isoformat()}" title="{when}">{relative(obj.due_at, page.now)}</time>'
            f'</span><span class="visually-hidden"> ({when})</span>')


def owner_display(obj: Any, page: Page) -> str:
    if obj.owner is not None:
        return escape(obj.owner.get_full_name() or obj.owner.get_username())
    if obj.status not in OPEN_STATUSES:
        return "-"
    # The list is one form (the admin's, with its CSRF token): the button
    # posts it to the claim view, then the queue's unassigned cases again.
    return (f'Unassigned <button type="submit" class="review-claim" formaction="{page.base}'
            f'{obj.pk}/claim/" name="next" value="{page.base}?view=unassigned" '
            f'formnovalidate>Claim<span class="visually-hidden"> {obj.number}</span></button>')


def badge(text: str, full: str, kind: str) -> str:
    full = escape(full)
    return (f'<span class="review-badge review-badge-{kind}" title="{full}">{escape(text)}'
            f'</span><span class="visually-hidden">: {full}</span>')


def badges(obj: Any, page: Page) -> str:
    parts = []
    if obj.unmet:
        names = [selectors.criterion_name(c) for c in obj.unmet]
        parts.append(badge(f"{len(names)} unmet", "; ".join(names), "unmet"))
    flags = obj.review_flags or []
    texts = dict(zip(flags, selectors.flag_texts(obj), strict=False)) if flags else {}
    for flag in flags:
        parts.append(badge(FLAG_BADGES.get(flag, flag.replace("_", " ")),
                           texts.get(flag, flag.replace("_", " ")), "flag"))
    if obj.status == Status.PENDING_REVIEW and getattr(obj, "responded", False):
        # What "Information received" lists, shown in every view.
        parts.append(badge("Response", "The prescriber responded to a request for "
                           "information", "response"))
    if getattr(obj, "exception_pending", False):
        parts.append(badge("Exception pending", "An exception awaits a second reviewer's "
                           "signature", "exception"))
    return " ".join(parts)


# By list_display's name: what table() writes without the ModelAdmin's column.
CELLS: dict[str, Callable[[Any, Page], str]] = {
    "number_link": number_link, "state": state, "member": member, "htc_short": htc_short,
    "time_left": time_left, "owner_display": owner_display, "badges": badges}
