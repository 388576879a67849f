import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest

from authorizations.core.access import is_reviewer
from authorizations.models import HTC, PrescriberProfile

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-demo-password-1"


def test_refuses_with_debug_off(settings, monkeypatch):
    settings.DEMO = False
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="local use only"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.parametrize("password", [None, "short"])
def test_refuses_without_a_long_password(settings, monkeypatch, password):
    settings.DEMO = True
    if password is None:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DEMO_PASSWORD", password)
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo")


def test_creates_the_accounts_once(settings, monkeypatch):
    settings.DEMO = True
    HTC.objects.all().delete()
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("seed_demo")
    assert HTC.objects.count() > 2  # directory loaded
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD + "x")
    call_command("seed_demo")
    assert User.objects.count() == 5  # two prescribers, three reviewers (appeals, two keys)
    one = PrescriberProfile.objects.get(user__username="demo-prescriber")
    two = PrescriberProfile.objects.get(user__username="demo-prescriber-2")
    assert one.htc != two.htc
    reviewer = User.objects.get(username="demo-reviewer")
    assert reviewer.is_staff and is_reviewer(reviewer) and reviewer.reviewer.credentials
    assert authenticate(HttpRequest(), username="demo-prescriber", password=PASSWORD + "x")


def test_demo_requests_fill_the_dashboard_and_the_queue_once(settings, monkeypatch):
    from authorizations.models import AuthorizationRequest

    settings.DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("seed_demo")
    call_command("seed_demo")  # again: no second set
    mine = AuthorizationRequest.objects.filter(prescriber__username="demo-prescriber")
    # The second approved one was infused (see tests/treatment/test_seed_demo.py); the
    # denied one is appealed (tests/appeals/test_seed_demo.py).
    assert sorted(mine.values_list("status", flat=True)) == [
        "approved", "approved", "denied", "draft", "information_requested", "pending_review",
        "pending_review", "pending_review", "pending_review"]
    # Version 3: one meets every criterion but its inhibitor screen and liver panel
    # are 45 days old, so a reviewer sees it, told which results and how old.
    stale = mine.get(member_key="DEMOSTALE01")
    assert (stale.status, stale.outcome, stale.unmet, stale.review_flags) == (
        "pending_review", "meets_criteria", [], ["evidence_not_recent"])
    assert [(r["key"], r["days"]) for r in stale.review_flag_reasons] == [
        ("inhibitor_screen_date", 45), ("liver_tests_date", 45)]
    assert mine.get(member_key="DEMO4471902").review_flags == []  # the approved one
    # One meets every criterion but was submitted without the two reports the
    # policy asks for: a reviewer sees it, told which documents are missing.
    no_docs = mine.get(member_key="DEMONODOCS01")
    assert (no_docs.status, no_docs.outcome, no_docs.unmet, no_docs.review_flags) == (
        "pending_review", "meets_criteria", [], ["documentation_missing"])
    assert no_docs.documents.count() == 0
    assert "No factor IX lab report and no AAV5 antibody report are attached" in \
        no_docs.review_flag_reasons[0]["text"]
    pending = (mine.filter(status="pending_review").exclude(pk__in=[stale.pk, no_docs.pk])
               .order_by("id"))
    assert pending[0].unmet == ["aav5_antibodies", "hepatitis_b"]
    # Answered with a new titer (1:450): only hepatitis B is left, a response to read,
    # with a peer-to-peer discussion asked for.
    answered = pending[1]
    assert answered.unmet == ["hepatitis_b"] and answered.answer_versions.count() == 2
    assert answered.information_requests.get().responded_at is not None
    assert answered.peer_to_peers.get().requested_by_prescriber
    waiting = mine.get(status="information_requested")
    assert waiting.information_requests.get().criteria == ["hepatitis_b"]
    assert mine.get(status="draft").wizard_step == "diagnosis"
