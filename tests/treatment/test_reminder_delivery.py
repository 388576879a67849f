"""Follow-up reminders go through the outbox (issue 21): recorded with their
email's job, sent by the worker, tried again while the mail server fails,
and sent exactly once. The pattern of tests/letters/test_delivery.py."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from authorizations.letters import delivery
from authorizations.models import Delivery, FollowUp, FollowUpReminder
from tests.outbox import FLAKY_BACKEND, FlakyBackend, make_due

pytestmark = pytest.mark.django_db


def test_a_failing_mail_server_loses_no_reminder_and_sends_it_once(infused, prescriber,
                                                                    settings):
    req = infused("FU-OUTBOX")
    delivery.drain()  # the approval's letter and notice (to nobody yet), out of the way
    prescriber.email = "doc@example.org"
    prescriber.save()
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    FlakyBackend.failures_left = 3
    first = FollowUp.objects.get(authorization=req.authorization, number=1)
    out = io.StringIO()
    call_command("send_followup_reminders", "--as-of",
                 (first.due_on - timedelta(days=10)).isoformat(),
                 "--base-url", "https://pa.example.org", stdout=out)
    assert out.getvalue() == "1 reminder queued, 0 without an email address\n"
    reminder = FollowUpReminder.objects.get(follow_up=first, state="due")
    job = Delivery.objects.get(reminder=reminder)
    assert (job.kind, job.notice, job.done_at) == (Delivery.Kind.NOTICE, "follow_up_reminder",
                                                   None)

    for attempt in (1, 2, 3):
        delivery.drain()
        job.refresh_from_db()
        assert (job.attempts, job.done_at, job.last_error) == (
            attempt, None, "ConnectionRefusedError")
        assert job.next_attempt_at > timezone.now()  # later each time
        make_due(job)
    assert mail.outbox == []
    delivery.drain()
    job.refresh_from_db()
    assert job.done_at is not None and job.attempts == 4
    delivery.drain()  # done: never sent again
    call_command("send_followup_reminders", "--as-of",
                 (first.due_on - timedelta(days=9)).isoformat(), stdout=io.StringIO())
    delivery.drain()  # nor queued again by the next day's run
    [message] = mail.outbox
    assert message.subject == f"Hemgenix follow-up due for request {req.number}"
    assert message.to == ["doc@example.org"]
    # The address the command was given, though the worker is another process.
    assert f"https://pa.example.org/requests/{req.pk}/follow-ups/1/" in message.body
