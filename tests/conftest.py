import hashlib
import os
import tempfile
from contextlib import ExitStack, contextmanager
from datetime import datetime, time, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from authorizations.models import AuthorizationRequest, LetterKind, Status
from authorizations.requests.services import request_decide, request_submit
from tests import cases, dbtemplate
from tests.cases import case_tested_on
from tests.factories import (
    PrescriberFactory,
    approvable_case,
    attach_reports,
    draft_request,
    login,
    make_reviewer,
    submitted_request,
)


def pytest_addoption(parser):
    parser.addoption(
        "--clock", metavar="ISO-8601",
        help="Run every test at this instant instead of noon on AS_OF (time-machine, "
             "ticking), e.g. 2026-11-27T00:30:00+00:00: a test that passes only at the "
             "hour it was written fails here (.ci/run runs the suite at such instants). "
             "AS_OF becomes that instant's date where the service is, and every case's "
             "dates move with it (tests/cases.py).")
    parser.addoption(
        "--screenshots", action="store_true",
        help="Browser tests save a full-page screenshot of every page they check, under "
             "test-artifacts/screenshots/, to be looked at (off by default: they cost about "
             "a seventh of the browser tests' time).")
    parser.addoption(
        "--thorough", action="store_true",
        help="The costliest property tests draw all their examples, not a third "
             "(tests/depth.py; CI's first pass).")


def pytest_configure(config):
    """--clock sets HEMGENIX_TEST_CLOCK, which tests/cases.py reads for AS_OF:
    xdist's workers and subprocesses inherit it. Test modules read AS_OF when
    collected, after this; a module imported before (this one, factories)
    must read cases.AS_OF only when a test runs."""
    at = config.getoption("--clock")
    if at:
        datetime.fromisoformat(at)  # a clear error for a malformed instant
        if cases.as_of.cache_info().currsize and os.environ.get(cases.CLOCK_ENV) != at:
            raise pytest.UsageError("tests.cases.AS_OF was read before --clock was known")
        os.environ[cases.CLOCK_ENV] = at
    if config.getoption("--screenshots"):
        os.environ["HEMGENIX_SCREENSHOTS"] = "1"  # tests/browsing.py; xdist workers too
    if config.getoption("--thorough"):
        os.environ["HEMGENIX_THOROUGH"] = "1"  # tests/depth.py


CHROMIUM = "/usr/bin/chromium-headless-shell"

# live_server with sync Playwright runs Django ORM calls from an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's headless shell (package chromium-headless-shell: the same Blink
    # as its chromium, without the full browser's UI): the browser tests took
    # a fifth less time and a third less CPU than with /usr/bin/chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def _migrated_once(request):
    """tests/dbtemplate.py: one `migrate` for all the workers' SQLite databases."""
    cache = getattr(request.config, "cache", None)  # none under -p no:cacheprovider
    directory = cache.mkdir("migrated-db") if cache is not None else Path(
        tempfile.gettempdir())
    dbtemplate.migrate_once(Path(directory))


@pytest.fixture(scope="session")
def django_db_setup(_migrated_once, django_db_setup, django_db_blocker):
    """pytest-django's, after _migrated_once; on PostgreSQL, the sessions of
    the servers some tests start (two instances: gunicorn workers keep their
    connections) are ended before the test database is dropped. A backend
    exits a moment after its client, and one CI run's DROP DATABASE came
    first ("being accessed by other users")."""
    yield django_db_setup
    with django_db_blocker.unblock():
        dbtemplate.end_other_sessions()


@pytest.fixture(scope="session", autouse=True)
def _sqlite_flush_authorizations_first():
    """SQLite has no TRUNCATE: a transactional test's flush deletes rows, and
    a submitted follow-up may be deleted only once its authorization is gone
    (migration 0009). Empty the authorizations first; the foreign keys are
    checked at the flush's commit."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        first = "authorizations_authorization"
        return original(self, style, sorted(tables, key=lambda t: t != first), **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _today_is_as_of(request):
    """Every test runs on AS_OF, noon in the service's time zone (or at
    --clock's instant, whose date AS_OF then is), with the
    clock ticking: the cases' test dates are recent on AS_OF (version 3's
    evidence windows flag a result 31 days old) and their planned infusion
    date is after it, whatever day the suite runs. Session cookies have no
    expiry date (the browser's real clock never judges them). A test whose
    servers are other processes (marked real_clock) stays on the real
    calendar with them, and dates its cases from today (cases.case_for)."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(suite_instant(request.config), tick=True):
        yield


def suite_instant(config) -> datetime:
    """The instant every test starts at: noon on AS_OF where the service is, or --clock."""
    noon = datetime.combine(cases.AS_OF, time(12), tzinfo=ZoneInfo(django_settings.TIME_ZONE))
    return cases.clock_instant() or noon


@pytest.fixture(scope="module")
def once_per_module(request, django_db_setup, django_db_blocker):
    """A context in which a module-scoped fixture builds, once, what several
    tests only read (real letters: WeasyPrint is a second a page, and a
    module's tests read the same few letters). Inside: the database, the
    suite's clock and cheap passwords; `with settled():` runs a step's on-commit
    callbacks at its end (letters render on commit); everything written is
    rolled back on leaving, so the fixture returns plain values (bytes, text,
    numbers), never rows. Under xdist a module split across workers builds it
    once per worker."""

    @contextmanager
    def building():
        with ExitStack() as stack:
            stack.enter_context(django_db_blocker.unblock())
            stack.enter_context(time_machine.travel(suite_instant(request.config), tick=True))
            stack.enter_context(override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]))
            stack.enter_context(transaction.atomic())
            try:
                # Each step's on-commit callbacks run at the end of its `settled()`.
                yield partial(TestCase.captureOnCommitCallbacks, execute=True)
            finally:
                transaction.set_rollback(True)

    return building


@pytest.fixture(autouse=True)
def _no_collected_static(settings):
    # Tests run without collectstatic: WhiteNoise would warn (an error here)
    # about the missing STATIC_ROOT, and the manifest storage would fail;
    # static files come from the finders instead.
    settings.STATIC_ROOT = None
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _letters_without_weasyprint(request, monkeypatch):
    """WeasyPrint took more than half the suite's time. Every letter renders to a
    small stand-in PDF (named after the HTML it was given, so two letters still
    differ; the letter's HTML is still rendered, so its context is built),
    except in tests marked `real_letters`, which read what a letter says.
    `real_letters(kinds=[...], copies=[...])` renders only the letters the test
    reads (a denial test need not render the pended letter before it, nor the
    member's copy when it reads the prescriber's); the others get stand-ins."""
    from authorizations.letters import rendering as letters
    from authorizations.letters import reuse

    def stand_in(html: str, insert_html: str = "", **options) -> bytes:
        return b"%PDF-1.7 stand-in letter " + hashlib.sha256(html.encode()).hexdigest().encode()

    marker = request.node.get_closest_marker("real_letters")
    if marker is None:
        monkeypatch.setattr(letters, "_write_pdf", stand_in)
        # The JSON files a letter carries cost fhir.resources' serializer a
        # sixth of a second a letter; the stand-in has nowhere to put them
        # (tests/fhir/test_letter_attachments.py reads them from real letters).
        monkeypatch.setattr(reuse, "attachments", lambda determination: [])
        return
    kinds, copies = marker.kwargs.get("kinds"), marker.kwargs.get("copies")
    if kinds is None and copies is None:
        return

    def read(kind: str, copy: str) -> bool:
        return (kinds is None or kind in kinds) and (copies is None or copy in copies)

    render_determination, render_information = (letters._render_determination,
                                                letters.render_information_pdf)

    def determination_if_read(determination, copy):
        if read(letters.letter_kind(determination), copy):
            return render_determination(determination, copy)
        return stand_in(f"determination {determination.pk} {copy}")

    def information_if_read(ir, copy=letters.PRESCRIBER):
        if read(LetterKind.INFORMATION, copy):
            return render_information(ir, copy)
        return stand_in(f"information {ir.pk} {copy}")

    monkeypatch.setattr(letters, "_render_determination", determination_if_read)
    monkeypatch.setattr(letters, "render_information_pdf", information_if_read)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Test users need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def quick_letters(monkeypatch):
    """Letters without WeasyPrint: what they say is tested in tests/letters."""
    from authorizations.letters import rendering as letters

    monkeypatch.setattr(letters, "render_pdf",
                        lambda determination: b"%PDF-1.7 letter " + str(determination.pk).encode())
    monkeypatch.setattr(letters, "render_member_pdf",
                        lambda determination: b"%PDF-1.7 member's copy "
                        + str(determination.pk).encode())


@pytest.fixture
def prescriber(db):
    return PrescriberFactory(user__username="prescriber").user


@pytest.fixture
def other_prescriber(db):
    """A prescriber at a different HTC: must never see the first one's requests."""
    return PrescriberFactory(user__username="other-prescriber").user


@pytest.fixture
def reviewer(db):
    return make_reviewer()


@pytest.fixture
def case():
    return approvable_case()


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Create and submit a request for `user` with `case`; letters render on commit."""

    def _submit(user, case, *, expedited=False, as_of=None, reports=True):
        with django_capture_on_commit_callbacks(execute=True):
            req = submitted_request(user, case, expedited=expedited, as_of=as_of,
                                    reports=reports).request
        req.refresh_from_db()
        return req

    return _submit


# Requests in each state for the FHIR and API tests, built through the services.
UNMET = ["hepatitis_b", "inhibitor_screen"]


@pytest.fixture
def make_draft(prescriber):
    def _make(case=None, user=None):
        req = draft_request(user or prescriber, case or approvable_case())
        req.refresh_from_db()
        return req

    return _make


@pytest.fixture
def make_decided(make_draft, reviewer, prescriber):
    """A submitted request, approved at once (with its authorization), pending
    review, or denied by the reviewer. flags=["reauthorization"]: the member
    first had an authorization that expired unused."""

    def _make(status: str, case=None, *, flags=()):
        if "reauthorization" in flags:
            # Tested 10 days before its approval: no evidence_not_recent.
            earlier = make_draft(case_tested_on(cases.iso(-281)))
            attach_reports(prescriber, earlier)
            request_submit(by=prescriber, req=earlier, as_of=cases.days(-271))
        if case is None:
            case = approvable_case() if status == Status.APPROVED else approvable_case(
                hbsag="positive", inhibitor_screen_bu=1.2)
        req = make_draft(case)
        attach_reports(prescriber, req)
        request_submit(by=prescriber, req=req, as_of=cases.AS_OF)
        if status == Status.DENIED:
            request_decide(by=reviewer, req=req, approve=False,
                           rationale="HBsAg positive on the latest panel.",
                           as_of=cases.AS_OF)
        req.refresh_from_db()
        assert req.status == status
        return req

    return _make


# The reviewers' queue, for the admin and review tests.
@pytest.fixture
def reviewer_client(client, reviewer):
    return login(client, reviewer)


@pytest.fixture
def queue(prescriber, other_prescriber, reviewer, submit, django_capture_on_commit_callbacks):
    """A reviewer's queue: standard and overdue expedited pending requests, one
    approved at submission, one denied by a reviewer, and a draft."""
    pending = submit(prescriber, approvable_case(member_id="M-PENDING",
                                                 attest_alcohol_counseling=False,
                                                 aav5_nab_titer=900))
    overdue = submit(other_prescriber, approvable_case(member_id="M-OVERDUE",
                                                       patient_first_name="Otto",
                                                       patient_last_name="Late",
                                                       liver_imaging="none",
                                                       liver_imaging_date=None), expedited=True)
    AuthorizationRequest.objects.filter(pk=overdue.pk).update(
        submitted_at=timezone.now() - timedelta(hours=80),
        due_at=timezone.now() - timedelta(hours=8))
    approved = submit(prescriber, approvable_case(member_id="M-APPROVED"))
    denied = submit(prescriber, approvable_case(member_id="M-DENIED", hbsag="positive"))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=denied, approve=False,
                       rationale="HBsAg positive.")
    draft = draft_request(prescriber, approvable_case(member_id="M-DRAFT"))
    for req in (pending, overdue, approved, denied, draft):
        req.refresh_from_db()
    return {"pending": pending, "overdue": overdue, "approved": approved, "denied": denied,
            "draft": draft}
