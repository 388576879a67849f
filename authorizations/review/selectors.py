"""What the pages of the conversation after submission print: the versions of
a request's answers and what changed between them, the peer-to-peer
discussions, and the reviewers' work counts on the admin home."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from authorizations import policy
from authorizations.core.compiled import CompiledQuery
from authorizations.models import (
    AnswerVersion,
    Appeal,
    AuthorizationRequest,
    DecisionException,
    Determination,
    DocumentReceipt,
    InformationRequest,
    Letter,
    PeerToPeer,
    Status,
)
from authorizations.policy import QUESTION_BY_KEY
from authorizations.policy.values import long_date

# What the reviewer's request page reads with its case, in its one query
# (review/admin/requests.py get_object): whether it has an unsigned exception
# (desk_services.pending_exception, as the queue reads it), requests for
# information (timeline.information_rows), peer-to-peer discussions and
# changed answers (peer_to_peer_rows and answer_versions below). Most cases
# have none of them, and an EXISTS costs far less than the query it spares
# (about 0.1 ms of CPU against 0.5 to 0.8). Not the member's other requests
# (member_history): an EXISTS on the member key, correlated, was planned as a
# scan of every request when most keys are alike (50 ms on the bench database).
CASE_FLAGS = {
    "exception_pending": Exists(DecisionException.objects.filter(request=OuterRef("pk"),
                                                                 signed_at__isnull=True)),
    "has_information_requests": Exists(InformationRequest.objects.filter(
        request=OuterRef("pk"))),
    "has_peer_to_peers": Exists(PeerToPeer.objects.filter(request=OuterRef("pk"))),
    "has_answer_versions": Exists(AnswerVersion.objects.filter(request=OuterRef("pk"))),
}


def _case(request_id: int):
    return (AuthorizationRequest.objects.filter(pk=request_id).exclude(status=Status.DRAFT)
            .select_related("htc", "prescriber__prescriber", "authorization", "owner")
            .annotate(**CASE_FLAGS))


# Read on every visit of the reviewer's request page: compiled once per
# process (core/compiled.py), about 1 ms of CPU spared (five tables joined
# and four EXISTS built and compiled on every visit).
CASE = CompiledQuery(_case, "request_id")


def case_for_review(request_id: int, using: str = "default") -> AuthorizationRequest | None:
    """A submitted request with its HTC, prescriber and their profile,
    authorization and owner, and CASE_FLAGS, read as the queryset reads
    them (CompiledQuery.instance); None when there is no such request."""
    return CASE.instance(using=using, request_id=request_id)


def _determinations_of(request_id: int):
    # Not the letters' PDFs (some 70 KB each): the page links to them.
    return (Determination.objects.filter(request=request_id).select_related("letter")
            .defer("letter__pdf").order_by("id"))


# On every reviewer's request page: compiled once per process (core/compiled.py).
DETERMINATIONS = CompiledQuery(_determinations_of, "request_id")


def determinations_with_letters(req: AuthorizationRequest
                                ) -> list[tuple[Determination, Letter | None]]:
    """The request's determinations, the oldest first, each with its letter
    (None before it is rendered) without the PDF."""
    return [(d, getattr(d, "letter", None)) for d in DETERMINATIONS.instances(
        using=req._state.db or "default", request_id=req.pk)]


@dataclass(frozen=True)
class AnswerChange:
    key: str
    label: str
    old: str
    new: str


@dataclass
class VersionRow:
    number: int
    reason: str
    at: datetime
    who: str
    changes: list[AnswerChange] = field(default_factory=list)


def _shown(key: str, answers: dict[str, Any]) -> str:
    if key not in answers:
        return "Not asked"
    return QUESTION_BY_KEY[key].display(answers[key])


def answer_changes(old: dict[str, Any], new: dict[str, Any]) -> list[AnswerChange]:
    """The answers that differ, in the questions' order, as people read them."""
    return [AnswerChange(q.key, q.label, _shown(q.key, old), _shown(q.key, new))
            for q in policy.QUESTIONS if old.get(q.key) != new.get(q.key)]


def person_name(user) -> str:
    """A person as the pages name them: their full name, else their login."""
    return user.get_full_name() or user.get_username()


def _versions_of(request_id: int):
    return (AnswerVersion.objects.filter(request=request_id).order_by("number")
            .values("number", "reason", "created_at", "answers", "created_by_id",
                    "created_by__first_name", "created_by__last_name",
                    "created_by__username"))


# Both sides' pages read them: compiled once per process (core/compiled.py).
VERSIONS = CompiledQuery(_versions_of, "request_id")


def answer_versions(req: AuthorizationRequest) -> list[VersionRow]:
    """Each version of the answers with what changed from the one before.
    A request never changed has no stored version: its one version is what
    was submitted."""
    # None stored, read with the case (the request page's CASE_FLAGS): no query.
    versions = VERSIONS.values(using=req._state.db or "default", request_id=req.pk) \
        if getattr(req, "has_answer_versions", True) is not False else []
    if not versions:
        if req.submitted_at is None:
            return []
        return [VersionRow(1, "submitted", req.submitted_at, person_name(req.prescriber))]
    rows, previous = [], None
    for v in versions:
        # As person_name: the full name (User.get_full_name), else the login.
        who = (f"{v['created_by__first_name']} {v['created_by__last_name']}".strip()
               or v["created_by__username"]) if v["created_by_id"] else "System"
        changes = answer_changes(previous["answers"], v["answers"]) if previous else []
        rows.append(VersionRow(v["number"], v["reason"], v["created_at"], who, changes))
        previous = v
    return rows


def peer_to_peer_rows(req: AuthorizationRequest) -> list[dict[str, Any]]:
    """The discussions, offered times as datetimes, who asked in words."""
    if getattr(req, "has_peer_to_peers", True) is False:
        return []  # read with the case (the request page's CASE_FLAGS)
    return [{
        "obj": p,
        "times": [datetime.fromisoformat(t) for t in p.offered_times],
        "asked_by": "Prescriber" if p.requested_by_prescriber else "Reviewer",
        "outcome": p.get_outcome_display() if p.outcome else "",
    } for p in req.peer_to_peers.order_by("offered_at", "id")]


def receipt_words(receipt: DocumentReceipt) -> str:
    """How and when a document recorded by a reviewer arrived."""
    return (f"Received by {receipt.get_received_by_display().lower()} on "
            f"{long_date(receipt.received_on)}")


def receipts(req: AuthorizationRequest) -> dict[int, str]:
    """document id -> how and when a document recorded by a reviewer arrived."""
    return {r.document_id: receipt_words(r)
            for r in DocumentReceipt.objects.filter(document__request=req)}


# --------------------------------------------------------------------------
# The admin home: the reviewers' work, counted in one query.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str
    note: str = ""


# Responses to read: a pending request the prescriber answered. Pending means
# no request for information is open, and the reviewer's next action (a
# decision, or a new request for information) takes it out of the list.
RESPONDED = Exists(InformationRequest.objects.filter(request=OuterRef("pk"),
                                                     responded_at__isnull=False))


def work_counts(now: datetime | None = None) -> dict[str, int]:
    """pending, overdue (pending and past due), information requested, and
    responses to read (RESPONDED)."""
    now = now or timezone.now()
    pending = Q(status=Status.PENDING_REVIEW)
    return AuthorizationRequest.objects.aggregate(
        pending=Count("pk", filter=pending),
        overdue=Count("pk", filter=pending & AuthorizationRequest.objects.overdue_q(now)),
        information=Count("pk", filter=Q(status=Status.INFORMATION_REQUESTED)),
        responses=Count("pk", filter=pending & Q(RESPONDED)),
    )


def appeal_counts(now: datetime | None = None) -> dict[str, int]:
    """Open appeals, and those of them past their own clock."""
    now = now or timezone.now()
    open_ = Q(decided_at__isnull=True)
    return Appeal.objects.aggregate(
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Appeal.objects.overdue_q(now)))


def work_items(now: datetime | None = None, *, to_sign: int | None = None
               ) -> list[WorkItem]:
    """The admin home's list, the most urgent first (two queries: requests,
    appeals); with `to_sign`, the exceptions awaiting this reviewer's
    signature (the second key) first."""

    counts = work_counts(now)
    appeals = appeal_counts(now)
    queue = reverse("admin:authorizations_authorizationrequest_changelist")
    appeal_queue = reverse("admin:authorizations_appeal_changelist")
    signing = [] if to_sign is None else [
        WorkItem("Exceptions awaiting my signature", to_sign, f"{queue}?view=to_sign",
                 "an approval past unmet criteria waits for a second key you may turn")]
    return signing + [
        WorkItem("Appeals to decide", appeals["open"], f"{appeal_queue}?state=open",
                 f"{appeals['overdue']} overdue, shown first" if appeals["overdue"]
                 else "none overdue"),
        WorkItem("Pending clinical review", counts["pending"],
                 f"{queue}?status={Status.PENDING_REVIEW}",
                 f"{counts['overdue']} overdue, shown first" if counts["overdue"]
                 else "none overdue"),
        WorkItem("Responses to read", counts["responses"],
                 f"{queue}?status={Status.PENDING_REVIEW}&responded=yes",
                 "the prescriber answered a request for information"),
        WorkItem("Information requested", counts["information"],
                 f"{queue}?status={Status.INFORMATION_REQUESTED}",
                 "waiting for the prescriber"),
    ]
