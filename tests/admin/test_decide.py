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
        reviewer_client, queue, django_capture_on_commit_callbacks):
    req = queue["pending"]
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
                  rationale="No hepatic imaging on file.")
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
                             decision="deny", rationale=rationale)
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW
    assert "Nothing was decided" in " ".join(messages_of(response))


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
    second = submit(prescriber, approvable_case(member_id="M-TWICE",
                                                 attest_alcohol_counseling=False))
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


def test_bulk_action_asks_for_a_rationale_before_deciding(reviewer_client, queue):
    ids = [queue["pending"].pk, queue["overdue"].pk]
    page = reviewer_client.post(CHANGELIST, {"action": "deny_selected", "index": 0,
                                             "_selected_action": ids})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Deny 2 request(s)" in html
    assert queue["pending"].number in html and "liver_health" in html
    assert all(AuthorizationRequest.objects.get(pk=pk).status == Status.PENDING_REVIEW
               for pk in ids)

    again = reviewer_client.post(CHANGELIST, {"action": "deny_selected", "confirm": "yes",
                                              "_selected_action": ids, "rationale": " "})
    assert "A rationale is required" in again.content.decode()
    assert all(AuthorizationRequest.objects.get(pk=pk).status == Status.PENDING_REVIEW
               for pk in ids)


def test_bulk_deny_decides_each_request_through_the_service(
        reviewer_client, queue, django_capture_on_commit_callbacks):
    ids = [queue["pending"].pk, queue["overdue"].pk, queue["approved"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(CHANGELIST, {
            "action": "deny_selected", "confirm": "yes", "_selected_action": ids,
            "rationale": "Criteria not met on review."}, follow=True)
    text = " ".join(messages_of(response))
    for key in ("pending", "overdue"):
        req = AuthorizationRequest.objects.get(pk=queue[key].pk)
        assert req.status == Status.DENIED
        assert Letter.objects.filter(determination__request=req, kind=LetterKind.DENIAL).exists()
        assert f"{req.number} denied." in text
    assert AuthorizationRequest.objects.get(pk=queue["approved"].pk).status == Status.APPROVED
    assert "only a request pending review can be decided" in text


def test_bulk_approve_refuses_a_second_authorization_for_a_member(
        reviewer_client, prescriber, submit, django_capture_on_commit_callbacks):
    first = submit(prescriber, approvable_case(member_id="M-BULK",
                                                attest_alcohol_counseling=False))
    second = submit(prescriber, approvable_case(member_id="M-BULK",
                                                 attest_alcohol_counseling=False))
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(CHANGELIST, {
            "action": "approve_selected", "confirm": "yes",
            "_selected_action": [first.pk, second.pk], "rationale": "Counseling done."},
            follow=True)
    assert Authorization.objects.filter(member_id="M-BULK").count() == 1
    assert "one treatment per lifetime" in " ".join(messages_of(response))
    statuses = sorted(AuthorizationRequest.objects.filter(member_id="M-BULK")
                      .values_list("status", flat=True))
    assert statuses == [Status.APPROVED, Status.PENDING_REVIEW]


def test_bulk_actions_are_offered_only_to_those_who_may_decide(client, queue):
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="viewer-2", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_authorizationrequest"))
    html = login(client, staff).get(CHANGELIST).content.decode()
    assert "approve_selected" not in html
