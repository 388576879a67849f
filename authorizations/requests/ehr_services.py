"""The CRD card's link to a prefilled request form (issue 22): the CDS Hooks
service keeps what the order and prefetch said under a random token
(`ehr_launch_create`); a prescriber of that HTC opening the link starts a
draft with those answers, their origin `auto-server` (DTR: filled by this
service from what the EHR sent), once, before it expires (`ehr_launch_open`).
The token is never stored, only its SHA-256; the answers go once used."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from authorizations import policy
from authorizations.core import deadlines
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.models import HTC, AuthorizationRequest, EHRLaunch
from authorizations.requests import origins, selectors
from authorizations.requests.services import request_create, request_save_draft


class LaunchNotFound(Exception):
    """No usable link: unknown, another HTC's, used, or expired (all a 404,
    so a link tells a stranger nothing)."""


@service
def ehr_launch_create(*, by: Any, htc: HTC, answers: dict[str, Any],
                      order: str = "", patient: str = "") -> tuple[EHRLaunch, str]:
    """(the launch, its token) for the card of `htc`'s EHR (`by`, the CDS
    Hooks caller; `patient` the EHR's id of the hook's patient). Launches
    past their time lose their answers and patient here."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        (EHRLaunch.objects.filter(expires_at__lte=now, used_at__isnull=True)
         .exclude(answers={}, patient="").update(answers={}, patient=""))
        launch = EHRLaunch.objects.create(
            token_sha256=selectors.ehr_token_digest(token), htc=htc, order=order[:200],
            patient=patient[:64], answers=answers, created_at=now,
            expires_at=deadlines.ehr_launch_expires(now))
        # Which answers, never their values: they are patient data.
        audit(by=by, action=AuditAction.EHR_LAUNCH_CREATE, obj=launch,
              keys=sorted(answers), order=bool(order), patient=bool(patient))
    return launch, token


@service
def ehr_launch_view(*, by: User, launch: EHRLaunch) -> None:
    """The prescriber `by` was shown what `launch` holds (the patient's name,
    birth date, member ID, ...): viewing patient data is audited, with the
    launch as the subject, since no request exists yet. Which answers were
    shown, never their values; the launch itself is left as it was (looking
    does not use the link up)."""
    audit(by=by, action=AuditAction.EHR_LAUNCH_VIEW, obj=launch,
          keys=sorted(k for k in policy.ANSWER_KEYS if launch.answers.get(k) is not None))


@service
def ehr_launch_open(*, by: User, htc: HTC, token: str) -> AuthorizationRequest:
    """A new draft of `by` (a prescriber at `htc`) with the launch's answers,
    filled from the EHR. Raises LaunchNotFound."""
    now = timezone.now()
    with transaction.atomic():
        launch = (EHRLaunch.objects.select_for_update()
                  .filter(token_sha256=selectors.ehr_token_digest(token), htc=htc).first())
        if launch is None or not selectors.launch_usable(launch, now):
            raise LaunchNotFound
        answers = launch.answers
        req = request_create(by=by, htc=htc)
        # No step saved: the wizard opens on its first, the patient, to check them.
        req = request_save_draft(by=by, req=req, answers=answers, step="",
                                 origins={key: origins.AUTO_SERVER for key in answers})
        launch.used_at, launch.used_by, launch.request, launch.answers = now, by, req, {}
        launch.patient = ""
        launch.save(update_fields=["used_at", "used_by", "request", "answers", "patient"])
        audit(by=by, action=AuditAction.EHR_LAUNCH_OPEN, obj=req, launch=launch.pk,
              keys=sorted(answers))
    return req
