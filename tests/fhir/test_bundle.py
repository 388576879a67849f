"""A request as a FHIR collection Bundle: who, what and, once decided, the
PAS-shaped decision, with the same readers as the request's letters."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from fhir.resources.R4B.bundle import Bundle

from authorizations import fhir, policy
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import codes
from authorizations.models import AuditEvent, Status
from tests.cases import AS_OF, SERVICE_ZONE, approvable_case

pytestmark = pytest.mark.django_db


def resources(bundle: Bundle) -> dict[str, list]:
    found: dict[str, list] = {}
    for entry in bundle.entry:
        found.setdefault(entry.resource.get_resource_type(), []).append(entry.resource)
    return found


def one(bundle: Bundle, resource_type: str):
    (resource,) = resources(bundle)[resource_type]
    return resource


def export(client, req) -> Bundle:
    response = client.get(f"/requests/{req.pk}/fhir.json")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Cache-Control"] == "private, no-store"
    return fhir.parse(Bundle, response.content)


def review_action(claim_response) -> dict:
    (adjudication,) = claim_response.item[0].adjudication
    assert adjudication.category.coding[0].code == "submitted"
    (action,) = adjudication.extension
    assert action.url == codes.EXT_REVIEW_ACTION
    parts: dict = {}
    for part in action.extension:
        if part.url == codes.EXT_REVIEW_ACTION_CODE:
            coding = part.valueCodeableConcept.coding[0]
            assert coding.system == codes.X12_REVIEW_ACTION
            parts["code"] = coding.code
        elif part.url == "number":
            parts["number"] = part.valueString
        elif part.url == "reasonCode":
            coding = part.valueCodeableConcept.coding[0]
            parts.setdefault("reasons", []).append((coding.system, coding.code))
    return parts


def test_a_draft_is_a_collection_of_who_and_what_without_a_decision(client, prescriber,
                                                                     make_draft):
    profile = prescriber.prescriber
    profile.npi = "1234567893"
    profile.save()
    req = make_draft(approvable_case(fix_activity_percent="<1"))
    client.force_login(prescriber)
    bundle = export(client, req)
    assert bundle.type == "collection"
    found = resources(bundle)
    assert "ClaimResponse" not in found
    patient = one(bundle, "Patient")
    assert (patient.name[0].family, patient.name[0].given) == ("Quinlan", ["Ada"])
    assert patient.birthDate.isoformat() == "1985-04-12"
    assert [(i.system, i.value) for i in patient.identifier] == [
        (codes.MEMBER_ID_SYSTEM, "UHC-100200300")]
    assert one(bundle, "Coverage").subscriberId == "UHC-100200300"
    practitioner = one(bundle, "Practitioner")
    assert [(i.system, i.value) for i in practitioner.identifier] == [
        (codes.NPI_SYSTEM, "1234567893")]
    names = {o.name for o in found["Organization"]}
    assert names == {prescriber.prescriber.htc.name, "UnitedHealthcare"}
    response = one(bundle, "QuestionnaireResponse")
    assert response.status == "in-progress"
    assert response.questionnaire == f"{codes.QUESTIONNAIRE_URL}|2026D0120K"
    claim = one(bundle, "Claim")
    assert (claim.use, claim.status) == ("preauthorization", "draft")
    product = claim.item[0].productOrService.coding[0]
    assert (product.system, product.code) == (codes.HCPCS, "J1411")
    diagnosis = claim.diagnosis[0].diagnosisCodeableConcept.coding[0]
    assert (diagnosis.system, diagnosis.code) == (codes.ICD10CM, "D67")
    urls = {entry.resource.get_resource_type(): entry.fullUrl for entry in bundle.entry
            if entry.resource.get_resource_type() != "Organization"}
    assert claim.supportingInfo[0].valueReference.reference == urls["QuestionnaireResponse"]
    assert claim.patient.reference == urls["Patient"]
    assert claim.insurance[0].coverage.reference == urls["Coverage"]
    # Every reference points into the Bundle.
    full_urls = {entry.fullUrl for entry in bundle.entry}
    found = references(fhir.to_data(bundle))
    assert len(found) >= 5 and found <= full_urls


def references(data) -> set[str]:
    """Every Reference.reference in JSON data."""
    if isinstance(data, dict):
        found = {data["reference"]} if isinstance(data.get("reference"), str) else set()
        return found.union(*(references(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(references(v) for v in data))
    return set()


def test_lab_values_below_n_are_quantities_with_a_comparator_and_decimals_stay_exact(
        make_draft):
    req = make_draft(approvable_case(fix_activity_percent="<1",
                                     inhibitor_screen_bu=Decimal("0.59999999999999999999")))
    text = fhir.dumps(fhir_bundle.request_bundle(req))
    assert '"value": 0.59999999999999999999' in text
    bundle = fhir.parse(Bundle, text)
    items = {item.linkId: item for group in one(bundle, "QuestionnaireResponse").item
             for item in group.item}
    fix = items["fix_activity_percent"].answer[0].valueQuantity
    assert (fix.comparator, fix.value, fix.code, fix.system) == ("<", 1, "%", codes.UCUM)
    screen = items["inhibitor_screen_bu"].answer[0].valueQuantity
    assert screen.comparator is None and screen.value == Decimal("0.59999999999999999999")
    assert screen.code == "[beth'U]"


@pytest.mark.parametrize("status,action", [
    (Status.APPROVED, "A1"), (Status.DENIED, "A3"), (Status.PENDING_REVIEW, "A4")])
def test_claim_response_gives_the_review_action_of_the_database(client, prescriber,
                                                                make_decided, status, action):
    req = make_decided(status)
    client.force_login(prescriber)
    bundle = export(client, req)
    assert one(bundle, "QuestionnaireResponse").status == "completed"
    assert one(bundle, "Claim").status == "active"
    response = one(bundle, "ClaimResponse")
    assert response.use == "preauthorization"
    assert response.request.reference == next(
        e.fullUrl for e in bundle.entry if e.resource.get_resource_type() == "Claim")
    parts = review_action(response)
    assert parts["code"] == action
    if status == Status.APPROVED:
        auth = req.authorization
        assert response.outcome == "complete"
        assert response.preAuthRef == auth.number == parts["number"]
        assert (response.preAuthPeriod.start, response.preAuthPeriod.end) == (
            auth.start_date, auth.end_date)
        assert auth.end_date - auth.start_date == timedelta(days=44)
        assert auth.start_date == AS_OF
        assert "reasons" not in parts
    else:
        assert response.preAuthRef is None and response.preAuthPeriod is None
        assert "number" not in parts
        assert response.outcome == "complete"
        assert parts["reasons"] == [(codes.CRITERIA_SYSTEM, c) for c in req.unmet]
    if status == Status.DENIED:
        assert response.processNote[0].text == "HBsAg positive on the latest panel."


def test_the_pre_auth_issue_date_is_the_service_date_of_the_decision(client, prescriber,
                                                                     make_decided):
    # 20:30 where the service is: already the next day in UTC (summer time or
    # not), where the decision's time is stored (it printed the UTC date).
    evening = datetime.combine(AS_OF, time(20, 30), tzinfo=SERVICE_ZONE)
    assert evening.astimezone(UTC).date() > AS_OF
    with time_machine.travel(evening, tick=True):
        req = make_decided(Status.APPROVED)
    client.force_login(prescriber)
    (item,) = one(export(client, req), "ClaimResponse").item
    (issued,) = [e.valueDate for e in item.extension if e.url.endswith("PreAuthIssueDate")]
    assert issued == req.authorization.start_date == AS_OF


def test_a_pended_request_names_its_review_flags(make_decided):
    req = make_decided(Status.PENDING_REVIEW, flags=["reauthorization"])
    parts = review_action(fhir_bundle.claim_response(req, fhir_bundle.latest_determination(req)))
    assert (codes.REVIEW_FLAG_SYSTEM, "reauthorization") in parts["reasons"]


def test_export_is_audited_without_patient_data(client, prescriber, make_decided):
    req = make_decided(Status.APPROVED)
    client.force_login(prescriber)
    export(client, req)
    event = AuditEvent.objects.filter(action="fhir_export").get()
    assert (event.object_id, event.actor_username) == (str(req.pk), prescriber.username)
    assert "Quinlan" not in json.dumps(event.detail)


def test_readers_are_the_owning_htc_and_the_reviewers(client, prescriber, other_prescriber,
                                                      reviewer, make_decided, make_draft):
    req = make_decided(Status.PENDING_REVIEW)
    url = f"/requests/{req.pk}/fhir.json"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(other_prescriber)
    assert client.get(url).status_code == 404
    assert client.get(f"/requests/{make_draft().pk}/fhir.json").status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    assert client.get("/requests/999999/fhir.json").status_code == 404


def test_a_draft_is_404_to_a_reviewer(client, reviewer, make_draft):
    """N4 (hardening round 3): a draft's patient and answers were returned to
    any reviewer. A draft is the prescriber's own until submitted."""
    draft = make_draft()
    client.force_login(reviewer)
    response = client.get(f"/requests/{draft.pk}/fhir.json")
    assert response.status_code == 404
    assert b"Quinlan" not in response.content


def test_documents_are_document_references_in_supporting_info(make_draft, monkeypatch):
    """Against the fields of the Document model (documents branch): pk, kind,
    criterion, file_name, content_type, size, uploaded_at."""
    from types import SimpleNamespace

    from django.utils import timezone

    from authorizations.fhir import parties

    req = make_draft()
    doc = SimpleNamespace(pk=7, kind="lab_report", criterion="severity",
                          file_name="fix-activity.pdf", content_type="application/pdf",
                          size=1234, uploaded_at=timezone.now())
    monkeypatch.setattr(parties, "documents", lambda req: [doc])
    bundle = fhir.parse(Bundle, fhir.dumps(fhir_bundle.request_bundle(req)))
    reference = one(bundle, "DocumentReference")
    attachment = reference.content[0].attachment
    assert (attachment.title, attachment.contentType, attachment.size) == (
        "fix-activity.pdf", "application/pdf", 1234)
    assert reference.category[0].coding[0].code == "severity"
    assert reference.identifier[0].value == "7"
    claim = one(bundle, "Claim")
    url = next(e.fullUrl for e in bundle.entry
               if e.resource.get_resource_type() == "DocumentReference")
    assert [i.valueReference.reference for i in claim.supportingInfo][1:] == [url]
    assert claim.supportingInfo[1].category.coding[0].code == "attachment"
    assert claim.item[0].informationSequence == [1, 2]


def test_documents_of_the_database_are_in_the_bundle(make_draft, prescriber):
    from authorizations.documents import services as documents
    from tests.files import pdf_bytes, upload

    req = make_draft()
    documents.document_add(by=prescriber, req=req, upload=upload("fix-activity.pdf", pdf_bytes()),
                           kind="factor_ix_lab", criterion="severity")
    bundle = fhir_bundle.request_bundle(req)
    reference = one(bundle, "DocumentReference")
    attachment = reference.content[0].attachment
    assert (attachment.title, attachment.contentType) == ("fix-activity.pdf", "application/pdf")
    claim = one(bundle, "Claim")
    url = next(e.fullUrl for e in bundle.entry
               if e.resource.get_resource_type() == "DocumentReference")
    assert [i.valueReference.reference for i in claim.supportingInfo][1:] == [url]
    assert claim.supportingInfo[1].category.coding[0].code == "attachment"


def test_every_demo_request_is_a_valid_bundle(settings, monkeypatch, quick_letters):
    from django.core.management import call_command

    from authorizations.models import AuthorizationRequest

    settings.DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-long-enough")
    call_command("seed_demo", stdout=io.StringIO())
    requests = list(AuthorizationRequest.objects.all())
    assert {r.status for r in requests} >= {Status.DRAFT, Status.APPROVED}
    for req in requests:
        bundle = fhir.parse(Bundle, fhir.dumps(fhir_bundle.request_bundle(req)))
        assert one(bundle, "Claim").identifier[0].value == req.number
    assert policy.CURRENT.number in {r.policy_version for r in requests}
