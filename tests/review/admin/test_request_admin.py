"""The reviewer's requests list and request page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authorizations.models import AuthorizationRequest, Status
from tests.factories import approvable_case

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:authorizations_authorizationrequest_changelist")


def numbers_listed(response) -> set[str]:
    return set(re.findall(r">(PA-\d{7})</a>", response.content.decode()))


def test_list_shows_the_queue_with_clock_and_unmet_criteria_but_no_drafts(reviewer_client,
                                                                          queue):
    response = reviewer_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert numbers_listed(response) == {queue[k].number for k in
                                        ("pending", "overdue", "approved", "denied")}
    assert "M-DRAFT" not in html
    # The time left, relative (the date on hover and for screen readers).
    assert "8 h late</time>" in html
    assert "in 14 days</time>" in html  # 359 h and some minutes
    # Unmet criteria as a short badge, their names for screen readers and on hover.
    assert "2 unmet</span>" in html
    assert "Alcohol counseling attestation" in html
    assert "AAV5 antibodies" in html
    # The overdue request comes first: it is the most urgent.
    assert html.index(queue["overdue"].number) < html.index(queue["pending"].number)


@pytest.mark.parametrize("query, expected", [
    ("status=approved", {"approved"}),
    ("status=pending_review", {"pending", "overdue"}),
    ("outcome__exact=not_met", {"pending", "overdue", "denied"}),
    ("turnaround=overdue", {"overdue"}),
    ("turnaround=on_time", {"pending"}),
    ("policy_version__exact=2026D0120K", {"pending", "overdue", "approved", "denied"}),
    ("expedited__exact=1", {"overdue"}),
])
def test_filters(reviewer_client, queue, query, expected):
    response = reviewer_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert numbers_listed(response) == {queue[k].number for k in expected}


def test_htc_and_submitted_date_filters(reviewer_client, queue, other_prescriber):
    htc = other_prescriber.prescriber.htc
    response = reviewer_client.get(f"{CHANGELIST}?htc__id__exact={htc.pk}")
    assert numbers_listed(response) == {queue["overdue"].number}
    # The filter offers the HTCs with prescribers, not the whole directory.
    html = response.content.decode()
    assert htc.name in html
    assert "Indiana Hemophilia &amp; Thrombosis Center" not in html
    # As the "Submitted" filter's own links do: aware datetimes.
    yesterday = (timezone.localtime() - timedelta(days=1)).replace(microsecond=0)
    response = reviewer_client.get(CHANGELIST, {"submitted_at__lt": yesterday.isoformat()})
    assert numbers_listed(response) == {queue["overdue"].number}
    response = reviewer_client.get(CHANGELIST, {"submitted_at__gte": yesterday.isoformat()})
    assert numbers_listed(response) == {queue[k].number for k in
                                        ("pending", "approved", "denied")}


@pytest.mark.parametrize("term, key", [
    ("M-OVERDUE", "overdue"),
    ("otto late", "overdue"),
    ("Late", "overdue"),
])
def test_search_by_member_id_and_patient_name(reviewer_client, queue, term, key):
    response = reviewer_client.get(CHANGELIST, {"q": term})
    assert numbers_listed(response) == {queue[key].number}


def test_search_by_request_number(reviewer_client, queue):
    number = queue["denied"].number
    for term in (number, number.lower(), f"PA-{queue['denied'].pk}"):
        assert numbers_listed(reviewer_client.get(CHANGELIST, {"q": term})) == {number}


def test_search_by_authorization_number(reviewer_client, queue):
    auth = queue["approved"].authorization
    response = reviewer_client.get(CHANGELIST, {"q": auth.number})
    assert numbers_listed(response) == {queue["approved"].number}


def test_list_queries_do_not_grow_with_the_number_of_requests(reviewer_client, queue,
                                                               prescriber, submit):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert reviewer_client.get(CHANGELIST).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(6):
        submit(prescriber, approvable_case(member_id=f"M-MORE-{n}", hbsag="positive"))
    assert count() == before


def test_request_page_shows_criteria_answers_titer_flag_letters_and_history(reviewer_client,
                                                                            queue):
    req = queue["pending"]
    url = reverse("admin:authorizations_authorizationrequest_change", args=[req.pk])
    response = reviewer_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Patient", "Diagnosis and factor IX activity", "Prophylaxis",
                  "Inhibitors and immune tolerance induction",
                  "AAV5 antibodies", "Liver health", "Viral tests", "Prior gene therapy",
                  "Prescriber and HTC", "Dosing", "Attestations"):
        assert f"<h3>{title}</h3>" in html
    assert 'class="criterion-not_met"' in html
    assert "Prescriber attests that counseling has been provided" in html
    assert "Alcohol counseling not attested" in html
    assert "1:900 is above 1:678" in html
    assert "Pended for clinical review (PDF)" in html
    assert "submit" in html  # the audit log
    assert 'action="' + reverse("admin:authorizations_authorizationrequest_decide",
                                args=[req.pk]) in html
    assert "<script>" not in html  # the CSP forbids inline script


def test_every_answer_key_has_one_wizard_step():
    from authorizations.policy import ANSWER_KEYS, QUESTIONS, STEP_TITLES
    from authorizations.requests.wizard import STEPS

    assert all(q.step in STEP_TITLES for q in QUESTIONS)
    typed = [key for _, form in STEPS for key in form.keys]
    derived = [q.key for q in QUESTIONS if q.derived]
    assert sorted(typed + derived) == sorted(ANSWER_KEYS)


def test_decided_request_has_no_decision_form(reviewer_client, queue):
    url = reverse("admin:authorizations_authorizationrequest_change",
                  args=[queue["denied"].pk])
    html = reviewer_client.get(url).content.decode()
    assert 'id="decide"' not in html
    assert "HBsAg positive." in html


def test_drafts_are_not_reachable(reviewer_client, queue):
    url = reverse("admin:authorizations_authorizationrequest_change",
                  args=[queue["draft"].pk])
    assert reviewer_client.get(url).status_code == 302  # "does not exist" back to the list
    assert AuthorizationRequest.objects.get(pk=queue["draft"].pk).status == Status.DRAFT
