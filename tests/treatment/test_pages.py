"""The prescriber's cancel page, the request page's state and the export."""

import json

import pytest
from django.urls import reverse

from authorizations.models import AuthorizationStatus
from tests.factories import login

pytestmark = pytest.mark.django_db


def test_prescriber_cancels_with_a_reason(approve, prescriber, client):
    req = approve("PG-1")
    url = reverse("authorization_cancel", args=[req.pk])
    login(client, prescriber)
    assert "Record the infusion" in client.get(reverse("request_detail",
                                                       args=[req.pk])).content.decode()
    page = client.post(url, {"reason": ""}).content.decode()
    assert "Enter the reason for cancelling" in page
    response = client.post(url, {"reason": "Infusion postponed"})
    assert response.status_code == 302
    req.authorization.refresh_from_db()
    assert req.authorization.status == AuthorizationStatus.CANCELLED
    detail = client.get(reverse("request_detail", args=[req.pk])).content.decode()
    assert "Cancelled" in detail
    assert "no longer be cancelled" in client.get(url).content.decode()


def test_export_has_infusion_and_follow_ups(infused, prescriber, client):
    req = infused("PG-2")
    data = json.loads(login(client, prescriber).get(
        reverse("request_export", args=[req.pk])).content)
    assert data["authorization"]["status"] == "administered"
    assert data["infusion"]["lots"] == ["L123", "L124"]
    assert data["infusion"]["dose_gc_per_kg"] == 2 * 10**13
    assert len(data["follow_ups"]) == 10
    assert data["follow_ups"][0] == {"number": 1, "due_date": data["follow_ups"][0]["due_date"],
                                     "state": "upcoming"}
