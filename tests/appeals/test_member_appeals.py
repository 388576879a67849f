"""The member as claimant: a reviewer records an appeal the member (or a
representative the member named) sent by mail, fax or phone; a phone appeal
only when expedited; timely by the deadline counted from the notice's
receipt; its decision letter speaks of who appealed."""

from datetime import UTC, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from authorizations.appeals.forms import AppealRecordForm
from authorizations.appeals.services import (
    AppealRefused,
    appeal_deadline,
    appeal_record,
    denial_of,
)
from authorizations.letters import rendering as letters
from authorizations.models import Appeal, AuditEvent
from authorizations.review.timeline import timeline
from tests.factories import login

pytestmark = pytest.mark.django_db

RECORD_URL = reverse("admin:authorizations_appeal_record")


def record(req, by, **changes):
    data = {"claimant": "member", "received_via": "mail", "received_at": timezone.now(),
            "statement": "I want my doctor's records looked at again.", "expedited": False,
            **changes}
    return appeal_record(by=by, req=req, **data)


def test_a_reviewer_records_the_members_appeal_by_mail(denied, second_reviewer):
    received = timezone.now() - timedelta(days=2)
    appeal = record(denied, second_reviewer, received_at=received)
    assert appeal.filed_at == received
    assert appeal.due_at == received + timedelta(days=30)  # its clock runs from receipt
    assert (appeal.receipt.claimant, appeal.receipt.received_via) == ("member", "mail")
    event = AuditEvent.objects.get(action="appeal_record")
    assert event.detail == {"appeal": appeal.pk, "expedited": False, "claimant": "member",
                            "received_via": "mail"}
    assert any("Appeal received from the member recorded: by mail, standard" in row["what"]
               for row in timeline(denied))


def test_a_phone_appeal_is_taken_only_when_expedited(denied, second_reviewer):
    with pytest.raises(ValueError, match="Received by: an appeal by phone"):
        record(denied, second_reviewer, received_via="phone")
    appeal = record(denied, second_reviewer, received_via="phone", expedited=True,
                    expedited_reason="Bleeding into a joint this week.")
    assert appeal.due_at - appeal.filed_at == timedelta(hours=72)


def test_a_representative_is_named(denied, second_reviewer):
    with pytest.raises(ValueError, match="Representative's name"):
        record(denied, second_reviewer, claimant="representative")
    appeal = record(denied, second_reviewer, claimant="representative",
                    representative_name="Jo Quinlan", received_via="fax")
    assert appeal.receipt.representative_name == "Jo Quinlan"
    context = letters.letter_context(denial_of(denied), letters.MEMBER)
    assert context["kind"] == "denial"  # the denial's letter is unchanged by the appeal


def test_an_appeal_received_after_the_deadline_is_refused(denied, second_reviewer,
                                                          time_machine):
    deadline = appeal_deadline(denial_of(denied))
    time_machine.move_to(timezone.now() + timedelta(days=200))
    late = timezone.make_aware(timezone.datetime.combine(deadline + timedelta(days=1),
                                                         timezone.datetime.min.time())
                               ) + timedelta(hours=10)
    with pytest.raises(AppealRefused, match="The time to appeal"):
        record(denied, second_reviewer, received_at=late)
    assert not Appeal.objects.exists()
    record(denied, second_reviewer, received_at=late - timedelta(days=1))


def test_a_prescriber_may_not_record_one(denied, prescriber):
    with pytest.raises(PermissionError):
        record(denied, prescriber)


def test_the_record_page_names_each_bad_field_and_keeps_what_was_typed(client, second_reviewer,
                                                                       denied):
    client = login(client, second_reviewer)
    page = client.get(reverse("admin:authorizations_appeal_changelist")).content.decode()
    assert RECORD_URL in page
    response = client.post(RECORD_URL, {
        "request_number": denied.number, "claimant": "representative",
        "received_via": "phone", "received_at": "", "statement": "Please look again."})
    html = unescape(response.content.decode())
    assert response.status_code == 400
    for message in ["Representative's name: Enter the representative's name",
                    "Received by: A phone appeal is taken for an expedited appeal only",
                    "Received: This field is required."]:
        assert message in html, message
    assert "Please look again." in html
    assert not Appeal.objects.exists()


def test_the_record_page_records_and_shows_the_appeal(client, second_reviewer, denied):
    client = login(client, second_reviewer)
    received = timezone.localtime() - timedelta(hours=3)
    response = client.post(RECORD_URL, {
        "request_number": denied.number.lower(), "claimant": "member", "received_via": "mail",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "statement": "Please look again."})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:authorizations_appeal_decide",
                                            args=[appeal.pk])
    page = unescape(client.get(response["Location"]).content.decode())
    assert "by the member, by mail; recorded by" in page
    assert "as the member's authorized representative" not in page


def test_an_unknown_request_number_is_named(client, second_reviewer, denied):
    response = login(client, second_reviewer).post(RECORD_URL, {
        "request_number": "PA-9999999", "claimant": "member", "received_via": "mail",
        # Three hours ago: the wall time now may be ambiguous (01:30 on the
        # night the clocks fall back), which the form rightly refuses.
        "received_at": (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "statement": "Please look again."})
    assert response.status_code == 400
    assert "Request number: No request has this number" in response.content.decode()


@pytest.mark.parametrize("typed, at", [
    # The night the clocks fall back: 01:30 happens at 05:30 and 06:30 UTC.
    ("2026-11-01T01:30", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ("2026-11-01T00:59", datetime(2026, 11, 1, 4, 59, tzinfo=UTC)),
    ("2026-11-01T02:00", datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
])
def test_a_receipt_time_the_clocks_repeat_is_the_earlier_one(typed, at):
    # The record page offers the time now, which in that hour is ambiguous:
    # the earlier reading, so the appeal's clock is never later than owed.
    with timezone.override(ZoneInfo("America/New_York")):
        form = AppealRecordForm({"received_at": typed})
        form.is_valid()
    assert "received_at" not in form.errors
    assert form.cleaned_data["received_at"] == at


def test_a_receipt_time_the_clocks_skip_is_refused_by_name():
    with timezone.override(ZoneInfo("America/New_York")):
        form = AppealRecordForm({"received_at": "2026-03-08T02:30"})
        assert not form.is_valid()
    assert "may not exist" in form.errors["received_at"][0]
