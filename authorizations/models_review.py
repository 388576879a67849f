"""The review's records: the reasons a reviewer chose for a decision, and the
reviewer's requests for information. Imported by models.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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

    class Meta:
        ordering = ["paused_at", "id"]

    def __str__(self) -> str:
        return f"Information request {self.pk} of {self.request.number}"


class PeerToPeer(models.Model):
    """A peer-to-peer discussion: the times a reviewer offered, then what was
    held and said (recorded by the reviewer)."""

    request = models.ForeignKey("authorizations.AuthorizationRequest",
                                on_delete=models.PROTECT, related_name="peer_to_peers")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    offered_times = models.JSONField(default=list)
    offered_at = models.DateTimeField(auto_now_add=True)
    held_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["offered_at", "id"]

    def __str__(self) -> str:
        return f"Peer-to-peer {self.pk} of {self.request.number}"
