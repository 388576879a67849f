"""What the request page reads to be quick (issue 20, speed), and that it
still links each document where it did."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorizations.documents.services import document_add
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
    case_reads = [q["sql"] for q in ctx.captured_queries
                  if re.search(r'FROM "authorizations_authorizationrequest"', q["sql"])
                  and re.search(rf'"authorizations_authorizationrequest"\."id" = {pending.pk}\b',
                                q["sql"])
                  and "LIMIT 21" in q["sql"]]
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
