"""Requests in each state for the FHIR tests.

Drafts go through the services. Decided requests are written here the way
services.request_submit and request_decide record them (request, determination,
authorization), so these tests read exactly what the database holds whatever
the state of the submission code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from authorizations import policy, services
from authorizations.models import (
    Authorization,
    DecisionKind,
    Determination,
    Status,
)
from tests.cases import AS_OF, approvable_case

UNMET = ["hepatitis_b", "inhibitor_screen"]


@pytest.fixture
def make_draft(prescriber):
    def _make(case=None, user=None):
        user = user or prescriber
        req = services.request_create(by=user, htc=user.prescriber.htc)
        services.request_save_draft(by=user, req=req, answers=case or approvable_case(),
                                    step="review")
        req.refresh_from_db()
        return req

    return _make


@pytest.fixture
def make_decided(make_draft, reviewer):
    """A submitted request: approved (with its authorization), pending review
    or denied (by the reviewer), as the services record them."""

    def _make(status: str, case=None, *, flags=()):
        req = make_draft(case)
        now = timezone.now()
        unmet = [] if status == Status.APPROVED else list(UNMET)
        req.status, req.submitted_at = status, now
        req.outcome = policy.MEETS_CRITERIA if not unmet else policy.NOT_MET
        req.unmet, req.review_flags = unmet, list(flags)
        req.due_at = now + timedelta(days=15)
        req.member_key = policy.member_key(req.member_id)
        if status != Status.PENDING_REVIEW:
            req.decided_at = now
        req.save()
        by_reviewer = status == Status.DENIED
        Determination.objects.create(
            request=req, status=status, outcome=req.outcome, unmet=unmet, trace=[],
            policy_version=req.policy_version,
            kind=DecisionKind.REVIEWER if by_reviewer else DecisionKind.SYSTEM,
            decided_by=reviewer if by_reviewer else None,
            decided_by_name="Rita Reviewer" if by_reviewer else "Automated criteria check",
            rationale="HBsAg positive on the latest panel." if by_reviewer else "")
        if status == Status.APPROVED:
            Authorization.objects.create(
                request=req, member_id=req.member_id, member_key=req.member_key,
                start_date=AS_OF, end_date=AS_OF + timedelta(days=policy.AUTHORIZATION_DAYS - 1))
        req.refresh_from_db()
        return req

    return _make
