"""What the wizard's submit (the POST of its review step, issue 21's
benchmark) asks of the database, on SQLite and PostgreSQL alike: the
session with its user, the request, the draft under its lock, the
evaluation's facts, the request's UPDATE, the determination, the letter's
job and the audit rows, each once; then the letter's task once the
decision commits."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_q.conf import Conf

from authorizations.models import AuthorizationRequest, Status
from tests.walker import Walker, step_post_data

pytestmark = pytest.mark.django_db


def _what(sql: str) -> str:
    """A statement's verb and table, e.g. 'INSERT authorizations_delivery'; a
    SELECT's, the table of its first column ("table"."column")."""
    verb = sql.split(None, 1)[0].upper()
    found = re.search(r'"(\w+)"\."' if verb == "SELECT" else r'"(\w+)"', sql)
    return f"{verb} {found.group(1) if found else ''}"


def test_a_pending_submit_asks_each_query_once(prescriber_client, case, monkeypatch,
                                               django_capture_on_commit_callbacks):
    # No reports attached: the request pends, as the benchmark's does.
    walker = Walker(prescriber_client, reports=False)
    walker.walk_to("review", case)
    # The task queued, not run here (django-q2's sync runs the letter at once).
    monkeypatch.setattr(Conf, "SYNC", False)
    with CaptureQueriesContext(connection) as queries, \
            django_capture_on_commit_callbacks(execute=True):
        response = walker.post(step_post_data("review", case, prefix=walker.prefix))
    assert response.url == f"/requests/{walker.pk}/"
    assert AuthorizationRequest.objects.get(pk=walker.pk).status == Status.PENDING_REVIEW
    asked = [_what(q["sql"]) for q in queries.captured_queries
             if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert asked == [
        "SELECT authorizations_usersession",
        "SELECT authorizations_authorizationrequest",
        "SELECT authorizations_authorizationrequest",  # under its lock
        "SELECT authorizations_authorization",  # the facts' first column
        "UPDATE authorizations_authorizationrequest",
        "INSERT authorizations_determination",
        "INSERT authorizations_delivery",
        "INSERT authorizations_auditevent",
        "INSERT django_q_ormq",
    ], "\n".join(q["sql"][:120] for q in queries.captured_queries)
