"""The CRD card's link to a prefilled request form (issue 22): what an EHR's
order and prefetch said (patient name, birth date, member ID, weight), kept
here under a random token the card's link carries, so no patient data is
ever in a URL. Imported by models.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from authorizations.policy.values import ExactJSONDecoder, ExactJSONEncoder


class EHRLaunch(models.Model):
    """One card's link: used once, by a prescriber of the HTC whose EHR asked,
    before `expires_at` (core/deadlines.EHR_LAUNCH_VALIDITY). Only the
    token's SHA-256 is kept, as for API tokens: the table cannot open a draft.
    The answers are patient data: emptied once used or expired, never logged."""

    token_sha256 = models.CharField(max_length=64, unique=True)
    htc = models.ForeignKey("authorizations.HTC", on_delete=models.PROTECT, related_name="+",
                            verbose_name="HTC")
    # The EHR's order the card was for (e.g. "MedicationRequest/123"): the
    # QuestionnaireResponse's qr-context names it.
    order = models.CharField(max_length=200, blank=True)
    # The EHR's id of the hook's patient (context.patientId): a SMART launch
    # from the card must be for the same patient. Emptied with the answers.
    patient = models.CharField(max_length=64, blank=True)
    answers = models.JSONField(default=dict, blank=True, encoder=ExactJSONEncoder,
                               decoder=ExactJSONDecoder)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    request = models.OneToOneField("authorizations.AuthorizationRequest",
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="ehr_launch")

    class Meta:
        verbose_name = "EHR launch"

    def __str__(self) -> str:
        return f"EHR launch {self.pk}"
