"""Separation of duties: nobody decides a request they prescribed, answered or
are listed on; a superuser neither."""

import pytest
from django.urls import reverse

from authorizations.accounts.services import user_save
from authorizations.models import Status
from authorizations.requests.services import (
    request_create,
    request_decide,
    request_save_draft,
    request_submit,
)
from authorizations.review import services as review
from tests.factories import (
    PrescriberFactory,
    approvable_case,
    approve_under_two_keys,
    login,
    make_reviewer,
)

pytestmark = pytest.mark.django_db


def test_a_reviewer_who_prescribed_the_request_may_not_decide_it(client, submit):
    both = make_reviewer(username="dual")
    both.is_superuser = True
    user_save(both, by=None)
    PrescriberFactory(user=both)
    req = submit(both, approvable_case(member_id="M-DUAL", attest_alcohol_counseling=False))
    with pytest.raises(review.ConflictOfInterest, match="You prescribed"):
        request_decide(by=both, req=req, approve=True, rationale="ok")
    with pytest.raises(review.ConflictOfInterest):
        review.information_request(by=both, req=req, criteria=[], document_kinds=["other"],
                            message="x")
    html = login(client, both).get(reverse(
        "admin:authorizations_authorizationrequest_change", args=[req.pk])).content.decode()
    assert "You prescribed" in html
    assert 'name="decision"' not in html and 'name="message"' not in html
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW


def test_a_reviewer_who_answered_the_request_may_not_decide_it(prescriber, reviewer):
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=reviewer, req=req, answers=approvable_case(
        member_id="M-HELPED", attest_alcohol_counseling=False), step="review")
    request_submit(by=prescriber, req=req)
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW
    with pytest.raises(review.ConflictOfInterest, match="answered"):
        request_decide(by=reviewer, req=req, approve=True, rationale="ok")


def test_another_reviewer_may(pending):
    other = make_reviewer(username="second")
    assert review.conflict_of_interest(other, pending) == ""
    approve_under_two_keys(pending, first=other, rationale="Counseled.")
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED
