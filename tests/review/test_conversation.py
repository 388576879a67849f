"""The rest of the conversation after submission: an expedited review asked
for afterwards, a peer-to-peer discussion the prescriber asks for, documents
received by fax or mail, the admin home's work counts, password reset."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from authorizations.accounts.services import user_save
from authorizations.letters import delivery
from authorizations.models import (
    AuditEvent,
    AuthorizationRequest,
    Delivery,
    Document,
    DocumentReceipt,
    InvalidTransition,
    Status,
)
from authorizations.review.conversation import request_expedite
from authorizations.review.services import (
    information_request,
    information_respond,
    peer_to_peer_request,
    peer_to_peer_schedule,
)
from tests.factories import approvable_case, login
from tests.files import pdf_bytes, upload
from tests.outbox import FLAKY_BACKEND, FlakyBackend, make_due

pytestmark = pytest.mark.django_db


def change_page(client, reviewer, req) -> str:
    page = login(client, reviewer).get(
        reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]))
    assert page.status_code == 200
    return strip_tags(page.content.decode())


def local(value):
    return timezone.localtime(value).replace(second=0, microsecond=0)


# ---- expedite ------------------------------------------------------------

def test_expedite_recomputes_the_clock_and_is_audited(client, prescriber, reviewer, pending):
    assert not pending.expedited
    client = login(client, prescriber)
    response = client.post(reverse("request_expedite", args=[pending.pk]),
                           {"reason": "Bleeding into the knee weekly."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.expedited
    assert abs(pending.due_at - (timezone.now() + timedelta(hours=72))) < timedelta(minutes=1)
    event = AuditEvent.objects.get(action="expedite", object_id=str(pending.pk))
    assert event.actor_id == prescriber.pk
    assert "Expedited review asked for" in strip_tags(
        client.get(reverse("request_detail", args=[pending.pk])).content.decode())
    assert "Expedited review asked for" in change_page(client, reviewer, pending)
    with pytest.raises(InvalidTransition, match="already expedited"):
        request_expedite(by=prescriber, req=pending, reason="Again")


def test_expedite_needs_a_reason_and_keeps_nothing_else(client, prescriber, pending):
    response = login(client, prescriber).post(reverse("request_expedite", args=[pending.pk]),
                                              {"reason": "  "})
    assert response.status_code == 400
    assert "Why is an expedited review needed?: Enter why an expedited review is needed" \
        in response.content.decode()
    pending.refresh_from_db()
    assert not pending.expedited


def test_expedited_while_pended_gets_48_hours_from_the_response(reviewer, prescriber, pending):
    AuthorizationRequest.objects.filter(pk=pending.pk).update(
        due_at=timezone.now() + timedelta(days=2))  # 13 of 15 days used
    pending.refresh_from_db()
    information_request(by=reviewer, req=pending, criteria=list(pending.unmet),
                        document_kinds=[], message="The counseling note.")
    request_expedite(by=prescriber, req=pending, reason="Bleeds.")
    information_respond(by=prescriber, req=pending, note="")
    pending.refresh_from_db()
    # 29 CFR 2560.503-1(f)(2)(i): decided within 48 hours of the information.
    assert abs(pending.due_at - (timezone.now() + timedelta(hours=48))) < timedelta(minutes=1)


def test_an_expedited_request_is_due_48_hours_after_the_information_arrives(
        reviewer, prescriber, submit):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        req = submit(prescriber, approvable_case(hbsag="positive"), expedited=True)
        assert req.due_at == req.submitted_at + timedelta(hours=72)
        clock.shift(timedelta(hours=10))
        information_request(by=reviewer, req=req, criteria=["hepatitis_b"], document_kinds=[],
                            message="The HBV DNA result.")
        # The prescriber answers 30 hours later: 62 of the 72 hours would be left.
        clock.shift(timedelta(hours=30))
        information_respond(by=prescriber, req=req, note="Attached.")
        req.refresh_from_db()
        assert req.due_at == timezone.now() + timedelta(hours=48)


# ---- peer-to-peer ---------------------------------------------------------

def test_peer_to_peer_asked_scheduled_and_held_shows_on_both_sides(
        client, prescriber, reviewer, pending):
    first = local(timezone.now() + timedelta(days=2))
    second = local(timezone.now() + timedelta(days=3))
    client = login(client, prescriber)
    page = client.get(reverse("request_detail", args=[pending.pk])).content.decode()
    assert reverse("request_peer_to_peer", args=[pending.pk]) in page
    response = client.post(reverse("request_peer_to_peer", args=[pending.pk]), {
        "time_1": first.strftime("%Y-%m-%dT%H:%M"), "time_2": second.strftime("%Y-%m-%dT%H:%M"),
        "note": "The inhibitor history."})
    assert response.status_code == 302
    p2p = pending.peer_to_peers.get()
    assert p2p.requested_by_prescriber and p2p.offered_by == prescriber
    # One open request at a time: the link is gone until it is held.
    page = client.get(reverse("request_detail", args=[pending.pk])).content.decode()
    assert reverse("request_peer_to_peer", args=[pending.pk]) not in page

    text = change_page(client, reviewer, pending)
    assert "Asked for by the prescriber" in text
    assert "Peer-to-peer discussion asked for by the prescriber" in text
    url = reverse("admin:authorizations_authorizationrequest_peer_to_peer", args=[pending.pk])
    client.post(url, {"action": "schedule", "scheduled_at": second.isoformat()})
    p2p.refresh_from_db()
    assert p2p.scheduled_at == second and p2p.scheduled_by == reviewer
    # The discussion takes place at the time scheduled; it is recorded
    # afterwards (in a new session: three days idle is past the logoff).
    with time_machine.travel(second + timedelta(minutes=30), tick=False):
        login(client, reviewer).post(url, {
            "action": "record", "held_at": second.strftime("%Y-%m-%dT%H:%M"),
            "outcome": "information", "notes": "Will send the ITI records."})
    p2p.refresh_from_db()
    assert p2p.held_at and p2p.outcome == "information"
    text = change_page(client, reviewer, pending)
    assert "Peer-to-peer discussion scheduled" in text
    assert "Peer-to-peer discussion held: The prescriber will send more information" in text

    page = strip_tags(login(client, prescriber).get(
        reverse("request_detail", args=[pending.pk])).content.decode())
    assert "Peer-to-peer discussion held: The prescriber will send more information" in page
    assert "Will send the ITI records." in page


def test_the_prescriber_is_told_by_email_without_patient_data(
        prescriber, reviewer, pending, django_capture_on_commit_callbacks):
    when = timezone.now() + timedelta(days=1)
    peer_to_peer_request(by=prescriber, req=pending, times=[when])
    with django_capture_on_commit_callbacks(execute=True):
        peer_to_peer_schedule(by=reviewer, req=pending, at=when)
    sent = [m for m in mail.outbox if "Peer-to-peer" in m.subject]
    assert len(sent) == 1 and pending.number in sent[0].subject
    body = sent[0].body
    assert reverse("request_detail", args=[pending.pk]) in body
    for phi in (pending.patient_name, pending.member_id, pending.answers["date_of_birth"]):
        assert str(phi) not in body


def test_a_time_not_offered_cannot_be_scheduled(prescriber, reviewer, pending):
    peer_to_peer_request(by=prescriber, req=pending,
                         times=[timezone.now() + timedelta(days=1)])
    with pytest.raises(ValueError, match="one of the times offered"):
        peer_to_peer_schedule(by=reviewer, req=pending,
                              at=timezone.now() + timedelta(days=5))


def test_a_past_time_names_the_field_and_keeps_the_input(client, prescriber, pending):
    past = local(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = login(client, prescriber).post(
        reverse("request_peer_to_peer", args=[pending.pk]), {"time_1": past, "note": "Call me"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "First time you are available: Enter a time in the future" in text
    assert f'value="{past}"' in text and "Call me" in text
    assert not pending.peer_to_peers.exists()


def test_no_peer_to_peer_on_an_approved_request(prescriber, submit):
    from tests.factories import approvable_case

    req = submit(prescriber, approvable_case(member_id="M-OK-P2P"))
    assert req.status == Status.APPROVED
    with pytest.raises(InvalidTransition):
        peer_to_peer_request(by=prescriber, req=req,
                             times=[timezone.now() + timedelta(days=1)])


# ---- documents received outside the system -------------------------------

def test_a_document_received_by_fax_is_recorded_and_visible(client, prescriber, reviewer,
                                                             pending):
    client = login(client, reviewer)
    received_on = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("admin:authorizations_authorizationrequest_received_document",
                args=[pending.pk]),
        {"kind": "clinic_note", "criterion": "alcohol_counseling_attestation",
         "received_by": "fax", "received_on": received_on.isoformat(),
         "file": upload("counseling.pdf", pdf_bytes(), "application/pdf")})
    assert response.status_code == 302
    doc = Document.objects.get(request=pending, kind="clinic_note")
    receipt = DocumentReceipt.objects.get(document=doc)
    assert (receipt.received_by, receipt.received_on, receipt.recorded_by) == (
        "fax", received_on, reviewer)
    text = change_page(client, reviewer, pending)
    assert "counseling.pdf" in text
    day = f"{received_on:%B} {received_on.day}, {received_on.year}"
    assert f"Document received outside the system recorded: by fax on {day}" in text
    assert f"Received by fax on {day}" in text
    page = strip_tags(login(client, prescriber).get(
        reverse("request_detail", args=[pending.pk])).content.decode())
    assert "counseling.pdf" in page
    assert f"Received by fax on {day}" in page


def test_a_received_document_is_checked_like_an_upload(client, reviewer, pending):
    response = login(client, reviewer).post(
        reverse("admin:authorizations_authorizationrequest_received_document",
                args=[pending.pk]),
        {"kind": "clinic_note", "received_by": "mail",
         "received_on": timezone.localdate().isoformat(),
         "file": upload("note.pdf", b"not a pdf at all", "application/pdf")})
    assert response.status_code == 400
    assert not Document.objects.filter(request=pending, kind="clinic_note").exists()
    text = response.content.decode()
    assert "Nothing was recorded" in text and "File: " in text
    # What was typed is kept.
    assert '<option value="mail" selected>' in text
    assert '<option value="clinic_note" selected>' in text


# ---- admin home ------------------------------------------------------------

def work_text(page) -> str:
    """The admin home's text, one space between cells."""
    return re.sub(r"\s+", " ", strip_tags(page.content.decode().replace("<", " <")))


def test_the_admin_home_counts_the_work(client, prescriber, reviewer, pending, submit):
    from tests.factories import approvable_case

    other = submit(prescriber, approvable_case(member_id="M-WAIT-2",
                                               attest_alcohol_counseling=False))
    third = submit(prescriber, approvable_case(member_id="M-WAIT-3",
                                               attest_alcohol_counseling=False))
    AuthorizationRequest.objects.filter(pk=other.pk).update(
        due_at=timezone.now() - timedelta(hours=1))
    information_request(by=reviewer, req=third, criteria=[], document_kinds=[
        "clinic_note"], message="The note.")
    page = login(client, reviewer).get(reverse("admin:index"))
    text = work_text(page)
    assert "Pending clinical review 2 1 overdue, shown first" in text
    assert "Information requested 1" in text
    assert "Responses to read 0" in text
    information_respond(by=prescriber, req=third, note="Attached.")
    text = work_text(client.get(reverse("admin:index")))
    assert "Pending clinical review 3" in text
    assert "Responses to read 1" in text
    queue = client.get(reverse("admin:authorizations_authorizationrequest_changelist")
                       + "?status=pending_review&responded=yes").content.decode()
    assert third.number in queue and pending.number not in queue


# ---- password reset ----------------------------------------------------------

def test_password_reset_emails_a_known_address_and_says_the_same_for_an_unknown(
        client, prescriber):
    prescriber.email = "doctor@htc.example"
    user_save(prescriber, by=None)
    known = client.post(reverse("password_reset"), {"email": "doctor@htc.example"},
                        follow=True)
    assert mail.outbox == []  # in the outbox: the worker sends it
    delivery.drain()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/accounts/reset/" in body and prescriber.username in body
    unknown = client.post(reverse("password_reset"), {"email": "nobody@nowhere.example"},
                          follow=True)
    delivery.drain()
    assert len(mail.outbox) == 1
    assert unknown.status_code == known.status_code == 200
    assert strip_tags(unknown.content.decode()) == strip_tags(known.content.decode())
    assert "Check your email" in unknown.content.decode()

    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {
        "new_password1": "a-new Long passphrase 42", "new_password2": "a-new Long passphrase 42"},
                       follow=True)
    assert "Your password is changed" in done.content.decode()


def test_a_bad_reset_link_explains_itself(client):
    page = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert page.status_code == 200
    assert "This link does not work" in page.content.decode()


def test_a_received_document_without_the_csrf_token_is_refused(reviewer, pending):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), reviewer)
    response = client.post(
        reverse("admin:authorizations_authorizationrequest_received_document",
                args=[pending.pk]),
        {"kind": "clinic_note", "received_by": "fax",
         "received_on": timezone.localdate().isoformat(),
         "file": upload("note.pdf", pdf_bytes(), "application/pdf")})
    assert response.status_code == 403
    assert not Document.objects.filter(request=pending, kind="clinic_note").exists()


def test_password_reset_is_rate_limited_without_saying_so(client, prescriber):
    from authorizations.accounts import views

    prescriber.email = "doctor@htc.example"
    user_save(prescriber, by=None)
    pages = [client.post(reverse("password_reset"), {"email": "doctor@htc.example"},
                         follow=True) for _ in range(views.PER_ADDRESS + 2)]
    delivery.drain()
    assert len(mail.outbox) == views.PER_ADDRESS
    assert {strip_tags(p.content.decode()) for p in pages} == {
        strip_tags(pages[0].content.decode())}


def test_password_reset_with_the_mail_server_down_shows_the_same_page_and_loses_no_email(
        client, prescriber, settings):
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    FlakyBackend.failures_left = 3
    prescriber.email = "doctor@htc.example"
    user_save(prescriber, by=None)
    page = client.post(reverse("password_reset"), {"email": "doctor@htc.example"},
                       follow=True)
    assert page.status_code == 200
    assert "Check your email" in page.content.decode()
    job = Delivery.objects.get(user=prescriber)
    for attempt in (1, 2, 3):
        delivery.drain()
        job.refresh_from_db()
        assert (job.attempts, job.done_at) == (attempt, None)
        make_due(job)
    delivery.drain()
    delivery.drain()
    [message] = mail.outbox  # sent once, when the server is back
    assert message.to == ["doctor@htc.example"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form = client.get(link, follow=True)  # its token, made when sent, works
    assert "Choose a new password" in form.content.decode()
