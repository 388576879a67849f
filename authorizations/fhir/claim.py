"""The request as a PAS-shaped preauthorization Claim, and a determination as
its ClaimResponse: outcome, preAuthRef (the authorization number),
preAuthPeriod (its window) and, per item, the PAS review action (X12 306: A1
certified, A3 not certified, A4 pended) with the unmet criteria (and review
flags) as reason codes of this service's code systems."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.claimresponse import ClaimResponse

from authorizations import policy
from authorizations.fhir import codes
from authorizations.fhir.parties import Refs
from authorizations.models import AuthorizationRequest, Determination, Status

CLAIM_TYPE = {"coding": [{"system": codes.CLAIM_TYPE, "code": "professional",
                          "display": "Professional"}]}
ACTION_BY_STATUS = {Status.APPROVED: codes.APPROVED, Status.DENIED: codes.DENIED,
                    Status.PENDING_REVIEW: codes.PENDED}
DISPOSITION = {
    codes.APPROVED: "Approved: one Hemgenix treatment is authorized.",
    codes.DENIED: "Denied by a clinical reviewer.",
    codes.PENDED: "Pended for clinical review.",
}
DRUG = "Hemgenix (etranacogene dezaparvovec-drlb), per therapeutic dose"


def _request_identifier(req: AuthorizationRequest) -> list[dict[str, str]]:
    return [{"system": codes.REQUEST_NUMBER_SYSTEM, "value": req.number}]


def claim(req: AuthorizationRequest, refs: Refs, *, document_urls: list[str],
          site_of_care: bool) -> Claim:
    supporting = [{
        "sequence": 1,
        "category": {"coding": [{"system": codes.CLAIM_INFO_CATEGORY, "code": "info",
                                 "display": "Information"}],
                     "text": "Answers to the policy's questions (DTR QuestionnaireResponse)"},
        "valueReference": refs.ref("questionnaire-response"),
    }]
    for url in document_urls:
        supporting.append({
            "sequence": len(supporting) + 1,
            "category": {"coding": [{"system": codes.CLAIM_INFO_CATEGORY, "code": "attachment",
                                     "display": "Attachment"}]},
            "valueReference": {"reference": url},
        })
    item: dict[str, Any] = {
        "sequence": 1,
        "productOrService": {"coding": [{"system": codes.HCPCS, "code": policy.HCPCS_CODE,
                                         "display": DRUG}]},
        "quantity": {"value": 1},
        "diagnosisSequence": [1],
        "informationSequence": [info["sequence"] for info in supporting],
    }
    planned = req.answers.get("planned_infusion_date")
    if planned:
        item["servicedDate"] = date.fromisoformat(planned)
    if site_of_care:
        item["locationReference"] = refs.ref("site-of-care")
    return Claim(
        id=refs.resource_id("claim"),
        identifier=_request_identifier(req),
        status="draft" if req.status == Status.DRAFT else "active",
        type=CLAIM_TYPE,
        use="preauthorization",
        patient=refs.ref("patient"),
        created=req.submitted_at or req.created_at,
        insurer=refs.ref("payer", settings.PAYER_NAME),
        provider=refs.ref("prescriber"),
        priority={"coding": [{"system": codes.PROCESS_PRIORITY,
                              "code": "stat" if req.expedited else "normal"}]},
        careTeam=[{"sequence": 1, "provider": refs.ref("prescriber")}],
        facility=refs.ref("site-of-care") if site_of_care else None,
        supportingInfo=supporting,
        diagnosis=[{"sequence": 1, "diagnosisCodeableConcept": {"coding": [{
            "system": codes.ICD10CM, "code": policy.ICD10_CODE,
            "display": "Hereditary factor IX deficiency"}]}}],
        insurance=[{"sequence": 1, "focal": True, "coverage": refs.ref("coverage")}],
        item=[item],
    )


def _reasons(determination: Determination, flags: dict[str, str]) -> list[dict[str, Any]]:
    names = {c.id: c.name for c in policy.CRITERIA}
    reasons = [{"url": "reasonCode", "valueCodeableConcept": {"coding": [{
        "system": codes.CRITERIA_SYSTEM, "code": criterion,
        "display": names.get(criterion, criterion)}]}} for criterion in determination.unmet]
    reasons += [{"url": "reasonCode", "valueCodeableConcept": {"coding": [{
        "system": codes.REVIEW_FLAG_SYSTEM, "code": flag}], "text": text}}
        for flag, text in flags.items()]
    return reasons


def flag_texts(req: AuthorizationRequest) -> dict[str, str]:
    """Each review flag of the request with its recorded reason(s): which
    result and how many days old, as the reviewer reads it."""
    return {flag: " ".join(policy.reason_texts([flag], req.review_flag_reasons))
            for flag in req.review_flags or []}


def review_action(determination: Determination, authorization, flags: dict[str, str]
                  ) -> dict[str, Any]:
    """The PAS reviewAction extension of the item's adjudication."""
    action = ACTION_BY_STATUS[Status(determination.status)]
    parts: list[dict[str, Any]] = [{"url": codes.EXT_REVIEW_ACTION_CODE, "valueCodeableConcept": {
        "coding": [{"system": codes.X12_REVIEW_ACTION, "code": action,
                    "display": codes.REVIEW_ACTION_DISPLAY[action]}]}}]
    if authorization is not None:
        parts.append({"url": "number", "valueString": authorization.number})
    if action != codes.APPROVED:
        parts += _reasons(determination, flags)
    return {"url": codes.EXT_REVIEW_ACTION, "extension": parts}


def claim_response(req: AuthorizationRequest, determination: Determination, refs: Refs,
                   *, authorization) -> ClaimResponse:
    """The ClaimResponse of one determination. `authorization` is the request's
    authorization when this determination approved it, else None."""
    action = ACTION_BY_STATUS[Status(determination.status)]
    if action != codes.APPROVED:
        authorization = None
    flags = flag_texts(req) if action == codes.PENDED else {}
    notes = [{"number": 1, "type": "print", "text": determination.rationale}] \
        if determination.rationale else None
    return ClaimResponse(
        id=refs.resource_id(f"claim-response-{determination.pk}"),
        identifier=_request_identifier(req),
        status="active",
        type=CLAIM_TYPE,
        use="preauthorization",
        patient=refs.ref("patient"),
        created=determination.created_at,
        insurer=refs.ref("payer", settings.PAYER_NAME),
        requestor=refs.ref("prescriber"),
        request=refs.ref("claim"),
        outcome="queued" if action == codes.PENDED else "complete",
        disposition=DISPOSITION[action],
        preAuthRef=authorization.number if authorization else None,
        preAuthPeriod={"start": authorization.start_date, "end": authorization.end_date}
        if authorization else None,
        item=[{"itemSequence": 1, "adjudication": [{
            "category": {"coding": [{"system": codes.ADJUDICATION, "code": "submitted"}]},
            "extension": [review_action(determination, authorization, flags)],
        }]}],
        processNote=notes,
    )
