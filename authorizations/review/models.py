"""The review's records: the reasons a reviewer chose for a decision, and the
reviewer's requests for information. Imported by models.py."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from authorizations.core import deadlines
from authorizations.policy.values import ExactJSONDecoder, ExactJSONEncoder


class DecisionReason(models.Model):
    """One reason of a reviewer's decision, as the letter quotes it: an unmet
    criterion the reviewer chose (`criterion` set) or the reviewer's own words
    (`criterion` blank). Insert-only, like the Determination it belongs to."""

    determination = models.ForeignKey("authorizations.Determination", on_delete=models.PROTECT,
                                      related_name="reasons")
    position = models.PositiveSmallIntegerField()
    criterion = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["determination", "position"]
        constraints = [models.UniqueConstraint(fields=["determination", "position"],
                                               name="decision_reason_position")]

    def __str__(self) -> str:
        return self.criterion or self.text[:40]


class InformationRequestQuerySet(models.QuerySet["InformationRequest"]):
    @staticmethod
    def overdue_q(now: datetime) -> Q:
        """deadlines.is_late in SQL (`due < now`): unanswered and due before
        `now`. A response closes it, late or not: the reviewer then has it,
        and the request's own clock (AuthorizationRequest) runs again.
        InformationRequest.is_overdue is its twin, row by row."""
        return Q(responded_at__isnull=True, due_at__lt=now)

    def overdue(self, now: datetime) -> InformationRequestQuerySet:
        return self.filter(self.overdue_q(now))


class InformationRequest(models.Model):
    """A reviewer's request for information. The turnaround clock stops at
    `paused_at` with `clock_used` seconds used; the response restarts it."""

    request = models.ForeignKey("authorizations.AuthorizationRequest",
                                on_delete=models.PROTECT, related_name="information_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    criteria = models.JSONField(default=list, blank=True)
    document_kinds = models.JSONField(default=list, blank=True)
    message = models.TextField()
    due_at = models.DateTimeField()
    paused_at = models.DateTimeField()
    clock_used = models.PositiveIntegerField(help_text="Seconds of the turnaround used")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    response_note = models.TextField(blank=True)
    letter_pdf = models.BinaryField(null=True, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["paused_at", "id"]

    def __str__(self) -> str:
        return f"Information request {self.pk} of {self.request.number}"

    def is_overdue(self, now: datetime) -> bool:
        """The twin of InformationRequestQuerySet.overdue_q, for one request."""
        return self.responded_at is None and deadlines.is_late(self.due_at, now)


class P2POutcome(models.TextChoices):
    UNCHANGED = "unchanged", "No change: the request goes on as it was"
    INFORMATION = "information", "The prescriber will send more information"
    RECONSIDER = "reconsider", "The reviewer will reconsider the decision"
    WITHDRAWN = "withdrawn", "The prescriber withdrew the request for discussion"


class PeerToPeer(models.Model):
    """A peer-to-peer discussion: the times offered (by a reviewer, or by the
    prescriber asking for one), the time the reviewer scheduled, then what was
    held and said (recorded by the reviewer)."""

    request = models.ForeignKey("authorizations.AuthorizationRequest",
                                on_delete=models.PROTECT, related_name="peer_to_peers")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    # ISO 8601 with the offset of `time_zone`, the HTC's zone the discussion
    # is set in (issue 20): pages show them in the viewer's zone.
    offered_times = models.JSONField(default=list)
    time_zone = models.CharField(max_length=40, blank=True)
    offered_at = models.DateTimeField(auto_now_add=True)
    # True when the prescriber asked for the discussion (and offered the times).
    requested_by_prescriber = models.BooleanField(default=False)
    request_note = models.TextField(blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    held_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=P2POutcome.choices, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["offered_at", "id"]

    def __str__(self) -> str:
        return f"Peer-to-peer {self.pk} of {self.request.number}"


class AnswerVersion(models.Model):
    """One version of a submitted request's answers. Version 1 is what was
    submitted; each change the prescriber makes in a response is a new version,
    so the reviewer sees what changed. Insert-only (a trigger refuses UPDATE).
    The answers are patient data: shown on the request's pages, never logged."""

    request = models.ForeignKey("authorizations.AuthorizationRequest",
                                on_delete=models.PROTECT, related_name="answer_versions")
    number = models.PositiveIntegerField()
    # The same exact encoding as AuthorizationRequest.answers: no float on the way.
    answers = models.JSONField(encoder=ExactJSONEncoder, decoder=ExactJSONDecoder)
    # Where each of this version's answers came from (requests/origins.py), as
    # AuthorizationRequest.answer_origins held it then; null when none is known.
    answer_origins = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    # Not auto_now_add: version 1, made later for an older request, carries its
    # submission time.
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["request", "number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"],
                                               name="answer_version_number")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.request.number}'s answers"


class ReceivedBy(models.TextChoices):
    FAX = "fax", "Fax"
    MAIL = "mail", "Mail"


class DocumentReceipt(models.Model):
    """How a document recorded by a reviewer reached the payer outside the
    system (fax, mail) and when. Insert-only."""

    document = models.OneToOneField("authorizations.Document", on_delete=models.PROTECT,
                                    related_name="receipt")
    received_by = models.CharField(max_length=10, choices=ReceivedBy.choices)
    received_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Received by {self.get_received_by_display().lower()} on {self.received_on}"


class ExceptionReason(models.TextChoices):
    """Why a reviewer asks to approve past an unmet criterion or an "unproven"
    exclusion: the code the second reviewer signs against."""

    RECORDS_SHOW_MET = "records_show_met", "The records show the criterion is in fact met"
    PUBLISHED_EVIDENCE = ("published_evidence",
                          "Published clinical evidence supports treating this patient")
    MEDICAL_DIRECTOR = ("medical_director",
                        "The medical director approved a case-by-case exception")
    CONTINUITY_OF_CARE = "continuity_of_care", "Continuity of care or a transition of coverage"


class DecisionException(models.Model):
    """An approval past unmet criteria, under two keys: the reviewer who asks
    (`asked_by`, with a reason code and a rationale) and a second reviewer who
    took no part in the case and signs (`signed_by`); the approval is recorded
    only when signed (review/desk_services.py). Until then the case shows
    "exception pending". `criteria` are the unmet IDs it covers: when the
    answers change meanwhile it is stale, never signed, and the reviewer asks
    again (rows are kept: the record shows each key turned). `appeal`: an
    overturn on appeal past unmet criteria is such an approval too; the
    exception then belongs to that open appeal, and signing it decides it."""

    request = models.ForeignKey("authorizations.AuthorizationRequest",
                                on_delete=models.PROTECT, related_name="exceptions")
    reason = models.CharField(max_length=30, choices=ExceptionReason.choices)
    rationale = models.TextField()
    criteria = models.JSONField(default=list)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    asked_at = models.DateTimeField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    determination = models.OneToOneField("authorizations.Determination",
                                         on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="exception")
    appeal = models.ForeignKey("authorizations.Appeal", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="exceptions")

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"Exception {self.pk} of {self.request.number}"

    @property
    def pending(self) -> bool:
        return self.signed_at is None
