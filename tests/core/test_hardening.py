"""Sign-in lockout, security headers and production settings, as a user (and an
operator) sees them. The idle logoff: tests/core/test_idle_logoff.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from authorizations.core.sessions import UserSession as Session
from authorizations.requests.services import request_create
from tests.factories import PASSWORD, sign_in
from tests.phi import PATIENT

pytestmark = pytest.mark.django_db



# --------------------------------------------------------------------------
# django-axes lockout
# --------------------------------------------------------------------------

def test_repeated_failed_logins_lock_the_account_with_an_explanation(client, prescriber,
                                                                     settings):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        response = sign_in(client, "prescriber", "wrong password")
        assert response.status_code == 200, attempt
        assert "There is a problem" in response.content.decode()
    locked = sign_in(client, "prescriber", "wrong password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in is locked for now" in html
    assert "too many failed attempts" in html
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"Wait {minutes} minutes, then try again" in html
    # Locked even with the right password, and nobody is signed in.
    again = sign_in(client, "prescriber")
    assert again.status_code == 429 and "Sign-in is locked" in again.content.decode()
    assert client.get("/requests/").status_code == 302
    # The page carries the site's security headers like every other.
    assert again["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in again


def test_lockout_is_per_username_and_ends_after_the_cool_off(client, prescriber,
                                                             other_prescriber, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "prescriber", "wrong password")
    assert sign_in(client, "prescriber").status_code == 429
    # Someone else at the same address still signs in.
    assert sign_in(client, "other-prescriber").status_code == 302
    client.post("/accounts/logout/")
    # The cool-off has passed.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(
        hours=settings.AXES_COOLOFF_TIME, minutes=1))
    response = sign_in(client, "prescriber")
    assert response.status_code == 302 and response["Location"] == "/requests/"


def test_a_successful_login_resets_the_failure_count(client, prescriber, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "prescriber", "wrong password")
    assert sign_in(client, "prescriber").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "prescriber", "wrong password").status_code == 200
    assert sign_in(client, "prescriber").status_code == 302


# --------------------------------------------------------------------------
# Response headers
# --------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "prescriber", "reviewer"])
def test_every_page_sends_the_security_headers(client, prescriber, reviewer, who, submit,
                                               monkeypatch):
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 test")
    req = submit(prescriber, dict(PATIENT))
    user = {"prescriber": prescriber, "reviewer": reviewer}.get(who)
    if user is not None:
        user.refresh_from_db()
        client.force_login(user)
    urls = ["/accounts/login/", "/requests/", "/requests/new/", f"/requests/{req.pk}/",
            f"/requests/{req.pk}/letter.pdf", f"/requests/{req.pk}/export.json",
            "/admin/", "/no-such-page/"]
    for url in urls:
        response = client.get(url)
        csp = response.get("Content-Security-Policy", "")
        directives = dict((d.split(" ", 1) + [""])[:2] for d in
                          (part.strip() for part in csp.split(";")) if d)
        assert "script-src" in directives, (url, csp)
        assert "'unsafe-inline'" not in directives["script-src"], url
        assert "'unsafe-eval'" not in directives["script-src"], url
        assert directives.get("frame-ancestors") == "'none'", url
        assert directives.get("object-src") == "'none'", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert static["X-Content-Type-Options"] == "nosniff"
    static.close()


def test_pages_have_no_inline_script(client, prescriber, reviewer, submit, monkeypatch):
    """The CSP forbids inline script: a page that had some would break."""

    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 test")
    pending = submit(prescriber, {**PATIENT, "hbsag": "positive"})
    pages = {prescriber: ["/requests/", "/requests/new/", f"/requests/{pending.pk}/",
                          "/accounts/password_change/"],
             reviewer: ["/admin/", "/admin/authorizations/authorizationrequest/",
                        f"/admin/authorizations/authorizationrequest/{pending.pk}/change/",
                        "/admin/authorizations/auditevent/", "/admin/password_change/"]}
    for user, urls in pages.items():
        user.refresh_from_db()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
            assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), url  # onclick= and the like
            assert not re.search(r"href=\"javascript:", html), url


# --------------------------------------------------------------------------
# Production settings
# --------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-test-secret-" + "x" * 30,
    "DJANGO_HTTPS": "true",
    "DJANGO_BEHIND_PROXY": "true",
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "pa.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://pa.example.org",
    "DJANGO_MANIFEST_STATIC": "false",
}

PROBE = """
import json
from django.conf import settings
from django.test import Client
c = Client(HTTP_HOST="pa.example.org")
plain = c.get("/accounts/login/")
secure = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
cookie = secure.cookies["csrftoken"]
print(json.dumps({
    "settings": {k: getattr(settings, k) for k in (
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_HTTPONLY")},
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code, secure.get("Strict-Transport-Security"),
               secure.get("Content-Security-Policy"), secure.get("X-Frame-Options")],
    "csrf_cookie_secure": bool(cookie["secure"]),
}))
"""


def test_production_settings_secure_cookies_hsts_and_https(tmp_path):
    env = {**os.environ, **PRODUCTION_ENV,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PROBE],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["settings"] == {
        "DEBUG": False, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SESSION_COOKIE_HTTPONLY": True}
    # Plain HTTP is sent to HTTPS.
    assert seen["plain"] == [301, "https://pa.example.org/accounts/login/"]
    status, hsts, csp, frame = seen["secure"]
    assert status == 200
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert frame == "DENY"
    assert seen["csrf_cookie_secure"] is True


def test_pages_of_signed_in_users_are_never_cached(client, prescriber, reviewer, submit,
                                                    monkeypatch):
    """Patient data must not stay in the browser's cache after the idle logoff."""
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf", lambda d: b"%PDF-1.7 test")
    req = submit(prescriber, dict(PATIENT))
    draft = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    prescriber.refresh_from_db()
    client.force_login(prescriber)
    for url in ["/requests/", "/requests/new/", f"/requests/{req.pk}/",
                f"/requests/{draft.pk}/edit/patient/", f"/requests/{draft.pk}/discard/",
                f"/requests/{req.pk}/export.json", f"/requests/{req.pk}/letter.pdf",
                "/no-such-page/"]:
        response = client.get(url)
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert "no-store" in directives, (url, response.get("Cache-Control"))
    reviewer.refresh_from_db()
    client.force_login(reviewer)
    response = client.get(f"/admin/authorizations/authorizationrequest/{req.pk}/change/")
    assert "no-store" in response["Cache-Control"]
    # Static files stay cacheable.
    client.logout()
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.get("Cache-Control", "")
    static.close()


def test_the_session_holds_no_answers(client, prescriber):
    """Answers live in the database only: an expired session, left in the
    session table until `clearsessions`, must not hold patient data."""
    from tests.phi import phi_in
    from tests.walker import Walker

    prescriber.refresh_from_db()
    client.force_login(prescriber)
    walker = Walker(client)
    walker.walk_to("review", dict(PATIENT))
    # Back from the review, and a step with an error.
    client.get(f"/requests/{walker.pk}/edit/patient/")
    client.post(f"/requests/{walker.pk}/edit/patient/", {
        f"{walker.prefix}-current_step": "patient", "patient-patient_first_name": "Zenobia",
        "patient-member_id": PATIENT["member_id"], "patient-weight_kg": "-1"})
    stored = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert not phi_in(json.dumps(stored, default=str)), stored
    # And the wizard carries on from the database.
    assert walker.request().answers["patient_last_name"] == PATIENT["patient_last_name"]
    page = client.get(f"/requests/{walker.pk}/edit/review/")
    assert page.status_code == 200 and "Thistlewood" in page.content.decode()


def test_the_admin_login_locks_out_too(client, reviewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/?next=/admin/", {"username": "reviewer",
                                                   "password": "wrong password"})
    response = client.post("/admin/login/?next=/admin/", {"username": "reviewer",
                                                          "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in is locked for now" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_lockout_behind_a_proxy_uses_the_client_address():
    """Behind the proxy every request comes from the proxy's address: the
    lockout must key on the address the proxy appended, or one person could
    lock a prescriber out for everyone."""
    from django.test import RequestFactory

    from authorizations.core.middleware import client_ip_behind_proxy

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1",
                                   HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip_behind_proxy(request) == "203.0.113.9"
    assert client_ip_behind_proxy(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    # More in tests/operations/test_proxy_lockout.py.
