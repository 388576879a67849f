"""Email notices carry the request number and a link, never patient data."""

import pytest
from django.core import mail

from authorizations.requests.services import request_decide
from authorizations.review.services import information_request, information_respond

pytestmark = pytest.mark.django_db


def test_the_prescriber_is_told_of_a_pend_and_a_decision_without_patient_data(
        reviewer, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        information_request(by=reviewer, req=pending, criteria=[],
                            document_kinds=["clinic_note"], message="Note please.")
    pending.refresh_from_db()
    from datetime import timedelta

    from django.utils import timezone

    from authorizations.models import AuthorizationRequest

    AuthorizationRequest.objects.filter(pk=pending.pk).update(
        due_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=pending, approve=False, rationale="None.")
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["prescriber@htc.example"]
    for message in mail.outbox:
        text = message.subject + message.body
        assert pending.number in text and f"/requests/{pending.pk}/" in text
        for phi in ("Ada", "Quinlan", "M-REVIEW-1", "1985", "April"):
            assert phi not in text


def test_the_queue_owner_is_told_of_a_response_without_patient_data(
        reviewer, prescriber, pending, settings, django_capture_on_commit_callbacks):
    settings.REVIEW_QUEUE_EMAIL = "queue@payer.example"
    information_request(by=reviewer, req=pending, criteria=[],
                        document_kinds=["clinic_note"], message="Note please.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        information_respond(by=prescriber, req=pending, note="Attached the note.")
    pending.refresh_from_db()
    assert pending.status == "pending_review"
    assert [m.to for m in mail.outbox] == [["queue@payer.example"]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert pending.number in text
    assert f"/admin/authorizations/authorizationrequest/{pending.pk}/" in text
    for phi in ("Ada", "Quinlan", "M-REVIEW-1", "1985", "April", "Attached the note"):
        assert phi not in text


def test_no_queue_address_no_response_notice(reviewer, prescriber, pending, settings,
                                             django_capture_on_commit_callbacks):
    settings.REVIEW_QUEUE_EMAIL = ""
    information_request(by=reviewer, req=pending, criteria=[],
                        document_kinds=["clinic_note"], message="Note please.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        information_respond(by=prescriber, req=pending, note="")
    assert mail.outbox == []
