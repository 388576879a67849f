"""CRD through CDS Hooks: discovery, the CDS Hooks specification's order-sign
example request (tests/api/cds/order-sign-hemgenix.json: the specification's
example with Hemgenix as the draft order, the CRD guide's prefetch) gets the
card and the coverage-information system action; a missing, expired,
wrongly signed or replayed JWT is refused."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.core.management.base import CommandError

from authorizations import policy
from authorizations.api import services as api_services
from authorizations.api.models import CDSClient
from authorizations.fhir import crd, questionnaire
from authorizations.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).parent / "cds" / "order-sign-hemgenix.json"
URL = "/cds-services/hemgenix-crd"
AUD = "http://testserver" + URL
ISSUER = "https://ehr.example.org"


@pytest.fixture(scope="module")
def keys():
    return ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP384R1())


@pytest.fixture
def registered(keys, prescriber):
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys[0].public_key()))
    # The JWKS stored as the EHR publishes it.
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return api_services.cds_client_register(
        by=admin, htc=prescriber.prescriber.htc, name="Test EHR", issuer=ISSUER,
        jwks={"keys": [{**public, "kid": "k1", "alg": "ES384"}]})


def token(key, **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUD, "exp": now + 300, "iat": now,
              "jti": str(uuid.uuid4()), **changes}
    return jwt.encode(claims, key, algorithm="ES384", headers={"kid": "k1"})


def call(client, body, bearer=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_discovery_lists_the_service_with_its_prefetch(client):
    body = client.get("/cds-services").json()
    (sign, select) = body["services"]
    assert (sign["id"], sign["hook"], select["hook"]) == ("hemgenix-crd", "order-sign",
                                                          "order-select")
    assert set(sign["prefetch"]) >= {"patient", "coverage", "medicationRequests"}


def test_the_specification_example_with_hemgenix_gets_the_card_and_the_action(
        client, keys, registered):
    response = call(client, json.loads(EXAMPLE.read_text()), token(keys[0]))
    assert response.status_code == 200, response.content
    body = response.json()
    (card,) = body["cards"]
    assert card["summary"] == "Prior authorization needed for Hemgenix (J1411)"
    assert card["source"]["topic"]["code"] == "coverage-info"
    # The request form, prefilled under a token (tests/requests/test_from_ehr.py).
    assert card["links"][1]["url"].startswith("http://testserver/requests/new/from-ehr/")
    (action,) = body["systemActions"]
    assert action["type"] == "update"
    assert action["resource"]["id"] == "smart-MedicationRequest-103"
    (info,) = action["resource"]["extension"]
    assert info["url"] == crd.EXT_COVERAGE_INFORMATION
    parts = {e["url"]: next(v for k, v in e.items() if k.startswith("value"))
             for e in info["extension"]}
    assert parts["coverage"] == {"reference": "Coverage/cov-1288992"}
    assert (parts["covered"], parts["pa-needed"], parts["doc-needed"]) == (
        "covered", "auth-needed", "clinical")
    assert parts["questionnaire"] == questionnaire.canonical(policy.CURRENT)
    assert AuditEvent.objects.filter(action="cds_hook").count() == 1


def test_an_order_of_something_else_gets_no_card(client, keys, registered):
    hook = json.loads(EXAMPLE.read_text())
    order = hook["context"]["draftOrders"]["entry"][0]["resource"]
    order["medicationCodeableConcept"] = {"text": "Acetaminophen 325 MG Oral Tablet"}
    assert call(client, hook, token(keys[0])).json() == {"cards": []}


def test_order_select_answers_for_the_selected_orders_only(client, keys, registered):
    hook = json.loads(EXAMPLE.read_text())
    hook["hook"] = "order-select"
    hook["context"]["selections"] = ["MedicationRequest/other"]
    assert call(client, hook, token(keys[0])).json() == {"cards": []}
    hook["context"]["selections"] = ["MedicationRequest/smart-MedicationRequest-103"]
    assert len(call(client, hook, token(keys[0])).json()["cards"]) == 1


@pytest.mark.parametrize("why", ["missing", "expired", "wrong key", "wrong audience",
                                 "unknown issuer", "replayed"])
def test_a_bad_token_is_refused(client, keys, registered, why):
    hook = json.loads(EXAMPLE.read_text())
    now = int(time.time())
    bearer = {
        "missing": None,
        "expired": token(keys[0], iat=now - 600, exp=now - 300),
        "wrong key": token(keys[1]),
        "wrong audience": token(keys[0], aud="https://elsewhere.example.org/cds-services/x"),
        "unknown issuer": token(keys[0], iss="https://stranger.example.org"),
        "replayed": token(keys[0], jti="once"),
    }[why]
    if why == "replayed":
        assert call(client, hook, bearer).status_code == 200
    response = call(client, hook, bearer)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action="cds_hook").count() == (1 if why == "replayed"
                                                                    else 0)


def test_the_command_registers_a_client_with_its_jwks_as_given(tmp_path, keys, prescriber):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys[0].public_key()))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [public]}))
    call_command("register_cds_client", by="root", htc=prescriber.prescriber.htc.pk,
                 name="Epic", issuer="https://epic.example.org", jwks=str(path))
    assert CDSClient.objects.get().jwks == {"keys": [public]}
    path.write_text("{}")
    with pytest.raises(CommandError, match="at least one key"):
        call_command("register_cds_client", by="root", htc=prescriber.prescriber.htc.pk,
                     name="Epic 2", issuer="https://epic2.example.org", jwks=str(path))
