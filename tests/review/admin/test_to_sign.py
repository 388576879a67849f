"""A pending second key is visible: the queue's "Exceptions awaiting my
signature" lists the cases whose exception this reviewer may sign (not the
asker's, nor those of whoever took part or denied), and the admin home
counts them."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from authorizations.appeals.services import appeal_file
from authorizations.models import Status
from authorizations.requests.services import request_decide
from authorizations.review.desk_services import exception_ask, exception_sign
from tests.factories import approvable_case, login, make_reviewer

pytestmark = pytest.mark.django_db

TO_SIGN = reverse("admin:authorizations_authorizationrequest_changelist") + "?view=to_sign"


def listed(client) -> set[str]:
    return set(re.findall(r">(PA-\d{7})</a>", client.get(TO_SIGN).content.decode()))


def home(client) -> str:
    page = client.get("/admin/").content.decode()
    return re.sub(r"\s+", " ", strip_tags(page.replace("<", " <")))


@pytest.fixture
def colleague(db):
    return make_reviewer(username="colleague")


@pytest.fixture
def unproven(prescriber, submit):
    req = submit(prescriber, approvable_case(member_id="M-SIGN-1", hbsag="positive"))
    assert req.status == Status.PENDING_REVIEW
    return req


def test_the_queue_lists_what_this_reviewer_may_sign(client, unproven, reviewer, colleague,
                                                     prescriber, submit):
    # Another pending case with no exception asked: not listed.
    submit(prescriber, approvable_case(member_id="M-SIGN-2", hbsag="positive"))
    exc = exception_ask(by=reviewer, req=unproven, reason="records_show_met",
                        rationale="Repeat HBsAg negative.")
    assert listed(login(client, colleague)) == {unproven.number}
    page = client.get(TO_SIGN).content.decode()
    assert 'aria-current="page">Exceptions awaiting my signature' in page
    assert "Exception pending" in page
    # The reviewer who asked may not turn the second key: not in their list.
    assert listed(login(client, reviewer)) == set()
    exception_sign(by=colleague, exception=exc)
    assert listed(login(client, colleague)) == set()


def test_the_admin_home_counts_the_exceptions_awaiting_my_signature(
        client, unproven, reviewer, colleague):
    assert "Exceptions awaiting my signature 0" in home(login(client, colleague))
    exception_ask(by=reviewer, req=unproven, reason="medical_director", rationale="Why.")
    assert "Exceptions awaiting my signature 1" in home(login(client, colleague))
    assert f'href="{TO_SIGN}"' in client.get("/admin/").content.decode()
    assert "Exceptions awaiting my signature 0" in home(login(client, reviewer))


def test_an_appeals_exception_awaits_neither_the_asker_nor_the_denier(
        client, unproven, reviewer, colleague, prescriber):
    request_decide(by=reviewer, req=unproven, approve=False, rationale="HBsAg positive.")
    unproven.refresh_from_db()
    appeal = appeal_file(by=prescriber, req=unproven, statement="Repeat test negative.",
                         expedited=False, representative=True)
    exception_ask(by=colleague, req=unproven, appeal=appeal, reason="records_show_met",
                  rationale="Repeat HBsAg negative.")
    third = make_reviewer(username="third")
    assert listed(login(client, third)) == {unproven.number}
    assert "Exceptions awaiting my signature 1" in home(client)
    assert listed(login(client, colleague)) == set()
    assert listed(login(client, reviewer)) == set()
    # The request's page shows it pending and leads to the appeal, where it is signed.
    page = login(client, third).get(reverse(
        "admin:authorizations_authorizationrequest_change", args=[unproven.pk])).content.decode()
    assert "Exception pending" in page
    assert reverse("admin:authorizations_appeal_decide", args=[appeal.pk]) + "#exception" in page
