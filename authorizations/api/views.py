"""The API's endpoints (version 1). Every one is scoped to the token's HTC:
another HTC's request does not exist here (404)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from drf_spectacular.views import SpectacularRedocView
from rest_framework import parsers, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from authorizations.core import zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.fhir import bundle, importing, jsonio
from authorizations.models import (
    Appeal,
    AuthorizationRequest,
    Determination,
    PrescriberProfile,
    Status,
)
from authorizations.policy import Problem, values
from authorizations.requests.selectors import authorization_or_none

NUMBER = re.compile(r"^PA-(\d{7,12})$")


class FHIRRenderer(renderers.BaseRenderer):
    """application/fhir+json: FHIR text as it is; anything else (errors) as JSON."""

    media_type = jsonio.CONTENT_TYPE
    format = "fhir"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode()
        return renderers.JSONRenderer().render(data)


class RawJSONParser(parsers.BaseParser):
    """The body unparsed: the import reads it with exact decimals."""

    media_type = "application/fhir+json"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(importing.MAX_BYTES + 1)


class RawPlainJSONParser(RawJSONParser):
    media_type = "application/json"


def request_of(request, number: str) -> AuthorizationRequest:
    match = NUMBER.match(number)
    if not match:
        raise Http404
    try:
        return (AuthorizationRequest.objects.select_related("htc", "prescriber")
                .get(pk=int(match[1]), htc=request.user.htc))
    except AuthorizationRequest.DoesNotExist:
        raise Http404 from None


class AuthorizationSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="Goes on the claim (PAS preAuthRef)")
    start = serializers.DateField()
    end = serializers.DateField(help_text="Last day of the window (inclusive)")
    status = serializers.ChoiceField(["active", "administered", "expired", "cancelled"])
    hcpcs = serializers.CharField()
    icd10 = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["approved", "denied"])
    kind = serializers.ChoiceField(["system", "reviewer"])
    appeal = serializers.BooleanField(help_text="Made on an appeal (upheld or overturned)")
    by = serializers.CharField()
    at = serializers.DateTimeField()


class StatusSerializer(serializers.Serializer):
    request = serializers.CharField(help_text="The request number, PA-0000012")
    status = serializers.ChoiceField(["draft", "pending_review", "information_requested",
                                      "approved", "denied"],
                                     help_text="Where the request stands now (after an appeal, "
                                               "the appeal's decision)")
    outcome = serializers.ChoiceField(["meets_criteria", "not_met"], allow_null=True,
                                      help_text="The evaluator's result at submission; a "
                                                "reviewer's or an appeal's decision does not "
                                                "change it")
    unmet = serializers.ListField(child=serializers.CharField(),
                                  help_text="Criterion IDs not met by the evaluator "
                                            "(data dictionary, 2)")
    decision = DecisionSerializer(allow_null=True, help_text="The current decision, or null")
    review_flags = serializers.ListField(child=serializers.CharField())
    policy = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True,
                                           help_text="When the current decision was made")
    authorization = AuthorizationSerializer(allow_null=True)


class CreatedSerializer(serializers.Serializer):
    request = serializers.CharField()
    status = serializers.CharField()
    prescriber = serializers.CharField()
    resume_url = serializers.CharField(help_text="Where the prescriber finishes the draft")


class ProblemSerializer(serializers.Serializer):
    linkId = serializers.CharField()  # noqa: N815 - FHIR's name
    message = serializers.CharField()


class RefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = ProblemSerializer(many=True)


class RequestStatus(APIView):
    @extend_schema(summary="Status, outcome, unmet criteria and authorization of a request "
                           "(the PAS $inquire use)",
                   responses={200: StatusSerializer, 401: OpenApiResponse(
                       description="No, unknown, revoked or expired token"),
                              404: OpenApiResponse(description="No such request at this HTC")})
    def get(self, request, number: str):
        req = request_of(request, number)
        audit(by=request.user, action=AuditAction.API_STATUS, obj=req, htc=req.htc_id)
        auth = authorization_or_none(req)
        decision = current_decision(req)
        return Response({
            "request": req.number,
            "status": req.status,
            "outcome": req.outcome or None,
            "unmet": req.unmet,
            "decision": {
                "status": decision.status, "kind": decision.kind,
                "appeal": Appeal.objects.filter(decision=decision).exists(),
                "by": decision.decided_by_name, "at": decision.created_at,
            } if decision else None,
            "review_flags": req.review_flags,
            "policy": req.policy_version,
            "submitted_at": req.submitted_at,
            # The current decision's time (an overturned appeal's, not the first denial's).
            "decided_at": decision.created_at if decision else None,
            "authorization": {
                "number": auth.number, "start": auth.start_date, "end": auth.end_date,
                "status": auth.status_on(zones.today()),
                "hcpcs": auth.hcpcs_code, "icd10": auth.icd10_code,
            } if auth else None,
        })


def current_decision(req: AuthorizationRequest) -> Determination | None:
    """The latest approval or denial: an appeal's, when one was decided."""
    return (req.determinations.filter(status__in=[Status.APPROVED, Status.DENIED])
            .order_by("-created_at", "-id").first())


class Index(APIView):
    """What the API offers, for a person or a client finding their way."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(summary="The API's endpoints", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response({
            "name": "Hemgenix prior authorization API", "version": "1",
            "authentication": "Authorization: Api-Key <token> (one token per HTC)",
            "documentation": url("api_docs"), "swagger_ui": url("api_docs_swagger"),
            "schema": url("api_schema"),
            "endpoints": {
                "request_status": request.build_absolute_uri("/api/v1/requests/{number}"),
                "request_fhir": request.build_absolute_uri("/api/v1/requests/{number}/fhir"),
                "questionnaire_responses": url("api_questionnaire_responses"),
                "pas_submit": url("pas_submit"), "pas_inquire": url("pas_inquire"),
                "questionnaire": request.build_absolute_uri("/fhir/Questionnaire"),
            },
        })


class RedocView(SpectacularRedocView):
    """Redoc from the project's static files, in a page of its own (lang,
    no outside fonts). Redoc writes its styles into the page and renders its
    search in a worker: this page's policy allows those, and still no
    script but the project's."""

    template_name = "api/redoc.html"
    CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = self.CSP
        return response


class RequestFhir(APIView):
    renderer_classes = [FHIRRenderer, renderers.JSONRenderer]

    @extend_schema(summary="The request as a FHIR R4 collection Bundle (Patient, "
                           "Practitioner, Organizations, Coverage, QuestionnaireResponse, "
                           "Claim, ClaimResponse)",
                   responses={(200, jsonio.CONTENT_TYPE): OpenApiTypes.OBJECT,
                              401: OpenApiResponse(description="Bad token"),
                              404: OpenApiResponse(description="No such request here")})
    def get(self, request, number: str):
        req = request_of(request, number)
        audit(by=request.user, action=AuditAction.FHIR_EXPORT, obj=req, via="api")
        response = Response(jsonio.dumps(bundle.request_bundle(req)),
                            content_type=f"{jsonio.CONTENT_TYPE}; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response


class QuestionnaireResponseCreate(APIView):
    parser_classes = [RawJSONParser, RawPlainJSONParser]

    @extend_schema(
        summary="Create a draft from a DTR QuestionnaireResponse, as the upload does",
        description="The prescriber is the QuestionnaireResponse's `author` identified by "
                    "NPI (`author.identifier`, system http://hl7.org/fhir/sid/us-npi), or the "
                    "`prescriber` query parameter (a username); either must be a prescriber at "
                    "the token's HTC. Nothing is created unless every answer can be read.",
        request={"application/fhir+json": OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("prescriber", str, description="Username of the "
                                     "prescriber who owns the draft (instead of author's NPI)")],
        responses={201: CreatedSerializer, 400: RefusedSerializer,
                   401: OpenApiResponse(description="Bad token"),
                   429: OpenApiResponse(description="Too many requests for this token")},
        examples=[OpenApiExample("Refused", response_only=True, status_codes=["400"], value={
            "detail": "Nothing imported", "problems": [
                {"linkId": "weight_kg", "message": "must be at least 20"}]})])
    def post(self, request):
        body = request.data if isinstance(request.data, bytes) else b""
        try:
            prescriber = _prescriber(request, body)
            req = importing.import_questionnaire_response(
                by=prescriber, htc=request.user.htc, text=body, via="api", actor=request.user)
        except importing.ImportRefused as exc:
            return Response({"detail": "Nothing imported", "problems": [
                {"linkId": p.key, "message": p.message} for p in exc.problems]}, status=400)
        resume = reverse("request_resume", args=[req.pk])
        response = Response({"request": req.number, "status": req.status,
                             "prescriber": prescriber.get_username(),
                             "resume_url": request.build_absolute_uri(resume)}, status=201)
        response["Location"] = request.build_absolute_uri(
            reverse("api_request", args=[req.number]))
        return response


def _prescriber(request, body: bytes):
    """The draft's owner: a prescriber at the token's HTC, by the author's NPI
    or the `prescriber` query parameter."""


    htc = request.user.htc
    username = request.query_params.get("prescriber")
    if username:
        user = get_user_model().objects.filter(
            username=username, is_active=True, prescriber__htc=htc).first()
        if user is None:
            raise importing.ImportRefused([Problem(
                "prescriber", "is not a prescriber at this token's HTC")])
        return user
    try:
        data = values.loads(body)
        identifier = data["author"]["identifier"]
    except (ValueError, KeyError, TypeError):
        identifier = None
    npi = identifier.get("value") if isinstance(identifier, dict) else None
    profile = PrescriberProfile.objects.select_related("user").filter(
        npi=npi, htc=htc, user__is_active=True).first() if npi else None
    if profile is None:
        raise importing.ImportRefused([Problem(
            "author", "must identify a prescriber at this token's HTC by NPI "
                      "(author.identifier), or pass ?prescriber=<username>")])
    return profile.user
