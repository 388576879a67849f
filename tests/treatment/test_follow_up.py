"""Follow-up assessments: draft, submit once, append-only after; waivers;
reminders without patient data; and follow-up never changes an
authorization or a decision."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from authorizations.letters import delivery
from authorizations.models import (
    Authorization,
    Determination,
    FollowUp,
    FollowUpReminder,
    FollowUpStatus,
)
from authorizations.treatment.services import TreatmentError, followup_save, followup_waive
from tests.factories import login
from tests.phi import phi_in
from tests.treatment.helpers import today

pytestmark = pytest.mark.django_db

ANSWERS = {"fix_activity": "<1 %", "fix_test_date": "", "bleeds_total": "2",
           "bleeds_treated": "1", "factor_ix_iu": "3000", "inhibitor_tested": "yes",
           "inhibitor_bu": "<0.5", "inhibitor_test_date": "", "prophylaxis": "no",
           "alt_corticosteroids": "no", "note": "Doing well"}


def filled(**changes):
    day = f"{today():%m/%d/%Y}"
    return {**ANSWERS, "fix_test_date": day, "inhibitor_test_date": day, **changes}


def snapshot(req):
    auth = Authorization.objects.get(request=req)
    return ([(a.status, a.start_date, a.end_date, a.member_key) for a in [auth]],
            list(Determination.objects.filter(request=req).values()),
            req.__class__.objects.filter(pk=req.pk).values("status", "outcome", "unmet",
                                                            "answers").get())


def test_draft_then_submit_once(infused, prescriber, client):
    req = infused("FU-1")
    url = reverse("follow_up", args=[req.pk, 1])
    login(client, prescriber)
    response = client.post(url, {**ANSWERS, "save": "1"})
    assert response.status_code == 302
    fu = FollowUp.objects.get(authorization=req.authorization, number=1)
    assert fu.status == FollowUpStatus.OPEN and fu.answers["fix_activity"] == "<1"
    # A submission needs every answer; errors name the field and keep the typing.
    response = client.post(url, {**ANSWERS, "submit": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date of the factor IX activity test" in page and "Doing well" in page
    assert client.post(url, {**filled(), "submit": "1"}).status_code == 302
    fu.refresh_from_db()
    assert fu.status == FollowUpStatus.SUBMITTED and fu.answers["bleeds_total"] == 2
    # Append-only after: the service refuses, the page says so.
    with pytest.raises(TreatmentError, match="submitted"):
        followup_save(by=prescriber, follow_up=fu, answers={})
    response = client.post(url, {**filled(note="changed"), "submit": "1"}, follow=True)
    assert "cannot be changed" in response.content.decode()
    fu.refresh_from_db()
    assert fu.answers["note"] == "Doing well"
    assert "Doing well" in client.get(url).content.decode()


def test_treated_cannot_exceed_total(infused, prescriber, client):
    req = infused("FU-2")
    response = login(client, prescriber).post(
        reverse("follow_up", args=[req.pk, 1]),
        {**filled(bleeds_total="1", bleeds_treated="3"), "submit": "1"})
    assert "cannot be more than the number of episodes" in response.content.decode()


def test_follow_up_never_changes_the_authorization_or_decision(infused, prescriber, reviewer,
                                                               client):
    req = infused("FU-3")
    before = snapshot(req)
    login(client, prescriber)
    client.post(reverse("follow_up", args=[req.pk, 1]), {**filled(), "submit": "1"})
    client.post(reverse("follow_up", args=[req.pk, 2]), {**ANSWERS, "save": "1"})
    followup_waive(by=reviewer, follow_up=FollowUp.objects.get(number=3),
                   reason="Moved away")
    call_command("send_followup_reminders", "--as-of",
                 (today() + timedelta(days=400)).isoformat(), stdout=io.StringIO())
    assert snapshot(req) == before


def test_waiving_needs_a_reviewer_and_a_reason(infused, prescriber, reviewer):
    req = infused("FU-4")
    fu = FollowUp.objects.get(authorization=req.authorization, number=1)
    with pytest.raises(TreatmentError, match="reviewer"):
        followup_waive(by=prescriber, follow_up=fu, reason="x")
    with pytest.raises(TreatmentError, match="reason"):
        followup_waive(by=reviewer, follow_up=fu, reason="")
    followup_waive(by=reviewer, follow_up=fu, reason="Lost to follow-up")
    fu.refresh_from_db()
    assert fu.state_on(today()) == "waived"


def test_reminders_once_per_state_without_patient_data(infused, prescriber):
    req = infused("FU-5")
    delivery.drain()  # the approval's letter and notice (to nobody yet), out of the way
    prescriber.email = "doc@example.org"
    prescriber.save()
    first = FollowUp.objects.get(authorization=req.authorization, number=1)
    due_day = first.due_on - timedelta(days=10)
    out = io.StringIO()
    call_command("send_followup_reminders", "--as-of", due_day.isoformat(),
                 "--base-url", "https://pa.example.org", stdout=out)
    assert mail.outbox == []  # queued in the outbox: the worker sends it
    delivery.drain()
    call_command("send_followup_reminders", "--as-of", due_day.isoformat(), stdout=out)
    delivery.drain()
    assert len(mail.outbox) == 1
    assert FollowUpReminder.objects.filter(follow_up=first, state="due").count() == 1
    overdue_day = first.due_on + timedelta(days=61)
    call_command("send_followup_reminders", "--as-of", overdue_day.isoformat(), stdout=out)
    call_command("send_followup_reminders", "--as-of", overdue_day.isoformat(), stdout=out)
    delivery.drain()
    assert out.getvalue().splitlines() == [
        "1 reminder queued, 0 without an email address",
        "0 reminders queued, 0 without an email address"] * 2
    assert [m.subject.split()[2] for m in mail.outbox] == ["due", "overdue"]
    for message in mail.outbox:
        assert message.to == ["doc@example.org"]
        assert req.number in message.body
        assert f"https://pa.example.org/requests/{req.pk}/follow-ups/1/" in mail.outbox[0].body
        text = message.subject + message.body
        assert not phi_in(text)
        for value in (req.patient_name, req.member_id, req.answers["date_of_birth"],
                      req.answers["patient_last_name"]):
            assert value not in text


def test_dashboard_lists_follow_up_due(infused, prescriber, client, monkeypatch):
    from authorizations.treatment import selectors as treatment_selectors

    req = infused("FU-6")
    first = FollowUp.objects.get(authorization=req.authorization, number=1)
    monkeypatch.setattr(treatment_selectors, "today", lambda: first.due_on)
    page = login(client, prescriber).get(reverse("dashboard")).content.decode()
    assert "Follow-up due" in page and reverse("follow_up", args=[req.pk, 1]) in page


def test_schedule_page_lists_ten(infused, prescriber, client):
    req = infused("FU-7")
    page = login(client, prescriber).get(reverse("follow_ups", args=[req.pk])).content.decode()
    assert page.count("Upcoming") == 10


def test_reminder_links_start_with_the_site_url_by_default(infused, prescriber, settings):
    settings.SITE_URL = "https://hemgenix-pa.example.org"
    req = infused("FU-6")
    delivery.drain()  # the approval's letter and notice (to nobody yet), out of the way
    prescriber.email = "doc@example.org"
    prescriber.save()
    first = FollowUp.objects.get(authorization=req.authorization, number=1)
    call_command("send_followup_reminders", "--as-of",
                 (first.due_on - timedelta(days=10)).isoformat(), stdout=io.StringIO())
    delivery.drain()
    assert (f"https://hemgenix-pa.example.org/requests/{req.pk}/follow-ups/1/"
            in mail.outbox[0].body)


@pytest.mark.parametrize("typed", ["1e30", "1e30 IU/mL", "3 IU/mL"])
def test_a_lab_value_out_of_range_after_conversion_is_refused_and_the_page_still_opens(
        infused, prescriber, client, typed):
    # Issue 23 N6: "1e30" was saved unchecked and made the page a 500 on every later visit.
    req = infused("FU-N6")
    url = reverse("follow_up", args=[req.pk, 1])
    login(client, prescriber)
    response = client.post(url, {**ANSWERS, "fix_activity": typed, "save": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "factor IX activity" in page and "less than 200" in page and typed in page
    assert "fix_activity" not in FollowUp.objects.get(authorization=req.authorization,
                                                      number=1).answers
    assert client.get(url).status_code == 200


def test_a_draft_stored_out_of_range_before_the_check_still_opens(infused, prescriber, client):
    req = infused("FU-N6b")
    fu = FollowUp.objects.get(authorization=req.authorization, number=1)
    followup_save(by=prescriber, follow_up=fu, answers={"fix_activity": "1e30", "note": "kept"})
    url = reverse("follow_up", args=[req.pk, 1])
    login(client, prescriber)
    response = client.get(url)
    assert response.status_code == 200 and "kept" in response.content.decode()
    response = client.post(url, {**ANSWERS, "fix_activity": "1e30", "save": "1"})
    assert response.status_code == 200 and "less than 200" in response.content.decode()
