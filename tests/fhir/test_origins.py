"""Where each answer came from (DTR information-origin): an imported
QuestionnaireResponse's origins are kept with the answers, both pages say
beside each answer which ones the EHR filled, a change in the wizard makes
an EHR answer an override, and the export says it all back."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from authorizations import fhir, policy
from authorizations.api import services as api_services
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import dtr, jsonio, profiles
from authorizations.models import AuthorizationRequest, Status
from authorizations.requests.services import request_save_draft, request_submit
from authorizations.review.conversation import answers_change
from authorizations.review.services import information_request
from tests.cases import AS_OF, approvable_case
from tests.factories import UserFactory, api_token, attach_reports
from tests.fhir.pas_bundles import NPI, request_bundle

pytestmark = pytest.mark.django_db
PRESCRIBER = {"reference": "Practitioner/p1"}


def origin(source: str) -> dict:
    parts = [{"url": "source", "valueCode": source}]
    if source in ("override", "manual"):
        parts.append({"url": "author", "extension": [
            {"url": "practitioner", "valueReference": PRESCRIBER}]})
    return {"url": dtr.EXT_INFORMATION_ORIGIN, "extension": parts}


ORIGINS = {"date_of_birth": "auto-client", "fix_activity_percent": "auto-server",
           "weight_kg": "override", "diagnosis": "manual"}


def ehr_response(**changes) -> str:
    data = json.loads(fhir.dumps(fhir.build_response(approvable_case(**changes),
                                                     version=policy.CURRENT,
                                                     status="in-progress")))
    for group in data["item"]:
        for item in group["item"]:
            if item["linkId"] in ORIGINS:
                item["answer"][0]["extension"] = [origin(ORIGINS[item["linkId"]])]
    return json.dumps(data)


def upload(client, prescriber, **changes) -> AuthorizationRequest:
    client.force_login(prescriber)
    file = SimpleUploadedFile("response.json", ehr_response(**changes).encode(),
                              content_type="application/fhir+json")
    assert client.post("/requests/import/", {"file": file}).status_code == 302
    return AuthorizationRequest.objects.get()


def origin_of(html: str, label: str) -> str:
    """The words printed beside one answer in the answers' list (the
    prescriber's <dt>/<dd>, the reviewer's <th>/<td>)."""
    row = rf"<(?:dt|th)>{re.escape(label)}</(?:dt|th)>\s*<(?:dd|td)>(.*?)</(?:dd|td)>"
    (cell,) = re.findall(row, html, flags=re.S)
    for words in ("Filled from the EHR", "EHR value changed"):
        if words in cell:
            return words
    return ""


def review_step(client, req) -> str:
    """The prescriber's review step, from its answers on (the patient banner
    above them names the date of birth too)."""
    html = client.get(f"/requests/{req.pk}/edit/review/").content.decode()
    return html[html.index('class="answer-group"'):]


def test_the_upload_keeps_each_answers_origin(client, prescriber):
    req = upload(client, prescriber)
    assert req.answer_origins == ORIGINS


def test_the_api_import_keeps_each_answers_origin(client, prescriber):
    prescriber.prescriber.npi = "1234567893"
    prescriber.prescriber.save()
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    _, raw = api_services.api_key_create(by=root, htc=prescriber.prescriber.htc, name="EHR")
    data = json.loads(ehr_response())
    data["author"] = {"identifier": {"system": "http://hl7.org/fhir/sid/us-npi",
                                     "value": "1234567893"}}
    response = client.post("/api/v1/questionnaire-responses", json.dumps(data),
                           content_type="application/fhir+json",
                           HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 201, response.content
    assert AuthorizationRequest.objects.get().answer_origins == ORIGINS


def test_the_review_step_says_which_answers_the_ehr_filled(client, prescriber):
    req = upload(client, prescriber)
    html = review_step(client, req)
    assert origin_of(html, "Date of birth") == "Filled from the EHR"
    assert origin_of(html, policy.QUESTION_BY_KEY["fix_activity_percent"].label) == \
        "Filled from the EHR"
    assert origin_of(html, policy.QUESTION_BY_KEY["weight_kg"].label) == "EHR value changed"
    assert origin_of(html, policy.QUESTION_BY_KEY["diagnosis"].label) == ""


def test_a_changed_ehr_answer_becomes_an_override_and_a_new_one_manual(client, prescriber):
    req = upload(client, prescriber)
    answers = {**req.answers, "date_of_birth": "1990-01-02", "member_id": "UHC-100200301"}
    request_save_draft(by=prescriber, req=req, answers=answers, step="review")
    req.refresh_from_db()
    assert req.answer_origins["date_of_birth"] == "override"
    assert req.answer_origins["fix_activity_percent"] == "auto-server"  # kept as filled
    assert req.answer_origins["member_id"] == "manual"  # typed where the EHR gave none
    html = review_step(client, req)
    assert origin_of(html, "Date of birth") == "EHR value changed"


def test_the_reviewers_page_says_which_answers_the_ehr_filled(client, prescriber, reviewer):
    req = upload(client, prescriber)
    attach_reports(prescriber, req)
    request_submit(by=prescriber, req=req, as_of=AS_OF)
    client.force_login(reviewer)
    html = client.get(
        f"/admin/authorizations/authorizationrequest/{req.pk}/change/").content.decode()
    answers = html[html.index("Answers, by wizard step"):]
    assert origin_of(answers, "Date of birth") == "Filled from the EHR"
    # And in the criteria, beside the answers each one reads.
    criteria = html[html.index('id="criteria"'):html.index("Answers, by wizard step")]
    assert re.search(r"Date of birth: <strong>[^<]*</strong> <span [^>]*>Filled from the EHR",
                     criteria)
    assert origin_of(answers, policy.QUESTION_BY_KEY["weight_kg"].label) == "EHR value changed"
    assert origin_of(answers, policy.QUESTION_BY_KEY["diagnosis"].label) == ""


def test_the_export_writes_each_answers_origin(client, prescriber):
    req = upload(client, prescriber)
    data = fhir.to_data(fhir_bundle.questionnaire_response(req))
    assert data["meta"]["profile"] == [profiles.DTR_QUESTIONNAIRE_RESPONSE]
    found, problems = dtr.answer_origins(data["item"])
    assert problems == []  # DTR dtrx-1: a person's answer names its author, software's none
    answered = {item["linkId"] for group in data["item"] for item in group["item"]}
    assert set(found) == answered  # every answer says where it came from
    assert {k: found[k] for k in ORIGINS} == ORIGINS
    # What no one marked was given by the prescriber who signed: manual, named.
    assert found["member_id"] == "manual"
    by_key = {item["linkId"]: item for group in data["item"] for item in group["item"]}
    (ext,) = by_key["member_id"]["answer"][0]["extension"]
    (author,) = [e for e in ext["extension"] if e["url"] == "author"]
    assert author["extension"][0]["valueReference"] == data["author"]


def test_a_changed_answer_in_a_response_keeps_the_version_with_its_origins(
        client, prescriber, reviewer):
    req = upload(client, prescriber, hbsag="positive")  # unmet: a reviewer's case
    attach_reports(prescriber, req)
    request_submit(by=prescriber, req=req, as_of=AS_OF)
    req.refresh_from_db()
    assert req.status == Status.PENDING_REVIEW
    information_request(by=reviewer, req=req, criteria=[], document_kinds=[],
                        message="Please confirm the date of birth.")
    req.refresh_from_db()
    version = answers_change(by=prescriber, req=req, step="patient",
                             answers={**req.answers, "date_of_birth": "1990-01-02"})
    assert version.answer_origins["date_of_birth"] == "override"
    assert req.answer_versions.get(number=1).answer_origins["date_of_birth"] == "auto-client"


def test_pas_submit_keeps_each_answers_origin(client, prescriber):
    """The same origins through Claim/$submit (Da Vinci PAS): the request
    Bundle's QuestionnaireResponse carries them, the request keeps them."""
    token = api_token(prescriber, npi=NPI)
    bundle = request_bundle()
    (answers,) = [entry["resource"] for entry in bundle["entry"]
                  if entry["resource"]["resourceType"] == "QuestionnaireResponse"]
    for group in answers["item"]:
        for item in group["item"]:
            if item["linkId"] in ORIGINS:
                item["answer"][0]["extension"] = [origin(ORIGINS[item["linkId"]])]
    response = client.post("/fhir/Claim/$submit", data=jsonio.dumps_data(bundle),
                           content_type="application/fhir+json",
                           HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert response.status_code == 200, response.content[:500]
    assert AuthorizationRequest.objects.get().answer_origins == ORIGINS
