"""Appeals of a denial (29 CFR 2560.503-1(h)): the prescriber files, as the
member's authorized representative; a reviewer other than the one who denied
decides. Imported by models.py.

What was filed never changes, and the decision is written once
(services.appeal_decide); migration 0009 makes the database refuse the rest.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_noop as _

from authorizations.core import deadlines


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", "Denial upheld"
    OVERTURNED = "overturned", "Denial overturned: approved"


class Claimant(models.TextChoices):
    PRESCRIBER = "prescriber", "The prescriber, as the member's authorized representative"
    MEMBER = "member", "The member"
    REPRESENTATIVE = "representative", "The member's authorized representative"


# Labels marked for the catalogue (plain strings): the member's letter translates them
# where it prints them, in the member's language (letters/language.py).
class ReceivedVia(models.TextChoices):
    MAIL = "mail", _("Mail")
    FAX = "fax", _("Fax")
    # Spoken: the regulation's oral appeal, for an expedited appeal only
    # (29 CFR 2560.503-1(h)(3)(vi)); services.appeal_record says so.
    PHONE = "phone", _("Phone (orally, expedited appeals only)")


class AppealQuerySet(models.QuerySet["Appeal"]):
    @staticmethod
    def overdue_q(now: datetime) -> Q:
        """deadlines.is_late in SQL (`due < at`), for filters and aggregates:
        open and due before `now`, or decided after the due time.
        Appeal.is_overdue is its twin, row by row."""
        return Q(decided_at__isnull=True, due_at__lt=now) | Q(decided_at__gt=F("due_at"))

    def overdue(self, now: datetime) -> AppealQuerySet:
        return self.filter(self.overdue_q(now))


class Appeal(models.Model):
    request = models.ForeignKey("authorizations.AuthorizationRequest",
                                on_delete=models.PROTECT, related_name="appeals")
    # The reviewer's denial this appeal is about (its decider may not decide the appeal).
    denial = models.ForeignKey("authorizations.Determination", on_delete=models.PROTECT,
                               related_name="appeals")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField()
    statement = models.TextField()
    expedited = models.BooleanField(default=False)
    expedited_reason = models.TextField(blank=True)
    # The prescriber acts as the member's authorized representative: required.
    representative_attested = models.BooleanField()
    # deadlines.appeal_due: a pre-service appeal's own clock.
    due_at = models.DateTimeField(db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=10, choices=AppealOutcome.choices, blank=True)
    rationale = models.TextField(blank=True)
    # The determination the appeal's decision made (its letter is the decision's letter).
    decision = models.OneToOneField("authorizations.Determination", on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="decided_appeal")

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["filed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(representative_attested=True),
                                   name="appeal_representative_attested"),
            # One open appeal per request at a time (the service says so first).
            models.UniqueConstraint(fields=["request"], condition=Q(decided_at__isnull=True),
                                    name="appeal_one_open_per_request"),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, outcome="", decision__isnull=True)
                | (Q(decided_at__isnull=False, decision__isnull=False)
                   & ~Q(outcome="")),
                name="appeal_decided_completely"),
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} of {self.request.number}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None

    def is_overdue(self, now: datetime) -> bool:
        """The twin of AppealQuerySet.overdue_q: the clock read now while
        open, at the decision once decided."""
        return deadlines.is_late(self.due_at, self.decided_at or now)

    @property
    def state(self) -> str:
        return self.get_outcome_display() if self.outcome else "Open: awaiting decision"


class AppealReceipt(models.Model):
    """How an appeal the reviewer recorded reached the plan: from whom and by
    which channel. An appeal the prescriber filed in the service has none."""

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="receipt")
    claimant = models.CharField(max_length=20, choices=Claimant.choices)
    # A representative the member named (blank for the member themself).
    representative_name = models.CharField(max_length=200, blank=True)
    received_via = models.CharField(max_length=10, choices=ReceivedVia.choices)

    def __str__(self) -> str:
        return f"Receipt of appeal {self.appeal_id}"
