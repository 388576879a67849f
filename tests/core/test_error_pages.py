"""The 404 and 500 pages render with debug off even when `collectstatic` never
ran (issue 23: a deploy without it made every page, the 500 page included,
fail on the manifest storage)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_manifest(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path  # nothing collected: no manifest
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}


def test_a_page_needing_the_manifest_fails_without_it(no_manifest):
    """What the pages below survive: the login page cannot render."""
    response = Client(raise_request_exception=False).get("/accounts/login/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_the_404_page_renders_without_the_manifest(no_manifest):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html and '<html lang="en">' in html
    assert "/static/" not in html


def test_the_500_page_renders_without_the_manifest(no_manifest, monkeypatch):
    from authorizations.accounts import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.PasswordResetView, "get", broken)
    response = Client(raise_request_exception=False).get("/accounts/password_reset/")
    assert response.status_code == 500
    assert "<h1>Sorry, there is a problem with the service</h1>" in response.content.decode()


def test_with_the_manifest_the_pages_are_the_services_own():
    """The usual case: the full page, with its stylesheets."""
    html = Client().get("/no-such-page/").content.decode()
    assert "Page not found" in html and "/static/" in html
