"""Who the patient is (issue 19): the patient banner on the infusion and
follow-up pages, and the patient in the dashboard's follow-up table, so
results are never entered against the wrong patient."""

import re

import pytest
from django.urls import reverse

from authorizations.models import FollowUp
from tests.factories import login

pytestmark = pytest.mark.django_db


def banner(html: str) -> str:
    found = re.search(r'<section class="patient-banner" aria-label="Patient">(.*?)</section>',
                      html, re.S)
    assert found, "no patient banner"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_infusion_and_follow_up_pages_say_who_the_patient_is(infused, prescriber, client):
    req = infused("FU-B1")
    login(client, prescriber)
    for url in (reverse("infusion", args=[req.pk]), reverse("follow_ups", args=[req.pk]),
                reverse("follow_up", args=[req.pk, 1])):
        text = banner(client.get(url).content.decode())
        assert "Patient Ada Quinlan" in text, url
        assert "Date of birth April 12, 1985" in text, url
        assert "Member ID FU-B1" in text, url


def test_the_dashboards_follow_ups_say_who_the_patient_is(infused, prescriber, client,
                                                           monkeypatch):
    from authorizations.treatment import selectors as treatment_selectors

    req = infused("FU-B2")
    first = FollowUp.objects.get(authorization=req.authorization, number=1)
    monkeypatch.setattr(treatment_selectors, "today", lambda: first.due_on)
    html = login(client, prescriber).get(reverse("dashboard")).content.decode()
    table = html[html.index('id="follow-up-due-caption"'):]
    table = table[:table.index("</table>")]
    assert '<th scope="col">Patient</th><th scope="col">Date of birth</th>' in table
    assert '<td data-label="Patient">Ada Quinlan</td>' in table
    assert '<td data-label="Date of birth">April 12, 1985</td>' in table
    assert '<td data-label="Member ID" class="nowrap">FU-B2</td>' in table
