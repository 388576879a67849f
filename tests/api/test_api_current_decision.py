"""The API tells the current decision (after an appeal, the appeal's) while
`outcome` and `unmet` stay the evaluator's; /api/v1/ is an index and its
documentation is served from the project."""

from __future__ import annotations

import pytest

from authorizations.appeals.services import appeal_file
from authorizations.requests.services import request_decide
from tests.cases import approvable_case
from tests.factories import api_token, make_reviewer, overturn_under_two_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(prescriber):
    return {"HTTP_AUTHORIZATION": f"Api-Key {api_token(prescriber)}"}


def test_an_overturned_appeal_is_the_current_decision(client, token, prescriber, reviewer,
                                                      make_draft, submit, quick_letters):
    req = submit(prescriber, approvable_case(attest_alcohol_counseling=False))
    denial = request_decide(by=reviewer, req=req, approve=False, rationale="No.")
    appeal = appeal_file(by=prescriber, req=req, statement="Why.", expedited=False,
                         representative=True)
    # Past the unmet attestation: under two keys (a third reviewer signs).
    overturn = overturn_under_two_keys(appeal, first=make_reviewer("reviewer-2"),
                                       rationale="Counseling documented.")
    body = client.get(f"/api/v1/requests/{req.number}", **token).json()
    assert (body["status"], body["outcome"], body["unmet"]) == (
        "approved", "not_met", ["alcohol_counseling_attestation"])
    assert body["decision"]["status"] == "approved"
    assert body["decision"]["appeal"] is True
    assert body["decided_at"] == overturn.created_at.isoformat().replace("+00:00", "Z")
    assert body["decided_at"] != denial.created_at.isoformat().replace("+00:00", "Z")


def test_a_pending_request_has_no_decision(client, token, prescriber, submit):
    req = submit(prescriber, approvable_case(attest_alcohol_counseling=False))
    body = client.get(f"/api/v1/requests/{req.number}", **token).json()
    assert (body["status"], body["decision"], body["decided_at"]) == (
        "pending_review", None, None)


def test_the_index_and_the_documentation(client):
    index = client.get("/api/v1/")
    assert index.status_code == 200
    assert index.json()["documentation"].endswith("/api/v1/docs/")
    assert index.json()["endpoints"]["pas_submit"].endswith("/fhir/Claim/$submit")
    redoc = client.get("/api/v1/docs/")
    assert redoc.status_code == 200
    assert b"drf_spectacular_sidecar/redoc" in redoc.content
    assert b"cdn" not in redoc.content.lower()
    swagger = client.get("/api/v1/docs/swagger/")
    assert swagger.status_code == 200
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in swagger.content
