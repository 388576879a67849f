"""Issue 20: peer-to-peer times are stored with their time zone and shown in
the viewer's, the zone named. A prescriber at a Los Angeles HTC types 10:00;
a reviewer in Chicago reads 12:00 PM CST, one with no zone set (the service's,
New York) 1:00 PM EST, and the prescriber reads 10:00 AM PST."""

from datetime import datetime, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from authorizations.accounts.directory import htc_save, reviewer_profile_save
from authorizations.core import zones
from authorizations.core.formats import letter_datetime
from authorizations.models import ReviewerProfile
from tests.cases import AS_OF
from tests.factories import login, make_reviewer

pytestmark = pytest.mark.django_db
DAY = AS_OF + timedelta(days=3)  # December: standard time on both coasts
ADMIN_PAGE = "admin:authorizations_authorizationrequest_change"


@pytest.fixture
def in_los_angeles(prescriber):
    htc = prescriber.prescriber.htc
    htc.time_zone = "America/Los_Angeles"
    return htc_save(htc, by=None)


@pytest.fixture
def chicago_reviewer(db):
    user = make_reviewer("chicago-reviewer")
    profile = ReviewerProfile.objects.get(user=user)
    profile.time_zone = "America/Chicago"
    reviewer_profile_save(profile, by=None)
    return user


def text(client, user, url) -> str:
    page = login(client, user).get(url)
    assert page.status_code == 200
    return " ".join(unescape(strip_tags(page.content.decode())).split())


def test_a_time_typed_by_the_prescriber_is_stored_with_the_htcs_zone_and_read_in_each_viewers(
        client, prescriber, reviewer, chicago_reviewer, pending, in_los_angeles):
    form = text(client, prescriber, reverse("request_peer_to_peer", args=[pending.pk]))
    assert "In your HTC's time zone: Pacific time." in form
    response = client.post(reverse("request_peer_to_peer", args=[pending.pk]),
                           {"time_1": f"{DAY.isoformat()}T10:00", "note": ""})
    assert response.status_code == 302
    p2p = pending.peer_to_peers.get()
    assert p2p.time_zone == "America/Los_Angeles"
    assert p2p.offered_times == [f"{DAY.isoformat()}T10:00:00-08:00"]

    day = f"{DAY:%B} {DAY.day}, {DAY.year}"
    assert f"{day}, 10:00 AM PST" in text(client, prescriber,
                                          reverse("request_detail", args=[pending.pk]))
    admin_url = reverse(ADMIN_PAGE, args=[pending.pk])
    assert f"{day}, 12:00 PM CST" in text(client, chicago_reviewer, admin_url)
    assert f"{day}, 1:00 PM EST" in text(client, reviewer, admin_url)


def test_the_reviewer_schedules_and_records_in_their_own_zone(
        client, prescriber, chicago_reviewer, pending, in_los_angeles):
    admin_url = reverse(ADMIN_PAGE, args=[pending.pk])
    assert "First time offered (Central time)" in text(client, chicago_reviewer, admin_url)
    p2p_url = reverse("admin:authorizations_authorizationrequest_peer_to_peer",
                      args=[pending.pk])
    client.post(p2p_url, {"action": "offer", "time_1": f"{DAY.isoformat()}T09:30"})
    p2p = pending.peer_to_peers.get()
    # 9:30 in Chicago is 7:30 at the HTC: stored in the HTC's zone.
    assert p2p.offered_times == [f"{DAY.isoformat()}T07:30:00-08:00"]
    # The radio button's value is the time in the reviewer's zone, offset included.
    page = login(client, chicago_reviewer).get(admin_url).content.decode()
    assert f'value="{DAY.isoformat()}T09:30:00-06:00"' in page
    client.post(p2p_url, {"action": "schedule",
                          "scheduled_at": f"{DAY.isoformat()}T09:30:00-06:00"})
    p2p.refresh_from_db()
    assert p2p.scheduled_at == datetime.fromisoformat(f"{DAY.isoformat()}T15:30:00+00:00")
    day = f"{DAY:%B} {DAY.day}, {DAY.year}"
    assert f"{day}, 7:30 AM PST" in text(client, prescriber,
                                         reverse("request_detail", args=[pending.pk]))


def test_service_dates_and_letters_keep_the_services_zone_whoever_looks():
    # 11:30 PM in Los Angeles on the 27th is already the 28th in New York.
    late = datetime.fromisoformat(f"{AS_OF.isoformat()}T23:30:00-08:00")
    with timezone.override("America/Los_Angeles"):
        assert zones.service_date(late) == AS_OF + timedelta(days=1)
        assert zones.today() == timezone.localdate(timezone=timezone.get_default_timezone())
        assert letter_datetime(late).endswith("at 2:30 a.m. EST")
        assert zones.zone_words() == "Pacific time"
