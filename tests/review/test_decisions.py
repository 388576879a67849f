"""Decisions that say why: one request at a time, chosen reasons, a
confirmation step before a denial, and the letter quoting exactly those."""

import pytest
from django.urls import reverse

from authorizations.letters import rendering as letters
from authorizations.models import DecisionReason, Status
from authorizations.requests import selectors
from authorizations.requests.services import request_decide

pytestmark = pytest.mark.django_db


def change_url(req):
    return reverse("admin:authorizations_authorizationrequest_change", args=[req.pk])


def decide_url(req):
    return reverse("admin:authorizations_authorizationrequest_decide", args=[req.pk])


def test_the_page_offers_every_unmet_criterion_by_name_all_chosen(reviewer_client, queue):
    req = queue["overdue"]
    html = reviewer_client.get(change_url(req)).content.decode()
    for criterion in req.unmet:
        name = selectors.criterion_name(criterion)
        assert name in html
        assert f'value="{criterion}"' in html
    assert html.count('name="reasons"') == html.count('name="reasons" value=') > 0
    assert "checked" in html.split('name="reasons"')[1][:200]
    # Unmet criteria: no one-key approval, an exception under two keys (issue 20).
    assert "Approve " + req.number not in html and "Deny " + req.number in html
    assert "Approve under an exception" in html


def test_a_denial_is_confirmed_first_showing_the_letters_reasons(
        reviewer_client, queue, django_capture_on_commit_callbacks):
    req = queue["pending"]
    data = {"decision": "deny", "reasons": req.unmet[:1], "other_reason": "Not a candidate.",
            "rationale": "Counseling not documented."}
    page = reviewer_client.post(decide_url(req), data)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Confirm: deny" in html
    assert selectors.criterion_name(req.unmet[0]) in html and "Not a candidate." in html
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW  # nothing decided yet

    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(decide_url(req), {**data, "confirm": "yes"})
    req.refresh_from_db()
    assert req.status == Status.DENIED
    determination = req.determinations.latest()
    reasons = list(determination.reasons.values_list("criterion", "text"))
    assert reasons == [(req.unmet[0], ""), ("", "Not a candidate.")]
    items = letters.letter_context(determination)["unmet"]
    assert [i["id"] for i in items] == [req.unmet[0], ""]
    assert items[1]["reason"] == "Not a candidate."


def test_a_denial_without_any_reason_is_refused_naming_the_field(reviewer_client, queue):
    req = queue["pending"]
    page = reviewer_client.post(decide_url(req), {"decision": "deny", "rationale": "No.",
                                                  "other_reason": ""})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Reasons for a denial: A denial needs at least one reason" in html
    assert "No.</textarea>" in html  # the input is kept


def test_the_service_quotes_only_chosen_unmet_criteria(reviewer, queue):
    req = queue["overdue"]
    with pytest.raises(ValueError):
        request_decide(by=reviewer, req=req, approve=False, rationale="x",
                       reasons=["not_a_criterion"])
    # None: every unmet criterion.
    determination = request_decide(by=reviewer, req=req, approve=False,
                                             rationale="No imaging.")
    assert list(DecisionReason.objects.filter(determination=determination)
                .values_list("criterion", flat=True)) == req.unmet
