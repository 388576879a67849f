"""A request as a FHIR `collection` Bundle, and a determination's FHIR data
for its letter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from weasyprint import Attachment

from authorizations import policy
from authorizations.fhir import claim, dtr, jsonio, parties, profiles
from authorizations.fhir.parties import Refs
from authorizations.fhir.response import build_response
from authorizations.models import AuthorizationRequest, Determination, EHRLaunch, Status


def policy_version(req: AuthorizationRequest) -> policy.PolicyVersion:
    try:
        return policy.version_named(req.policy_version)
    except KeyError:
        return policy.CURRENT


def questionnaire_response(req: AuthorizationRequest, refs: Refs | None = None
                           ) -> QuestionnaireResponse:
    """The request's answers: in-progress while a draft, completed once
    submitted; a DTR QuestionnaireResponse, each answer saying where it came
    from (requests/origins.py)."""
    refs = refs or Refs(req.number)
    return build_response(
        req.answers, version=policy_version(req),
        status="in-progress" if req.status == Status.DRAFT else "completed",
        origins=req.answer_origins or {},
        meta=profiles.meta(profiles.DTR_QUESTIONNAIRE_RESPONSE),
        id=refs.resource_id("questionnaire-response"),
        extension=dtr.response_extensions(refs.ref("coverage"), ehr_order(req)),
        identifier={"system": "urn:ietf:rfc:3986", "value": refs.url("questionnaire-response")},
        subject=refs.ref("patient"),
        author=refs.ref("prescriber"),
        authored=req.submitted_at or req.updated_at,
    )


def ehr_order(req: AuthorizationRequest) -> str:
    """The EHR's order the request was started from (its CRD card), or ""."""
    launch = EHRLaunch.objects.filter(request=req).only("order").first()
    return launch.order if launch is not None else ""


def authorization_of(req: AuthorizationRequest):
    try:
        return req.authorization
    except AuthorizationRequest.authorization.RelatedObjectDoesNotExist:
        return None


def latest_determination(req: AuthorizationRequest) -> Determination | None:
    return req.determinations.order_by("-created_at", "-id").first()


def claim_response(req: AuthorizationRequest, determination: Determination,
                   refs: Refs | None = None) -> ClaimResponse:
    return claim.claim_response(req, determination, refs or Refs(req.number),
                                authorization=authorization_of(req))


def request_bundle(req: AuthorizationRequest, *, now: datetime | None = None) -> Bundle:
    """Patient, Practitioner, HTC and payer Organizations, Coverage, the
    QuestionnaireResponse, documents, the Claim and, once there is a
    determination, the ClaimResponse of the latest one."""
    refs = Refs(req.number)
    site = parties.site_of_care(req, refs)
    docs = parties.documents(req)
    doc_kinds = [f"document-{doc.pk}" for doc in docs]
    resources: list[tuple[str, Any]] = [
        ("patient", parties.patient(req, refs)),
        ("coverage", parties.coverage(req, refs)),
        ("payer", parties.payer(refs)),
        ("prescriber", parties.practitioner(req, refs)),
        ("prescriber-role", parties.practitioner_role(req, refs)),
        ("htc", parties.htc(req, refs)),
    ]
    if site is not None:
        resources.append(("site-of-care", site))
    resources.append(("questionnaire-response", questionnaire_response(req, refs)))
    resources += [(kind, parties.document_reference(doc, refs))
                  for kind, doc in zip(doc_kinds, docs, strict=True)]
    resources.append(("claim", claim.claim(req, refs,
                                           document_urls=[refs.url(k) for k in doc_kinds],
                                           site_of_care=site is not None)))
    determination = latest_determination(req)
    if determination is not None:
        resources.append(("claim-response", claim_response(req, determination, refs)))
    return Bundle(
        id=refs.resource_id("bundle"),
        identifier={"system": "urn:ietf:rfc:3986", "value": refs.url("bundle")},
        type="collection",
        timestamp=now or timezone.now(),
        entry=[{"fullUrl": refs.url(kind), "resource": resource} for kind, resource in resources],
    )


def letter_files(determination: Determination) -> list[tuple[str, str, str]]:
    """The determination's ClaimResponse and the request's QuestionnaireResponse
    as JSON texts (name, description, text) for its PDF/A-3 letter, so a system
    that files the letter reads the decision without parsing its text.

    Building and validating the two models is most of their time now (jsonio
    writes only the elements that are set: fhir_core's serializer visited
    every element a model's class could hold, some 11,000 fields for the
    questionnaire response's 340 elements)."""
    req = determination.request
    refs = Refs(req.number)
    return [
        ("ClaimResponse.json", "The decision as a FHIR R4 ClaimResponse (Da Vinci PAS shape)",
         jsonio.dumps(claim_response(req, determination, refs))),
        ("QuestionnaireResponse.json", "The answers as a FHIR R4 QuestionnaireResponse",
         jsonio.dumps(questionnaire_response(req, refs))),
    ]


def letter_attachments(determination: Determination,
                       files: list[tuple[str, str, str]] | None = None) -> list[Any]:
    """The letter's JSON files as attachments (`files`, or letter_files' now).
    An attachment is read once, when its PDF is written: one per PDF."""
    return [Attachment(string=text, name=name, description=description,
                       created=determination.created_at, modified=determination.created_at,
                       relationship="Data")
            for name, description, text in (files if files is not None
                                             else letter_files(determination))]
