"""Email notices carry the request number and a link, never patient data."""

import pytest
from django.core import mail

from authorizations import services

pytestmark = pytest.mark.django_db


def test_the_prescriber_is_told_of_a_pend_and_a_decision_without_patient_data(
        reviewer, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.information_request(by=reviewer, req=pending, criteria=[],
                                     document_kinds=["clinic_note"], message="Note please.")
    pending.refresh_from_db()
    from datetime import timedelta

    from django.utils import timezone

    from authorizations.models import AuthorizationRequest

    AuthorizationRequest.objects.filter(pk=pending.pk).update(
        due_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decide(by=reviewer, req=pending, approve=False, rationale="None.")
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["prescriber@htc.example"]
    for message in mail.outbox:
        text = message.subject + message.body
        assert pending.number in text and f"/requests/{pending.pk}/" in text
        for phi in ("Ada", "Quinlan", "M-REVIEW-1", "1985", "April"):
            assert phi not in text
