"""The reviewer's side: the request page shows the treatment; cancel, correct
and waive post to their admin URLs and write through the services."""

from datetime import timedelta

import pytest
from django.urls import reverse

from authorizations.models import AuthorizationStatus, FollowUp, FollowUpStatus, Infusion
from tests.factories import login
from tests.treatment.helpers import today

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"admin:authorizations_authorizationrequest_{name}", args=args)


def test_reviewer_cancels_from_the_request_page(approve, reviewer, client):
    req = approve("ADM-1")
    login(client, reviewer)
    page = client.get(admin_url("change", req.pk)).content.decode()
    assert "Cancel this authorization" in page
    client.post(admin_url("cancel", req.pk), {"reason": ""})
    req.authorization.refresh_from_db()
    assert req.authorization.status == AuthorizationStatus.ACTIVE
    client.post(admin_url("cancel", req.pk), {"reason": "Duplicate member record"})
    req.authorization.refresh_from_db()
    assert req.authorization.status == AuthorizationStatus.CANCELLED


def test_reviewer_sees_infusion_and_waives_and_corrects(infused, reviewer, client):
    req = infused("ADM-2")
    login(client, reviewer)
    page = client.get(admin_url("change", req.pk)).content.decode()
    assert "L123, L124" in page and "Upcoming" in page
    client.post(admin_url("waive", req.pk, 2), {"reason": "Moved abroad"})
    assert FollowUp.objects.get(number=2).status == FollowUpStatus.WAIVED
    client.post(admin_url("correct", req.pk), {"reason": "Lot typo", "lots": "L777"})
    assert Infusion.objects.count() == 2
    assert Infusion.objects.get(version=2).lots == ["L777"]
    listing = client.get(reverse("admin:authorizations_followup_changelist") +
                         "?state=waived").content.decode()
    assert "Follow-up 2 of" in listing and "Follow-up 1 of" not in listing


def test_follow_up_list_puts_overdue_first(infused, reviewer, client, monkeypatch):
    from authorizations import selectors_treatment

    infused("ADM-3")
    last = FollowUp.objects.order_by("-number").first()
    monkeypatch.setattr(selectors_treatment, "today",
                        lambda: FollowUp.objects.get(number=3).due_on + timedelta(days=61))
    page = login(client, reviewer).get(
        reverse("admin:authorizations_followup_changelist")).content.decode()
    assert page.index("Follow-up 1 of") < page.index("Follow-up 4 of") < \
        page.index(f"Follow-up {last.number} of")
    assert "Overdue" in page and today()


def test_prescribers_cannot_post_to_the_admin(approve, prescriber, client):
    req = approve("ADM-4")
    login(client, prescriber).post(admin_url("cancel", req.pk), {"reason": "x"})
    req.authorization.refresh_from_db()
    assert req.authorization.status == AuthorizationStatus.ACTIVE
