"""Who and what a request is about, as FHIR R4B resources: the patient, the
member's coverage, the prescriber, the HTC, the payer, the site of care and
the supporting documents. Each entry of a request's Bundle has a stable
urn:uuid derived from the request number, so two exports of one request name
the same resources."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from authorizations import policy
from authorizations.fhir import codes, profiles


@dataclass(frozen=True)
class Refs:
    """The fullUrl of each resource of one request's Bundle."""

    number: str

    def url(self, kind: str) -> str:
        name = f"{codes.CANONICAL_BASE}/requests/{self.number}/{kind}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def ref(self, kind: str, display: str | None = None) -> dict[str, str]:
        return {"reference": self.url(kind), **({"display": display} if display else {})}

    def resource_id(self, kind: str) -> str:
        return f"{self.number}-{kind}".replace("/", "-")[:64]


def member_identifier(member_id: str) -> dict[str, Any]:
    return {"type": {"coding": [{"system": codes.V2_0203, "code": "MB",
                                 "display": "Member Number"}]},
            "system": codes.MEMBER_ID_SYSTEM, "value": member_id}


def npi_identifier(npi: str) -> dict[str, Any]:
    return {"type": {"coding": [{"system": codes.V2_0203, "code": "NPI",
                                 "display": "National provider identifier"}]},
            "system": codes.NPI_SYSTEM, "value": npi}


def patient(req, refs: Refs) -> Patient:
    answers = req.answers
    first, last = answers.get("patient_first_name"), answers.get("patient_last_name")
    name = {k: v for k, v in (("family", last), ("given", [first] if first else None)) if v}
    return Patient(
        id=refs.resource_id("patient"),
        # US Core asks for an identifier and a name: declared when a draft has them.
        meta=profiles.meta(profiles.PAS_BENEFICIARY)
        if answers.get("member_id") and name else None,
        # US Core asks for a gender; the policy never asks it, so it is unknown.
        gender="unknown",
        identifier=[member_identifier(answers["member_id"])] if answers.get("member_id") else None,
        name=[name] if name else None,
        birthDate=answers.get("date_of_birth") or None,
    )


def payer(refs: Refs) -> Organization:
    return Organization(id=refs.resource_id("payer"), name=settings.PAYER_NAME, active=True,
                        meta=profiles.meta(profiles.PAS_INSURER),
                        type=[{"coding": [{
                            "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                            "code": "pay", "display": "Payer"}]}])


def coverage(req, refs: Refs) -> Coverage:
    member_id = req.answers.get("member_id")
    return Coverage(
        id=refs.resource_id("coverage"),
        meta=profiles.meta(profiles.PAS_COVERAGE),
        status="active",
        identifier=[member_identifier(member_id)] if member_id else None,
        subscriberId=member_id or None,
        beneficiary=refs.ref("patient"),
        relationship={"coding": [{"system": codes.COVERAGE_RELATIONSHIP, "code": "self"}]},
        payor=[refs.ref("payer", settings.PAYER_NAME)],
    )


def practitioner(req, refs: Refs) -> Practitioner:
    user = req.prescriber
    profile = getattr(user, "prescriber", None)
    name: dict[str, Any] = {"family": user.last_name or user.get_username()}
    if user.first_name:
        name["given"] = [user.first_name]
    if profile is not None and profile.credentials:
        name["suffix"] = [profile.credentials]
    npi = profile.npi if profile is not None else ""
    return Practitioner(id=refs.resource_id("prescriber"), name=[name],
                        # US Core asks for an identifier: the profile is declared
                        # only when the prescriber's NPI is on file.
                        meta=profiles.meta(profiles.PAS_PRACTITIONER) if npi else None,
                        identifier=[npi_identifier(npi)] if npi else None)


def practitioner_role(req, refs: Refs) -> PractitionerRole:
    """The prescriber at the HTC: PAS names the requesting provider and the
    care team by role, not by a bare Practitioner."""
    return PractitionerRole(id=refs.resource_id("prescriber-role"),
                            meta=profiles.meta(profiles.PAS_PRACTITIONER_ROLE), active=True,
                            practitioner=refs.ref("prescriber"), organization=refs.ref("htc"),
                            code=[{"text": "Prescriber"}])


def htc(req, refs: Refs) -> Organization:
    center = req.htc
    return Organization(
        id=refs.resource_id("htc"),
        meta=profiles.meta(profiles.PAS_REQUESTOR),
        active=True,
        identifier=[{"system": codes.HTC_SYSTEM, "value": str(center.pk)}],
        name=center.name,
        type=[{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type",
                           "code": "prov", "display": "Healthcare Provider"}],
               "text": "Hemophilia Treatment Center"
                       + (" (federally designated)" if center.federally_designated else "")}],
        address=[{"city": center.city, "state": center.state, "country": "US"}],
    )


def site_of_care(req, refs: Refs) -> Location | None:
    name, npi = req.answers.get("site_of_care_name"), req.answers.get("site_of_care_npi")
    if not name and not npi:
        return None
    return Location(id=refs.resource_id("site-of-care"), status="active", name=name or None,
                    identifier=[npi_identifier(npi)] if npi else None)


def documents(req) -> list[Any]:
    """The request's supporting documents, when this build has them (the
    Document model, related name "documents")."""
    related = getattr(req, "documents", None)
    if related is None:
        return []
    return list(related.all().order_by("uploaded_at", "pk"))


def document_reference(doc, refs: Refs) -> DocumentReference:
    criterion = getattr(doc, "criterion", "") or ""
    names = {c.id: c.name for c in policy.CRITERIA}
    return DocumentReference(
        id=refs.resource_id(f"document-{doc.pk}"),
        identifier=[{"system": codes.DOCUMENT_SYSTEM, "value": str(doc.pk)}],
        status="current",
        type={"text": str(getattr(doc, "get_kind_display", lambda: doc.kind)())},
        category=[{"coding": [{"system": codes.CRITERIA_SYSTEM, "code": criterion,
                               "display": names.get(criterion, criterion)}]}]
        if criterion else None,
        subject=refs.ref("patient"),
        date=doc.uploaded_at,
        content=[{"attachment": {"contentType": doc.content_type, "title": doc.file_name,
                                 "size": doc.size, "creation": doc.uploaded_at}}],
    )
