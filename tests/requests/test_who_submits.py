"""Who submits is on record, and vouches for the request (issue 23 N8, issue 18):
the specialist status evaluated is the submitter's, not the draft creator's;
who drafted and who submitted are read from the request, not the audit log."""


import pytest
from django.apps import apps

from authorizations.models import AuditEvent, AuthorizationRequest, Status
from authorizations.requests.services import request_create, request_save_draft, request_submit
from tests.cases import AS_OF
from tests.factories import PrescriberFactory, approvable_case, attach_reports

pytestmark = pytest.mark.django_db


def draft_by(user, **changes):
    req = request_create(by=user, htc=user.prescriber.htc)
    return request_save_draft(by=user, req=req, step="review",
                              answers=approvable_case(**changes))


def test_a_non_specialist_cannot_submit_a_specialists_draft_as_a_specialist(prescriber):
    # The creator is a specialist; a colleague at the same HTC is not.
    colleague = PrescriberFactory(user__username="not-a-specialist", htc=prescriber.prescriber.htc,
                                  bleeding_disorder_specialist=False).user
    req = draft_by(prescriber, member_id="M-N8")
    result = request_submit(by=colleague, req=req, as_of=AS_OF)
    req = AuthorizationRequest.objects.get(pk=result.request.pk)
    assert req.submitted_by == colleague
    assert req.answers["prescriber_bleeding_disorder_specialist"] is False
    assert req.status == Status.PENDING_REVIEW and "prescriber_htc" in req.unmet


def test_a_specialist_may_submit_a_non_specialists_draft(prescriber):
    creator = PrescriberFactory(user__username="creator", htc=prescriber.prescriber.htc,
                                bleeding_disorder_specialist=False).user
    req = draft_by(creator, member_id="M-N8B")
    attach_reports(creator, req)
    result = request_submit(by=prescriber, req=req, as_of=AS_OF)
    assert result.request.answers["prescriber_bleeding_disorder_specialist"] is True
    assert result.request.status == Status.APPROVED


def test_the_migration_fills_drafted_and_submitted_by_from_the_audit_rows(prescriber):
    migration = __import__("authorizations.migrations.0016_submitted_by",
                           fromlist=["fill_from_audit"])
    colleague = PrescriberFactory(user__username="helper", htc=prescriber.prescriber.htc).user
    req = draft_by(prescriber, member_id="M-MIG")
    request_save_draft(by=colleague, req=req, step="review", answers=req.answers)
    request_submit(by=colleague, req=req, as_of=AS_OF)
    # As a request submitted before the columns existed.
    AuthorizationRequest.objects.filter(pk=req.pk).update(submitted_by=None)
    req.drafted_by.clear()
    assert AuditEvent.objects.filter(object_id=str(req.pk), action="submit").exists()
    migration.fill_from_audit(apps, None)
    req.refresh_from_db()
    assert req.submitted_by == colleague
    assert set(req.drafted_by.all()) == {prescriber, colleague}
