"""Approve and deny from the request page: POST only, with a rationale, through
services.request_decide."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from authorizations.models import (
    AuditEvent,
    Authorization,
    AuthorizationRequest,
    Letter,
    LetterKind,
    Status,
)
from tests.cases import iso
from tests.factories import UserFactory, approvable_case, login

pytestmark = pytest.mark.django_db


def decide_url(req):
    return reverse("admin:authorizations_authorizationrequest_decide", args=[req.pk])


def post_decision(client, req, capture, **data):
    with capture(execute=True):
        return client.post(decide_url(req), data, follow=True)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_approve_with_rationale_authorizes_and_issues_the_approval_letter(
        reviewer_client, prescriber, submit, django_capture_on_commit_callbacks):
    # Pended by a flag alone (an inhibitor screen older than 30 days): one key approves.
    req = submit(prescriber, approvable_case(member_id="M-PENDING",
                                             inhibitor_screen_date=iso(-38)))
    assert req.status == Status.PENDING_REVIEW and req.unmet == []
    response = post_decision(reviewer_client, req, django_capture_on_commit_callbacks,
                             decision="approve",
                             rationale="Counseling documented in the clinic note of 11/20.")
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    assert Authorization.objects.get(request=req).member_id == "M-PENDING"
    assert Letter.objects.filter(determination__request=req, kind=LetterKind.APPROVAL).exists()
    assert AuditEvent.objects.filter(action="approve", object_id=str(req.pk)).exists()
    assert f"{req.number} approved." in " ".join(messages_of(response))


def test_deny_with_rationale_issues_the_denial_letter(reviewer_client, queue,
                                                      django_capture_on_commit_callbacks):
    req = queue["overdue"]
    post_decision(reviewer_client, req, django_capture_on_commit_callbacks, decision="deny",
                  rationale="No hepatic imaging on file.", confirm="yes", reasons=req.unmet)
    req.refresh_from_db()
    assert req.status == Status.DENIED
    letter = Letter.objects.get(determination__request=req, kind=LetterKind.DENIAL)
    assert letter.determination.rationale == "No hepatic imaging on file."
    assert letter.determination.decided_by_credentials == "MD, Hematology"


@pytest.mark.parametrize("rationale", ["", "   "])
def test_a_decision_without_rationale_decides_nothing(reviewer_client, queue, rationale,
                                                      django_capture_on_commit_callbacks):
    req = queue["pending"]
    response = post_decision(reviewer_client, req, django_capture_on_commit_callbacks,
                             decision="deny", rationale=rationale, confirm="yes")
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was decided" in html and "Clinical rationale: This field is required" in html


def test_decide_is_post_only(reviewer_client, queue):
    assert reviewer_client.get(decide_url(queue["pending"])).status_code == 405


def test_deciding_a_decided_request_is_refused(reviewer_client, queue,
                                               django_capture_on_commit_callbacks):
    req = queue["denied"]
    response = post_decision(reviewer_client, req, django_capture_on_commit_callbacks,
                             decision="approve", rationale="Changed my mind.")
    req.refresh_from_db()
    assert req.status == Status.DENIED
    assert "only a request pending review can be decided" in " ".join(messages_of(response))


def test_approving_a_second_request_for_a_member_is_refused_and_stays_pending(
        reviewer_client, prescriber, submit, django_capture_on_commit_callbacks):
    first = submit(prescriber, approvable_case(member_id="M-TWICE"))
    assert first.status == Status.APPROVED
    second = submit(prescriber, approvable_case(member_id="M-TWICE"))
    response = post_decision(reviewer_client, second, django_capture_on_commit_callbacks,
                             decision="approve", rationale="Counseling done.")
    second.refresh_from_db()
    assert second.status == Status.PENDING_REVIEW
    assert "lifetime_limit" in second.unmet
    assert "one treatment per lifetime" in " ".join(messages_of(response))
    assert Authorization.objects.filter(member_id="M-TWICE").count() == 1


def test_staff_without_the_decide_permission_cannot_decide(client, queue):
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="viewer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_authorizationrequest"))
    login(client, staff)
    response = client.post(decide_url(queue["pending"]),
                           {"decision": "approve", "rationale": "x"})
    assert response.status_code == 403
    queue["pending"].refresh_from_db()
    assert queue["pending"].status == Status.PENDING_REVIEW
    page = client.get(reverse("admin:authorizations_authorizationrequest_change",
                              args=[queue["pending"].pk]))
    assert 'id="decide"' not in page.content.decode()


def test_decide_requires_csrf(reviewer, queue):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), reviewer)
    response = client.post(decide_url(queue["pending"]),
                           {"decision": "approve", "rationale": "x"})
    assert response.status_code == 403


CHANGELIST = reverse("admin:authorizations_authorizationrequest_changelist")


def test_no_bulk_decision_action_exists(reviewer_client, queue):
    """Decisions are made one request at a time, on the request's page."""
    from django.contrib import admin

    model_admin = admin.site._registry[AuthorizationRequest]
    request = reviewer_client.get(CHANGELIST).wsgi_request
    assert not model_admin.get_actions(request)
    html = reviewer_client.get(CHANGELIST).content.decode()
    assert "approve_selected" not in html and "deny_selected" not in html
    assert 'name="action"' not in html
