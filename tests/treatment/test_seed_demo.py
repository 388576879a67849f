import pytest
from django.core.management import call_command
from django.utils import timezone

from authorizations.models import AuthorizationStatus, FollowUp

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_treated_request_with_follow_ups_in_every_state(settings,
                                                                          monkeypatch):
    settings.DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password-1")
    call_command("seed_demo")
    fus = list(FollowUp.objects.select_related("authorization").order_by("number"))
    assert len(fus) == 10
    assert fus[0].authorization.status == AuthorizationStatus.ADMINISTERED
    today = timezone.localdate()
    assert [f.state_on(today) for f in fus[:5]] == ["submitted", "waived", "overdue", "due",
                                                    "upcoming"]
