"""Download of a request's latest determination letter."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import roles
from .letters import latest_letter
from .models import AuthorizationRequest, Letter
from .services import audit

log = logging.getLogger(__name__)


def can_read_letters(user, req: AuthorizationRequest) -> bool:
    """The owning HTC's prescribers and the reviewers; nobody else."""
    if roles.is_reviewer(user):
        return True
    profile = roles.prescriber_profile(user)
    return profile is not None and profile.htc_id == req.htc_id


def pdf_response(letter: Letter, *, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Patient data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def request_letter(request, pk: int):
    req = get_object_or_404(AuthorizationRequest, pk=pk)
    # 404, not 403: a stranger must not learn that the request exists.
    if not can_read_letters(request.user, req):
        raise Http404
    try:
        letter = latest_letter(req)
    except Exception:  # noqa: BLE001 - any renderer fault: the decision still stands
        log.exception("letter rendering failed for request %s", req.pk)
        back = "admin:authorizations_authorizationrequest_change" if roles.is_reviewer(
            request.user) else "request_detail"
        return render(request, "letters/unavailable.html",
                      {"request_number": req.number, "back_url": reverse(back, args=[req.pk])},
                      status=503)
    if letter is None:
        raise Http404("This request has no decision yet.")
    audit(by=request.user, action="download", obj=req, letter=letter.pk, kind=letter.kind)
    return pdf_response(letter, filename=f"{req.number}-{letter.kind}.pdf")
