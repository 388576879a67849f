from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from authorizations.models import AuditEvent, AuthorizationStatus, FollowUp

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


def test_the_treated_demo_request_happened_when_its_authorization_says(settings, monkeypatch):
    """Its request, timeline and follow-ups are dated on the days they happened
    (about two years ago), not on the day the demo was seeded."""
    settings.DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password-1")
    call_command("seed_demo")
    first = FollowUp.objects.select_related("authorization__request").get(number=1)
    auth = first.authorization
    req = auth.request
    assert timezone.localdate(req.submitted_at) == auth.start_date
    assert timezone.localdate(req.created_at) == auth.start_date
    assert (timezone.localdate() - auth.start_date).days == 747
    events = AuditEvent.objects.filter(object_type="AuthorizationRequest",
                                       object_id=str(req.pk))
    assert events.filter(action="issue_letter").exists()  # its letter, that day
    assert all(timezone.localdate(e.at) == auth.start_date for e in events)
    assert timezone.localdate(first.submitted_at) == first.due_on + timedelta(days=1)
