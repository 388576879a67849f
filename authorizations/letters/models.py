"""Letters: the stored letter of each determination, the member's copy, and
the mailing of members' copies (manage.py print_batch). Imported by models.py.

A print batch is one PDF, a cover sheet and every member's copy not yet
mailed, stored as printed; each copy belongs to exactly one batch (the
unique member_copy), and the batch's date is the day the copies are mailed:
the notice date the member's appeal deadline counts from (core/deadlines.py).
Member copies themselves are append-only (0012), so the mailing is a row of
its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class LetterKind(models.TextChoices):
    APPROVAL = "approval", "Approval"
    PENDED = "pended", "Pended for clinical review"
    DENIAL = "denial", "Denial"
    INFORMATION = "info", "Information needed"
    APPEAL_UPHELD = "upheld", "Appeal decision: denial upheld"
    APPEAL_OVERTURNED = "overturned", "Appeal decision: approved"


class Letter(models.Model):
    """A rendered letter, stored once per determination. Append-only."""

    determination = models.OneToOneField("Determination", on_delete=models.PROTECT,
                                         related_name="letter")
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} letter for {self.determination.request.number}"


class MemberCopy(models.Model):
    """The member's copy of a letter: the same notice addressed to the member
    with a copy to the prescriber. (The stored Letter, or an information
    request's letter_pdf, is the prescriber's copy.) Append-only, issued once."""

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="member_copy")
    information_request = models.OneToOneField("InformationRequest", on_delete=models.PROTECT,
                                               null=True, blank=True,
                                               related_name="member_copy")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=Q(letter__isnull=False, information_request__isnull=True)
            | Q(letter__isnull=True, information_request__isnull=False),
            name="member_copy_of_one_letter")]

    def __str__(self) -> str:
        return f"Member's copy {self.pk}"


class MailingBatch(models.Model):
    mailed_on = models.DateField(db_index=True)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "mailing batches"
        ordering = ["-mailed_on", "-id"]

    def __str__(self) -> str:
        return f"Print batch {self.pk} mailed {self.mailed_on:%Y-%m-%d}"


class MailedCopy(models.Model):
    batch = models.ForeignKey(MailingBatch, on_delete=models.PROTECT, related_name="copies")
    # One batch per copy: a copy is mailed once, and never left out.
    member_copy = models.OneToOneField("authorizations.MemberCopy", on_delete=models.PROTECT,
                                       related_name="mailing")
    # The copy's page in the batch's PDF (the cover sheet is page 1).
    first_page = models.PositiveIntegerField()

    class Meta:
        ordering = ["batch", "first_page"]

    def __str__(self) -> str:
        return f"Member's copy {self.member_copy_id} in batch {self.batch_id}"


class Delivery(models.Model):
    """One letter to render or one email notice to send: the outbox row,
    written in the decision's own transaction (never a decision without its
    job), drained by the task worker (letters/delivery.py). A job is done once
    and never deleted; one that fails waits for its next attempt, later each
    time, and stays on the admin home until it is done: none is ever lost."""

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter"
        NOTICE = "notice", "Email notice"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The request it tells about; none for a password reset (`user`).
    request = models.ForeignKey("authorizations.AuthorizationRequest", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="deliveries")
    # A password reset's notice: whose account. Its link and token are made
    # when it is sent, so no reset token is ever stored.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    # A letter job is a determination's letter or an information request's.
    determination = models.ForeignKey("authorizations.Determination", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="deliveries")
    information_request = models.ForeignKey("authorizations.InformationRequest",
                                            on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="deliveries")
    # For a notice: its name in letters/notices.NOTICES.
    notice = models.CharField(max_length=40, blank=True)
    # A follow-up reminder's notice: the reminder it sends (due or overdue).
    reminder = models.ForeignKey("authorizations.FollowUpReminder", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="deliveries")
    # The site's address for the notice's link when its caller chose one
    # (send_followup_reminders --base-url); empty: settings.SITE_URL when sent.
    # The worker is another process: what the caller chose must be stored.
    base_url = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    # A worker holds the job until then; one that died lets it go when it passes.
    claimed_until = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The exception's class only: a message could carry an address or a name.
    last_error = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        what = self.notice or "letter"
        if self.request_id is None:
            return f"{self.get_kind_display()} {what} for user {self.user_id}"
        return f"{self.get_kind_display()} {what} for request {self.request_id}"
