"""The writes of API tokens, each in one transaction with its audit row (on
the HTC: a token's id holds its hash, so the log names its prefix only), and
the PAS submission."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from authorizations.api.models import CDSClient, HTCAPIKey, PASSubmission
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.documents.services import MAX_PER_REQUEST, DocumentRefused, document_add
from authorizations.fhir import pas_submit as pas_submit_reader
from authorizations.models import HTC, AuthorizationRequest
from authorizations.requests.services import request_create, request_save_draft, request_submit


class NotAllowed(PermissionError):
    pass


def _superuser_only(by: User) -> None:
    if not getattr(by, "is_superuser", False):
        raise NotAllowed("Only a superuser manages API tokens")


@service
def api_key_create(*, by: User, htc: HTC, name: str,
                   expiry_date: datetime | None = None) -> tuple[HTCAPIKey, str]:
    """A new token for `htc`: (the record, the token). The token is not stored
    and cannot be shown again."""
    _superuser_only(by)
    with transaction.atomic():
        key, token = HTCAPIKey.objects.create_key(htc=htc, name=name.strip(),
                                                  expiry_date=expiry_date)
        # The library's manager is typed for AbstractAPIKey; it builds its model's.
        assert isinstance(key, HTCAPIKey)
        audit(by=by, action=AuditAction.API_KEY_CREATE, obj=htc, key=key.prefix, name=key.name)
    return key, token


@service
def api_key_revoke(*, by: User, key: HTCAPIKey) -> HTCAPIKey:
    """Revoke a token for good (the library refuses to un-revoke)."""
    _superuser_only(by)
    with transaction.atomic():
        key = HTCAPIKey.objects.select_for_update().get(pk=key.pk)
        if not key.revoked:
            key.revoked = True
            key.save(update_fields=["revoked"])
            audit(by=by, action=AuditAction.API_KEY_REVOKE, obj=key.htc, key=key.prefix)
    return key


@service
def pas_submit(*, by: Any, submission: pas_submit_reader.Submission,
               prescriber: User) -> tuple[AuthorizationRequest, bool]:
    """A PAS request Bundle, already read and checked, submitted as the wizard
    submits: a draft of `prescriber` with the answers, its documents added
    through the documents slice (the same checks as an upload), then
    request_submit, which so sees them (documentation_missing). A document
    refused refuses the whole Bundle (pas_submit_reader.Refused, 422, the
    path of its data): nothing of it is kept.
    (request, created): a replayed Bundle (same transaction identifier at the
    same HTC) gives the request it made the first time. `by` is the token's
    APIClient, which the audit row names as api-key:<prefix>."""
    htc = by.htc
    system = str(submission.identifier.get("system") or "")[:200]
    value = str(submission.identifier.get("value") or "")[:100]
    with transaction.atomic():
        earlier = (PASSubmission.objects.select_for_update()
                   .filter(htc=htc, bundle_system=system, bundle_value=value)
                   .select_related("request").first())
        if earlier is not None:
            return earlier.request, False
        req = request_create(by=prescriber, htc=htc)
        req = request_save_draft(
            by=prescriber, req=req, answers=submission.answers, step="review",
            origins=submission.origins,
            expedited=submission.expedited,
            expedited_reason="Sent as urgent (priority stat) on the EHR's PAS Claim"
            if submission.expedited else "")
        PASSubmission.objects.create(htc=htc, bundle_system=system, bundle_value=value,
                                     claim_identifiers=submission.claim_identifiers,
                                     request=req)
        _attach(submission, req, prescriber)
        audit(by=by, action=AuditAction.PAS_SUBMIT, obj=req,
              policy=submission.version.number, answered=len(submission.answers),
              ehr_filled=submission.ehr_filled, documents=len(submission.documents))
        req = request_submit(by=prescriber, req=req).request
    return req, True


def _attach(submission: pas_submit_reader.Submission, req: AuthorizationRequest,
            prescriber: User) -> None:
    """Add the Bundle's documents to the draft, each as an upload of the
    prescriber's; every refusal named, then all undone by the caller's
    transaction."""
    if len(submission.documents) > MAX_PER_REQUEST:
        # Refused here, before a draft's number could show in the message.
        raise pas_submit_reader.Refused(422, [pas_submit_reader.Issue(
            "Bundle.entry[0].resource.supportingInfo",
            f"names {len(submission.documents)} documents: a request has at most "
            f"{MAX_PER_REQUEST}")])
    refusals = []
    for doc in submission.documents:
        upload = SimpleUploadedFile(doc.name, doc.content, content_type=doc.content_type)
        try:
            document_add(by=prescriber, req=req, upload=upload, kind=doc.kind)
        except DocumentRefused as exc:
            refusals.append(pas_submit_reader.Issue(doc.path, exc.message))
    if refusals:
        raise pas_submit_reader.Refused(422, refusals)


def _fhir_base_url(value: str) -> str:
    """A FHIR base URL as stored (and as `iss` is matched): absolute http(s),
    no query or fragment, no trailing slash."""
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment:
        raise ValueError("FHIR base URL: an absolute http(s) URL without query or fragment "
                         "is required")
    return url


@service
def cds_client_register(*, by: User, htc: HTC, name: str, issuer: str,
                        jwks: dict[str, Any], smart_launch: bool = False,
                        fhir_base_url: str = "", smart_client_id: str = "") -> CDSClient:
    """Register an EHR for the CDS Hooks service: its JWT issuer and its
    JWKS, kept exactly as the EHR published it; `smart_launch` when it
    launches SMART apps from a card (the form's link is then a SMART link to
    /smart/launch), with the EHR's FHIR base URL (the `iss` of its launches)
    and the client_id it issued to this service, both required then."""
    _superuser_only(by)
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise ValueError("JWKS: a JSON Web Key Set with at least one key is required")
    base_url, client_id = fhir_base_url.strip(), smart_client_id.strip()
    if smart_launch and not (base_url and client_id):
        raise ValueError("SMART launch: the EHR's FHIR base URL (its iss) and the client_id "
                         "it issued to this service are both required")
    if base_url:
        base_url = _fhir_base_url(base_url)
        if CDSClient.objects.filter(fhir_base_url=base_url).exists():
            raise ValueError(f"FHIR base URL: {base_url} is already registered")
    with transaction.atomic():
        client = CDSClient.objects.create(htc=htc, name=name.strip(), issuer=issuer.strip(),
                                          jwks=jwks, smart_launch=smart_launch,
                                          fhir_base_url=base_url, smart_client_id=client_id)
        audit(by=by, action=AuditAction.CDS_CLIENT_REGISTER, obj=htc, client=client.pk,
              issuer=client.issuer, fhir_base_url=base_url)
    return client


# The SMART launch (smart_views.py) stores nothing but its audit rows: the
# state and PKCE verifier live in the user's session until the callback.
# Identifiers and outcomes only: never the launch, code, tokens or patient.

@service
def smart_launch_start(*, by: User, client: CDSClient) -> None:
    """The prescriber was sent to the EHR's authorize endpoint."""
    audit(by=by, action=AuditAction.SMART_LAUNCH_START, obj=client)


@service
def smart_launch_complete(*, by: User, client: CDSClient, patient: bool) -> None:
    """The EHR's token response carried the card's context: the prescriber
    goes to the request form's confirmation page."""
    audit(by=by, action=AuditAction.SMART_LAUNCH_COMPLETE, obj=client, patient=patient)


@service
def smart_launch_fail(*, by: User, client: CDSClient, reason: str) -> None:
    """A launch of a registered EHR that stopped; `reason` a SmartError code."""
    audit(by=by, action=AuditAction.SMART_LAUNCH_FAIL, obj=client, reason=reason[:60])
