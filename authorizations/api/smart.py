"""SMART App Launch v2, the EHR launch (https://hl7.org/fhir/smart-app-launch/
app-launch.html), as a public client with PKCE S256: the protocol without
the pages (smart_views.py has them).

An EHR opens /smart/launch?iss=...&launch=... ; `iss` must be the FHIR base
URL of a registered CDS Hooks client (CDSClient.fhir_base_url), found before
anything is fetched, so no address a stranger names is ever called. Then its
`.well-known/smart-configuration` gives the authorize and token endpoints;
the browser goes to authorize with the launch, a state and a PKCE challenge,
and comes back to /smart/callback with a code, which the token endpoint
trades for the launch context: `appContext` (the CRD card's, which holds the
token of the prefilled request form) and `patient`.

Every outbound call goes through `fetch_json` (tests replace it): the
standard library, a short timeout, http(s) only, no redirects followed, a
bounded body. Nothing here logs: the responses hold tokens and patient ids.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 5
MAX_BODY = 256 * 1024
# What the service asks for: the EHR's launch context (the appContext and the
# patient), nothing more. It reads no FHIR resource with the token, and the
# user is the one signed in here, so it asks for no identity (`openid
# fhirUser`): an id_token it would not check is not worth receiving.
SCOPE = "launch"
WELL_KNOWN = "/.well-known/smart-configuration"


class SmartError(Exception):
    """A launch that cannot go on: what happened and what the user can do,
    in words for the page; `code` a short identifier for the audit row."""

    def __init__(self, code: str, what: str, todo: str, *, status: int = 502):
        super().__init__(code)
        self.code, self.what, self.todo, self.status = code, what, todo, status


START_AGAIN = "Close this window and open the request form again from the card in your EHR."
ASK_ADMIN = ("If it happens again, tell your EHR administrator, with the time it happened: "
             "the EHR's registration with this service may need a change.")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # a 3xx is answered as it is: never followed elsewhere


_opener = urllib.request.build_opener(_NoRedirect())


def _http_url(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def fetch_json(url: str, *, form: dict[str, str] | None = None) -> tuple[int, Any]:
    """(HTTP status, parsed JSON) of a GET of `url`, or of a form POST when
    `form` is given. Raises SmartError when there is no JSON answer (refused
    scheme, unreachable, timeout, not JSON)."""
    if not _http_url(url):
        raise SmartError("bad_endpoint", "The EHR named an address this service does not call.",
                         ASK_ADMIN)
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if form is not None else "GET",
                                     headers={"Accept": "application/json"})
    if form is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status, body = response.status, response.read(MAX_BODY + 1)
    except urllib.error.HTTPError as exc:  # 3xx, 4xx and 5xx: read what it says
        status, body = exc.code, exc.read(MAX_BODY + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        # A timeout while connecting comes as a URLError whose reason it is.
        if isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None),
                                                        TimeoutError):
            raise SmartError("timeout", "The EHR did not answer in time.",
                             START_AGAIN) from None
        raise SmartError("unreachable", "The EHR could not be reached.", START_AGAIN) from None
    if len(body) > MAX_BODY:
        raise SmartError("too_large", "The EHR's answer was too large to read.", ASK_ADMIN)
    try:
        return status, json.loads(body)
    except ValueError:
        raise SmartError("not_json", f"The EHR's answer (HTTP {status}) was not the JSON "
                         "expected.", START_AGAIN if status >= 500 else ASK_ADMIN) from None


@dataclass(frozen=True)
class Endpoints:
    authorize: str
    token: str


def discover(iss: str) -> Endpoints:
    """The EHR's authorize and token endpoints from its SMART configuration,
    which must offer PKCE S256. `iss` is a registered FHIR base URL."""
    status, config = fetch_json(iss.rstrip("/") + WELL_KNOWN)
    if status != 200 or not isinstance(config, dict):
        raise SmartError("discovery", f"The EHR's SMART configuration could not be read "
                         f"(HTTP {status}).", START_AGAIN if status >= 500 else ASK_ADMIN)
    authorize, token = config.get("authorization_endpoint"), config.get("token_endpoint")
    methods = config.get("code_challenge_methods_supported")
    if not (isinstance(authorize, str) and isinstance(token, str)
            and _http_url(authorize) and _http_url(token)):
        raise SmartError("discovery", "The EHR's SMART configuration names no usable "
                         "authorization and token endpoints.", ASK_ADMIN)
    https = urllib.parse.urlsplit(iss).scheme == "https"
    if https and not all(u.startswith("https://") for u in (authorize, token)):
        raise SmartError("discovery", "The EHR's SMART configuration names an endpoint "
                         "without HTTPS.", ASK_ADMIN)
    if not isinstance(methods, list) or "S256" not in methods:
        raise SmartError("no_pkce", "The EHR does not offer PKCE with S256, which this "
                         "service requires.", ASK_ADMIN)
    return Endpoints(authorize=authorize, token=token)


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge): 86 random URL-safe characters, and
    the unpadded base64url of their SHA-256 (RFC 7636, S256)."""
    verifier = secrets.token_urlsafe(64)
    return verifier, challenge_of(verifier)


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(endpoint: str, *, client_id: str, redirect_uri: str, launch: str,
                  state: str, aud: str, challenge: str) -> str:
    """The authorization request (a GET), the endpoint's own query kept."""
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "launch": launch, "scope": SCOPE, "state": state, "aud": aud,
              "code_challenge": challenge, "code_challenge_method": "S256"}
    parts = urllib.parse.urlsplit(endpoint)
    query = "&".join(q for q in (parts.query, urllib.parse.urlencode(params)) if q)
    return urllib.parse.urlunsplit(parts._replace(query=query, fragment=""))


# The OAuth 2.0 errors (RFC 6749 4.1.2.1 and 5.2) a user can be told about.
OAUTH_ERRORS = {
    "access_denied": "The EHR did not allow this service to open the request form.",
    "invalid_grant": "The EHR refused the authorization: it was already used or expired.",
    "invalid_client": "The EHR does not recognize this service's registration.",
    "unauthorized_client": "The EHR does not allow this service to be launched this way.",
    "invalid_scope": "The EHR refused the access this service asks for.",
    "server_error": "The EHR had an error.",
    "temporarily_unavailable": "The EHR is busy or down for the moment.",
}
USER_CAN_RETRY = {"access_denied", "invalid_grant", "server_error", "temporarily_unavailable"}


def oauth_error(code: Any, *, where: str) -> SmartError:
    """A SmartError for an OAuth error code the EHR sent (its description,
    free text from outside, is never shown nor logged)."""
    known = code if isinstance(code, str) and code in OAUTH_ERRORS else "other"
    what = OAUTH_ERRORS.get(known, f"The EHR refused the {where}.")
    return SmartError(f"{where}:{known}", what,
                      START_AGAIN if known in USER_CAN_RETRY else ASK_ADMIN, status=400)


def exchange(token_endpoint: str, *, code: str, redirect_uri: str, client_id: str,
             verifier: str) -> dict[str, Any]:
    """The token response for the authorization code (a public client: its
    client_id and the PKCE verifier, no secret)."""
    status, body = fetch_json(token_endpoint, form={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "client_id": client_id, "code_verifier": verifier})
    if 400 <= status < 500:
        raise oauth_error(body.get("error") if isinstance(body, dict) else None,
                          where="token")
    if status != 200 or not isinstance(body, dict):
        raise SmartError("token_status", f"The EHR's token endpoint answered HTTP {status}.",
                         START_AGAIN)
    if not body.get("access_token") or str(body.get("token_type", "")).lower() != "bearer":
        raise SmartError("token_shape", "The EHR's token response is not a SMART token "
                         "response.", ASK_ADMIN)
    return body


def form_token(response: dict[str, Any]) -> str:
    """The request form's token from the token response's appContext (the
    CRD card's `{"token": ...}`, a JSON string as CDS Hooks has it; an
    object is read too)."""
    context = response.get("appContext")
    if isinstance(context, str):
        try:
            context = json.loads(context)
        except ValueError:
            context = None
    token = context.get("token") if isinstance(context, dict) else None
    if not isinstance(token, str) or not token or len(token) > 200:
        raise SmartError("no_app_context", "The EHR launched this service without the "
                         "card's context, so there is no request form to open.",
                         "Open the request form from the Hemgenix card on the order in your "
                         "EHR (not from an app menu). " + ASK_ADMIN, status=400)
    return token
