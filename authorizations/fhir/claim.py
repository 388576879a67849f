"""The request as a PAS Claim, and a decision as a PAS ClaimResponse: outcome,
preAuthRef (the authorization number), preAuthPeriod (its window) and, on the
item, the PAS review action (X12 306: A1 certified, A3 not certified, A4
pended) with its reasons: each unmet criterion or review flag as this
service's code (x12.py says why the X12 reason code is added only once
confirmed), and the authorized provider the profile asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.claimresponse import ClaimResponse

from authorizations import policy
from authorizations.core import zones
from authorizations.fhir import codes, profiles, x12
from authorizations.fhir.parties import Refs
from authorizations.models import AuthorizationRequest, Determination, Status

CLAIM_TYPE = {"coding": [{"system": codes.CLAIM_TYPE, "code": "professional",
                          "display": "Professional"}]}
ACTION_BY_STATUS = {Status.APPROVED: codes.APPROVED, Status.DENIED: codes.DENIED,
                    Status.PENDING_REVIEW: codes.PENDED,
                    Status.INFORMATION_REQUESTED: codes.PENDED}
DISPOSITION = {
    codes.APPROVED: "Approved: one Hemgenix treatment is authorized.",
    codes.DENIED: "Denied by a clinical reviewer.",
    codes.PENDED: "Pended for clinical review.",
}
INFORMATION_DISPOSITION = "Pended: the reviewer asks for information (see communicationRequest)."
DRUG = "Hemgenix (etranacogene dezaparvovec-drlb), per therapeutic dose"
ITEM_SEQUENCE = 1


def _request_identifier(req: AuthorizationRequest) -> list[dict[str, str]]:
    return [{"system": codes.REQUEST_NUMBER_SYSTEM, "value": req.number}]


def _item(req: AuthorizationRequest, informations: list[int]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "extension": [
            {"url": profiles.EXT_REQUEST_TYPE,
             "valueCodeableConcept": x12.REQUEST_TYPE.concept("HS")},
            {"url": profiles.EXT_CERTIFICATION_TYPE,
             "valueCodeableConcept": x12.CERTIFICATION_TYPE.concept("I")},
        ],
        "sequence": ITEM_SEQUENCE,
        "careTeamSequence": [1],
        "diagnosisSequence": [1],
        "informationSequence": informations,
        "category": x12.SERVICE_TYPE.concept("1"),
        "productOrService": {"coding": [{"system": codes.HCPCS, "code": policy.HCPCS_CODE,
                                         "display": DRUG}]},
        "locationCodeableConcept": x12.PLACE_OF_SERVICE.concept("22"),
        "quantity": {"value": 1},
    }
    planned = req.answers.get("planned_infusion_date")
    if planned:
        item["servicedDate"] = date.fromisoformat(planned)
    return item


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
    return Claim(
        id=refs.resource_id("claim"),
        meta=profiles.meta(profiles.PAS_CLAIM),
        identifier=_request_identifier(req),
        # PAS fixes the status at active; a draft is not a PAS request, only an export.
        status="draft" if req.status == Status.DRAFT else "active",
        type=CLAIM_TYPE,
        use="preauthorization",
        patient=refs.ref("patient"),
        created=req.submitted_at or req.created_at,
        insurer=refs.ref("payer", settings.PAYER_NAME),
        provider=refs.ref("prescriber-role"),
        priority={"coding": [{"system": codes.PROCESS_PRIORITY,
                              "code": "stat" if req.expedited else "normal"}]},
        careTeam=[{
            "extension": [{"url": profiles.EXT_CARE_TEAM_SCOPE, "valueBoolean": True}],
            "sequence": 1, "provider": refs.ref("prescriber-role"),
            "role": x12.ENTITY_IDENTIFIER.concept("DK")}],
        facility=refs.ref("site-of-care") if site_of_care else None,
        supportingInfo=supporting,
        diagnosis=[{"sequence": 1, "diagnosisCodeableConcept": {"coding": [{
            "system": codes.ICD10CM, "code": policy.ICD10_CODE,
            "display": "Hereditary factor IX deficiency"}]}}],
        insurance=[{"sequence": 1, "focal": True, "coverage": refs.ref("coverage")}],
        item=[_item(req, [info["sequence"] for info in supporting])],
    )


def _reason(kind: str, system: str, code: str, display: str | None, text: str | None
            ) -> dict[str, Any]:
    codings = [c for c in [x12.reason_coding(kind)] if c]
    codings.append({"system": system, "code": code, **({"display": display} if display else {})})
    concept: dict[str, Any] = {"coding": codings}
    if text:
        concept["text"] = text
    return {"url": "reasonCode", "valueCodeableConcept": concept}


def _reasons(unmet: list[str], flags: dict[str, str]) -> list[dict[str, Any]]:
    names = {c.id: c.name for c in policy.CRITERIA}
    reasons = [_reason("criterion_not_met", codes.CRITERIA_SYSTEM, criterion,
                       names.get(criterion, criterion), None) for criterion in unmet]
    reasons += [_reason("documentation_missing" if flag == "documentation_missing"
                        else "review_flag", codes.REVIEW_FLAG_SYSTEM, flag, None, text)
                for flag, text in flags.items()]
    return reasons


def flag_texts(req: AuthorizationRequest) -> dict[str, str]:
    """Each review flag of the request with its recorded reason(s): which
    result and how many days old, as the reviewer reads it."""
    return {flag: " ".join(policy.reason_texts([flag], req.review_flag_reasons))
            for flag in req.review_flags or []}


@dataclass
class Decision:
    """What a ClaimResponse says: one determination, or the request as it
    stands now (pended for information has no determination of its own)."""

    action: str
    unmet: list[str]
    created: datetime
    key: str
    rationale: str = ""
    flags: dict[str, str] = field(default_factory=dict)
    authorization: Any = None
    communication_requests: list[str] = field(default_factory=list)
    disposition: str = ""

    @classmethod
    def of(cls, req: AuthorizationRequest, determination: Determination,
           authorization) -> Decision:
        action = ACTION_BY_STATUS[Status(determination.status)]
        return cls(action=action, unmet=list(determination.unmet),
                   created=determination.created_at, key=f"claim-response-{determination.pk}",
                   rationale=determination.rationale,
                   flags=flag_texts(req) if action == codes.PENDED else {},
                   authorization=authorization if action == codes.APPROVED else None)


def review_action(decision: Decision) -> dict[str, Any]:
    """The PAS reviewAction extension of the item's adjudication."""
    parts: list[dict[str, Any]] = [{"url": codes.EXT_REVIEW_ACTION_CODE, "valueCodeableConcept": {
        "coding": [x12.REVIEW_ACTION.coding(decision.action)]}}]
    if decision.authorization is not None:
        parts.append({"url": "number", "valueString": decision.authorization.number})
    if decision.action != codes.APPROVED:
        parts += _reasons(decision.unmet, decision.flags)
    return {"url": codes.EXT_REVIEW_ACTION, "extension": parts}


def _response_item(req: AuthorizationRequest, decision: Decision, refs: Refs) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [{"url": profiles.EXT_AUTHORIZED_PROVIDER, "extension": [
        {"url": "provider", "valueReference": refs.ref("prescriber")},
        {"url": "providerType", "valueCodeableConcept": x12.ENTITY_IDENTIFIER.concept("DK")}]}]
    authorization = decision.authorization
    if authorization is not None:
        extensions += [
            # The service's date of the decision, as the authorization's start
            # date is: `created` is UTC, whose date is the next day from 19:00
            # or 20:00 where the service is.
            {"url": profiles.EXT_PRE_AUTH_ISSUE_DATE,
             "valueDate": zones.service_date(decision.created)},
            {"url": profiles.EXT_PRE_AUTH_PERIOD, "valuePeriod": {
                "start": authorization.start_date, "end": authorization.end_date}}]
    return {"extension": extensions, "itemSequence": ITEM_SEQUENCE, "adjudication": [{
        "category": {"coding": [{"system": codes.ADJUDICATION, "code": "submitted"}]},
        "extension": [review_action(decision)]}]}


def response_resource(req: AuthorizationRequest, decision: Decision, refs: Refs
                      ) -> ClaimResponse:
    authorization = decision.authorization
    notes = [{"number": 1, "type": "print", "text": decision.rationale}] \
        if decision.rationale else None
    return ClaimResponse(
        id=refs.resource_id(decision.key),
        meta=profiles.meta(profiles.PAS_CLAIM_RESPONSE),
        identifier=_request_identifier(req),
        status="active",
        type=CLAIM_TYPE,
        use="preauthorization",
        patient=refs.ref("patient"),
        created=decision.created,
        insurer=refs.ref("payer", settings.PAYER_NAME),
        requestor=refs.ref("prescriber-role"),
        request=refs.ref("claim"),
        # PAS binds outcome to complete | error | partial: a pended request's
        # response is complete, the pend is the item's review action (A4).
        outcome="complete",
        disposition=decision.disposition or DISPOSITION[decision.action],
        preAuthRef=authorization.number if authorization else None,
        preAuthPeriod={"start": authorization.start_date, "end": authorization.end_date}
        if authorization else None,
        item=[_response_item(req, decision, refs)],
        communicationRequest=[{"reference": url} for url in decision.communication_requests]
        or None,
        processNote=notes,
    )


def claim_response(req: AuthorizationRequest, determination: Determination, refs: Refs,
                   *, authorization) -> ClaimResponse:
    """The ClaimResponse of one determination. `authorization` is the request's
    authorization (used only when this determination approved it)."""
    return response_resource(req, Decision.of(req, determination, authorization), refs)
