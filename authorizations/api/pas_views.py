"""Da Vinci PAS operations: Claim/$submit and Claim/$inquire, authenticated
like the API (an HTC's token). Answers are FHIR: a PAS response Bundle, or
an OperationOutcome naming the path of each problem."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from authorizations.api import services
from authorizations.api.models import PASSubmission
from authorizations.api.views import FHIRRenderer, RawJSONParser, RawPlainJSONParser
from authorizations.core import zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.fhir import codes, jsonio, outcome, pas, pas_submit
from authorizations.models import AuthorizationRequest, PrescriberProfile
from authorizations.policy import values

FHIR_BODY = {jsonio.CONTENT_TYPE: OpenApiTypes.OBJECT}


def fhir(resource, *, status_code: int = 200) -> Response:
    answer = Response(jsonio.dumps(resource), status=status_code,
                      content_type=f"{jsonio.CONTENT_TYPE}; charset=utf-8")
    answer["Cache-Control"] = "no-store"  # patient data
    return answer


def refused(status_code: int, issues: list[tuple[str | None, str]]) -> Response:
    return fhir(outcome.outcome(status_code, issues), status_code=status_code)


class FHIROperation(APIView):
    parser_classes = [RawJSONParser, RawPlainJSONParser]
    renderer_classes = [FHIRRenderer]

    def handle_exception(self, exc):
        answer = super().handle_exception(exc)
        if isinstance(exc, exceptions.APIException):
            detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            fhir_answer = refused(answer.status_code, [(None, detail)])
            for header in ("WWW-Authenticate", "Retry-After", "Allow"):
                if header in answer:
                    fhir_answer[header] = answer[header]
            return fhir_answer
        return answer

    def body(self, request) -> bytes:
        return request.data if isinstance(request.data, bytes) else b""


class ClaimSubmit(FHIROperation):
    @extend_schema(
        summary="PAS Claim/$submit: a PAS request Bundle (Claim first, the resources it "
                "references, the DTR QuestionnaireResponse, the supporting documents as "
                "DocumentReferences) becomes a submitted request",
        description="Answers with a PAS response Bundle: its ClaimResponse carries the review "
                    "action (A1 certified with preAuthRef and preAuthPeriod, A4 pended). "
                    "The prescriber is the Claim's provider, by NPI, at the token's HTC. "
                    "Each DocumentReference a supportingInfo names (PDF, PNG or JPEG inline, "
                    "base64; its type a LOINC document code or this service's document-kind "
                    "code) is attached before the request is evaluated; a file the document "
                    "checks refuse is a 422 naming its entry. "
                    "400: not FHIR; 422: breaks a PAS rule or the policy's questions, each "
                    "problem with its FHIRPath. Sending the same Bundle.identifier again "
                    "answers with the same request.",
        request=FHIR_BODY,
        responses={(200, jsonio.CONTENT_TYPE): OpenApiTypes.OBJECT,
                   400: OpenApiResponse(description="OperationOutcome: not FHIR"),
                   401: OpenApiResponse(description="OperationOutcome: bad token"),
                   422: OpenApiResponse(description="OperationOutcome: each problem's path")})
    def post(self, request):
        try:
            submission = pas_submit.read(self.body(request), as_of=zones.today())
        except pas_submit.Refused as exc:
            return refused(exc.status, [(i.path, i.message) for i in exc.issues])
        profile = PrescriberProfile.objects.select_related("user").filter(
            npi=submission.npi, htc=request.user.htc, user__is_active=True).first()
        if profile is None:
            return refused(422, [("Bundle.entry[0].resource.provider",
                                  "the provider's NPI is not a prescriber at this token's HTC")])
        try:
            req, _ = services.pas_submit(by=request.user, submission=submission,
                                         prescriber=profile.user)
        except pas_submit.Refused as exc:  # a document the documents slice refused
            return refused(exc.status, [(i.path, i.message) for i in exc.issues])
        return fhir(pas.response_bundle(req, identifier=submission.identifier))


def _identifiers(body: bytes) -> tuple[dict | None, list[tuple[str, str]]]:
    """The inquiry Bundle's identifier and its Claim's identifiers."""
    try:
        data = values.loads(body)
        claim = data["entry"][0]["resource"]
        found = [(str(i.get("system", "")), str(i.get("value", "")))
                 for i in claim.get("identifier") or () if isinstance(i, dict)]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise pas_submit.Refused(400, [pas_submit.Issue(
            "Bundle.entry[0].resource", "must be the Claim of a PAS inquiry Bundle")]) from None
    if claim.get("resourceType") != "Claim" or not found:
        raise pas_submit.Refused(422, [pas_submit.Issue(
            "Bundle.entry[0].resource.identifier", "the Claim must carry the identifier of "
            "the request: the one it was submitted with, or the ClaimResponse's")])
    identifier = data.get("identifier")
    return identifier if isinstance(identifier, dict) else None, found


def find_request(htc, identifiers: list[tuple[str, str]]) -> AuthorizationRequest | None:
    for system, value in identifiers:
        if system == codes.REQUEST_NUMBER_SYSTEM and value.startswith("PA-") \
                and value[3:].isdigit():
            req = AuthorizationRequest.objects.filter(pk=int(value[3:]), htc=htc).first()
            if req is not None:
                return req
    for submission in PASSubmission.objects.filter(htc=htc).select_related("request") \
            .order_by("-received_at"):
        if any((i.get("system"), i.get("value")) in identifiers
               for i in submission.claim_identifiers):
            return submission.request
    return None


class ClaimInquire(FHIROperation):
    @extend_schema(
        summary="PAS Claim/$inquire: the current ClaimResponse of a request",
        description="A PAS inquiry Bundle whose Claim carries the request's identifier (the "
                    "Claim's own from $submit, or the ClaimResponse's request number). "
                    "Answers with a PAS inquiry response Bundle: after a reviewer's decision "
                    "or an appeal, that decision.",
        request=FHIR_BODY,
        responses={(200, jsonio.CONTENT_TYPE): OpenApiTypes.OBJECT,
                   404: OpenApiResponse(description="OperationOutcome: no such request here")})
    def post(self, request):
        try:
            identifier, identifiers = _identifiers(self.body(request))
        except pas_submit.Refused as exc:
            return refused(exc.status, [(i.path, i.message) for i in exc.issues])
        req = find_request(request.user.htc, identifiers)
        if req is None or pas.current_claim_response(req) is None:
            return refused(status.HTTP_404_NOT_FOUND, [(
                "Bundle.entry[0].resource.identifier",
                "no submitted request of this HTC has this identifier")])
        audit(by=request.user, action=AuditAction.PAS_INQUIRE, obj=req, htc=req.htc_id)
        return fhir(pas.response_bundle(req, identifier=identifier, inquiry=True))
