"""The CRD card's link opens the request form prefilled (issue 22): the CDS
Hooks specification's order-sign example with Hemgenix gets a card whose
link carries only a token; a prescriber of the EHR's HTC who opens it gets a
draft with the order's facts filled, marked as filled from the EHR; the link
works once, expires, and is a 404 for anyone else."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from django.utils import timezone

from authorizations import fhir
from authorizations.core import deadlines
from authorizations.core.actions import AuditAction
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import dtr, profiles
from authorizations.models import AuditEvent, AuthorizationRequest, EHRLaunch
from authorizations.requests.ehr_services import ehr_launch_create
from tests.api.test_cds import EXAMPLE, call, keys, registered, token  # noqa: F401 (fixtures)
from tests.cases import days, iso
from tests.fhir.test_profiles import DTR_CRD, missing

pytestmark = pytest.mark.django_db
PREFILLED = {"patient_first_name": "Ada", "patient_last_name": "Quinlan",
             "date_of_birth": "1985-04-12", "member_id": "UHC-100200300",
             "weight_kg": "72.45", "weight_date": iso(-7)}
# The example's weight Observation, written for 2026-11-27, moved to AS_OF.
EXAMPLE_WEIGHT_AT = "2026-11-20T10:30:00-05:00"


def card_link(client, keys) -> dict:  # noqa: F811 (the fixture's value)
    example = EXAMPLE.read_text().replace(EXAMPLE_WEIGHT_AT, f"{iso(-7)}T10:30:00-05:00")
    response = call(client, json.loads(example), token(keys[0]))
    assert response.status_code == 200, response.content
    (card,) = response.json()["cards"]
    return card["links"][1]


def field_value(html: str, key: str) -> str | None:
    """The value an input of the page shows for one answer key."""
    for tag in re.findall(r"<input[^>]*>", html):
        if re.search(rf'name="[^"]*{key}"', tag):
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else ""
    return None


def path_of(link: dict) -> str:
    return urlparse(link["url"]).path


def test_the_card_link_opens_the_wizard_prefilled(client, keys, registered,  # noqa: F811
                                                   prescriber):
    link = card_link(client, keys)
    assert link["type"] == "absolute"
    assert re.fullmatch(r"/requests/new/from-ehr/[A-Za-z0-9_-]{40,}/", path_of(link))
    assert not any(value in link["url"] for value in PREFILLED.values())  # never PHI in a URL
    client.force_login(prescriber)
    # First what the EHR sent, to confirm: the link is not used up by looking.
    page = client.get(path_of(link))
    assert page.status_code == 200
    confirm = page.content.decode()
    assert "Start a request from your EHR" in confirm
    assert "Quinlan" in confirm and "UHC-100200300" in confirm
    assert not AuthorizationRequest.objects.exists()
    assert EHRLaunch.objects.get().used_at is None
    response = client.post(path_of(link), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "started with the answers your EHR sent" in html
    # As the form shows them: dates as the prescriber types them.
    shown = {**PREFILLED, "date_of_birth": "04/12/1985",
             "weight_date": days(-7).strftime("%m/%d/%Y")}
    assert {key: field_value(html, key) for key in PREFILLED} == shown
    req = AuthorizationRequest.objects.get()
    assert req.answer_origins == {key: "auto-server" for key in PREFILLED}
    review = client.get(f"/requests/{req.pk}/edit/review/").content.decode()
    review = review[review.index('class="answer-group"'):]
    assert re.search(r"<dt>Date of birth</dt>\s*<dd>[^<]*<span class=\"answer-origin\">"
                     r"Filled from the EHR</span>", review)


def test_looking_is_audited_with_the_launch_as_its_subject(
        client, keys, registered, prescriber, other_prescriber):  # noqa: F811
    """Issue 22: the confirmation page shows patient data (name, birth date,
    member ID), so each look writes an audit row; no request exists yet, so
    its subject is the launch. The row names the answers shown, never their
    values, and looking still uses nothing up."""
    link = card_link(client, keys)
    launch = EHRLaunch.objects.get()
    sent = dict(launch.answers)
    client.force_login(other_prescriber)  # another HTC's: a 404, nothing shown
    assert client.get(path_of(link)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EHR_LAUNCH_VIEW).exists()

    client.force_login(prescriber)
    for _ in range(2):
        page = client.get(path_of(link))
        assert page.status_code == 200 and "Quinlan" in page.content.decode()
    seen = list(AuditEvent.objects.filter(action=AuditAction.EHR_LAUNCH_VIEW).order_by("pk"))
    assert [(e.actor_id, e.object_type, e.object_id) for e in seen] == \
        [(prescriber.pk, "EHRLaunch", str(launch.pk))] * 2
    assert set(PREFILLED) <= set(seen[0].detail["keys"]) <= set(sent)
    recorded = json.dumps([e.detail for e in seen])
    assert not [value for value in PREFILLED.values() if value in recorded]  # no PHI

    # Otherwise as it was: the link unused, its answers kept, no draft.
    launch.refresh_from_db()
    assert launch.used_at is None and launch.answers == sent
    assert not AuthorizationRequest.objects.exists()
    assert client.post(path_of(link)).status_code == 302


def test_the_link_works_once(client, keys, registered, prescriber):  # noqa: F811
    link = card_link(client, keys)
    client.force_login(prescriber)
    assert client.get(path_of(link)).status_code == 200  # looking does not use it
    assert client.post(path_of(link)).status_code == 302
    assert client.get(path_of(link)).status_code == 404
    assert client.post(path_of(link)).status_code == 404
    assert AuthorizationRequest.objects.count() == 1
    # What the EHR sent is gone once used: the draft holds it now.
    assert (EHRLaunch.objects.get().answers, EHRLaunch.objects.get().patient) == ({}, "")


def test_the_link_expires(client, keys, registered, prescriber):  # noqa: F811
    link = card_link(client, keys)
    later = timezone.now() + deadlines.EHR_LAUNCH_VALIDITY + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        client.force_login(prescriber)  # signed in then: the link, not the session, expired
        assert client.get(path_of(link)).status_code == 404
        assert client.post(path_of(link)).status_code == 404
    assert not AuthorizationRequest.objects.exists()


def test_a_launch_keeps_the_hooks_patient_until_it_expires(client, keys, registered,  # noqa: F811
                                                            prescriber):
    card_link(client, keys)
    launch = EHRLaunch.objects.get()
    assert launch.patient == "1288992"  # the example's context.patientId, for the SMART launch
    later = timezone.now() + deadlines.EHR_LAUNCH_VALIDITY + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        ehr_launch_create(by=None, htc=prescriber.prescriber.htc, answers={})
    launch.refresh_from_db()
    assert (launch.answers, launch.patient) == ({}, "")


def test_a_strangers_link_is_a_404_and_stays_the_owners(client, keys, registered,  # noqa: F811
                                                         prescriber, other_prescriber):
    link = card_link(client, keys)
    client.force_login(other_prescriber)  # another HTC's prescriber
    assert client.get(path_of(link)).status_code == 404
    assert client.post(path_of(link)).status_code == 404
    assert client.get("/requests/new/from-ehr/made-up-token/").status_code == 404
    client.force_login(prescriber)
    assert client.post(path_of(link)).status_code == 302


def test_an_ehr_that_launches_smart_apps_gets_a_smart_link(client, keys, registered,  # noqa: F811
                                                           prescriber):
    registered.smart_launch = True
    registered.save(update_fields=["smart_launch"])
    link = card_link(client, keys)
    assert link["type"] == "smart"
    # The SMART launch URL (the EHR adds iss and launch); the appContext, which
    # the EHR hands back in its token response, carries the form's token
    # (tests/api/test_smart.py runs the launch).
    assert path_of(link) == "/smart/launch"
    context = json.loads(link["appContext"])
    assert not any(value in link["appContext"] for value in PREFILLED.values())
    client.force_login(prescriber)
    assert client.post(f"/requests/new/from-ehr/{context['token']}/").status_code == 302


def test_the_audit_names_the_answers_never_their_values(client, keys, registered,  # noqa: F811
                                                        prescriber):
    client.force_login(prescriber)
    client.post(path_of(card_link(client, keys)))
    details = json.dumps([e.detail for e in AuditEvent.objects.all()])
    assert "ehr_launch_create" in {e.action for e in AuditEvent.objects.all()}
    assert not any(value in details for value in PREFILLED.values())


def test_the_questionnaire_response_names_the_order_and_keeps_the_dtr_rules(
        client, keys, registered, prescriber):  # noqa: F811
    client.force_login(prescriber)
    client.post(path_of(card_link(client, keys)))
    data = fhir.to_data(fhir_bundle.questionnaire_response(AuthorizationRequest.objects.get()))
    (context,) = [e for e in data["extension"] if e["url"] == dtr.EXT_QR_CONTEXT]
    assert context["valueReference"] == {
        "reference": "MedicationRequest/smart-MedicationRequest-103"}
    rule = DTR_CRD["profiles"][profiles.DTR_QUESTIONNAIRE_RESPONSE]
    assert missing(data, rule["required"] + rule["mustSupport"]) == []
    found, problems = dtr.answer_origins(data["item"])
    assert problems == [] and found["date_of_birth"] == "auto-server"
