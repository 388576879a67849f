"""Two gunicorn instances on one PostgreSQL database, every request of a full
journey alternating between them (bench/two_instances.py): the wizard, a
document, submit, a reviewer's approval in the admin, the letter, the
document's download and the export. Nothing may live in one process
(sessions, wizard drafts, CSRF, throttles): zero errors, and the same result
as the same journey on one instance.

The instances run the production settings against pytest-django's test
database; transaction=True commits what the test creates, so they see it.
"""

from __future__ import annotations

import socket
from urllib.parse import quote

import pytest
from django.db import connection

from authorizations.models import Authorization, AuthorizationRequest, Status
from bench.benchmark import Server, server_env
from bench.two_instances import run
from tests.factories import PASSWORD, PrescriberFactory, make_reviewer

pytestmark = [
    pytest.mark.postgres_only,
    # The gunicorn servers run on the real calendar: so does this test, and
    # bench dates its cases from today.
    pytest.mark.real_clock,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: two server processes share one database"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_database_url() -> str:
    """The URL of the database this test sees (test_<name>), for the servers."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def servers():
    # Static files from static/ (no collectstatic in a test run); otherwise
    # the production settings.
    env = server_env(served_database_url(), DJANGO_MANIFEST_STATIC="false")
    started = []
    try:
        for _ in range(2):
            started.append(Server(env, free_port(), workers=1))
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def site_passwords(settings):
    """The site's password hashers (Django's defaults): the servers check what
    the test stores (tests/conftest.py makes the tests' hashing fast with one
    the site lacks)."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def test_a_full_journey_alternating_between_two_instances_matches_one_instance(
        servers, site_passwords):
    prescribers = [PrescriberFactory(user__username=f"two-{i}").user.username for i in range(3)]
    make_reviewer(username="two-reviewer")
    a, b = (server.port for server in servers)

    alternating, browser, admin = run([a, b], 2, prescribers=prescribers[:2],
                                      reviewer="two-reviewer", password=PASSWORD)
    single, _, _ = run([a], 1, prescribers=prescribers[2:], reviewer="two-reviewer",
                       password=PASSWORD)

    # Every request of both people went to A and B in turn.
    for client in (browser, admin):
        assert abs(len(client.seconds[a]) - len(client.seconds[b])) <= 1
        assert len(client.seconds[a]) >= 4
    for result in alternating + single:
        assert result["approved_on_result_page"]
        assert result["approved_in_admin"]
        assert result["letter_is_pdf"]
        assert result["document_matches"]
        assert result["export"]["status"] == "approved"
        assert result["export"]["unmet"] == []
        assert result["export"]["review_flags"] == ["documentation_missing"]
        assert result["export"]["decision"]["by"] == "Rita Reviewer"
    assert alternating[0] == alternating[1] == single[0]

    # What the database holds agrees with what the pages said.
    requests = AuthorizationRequest.objects.filter(prescriber__username__in=prescribers)
    assert sorted(requests.values_list("status", flat=True)) == [Status.APPROVED] * 3
    assert Authorization.objects.filter(request__in=requests).count() == 3
    for server in servers:
        errors = server.errors()
        assert "Traceback" not in errors and "ERROR" not in errors, errors
