"""The service's icon: every page (the site's and the admin's) links the SVG
in static/, and /favicon.ico, which browsers ask for whatever a page links,
is a file WhiteNoise serves before Django sees the request. A 404 leaves an
unchanged session alone (core/middleware.SessionMiddleware): a browser's
request for a missing file after a page had loaded saved the session beside
the page's own work."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import HttpResponseNotFound

from authorizations.core.middleware import SessionMiddleware
from authorizations.core.sessions import UserSession as Session
from tests.factories import login

pytestmark = pytest.mark.django_db
ICON_LINK = re.compile(r'<link rel="icon" href="(/static/[^"]+\.svg)" type="image/svg\+xml">')


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_the_site_and_the_admin_link_the_icon_from_static(client, path):
    links = ICON_LINK.findall(client.get(path).content.decode())
    assert len(links) == 1, path
    icon = client.get(links[0])
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
    assert body(icon).startswith(b"<svg")


def test_the_admins_own_pages_link_the_icon_too(client, reviewer):
    login(client, reviewer)
    for path in ("/admin/", "/admin/authorizations/authorizationrequest/",
                 "/admin/password_change/"):
        assert len(ICON_LINK.findall(client.get(path).content.decode())) == 1, path


def test_favicon_ico_is_a_file_that_never_reaches_django(client, reviewer):
    login(client, reviewer)
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert body(response)[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    # Django's views and the session never ran: no session saved, no cookie
    # renewed, and WhiteNoise's caching instead of a signed-in page's no-store.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "max-age=" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_a_404_does_not_save_the_session_a_page_does(client, reviewer):
    login(client, reviewer)
    key = client.session.session_key
    # As if the session was last renewed two minutes ago: a page renews it now.
    expiry = Session.objects.get(pk=key).expire_date - timedelta(minutes=2)
    Session.objects.filter(pk=key).update(expire_date=expiry.replace(microsecond=0))
    missing = client.get("/static/no-such-file.js.map")
    assert missing.status_code == 404
    assert settings.SESSION_COOKIE_NAME not in missing.cookies
    assert missing["Vary"] == "Cookie"  # it read the session: not for a shared cache
    assert Session.objects.get(pk=key).expire_date == expiry.replace(microsecond=0)

    page = client.get("/admin/")
    assert page.status_code == 200 and settings.SESSION_COOKIE_NAME in page.cookies
    assert Session.objects.get(pk=key).expire_date != expiry.replace(microsecond=0)


def test_a_404_that_changes_the_session_still_saves_it(rf):
    def view(request):
        request.session["seen"] = True
        return HttpResponseNotFound()

    response = SessionMiddleware(view)(rf.get("/no-such-page/"))
    assert response.status_code == 404
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert Session.objects.count() == 1
