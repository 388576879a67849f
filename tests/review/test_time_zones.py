"""Issue 20: peer-to-peer times are stored with their time zone and shown in
the viewer's, the zone named. A prescriber at a Los Angeles HTC types 10:00;
a reviewer in Chicago reads 12:00 PM CST, one with no zone set (the service's,
New York) 1:00 PM EST, and the prescriber reads 10:00 AM PST."""

from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

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
# Three days after AS_OF: the offsets and zone names below are that day's
# (standard time on 2026-11-30, daylight time in March).
DAY = AS_OF + timedelta(days=3)
LOS_ANGELES, CHICAGO, NEW_YORK = (ZoneInfo(f"America/{city}")
                                  for city in ("Los_Angeles", "Chicago", "New_York"))
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


def at(hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(DAY, time(hour, minute), tzinfo=zone)


def shown(moment: datetime, zone: ZoneInfo) -> str:
    """As the pages show a time: 10:00 AM PST."""
    local = moment.astimezone(zone)
    return f"{local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'} " \
           f"{local.tzname()}"


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
    typed = at(10, 0, LOS_ANGELES)
    assert p2p.offered_times == [typed.isoformat()]  # 2026-11-30T10:00:00-08:00

    day = f"{DAY:%B} {DAY.day}, {DAY.year}"
    assert f"{day}, {shown(typed, LOS_ANGELES)}" in text(  # 10:00 AM PST
        client, prescriber, reverse("request_detail", args=[pending.pk]))
    admin_url = reverse(ADMIN_PAGE, args=[pending.pk])
    assert f"{day}, {shown(typed, CHICAGO)}" in text(  # 12:00 PM CST
        client, chicago_reviewer, admin_url)
    assert f"{day}, {shown(typed, NEW_YORK)}" in text(client, reviewer, admin_url)  # 1:00 PM


def test_the_reviewer_schedules_and_records_in_their_own_zone(
        client, prescriber, chicago_reviewer, pending, in_los_angeles):
    admin_url = reverse(ADMIN_PAGE, args=[pending.pk])
    assert "First time offered (Central time)" in text(client, chicago_reviewer, admin_url)
    p2p_url = reverse("admin:authorizations_authorizationrequest_peer_to_peer",
                      args=[pending.pk])
    client.post(p2p_url, {"action": "offer", "time_1": f"{DAY.isoformat()}T09:30"})
    p2p = pending.peer_to_peers.get()
    # 9:30 in Chicago is 7:30 at the HTC: stored in the HTC's zone.
    typed = at(9, 30, CHICAGO)
    assert p2p.offered_times == [typed.astimezone(LOS_ANGELES).isoformat()]  # T07:30:00-08:00
    # The radio button's value is the time in the reviewer's zone, offset included.
    page = login(client, chicago_reviewer).get(admin_url).content.decode()
    assert f'value="{typed.isoformat()}"' in page  # T09:30:00-06:00
    client.post(p2p_url, {"action": "schedule", "scheduled_at": typed.isoformat()})
    p2p.refresh_from_db()
    assert p2p.scheduled_at == typed  # 15:30 UTC in standard time
    day = f"{DAY:%B} {DAY.day}, {DAY.year}"
    assert f"{day}, {shown(typed, LOS_ANGELES)}" in text(  # 7:30 AM PST
        client, prescriber, reverse("request_detail", args=[pending.pk]))


def test_service_dates_and_letters_keep_the_services_zone_whoever_looks():
    # 11:30 PM in Los Angeles on the 27th is already the 28th in New York.
    late = datetime.combine(AS_OF, time(23, 30), tzinfo=LOS_ANGELES)
    in_new_york = late.astimezone(NEW_YORK)  # 2:30 a.m. EST
    with timezone.override("America/Los_Angeles"):
        assert zones.service_date(late) == AS_OF + timedelta(days=1)
        assert zones.today() == timezone.localdate(timezone=timezone.get_default_timezone())
        assert letter_datetime(late).endswith(
            f"at {in_new_york.hour}:{in_new_york:%M} a.m. {in_new_york.tzname()}")
        assert zones.zone_words() == "Pacific time"


def fall_back_night(zone: ZoneInfo, step: int) -> date:
    """The night 01:30 happens twice in `zone`: the first after AS_OF
    (step 1) or the last before it (step -1)."""
    day = AS_OF + timedelta(days=step)
    while True:
        first = datetime.combine(day, time(1, 30), tzinfo=zone)
        if first.utcoffset() != first.replace(fold=1).utcoffset():
            return day
        day += timedelta(days=step)


def repeated(day: date, zone: ZoneInfo, fold: int) -> datetime:
    """01:30 of `day` in `zone`: fold 0 the first (daylight time), 1 the second;
    in UTC, as (PEP 495) a repeated wall time never equals another zone's."""
    return datetime.combine(day, time(1, 30), tzinfo=zone).replace(fold=fold).astimezone(UTC)


@pytest.fixture
def in_new_york(prescriber):
    htc = prescriber.prescriber.htc
    htc.time_zone = "America/New_York"
    return htc_save(htc, by=None)


def test_a_time_the_prescriber_offers_in_the_repeated_hour_is_the_later_one(
        client, prescriber, pending, in_new_york):
    # An appointment: whoever goes by the first 01:30 waits; nobody comes late.
    night = fall_back_night(NEW_YORK, 1)
    response = login(client, prescriber).post(
        reverse("request_peer_to_peer", args=[pending.pk]),
        {"time_1": f"{night.isoformat()}T01:30", "note": ""})
    assert response.status_code == 302
    later = repeated(night, NEW_YORK, 1)
    assert pending.peer_to_peers.get().offered_times == [
        later.astimezone(NEW_YORK).isoformat()]  # T01:30:00-05:00
    day = f"{night:%B} {night.day}, {night.year}"
    # The zone is named even in the hour that happens twice (Django's own
    # `T` writes nothing there; core/formats.page_datetime does).
    assert f"{day}, 1:30 AM EST Not yet" in text(
        client, prescriber, reverse("request_detail", args=[pending.pk]))


def test_the_reviewer_offers_the_later_and_records_the_earlier_of_a_repeated_hour(
        client, reviewer, pending):
    # The reviewer has no zone of their own: the service's, New York.
    p2p_url = reverse("admin:authorizations_authorizationrequest_peer_to_peer",
                      args=[pending.pk])
    admin_url = reverse(ADMIN_PAGE, args=[pending.pk])
    ahead = fall_back_night(NEW_YORK, 1)
    login(client, reviewer).post(p2p_url, {"action": "offer",
                                           "time_1": f"{ahead.isoformat()}T01:30"})
    p2p = pending.peer_to_peers.get()
    offered = repeated(ahead, NEW_YORK, 1)
    assert [datetime.fromisoformat(t) for t in p2p.offered_times] == [offered]
    client.post(p2p_url, {"action": "schedule", "scheduled_at": offered.isoformat()})
    p2p.refresh_from_db()
    assert p2p.scheduled_at == offered

    # Held: a record of what happened, the earlier 01:30 (daylight time).
    past = fall_back_night(NEW_YORK, -1)
    client.post(p2p_url, {"action": "record", "held_at": f"{past.isoformat()}T01:30",
                          "notes": "Discussed the inhibitor history."})
    p2p.refresh_from_db()
    held = repeated(past, NEW_YORK, 0)
    assert p2p.held_at == held and held.astimezone(NEW_YORK).tzname() == "EDT"
    assert f"Held {past:%B} {past.day}, {past.year}, 1:30 AM EDT" in text(
        client, reviewer, admin_url)


def test_a_time_the_form_refuses_is_named_and_nothing_is_recorded(client, reviewer, pending):
    p2p_url = reverse("admin:authorizations_authorizationrequest_peer_to_peer",
                      args=[pending.pk])
    admin_url = reverse(ADMIN_PAGE, args=[pending.pk])
    login(client, reviewer).post(p2p_url, {"action": "offer",
                                           "time_1": f"{(DAY + timedelta(days=1))}T10:00"})
    response = client.post(p2p_url, {"action": "record", "held_at": "yesterday at ten",
                                      "notes": "Discussed."}, follow=True)
    assert "Nothing was recorded: Held at (Eastern time): Enter a valid date/time." in \
        " ".join(unescape(strip_tags(response.content.decode())).split())
    assert pending.peer_to_peers.get().held_at is None
    response = client.post(p2p_url, {"action": "offer", "time_1": "2099-02-30T10:00"},
                           follow=True)
    assert "Nothing was recorded: First time offered (Eastern time): Enter a valid " \
        "date/time." in " ".join(unescape(strip_tags(response.content.decode())).split())
    assert pending.peer_to_peers.count() == 1
    assert client.get(admin_url).status_code == 200
