"""A submitted follow-up is append-only in the database itself (migration
0009): raw SQL cannot change its data or delete it, while open follow-ups
still take the services' writes (draft, submit, waive, a moved date)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from authorizations.core.deadlines import follow_up_dates
from authorizations.models import FollowUp, FollowUpStatus
from authorizations.treatment.services import (
    followup_save,
    followup_send_reminders,
    followup_waive,
    infusion_correct,
    infusion_record,
)
from tests.cases import iso
from tests.treatment.helpers import infusion_data, today

pytestmark = pytest.mark.django_db
REFUSED = (IntegrityError, DatabaseError)
TABLE = FollowUp._meta.db_table
ANSWERS = {"fix_activity": Decimal("30"), "fix_test_date": iso(155), "bleeds_total": 0,
           "bleeds_treated": 0, "factor_ix_iu": 0, "inhibitor_tested": False,
           "prophylaxis": False, "alt_corticosteroids": False}


@pytest.fixture
def submitted(infused, prescriber):
    req = infused("APP-1")
    fu = req.authorization.follow_ups.get(number=1)
    followup_save(by=prescriber, follow_up=fu, answers=ANSWERS, submit=True)
    return fu


def raw(sql, *params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("assignment,value", [
    ("answers = %s", '{"fix_activity": "90"}'),
    ("status = %s", "open"),
    ("due_on = %s", "2030-01-01"),
    ("submitted_at = %s", None),
    ("waived_reason = %s", "rewritten"),
])
def test_submitted_data_cannot_be_updated(submitted, assignment, value):
    with pytest.raises(REFUSED, match="submitted follow-up is append-only"):
        raw(f"UPDATE {TABLE} SET {assignment} WHERE id = %s", value, submitted.pk)
    submitted.refresh_from_db()
    assert submitted.status == FollowUpStatus.SUBMITTED
    assert submitted.answers["fix_activity"] == Decimal("30")


def test_submitted_follow_up_cannot_be_deleted(submitted):
    with pytest.raises(REFUSED, match="submitted follow-up is append-only"):
        raw(f"DELETE FROM {TABLE} WHERE id = %s", submitted.pk)
    assert FollowUp.objects.filter(pk=submitted.pk).exists()


def test_the_services_writes_to_open_follow_ups_still_pass(approve, prescriber, reviewer):
    prescriber.email = "prescriber@htc.example.org"
    prescriber.save()
    req = approve("APP-3", as_of=today() - timedelta(days=5))
    infusion = infusion_record(by=prescriber, auth=req.authorization,
                               data=infusion_data(today() - timedelta(days=3)))
    auth = req.authorization
    first, second, third = auth.follow_ups.filter(number__lte=3).order_by("number")
    followup_save(by=prescriber, follow_up=first, answers=ANSWERS, submit=True)
    followup_save(by=prescriber, follow_up=second, answers={"bleeds_total": 1})
    followup_waive(by=reviewer, follow_up=third, reason="Moved abroad")
    followup_send_reminders(as_of=second.due_on)
    corrected_day = today() - timedelta(days=4)
    infusion_correct(by=reviewer, infusion=infusion,
                     data={"infused_on": corrected_day}, reason="Date typo")
    for fu in (first, second, third):
        fu.refresh_from_db()
    assert second.answers == {"bleeds_total": 1} and second.status == FollowUpStatus.OPEN
    assert second.reminders.exists()
    assert third.status == FollowUpStatus.WAIVED
    # The open one moved with the corrected date; the submitted one kept its own.
    assert second.due_on == follow_up_dates(corrected_day)[1]
    assert first.due_on == follow_up_dates(today() - timedelta(days=3))[0]
    assert first.status == FollowUpStatus.SUBMITTED and first.answers == ANSWERS


def test_an_open_follow_up_is_not_fixed(infused):
    fu = infused("APP-2").authorization.follow_ups.get(number=1)
    raw(f"UPDATE {TABLE} SET waived_reason = %s WHERE id = %s", "draft note", fu.pk)
    fu.refresh_from_db()
    assert fu.waived_reason == "draft note"
