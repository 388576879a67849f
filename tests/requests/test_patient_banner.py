"""Who the patient is (issue 19): one banner, a labelled region (not a
heading), on every page of a request: the wizard, the result, documents,
respond, appeal."""

import re

import pytest
from django.urls import reverse

from authorizations.review.services import information_request
from tests.factories import (
    approvable_case,
    draft_request,
    login,
    make_reviewer,
    submitted_request,
)

pytestmark = pytest.mark.django_db


def banner(html: str) -> str:
    found = re.findall(r'<section class="patient-banner" aria-label="Patient">(.*?)</section>',
                       html, re.S)
    assert len(found) == 1, "one patient banner"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[0]))


def test_every_page_of_a_draft_says_who_the_patient_is(prescriber, client):
    req = draft_request(prescriber)
    login(client, prescriber)
    for url in (reverse("request_step", args=[req.pk, "liver"]),
                reverse("request_step", args=[req.pk, "review"]),
                reverse("request_documents", args=[req.pk]),
                reverse("request_discard", args=[req.pk])):
        html = client.get(url).content.decode()
        text = banner(html)
        assert "Patient Ada Quinlan" in text, url
        assert "Date of birth April 12, 1985" in text, url
        assert "Member ID UHC-100200300" in text, url
        assert html.count("<h1") == 1, url


def test_a_new_request_says_the_patient_is_not_yet_entered(prescriber, client):
    html = login(client, prescriber).get(reverse("request_new")).content.decode()
    assert "Patient: not yet entered" in banner(html)


def test_the_result_and_the_response_pages_say_who_the_patient_is(prescriber, client):
    req = submitted_request(prescriber, approvable_case(hbsag="positive")).request
    information_request(by=make_reviewer(), req=req, criteria=["hepatitis_b"],
                        document_kinds=[], message="Please send the hepatology assessment.")
    login(client, prescriber)
    for url in (reverse("request_detail", args=[req.pk]),
                reverse("request_respond", args=[req.pk])):
        assert "Member ID UHC-100200300" in banner(client.get(url).content.decode()), url
