"""The session and its user in one query (core/sessions.py): a page reads the
session row with the user and their profile, and Django's checks of the
session still hold (a changed password, a deleted or deactivated user, a row
whose user column disagrees with the session's data)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authorizations.core.sessions import UserSession
from authorizations.models import PrescriberProfile, ReviewerProfile
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def page_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_page_reads_the_session_and_its_user_in_one_query(client, prescriber):
    assert sign_in(client, "prescriber").status_code == 302
    row = UserSession.objects.get(session_key=client.session.session_key)
    assert row.user_id == prescriber.pk

    queries = page_queries(client, "/requests/")
    session_reads = [q for q in queries if "authorizations_usersession" in q
                     and q.lstrip().upper().startswith("SELECT")]
    assert len(session_reads) == 1
    # The user, their profile and HTC came with it: no query of their own.
    assert not [q for q in queries if q.lstrip().upper().startswith("SELECT")
                and 'FROM "auth_user"' in q]
    assert PrescriberProfile._meta.db_table in session_reads[0]
    assert ReviewerProfile._meta.db_table in session_reads[0]


def test_a_changed_password_still_ends_the_session(client, prescriber):
    assert sign_in(client, "prescriber").status_code == 302
    prescriber.set_password("a-new-passphrase-2026")
    prescriber.save()
    response = client.get("/requests/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deactivated_user_is_signed_out(client, prescriber):
    assert sign_in(client, "prescriber").status_code == 302
    type(prescriber).objects.filter(pk=prescriber.pk).update(is_active=False)
    response = client.get("/requests/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deleting_a_user_deletes_their_sessions(client, prescriber):
    assert sign_in(client, "prescriber").status_code == 302
    assert UserSession.objects.filter(user=prescriber).exists()
    prescriber.delete()
    assert not UserSession.objects.exists()


def test_a_row_whose_user_disagrees_with_the_data_is_not_trusted(client, prescriber, reviewer):
    """The user is the session data's, as Django reads it: the column only
    saves a query, it never chooses who is signed in."""
    assert sign_in(client, "prescriber").status_code == 302
    UserSession.objects.filter(session_key=client.session.session_key).update(user=reviewer)
    response = client.get("/requests/")
    assert response.status_code == 200
    assert response.wsgi_request.user == prescriber


def test_signing_out_deletes_the_row(client, prescriber):
    assert sign_in(client, "prescriber").status_code == 302
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(session_key=key).exists()


def test_the_permissions_come_with_the_session(client, reviewer):
    """The admin asks for the user's permissions on every page: they are read
    with the session, the same set the backend reads (own and groups')."""
    from django.contrib.auth.models import Permission

    from authorizations.accounts.backends import ModelBackend

    own = Permission.objects.get(codename="view_htc")
    reviewer.user_permissions.add(own)  # besides the Reviewers group's
    assert sign_in(client, "reviewer").status_code == 302
    queries = page_queries(client, "/admin/authorizations/authorizationrequest/")
    assert not [q for q in queries if 'FROM "auth_permission"' in q.split("(SELECT")[0]]

    response = client.get("/admin/authorizations/authorizationrequest/")
    preloaded = response.wsgi_request.user._perm_cache
    fresh = type(reviewer).objects.get(pk=reviewer.pk)
    assert preloaded == ModelBackend().get_all_permissions(fresh)
    assert "authorizations.view_htc" in preloaded
    assert "authorizations.decide_authorizationrequest" in preloaded


def test_a_user_without_permissions_has_none(client, prescriber):
    assert sign_in(client, "prescriber").status_code == 302
    response = client.get("/requests/")
    assert response.wsgi_request.user._perm_cache == set()
