"""What the request page reads to be quick (issue 20, speed), and that it
still links each document where it did."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorizations.appeals.services import appeal_file
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.documents.services import document_add
from authorizations.models import AuditEvent
from authorizations.requests.services import request_decide
from authorizations.review import timeline
from authorizations.review.conversation import document_received
from tests.cases import days, long_date
from tests.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def page_url(req) -> str:
    return reverse("admin:authorizations_authorizationrequest_change", args=[req.pk])


def test_the_case_is_read_once(reviewer_client, pending):
    with CaptureQueriesContext(connection) as ctx:
        response = reviewer_client.get(page_url(pending))
    assert response.status_code == 200 and pending.number in response.content.decode()
    # The case (review/selectors.case_for_review), not the duties' EXISTS on it.
    case_reads = [q["sql"] for q in ctx.captured_queries
                  if re.search(r'^SELECT "authorizations_authorizationrequest"\."id"', q["sql"])
                  and re.search(rf'"authorizations_authorizationrequest"\."id" = {pending.pk}\b',
                                q["sql"])
                  and '"authorizations_htc"' in q["sql"]]
    assert len(case_reads) == 1, case_reads


def test_each_document_is_linked_read_and_opened_where_it_was(reviewer_client, reviewer,
                                                              prescriber, pending):
    uploaded = document_add(by=prescriber, req=pending, kind="clinic_note",
                            criterion="alcohol_counseling_attestation",
                            upload=upload("note.pdf", pdf_bytes(), "application/pdf"))
    faxed = document_received(by=reviewer, req=pending, kind="clinic_note",
                              criterion="alcohol_counseling_attestation",
                              upload=upload("fax.pdf", pdf_bytes(), "application/pdf"),
                              received_by="fax", received_on=days(-1))
    html = reviewer_client.get(page_url(pending)).content.decode()
    for doc in (uploaded, faxed):
        args = [pending.pk, doc.pk]
        for name, suffix in (("document", ""), ("page", "?page=1"), ("viewer", "")):
            url = reverse(f"admin:authorizations_authorizationrequest_{name}", args=args)
            assert f'"{url}{suffix}"' in html, (name, doc.file_name)
    assert html.count(f"Received by fax on {long_date(days(-1))}") == 1


@pytest.mark.parametrize("asked, shown, rows", [
    ("1", 1, 20), ("2", 2, 5), ("99", 2, 5), ("0", 2, 5), ("-3", 2, 5), ("two", 1, 20),
    ("", 1, 20)])
def test_the_timeline_pages_as_djangos_paginator_does(reviewer_client, reviewer, pending,
                                                     asked, shown, rows):
    before = AuditEvent.objects.filter(object_type="AuthorizationRequest",
                                       object_id=str(pending.pk),
                                       action__in=timeline.ADMIN_ACTIONS).count()
    for _ in range(25 - before):
        audit(by=reviewer, action=AuditAction.OFFER_PEER_TO_PEER, obj=pending)
    html = reviewer_client.get(page_url(pending), {"timeline": asked}).content.decode()
    events = html[html.index('id="timeline"'):]
    assert "Timeline (25 events)" in events and f"Page {shown} of 2" in events
    assert events[:events.index("</tbody>")].count("<tr><td>") == rows


def test_the_timeline_names_people_and_the_system(reviewer_client, reviewer, pending):
    # An actor no longer in the directory is named as recorded.
    AuditEvent.objects.create(actor_id=reviewer.pk + 1000, actor_username="gone-reviewer",
                              action=AuditAction.CLAIM, object_type="AuthorizationRequest",
                              object_id=str(pending.pk))
    audit(by=None, action=AuditAction.ISSUE_LETTER, obj=pending, kind="approval")
    events = reviewer_client.get(page_url(pending)).content.decode()
    events = events[events.index('id="timeline"'):]
    assert "<td>gone-reviewer</td>" in events and "<td>System</td>" in events
    assert f"<td>{pending.prescriber.get_full_name()}</td>" in events


def test_an_appeal_is_on_the_page_of_its_denied_request(reviewer_client, reviewer, prescriber,
                                                        pending):
    assert "Appeal filed" not in reviewer_client.get(page_url(pending)).content.decode()
    request_decide(by=reviewer, req=pending, approve=False, rationale="Not counseled.")
    appeal = appeal_file(by=prescriber, req=pending, statement="Counseled since.",
                         expedited=False, representative=True)
    html = reviewer_client.get(page_url(pending)).content.decode()
    assert "Appeal filed" in html
    assert reverse("admin:authorizations_appeal_decide", args=[appeal.pk]) in html


def test_the_case_is_read_as_the_orm_reads_it(reviewer, pending, make_decided, make_draft):
    from authorizations.models import AuthorizationRequest, Status
    from authorizations.review.desk_services import case_claim
    from authorizations.review.selectors import CASE_FLAGS, case_for_review

    case_claim(by=reviewer, req=pending)
    approved = make_decided(Status.APPROVED)  # with its authorization, no owner

    def described(req):
        def values(obj):
            return obj and [getattr(obj, f.attname) for f in obj._meta.concrete_fields]

        user = req.prescriber
        return (values(req), values(req.htc), values(user),
                values(getattr(user, "prescriber", None)),
                values(getattr(req, "authorization", None)), values(req.owner),
                [bool(getattr(req, flag)) for flag in CASE_FLAGS])

    for case in (pending, approved):
        orm = (AuthorizationRequest.objects.exclude(status=Status.DRAFT)
               .select_related("htc", "prescriber__prescriber", "authorization", "owner")
               .annotate(**CASE_FLAGS).get(pk=case.pk))
        ours = case_for_review(case.pk)
        with CaptureQueriesContext(connection) as ctx:  # every relation already read
            assert described(ours) == described(orm)
        assert ctx.captured_queries == []
        assert ours._state.adding is False and ours._state.db == "default"
    assert described(case_for_review(approved.pk))[4] is not None  # the authorization
    assert described(case_for_review(pending.pk))[5] is not None  # the owner
    # A draft is no case for review, nor a number that is none.
    assert case_for_review(make_draft().pk) is None and case_for_review(10**9) is None


def test_the_requests_for_information_are_read_as_the_orm_reads_them(reviewer, prescriber,
                                                                      pending):
    from authorizations.review.services import information_request, information_respond

    information_request(by=reviewer, req=pending, criteria=list(pending.unmet),
                        document_kinds=["clinic_note"], message="The <counseling> note.")
    information_respond(by=prescriber, req=pending, note="Sent & signed.")
    information_request(by=reviewer, req=pending, criteria=[], document_kinds=["other"],
                        message="One more.")

    def described(irs):
        return [[getattr(ir, f.attname) for f in ir._meta.concrete_fields
                 if f.attname != "letter_pdf"] for ir in irs]

    ours = timeline.information_requests(pending)
    assert len(ours) == 2 and described(ours) == described(
        pending.information_requests.defer("letter_pdf").order_by("paused_at", "id"))
    assert all(ir._state.adding is False for ir in ours)
