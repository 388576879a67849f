"""API tokens, one HTC each. The token itself is shown once at creation and
stored only as a SHA-512 hash (djangorestframework-api-key); its 8-character
prefix identifies it in the admin and the audit log."""

from django.db import models
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from authorizations.models import HTC


class HTCAPIKey(AbstractAPIKey):
    htc = models.ForeignKey(HTC, on_delete=models.PROTECT, related_name="api_keys",
                            verbose_name="HTC")

    objects = APIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API token"
        verbose_name_plural = "API tokens"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.htc.name})"


class MachineCaller:
    """A system, not a person, calling on behalf of its HTC: DRF sees it as the
    request's user, services.audit names it as the actor by get_username().
    Authenticated, never staff: it passes no permission check of a person."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    htc: HTC

    def get_username(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.get_username()


class APIClient(MachineCaller):
    """Who calls the API: a token, audited as "api-key:<prefix>"."""

    def __init__(self, key: HTCAPIKey):
        self.key = key
        self.htc = key.htc

    def get_username(self) -> str:
        return f"api-key:{self.key.prefix}"


class PASSubmission(models.Model):
    """A PAS request Bundle received through Claim/$submit: its transaction
    identifier (a replay answers with the same request instead of a second
    one) and the Claim's identifiers ($inquire finds the request by them)."""

    htc = models.ForeignKey(HTC, on_delete=models.PROTECT, related_name="+", verbose_name="HTC")
    bundle_system = models.CharField(max_length=200)
    bundle_value = models.CharField(max_length=100)
    claim_identifiers = models.JSONField(default=list)
    request = models.ForeignKey("authorizations.AuthorizationRequest", on_delete=models.PROTECT,
                                related_name="pas_submissions")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "PAS submission"
        constraints = [models.UniqueConstraint(fields=["htc", "bundle_system", "bundle_value"],
                                               name="pas_submission_once")]

    def __str__(self) -> str:
        return f"{self.bundle_value} ({self.request})"


class CDSClient(models.Model):
    """An EHR registered to call the CDS Hooks service: the issuer of its JWTs
    and its public keys, as the EHR published them (a JWKS, stored as given:
    a signature is checked with the key itself, never a fingerprint)."""

    htc = models.ForeignKey(HTC, on_delete=models.PROTECT, related_name="+", verbose_name="HTC")
    name = models.CharField(max_length=100)
    issuer = models.CharField(max_length=300, unique=True,
                              help_text="The JWT's iss: the EHR's identifier (a URL)")
    jwks = models.JSONField(help_text="The EHR's JSON Web Key Set, as published")
    active = models.BooleanField(default=True)
    # Whether the EHR launches SMART apps from a card: the card's link to the
    # request form is then a "smart" link whose appContext carries its token.
    smart_launch = models.BooleanField(default=False)
    # SMART App Launch (EHR launch): the EHR's FHIR base URL, which it sends
    # as `iss` to /smart/launch (only a registered one is ever called), and
    # the client_id that EHR issued to this service (a public client, PKCE).
    fhir_base_url = models.CharField(
        max_length=300, blank=True,
        help_text="The EHR's FHIR base URL: the iss of its SMART launches (no trailing slash)")
    smart_client_id = models.CharField(
        max_length=200, blank=True, help_text="The client_id the EHR issued to this service")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "CDS Hooks client"
        constraints = [models.UniqueConstraint(
            fields=["fhir_base_url"], condition=~models.Q(fhir_base_url=""),
            name="cds_client_one_fhir_base_url")]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"
