"""Delivery that survives failure (letters/delivery_services.py): the outbox
row commits with the decision, a failing mail server is tried again later
each time and the notice goes out exactly once, and a worker that dies
mid-render leaves a job the next worker takes back, with one letter stored.

The worker's tasks are called here as the worker calls them (drain); the
queue's own rows (django-q2's ORM broker) are in test_delivery_queue.py."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from authorizations.core.actions import AuditAction
from authorizations.letters import delivery
from authorizations.letters import rendering as letters
from authorizations.letters.delivery_services import backoff
from authorizations.models import (
    AuditEvent,
    Delivery,
    Determination,
    Letter,
    MemberCopy,
    Status,
)
from authorizations.requests.services import request_decide
from authorizations.review.services import information_request
from tests.factories import approvable_case, login, submitted_request
from tests.outbox import FLAKY_BACKEND, FlakyBackend, make_due

pytestmark = pytest.mark.django_db


def test_a_failing_mail_server_is_tried_again_later_and_the_notice_sent_once(
        prescriber, reviewer, settings):
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    FlakyBackend.failures_left = 3
    prescriber.email = "prescriber@htc.example"
    prescriber.save()
    req = submitted_request(prescriber, approvable_case(hbsag="positive")).request
    assert req.status == Status.PENDING_REVIEW
    request_decide(by=reviewer, req=req, approve=False, rationale="HBsAg positive.")
    job = Delivery.objects.get(request=req, kind=Delivery.Kind.NOTICE, notice="decided")
    assert job.done_at is None  # written with the decision, not yet run

    for attempt in (1, 2, 3):
        delivery.drain()
        job.refresh_from_db()
        assert (job.attempts, job.done_at, job.last_error) == (
            attempt, None, "ConnectionRefusedError")
        # Later each time: not tried again before its wait has passed.
        assert job.next_attempt_at > timezone.now()
        delivery.drain()
        job.refresh_from_db()
        assert job.attempts == attempt
        make_due(job)
    delivery.drain()
    job.refresh_from_db()
    assert job.done_at is not None and job.attempts == 4
    decided = [m for m in mail.outbox if m.subject == f"Prior authorization {req.number} decided"]
    assert len(decided) == 1
    delivery.drain()  # a done job is never sent again
    assert len([m for m in mail.outbox if m.subject == decided[0].subject]) == 1


def test_the_wait_doubles_up_to_its_ceiling(settings):
    settings.DELIVERY_RETRY_SECONDS, settings.DELIVERY_RETRY_MAX_SECONDS = 30, 3600
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 8)] == [30, 60, 120, 240, 3600]


class WorkerDied(BaseException):
    """The process running the task stops (killed, out of memory): nothing of
    the task's own code runs after it."""


def test_a_worker_dying_mid_render_leaves_the_job_to_the_next_and_one_letter(
        prescriber, monkeypatch):
    req = submitted_request(prescriber, approvable_case()).request
    assert req.status == Status.APPROVED
    job = Delivery.objects.get(request=req, kind=Delivery.Kind.LETTER)
    render = letters.render_pdf
    calls = []

    def dies_the_first_time(determination):
        calls.append(determination.pk)
        if len(calls) == 1:
            raise WorkerDied
        return render(determination)

    monkeypatch.setattr(letters, "render_pdf", dies_the_first_time)
    with pytest.raises(WorkerDied):
        delivery.drain()
    job.refresh_from_db()
    assert job.attempts == 1 and job.done_at is None and job.claimed_until is not None
    delivery.drain()  # its claim still holds: no second render beside a live one
    assert len(calls) == 1
    # The claim expires: the next drain takes the job back.
    Delivery.objects.filter(pk=job.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert delivery.drain() == 1
    job.refresh_from_db()
    assert job.done_at is not None and job.attempts == 2
    assert Letter.objects.filter(determination__request=req).count() == 1
    assert len(calls) == 2


def test_the_letter_job_commits_with_the_decision_or_not_at_all(prescriber):
    with pytest.raises(RuntimeError), transaction.atomic():
        req = submitted_request(prescriber, approvable_case()).request
        assert Delivery.objects.filter(request=req, kind=Delivery.Kind.LETTER).count() == 1
        raise RuntimeError("the decision's transaction rolls back")
    assert not Determination.objects.exists()
    assert not Delivery.objects.exists()


def test_the_result_page_says_the_letter_is_being_prepared_then_links_it(
        client, prescriber, reviewer):
    req = submitted_request(prescriber, approvable_case()).request
    url = reverse("request_detail", args=[req.pk])
    html = login(client, prescriber).get(url).content.decode()
    assert "The letter is being prepared." in html
    assert f'<a href="{url}">reload this page</a>' in html  # no JavaScript needed
    assert "Download the letter (PDF)" not in html
    home = login(Client(), reviewer).get(reverse("admin:index")).content.decode()
    assert "1 letter and 0 email notices waiting for the task worker" in home

    delivery.drain()
    html = client.get(url).content.decode()
    assert "being prepared" not in html and "Download the letter (PDF)" in html
    pdf = client.get(reverse("request_letter", args=[req.pk])).content
    assert pdf == client.get(reverse("request_letter", args=[req.pk])).content  # stored bytes
    home = login(Client(), reviewer).get(reverse("admin:index")).content.decode()
    assert "None: every letter is rendered and every email notice sent." in home


def test_the_information_letter_is_a_job_of_its_request_then_ready_on_the_page(
        client, prescriber, reviewer, submit):
    req = submit(prescriber, approvable_case(hbsag="positive"))
    with pytest.raises(RuntimeError), transaction.atomic():
        information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                            document_kinds=["viral_tests"], message="HBsAg report.")
        raise RuntimeError("the request for information rolls back")
    assert not Delivery.objects.filter(information_request__isnull=False).exists()

    ir = information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                             document_kinds=["viral_tests"], message="HBsAg report.")
    job = Delivery.objects.get(information_request=ir)
    assert job.kind == Delivery.Kind.LETTER and job.done_at is None
    ir.refresh_from_db()
    assert ir.letter_pdf is None  # not rendered in the reviewer's request
    url = reverse("request_detail", args=[req.pk])
    letter_url = reverse("request_information_letter", args=[req.pk, ir.pk])
    html = login(client, prescriber).get(url).content.decode()
    assert "The information needed letter is being prepared." in html
    assert f'<a href="{url}">reload this page</a>' in html  # no JavaScript needed
    assert letter_url not in html
    admin_page = reverse("admin:authorizations_authorizationrequest_change", args=[req.pk])
    admin_html = login(Client(), reviewer).get(admin_page).content.decode()
    assert "The information needed letter is being prepared" in admin_html
    assert f'<a href="{admin_page}#conversation">reload this page</a>' in admin_html
    assert letter_url not in admin_html

    assert delivery.drain() == 2  # the letter, and the prescriber's notice
    ir.refresh_from_db()
    member_copy = MemberCopy.objects.get(information_request=ir)  # rendered with it
    html = client.get(url).content.decode()
    assert "being prepared" not in html
    assert f'<a href="{letter_url}">Information needed letter (PDF)</a>' in html
    assert client.get(letter_url).content == bytes(ir.letter_pdf)
    assert client.get(letter_url + "?copy=member").content == bytes(member_copy.pdf)
    assert AuditEvent.objects.filter(action=AuditAction.ISSUE_LETTER,  # issued once
                                     detail__information_request=ir.pk).count() == 1
    assert letter_url in login(Client(), reviewer).get(admin_page).content.decode()
