"""A tiny EHR for the SMART launch tests: its SMART configuration, an
authorize endpoint that sends the browser straight back to the redirect URI
(as an EHR does for a user already signed in), and a token endpoint that
checks the code, the client, the redirect URI and the PKCE verifier against
what the authorize request carried, then answers with the launch context.
An http.server in a thread, on 127.0.0.1 and a free port."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "hemgenix-pa-test"
PATIENT_ID = "1288992"  # the CDS Hooks example's context.patientId


def s256(verifier: str) -> str:
    """RFC 7636's S256, written out here rather than taken from the code under test."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) \
        .decode().rstrip("=")


class FakeEHR:
    def __init__(self):
        self.app_context: object = None  # the token response's appContext
        self.authorize_error = ""        # e.g. "access_denied"
        self.config_changes: dict = {}
        self.authorized: list[dict[str, str]] = []  # each authorize request's parameters
        self.token_forms: list[dict[str, str]] = []  # each token request's form
        self.codes: dict[str, dict[str, str]] = {}   # code: its authorize request
        self.paths: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.iss = self.base + "/fhir/r4"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def config(self) -> dict:
        return {"authorization_endpoint": self.base + "/auth/authorize",
                "token_endpoint": self.base + "/auth/token",
                "grant_types_supported": ["authorization_code"],
                "code_challenge_methods_supported": ["S256"],
                "capabilities": ["launch-ehr", "client-public", "context-ehr-patient"],
                **self.config_changes}

    def token_response(self, form: dict[str, str]) -> tuple[int, dict]:
        asked = self.codes.pop(form.get("code", ""), None)  # a code works once
        if (asked is None or form.get("grant_type") != "authorization_code"
                or form.get("client_id") != asked["client_id"]
                or form.get("redirect_uri") != asked["redirect_uri"]
                or s256(form.get("code_verifier", "")) != asked["code_challenge"]):
            return 400, {"error": "invalid_grant"}
        body = {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer",
                "expires_in": 300, "scope": asked["scope"], "patient": PATIENT_ID}
        if self.app_context is not None:
            body["appContext"] = self.app_context
        return 200, body

    def _handler(self):
        ehr = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                ehr.paths.append(url.path)
                if url.path == "/fhir/r4/.well-known/smart-configuration":
                    return self._json(200, ehr.config())
                if url.path == "/auth/authorize":
                    params = {k: v[0] for k, v in parse_qs(url.query).items()}
                    ehr.authorized.append(params)
                    if ehr.authorize_error:
                        answer = {"error": ehr.authorize_error, "state": params["state"]}
                    else:
                        code = secrets.token_urlsafe(16)
                        ehr.codes[code] = params
                        answer = {"code": code, "state": params["state"]}
                    self.send_response(302)
                    self.send_header("Location", params["redirect_uri"] + "?" + urlencode(answer))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                ehr.paths.append(self.path)
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path != "/auth/token" or \
                        self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
                    return self._json(400, {"error": "invalid_request"})
                ehr.token_forms.append(form)
                return self._json(*ehr.token_response(form))

        return Handler
