"""PAS answers: the request's current decision as a ClaimResponse in a PAS
response Bundle ($submit) or inquiry response Bundle ($inquire), with a
CommunicationRequest per document the reviewer asks for while the request
is pended for information."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.communicationrequest import CommunicationRequest

from authorizations import policy
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import claim, codes, parties, profiles, x12
from authorizations.fhir.parties import Refs
from authorizations.models import AuthorizationRequest, DocumentKind, InformationRequest, Status

ATTACHMENT_CONTROL_SYSTEM = f"{codes.CANONICAL_BASE}/sid/attachment-control-number"

# X12 755 report type of each kind of supporting document (documents.DocumentKind).
REPORT_TYPE_BY_KIND = {
    "factor_ix_lab": "LA", "inhibitor_assay": "LA", "aav5_antibody": "LA",
    "liver_panel": "LA", "viral_tests": "LA", "liver_imaging": "DG",
    "clinic_note": "PY", "other": "OZ",
}


def open_information_request(req: AuthorizationRequest) -> InformationRequest | None:
    if req.status != Status.INFORMATION_REQUESTED:
        return None
    return (req.information_requests.filter(responded_at__isnull=True)
            .order_by("-paused_at", "-id").first())


def _needed(ir: InformationRequest) -> list[tuple[str, str]]:
    """(X12 report type, what is needed) for each document asked for; one line
    for the criteria when no document kind was named."""
    needed = [(REPORT_TYPE_BY_KIND.get(kind, "OZ"), DocumentKind(kind).label)
              for kind in ir.document_kinds if kind in DocumentKind.values]
    if not needed:
        names = {c.id: c.name for c in policy.CRITERIA}
        needed = [("OZ", "Information about: " + ", ".join(names.get(c, c)
                                                           for c in ir.criteria))]
    return needed


def communication_requests(req: AuthorizationRequest, ir: InformationRequest, refs: Refs
                           ) -> list[tuple[str, CommunicationRequest]]:
    """One PAS CommunicationRequest per document needed (PAS allows one
    payload each), as (bundle key, resource)."""
    found = []
    for n, (report_type, what) in enumerate(_needed(ir), start=1):
        key = f"communication-request-{ir.pk}-{n}"
        found.append((key, CommunicationRequest(
            id=refs.resource_id(key),
            meta=profiles.meta(profiles.PAS_COMMUNICATION_REQUEST),
            extension=[{"url": profiles.EXT_SERVICE_LINE_NUMBER,
                        "valuePositiveInt": claim.ITEM_SEQUENCE}],
            identifier=[{"system": ATTACHMENT_CONTROL_SYSTEM,
                         "value": f"{req.number}-{ir.pk}-{n}"}],
            status="active",
            category=[x12.REPORT_TYPE.concept(report_type)],
            medium=[x12.TRANSMISSION.concept("EL")],
            subject=refs.ref("patient"),
            about=[refs.ref("claim")],
            authoredOn=ir.paused_at,
            requester=refs.ref("payer", settings.PAYER_NAME),
            recipient=[refs.ref("prescriber")],
            sender=refs.ref("htc"),
            occurrenceDateTime=ir.due_at,
            note=[{"text": f"{what}. {ir.message}".strip()}],
        )))
    return found


def current_decision(req: AuthorizationRequest, refs: Refs
                     ) -> tuple[claim.Decision, list[tuple[str, Any]]] | None:
    """The request's decision as it stands (after an appeal, the appeal's;
    while pended for information, the request for it), with the
    CommunicationRequests it points to; None for a draft."""
    determination = fhir_bundle.latest_determination(req)
    if determination is None:
        return None
    decision = claim.Decision.of(req, determination, fhir_bundle.authorization_of(req))
    ir = open_information_request(req)
    if ir is None:
        return decision, []
    extra = communication_requests(req, ir, refs)
    return replace(decision, action=codes.PENDED, unmet=list(ir.criteria), flags={},
                   authorization=None, key=f"claim-response-information-{ir.pk}",
                   created=ir.paused_at, rationale="",
                   disposition=claim.INFORMATION_DISPOSITION,
                   communication_requests=[refs.url(k) for k, _ in extra]), extra


def current_claim_response(req: AuthorizationRequest) -> ClaimResponse | None:
    refs = Refs(req.number)
    found = current_decision(req, refs)
    return claim.response_resource(req, found[0], refs) if found else None


def response_bundle(req: AuthorizationRequest, *, identifier: dict[str, Any] | None = None,
                    inquiry: bool = False, now: datetime | None = None) -> Bundle:
    """The PAS response Bundle (or inquiry response Bundle): the ClaimResponse
    first, then who it names. `identifier` echoes the request Bundle's."""
    refs = Refs(req.number)
    found = current_decision(req, refs)
    if found is None:
        raise ValueError(f"{req.number} has no decision yet")
    decision, extra = found
    response = claim.response_resource(req, decision, refs)
    if inquiry:
        response.meta = profiles.meta(profiles.PAS_CLAIM_INQUIRY_RESPONSE)
    resources: list[tuple[str, Any]] = [
        ("claim-response", response),
        ("patient", parties.patient(req, refs)),
        ("payer", parties.payer(refs)),
        ("prescriber", parties.practitioner(req, refs)),
        ("prescriber-role", parties.practitioner_role(req, refs)),
        ("htc", parties.htc(req, refs)),
        *extra,
    ]
    return Bundle(
        meta=profiles.meta(profiles.PAS_INQUIRY_RESPONSE_BUNDLE if inquiry
                           else profiles.PAS_RESPONSE_BUNDLE),
        identifier=identifier or {"system": codes.REQUEST_NUMBER_SYSTEM, "value": req.number},
        type="collection",
        timestamp=now or timezone.now(),
        entry=[{"fullUrl": refs.url(key), "resource": resource} for key, resource in resources],
    )
