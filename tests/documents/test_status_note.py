"""The documents page tells the truth about what can be done in each status:
open for upload on a draft, pending review, during a request for information
(with the way to the response) and while a denial can be or is appealed;
read-only once approved or past the appeal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from authorizations.appeals.services import appeal_file
from authorizations.requests.services import request_decide
from authorizations.review.services import information_request
from tests.files import pdf_bytes, post_document

pytestmark = pytest.mark.django_db


def page_text(client, req) -> tuple[str, str]:
    html = client.get(f"/requests/{req.pk}/documents/").content.decode()
    main = html[html.index("<h1>"):]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split()), html


def test_a_draft_says_which_reports_the_policy_asks_for_and_takes_uploads(owner, draft):
    text, html = page_text(owner, draft)
    assert "The policy asks for the factor IX lab report and the AAV5 antibody report" in text
    assert "You can remove a document until you submit the request" in text
    assert 'type="file"' in html


def test_during_a_request_for_information_it_is_open_for_upload_and_leads_to_the_response(
        owner, pending, reviewer):
    information_request(by=reviewer, req=pending, criteria=["hepatitis_b"],
                        document_kinds=["viral_tests"], message="Send the HBV DNA result.")
    text, html = page_text(owner, pending)
    assert "A clinical reviewer asked for more information: add the documents asked for " \
           "here, then send your response." in text
    assert "decided" not in text
    assert f'href="/requests/{pending.pk}/respond/">Go to your response</a>' in html
    assert 'type="file"' in html
    assert post_document(owner, pending, "hbv.pdf", pdf_bytes(), kind="viral_tests",
                         ).status_code == 302


def test_an_approved_request_is_read_only(owner, approved):
    text, html = page_text(owner, approved)
    assert "This request is approved: its documents can be read but no longer changed." in text
    assert 'type="file"' not in html


def test_a_denial_takes_documents_for_an_appeal_until_the_deadline_then_not(
        owner, pending, reviewer, prescriber):
    request_decide(by=reviewer, req=pending, approve=False, rationale="HBsAg positive.")
    text, html = page_text(owner, pending)
    assert re.search(r"This request was denied\. You can add documents that support an "
                     r"appeal until \w+ \d+, \d{4}, then file the appeal\.", text), text
    assert f'href="/requests/{pending.pk}/appeal/">File an appeal</a>' in html
    assert 'type="file"' in html
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        owner.force_login(prescriber)  # the session of 400 days ago has expired
        text, html = page_text(owner, pending)
    assert "This request was denied and can no longer be appealed here" in text
    assert 'type="file"' not in html


def test_while_an_appeal_awaits_its_decision_documents_can_be_added(
        owner, pending, reviewer, prescriber):
    request_decide(by=reviewer, req=pending, approve=False, rationale="HBsAg positive.")
    appeal_file(by=prescriber, req=pending, statement="The HBV DNA is undetectable.",
                expedited=False, representative=True)
    text, html = page_text(owner, pending)
    assert "its appeal awaits a decision: you can add documents that support the appeal" in text
    assert 'type="file"' in html
