"""Errors under /fhir/ as OperationOutcome: every one, whoever raised it (a
FHIR view, DRF's authentication, Django's 404), with the status it had. The
middleware rewrites any error response of a /fhir/ path that is not FHIR
already; views that know the path of each problem build their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome

from authorizations.fhir import jsonio

# FHIR issue type (http://hl7.org/fhir/issue-type) of each status.
ISSUE_CODE = {400: "structure", 401: "login", 403: "forbidden", 404: "not-found",
              405: "not-supported", 406: "not-supported", 409: "conflict",
              413: "too-costly", 415: "not-supported", 422: "processing",
              429: "throttled"}
DIAGNOSTICS = {401: "Authentication required: Authorization: Api-Key <token> (or the CDS "
                    "Hooks JWT for /cds-services)",
               403: "Not allowed", 404: "No such resource or operation here",
               405: "Method not allowed", 429: "Too many requests: try again later"}


def outcome(status: int, issues: Iterable[tuple[str | None, str]]) -> OperationOutcome:
    """`issues`: (FHIRPath or None, message) pairs."""
    code = ISSUE_CODE.get(status, "exception" if status >= 500 else "invalid")
    return OperationOutcome(issue=[
        {"severity": "error", "code": code, "diagnostics": message,
         **({"expression": [path]} if path else {})}
        for path, message in issues] or [{"severity": "error", "code": code}])


def response(status: int, issues: Iterable[tuple[str | None, str]]) -> HttpResponse:
    return HttpResponse(jsonio.dumps(outcome(status, issues)).encode(), status=status,
                        content_type=f"{jsonio.CONTENT_TYPE}; charset=utf-8")


class OperationOutcomeMiddleware:
    """Any error answer under /fhir/ that is not FHIR becomes an
    OperationOutcome with the same status (and headers such as
    WWW-Authenticate and Retry-After)."""

    PREFIX = "/fhir/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = self.get_response(request)
        if (not request.path.startswith(self.PREFIX) or answer.status_code < 400
                or answer.get("Content-Type", "").startswith(jsonio.CONTENT_TYPE)):
            return answer
        status = answer.status_code
        fhir = response(status, [(None, DIAGNOSTICS.get(status, "The request failed"))])
        for header in ("WWW-Authenticate", "Retry-After", "Allow"):
            if header in answer:
                fhir[header] = answer[header]
        return fhir
