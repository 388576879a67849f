"""Authentication by an HTC's API token, and its throttle.

`Authorization: Api-Key <token>`. A missing, unknown, revoked or expired
token is 401 with `WWW-Authenticate: Api-Key`; the request's user is then an
APIClient for the token's HTC. Each token has its own throttle bucket."""

from __future__ import annotations

from django.core.cache import caches
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling
from rest_framework_api_key.permissions import KeyParser

from authorizations.api.models import APIClient, HTCAPIKey

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
    """Requests per token (settings API_THROTTLE_RATE), counted in the
    database cache so that every app server shares the count."""

    scope = "api_key"

    @property
    def cache(self):
        return caches["api_throttle"]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, HTCAPIKey):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class APIKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the token."""

    target_class = HTCAPIKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": f"`{KEYWORD} <token>`: a token of your HTC, from the service's "
                               "administrator"}
