"""Letters: one stored PDF per lettered determination, issued once, with the
member's copy beside it (MemberCopy), issued once too.

Rendering is letters.py's; storing the letter, and its audit row, is here.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.letters import mailing, reuse
from authorizations.letters import rendering as letters
from authorizations.models import (
    AuthorizationRequest,
    Determination,
    InformationRequest,
    Letter,
    MailedCopy,
    MailingBatch,
    MemberCopy,
)


def _sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


@service
def letter_issue(determination: Determination, *, by: User | None = None
                 ) -> Letter:
    """The determination's letter, rendered and stored the first time only
    (audited as `issue_letter`, with ids only)."""
    existing = Letter.objects.filter(determination=determination).first()
    if existing is not None:
        return existing
    kind = letters.letter_kind(determination)
    with reuse.files_shared():  # the same JSON files in both copies
        pdf = letters.render_pdf(determination)
        member_pdf = letters.render_member_pdf(determination)
    try:
        with transaction.atomic():
            letter = Letter.objects.create(determination=determination, kind=kind, pdf=pdf,
                                           sha256=_sha256(pdf))
            copy = MemberCopy.objects.create(letter=letter, pdf=member_pdf,
                                             sha256=_sha256(member_pdf))
            audit(by=by, action=AuditAction.ISSUE_LETTER, obj=determination.request,
                  determination=determination.pk, letter=letter.pk, kind=kind.value,
                  member_copy=copy.pk)
    except IntegrityError:
        # Rendered at the same moment elsewhere (download and on-commit hook):
        # the first stored letter is the letter.
        return Letter.objects.get(determination=determination)
    return letter


@service
def letter_latest(req: AuthorizationRequest, *, by: User | None = None
                  ) -> Letter | None:
    """The letter of the request's latest lettered determination, issued now
    if an earlier render failed; None for a request not yet decided."""
    determination = letters.latest_lettered_determination(req)
    return letter_issue(determination, by=by) if determination is not None else None


@service
def letter_member_copy(letter: Letter, *, by: User | None = None) -> MemberCopy:
    """The member's copy of a stored letter; rendered now for a letter issued
    before member copies existed (audited as `issue_member_copy`)."""
    existing = MemberCopy.objects.filter(letter=letter).first()
    if existing is not None:
        return existing
    pdf = letters.render_member_pdf(letter.determination)
    try:
        with transaction.atomic():
            copy = MemberCopy.objects.create(letter=letter, pdf=pdf, sha256=_sha256(pdf))
            audit(by=by, action=AuditAction.ISSUE_MEMBER_COPY, obj=letter.determination.request,
                  letter=letter.pk, member_copy=copy.pk, kind=letter.kind)
    except IntegrityError:
        return MemberCopy.objects.get(letter=letter)
    return copy


@service
def information_letter_issue(ir: InformationRequest, *, by: User | None = None
                             ) -> InformationRequest:
    """The "Information needed" letter (stored on the request for information)
    and its member's copy, rendered and stored the first time only: the
    worker's job, queued with the request for information
    (delivery_services.delivery_information_letter). Idempotent: a second run,
    or a download that came first, finds what is stored."""
    if ir.letter_sha256:
        information_member_copy(ir, by=by)  # a letter stored before copies existed
        return ir
    with reuse.files_shared():  # the same JSON files in both copies
        pdf = letters.render_information_pdf(ir)
        member_pdf = (None if MemberCopy.objects.filter(information_request=ir).exists()
                      else letters.render_information_pdf(ir, letters.MEMBER))
    with transaction.atomic():
        ir = InformationRequest.objects.select_for_update().get(pk=ir.pk)
        if ir.letter_sha256:  # stored meanwhile: the first stored letter is the letter
            return ir
        ir.letter_pdf, ir.letter_sha256 = pdf, _sha256(pdf)
        ir.save(update_fields=["letter_pdf", "letter_sha256"])
        copy = None
        if member_pdf is not None and not MemberCopy.objects.filter(
                information_request=ir).exists():
            copy = MemberCopy.objects.create(information_request=ir, pdf=member_pdf,
                                             sha256=_sha256(member_pdf))
        audit(by=by, action=AuditAction.ISSUE_LETTER, obj=ir.request, information_request=ir.pk,
              kind="info", member_copy=copy.pk if copy is not None else None)
    return ir


@service
def information_member_copy(ir: InformationRequest, *, by: User | None = None
                            ) -> MemberCopy:
    """The member's copy of an "Information needed" letter, rendered and
    stored the first time (audited as `issue_member_copy`)."""
    existing = MemberCopy.objects.filter(information_request=ir).first()
    if existing is not None:
        return existing
    pdf = letters.render_information_pdf(ir, letters.MEMBER)
    try:
        with transaction.atomic():
            copy = MemberCopy.objects.create(information_request=ir, pdf=pdf,
                                             sha256=_sha256(pdf))
            audit(by=by, action=AuditAction.ISSUE_MEMBER_COPY, obj=ir.request,
                  information_request=ir.pk, member_copy=copy.pk, kind="info")
    except IntegrityError:
        return MemberCopy.objects.get(information_request=ir)
    return copy


def _issued_through(day: date) -> datetime:
    """The first moment after `day` where the service is (TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _issue_missing_copies(day: date, by: User | None) -> None:
    """Every member's copy that should exist by `day`, issued now if an earlier
    render failed or never ran (information letters' copies are rendered on
    first download): a letter left unrendered would be left out of the mail."""
    before = _issued_through(day)
    for determination in letters.determinations_missing_letters().filter(
            created_at__lt=before):
        letter_issue(determination, by=by)
    for letter in Letter.objects.filter(member_copy__isnull=True, created_at__lt=before):
        letter_member_copy(letter, by=by)
    for ir in InformationRequest.objects.filter(member_copy__isnull=True,
                                                paused_at__lt=before).select_related("request"):
        information_member_copy(ir, by=by)


@service
def mailing_print_batch(*, day: date, by: User | None = None) -> MailingBatch | None:
    """One print batch of every member's copy not yet mailed and issued up to
    and including `day`: a cover sheet and the copies in one PDF, each copy
    marked mailed on `day` (audited on its request as `mail_member_copy`).
    None when there is nothing to mail. A copy is in exactly one batch (the
    database's unique member_copy); one issued later goes in a later batch."""
    _issue_missing_copies(day, by)
    with transaction.atomic():
        copies = list(MemberCopy.objects.filter(mailing__isnull=True,
                                                created_at__lt=_issued_through(day))
                      .select_related("letter__determination__request",
                                      "information_request__request")
                      .order_by("created_at", "id"))
        if not copies:
            return None
        printed = mailing.assemble(day, copies)
        batch = MailingBatch.objects.create(mailed_on=day, pdf=printed.pdf,
                                            sha256=_sha256(printed.pdf))
        for copy, first_page in zip(copies, printed.first_pages, strict=True):
            MailedCopy.objects.create(batch=batch, member_copy=copy, first_page=first_page)
            audit(by=by, action=AuditAction.MAIL_MEMBER_COPY, obj=mailing.request_of(copy),
                  batch=batch.pk, member_copy=copy.pk, kind=mailing.kind_of(copy),
                  mailed_on=day.isoformat())
    return batch
