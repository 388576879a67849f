"""Serving letters to the people who may read them, for every slice's pages:
who may read a request's letters, the prescriber's or the member's copy, and
the PDF response (never cached, downloaded as a file)."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from authorizations.core import access
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.letters import rendering as letters
from authorizations.letters.services import letter_member_copy
from authorizations.models import AuthorizationRequest, Letter, Status


def can_read_letters(user, req: AuthorizationRequest) -> bool:
    """The owning HTC's prescribers, and the reviewers once it is submitted
    (a draft is the prescriber's own work: 404 to a reviewer); nobody else."""
    if access.is_reviewer(user) and req.status != Status.DRAFT:
        return True
    profile = access.prescriber_profile(user)
    return profile is not None and profile.htc_id == req.htc_id


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    # Downloaded as a file named after the request, not shown in a tab.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Patient data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


def wants_member_copy(request) -> bool:
    """`?copy=member` asks for the member's copy; no parameter, the
    prescriber's. Anything else is no letter of ours: 404."""
    copy = request.GET.get("copy", letters.PRESCRIBER)
    if copy not in letters.COPIES:
        raise Http404("No such copy.")
    return copy == letters.MEMBER


def letter_download(request, req: AuthorizationRequest, letter: Letter, *,
                    filename: str) -> HttpResponse:
    """A stored letter, the prescriber's or (`?copy=member`) the member's copy,
    audited as a download with ids only."""
    if wants_member_copy(request):
        copy = letter_member_copy(letter, by=request.user)
        audit(by=request.user, action=AuditAction.DOWNLOAD, obj=req, letter=letter.pk,
                       kind=letter.kind, copy=letters.MEMBER)
        return pdf_response(copy.pdf, filename=f"{filename}-member-copy.pdf")
    audit(by=request.user, action=AuditAction.DOWNLOAD, obj=req, letter=letter.pk,
                   kind=letter.kind)
    return pdf_response(letter.pdf, filename=f"{filename}.pdf")
