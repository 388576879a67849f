"""Letters: one stored PDF per lettered determination, issued once.

Rendering is letters.py's; storing the letter, and its audit row, is here.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from .. import letters
from ..models import AuthorizationRequest, Determination, Letter
from .base import audit, service


@service
def letter_issue(determination: Determination, *, by: AbstractBaseUser | None = None
                 ) -> Letter:
    """The determination's letter, rendered and stored the first time only
    (audited as `issue_letter`, with ids only)."""
    existing = Letter.objects.filter(determination=determination).first()
    if existing is not None:
        return existing
    kind = letters.letter_kind(determination)
    pdf = letters.render_pdf(determination)
    try:
        with transaction.atomic():
            letter = Letter.objects.create(determination=determination, kind=kind, pdf=pdf,
                                           sha256=hashlib.sha256(pdf).hexdigest())
            audit(by=by, action="issue_letter", obj=determination.request,
                  determination=determination.pk, letter=letter.pk, kind=kind.value)
    except IntegrityError:
        # Rendered at the same moment elsewhere (download and on-commit hook):
        # the first stored letter is the letter.
        return Letter.objects.get(determination=determination)
    return letter


@service
def letter_latest(req: AuthorizationRequest, *, by: AbstractBaseUser | None = None
                  ) -> Letter | None:
    """The letter of the request's latest lettered determination, issued now
    if an earlier render failed; None for a request not yet decided."""
    determination = letters.latest_lettered_determination(req)
    return letter_issue(determination, by=by) if determination is not None else None
