"""What happened to a request, read for both sides of the conversation: the
timeline (who did what and when, from the audit log) and the requests for
information. The reviewer's admin page and the prescriber's pages print it."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Subquery, Window
from django.urls import reverse
from django.utils import timezone

from authorizations.core import deadlines
from authorizations.core.actions import AuditAction
from authorizations.core.compiled import CompiledQuery
from authorizations.core.formats import PageTimes, page_datetime
from authorizations.core.markup import Rows, quick_html
from authorizations.models import (
    AppealOutcome,
    AuditEvent,
    AuthorizationRequest,
    DocumentKind,
    InformationRequest,
    LetterKind,
    P2POutcome,
    ReceivedBy,
    Status,
)
from authorizations.policy import QUESTION_BY_KEY
from authorizations.policy.values import long_date
from authorizations.requests import selectors
from authorizations.review import conversation
from authorizations.review import selectors as review_selectors
from authorizations.review import services as review_services

LETTER_WORDS = {k.value: k.label for k in LetterKind}
# What the timeline shows, in the words of their labels (core/actions.py).
ACTIONS = (
    AuditAction.CREATE, AuditAction.SUBMIT, AuditAction.REQUEST_INFORMATION, AuditAction.RESPOND,
    AuditAction.APPROVE, AuditAction.DENY, AuditAction.APPROVE_REFUSED, AuditAction.ISSUE_LETTER,
    AuditAction.OFFER_PEER_TO_PEER, AuditAction.REQUEST_PEER_TO_PEER,
    AuditAction.SCHEDULE_PEER_TO_PEER, AuditAction.RECORD_PEER_TO_PEER,
    AuditAction.CHANGE_ANSWERS, AuditAction.EXPEDITE, AuditAction.DOCUMENT_RECEIVED,
    AuditAction.APPEAL, AuditAction.APPEAL_DECIDE,
    # Issue 21: the member's own appeal, and the mailing of the member's copies.
    AuditAction.APPEAL_RECORD, AuditAction.MAIL_MEMBER_COPY,
)


def _what(event: AuditEvent) -> str:
    detail = event.detail or {}
    action = AuditAction(event.action)
    words = action.label
    if action in (AuditAction.SUBMIT, AuditAction.RESPOND):
        status = detail.get("status", "")
        unmet = detail.get("unmet") or []
        result = ("meets every criterion" if not unmet else "not met: " +
                  ", ".join(selectors.criterion_name(c) for c in unmet))
        label = Status(status).label.lower() if status in Status.values else status
        return f"{words}; criteria result: {result}; {label}"
    if action == AuditAction.ISSUE_LETTER:
        return f"{words}: {LETTER_WORDS.get(detail.get('kind', ''), detail.get('kind', ''))}"
    if action == AuditAction.CHANGE_ANSWERS:
        return f"{words}: version {detail.get('version')}, " + ", ".join(
            QUESTION_BY_KEY[k].label for k in detail.get("keys", []) if k in QUESTION_BY_KEY)
    if action == AuditAction.EXPEDITE and detail.get("due"):
        return f"{words}; decision due {page_datetime(datetime.fromisoformat(detail['due']))}"
    if action == AuditAction.RECORD_PEER_TO_PEER and detail.get("outcome") in P2POutcome.values:
        return f"{words}: {P2POutcome(detail['outcome']).label}"
    if action == AuditAction.DOCUMENT_RECEIVED:
        how = detail.get("received_by", "")
        how = ReceivedBy(how).label.lower() if how in ReceivedBy.values else how
        day = detail.get("received_on", "")
        return f"{words}: by {how} on {long_date(date.fromisoformat(day)) if day else '-'}"
    if action == AuditAction.APPEAL:
        clock = f"expedited ({deadlines.EXPEDITED_APPEAL_WORDS})"
        return f"{words}: {clock if detail.get('expedited') else 'standard'}"
    if action == AuditAction.MAIL_MEMBER_COPY:
        day = detail.get("mailed_on", "")
        kind = LETTER_WORDS.get(detail.get("kind", ""), detail.get("kind", ""))
        return f"{words} ({kind.lower()}) on {long_date(date.fromisoformat(day)) if day else '-'}"
    if action == AuditAction.APPEAL_RECORD:
        clock = f"expedited ({deadlines.EXPEDITED_APPEAL_WORDS})"
        return f"{words}: by {detail.get('received_via', '')}, " \
               f"{clock if detail.get('expedited') else 'standard'}"
    if action == AuditAction.APPEAL_DECIDE:
        outcome = detail.get("outcome", "")
        return f"{words}: " + (AppealOutcome(outcome).label.lower()
                               if outcome in AppealOutcome.values else outcome)
    if action == AuditAction.DENY and detail.get("reasons"):
        return f"{words}: " + ", ".join(selectors.criterion_name(c) for c in detail["reasons"])
    return words


def timeline(req: AuthorizationRequest) -> list[dict[str, Any]]:
    """The prescriber's timeline, oldest first, reading people's names as the
    reviewer's does ("Dana Whitfield", "System"), not their logins."""
    events = _with_names(AuditEvent.objects
                         .filter(object_type="AuthorizationRequest", object_id=str(req.pk),
                                 action__in=list(ACTIONS))
                         .order_by("at", "id"))
    return [{"at": e.at, "who": _who(e), "what": _what(e)} for e in events]


def _with_names(events):
    """The events, each with its actor's first and last name and login (one query)."""
    actor = get_user_model().objects.filter(pk=OuterRef("actor_id"))
    return events.annotate(actor_first=Subquery(actor.values("first_name")[:1]),
                           actor_last=Subquery(actor.values("last_name")[:1]),
                           actor_login=Subquery(actor.values("username")[:1]))


def _information_of(request_id: int):
    return (InformationRequest.objects.filter(request=request_id).defer("letter_pdf")
            .order_by("paused_at", "id"))


# Both sides' pages read them, without their letters' PDFs (the pages link to
# them): compiled once per process (core/compiled.py).
INFORMATION = CompiledQuery(_information_of, "request_id")


def information_requests(req: AuthorizationRequest) -> list[InformationRequest]:
    """The request's requests for information, the first asked first."""
    return INFORMATION.instances(using=req._state.db or "default", request_id=req.pk)


def information_rows(req: AuthorizationRequest) -> list[dict[str, Any]]:
    if getattr(req, "has_information_requests", True) is False:
        return []  # read with the case (the request page's CASE_FLAGS)
    now = timezone.now()
    return [{
        "obj": ir,
        "criteria": [selectors.criterion_name(c) for c in ir.criteria],
        "document_kinds": [DocumentKind(k).label for k in ir.document_kinds
                           if k in DocumentKind.values],
        "overdue": ir.is_overdue(now),
        # The worker renders the letter after the request commits (issue 21);
        # the PDF itself is not read for the page.
        "letter_ready": bool(ir.letter_sha256),
    } for ir in information_requests(req)]


def conversation_context(req: AuthorizationRequest) -> dict:
    """The request page's part of the conversation: versions of the answers,
    peer-to-peer discussions, and the links to expedite or ask for one."""
    return {
        "versions": review_selectors.answer_versions(req),
        "discussions": review_selectors.peer_to_peer_rows(req),
        "expedite_url": reverse("request_expedite", args=[req.pk])
        if req.status in conversation.EXPEDITE_STATUSES and not req.expedited
        else "",
        # Not while the prescriber's last request for one is still to be held.
        "peer_to_peer_url": reverse("request_peer_to_peer", args=[req.pk])
        if req.status in review_services.P2P_REQUEST_STATUSES and not req.peer_to_peers.filter(
            requested_by_prescriber=True, held_at__isnull=True).exists() else "",
    }


# The reviewer's desk adds these to the admin's timeline (the prescriber's
# pages keep ACTIONS): who owned the case, the exception's two keys, and
# which documents the reviewers opened.
ADMIN_ACTIONS = ACTIONS + (
    AuditAction.CLAIM, AuditAction.REASSIGN, AuditAction.TAKE_OVER,
    AuditAction.EXCEPTION_ASK, AuditAction.EXCEPTION_SIGN, AuditAction.DOCUMENT_VIEW,
)
TIMELINE_PAGE = 20


def _admin_events(request_id: object):
    return (AuditEvent.objects
            .filter(object_type="AuthorizationRequest", object_id=str(request_id),
                    action__in=list(ADMIN_ACTIONS))
            .order_by("-at", "-id"))


def _first_page(object_id: str):
    return (_with_names(_admin_events(object_id)).annotate(total=Window(Count("pk")))
            .values("id", "at", "actor_id", "actor_username", "action", "detail",
                    "actor_first", "actor_last", "actor_login", "total")[:TIMELINE_PAGE])


# The first page, the one every visit shows: compiled once per process
# (core/compiled.py; its window and three subqueries took about 0.8 ms of CPU
# to build and compile on every request page). Other pages through the ORM.
FIRST_PAGE = CompiledQuery(_first_page, object_id=str)


def timeline_page(req: AuthorizationRequest, number: object) -> dict[str, Any]:
    """One page of the admin's timeline, the latest first, reading people's
    names: one query whatever the number of events (the page's rows, each
    with the count of all and its actor's names), as Paginator.get_page pages."""
    events = _admin_events(req.pk)
    paginator = Paginator(events, TIMELINE_PAGE)
    try:
        wanted = int(number)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        wanted = 1  # as get_page: not a number, the first page
    start = (wanted - 1) * TIMELINE_PAGE
    rows: list[Any]
    if wanted == 1:
        rows = [SimpleNamespace(**row) for row in FIRST_PAGE.values(
            using=req._state.db or "default", object_id=str(req.pk))]
    else:
        rows = list(_with_names(events).annotate(total=Window(Count("pk")))
                    [start:start + TIMELINE_PAGE]) if wanted >= 1 else []
    if rows or wanted == 1:
        paginator.count = rows[0].total if rows else 0
        page = Page(rows, wanted, paginator)
    else:
        # Past either end: the last page, as get_page shows it (the queries
        # Paginator makes: the count, then the page).
        page = paginator.get_page(number)
        rows = _named(list(page.object_list))
        page.object_list = rows
    return {
        "rows": Rows([{"at": e.at, "what": _what(e), "who": _who(e)} for e in rows],
                     _event_rows),
        "page": page,
    }


def _event_rows(rows: list[dict[str, Any]]) -> str:
    """The page's rows as _events.html printed them, written in Python
    (core/markup.py: 20 rows, 60 variables), the times through PageTimes."""
    times = PageTimes()
    return "\n".join(quick_html("<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                                times(row["at"]), row["what"], row["who"]) for row in rows)


def _who(event: AuditEvent) -> str:
    """The actor's full name (User.get_full_name), else their username; an
    actor no longer in the directory by the username recorded; "System"."""
    if not event.actor_id:
        return "System"
    login = getattr(event, "actor_login", None)
    if login is None:
        return event.actor_username
    return f"{event.actor_first} {event.actor_last}".strip() or login  # type: ignore[attr-defined]


def _named(rows: list[AuditEvent]) -> list[AuditEvent]:
    """Rows read without the names (the last page's fallback): the names, in one query."""
    users = {u.pk: u for u in get_user_model().objects.filter(
        pk__in={e.actor_id for e in rows if e.actor_id})}
    for e in rows:
        user = users.get(e.actor_id)
        if user is not None:
            e.actor_first, e.actor_last = user.first_name, user.last_name  # type: ignore[attr-defined]
            e.actor_login = user.get_username()  # type: ignore[attr-defined]
    return rows
