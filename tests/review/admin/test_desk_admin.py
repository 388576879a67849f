"""The reviewer's desk in the admin: the queue's views, claiming from the
queue, the request page as one screen to decide, documents read inside it,
the exception's two keys, the timeline's pages and the page's query count."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorizations.accounts.services import user_save
from authorizations.appeals.services import appeal_file
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.documents.services import document_add
from authorizations.models import AuditEvent, Document, Status
from authorizations.requests.services import request_decide
from authorizations.review.conversation import answers_change
from authorizations.review.desk_services import case_claim
from authorizations.review.services import information_request, information_respond
from tests.factories import approvable_case, login, make_reviewer
from tests.files import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:authorizations_authorizationrequest_changelist")


def page_url(req) -> str:
    return reverse("admin:authorizations_authorizationrequest_change", args=[req.pk])


def numbers_listed(response) -> set[str]:
    return set(re.findall(r">(PA-\d{7})</a>", response.content.decode()))


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def colleague(db):
    user = make_reviewer(username="colleague")
    user.first_name, user.last_name = "Cole", "League"
    user_save(user, by=None)
    return user


@pytest.mark.parametrize("view, expected", [
    ("unassigned", {"pending", "overdue"}),
    ("overdue", {"overdue"}),
    ("due_24h", set()),
    ("information_received", set()),
])
def test_the_queue_views(reviewer_client, queue, view, expected):
    response = reviewer_client.get(CHANGELIST, {"view": view})
    assert numbers_listed(response) == {queue[k].number for k in expected}


def test_mine_lists_the_cases_this_reviewer_owns(reviewer_client, reviewer, queue):
    case_claim(by=reviewer, req=queue["pending"])
    response = reviewer_client.get(CHANGELIST, {"view": "mine"})
    assert numbers_listed(response) == {queue["pending"].number}
    html = response.content.decode()
    # The tabs, the current one marked for screen readers, and the appeals' own.
    assert 'aria-current="page">Mine</a>' in html
    assert "Appeals I may decide" in html


def test_information_received_lists_the_responses_to_read(reviewer_client, reviewer,
                                                          prescriber, pending):
    information_request(by=reviewer, req=pending, criteria=[], document_kinds=["clinic_note"],
                        message="Send the counseling note.")
    information_respond(by=prescriber, req=pending, note="Attached.")
    response = reviewer_client.get(CHANGELIST, {"view": "information_received"})
    assert numbers_listed(response) == {pending.number}


def test_claim_from_the_queue_returns_to_the_queue(reviewer_client, reviewer, queue):
    req = queue["pending"]
    response = reviewer_client.post(
        reverse("admin:authorizations_authorizationrequest_claim", args=[req.pk]),
        {"next": f"{CHANGELIST}?view=unassigned"})
    assert response.status_code == 302 and response["Location"].endswith("?view=unassigned")
    req.refresh_from_db()
    assert req.owner == reviewer
    listed = reviewer_client.get(CHANGELIST).content.decode()
    assert "<td class=\"field-owner_display\">Rita Reviewer</td>" in listed


def test_the_page_puts_the_header_and_the_decision_before_the_criteria(reviewer_client,
                                                                        queue):
    req = queue["pending"]
    html = reviewer_client.get(page_url(req)).content.decode()
    header = html.index('class="review-banner review-header"')
    decide = html.index('id="decide"')
    criteria = html.index('id="criteria"')
    timeline = html.index('id="timeline"')
    assert header < decide < criteria < timeline
    assert html.rindex("</details>") > timeline  # the timeline comes last, collapsed
    assert req.htc.name in html and req.patient_name in html
    # Past an unmet criterion: no one-key approval, the exception's form instead.
    assert 'value="approve"' not in html
    assert "Approve under an exception" in html


def test_someone_elses_case_is_read_and_taken_over_before_deciding(reviewer_client, reviewer,
                                                                   colleague, queue):
    req = queue["pending"]
    case_claim(by=colleague, req=req)
    html = reviewer_client.get(page_url(req)).content.decode()
    assert f"Cole League owns {req.number}" in html
    assert f"Take over {req.number}" in html and 'value="deny"' not in html
    response = reviewer_client.post(
        reverse("admin:authorizations_authorizationrequest_take_over", args=[req.pk]))
    assert "You took over" in messages_of(response)
    req.refresh_from_db()
    assert req.owner == reviewer
    assert 'value="deny"' in reviewer_client.get(page_url(req)).content.decode()


def test_two_keys_in_the_admin(client, reviewer, colleague, queue):
    req = queue["pending"]
    ask = reverse("admin:authorizations_authorizationrequest_exception", args=[req.pk])
    login(client, reviewer)
    # Bad input: the field named, what was typed kept.
    response = client.post(ask, {"exception-reason": "",
                                "exception-rationale": "Counseling noted by phone."})
    html = response.content.decode()
    assert "Exception reason: This field is required." in html
    assert "Counseling noted by phone." in html
    client.post(ask, {"exception-reason": "records_show_met",
                       "exception-rationale": "Counseling noted by phone."})
    html = client.get(page_url(req)).content.decode()
    assert "Exception pending" in html
    assert "You asked for this exception" in html
    assert "Exception pending" in client.get(CHANGELIST).content.decode()
    login(client, colleague)
    exception = req.exceptions.get()
    response = client.post(
        reverse("admin:authorizations_authorizationrequest_exception_sign", args=[req.pk]),
        {"exception": exception.pk}, follow=True)
    assert "approved under two keys" in messages_of(response)
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_a_document_opens_inside_the_page_and_is_on_record(reviewer_client, reviewer,
                                                           prescriber, pending):
    doc = document_add(by=prescriber, req=pending, kind="clinic_note",
                       criterion="alcohol_counseling_attestation",
                       upload=upload("counseling.pdf", pdf_bytes(pages=2), "application/pdf"))
    html = reviewer_client.get(page_url(pending)).content.decode()
    image = reverse("admin:authorizations_authorizationrequest_page",
                    args=[pending.pk, doc.pk])
    assert f'src="{image}?page=1"' in html
    response = reviewer_client.get(image, {"page": 2})
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content if response.streaming
                    else [response.content]).startswith(b"\x89PNG")
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_VIEW)
    assert event.actor_id == reviewer.pk and event.detail == {"document": doc.pk, "page": 2}
    assert reviewer_client.get(image, {"page": 3}).status_code == 404
    viewer = reviewer_client.get(reverse("admin:authorizations_authorizationrequest_viewer",
                                         args=[pending.pk, doc.pk])).content.decode()
    assert "Page 2 of 2" in viewer


def test_an_image_document_is_served_as_it_is(reviewer_client, prescriber, pending):
    png = image_bytes()
    doc = document_add(by=prescriber, req=pending, kind="clinic_note", criterion="",
                       upload=upload("note.png", png, "image/png"))
    response = reviewer_client.get(reverse("admin:authorizations_authorizationrequest_page",
                                           args=[pending.pk, doc.pk]))
    assert response["Content-Type"] == "image/png" and response.content == png


def test_the_timeline_pages_twenty_events_with_names(reviewer_client, reviewer, pending):
    for _ in range(25):
        audit(by=reviewer, action=AuditAction.OFFER_PEER_TO_PEER, obj=pending)
    html = reviewer_client.get(page_url(pending)).content.decode()
    timeline = html[html.index('id="timeline"'):]
    assert timeline.count("<td>Rita Reviewer</td>") == 20
    assert "Page 1 of 2" in timeline and "Earlier events" in timeline
    html = reviewer_client.get(page_url(pending), {"timeline": 2}).content.decode()
    assert "Page 2 of 2" in html


def test_the_page_query_count_does_not_grow_with_versions_documents_or_events(
        reviewer_client, reviewer, prescriber, pending, django_assert_max_num_queries):
    def add_one_of_each():
        document_add(by=prescriber, req=pending, kind="clinic_note", criterion="",
                     upload=upload("note.png", image_bytes(), "image/png"))
        audit(by=reviewer, action=AuditAction.OFFER_PEER_TO_PEER, obj=pending)

    add_one_of_each()
    with CaptureQueriesContext(connection) as few:
        reviewer_client.get(page_url(pending))
    for _ in range(15):
        add_one_of_each()
    information_request(by=reviewer, req=pending, criteria=[], document_kinds=["clinic_note"],
                        message="Send the counseling note.")
    for weight in (71, 72, 73):  # three versions of the answers more
        pending.refresh_from_db()
        answers_change(by=prescriber, req=pending, step="patient",
                       answers={**pending.answers, "weight_kg": weight})
    information_respond(by=prescriber, req=pending, note="Attached.")
    assert pending.answer_versions.count() == 4
    # One information request more, answered: its own rows, once.
    with django_assert_max_num_queries(len(few) + 2):
        reviewer_client.get(page_url(pending))
    assert Document.objects.filter(request=pending).count() == 16 + 2  # and its two reports


def test_the_appeals_queue_shows_patient_reviewer_days_left_and_who_decides(
        client, reviewer, colleague, prescriber, submit):
    req = submit(prescriber, approvable_case(member_id="M-APPEAL", hbsag="positive"))
    request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg positive.")
    appeal_file(by=prescriber, req=req, statement="Repeat test negative.", expedited=False,
                representative=True)
    page = login(client, reviewer).get(
        reverse("admin:authorizations_appeal_changelist")).content.decode()
    assert req.patient_name in page and "Rita Reviewer" in page and "days left" in page
    assert 'class="review-greyed">Another reviewer decides: You denied' in page
    assert reverse("admin:authorizations_appeal_changelist") in page
    mine = client.get(reverse("admin:authorizations_appeal_changelist"),
                      {"may_decide": "yes"}).content.decode()
    assert f"Appeal of {req.number}" not in mine
    theirs = login(client, colleague).get(reverse("admin:authorizations_appeal_changelist"),
                                          {"may_decide": "yes"}).content.decode()
    assert f"Appeal of {req.number}" in theirs and "You may decide" in theirs


def test_deciding_someone_elses_case_is_refused_with_a_message(reviewer_client, colleague,
                                                               queue):
    req = queue["pending"]
    case_claim(by=colleague, req=req)
    response = reviewer_client.post(
        reverse("admin:authorizations_authorizationrequest_decide", args=[req.pk]),
        {"decision": "deny", "rationale": "No counseling.", "confirm": "yes",
         "reasons": req.unmet}, follow=True)
    assert "Nothing was decided" in messages_of(response)
    assert "owned by Cole League: take it over first" in messages_of(response)
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW


def test_the_page_shows_the_dose_and_the_kit_dispensed(reviewer_client, pending):
    # Issue 19: the reviewer sees the kit the pharmacy would dispense, not only the dose.
    page = reviewer_client.get(page_url(pending)).content.decode()
    assert "Dose and the kit dispensed" in page
    assert "Vials the dose needs (10 mL each, rounded up)" in page
    assert "Kit dispensed" in page
