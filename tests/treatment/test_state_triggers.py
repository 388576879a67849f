"""State changes only through the allowed transitions, in the database too
(issue 23 N12, migration 0017_state_triggers): the app role cannot cancel an
administered authorization, change or delete an infusion, or send an approved
request back to draft. PostgreSQL only, but for the first test, which keeps the
migration's frozen transition tables equal to the models'."""

from __future__ import annotations

import importlib

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from authorizations.models import Authorization, AuthorizationRequest, FollowUp, Infusion
from authorizations.treatment.services import infusion_correct

# The app role's connection and grants (bin/db-grants.sql), shared with those tests.
from tests.operations.test_db_roles import APP, app_connection, as_app_role  # noqa: F401
from tests.treatment.helpers import infusion_data, today

MIGRATION = importlib.import_module("authorizations.migrations.0017_state_triggers")


def on_postgresql(test):
    """Marks a test as the other PostgreSQL-only tests are marked."""
    for mark in (pytest.mark.django_db(transaction=True),
                 pytest.mark.skipif(connection.vendor != "postgresql",
                                    reason="PostgreSQL triggers"),
                 pytest.mark.postgres_only):
        test = mark(test)
    return test


def test_the_migrations_transition_tables_are_the_models():
    # A new transition in a model needs a new migration of the trigger.
    for model in (AuthorizationRequest, Authorization, FollowUp):
        frozen = MIGRATION.TRANSITIONS[model._meta.db_table]
        assert {old: set(new) for old, new in frozen.items()} == \
            {str(old): {str(n) for n in new} for old, new in model.TRANSITIONS.items()}


def refused(conn, sql: str, error: type[Exception]) -> str:
    with pytest.raises(error) as raised:
        conn.execute(sql)
    return str(raised.value)


@pytest.mark.usefixtures("quick_letters")
@on_postgresql
def test_the_app_role_cannot_undo_a_treatment_or_an_approval(infused, request):
    req = infused("N12-1")
    auth = Authorization.objects.get(request=req)
    infusion = Infusion.objects.get(authorization=auth)
    assert (req.status, auth.status) == ("approved", "administered")
    conn = request.getfixturevalue("app_connection")
    assert conn.execute("SELECT current_user").fetchone()[0] == APP
    violation = psycopg.errors.IntegrityConstraintViolation
    # The member key freed for a second treatment: refused by the transition table.
    assert "cannot become" in refused(
        conn, f"UPDATE authorizations_authorization SET status = 'cancelled' "
              f"WHERE id = {auth.pk}", violation)
    assert "cannot become" in refused(
        conn, f"UPDATE authorizations_authorizationrequest SET status = 'draft' "
              f"WHERE id = {req.pk}", violation)
    # Infusions: no privilege to change or remove one.
    for sql in (f"UPDATE authorizations_infusion SET weight_kg = 1 WHERE id = {infusion.pk}",
                f"DELETE FROM authorizations_infusion WHERE id = {infusion.pk}"):
        refused(conn, sql, psycopg.errors.InsufficientPrivilege)
    # A move the table allows still works (an open follow-up waived by hand here).
    fu = FollowUp.objects.filter(authorization=auth).first()
    conn.execute(f"UPDATE authorizations_followup SET status = 'waived' WHERE id = {fu.pk}")
    assert conn.execute(f"SELECT status FROM authorizations_followup WHERE id = {fu.pk}"
                        ).fetchone()[0] == "waived"
    req.refresh_from_db()
    auth.refresh_from_db()
    assert (req.status, auth.status) == ("approved", "administered")


@pytest.mark.usefixtures("quick_letters")
@on_postgresql
def test_the_owner_is_held_by_the_triggers_too(infused):
    req = infused("N12-2")
    auth = Authorization.objects.get(request=req)
    for queryset, change in (
            (Authorization.objects.filter(pk=auth.pk), {"status": "cancelled"}),
            (AuthorizationRequest.objects.filter(pk=req.pk), {"status": "pending_review"}),
            (Infusion.objects.filter(authorization=auth), {"site_name": "elsewhere"})):
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        Infusion.objects.filter(authorization=auth).delete()


@pytest.mark.usefixtures("quick_letters")
@on_postgresql
def test_a_reviewer_corrects_an_infusion_as_the_app_role(infused, reviewer, request):
    # The correction locks the authorization's row: the app role may not lock
    # an infusion row it may not UPDATE.
    req = infused("N12-3")
    infusion = Infusion.objects.get(authorization__request=req)
    request.getfixturevalue("as_app_role")
    new = infusion_correct(by=reviewer, infusion=infusion,
                           data=infusion_data(today(), site_name="Riverside Infusion"),
                           reason="Wrong site recorded.")
    assert new.version == 2 and Infusion.objects.filter(authorization__request=req).count() == 2
