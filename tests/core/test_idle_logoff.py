"""The idle logoff: a session ends 15 minutes after the last page (renewed at
most once a minute, core/sessions.py), the draft survives it, the timeout
warning counts from what is left, and "Stay signed in" restarts the clock."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from authorizations.core.sessions import UserSession as Session
from authorizations.requests.services import request_create, request_save_draft
from tests.factories import PASSWORD, sign_in
from tests.phi import PATIENT

pytestmark = pytest.mark.django_db



def idle_for(client, seconds: int) -> None:
    """As if the last request was `seconds` ago: move the session's expiry back."""
    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date -= timedelta(seconds=seconds)
    session.save()


def seconds_left(client) -> float:
    session = Session.objects.get(session_key=client.session.session_key)
    return (session.expire_date - timezone.now()).total_seconds()


def test_idle_logoff_after_the_idle_time_and_the_draft_survives(client, prescriber):
    idle = django_settings.SESSION_IDLE_SECONDS
    assert idle == 15 * 60  # the default the README promises
    assert sign_in(client, "prescriber").status_code == 302
    draft = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=draft, answers=dict(PATIENT),
                       step="liver")
    assert client.get("/requests/").status_code == 200
    assert idle - 5 < seconds_left(client) <= idle

    # Active a minute before the limit: still signed in, and the clock restarts.
    idle_for(client, idle - 60)
    assert seconds_left(client) <= 60
    assert client.get("/requests/").status_code == 200
    assert seconds_left(client) > idle - 5

    # Idle past the limit: signed out, sent to sign in, back to the same page after.
    idle_for(client, idle + 1)
    response = client.get("/requests/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/requests/"
    response = client.get(f"/requests/{draft.pk}/edit/")
    assert response["Location"].startswith("/accounts/login/")

    response = client.post("/accounts/login/?next=/requests/",
                           {"username": "prescriber", "password": PASSWORD,
                            "next": "/requests/"})
    assert response["Location"] == "/requests/"
    dashboard = client.get("/requests/").content.decode()
    assert draft.number in dashboard
    assert "Thistlewood" in dashboard
    # And it resumes where it was left.
    resumed = client.get(f"/requests/{draft.pk}/edit/")
    # The step after the last one saved (liver).
    assert resumed["Location"] == f"/requests/{draft.pk}/edit/viral/"
    step = client.get(resumed["Location"])
    assert step.status_code == 200


def test_the_idle_clock_is_renewed_once_a_minute_not_on_every_page(client, prescriber):
    """Pages within a minute of the last renewal write nothing (no UPDATE, no
    cookie); the first page after it moves the expiry to 15 minutes from now.
    So the session never outlives 15 minutes after the last page."""
    idle = django_settings.SESSION_IDLE_SECONDS
    renew = django_settings.SESSION_RENEW_SECONDS
    assert renew == 60
    assert sign_in(client, "prescriber").status_code == 302
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date

    page = client.get("/requests/")
    assert page.status_code == 200
    assert django_settings.SESSION_COOKIE_NAME not in page.cookies
    assert Session.objects.get(session_key=key).expire_date == expiry

    idle_for(client, renew - 5)  # renewed 55 seconds ago: still nothing written
    assert client.get("/requests/").status_code == 200
    assert idle - renew < seconds_left(client) <= idle - renew + 6

    # The page's timeout warning counts from what is left, not the full limit.
    page = client.get("/requests/")
    warned = int(re.search(r'data-idle-seconds="(\d+)"', page.content.decode()).group(1))
    assert idle - renew - 2 <= warned <= idle - renew + 6

    idle_for(client, 10)  # 65 seconds ago: this page renews it
    page = client.get("/requests/")
    assert page.status_code == 200 and django_settings.SESSION_COOKIE_NAME in page.cookies
    assert idle - 5 < seconds_left(client) <= idle
    assert f'data-idle-seconds="{idle}"' in page.content.decode()

    # "Stay signed in" restarts the clock whenever it is pressed.
    idle_for(client, 20)
    assert client.post("/session/keepalive/").status_code == 204
    assert idle - 5 < seconds_left(client) <= idle


def test_session_cookie_is_http_only_and_ends_with_the_browser(client, prescriber):
    response = sign_in(client, "prescriber")
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]


def test_a_step_posted_after_the_idle_logoff_asks_to_sign_in_and_keeps_the_draft(
        client, prescriber):
    from tests.walker import Walker, step_post_data

    assert sign_in(client, "prescriber").status_code == 302
    walker = Walker(client)
    walker.walk_to("aav5", dict(PATIENT))
    saved = dict(walker.request().answers)
    idle_for(client, django_settings.SESSION_IDLE_SECONDS + 1)

    step_url = f"/requests/{walker.pk}/edit/aav5/"
    data = step_post_data("aav5", PATIENT, prefix=walker.prefix)
    response = client.post(step_url, data)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={step_url}"
    assert walker.request().answers == saved

    response = client.post(response["Location"], {"username": "prescriber",
                                                  "password": PASSWORD, "next": step_url})
    assert response["Location"] == step_url
    page = client.get(step_url)
    assert page.status_code == 200
    assert page.context["wizard"]["steps"].current == "aav5"


def test_stay_signed_in_restarts_the_idle_clock(client, prescriber):
    from tests.factories import login

    login(client, prescriber)
    page = client.get("/requests/").content.decode()
    assert 'data-timeout-warning' in page
    # Signed in a moment ago: the warning counts from what is left of 900 s.
    assert 895 <= int(re.search(r'data-idle-seconds="(\d+)"', page).group(1)) <= 900
    assert "signed out after 15 minutes without activity" in " ".join(page.split())
    assert client.get("/session/keepalive/").status_code == 405
    assert client.post("/session/keepalive/").status_code == 204
    client.logout()
    assert client.post("/session/keepalive/").status_code == 302
