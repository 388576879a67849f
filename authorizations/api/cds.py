"""The CDS Hooks service of CRD: discovery (public, as the CDS Hooks
specification has it) and the hemgenix-crd service, which a registered EHR
calls with its JWT (cds_auth.py). The answer is fhir/crd.py's."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from authorizations import policy
from authorizations.api.cds_auth import CDSHooksJWTAuthentication
from authorizations.core import zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.fhir import crd
from authorizations.requests.ehr_services import ehr_launch_create

SERVICE_IDS = {crd.SERVICE_ID: "order-sign", f"{crd.SERVICE_ID}-select": "order-select"}
# Where the card's policy link goes; a deployment names the payer's own page.
DEFAULT_POLICY_URL = ("https://www.uhcprovider.com/en/policies-protocols/commercial-policies/"
                      "commercial-medical-drug-policies.html")


class Discovery(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(crd.services())


class ExactJSONParser(parsers.JSONParser):
    """JSON whose numbers are exact Decimals (policy.values.loads): a weight
    the prefetch carries reaches the request form as the EHR wrote it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return policy.values.loads(stream.read())
        except ValueError as exc:
            raise ParseError(f"JSON parse error: {str(exc)[:120]}") from None


def _form_link(request, hook: dict) -> tuple[str, str | None]:
    """The card's link to the request form, prefilled: (its URL, the SMART
    appContext when the EHR launches SMART apps). The order's facts are kept
    under a token (requests/ehr_services.py): the URL carries only the token,
    or, for a SMART link, is the launch URL and the appContext carries it."""
    client = request.auth
    found = crd.orders(hook)
    order = f"{found[0].get('resourceType')}/{found[0].get('id')}" \
        if found and found[0].get("id") else ""
    context = hook.get("context") if isinstance(hook.get("context"), dict) else {}
    patient = context.get("patientId") if isinstance(context.get("patientId"), str) else ""
    _, token = ehr_launch_create(by=request.user, htc=client.htc, order=order,
                                 patient=patient, answers=crd.prefill(hook, as_of=zones.today()))
    if client.smart_launch:
        # A SMART launch URL: the EHR adds iss and launch, and hands the
        # appContext back in its token response (smart_views.py).
        return (request.build_absolute_uri(reverse("smart_launch")),
                json.dumps({"token": token}))
    return request.build_absolute_uri(reverse("request_from_ehr", args=[token])), None


class Service(APIView):
    authentication_classes = [CDSHooksJWTAuthentication]
    parser_classes = [ExactJSONParser]

    @extend_schema(exclude=True)
    def post(self, request, service_id: str):
        if service_id not in SERVICE_IDS:
            raise Http404
        hook = request.data if isinstance(request.data, dict) else {}
        if hook.get("hook") not in crd.HOOKS:
            return Response({"detail": f"hook must be one of {', '.join(crd.HOOKS)}"},
                            status=400)
        form_url, smart_context = request.build_absolute_uri(reverse("request_new")), None
        if crd.orders(hook):
            form_url, smart_context = _form_link(request, hook)
        body = crd.answer(
            hook, today=zones.today(), payer=settings.PAYER_NAME,
            policy_url=getattr(settings, "CRD_POLICY_URL", "") or DEFAULT_POLICY_URL,
            form_url=form_url, smart_context=smart_context)
        # Identifiers only: the hook carries patient data, the log must not.
        audit(by=request.user, action=AuditAction.CDS_HOOK, obj=request.auth.htc,
              hook=hook["hook"], cards=len(body["cards"]))
        return Response(body)
