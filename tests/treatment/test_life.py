"""The authorization's life: one state service, one treatment per lifetime,
expiry by date, cancellation with a reason; the database keeps the fixed
facts fixed."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction  # noqa: F401 - skipif reads it

from authorizations.models import (
    AuditEvent,
    Authorization,
    AuthorizationCancellation,
    AuthorizationStatus,
    Status,
)
from authorizations.treatment.authorizations import (
    AuthorizationStateError,
    authorization_transition,
    record_lapses,
)
from tests.treatment.helpers import infusion_data, today

pytestmark = pytest.mark.django_db


def test_an_expired_unused_authorization_does_not_block_a_new_request(approve, prescriber):
    first = approve("LIFE-1", as_of=today() - timedelta(days=90))
    assert first.authorization.status_on(today()) == AuthorizationStatus.EXPIRED
    again = approve("LIFE-1")
    # Flagged as a reauthorization, so a person reviews it.
    assert again.status == Status.PENDING_REVIEW
    assert "reauthorization" in again.review_flags
    assert record_lapses() == 1
    first.authorization.refresh_from_db()
    assert first.authorization.status == AuthorizationStatus.EXPIRED


def test_an_administered_authorization_blocks_for_life(infused, approve):
    req = infused("LIFE-2")
    assert req.authorization.status == AuthorizationStatus.ADMINISTERED
    # Years later, still blocked (never expires).
    later = approve("LIFE-2", as_of=today() + timedelta(days=3650))
    assert later.status == Status.PENDING_REVIEW
    assert "lifetime_limit" in later.unmet
    assert not Authorization.objects.filter(request=later).exists()


def test_a_cancelled_authorization_does_not_block(approve, prescriber):
    req = approve("LIFE-3")
    authorization_transition(by=prescriber, auth=req.authorization,
                             to=AuthorizationStatus.CANCELLED, reason="Postponed")
    again = approve("LIFE-3")
    assert again.status == Status.PENDING_REVIEW and "reauthorization" in again.review_flags


def test_cancelling_needs_a_reason_and_the_right_person(approve, prescriber, other_prescriber,
                                                        reviewer):
    auth = approve("LIFE-4").authorization
    with pytest.raises(AuthorizationStateError, match="reason"):
        authorization_transition(by=prescriber, auth=auth,
                                 to=AuthorizationStatus.CANCELLED, reason=" ")
    with pytest.raises(AuthorizationStateError, match="prescriber or a clinical"):
        authorization_transition(by=other_prescriber, auth=auth,
                                 to=AuthorizationStatus.CANCELLED, reason="No")
    authorization_transition(by=reviewer, auth=auth, to=AuthorizationStatus.CANCELLED,
                             reason="Member left the plan")
    auth.refresh_from_db()
    assert auth.status == AuthorizationStatus.CANCELLED
    assert AuthorizationCancellation.objects.get(authorization=auth).reason == \
        "Member left the plan"
    event = AuditEvent.objects.get(action="cancel", object_id=str(auth.pk))
    assert event.detail["from"] == "active" and event.detail["to"] == "cancelled"
    # Never back, nor onwards.
    with pytest.raises(AuthorizationStateError):
        authorization_transition(by=reviewer, auth=auth,
                                 to=AuthorizationStatus.ADMINISTERED)


def test_an_administered_authorization_cannot_be_cancelled(infused, prescriber):
    auth = infused("LIFE-5").authorization
    with pytest.raises(AuthorizationStateError, match="administered"):
        authorization_transition(by=prescriber, auth=auth,
                                 to=AuthorizationStatus.CANCELLED, reason="Oops")


def test_expire_authorizations_is_idempotent(approve):
    auth = approve("LIFE-6").authorization
    after = (auth.end_date + timedelta(days=1)).isoformat()
    out = io.StringIO()
    call_command("expire_authorizations", "--as-of", auth.end_date.isoformat(), stdout=out)
    assert out.getvalue().startswith("0 authorizations")
    call_command("expire_authorizations", "--as-of", after, stdout=out)
    assert "1 authorization recorded" in out.getvalue()
    call_command("expire_authorizations", "--as-of", after, stdout=out)
    assert out.getvalue().strip().endswith("0 authorizations recorded as expired")
    auth.refresh_from_db()
    assert auth.status == AuthorizationStatus.EXPIRED
    assert AuditEvent.objects.filter(action="expire", object_id=str(auth.pk)).count() == 1


def test_the_database_refuses_to_change_a_member_key(approve):
    auth = approve("LIFE-7").authorization
    for change in ({"member_key": "SOMEONEELSE"}, {"member_id": "X"},
                   {"end_date": auth.end_date + timedelta(days=30)}, {"hcpcs_code": "J9999"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Authorization.objects.filter(pk=auth.pk).update(**change)
    auth.refresh_from_db()
    assert auth.member_key == "LIFE7"
    # The status still changes (through the service).
    Authorization.objects.filter(pk=auth.pk).update(status=AuthorizationStatus.CANCELLED)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_to_delete_an_authorization(approve):
    auth = approve("LIFE-8").authorization
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorization.objects.filter(pk=auth.pk).delete()
    assert Authorization.objects.filter(pk=auth.pk).exists()


def test_infusion_data_fixture_is_in_window(approve):
    auth = approve("LIFE-9").authorization
    assert auth.start_date <= infusion_data(today())["infused_on"] <= auth.end_date
