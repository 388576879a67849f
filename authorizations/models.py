"""Data of the prior authorization service.

Rules live in policy.py; writes go through services.py. Determinations,
letters and audit events are append-only: nothing here updates them.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Upper

from authorizations import policy
from authorizations.core import deadlines, states, zones
from authorizations.core.actions import AuditAction
from authorizations.policy.values import ExactJSONDecoder, ExactJSONEncoder


class HTC(models.Model):
    """A hemophilia treatment center of the CDC's HTC directory."""

    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    federally_designated = models.BooleanField(default=True)
    region = models.CharField(max_length=100, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    # Issue 20: the prescribers' pages show times in it (core/zones.py).
    time_zone = models.CharField(
        max_length=40, choices=zones.ZONE_CHOICES, blank=True,
        help_text="From the state where it has one zone; set here where it has two "
                  "(e.g. Tennessee). Blank: the service's zone.")

    class Meta:
        verbose_name = "HTC"
        verbose_name_plural = "HTC directory"
        ordering = ["state", "city", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "city", "state"],
                                               name="htc_unique_name_place")]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"


class PrescriberProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="prescriber")
    htc = models.ForeignKey(HTC, on_delete=models.PROTECT, related_name="prescribers")
    bleeding_disorder_specialist = models.BooleanField(default=True)
    credentials = models.CharField(max_length=50, blank=True, help_text="e.g. MD, DO, NP")
    npi = models.CharField("NPI", max_length=10, blank=True)

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} at {self.htc.name}"


class ReviewerProfile(models.Model):
    """A clinical reviewer; the name and credentials are printed on denials."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="reviewer")
    credentials = models.CharField(max_length=100,
                                   help_text="e.g. MD, Board-certified hematologist")
    # Issue 20: the reviewer's pages show times in it (core/zones.py).
    time_zone = models.CharField(max_length=40, choices=zones.ZONE_CHOICES, blank=True,
                                 help_text="Blank: the service's zone.")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}, {self.credentials}"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_REVIEW = "pending_review", "Pending clinical review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class Outcome(models.TextChoices):
    MEETS_CRITERIA = policy.MEETS_CRITERIA, "Meets criteria"
    NOT_MET = policy.NOT_MET, "Criteria not met"


# Refused moves of any model's state (core/states.py), importable from here.
InvalidTransition = states.InvalidTransition


_PENDING = Q(status=Status.PENDING_REVIEW)
# When a pending request is due; null once decided.
PENDING_DUE = Case(When(_PENDING, then=F("due_at")))
# The reviewers' queue: pending first, the most urgent on top; then decided
# requests, newest first; the id keeps the order total. The index
# `request_queue_order` holds exactly these expressions, so the admin reads its
# first page from the index instead of sorting every request.
# No NULLS LAST: SQLite cannot index it, and none is needed: the first key
# puts pending requests (whose due time is set) before the rest (null), and a
# submitted request always has its submitted time.
QUEUE_ORDER = (
    Case(When(_PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()).asc(),
    PENDING_DUE.asc(),
    F("submitted_at").desc(),
    F("id").desc(),
)


# Awaiting a decision (or the prescriber's information before one): the
# turnaround clock runs, read now; otherwise it stopped at the decision.
OPEN_STATUSES = (Status.PENDING_REVIEW, Status.INFORMATION_REQUESTED)


class AuthorizationRequestQuerySet(models.QuerySet["AuthorizationRequest"]):
    @staticmethod
    def overdue_q(now: datetime) -> Q:
        """deadlines.is_late in SQL (`due < at`), for filters and aggregates:
        open and due before `now`, or decided after the due time.
        AuthorizationRequest.is_overdue is its twin, row by row."""
        running = Q(status__in=OPEN_STATUSES)
        return (running & Q(due_at__lt=now)) | (~running & Q(decided_at__gt=F("due_at")))

    def overdue(self, now: datetime) -> AuthorizationRequestQuerySet:
        return self.filter(self.overdue_q(now))

    def due_soon(self, now: datetime) -> AuthorizationRequestQuerySet:
        """Open, not yet overdue, and due within deadlines.DUE_SOON."""
        return self.filter(status__in=OPEN_STATUSES, due_at__gte=now,
                           due_at__lt=deadlines.due_soon_until(now))


class AuthorizationRequest(states.Transitions, models.Model):
    # The state machine: software approves or pends; only a reviewer denies.
    transition_noun = "request"
    TRANSITIONS = {
        Status.DRAFT: {Status.APPROVED, Status.PENDING_REVIEW},
        Status.PENDING_REVIEW: {Status.APPROVED, Status.DENIED, Status.INFORMATION_REQUESTED},
        # Back to review on the prescriber's response (or approved at once when
        # it now meets every criterion); decided as it is once overdue
        # (services.request_decide checks the due time).
        Status.INFORMATION_REQUESTED: {Status.PENDING_REVIEW, Status.APPROVED, Status.DENIED},
        Status.APPROVED: set(),
        # Only an overturned appeal (services.appeal_decide) approves a denial.
        Status.DENIED: {Status.APPROVED},
    }

    # Exact numbers both ways: a Decimal is written as a JSON number from its
    # own digits and read back as a Decimal, never through a float.
    answers = models.JSONField(default=dict, blank=True, encoder=ExactJSONEncoder,
                               decoder=ExactJSONDecoder)
    # Where each answer came from (requests/origins.py: DTR information-origin,
    # answer key -> auto-client, auto-server, override or manual); null when
    # no answer's origin is known. Nullable so adding it rebuilds no table.
    answer_origins = models.JSONField(null=True, blank=True)
    # Indexed copies of a few answers, for lists, search and the lifetime check.
    member_id = models.CharField(max_length=40, blank=True, db_index=True)
    # The member ID compared: upper case, no spaces or dashes.
    member_key = models.CharField(max_length=40, blank=True, db_index=True)
    patient_name = models.CharField(max_length=201, blank=True, db_index=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, db_index=True)
    unmet = models.JSONField(default=list, blank=True)
    # Why a request that meets every criterion went to a person (data dictionary, 4).
    review_flags = models.JSONField(default=list, blank=True)
    # Each flag's reason (policy.FlagReason.as_dict); null before version 3.
    review_flag_reasons = models.JSONField(null=True, blank=True)
    prescriber = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="authorization_requests")
    htc = models.ForeignKey(HTC, on_delete=models.PROTECT, related_name="requests")
    # Who took part before submission, on record for separation of duties
    # (review/duties.py) and the specialist status read at submission: any
    # prescriber of the HTC may save a draft's answers or submit it.
    drafted_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                        related_name="drafted_requests")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    policy_version = models.CharField(max_length=20, default=policy.POLICY_NUMBER, db_index=True)
    expedited = models.BooleanField(default=False)
    expedited_reason = models.TextField(blank=True)
    wizard_step = models.CharField(max_length=40, blank=True)
    # A draft's steps saved before they were complete ("Save and come back
    # later", Back): step -> field -> the text as typed, never parsed until the
    # step is completed (requests/wizard/typed.py). Null when there is none.
    draft_typed = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # When a clinical decision is due (deadlines.decision_due); while pended
    # for information, when the prescriber's response is due.
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The reviewer's desk: the one reviewer who owns the case (review/ownership.py).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="owned_requests")

    objects = AuthorizationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["htc", "status"], name="request_htc_status"),
            models.Index(*QUEUE_ORDER, name="request_queue_order"),
            # The possible-duplicate check (facts.review_flags) on every review
            # page and submit: without it a scan of every request (88 ms at
            # 100,000, docs/benchmarks.md).
            models.Index(Upper("patient_name"), condition=Q(status="approved"),
                         name="request_approved_patient_name"),
            # The desk's views of open cases, by owner and by due time (benchmarks.md).
            models.Index(fields=["owner", "status"], condition=Q(status__in=OPEN_STATUSES),
                         name="request_open_owner"),
            models.Index(fields=["due_at", "status"], condition=Q(status__in=OPEN_STATUSES),
                         name="request_open_due"),
        ]
        permissions = [("decide_authorizationrequest", "Can approve or deny a request"),
                       ("reassign_authorizationrequest", "Can reassign a request")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"PA-{self.pk:07d}" if self.pk else "PA-(new)"

    def is_overdue(self, now: datetime) -> bool:
        """The twin of AuthorizationRequestQuerySet.overdue_q, for one request."""
        at = now if self.status in OPEN_STATUSES else self.decided_at
        return deadlines.is_late(self.due_at, at)


class DecisionKind(models.TextChoices):
    SYSTEM = "system", "System (automated criteria check)"
    REVIEWER = "reviewer", "Clinical reviewer"


class Determination(models.Model):
    """One decision on a request, as it was made. Append-only."""

    request = models.ForeignKey(AuthorizationRequest, on_delete=models.PROTECT,
                                related_name="determinations")
    # A request for information is an InformationRequest, never a determination.
    status = models.CharField(max_length=20, choices=[
        c for c in Status.choices if c[0] != Status.INFORMATION_REQUESTED])
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    unmet = models.JSONField(default=list)
    trace = models.JSONField(default=list, help_text="Per criterion: id, status, reason, text")
    policy_version = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_by_name = models.CharField(max_length=200)
    decided_by_credentials = models.CharField(max_length=100, blank=True)
    rationale = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        get_latest_by = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request.number}: {self.get_status_display()} ({self.decided_by_name})"


class AuthorizationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ADMINISTERED = "administered", "Administered"
    EXPIRED = "expired", "Expired unused"
    CANCELLED = "cancelled", "Cancelled"


# The states that use up the one treatment per lifetime.
LIVE_OR_USED = (AuthorizationStatus.ACTIVE, AuthorizationStatus.ADMINISTERED)


class Authorization(states.Transitions, models.Model):
    """An approval: one Hemgenix treatment, valid for the policy's number of
    calendar days counting the approval day (deadlines.authorization_last_day)."""

    # It leaves "active" once, and never comes back (treatment.authorizations
    # checks the dates and who may cancel).
    TRANSITIONS = {AuthorizationStatus.ACTIVE: {AuthorizationStatus.ADMINISTERED,
                                                AuthorizationStatus.EXPIRED,
                                                AuthorizationStatus.CANCELLED},
                   AuthorizationStatus.ADMINISTERED: (), AuthorizationStatus.EXPIRED: (),
                   AuthorizationStatus.CANCELLED: ()}
    transition_noun = "authorization"

    request = models.OneToOneField(AuthorizationRequest, on_delete=models.PROTECT,
                                   related_name="authorization")
    member_id = models.CharField(max_length=40)
    member_key = models.CharField(max_length=40, default="", db_index=True)
    status = models.CharField(max_length=12, choices=AuthorizationStatus.choices,
                              default=AuthorizationStatus.ACTIVE, db_index=True)
    start_date = models.DateField()
    end_date = models.DateField()
    hcpcs_code = models.CharField(max_length=5, default=policy.HCPCS_CODE)
    icd10_code = models.CharField(max_length=8, default=policy.ICD10_CODE)
    quantity = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One treatment per lifetime: the database, not only the code, says so.
            # Expired or cancelled authorizations stay for the record and do not count.
            models.UniqueConstraint(fields=["member_key"], condition=Q(status__in=LIVE_OR_USED),
                                    name="one_live_authorization_per_member"),
            models.CheckConstraint(condition=Q(quantity=1), name="authorization_quantity_one"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")),
                                   name="authorization_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"HGX-{self.start_date:%Y}-{self.pk:06d}" if self.pk else "HGX-(new)"

    def status_on(self, day: date) -> str:
        """The state on `day`. Expiry is decided by the date, the same way
        everywhere: an active authorization whose last day has passed is
        expired, whether or not `expire_authorizations` has recorded it yet."""
        if self.status == AuthorizationStatus.ACTIVE and day > self.end_date:
            return AuthorizationStatus.EXPIRED
        return self.status


class AuditEvent(models.Model):
    """Who did what to which record. Append-only, and without foreign keys on
    purpose: the log must never block a delete nor lose a row to a cascade."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, db_index=True)
    # Identifiers and outcomes only: never answers or names.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # A record's timeline (review/timeline.py) without its page views (one a visit).
        indexes = [models.Index(fields=["object_id", "object_type", "-at", "-id"],
                                condition=~Q(action=AuditAction.VIEW), name="audit_timeline")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} " \
               f"{self.object_type} {self.object_id}"


# Every model of the app, importable from here: each slice keeps its own in
# its models module (the tables and migrations did not move).
from authorizations.appeals.models import (  # noqa: E402,F401
    Appeal,
    AppealOutcome,
    AppealReceipt,
    Claimant,
    ReceivedVia,
)
from authorizations.core.ratelimit import RateCounter  # noqa: E402,F401
from authorizations.core.sessions import UserSession  # noqa: E402,F401
from authorizations.documents.models import (  # noqa: E402,F401
    DOCUMENT_CONTENT_TYPES,
    DOCUMENT_MAX_BYTES,
    Document,
    DocumentKind,
)

# Notices to the member (issue 21): the roster, their copies' mailing, the outbox.
from authorizations.letters.models import (  # noqa: E402,F401
    Delivery,
    Letter,
    LetterKind,
    MailedCopy,
    MailingBatch,
    MemberCopy,
)
from authorizations.members.models import Member, PlanType  # noqa: E402,F401

# The CRD card's link to a prefilled request form (issue 22).
from authorizations.requests.models import EHRLaunch  # noqa: E402,F401
from authorizations.review.models import (  # noqa: E402,F401
    AnswerVersion,
    DecisionException,
    DecisionReason,
    DocumentReceipt,
    InformationRequest,
    P2POutcome,
    PeerToPeer,
    ReceivedBy,
)
from authorizations.treatment.models import (  # noqa: E402,F401
    AuthorizationCancellation,
    FollowUp,
    FollowUpReminder,
    FollowUpStatus,
    Infusion,
)
