"""Client authentication of CDS Hooks calls, as the CDS Hooks specification
describes it: `Authorization: Bearer <JWT>` signed by the EHR with a key of
its registered JWKS (RS384 or ES384; the kid names the key), `iss` a
registered client, `aud` this service's URL, `exp` in the future (at most 5
minutes after `iat`), and a `jti` never seen before (a replayed token is
refused until it would have expired anyway)."""

from __future__ import annotations

import jwt
from django.conf import settings
from rest_framework import authentication, exceptions

from authorizations.api.models import CDSClient, MachineCaller
from authorizations.core import ratelimit

ALGORITHMS = ["RS384", "ES384"]  # the CDS Hooks specification's
MAX_LIFETIME = 5 * 60
LEEWAY = 30  # seconds of clock skew between the EHR and this service


class CDSCaller(MachineCaller):
    """Who calls the CDS service: a registered EHR (audited as cds:<issuer>)."""

    def __init__(self, client: CDSClient):
        self.client = client
        self.htc = client.htc

    def get_username(self) -> str:
        return f"cds:{self.client.issuer}"[:150]


def audience(request) -> str:
    """The URL the EHR called: the service's own, unless settings name one."""
    return getattr(settings, "CDS_AUDIENCE", "") or request.build_absolute_uri(request.path)


def _key(client: CDSClient, kid: str | None):
    keys = client.jwks.get("keys", []) if isinstance(client.jwks, dict) else []
    for data in keys:
        if kid is None or data.get("kid") == kid:
            try:
                return jwt.PyJWK(data).key
            except (jwt.PyJWKError, jwt.InvalidKeyError):
                continue
    raise exceptions.AuthenticationFailed("No key of the client's JWKS matches the token's kid.")


def verify(token: str, *, aud: str) -> CDSClient:
    """The registered client whose token this is. Raises AuthenticationFailed."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise exceptions.AuthenticationFailed("The token is not a JWT.") from None
    if header.get("alg") not in ALGORITHMS:
        raise exceptions.AuthenticationFailed(f"alg must be one of {', '.join(ALGORITHMS)}.")
    client = CDSClient.objects.select_related("htc").filter(
        issuer=str(unverified.get("iss", "")), active=True).first()
    if client is None:
        raise exceptions.AuthenticationFailed("The token's issuer is not a registered client.")
    try:
        claims = jwt.decode(token, _key(client, header.get("kid")), algorithms=ALGORITHMS,
                            audience=aud, issuer=client.issuer, leeway=LEEWAY,
                            options={"require": ["iss", "aud", "exp", "iat", "jti"]})
    except jwt.ExpiredSignatureError:
        raise exceptions.AuthenticationFailed("The token has expired.") from None
    except jwt.InvalidAudienceError:
        raise exceptions.AuthenticationFailed(f"The token's aud must be {aud}.") from None
    except jwt.PyJWTError as exc:
        raise exceptions.AuthenticationFailed(f"The token is not valid: {exc}") from None
    if claims["exp"] - claims["iat"] > MAX_LIFETIME:
        raise exceptions.AuthenticationFailed("The token lives longer than 5 minutes.")
    # The rate counters' table, shared by every app server: a jti is accepted
    # once (its row, stamped with the token's expiry, outlives the token).
    if not ratelimit.first_use(f"cds-jti:{client.pk}:{claims['jti']}", int(claims["exp"])):
        raise exceptions.AuthenticationFailed("The token was already used (jti replayed).")
    return client


class CDSHooksJWTAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Bearer "):
            return None  # 401 with authenticate_header
        client = verify(header[len("Bearer "):].strip(), aud=audience(request))
        return CDSCaller(client), client

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="cds-services"'
