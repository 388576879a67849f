"""documentation_missing on the API's path (data dictionary, section 4): a
draft made from a QuestionnaireResponse is submitted like any other; without
the factor IX lab report and the AAV5 antibody report it is pended, and the
status and the ClaimResponse say which documents are missing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from authorizations import fhir, policy
from authorizations.models import AuthorizationRequest
from authorizations.policy import values
from authorizations.requests.services import request_submit
from tests.cases import approvable_case, iso
from tests.factories import api_token, attach_reports

pytestmark = pytest.mark.django_db

NPI = "1234567893"


@pytest.fixture
def token(prescriber):
    return {"HTTP_AUTHORIZATION": f"Api-Key {api_token(prescriber, npi=NPI)}"}


@pytest.fixture
def draft_from_api(client, token):
    text = fhir.dumps(fhir.build_response(
        approvable_case(), version=policy.CURRENT, status="completed",
        author={"identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": NPI}}))
    response = client.post("/api/v1/questionnaire-responses", text,
                           content_type="application/fhir+json", **token)
    assert response.status_code == 201, response.content
    return AuthorizationRequest.objects.get(pk=int(response.json()["request"][3:]))


def status_of(client, token, req) -> dict:
    return client.get(f"/api/v1/requests/{req.number}", **token).json()


def test_an_api_draft_submitted_without_reports_is_pended_naming_them(
        client, token, prescriber, draft_from_api):
    request_submit(by=prescriber, req=draft_from_api)
    body = status_of(client, token, draft_from_api)
    assert (body["status"], body["outcome"], body["unmet"], body["review_flags"]) == (
        "pending_review", "meets_criteria", [], ["documentation_missing"])
    bundle = json.loads(client.get(f"/api/v1/requests/{draft_from_api.number}/fhir",
                                   **token).content)
    [claim_response] = [e["resource"] for e in bundle["entry"]
                        if e["resource"]["resourceType"] == "ClaimResponse"]
    texts = [c.get("text", "") for c in _reason_concepts(claim_response)]
    assert any(t.startswith("No factor IX lab report and no AAV5 antibody report are attached")
               for t in texts), texts


def test_an_api_draft_with_only_the_factor_ix_report_names_the_aav5_report(
        client, token, prescriber, draft_from_api):
    attach_reports(prescriber, draft_from_api, kinds=["factor_ix_lab"])
    request_submit(by=prescriber, req=draft_from_api)
    draft_from_api.refresh_from_db()
    assert draft_from_api.review_flags == ["documentation_missing"]
    [reason] = draft_from_api.review_flag_reasons
    assert reason["text"].startswith("No AAV5 antibody report is attached.")
    assert "factor IX lab report" not in reason["text"]


def test_an_api_draft_with_both_reports_is_approved_at_once(
        client, token, prescriber, draft_from_api):
    attach_reports(prescriber, draft_from_api)
    request_submit(by=prescriber, req=draft_from_api)
    body = status_of(client, token, draft_from_api)
    assert (body["status"], body["review_flags"]) == ("approved", [])
    assert body["authorization"]["hcpcs"] == "J1411"


def test_evaluate_never_raises_documentation_missing(tmp_path, capsys):
    """The command line has no documents (data dictionary, section 4)."""
    case = tmp_path / "case.json"
    case.write_text(values.dumps(approvable_case()))
    call_command("evaluate", str(case), "--as-of", iso(0))
    assert json.loads(capsys.readouterr().out)["review_flags"] == []


def _reason_concepts(claim_response: dict) -> list[dict]:
    concepts = []
    for item in claim_response.get("item", []):
        for adjudication in item.get("adjudication", []):
            for ext in adjudication.get("extension", []):
                for part in ext.get("extension", []):
                    if part["url"] == "reasonCode":
                        concepts.append(part["valueCodeableConcept"])
    return concepts
