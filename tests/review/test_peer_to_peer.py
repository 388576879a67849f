import pytest
from django.urls import reverse

from authorizations.models import PeerToPeer
from tests.cases import iso

pytestmark = pytest.mark.django_db


def test_a_reviewer_offers_times_then_records_the_discussion(reviewer_client, pending):
    url = reverse("admin:authorizations_authorizationrequest_peer_to_peer", args=[pending.pk])
    change = reverse("admin:authorizations_authorizationrequest_change", args=[pending.pk])
    empty = reviewer_client.post(url, {"action": "offer"}, follow=True)
    assert "First time offered: Offer at least one time" in empty.content.decode()
    reviewer_client.post(url, {"action": "offer", "time_1": "2099-01-02T09:00",
                               "time_2": "2099-01-02T14:00"})
    p2p = PeerToPeer.objects.get(request=pending)
    assert len(p2p.offered_times) == 2
    reviewer_client.post(url, {"action": "record", "held_at": f"{iso(-1)}T09:00",
                               "notes": "Discussed counseling."})
    p2p.refresh_from_db()
    assert p2p.held_at and p2p.notes == "Discussed counseling."
    html = reviewer_client.get(change).content.decode()
    assert "Peer-to-peer times offered" in html and "Peer-to-peer discussion held" in html
    assert "Discussed counseling." in html


def test_a_discussion_cannot_be_recorded_as_held_in_the_future(reviewer_client, pending):
    url = reverse("admin:authorizations_authorizationrequest_peer_to_peer", args=[pending.pk])
    reviewer_client.post(url, {"action": "offer", "time_1": f"{iso(1)}T09:00"})
    page = reviewer_client.post(url, {"action": "record", "held_at": f"{iso(1)}T09:00",
                                      "notes": "Discussed counseling."}, follow=True)
    assert "Nothing was recorded: Held at / Outcome / What was discussed: The time it was " \
           "held is later than now; enter when the discussion took place." in \
           page.content.decode()
    p2p = PeerToPeer.objects.get(request=pending)
    assert p2p.held_at is None and p2p.notes == ""
