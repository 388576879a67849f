"""Data of the treatment after approval: a cancellation's reason, the
infusion record (corrected only as a new version), the five-year follow-up
schedule and the reminders sent. Imported by models.py; written only by
services/treatment.py and services/authorizations.py."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from authorizations.policy.values import ExactJSONDecoder, ExactJSONEncoder
from authorizations.treatment import schedule


class AuthorizationCancellation(models.Model):
    """Why and by whom an authorization was cancelled. Append-only."""

    authorization = models.OneToOneField("authorizations.Authorization",
                                         on_delete=models.PROTECT, related_name="cancellation")
    reason = models.TextField()
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    cancelled_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Cancellation of {self.authorization.number}"


class Infusion(models.Model):
    """The infusion given under an authorization. A correction is a new
    version that supersedes the old one, which stays."""

    authorization = models.ForeignKey("authorizations.Authorization", on_delete=models.PROTECT,
                                      related_name="infusions")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")
    infused_on = models.DateField()
    lots = models.JSONField(default=list)
    weight_kg = models.DecimalField(max_digits=6, decimal_places=2)
    dose_gc_per_kg = models.DecimalField(max_digits=30, decimal_places=6)
    site_name = models.CharField(max_length=200)
    site_npi = models.CharField("site NPI", max_length=10, blank=True)
    baseline_treated_bleeds = models.PositiveSmallIntegerField()
    baseline_factor_ix_product = models.CharField(max_length=200, blank=True)
    full_dose = models.BooleanField(default=True)
    fraction_given = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    partial_reason = models.TextField(blank=True)
    correction_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["authorization", "version"]
        constraints = [
            models.UniqueConstraint(fields=["authorization", "version"],
                                    name="infusion_one_version_number"),
        ]

    def __str__(self) -> str:
        return f"Infusion of {self.authorization.number} (version {self.version})"

    @property
    def current(self) -> bool:
        return not hasattr(self, "superseded_by") or self.superseded_by is None


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    SUBMITTED = schedule.SUBMITTED, "Submitted"
    WAIVED = schedule.WAIVED, "Waived"


class FollowUp(models.Model):
    """One documentation request of the five years after an infusion. Its
    answers are a draft until submitted; after that, append-only."""

    authorization = models.ForeignKey("authorizations.Authorization", on_delete=models.PROTECT,
                                      related_name="follow_ups")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN, db_index=True)
    answers = models.JSONField(default=dict, blank=True, encoder=ExactJSONEncoder,
                               decoder=ExactJSONDecoder)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    waived_reason = models.TextField(blank=True)
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["authorization", "number"]
        constraints = [
            models.UniqueConstraint(fields=["authorization", "number"],
                                    name="follow_up_one_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=schedule.MAX_FOLLOW_UPS),
                                   name="follow_up_number_range"),
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.number} of {self.authorization.number}"

    def state_on(self, day: date) -> str:
        return schedule.state_on(self.due_on, self.status, day)


class FollowUpReminder(models.Model):
    """A reminder email sent for a follow-up in one state (due, overdue):
    at most one each, so the command can run any number of times."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="reminders")
    state = models.CharField(max_length=10)
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "state"], name="reminder_once_per_state"),
        ]

    def __str__(self) -> str:
        return f"{self.state} reminder for {self.follow_up}"
