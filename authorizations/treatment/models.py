"""Data of the treatment after approval: a cancellation's reason, the
infusion record (corrected only as a new version), the five-year follow-up
schedule and the reminders sent. Imported by models.py; written only by
treatment/services.py and treatment/authorizations.py."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from authorizations.core import deadlines, states
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


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    @staticmethod
    def state_q(state: str, day: date) -> Q:
        """schedule.state_on in SQL, on the same deadlines boundaries:
        FollowUp.state_on (and is_overdue) is its twin, row by row."""
        open_ = Q(status=FollowUpStatus.OPEN)
        overdue = Q(due_on__lt=deadlines.follow_up_overdue_before(day))
        window = Q(due_on__lte=deadlines.follow_up_due_through(day))
        return {
            schedule.SUBMITTED: Q(status=FollowUpStatus.SUBMITTED),
            schedule.WAIVED: Q(status=FollowUpStatus.WAIVED),
            schedule.OVERDUE: open_ & overdue,
            schedule.DUE: open_ & window & ~overdue,
            schedule.UPCOMING: open_ & ~window,
        }[state]

    def in_state(self, state: str, day: date) -> FollowUpQuerySet:
        return self.filter(self.state_q(state, day))

    def overdue(self, day: date) -> FollowUpQuerySet:
        return self.in_state(schedule.OVERDUE, day)

    def due_or_overdue(self, day: date) -> FollowUpQuerySet:
        """Open, with its window opened by `day`: what reminders and the
        HTC's list of assessments to record are about."""
        return self.filter(self.state_q(schedule.DUE, day) | self.state_q(schedule.OVERDUE, day))


class FollowUp(states.Transitions, models.Model):
    """One documentation request of the five years after an infusion. Its
    answers are a draft until submitted; after that, append-only."""

    TRANSITIONS = {FollowUpStatus.OPEN: {FollowUpStatus.SUBMITTED, FollowUpStatus.WAIVED},
                   FollowUpStatus.SUBMITTED: (), FollowUpStatus.WAIVED: ()}
    transition_noun = "follow-up"

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

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["authorization", "number"]
        constraints = [
            models.UniqueConstraint(fields=["authorization", "number"],
                                    name="follow_up_one_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=deadlines.MAX_FOLLOW_UPS),
                name="follow_up_number_range"),
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.number} of {self.authorization.number}"

    def state_on(self, day: date) -> str:
        return schedule.state_on(self.due_on, self.status, day)

    def is_overdue(self, day: date) -> bool:
        """The twin of FollowUpQuerySet.overdue, for one follow-up."""
        return self.state_on(day) == schedule.OVERDUE


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
