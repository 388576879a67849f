"""Da Vinci PAS: Claim/$submit takes a request Bundle written after the
guide's example and answers with a PAS response Bundle that parses;
$inquire answers with the current decision; every refusal is an
OperationOutcome naming the path of each problem."""

from __future__ import annotations

import base64
import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from authorizations import fhir
from authorizations.fhir import codes, jsonio, profiles
from authorizations.models import AuditEvent, AuthorizationRequest, Document, Status
from authorizations.requests.services import request_decide
from authorizations.review.services import information_request
from tests.cases import AS_OF, approvable_case
from tests.factories import api_token
from tests.fhir.pas_bundles import (
    NPI,
    REPORTS,
    bundle_file_text,
    inquiry_bundle,
    request_bundle,
)

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"


@pytest.fixture
def token(prescriber):
    return api_token(prescriber, npi=NPI)


def post(client, url, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {token}"} if token else {}
    text = body if isinstance(body, (str, bytes)) else jsonio.dumps_data(body)
    return client.post(url, data=text, content_type=FHIR_JSON, **headers)


def submit(client, token, body):
    return post(client, "/fhir/Claim/$submit", body, token)


def parsed(response) -> Bundle:
    assert response["Content-Type"].startswith(FHIR_JSON)
    return fhir.parse(Bundle, response.content)


def review_action(claim_response) -> tuple[str, list[tuple[str, str]]]:
    (adjudication,) = claim_response.item[0].adjudication
    (action,) = adjudication.extension
    code, reasons = "", []
    for part in action.extension:
        if part.url == codes.EXT_REVIEW_ACTION_CODE:
            code = part.valueCodeableConcept.coding[0].code
        elif part.url == "reasonCode":
            reasons += [(c.system, c.code) for c in part.valueCodeableConcept.coding]
    return code, reasons


def issues(response) -> list[tuple[str, str]]:
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return [((i.get("expression") or [""])[0], i["diagnostics"]) for i in body["issue"]]


def test_the_bundle_file_is_the_example_written_out():
    assert json.loads(bundle_file_text()) == json.loads(jsonio.dumps_data(request_bundle()))


def test_an_approvable_request_is_certified_with_its_authorization(client, token):
    response = submit(client, token, bundle_file_text().encode())
    assert response.status_code == 200, response.content[:500]
    bundle = parsed(response)
    assert bundle.meta.profile == [profiles.PAS_RESPONSE_BUNDLE]
    assert (bundle.identifier.value, bundle.type) == ("HGX-0001", "collection")
    claim_response = bundle.entry[0].resource
    assert claim_response.get_resource_type() == "ClaimResponse"
    assert claim_response.meta.profile == [profiles.PAS_CLAIM_RESPONSE]
    assert review_action(claim_response) == ("A1", [])
    req = AuthorizationRequest.objects.get()
    auth = req.authorization
    assert req.status == Status.APPROVED
    assert claim_response.preAuthRef == auth.number
    assert (claim_response.preAuthPeriod.start, claim_response.preAuthPeriod.end) == (
        auth.start_date, auth.end_date)
    assert all(e.resource.meta and e.resource.meta.profile for e in bundle.entry)
    assert AuditEvent.objects.filter(action="pas_submit", object_id=str(req.pk)).count() == 1
    assert sorted((d.kind, d.file_name, d.content_type) for d in req.documents.all()) == sorted(
        (kind, name, "application/pdf") for _, kind, name, _ in REPORTS)


def test_without_the_two_reports_the_request_is_pended_for_documentation(client, token):
    response = submit(client, token, request_bundle(documents=False))
    assert response.status_code == 200, response.content[:500]
    claim_response = parsed(response).entry[0].resource
    assert review_action(claim_response) == (
        "A4", [(codes.REVIEW_FLAG_SYSTEM, "documentation_missing")])
    assert claim_response.preAuthRef is None
    assert AuthorizationRequest.objects.get().status == Status.PENDING_REVIEW


def test_a_loinc_document_code_that_names_a_kind_is_enough(client, token):
    bundle = request_bundle()
    bundle["entry"][8]["resource"]["type"] = {"coding": [{
        "system": "http://loinc.org", "code": "18748-4", "display": "Diagnostic imaging study"}]}
    claim_response = parsed(submit(client, token, bundle)).entry[0].resource
    # The AAV5 report is now an imaging report: documentation is missing.
    assert review_action(claim_response) == (
        "A4", [(codes.REVIEW_FLAG_SYSTEM, "documentation_missing")])
    kinds = sorted(AuthorizationRequest.objects.get().documents.values_list("kind", flat=True))
    assert kinds == ["factor_ix_lab", "liver_imaging"]


def test_a_document_the_checks_refuse_is_422_with_its_entry_and_nothing_is_kept(client,
                                                                               token):
    bundle = request_bundle()
    # Entry 8 (the AAV5 report): the PDF cut short, so pypdf cannot open it.
    attachment = bundle["entry"][8]["resource"]["content"][0]["attachment"]
    attachment["data"] = base64.b64encode(b"%PDF-1.4\n1 0 obj\n<<").decode()
    response = submit(client, token, bundle)
    assert response.status_code == 422
    ((path, message),) = issues(response)
    assert path == "Bundle.entry[8].resource.content[0].attachment.data"
    assert message.startswith("aav5-nab-assay.pdf could not be opened as a PDF")
    assert AuthorizationRequest.objects.count() == 0
    assert Document.objects.count() == 0


def test_a_document_without_a_kind_or_inline_data_is_422_before_anything_is_read(client,
                                                                                 token):
    bundle = request_bundle()
    bundle["entry"][7]["resource"]["type"]["coding"].pop()  # LOINC lab report only
    del bundle["entry"][8]["resource"]["content"][0]["attachment"]["data"]
    bundle["entry"][8]["resource"]["content"][0]["attachment"]["url"] = "https://x.test/a"
    response = submit(client, token, bundle)
    assert response.status_code == 422
    found = issues(response)
    assert [p for p, _ in found] == ["Bundle.entry[7].resource.type",
                                     "Bundle.entry[8].resource.content[0].attachment.url",
                                     "Bundle.entry[8].resource.content[0].attachment.data"]
    assert "says a laboratory report, not which one" in found[0][1]
    assert AuthorizationRequest.objects.count() == 0


def test_a_replayed_bundle_answers_with_the_same_request(client, token):
    first = parsed(submit(client, token, request_bundle()))
    again = submit(client, token, request_bundle())
    assert again.status_code == 200
    assert parsed(again).entry[0].resource.preAuthRef == first.entry[0].resource.preAuthRef
    assert AuthorizationRequest.objects.count() == 1


def test_unmet_criteria_pend_with_their_reasons_and_a_reviewer_decides(client, token,
                                                                       reviewer):
    response = submit(client, token, request_bundle(answers=approvable_case(hbsag="positive")))
    claim_response = parsed(response).entry[0].resource
    assert claim_response.outcome == "complete"
    assert review_action(claim_response) == ("A4", [(codes.CRITERIA_SYSTEM, "hepatitis_b")])
    assert claim_response.preAuthRef is None
    req = AuthorizationRequest.objects.get()
    request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg positive.",
                   as_of=AS_OF)
    inquiry = post(client, "/fhir/Claim/$inquire", inquiry_bundle(
        {"system": "urn:trnorg:9012345678", "value": "CLM-HGX-0001"}), token)
    assert inquiry.status_code == 200, inquiry.content[:300]
    answer = parsed(inquiry)
    assert answer.meta.profile == [profiles.PAS_INQUIRY_RESPONSE_BUNDLE]
    assert review_action(answer.entry[0].resource)[0] == "A3"
    assert answer.entry[0].resource.processNote[0].text == "HBsAg positive."


def test_pended_for_information_lists_each_document_needed(client, token, reviewer):
    submit(client, token, request_bundle(answers=approvable_case(hbsag="positive")))
    req = AuthorizationRequest.objects.get()
    information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                        document_kinds=["viral_tests", "clinic_note"],
                        message="Send the latest hepatitis B panel.")
    answer = parsed(post(client, "/fhir/Claim/$inquire", inquiry_bundle(
        {"system": codes.REQUEST_NUMBER_SYSTEM, "value": req.number}), token))
    claim_response = answer.entry[0].resource
    assert review_action(claim_response)[0] == "A4"
    asked = [e.resource for e in answer.entry
             if e.resource.get_resource_type() == "CommunicationRequest"]
    assert [c.category[0].coding[0].code for c in asked] == ["LA", "PY"]
    assert [c.note[0].text for c in asked] == [
        "Viral tests. Send the latest hepatitis B panel.",
        "Clinic note. Send the latest hepatitis B panel."]
    assert [r.reference for r in claim_response.communicationRequest] == [
        e.fullUrl for e in answer.entry if e.resource.get_resource_type() ==
        "CommunicationRequest"]
    assert all(c.meta.profile == [profiles.PAS_COMMUNICATION_REQUEST] for c in asked)


def test_not_fhir_is_400_and_each_broken_rule_is_422_with_its_path(client, token):
    assert issues(submit(client, token, b"{nope")) [0][0] == "Bundle"
    assert submit(client, token, b"{nope").status_code == 400
    bundle = request_bundle()
    claim = bundle["entry"][0]["resource"]
    claim["item"][0]["productOrService"]["coding"][0]["code"] = "J7201"
    claim["item"][0]["extension"] = []
    claim["use"] = "claim"
    response = submit(client, token, bundle)
    assert response.status_code == 422
    paths = [p for p, _ in issues(response)]
    assert paths == ["Bundle.entry[0].resource.use",
                     "Bundle.entry[0].resource.item[0].productOrService",
                     "Bundle.entry[0].resource.item[0].extension",
                     "Bundle.entry[0].resource.item[0].extension"]
    assert AuthorizationRequest.objects.count() == 0


def test_a_bad_or_missing_answer_is_named_by_its_link_id(client, token):
    answers = approvable_case()
    del answers["weight_kg"]
    response = submit(client, token, request_bundle(answers=answers))
    assert response.status_code == 422
    assert issues(response) == [("Bundle.entry[6].resource.item.where(linkId='weight_kg')",
                                 "is required: the question is asked and not answered")]
    bundle = request_bundle()
    bundle["entry"][3]["resource"]["birthDate"] = "1990-01-01"
    response = submit(client, token, bundle)
    assert issues(response) == [("Bundle.entry[3].resource.birthDate",
                                 "differs from the QuestionnaireResponse's date_of_birth")]
    assert AuthorizationRequest.objects.count() == 0


def test_a_prescriber_of_another_htc_is_refused(client, token, other_prescriber):
    bundle = request_bundle()
    bundle["entry"][4]["resource"]["identifier"][0]["value"] = "1999999984"
    response = submit(client, token, bundle)
    assert response.status_code == 422
    assert issues(response)[0][0] == "Bundle.entry[0].resource.provider"


def test_without_a_token_the_answer_is_a_401_operation_outcome(client):
    response = post(client, "/fhir/Claim/$submit", request_bundle())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Api-Key")
    assert issues(response)[0][1]


def test_an_unknown_resource_or_request_is_a_404_operation_outcome(client, token):
    response = client.get("/fhir/Patient/123")
    assert response.status_code == 404
    assert issues(response)
    assert client.get("/fhir/Questionnaire/nope").status_code == 404
    inquiry = post(client, "/fhir/Claim/$inquire", inquiry_bundle(
        {"system": codes.REQUEST_NUMBER_SYSTEM, "value": "PA-0000999"}), token)
    assert inquiry.status_code == 404
    assert issues(inquiry)[0][0] == "Bundle.entry[0].resource.identifier"
