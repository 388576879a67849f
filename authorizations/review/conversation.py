"""The prescriber's side of the conversation after submission: changing
answers in a response (each change a new `AnswerVersion`) and asking for an
expedited review once the request is submitted.

Answers are patient data: the audit rows name the step, the version number
and the keys that changed, never a value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from authorizations import policy
from authorizations.core import deadlines, zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.documents import services as documents
from authorizations.models import (
    AnswerVersion,
    AuthorizationRequest,
    Document,
    DocumentReceipt,
    InvalidTransition,
    ReceivedBy,
    Status,
)
from authorizations.requests import origins as answer_origins

# The answers never typed (the prescriber's and HTC's status at submission):
# a response keeps them as they were recorded.
DERIVED_KEYS = tuple(q.key for q in policy.QUESTIONS if q.derived)
EXPEDITE_STATUSES = (Status.PENDING_REVIEW, Status.INFORMATION_REQUESTED)


def first_version(req: AuthorizationRequest) -> AnswerVersion:
    """Version 1, what was submitted; written the first time it is needed for
    a request submitted before versions existed (the migration wrote the rest)."""
    version = req.answer_versions.filter(number=1).first()
    if version is None:
        version = AnswerVersion(request=req, number=1, answers=req.answers,
                                answer_origins=req.answer_origins,
                                created_by_id=req.prescriber_id,
                                created_at=req.submitted_at or timezone.now(),
                                reason="submitted")
        version.save()
    return version


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The answer keys whose value differs (added or dropped included), in the
    questions' order."""
    return [q.key for q in policy.QUESTIONS if old.get(q.key) != new.get(q.key)]


@service
def answers_change(*, by: User, req: AuthorizationRequest, step: str,
                   answers: dict[str, Any]) -> AnswerVersion | None:
    """Keep the prescriber's changed answers (one wizard step's, merged into the
    rest by the caller) as a new version while information is requested. None
    when nothing changed. The answers are validated and evaluated when the
    response is sent (information_respond), as a draft's are at submission."""
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != Status.INFORMATION_REQUESTED:
            raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: "
                                    "answers change only in a response to a request for "
                                    "information")
        new = {k: v for k, v in answers.items() if k not in DERIVED_KEYS}
        new.update({k: req.answers[k] for k in DERIVED_KEYS if k in req.answers})
        # Compared as stored: JSON values, exact decimals both sides.
        new = policy.to_json(new)
        keys = changed_keys(req.answers, new)
        if not keys:
            return None
        first_version(req)
        last = req.answer_versions.order_by("-number").first()
        assert last is not None  # first_version just made sure version 1 exists
        position = req.information_requests.count()
        origins = answer_origins.after_change(policy.to_json(req.answers), new,
                                              req.answer_origins)
        version = AnswerVersion(request=req, number=last.number + 1, answers=new,
                                answer_origins=origins,
                                created_by=by,
                                reason=f"response to information request {position}")
        version.save()
        req.answers = new
        req.answer_origins = origins
        req.member_id = str(new.get("member_id") or "").strip()[:40]
        req.member_key = policy.member_key(req.member_id)
        req.patient_name = " ".join(str(new.get(k) or "").strip() for k in (
            "patient_first_name", "patient_last_name")).strip()[:201]
        req.save(update_fields=["answers", "answer_origins", "member_id", "member_key",
                                "patient_name", "updated_at"])
        audit(by=by, action=AuditAction.CHANGE_ANSWERS, obj=req, step=step, version=version.number,
              keys=keys)
    return version


def expedited_due(req: AuthorizationRequest, now: datetime) -> datetime:
    """The decision's due time once expedited (deadlines.expedited_due)."""
    return deadlines.expedited_due(now, req.due_at)


@service
def request_expedite(*, by: User, req: AuthorizationRequest,
                     reason: str) -> AuthorizationRequest:
    """The prescriber asks for an expedited review after submission.

    Pending review: the decision is due the expedited turnaround from now
    (expedited_due). Information requested: the clock is stopped and the
    response's due time is the prescriber's own, so it stays; when the
    response restarts the clock, the reviewer has 48 hours from then
    (review.resumed_due; 29 CFR 2560.503-1(f)(2)(i))."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Enter why an expedited review is needed")
    now = timezone.now()
    with transaction.atomic():
        req = AuthorizationRequest.objects.select_for_update().get(pk=req.pk)
        if req.status not in EXPEDITE_STATUSES:
            raise InvalidTransition(f"{req.number} is {req.get_status_display().lower()}: "
                                    "only a request awaiting a decision can be expedited")
        if req.expedited:
            raise InvalidTransition(f"{req.number} is already expedited")
        previous = req.due_at
        req.expedited, req.expedited_reason = True, reason
        fields = ["expedited", "expedited_reason", "updated_at"]
        if req.status == Status.PENDING_REVIEW:
            req.due_at = expedited_due(req, now)
            fields.append("due_at")
        req.save(update_fields=fields)
        audit(by=by, action=AuditAction.EXPEDITE, obj=req,
              previous_due=previous.isoformat() if previous else None,
              due=req.due_at.isoformat() if req.due_at else None)
    return req



@service
def document_received(*, by: User, req: AuthorizationRequest, upload: UploadedFile,
                      kind: str, criterion: str, received_by: str,
                      received_on: date) -> Document:
    """A reviewer records a document that reached the payer outside the system
    (fax, mail) as a document of the request: the same checks as an upload
    (documents.document_add: size, type, content), then how and when it came."""

    if received_by not in ReceivedBy.values:
        raise documents.DocumentRefused("received_by", "Choose how the document was received.",
                                        field="received_by")
    if received_on > zones.today():
        raise documents.DocumentRefused("received_on", "The date received cannot be in the "
                                        "future.", field="received_on")
    with transaction.atomic():
        doc = documents.document_add(by=by, req=req, upload=upload, kind=kind,
                                     criterion=criterion)
        receipt = DocumentReceipt(document=doc, received_by=received_by,
                                  received_on=received_on, recorded_by=by)
        receipt.save()
        audit(by=by, action=AuditAction.DOCUMENT_RECEIVED, obj=req, document=doc.pk,
              received_by=received_by, received_on=received_on.isoformat())
    return doc
