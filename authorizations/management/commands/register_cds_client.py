import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from authorizations.api import services
from authorizations.models import HTC


class Command(BaseCommand):
    help = ("Register an EHR for the CDS Hooks service (CRD): its JWT issuer and its JWKS, "
            "stored exactly as the EHR published it.")

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, help="a superuser's username (audited)")
        parser.add_argument("--htc", required=True, type=int, help="the HTC's id")
        parser.add_argument("--name", required=True)
        parser.add_argument("--issuer", required=True, help="the iss of the EHR's JWTs")
        parser.add_argument("--jwks", required=True, help="a file holding the EHR's JWKS")
        parser.add_argument("--smart", action="store_true",
                            help="the EHR launches SMART apps from a card: the request "
                                 "form's link is a SMART link to /smart/launch (its "
                                 "appContext the token); needs --fhir-base-url and --client-id")
        parser.add_argument("--fhir-base-url", default="",
                            help="the EHR's FHIR base URL: the iss of its SMART launches")
        parser.add_argument("--client-id", default="",
                            help="the client_id the EHR issued to this service for SMART "
                                 "launches")

    def handle(self, *args, by, htc, name, issuer, jwks, smart=False, fhir_base_url="",
               client_id="", **options):
        user = get_user_model().objects.filter(username=by, is_superuser=True,
                                               is_active=True).first()
        if user is None:
            raise CommandError(f"--by: {by} is not an active superuser")
        center = HTC.objects.filter(pk=htc).first()
        if center is None:
            raise CommandError(f"--htc: no HTC with id {htc}")
        try:
            with open(jwks, encoding="utf-8") as handle:
                key_set = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"--jwks: cannot read a JSON key set from {jwks}: {exc}") from None
        try:
            client = services.cds_client_register(by=user, htc=center, name=name,
                                                  issuer=issuer, jwks=key_set,
                                                  smart_launch=smart,
                                                  fhir_base_url=fhir_base_url,
                                                  smart_client_id=client_id)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Registered {client} for {center.name}")
        if client.smart_launch:
            self.stdout.write(f"SMART launches from {client.fhir_base_url}: give the EHR the "
                              "launch URL https://<this host>/smart/launch and the redirect "
                              "URI https://<this host>/smart/callback")
