"""The SMART App Launch pages (smart.py has the protocol): /smart/launch, the
launch URL an EHR opens from the CRD card's "smart" link, and
/smart/callback, the redirect URI the EHR's authorize endpoint sends the
browser back to. Both are a prescriber's (login first, then back here with
`next`); the EHR must be registered for the prescriber's HTC.

The state and PKCE verifier of each launch this browser started are kept in
its session under the state, taken out once at the callback. Errors are a
page saying what happened and what to do (never a traceback); the log and
the audit rows hold no launch, code, token nor patient."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from authorizations.api import services, smart
from authorizations.api.models import CDSClient
from authorizations.core.pages import SERVICE_NAME, prescriber_required
from authorizations.requests import selectors as request_selectors

SESSION_KEY = "smart_launches"
# A launch the EHR does not bring back within this time is forgotten; a
# browser keeps at most this many pending (several tabs, a retry).
PENDING_SECONDS = 10 * 60
MAX_PENDING = 5
MAX_PARAM = 2000


def registered_ehr(iss: str) -> CDSClient | None:
    """The active SMART-launching client whose FHIR base URL is `iss` (a
    trailing slash aside), or None: looked up before any request is made."""
    iss = iss.strip().rstrip("/")
    if not iss:
        return None
    return (CDSClient.objects.filter(active=True, smart_launch=True, fhir_base_url=iss)
            .exclude(smart_client_id="").select_related("htc").first())


def error_page(request, error: smart.SmartError) -> HttpResponse:
    return render(request, "api/smart_error.html", {
        "page_title": f"The launch from your EHR did not work – {SERVICE_NAME}",
        "what": error.what, "todo": error.todo}, status=error.status)


def _pending(session) -> dict[str, dict[str, Any]]:
    """The session's pending launches, the stale ones dropped."""
    now = time.time()
    found = session.get(SESSION_KEY)
    if not isinstance(found, dict):
        return {}
    return {state: p for state, p in found.items()
            if isinstance(p, dict) and now - float(p.get("at", 0)) < PENDING_SECONDS}


def _keep(session, state: str, launch: dict[str, Any]) -> None:
    pending = _pending(session)
    pending[state] = {**launch, "at": time.time()}
    newest = sorted(pending.items(), key=lambda item: item[1]["at"])[-MAX_PENDING:]
    session[SESSION_KEY] = dict(newest)


def _take(session, state: str) -> dict[str, Any] | None:
    """The launch this browser started with `state`, once."""
    pending = _pending(session)
    launch = pending.pop(state, None) if state else None
    session[SESSION_KEY] = pending
    return launch


def not_registered() -> smart.SmartError:
    return smart.SmartError(
        "unknown_iss", "This EHR is not registered with this service for SMART launches, so "
        "the request form cannot be opened from it.",
        "Ask your EHR administrator to register the EHR (its FHIR base URL and the client_id "
        "it issued) with this service. Meanwhile, start the request from “Your requests”.",
        status=400)


def other_htc() -> smart.SmartError:
    return smart.SmartError(
        "other_htc", "This EHR is registered for another hemophilia treatment center than "
        "yours.", "Sign in with your account at that center, or start the request from “Your "
        "requests”.", status=403)


@never_cache
@prescriber_required
@require_GET
def smart_launch(request):
    """The EHR launch: `iss` a registered FHIR base URL, `launch` the EHR's
    opaque launch id; the browser goes on to the EHR's authorize endpoint."""
    iss, launch = request.GET.get("iss", ""), request.GET.get("launch", "")
    if not iss or not launch or len(iss) > MAX_PARAM or len(launch) > MAX_PARAM:
        return error_page(request, smart.SmartError(
            "bad_launch", "The EHR opened this page without its launch parameters (iss and "
            "launch).", smart.START_AGAIN, status=400))
    client = registered_ehr(iss)
    if client is None:
        return error_page(request, not_registered())  # and nothing is fetched
    if client.htc_id != request.prescriber_profile.htc_id:
        return error_page(request, other_htc())
    try:
        endpoints = smart.discover(client.fhir_base_url)
    except smart.SmartError as exc:
        services.smart_launch_fail(by=request.user, client=client, reason=exc.code)
        return error_page(request, exc)
    verifier, challenge = smart.pkce_pair()
    state = secrets.token_urlsafe(32)
    redirect_uri = request.build_absolute_uri(reverse("smart_callback"))
    _keep(request.session, state, {"client": client.pk, "token_endpoint": endpoints.token,
                                   "verifier": verifier, "redirect_uri": redirect_uri})
    services.smart_launch_start(by=request.user, client=client)
    # A page that goes on by itself (meta refresh), not a redirect: after the
    # login form, Chromium holds a redirect chain to the CSP's form-action
    # ('self'), and the EHR's authorize endpoint is elsewhere. aud is the iss
    # as the EHR sent it (the registered one, a trailing slash aside).
    return render(request, "api/smart_continue.html", {
        "page_title": f"Continuing to your EHR – {SERVICE_NAME}",
        "authorize_url": smart.authorize_url(
            endpoints.authorize, client_id=client.smart_client_id, redirect_uri=redirect_uri,
            launch=launch, state=state, aud=iss.strip(), challenge=challenge)})


def not_started() -> smart.SmartError:
    return smart.SmartError(
        "bad_state", "This answer from the EHR does not belong to a launch started in this "
        "browser, or was already used.", smart.START_AGAIN, status=400)


def link_used() -> smart.SmartError:
    return smart.SmartError(
        "link_used", "The request form this card opens was already started, or its link has "
        "expired (a card's link works once, for an hour).",
        "Find the draft under “Your requests”, or sign the order again in your EHR for a new "
        "card.", status=400)


def other_patient() -> smart.SmartError:
    return smart.SmartError(
        "other_patient", "The EHR opened this service for another patient than the one the "
        "card's order is for.", "Check which patient's chart is open in your EHR, then open "
        "the request form again from the card on that patient's order.", status=400)


@never_cache
@prescriber_required
@require_GET
def smart_callback(request):
    """The redirect URI: the state checked (once), the code traded for the
    token response, whose appContext names the request form to open."""
    launch = _take(request.session, request.GET.get("state", "")[:MAX_PARAM])
    client = None
    if launch is not None:
        client = CDSClient.objects.filter(pk=launch.get("client"), active=True,
                                          smart_launch=True).first()
    if launch is None or client is None:
        return error_page(request, not_started())
    htc = request.prescriber_profile.htc
    try:
        if client.htc_id != htc.pk:
            raise other_htc()
        if request.GET.get("error"):
            raise smart.oauth_error(request.GET["error"], where="authorization")
        code = request.GET.get("code", "")
        if not code or len(code) > MAX_PARAM:
            raise smart.SmartError("no_code", "The EHR sent no authorization code.",
                                   smart.START_AGAIN, status=400)
        body = smart.exchange(launch["token_endpoint"], code=code,
                              redirect_uri=launch["redirect_uri"],
                              client_id=client.smart_client_id, verifier=launch["verifier"])
        token = smart.form_token(body)
        expected = request_selectors.ehr_launch_patient(htc=htc, token=token)
        if expected is None:
            raise link_used()
        if expected and body.get("patient") != expected:
            raise other_patient()
    except smart.SmartError as exc:
        services.smart_launch_fail(by=request.user, client=client, reason=exc.code)
        return error_page(request, exc)
    services.smart_launch_complete(by=request.user, client=client,
                                   patient=bool(body.get("patient")))
    return redirect("request_from_ehr", token=token)
