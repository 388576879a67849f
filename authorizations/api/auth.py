"""Authentication by an HTC's API token, and its throttle.

`Authorization: Api-Key <token>`. A missing, unknown, revoked or expired
token is 401 with `WWW-Authenticate: Api-Key`; the request's user is then an
APIClient for the token's HTC. Each token has its own throttle bucket."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling
from rest_framework_api_key.permissions import KeyParser

from authorizations.api.models import APIClient, HTCAPIKey
from authorizations.core import ratelimit

KEYWORD = "Api-Key"


class HTCAPIKeyAuthentication(authentication.BaseAuthentication):
    key_parser = KeyParser()

    def authenticate(self, request):
        key = self.key_parser.get(request)
        if not key:
            return None  # DRF answers 401 with authenticate_header
        try:
            api_key = HTCAPIKey.objects.get_from_key(key)
        except HTCAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("Unknown or revoked API token.") from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API token has expired.")
        return APIClient(api_key), api_key

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class APIKeyThrottle(throttling.SimpleRateThrottle):
    """Requests per token (settings API_THROTTLE_RATE), counted by the one
    rate limiter (core/ratelimit.py): an atomic counter in the database that
    every app server and worker shares, so exactly the rate passes however
    many calls arrive at once (N9; DRF's own throttle reads, appends and
    writes back a cached list, and concurrent calls overwrite each other)."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, HTCAPIKey):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        return not ratelimit.over(key, self.num_requests, self.duration)

    def wait(self) -> float:
        return max(ratelimit.seconds_left(self.duration), 0.0)


class APIKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the token."""

    target_class = HTCAPIKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": f"`{KEYWORD} <token>`: a token of your HTC, from the service's "
                               "administrator"}
