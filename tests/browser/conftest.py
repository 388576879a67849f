"""Playwright against live_server with Debian's Chromium (see tests/conftest.py
for the launch arguments). axe-core comes from node_modules (npm install)."""

import pytest
from django.test.utils import override_settings

from authorizations.requests.services import request_create, request_save_draft, request_submit
from tests.browsing import AXE_PATH, PASSWORD, Browser
from tests.factories import PrescriberFactory, approvable_case, attach_reports


@pytest.fixture(scope="session", autouse=True)
def _static_from_finders():
    # No collectstatic in tests: serve static/ through the finders. Session
    # scope, because the live server builds its middleware once.
    override = override_settings(
        STATIC_ROOT=None, WHITENOISE_USE_FINDERS=True,
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                  "staticfiles": {"BACKEND":
                                  "django.contrib.staticfiles.storage.StaticFilesStorage"}})
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_PATH.exists():
        pytest.fail("axe-core is missing: run `npm install` at the repository root")
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def prescriber_user(transactional_db):
    return PrescriberFactory(user__username="dr-lee", user__first_name="Jordan",
                             user__last_name="Lee", user__password=PASSWORD).user


@pytest.fixture
def browser_page(page, live_server, axe_source, request):
    page.set_default_timeout(5000)
    # The browser's own /favicon.ico request once reached Django after the
    # page had loaded, and its session save shared the live server's SQLite
    # connection with the test's next service call ("cannot start a
    # transaction within a transaction", now and then in CI). Every page now
    # links the icon, /favicon.ico is WhiteNoise's file and a 404 saves no
    # session (tests/core/test_favicon.py, test_icon_browser.py); answered
    # here too, as defence in depth.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    return Browser(page, live_server.url, axe_source, request.node.name)


@pytest.fixture
def submitted(prescriber_user, quick_letters, monkeypatch):
    """submitted(**changes): a request of dr-lee's submitted through the
    services with approvable_case(**changes); letters without WeasyPrint
    (their text is tested in tests/letters)."""
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_information_pdf",
                        lambda ir, copy="prescriber": b"%PDF-1.7 information " + copy.encode())

    def _submit(**changes):
        req = request_create(by=prescriber_user, htc=prescriber_user.prescriber.htc)
        request_save_draft(by=prescriber_user, req=req,
                           answers=approvable_case(**changes), step="attestations")
        attach_reports(prescriber_user, req)
        return request_submit(by=prescriber_user, req=req).request

    return _submit


@pytest.fixture
def pended(submitted):
    """A request pending review: the alcohol counseling attestation is not ticked."""
    return submitted(attest_alcohol_counseling=False)
