"""PAS request Bundles for Hemgenix, written after the PAS guide's
MedicalServicesAuthorizationBundleExample (HL7/davinci-pas
input/fsh/Examples.fsh at fhir.profiles.PAS_SOURCE's commit): a collection
Bundle, the Claim first, then the insurer, the coverage, the patient; here
also the prescriber (Practitioner and PractitionerRole, as the guide's
ReferralAuthorizationBundleExample carries them) and the DTR
QuestionnaireResponse the Claim's supportingInfo names, and the two
reports the policy asks for (policy.REQUIRED_DOCUMENTS) as the guide's
DocumentReferenceExample carries a document: a PASDocumentReference with the
file inline, named by an AdditionalInformation supportingInfo.

tests/fhir/pas/hemgenix-request-bundle.json is `request_bundle()` written out
(docs/interop.md sends it with curl); test_pas.py checks the two agree."""

from __future__ import annotations

import base64
import copy
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from authorizations import fhir, policy
from authorizations.fhir import pas_documents, profiles
from tests.cases import DEFAULT_AS_OF, SERVICE_ZONE, approvable_case, as_of, days, iso

NPI = "1234567893"
BASE = "http://ehr.example.org/fhir"
X12 = "https://codesystem.x12.org/005010"
FILE = "tests/fhir/pas/hemgenix-request-bundle.json"


def nine_am(day: date) -> str:
    """09:00 where the service is on `day`, with that day's offset."""
    return datetime.combine(day, time(9), tzinfo=SERVICE_ZONE).isoformat()


def bundle_file_text() -> str:
    """FILE, written for 2026-11-27 (docs/interop.md sends it as it is), with
    its dates moved to AS_OF as request_bundle() moves them: the same days
    before and after, 09:00 with that day's offset; the birth date stays."""
    shift = as_of() - DEFAULT_AS_OF

    def instant(m: re.Match[str]) -> str:
        at = datetime.fromisoformat(m.group(0))
        return datetime.combine(at.date() + shift, at.time(), tzinfo=SERVICE_ZONE).isoformat()

    def day(m: re.Match[str]) -> str:
        return f'"{date.fromisoformat(m.group(1)) + shift}"'

    text = Path(FILE).read_text()
    text = re.sub(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", instant, text)
    return re.sub(r'"(20\d\d-\d\d-\d\d)"', day, text)


# (id, document kind, file name, the one line of text the PDF shows)
REPORTS = (
    ("FactorIXLabReport", "factor_ix_lab", "factor-ix-activity.pdf",
     "Factor IX activity: 1 percent of normal (test report)"),
    ("AAV5AntibodyReport", "aav5_antibody", "aav5-nab-assay.pdf",
     "AAV5 neutralizing antibodies: titer 1:200 (test report)"),
)


def pdf(text: str) -> bytes:
    """A one-page PDF showing `text`, written out by hand: the same bytes
    every time (pypdf's writer adds a random /ID), and small."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>",
              b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
              b"/Resources << /Font << /F1 5 0 R >> >> >>",
              b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
              b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                  % (len(bodies) + 1, xref))


def document_reference(rid: str, kind: str, name: str, content: bytes) -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference", "id": rid,
        "meta": {"profile": [profiles.PAS_DOCUMENT_REFERENCE]},
        "status": "current",
        "type": {"coding": [
            {"system": pas_documents.LOINC, "code": pas_documents.LAB_REPORT_LOINC,
             "display": "Laboratory report"},
            {"system": pas_documents.DOCUMENT_KIND_SYSTEM, "code": kind}]},
        "category": [{"coding": [{
            "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
            "code": "clinical-note"}]}],
        "subject": {"reference": "Patient/SubscriberExample"},
        "content": [{"attachment": {"contentType": "application/pdf", "title": name,
                                    "data": base64.b64encode(content).decode()}}],
    }


def supporting_document(sequence: int, rid: str) -> dict[str, Any]:
    return {
        "extension": [{"url": pas_documents.EXT_DOCUMENT_INFORMATION, "extension": [
            {"url": "reportTypeCode", "valueCodeableConcept": {"coding": [{
                "system": f"{X12}/755", "code": "LA", "display": "Laboratory Results"}]}},
            {"url": "transmissionMethod", "valueCodeableConcept": {"coding": [{
                "system": f"{X12}/756", "code": "EL", "display": "Electronically Only"}]}}]}],
        "sequence": sequence,
        "category": {"coding": [{
            "system": "http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes",
            "code": "additionalInformation"}]},
        "valueReference": {"reference": f"DocumentReference/{rid}"}}


def _qr(answers: dict[str, Any]) -> dict[str, Any]:
    data = fhir.to_data(fhir.build_response(answers, version=policy.CURRENT,
                                            status="completed"))
    data["id"] = "HemgenixQuestionnaireResponse"
    return data


def request_bundle(*, answers: dict[str, Any] | None = None, identifier: str = "HGX-0001",
                   priority: str = "normal", documents: bool = True) -> dict[str, Any]:
    """`documents=False`: without the two reports."""
    answers = approvable_case() if answers is None else answers
    reports = [document_reference(rid, kind, name, pdf(text))
               for rid, kind, name, text in REPORTS] if documents else []
    claim = {
        "resourceType": "Claim", "id": "HemgenixAuthorizationExample",
        "meta": {"profile": [
            "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claim"]},
        "identifier": [{"system": "urn:trnorg:9012345678", "value": f"CLM-{identifier}"}],
        "status": "active",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type",
                             "code": "professional"}]},
        "use": "preauthorization",
        "patient": {"reference": "Patient/SubscriberExample"},
        "created": nine_am(days(0)),
        "insurer": {"reference": "Organization/InsurerExample"},
        "provider": {"reference": "PractitionerRole/PrescriberRoleExample"},
        "priority": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/processpriority",
            "code": priority}]},
        "careTeam": [{"extension": [{
            "url": "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
                   "extension-careTeamClaimScope", "valueBoolean": True}],
            "sequence": 1, "provider": {"reference": "PractitionerRole/PrescriberRoleExample"},
            "role": {"coding": [{"system": f"{X12}/98", "code": "DK"}]}}],
        "supportingInfo": [{
            "sequence": 1,
            "category": {"coding": [{
                "system": "http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes",
                "code": "additionalInformation"}]},
            "valueReference": {"reference": "QuestionnaireResponse/"
                                            "HemgenixQuestionnaireResponse"}},
            *[supporting_document(n, r["id"]) for n, r in enumerate(reports, start=2)]],
        "diagnosis": [{"sequence": 1, "diagnosisCodeableConcept": {"coding": [{
            "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "D67"}]}}],
        "insurance": [{"sequence": 1, "focal": True,
                       "coverage": {"reference": "Coverage/InsuranceExample"}}],
        "item": [{
            "extension": [
                {"url": "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
                        "extension-serviceItemRequestType",
                 "valueCodeableConcept": {"coding": [{"system": f"{X12}/1525", "code": "HS",
                                                      "display": "Health Services Review"}]}},
                {"url": "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
                        "extension-certificationType",
                 "valueCodeableConcept": {"coding": [{"system": f"{X12}/1322", "code": "I",
                                                      "display": "Initial"}]}}],
            "sequence": 1,
            "category": {"coding": [{"system": f"{X12}/1365", "code": "1",
                                     "display": "Medical Care"}]},
            "productOrService": {"coding": [{
                "system": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
                "code": "J1411"}]},
            "servicedDate": iso(13),
            "locationCodeableConcept": {"coding": [{
                "system": "https://www.cms.gov/Medicare/Coding/place-of-service-codes/"
                          "Place_of_Service_Code_Set", "code": "22"}]},
            "quantity": {"value": 1}}],
    }
    resources = [
        claim,
        {"resourceType": "Organization", "id": "InsurerExample", "active": True,
         "name": "Hemgenix Health Plan",
         "type": [{"coding": [{"system": f"{X12}/98", "code": "PR", "display": "Payer"}]}]},
        {"resourceType": "Coverage", "id": "InsuranceExample", "status": "active",
         "subscriberId": answers.get("member_id") or "UHC-100200300",
         "beneficiary": {"reference": "Patient/SubscriberExample"},
         "relationship": {"coding": [{
             "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
             "code": "self"}]},
         "payor": [{"reference": "Organization/InsurerExample"}]},
        {"resourceType": "Patient", "id": "SubscriberExample",
         "name": [{"family": "Quinlan", "given": ["Ada"]}], "gender": "unknown",
         "birthDate": "1985-04-12"},
        {"resourceType": "Practitioner", "id": "PrescriberExample",
         "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": NPI}],
         "name": [{"family": "Prescriber"}]},
        {"resourceType": "PractitionerRole", "id": "PrescriberRoleExample",
         "practitioner": {"reference": "Practitioner/PrescriberExample"}},
        _qr(answers),
        *reports,
    ]
    return {
        "resourceType": "Bundle",
        "meta": {"profile": ["http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
                             "profile-pas-request-bundle"]},
        "identifier": {"system": "http://ehr.example.org/SUBMITTER_TRANSACTION_IDENTIFIER",
                       "value": identifier},
        "type": "collection",
        "timestamp": nine_am(days(0)),
        "entry": [{"fullUrl": f"{BASE}/{r['resourceType']}/{r['id']}",
                   "resource": copy.deepcopy(r)} for r in resources],
    }


def inquiry_bundle(claim_identifier: dict[str, str]) -> dict[str, Any]:
    """After the guide's PASClaimInquiryBundleExample: a Claim carrying the
    identifier of the request asked about."""
    return {
        "resourceType": "Bundle",
        "identifier": {"system": "http://ehr.example.org/SUBMITTER_TRANSACTION_IDENTIFIER",
                       "value": "INQ-0001"},
        "type": "collection", "timestamp": nine_am(days(1)),
        "entry": [{"fullUrl": f"{BASE}/Claim/Inquiry", "resource": {
            "resourceType": "Claim", "identifier": [claim_identifier], "status": "active",
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type",
                                 "code": "professional"}]},
            "use": "preauthorization", "patient": {"reference": "Patient/SubscriberExample"},
            "created": nine_am(days(1)),
            "provider": {"reference": "PractitionerRole/PrescriberRoleExample"},
            "insurer": {"reference": "Organization/InsurerExample"},
            "priority": {"coding": [{"code": "normal"}]},
            "insurance": [{"sequence": 1, "focal": True,
                           "coverage": {"reference": "Coverage/InsuranceExample"}}]}}],
    }
