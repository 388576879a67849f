"""Letters: one stored PDF per lettered determination, issued once, with the
member's copy beside it (MemberCopy), issued once too.

Rendering is letters.py's; storing the letter, and its audit row, is here.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.letters import rendering as letters
from authorizations.models import (
    AuthorizationRequest,
    Determination,
    InformationRequest,
    Letter,
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
