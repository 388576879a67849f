"""The treatment's writes: the infusion record (which makes the authorization
administered and creates the follow-up schedule), its correction by a
reviewer as a new version, the follow-up assessments (a draft until submitted,
then append-only), waivers, and the reminder emails. Follow-up never changes
an authorization or a decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from authorizations.core import access, deadlines, zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, service
from authorizations.letters.delivery_services import delivery_reminder
from authorizations.letters.notices import REMINDER_SUBJECTS
from authorizations.models import (
    Authorization,
    AuthorizationStatus,
    FollowUp,
    FollowUpReminder,
    FollowUpStatus,
    Infusion,
)
from authorizations.policy.values import long_date
from authorizations.treatment.authorizations import (
    AuthorizationStateError,
    authorization_transition,
)

INFUSION_FIELDS = ("infused_on", "lots", "weight_kg", "dose_gc_per_kg", "site_name", "site_npi",
                   "baseline_treated_bleeds", "baseline_factor_ix_product", "full_dose",
                   "fraction_given", "partial_reason")


class TreatmentError(Exception):
    """A refused treatment write. `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_infusion_date(auth: Authorization, infused_on: date, today: date) -> None:
    if infused_on > today:
        raise TreatmentError("The infusion date must be today or in the past", "infused_on")
    if not auth.start_date <= infused_on <= auth.end_date:
        raise TreatmentError(
            f"The infusion date must be within the authorization window, "
            f"{auth.start_date:%B %-d, %Y} to {auth.end_date:%B %-d, %Y}", "infused_on")


def _infusion_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in INFUSION_FIELDS if k in data}
    values["lots"] = [str(lot) for lot in values.get("lots", [])]
    if values.get("full_dose", True):
        values["fraction_given"], values["partial_reason"] = None, ""
    return values


@service
def infusion_record(*, by: User, auth: Authorization, data: dict[str, Any],
                    as_of: date | None = None) -> Infusion:
    """Record the infusion of an active authorization (once): it becomes
    administered, and the follow-up schedule is created."""
    today = as_of or zones.today()
    values = _infusion_values(data)
    with transaction.atomic():
        locked = Authorization.objects.select_for_update().get(pk=auth.pk)
        if Infusion.objects.filter(authorization=locked).exists():
            raise TreatmentError("An infusion is already recorded for this authorization; "
                                 "a correction is made by a clinical reviewer")
        if locked.status_on(today) != AuthorizationStatus.ACTIVE:
            raise TreatmentError(f"This authorization is "
                                 f"{AuthorizationStatus(locked.status_on(today)).label.lower()}: "
                                 "no infusion can be recorded under it")
        check_infusion_date(locked, values["infused_on"], today)
        infusion = Infusion.objects.create(authorization=locked, version=1, recorded_by=by,
                                           **values)
        try:
            authorization_transition(by=by, auth=locked, to=AuthorizationStatus.ADMINISTERED,
                                     as_of=values["infused_on"])
        except AuthorizationStateError as exc:
            raise TreatmentError(str(exc)) from None
        dates = deadlines.follow_up_dates(infusion.infused_on)
        for number, due_on in enumerate(dates, start=1):
            FollowUp.objects.create(authorization=locked, number=number, due_on=due_on)
        audit(by=by, action=AuditAction.RECORD_INFUSION, obj=infusion, authorization=locked.pk,
              version=1, follow_ups=len(dates))
    auth.refresh_from_db(fields=["status"])  # the caller's copy shows the new state
    return infusion


@service
def infusion_correct(*, by: User, infusion: Infusion, data: dict[str, Any],
                     reason: str) -> Infusion:
    """A reviewer's correction: a new version superseding `infusion`, which
    stays. A new date moves the follow-ups not yet submitted or waived."""
    if not access.is_reviewer(by):
        raise TreatmentError("Only a clinical reviewer may correct an infusion record")
    if not (reason or "").strip():
        raise TreatmentError("Enter the reason for the correction", "reason")
    with transaction.atomic():
        # The authorization's row is the lock: infusion rows are insert-only,
        # and the app role may not lock what it may not UPDATE (0017_state_triggers).
        Authorization.objects.select_for_update().get(pk=infusion.authorization_id)
        old = Infusion.objects.get(pk=infusion.pk)
        if Infusion.objects.filter(supersedes=old).exists():
            raise TreatmentError("This version was already corrected: correct the latest one")
        auth = old.authorization
        values = {**{k: getattr(old, k) for k in INFUSION_FIELDS}, **_infusion_values(data)}
        check_infusion_date(auth, values["infused_on"], zones.today())
        new = Infusion.objects.create(authorization=auth, version=old.version + 1,
                                      supersedes=old, recorded_by=by,
                                      correction_reason=reason.strip(), **values)
        moved = 0
        if new.infused_on != old.infused_on:
            dates = deadlines.follow_up_dates(new.infused_on)
            for fu in FollowUp.objects.filter(authorization=auth, status=FollowUpStatus.OPEN):
                fu.due_on = dates[fu.number - 1]
                fu.save(update_fields=["due_on", "updated_at"])
                moved += 1
        audit(by=by, action=AuditAction.CORRECT_INFUSION, obj=new, supersedes=old.pk,
              version=new.version, follow_ups_moved=moved)
    return new


def latest_infusion(auth: Authorization) -> Infusion | None:
    return (Infusion.objects.filter(authorization=auth, superseded_by__isnull=True)
            .order_by("-version").first())


# Issue 20: dates of an assessment that cannot come before the infusion (a
# factor IX dose before the test may: it is asked for that reason).
AFTER_INFUSION = {"fix_test_date": "The factor IX activity test",
                  "inhibitor_test_date": "The inhibitor test",
                  "prophylaxis_start": "The prophylaxis start"}


def refuse_before_infusion(follow_up: FollowUp, answers: dict[str, Any]) -> None:
    infusion = latest_infusion(follow_up.authorization)
    if infusion is None:
        return
    for key, what in AFTER_INFUSION.items():
        if answers.get(key) and date.fromisoformat(answers[key]) < infusion.infused_on:
            raise TreatmentError(f"{what} date is before the infusion "
                                 f"({long_date(infusion.infused_on)}): enter a date on or "
                                 "after it", key)


@service
def followup_save(*, by: User, follow_up: FollowUp, answers: dict[str, Any],
                  submit: bool = False) -> FollowUp:
    """Save a follow-up's assessment as a draft, or submit it (once). A
    submitted or waived follow-up is never changed."""
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.status != FollowUpStatus.OPEN:
            raise TreatmentError(f"Follow-up {locked.number} is "
                                 f"{locked.get_status_display().lower()}: it cannot be changed")
        refuse_before_infusion(locked, answers)
        locked.answers = answers
        fields = ["answers", "updated_at"]
        if submit:
            locked.transition_to(FollowUpStatus.SUBMITTED)
            locked.submitted_at = timezone.now()
            locked.submitted_by = by
            fields += ["status", "submitted_at", "submitted_by"]
        locked.save(update_fields=fields)
        audit(by=by, action=AuditAction.SUBMIT_FOLLOW_UP if submit
              else AuditAction.SAVE_FOLLOW_UP, obj=locked,
              authorization=locked.authorization_id, number=locked.number)
    return locked


@service
def followup_waive(*, by: User, follow_up: FollowUp, reason: str) -> FollowUp:
    """A reviewer waives an open follow-up, with a reason."""
    if not access.is_reviewer(by):
        raise TreatmentError("Only a clinical reviewer may waive a follow-up")
    if not (reason or "").strip():
        raise TreatmentError("Enter the reason for waiving", "reason")
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.status != FollowUpStatus.OPEN:
            raise TreatmentError(f"Follow-up {locked.number} is "
                                 f"{locked.get_status_display().lower()}: it cannot be waived")
        locked.transition_to(FollowUpStatus.WAIVED)
        locked.waived_reason = reason.strip()
        locked.waived_by = by
        locked.save(update_fields=["status", "waived_reason", "waived_by", "updated_at"])
        audit(by=by, action=AuditAction.WAIVE_FOLLOW_UP, obj=locked,
              authorization=locked.authorization_id, number=locked.number)
    return locked


@dataclass(frozen=True)
class ReminderResult:
    sent: int
    skipped: int


@service
def followup_send_reminders(*, as_of: date | None = None, base_url: str = "") -> ReminderResult:
    """Email the prescriber once when a follow-up becomes due and once when it
    becomes overdue; each reminder is recorded with its email's job in the
    outbox (the worker sends it, trying again while the mail server fails), so
    a rerun queues nothing new and a failing server loses none. Links start
    with `base_url`, by default settings.SITE_URL as every notice's do."""
    today = as_of or zones.today()
    sent = skipped = 0
    open_ = (FollowUp.objects.due_or_overdue(today)
             .select_related("authorization__request__prescriber").order_by("due_on", "pk"))
    for fu in open_:
        state = fu.state_on(today)
        if state not in REMINDER_SUBJECTS:
            continue
        req = fu.authorization.request
        email = req.prescriber.email
        if not email:
            skipped += 1
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    reminder = FollowUpReminder.objects.create(follow_up=fu, state=state,
                                                               sent_to=email)
            except IntegrityError:
                continue  # sent before
            delivery_reminder(reminder, base_url=base_url)
            audit(by=None, action=AuditAction.REMIND_FOLLOW_UP, obj=reminder, follow_up=fu.pk,
                  state=state)
        sent += 1
    return ReminderResult(sent=sent, skipped=skipped)
