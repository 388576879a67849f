import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from authorizations.appeals.services import appeal_conflict
from authorizations.core import access
from authorizations.models import Appeal, Status

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_second_reviewer_and_an_open_appeal_for_them(settings, monkeypatch):
    settings.DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password-1")
    call_command("seed_demo")
    appeal = Appeal.objects.select_related("request", "denial__decided_by").get()
    assert appeal.is_open and appeal.request.status == Status.DENIED
    assert appeal.denial.decided_by.username == "demo-reviewer"
    second = User.objects.get(username="demo-reviewer-2")
    assert access.is_reviewer(second) and second.reviewer.credentials
    assert appeal_conflict(second, appeal) == ""
    third = User.objects.get(username="demo-reviewer-3")
    assert access.is_reviewer(third) and appeal_conflict(third, appeal) == ""
