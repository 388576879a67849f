"""Requests for information: the clock stops and restarts, the prescriber
responds, the request is evaluated again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from authorizations.accounts.directory import prescriber_profile_save
from authorizations.core.deadlines import STANDARD_TURNAROUND
from authorizations.models import AuthorizationRequest, InvalidTransition, Status
from authorizations.requests.services import request_decide
from authorizations.review.services import information_request, information_respond
from tests.factories import approvable_case, login

pytestmark = pytest.mark.django_db


def ask(reviewer, req, **kw):
    return information_request(
        by=reviewer, req=req, criteria=kw.pop("criteria", list(req.unmet)),
        document_kinds=["clinic_note"], message="The counseling note.", **kw)


def test_the_clock_stops_and_restarts_with_the_time_used(reviewer, pending, prescriber):
    used = timedelta(days=3)
    AuthorizationRequest.objects.filter(pk=pending.pk).update(
        due_at=timezone.now() + STANDARD_TURNAROUND - used)
    pending.refresh_from_db()
    ir = ask(reviewer, pending)
    pending.refresh_from_db()
    assert pending.status == Status.INFORMATION_REQUESTED
    assert abs(ir.clock_used - used.total_seconds()) < 5
    # The default response due time: 45 days for a standard request.
    assert abs((ir.due_at - timezone.now()) - timedelta(days=45)) < timedelta(minutes=1)
    assert pending.due_at == ir.due_at

    information_respond(by=prescriber, req=pending, note="Attached.")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_REVIEW
    expected = timezone.now() + STANDARD_TURNAROUND - used
    assert abs(pending.due_at - expected) < timedelta(seconds=5)
    ir.refresh_from_db()
    assert ir.responded_at and ir.response_note == "Attached."


def test_expedited_requests_get_48_hours(reviewer, prescriber, submit):
    req = submit(prescriber, approvable_case(member_id="M-FAST",
                                             attest_alcohol_counseling=False), expedited=True)
    ir = ask(reviewer, req)
    assert abs((ir.due_at - timezone.now()) - timedelta(hours=48)) < timedelta(minutes=1)


def test_a_response_that_meets_every_criterion_is_approved_at_once(
        reviewer, prescriber, submit, django_capture_on_commit_callbacks):
    profile = prescriber.prescriber
    profile.bleeding_disorder_specialist = False
    prescriber_profile_save(profile, by=None)
    req = submit(prescriber, approvable_case(member_id="M-NOWOK"))
    assert req.status == Status.PENDING_REVIEW
    ask(reviewer, req, criteria=[])
    profile.bleeding_disorder_specialist = True
    prescriber_profile_save(profile, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        information_respond(by=prescriber, req=req, note="Now on staff.")
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    assert req.authorization is not None
    assert req.determinations.latest().letter.kind == "approval"


def test_a_pended_request_is_decided_only_once_overdue(reviewer, pending):
    ask(reviewer, pending)
    with pytest.raises(InvalidTransition, match="awaits the prescriber"):
        request_decide(by=reviewer, req=pending, approve=False, rationale="x")
    AuthorizationRequest.objects.filter(pk=pending.pk).update(
        due_at=timezone.now() - timedelta(hours=1))
    request_decide(by=reviewer, req=pending, approve=False, rationale="No response.")
    pending.refresh_from_db()
    assert pending.status == Status.DENIED


def test_the_admin_form_pends_and_overdue_shows_in_the_queue(reviewer_client, pending):
    url = reverse("admin:authorizations_authorizationrequest_information", args=[pending.pk])
    bad = reviewer_client.post(url, {"message": "", "due_at": "2099-01-01T10:00"})
    assert bad.status_code == 400
    assert "What is missing and why: This field is required" in bad.content.decode()
    reviewer_client.post(url, {"criteria": pending.unmet, "document_kinds": ["clinic_note"],
                               "message": "The counseling note.",
                               "due_at": "2099-01-01T10:00"})
    pending.refresh_from_db()
    assert pending.status == Status.INFORMATION_REQUESTED
    AuthorizationRequest.objects.filter(pk=pending.pk).update(
        due_at=timezone.now() - timedelta(hours=1))
    queue = reviewer_client.get(
        reverse("admin:authorizations_authorizationrequest_changelist")
        + "?turnaround=overdue").content.decode()
    assert pending.number in queue and "Information overdue" in queue


def test_the_prescriber_sees_it_and_responds(client, prescriber, reviewer, pending):
    ask(reviewer, pending)
    login(client, prescriber)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("request_respond", args=[pending.pk]) in dashboard
    detail = client.get(reverse("request_detail", args=[pending.pk])).content.decode()
    assert "The counseling note." in detail and "Information needed" in detail
    page = client.get(reverse("request_respond", args=[pending.pk]))
    assert page.status_code == 200 and "Clinic note" in page.content.decode()
    letter = client.get(reverse("request_information_letter",
                                args=[pending.pk, pending.information_requests.get().pk]))
    assert letter["Content-Type"] == "application/pdf"
    response = client.post(reverse("request_respond", args=[pending.pk]), {"note": "Sent."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_REVIEW


def test_the_queue_shows_a_response_to_read_until_the_next_step(reviewer_client, reviewer,
                                                                 prescriber, pending):
    changelist = reverse("admin:authorizations_authorizationrequest_changelist")

    def row() -> str:
        html = reviewer_client.get(changelist).content.decode()
        start = html.index(f">{pending.number}</a>")
        return html[start:html.index("</tr>", start)]

    assert ">Response</span>" not in row()
    ask(reviewer, pending)
    information_respond(by=prescriber, req=pending, note="Attached.")
    assert ('<span class="review-badge review-badge-response" title="The prescriber responded '
            'to a request for information">Response</span>') in row()
    ask(reviewer, pending)  # asked again: nothing to read until the next response
    assert ">Response</span>" not in row()
