"""The API for EHRs: a token per HTC (hashed, revocable, throttled, audited),
a request's status and Bundle, and drafts from QuestionnaireResponses."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from fhir.resources.R4B.bundle import Bundle

from authorizations import fhir, policy
from authorizations.api import services as api_services
from authorizations.api.auth import APIKeyThrottle
from authorizations.api.models import HTCAPIKey
from authorizations.models import AuditEvent, AuthorizationRequest, Status
from tests.cases import approvable_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def token(superuser, prescriber):
    _, raw = api_services.api_key_create(by=superuser, htc=prescriber.prescriber.htc,
                                         name="Epic at the test HTC")
    return raw


@pytest.fixture
def other_token(superuser, other_prescriber):
    _, raw = api_services.api_key_create(by=superuser, htc=other_prescriber.prescriber.htc,
                                         name="Another HTC's EHR")
    return raw


def auth(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def response_json(**changes) -> str:
    return fhir.dumps(fhir.build_response(approvable_case(**changes), version=policy.CURRENT,
                                          status="completed", author={"identifier": {
                                              "system": "http://hl7.org/fhir/sid/us-npi",
                                              "value": "1234567893"}}))


@pytest.fixture
def npi(prescriber):
    prescriber.prescriber.npi = "1234567893"
    prescriber.prescriber.save()


# ---- status ---------------------------------------------------------------

def test_status_of_an_approved_request_with_its_authorization(client, token, make_decided):
    req = make_decided(Status.APPROVED)
    response = client.get(f"/api/v1/requests/{req.number}", **auth(token))
    assert response.status_code == 200
    body = response.json()
    auth_row = req.authorization
    assert body["request"] == req.number
    assert (body["status"], body["outcome"], body["unmet"]) == ("approved", "meets_criteria", [])
    assert body["authorization"] == {
        "number": auth_row.number, "start": auth_row.start_date.isoformat(),
        "end": auth_row.end_date.isoformat(), "status": "active", "hcpcs": "J1411",
        "icd10": "D67"}
    event = AuditEvent.objects.get(action="api_status")
    prefix = token.split(".")[0]
    assert (event.actor_username, event.object_id) == (f"api-key:{prefix}", str(req.pk))


def test_status_of_a_pending_request_lists_unmet_criteria(client, token, make_decided):
    req = make_decided(Status.PENDING_REVIEW)
    body = client.get(f"/api/v1/requests/{req.number}", **auth(token)).json()
    assert (body["status"], body["outcome"]) == ("pending_review", "not_met")
    assert body["unmet"] == req.unmet and body["authorization"] is None


def test_another_htcs_token_gets_404(client, other_token, make_decided):
    req = make_decided(Status.APPROVED)
    for url in (f"/api/v1/requests/{req.number}", f"/api/v1/requests/{req.number}/fhir"):
        assert client.get(url, **auth(other_token)).status_code == 404
    assert not AuditEvent.objects.filter(action__in=["api_status", "fhir_export"]).exists()


@pytest.mark.parametrize("number", ["PA-9999999", "PA-12", "12", "PA-0000001x"])
def test_unknown_numbers_are_404(client, token, number):
    assert client.get(f"/api/v1/requests/{number}", **auth(token)).status_code == 404


# ---- authentication --------------------------------------------------------

def test_no_token_a_wrong_one_or_a_session_is_401(client, token, prescriber, make_decided):
    req = make_decided(Status.APPROVED)
    url = f"/api/v1/requests/{req.number}"
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Api-Key")
    prefix = token.split(".")[0]
    assert client.get(url, **auth(f"{prefix}.wrong-secret")).status_code == 401
    assert client.get(url, **auth("nonsense")).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    client.force_login(prescriber)
    assert client.get(url).status_code == 401  # the API takes tokens, not sessions


def test_a_revoked_token_is_401(client, token, superuser, make_decided):
    req = make_decided(Status.APPROVED)
    url = f"/api/v1/requests/{req.number}"
    assert client.get(url, **auth(token)).status_code == 200
    api_services.api_key_revoke(by=superuser, key=HTCAPIKey.objects.get())
    assert client.get(url, **auth(token)).status_code == 401
    assert AuditEvent.objects.filter(action="api_key_revoke").count() == 1


def test_an_expired_token_is_401(client, token, make_decided):
    req = make_decided(Status.APPROVED)
    HTCAPIKey.objects.update(expiry_date=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/api/v1/requests/{req.number}", **auth(token)).status_code == 401


def test_requests_are_throttled_per_token(client, token, other_token, monkeypatch,
                                          make_decided):
    monkeypatch.setattr(APIKeyThrottle, "THROTTLE_RATES", {"api_key": "2/min"})
    req = make_decided(Status.APPROVED)
    url = f"/api/v1/requests/{req.number}"
    assert [client.get(url, **auth(token)).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url, **auth(other_token)).status_code == 404  # its own bucket


def test_no_token_is_stored_in_clear(client, token, superuser, prescriber):
    secret = token.split(".", 1)[1]
    key = HTCAPIKey.objects.get()
    assert key.hashed_key == "sha512$$" + hashlib.sha512(token.encode()).hexdigest()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert secret not in dump.getvalue() and token not in dump.getvalue()


def test_only_a_superuser_manages_tokens(prescriber, reviewer):
    with pytest.raises(api_services.NotAllowed):
        api_services.api_key_create(by=reviewer, htc=prescriber.prescriber.htc, name="x")


# ---- the admin ------------------------------------------------------------

def test_superuser_creates_a_token_in_the_admin_and_sees_it_once(client, superuser,
                                                                   prescriber):
    client.force_login(superuser)
    htc = prescriber.prescriber.htc
    response = client.post("/admin/authorizations_api/htcapikey/add/",
                           {"name": "Epic", "htc": htc.pk}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"] if " is: " in str(m)]
    assert len(shown) == 1
    key = HTCAPIKey.objects.get()
    token = shown[0].split(" is: ")[1].split(" ")[0]
    assert token.startswith(key.prefix + ".") and key.htc == htc
    listing = client.get("/admin/authorizations_api/htcapikey/").content.decode()
    assert key.prefix in listing and token not in listing
    event = AuditEvent.objects.get(action="api_key_create")
    assert event.detail == {"key": key.prefix, "name": "Epic"}
    client.post("/admin/authorizations_api/htcapikey/",
                {"action": "revoke", "_selected_action": [key.pk]})
    assert HTCAPIKey.objects.get().revoked


def test_reviewers_cannot_see_tokens(client, reviewer, token):
    client.force_login(reviewer)
    assert client.get("/admin/authorizations_api/htcapikey/").status_code == 403
    assert client.get("/admin/authorizations_api/htcapikey/add/").status_code == 403
    assert b"API token" not in client.get("/admin/").content


# ---- FHIR and import ---------------------------------------------------------

def test_the_bundle_over_the_api(client, token, make_decided):
    req = make_decided(Status.DENIED)
    response = client.get(f"/api/v1/requests/{req.number}/fhir", **auth(token),
                          HTTP_ACCEPT="application/fhir+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = fhir.parse(Bundle, response.content)
    assert bundle.type == "collection"
    event = AuditEvent.objects.get(action="fhir_export")
    assert event.detail == {"via": "api"}


def test_posting_a_response_creates_a_draft_of_the_author(client, token, prescriber, npi):
    response = client.post("/api/v1/questionnaire-responses", response_json(),
                           content_type="application/fhir+json", **auth(token))
    assert response.status_code == 201, response.content
    req = AuthorizationRequest.objects.get()
    body = response.json()
    assert (body["request"], body["status"], body["prescriber"]) == (
        req.number, "draft", "prescriber")
    assert response["Location"].endswith(f"/api/v1/requests/{req.number}")
    assert body["resume_url"].endswith(f"/requests/{req.pk}/edit/")
    assert (req.prescriber, req.htc) == (prescriber, prescriber.prescriber.htc)
    event = AuditEvent.objects.get(action="fhir_import")
    assert event.actor_username.startswith("api-key:") and event.detail["via"] == "api"


def test_posting_names_the_prescriber_by_username(client, token, prescriber, other_prescriber):
    url = "/api/v1/questionnaire-responses?prescriber=prescriber"
    assert client.post(url, response_json(), content_type="application/json",
                       **auth(token)).status_code == 201
    response = client.post("/api/v1/questionnaire-responses?prescriber=other-prescriber",
                           response_json(), content_type="application/json", **auth(token))
    assert response.status_code == 400
    assert response.json()["problems"][0]["linkId"] == "prescriber"


def test_a_bad_response_is_400_with_every_problem_and_nothing_created(client, token, npi):
    data = json.loads(response_json(weight_kg=9, hbsag="unknown"))
    response = client.post("/api/v1/questionnaire-responses", json.dumps(data),
                           content_type="application/fhir+json", **auth(token))
    assert response.status_code == 400
    problems = {p["linkId"] for p in response.json()["problems"]}
    assert {"weight_kg", "hbsag"} <= problems
    assert not AuthorizationRequest.objects.exists()
    unknown_author = client.post("/api/v1/questionnaire-responses",
                                 response_json().replace("1234567893", "1111111112"),
                                 content_type="application/fhir+json", **auth(token))
    assert unknown_author.json()["problems"][0]["linkId"] == "author"
    assert client.post("/api/v1/questionnaire-responses", response_json(),
                       content_type="application/fhir+json").status_code == 401


# ---- OpenAPI -------------------------------------------------------------------

def test_openapi_description_is_served_and_valid(client):
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert set(schema["paths"]) == {"/api/v1/requests/{number}",
                                    "/api/v1/requests/{number}/fhir",
                                    "/api/v1/questionnaire-responses", "/api/v1/",
                                    "/fhir/Claim/$submit", "/fhir/Claim/$inquire"}
    assert schema["components"]["securitySchemes"]["ApiKey"]["in"] == "header"
    post = schema["paths"]["/api/v1/questionnaire-responses"]["post"]
    assert {"201", "400", "401"} <= set(post["responses"])


def test_schema_generation_has_no_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())
