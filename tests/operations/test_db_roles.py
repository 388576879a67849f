"""The application's PostgreSQL role (bin/create-db-roles, bin/db-grants.sql)
reads and writes rows and nothing more: no TRUNCATE, no DDL (so no disabling
the append-only triggers), and no deleting audit rows.

The grants are applied to pytest-django's test database as its owner; the
check connects separately, with psycopg, as the app role.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from django.db import connection

from authorizations.appeals.services import appeal_decide, appeal_file
from authorizations.core.audit import audit
from authorizations.models import AuditEvent
from authorizations.requests.services import request_decide

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles and grants"),
    pytest.mark.django_db(transaction=True),
]

APP, OWNER = "hemgenix_app", "hemgenix_owner"
GRANTS = Path(__file__).resolve().parents[2] / "bin" / "db-grants.sql"


def _psql_to_sql(text: str) -> str:
    """bin/db-grants.sql with its psql variables filled in."""
    return (text.replace(':"app"', f'"{APP}"').replace(':"owner"', f'"{OWNER}"')
            .replace(":'app'", f"'{APP}'"))


@pytest.fixture
def app_connection():
    with connection.cursor() as cursor:
        for role in (APP, OWNER):
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                try:
                    cursor.execute(f'CREATE ROLE "{role}" LOGIN')
                except Exception as exc:  # noqa: BLE001
                    pytest.skip(f"role {role} is missing (run bin/create-db-roles): {exc}")
        cursor.execute(f'GRANT CONNECT ON DATABASE "{connection.settings_dict["NAME"]}" '
                       f'TO "{APP}"')
        cursor.execute(_psql_to_sql(GRANTS.read_text()))
    params = connection.get_connection_params()
    params = {k: v for k, v in params.items() if k in {"dbname", "host", "port"}}
    with psycopg.connect(**params, user=APP, autocommit=True) as conn:
        yield conn


def _refused(conn, sql: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        conn.execute(sql)
    return str(refused.value)


def test_the_app_role_reads_and_writes_rows_but_cannot_remove_history(app_connection):
    audit(by=None, action="probe", obj=AuditEvent(pk=0))
    conn = app_connection
    assert conn.execute("SELECT current_user").fetchone()[0] == APP
    # What the application needs works.
    assert conn.execute("SELECT count(*) FROM authorizations_auditevent").fetchone()[0] >= 1
    conn.execute("INSERT INTO authorizations_auditevent (at, actor_username, action, object_type,"
                 " object_id, detail) VALUES (now(), 'system', 'probe', 'X', '1', '{}')")
    # What it must never do is refused by privilege, not only by the triggers.
    _refused(conn, "TRUNCATE authorizations_auditevent")
    _refused(conn, "TRUNCATE authorizations_authorizationrequest CASCADE")
    assert "owner" in _refused(
        conn, "ALTER TABLE authorizations_auditevent DISABLE TRIGGER USER")
    _refused(conn, "ALTER TABLE authorizations_authorizationrequest ADD COLUMN x int")
    _refused(conn, "CREATE TABLE hemgenix_probe (id int)")
    _refused(conn, "DELETE FROM authorizations_auditevent")
    _refused(conn, "UPDATE authorizations_auditevent SET action = 'changed'")
    _refused(conn, "DELETE FROM authorizations_determination")
    _refused(conn, "DELETE FROM django_migrations")
    # The other insert-only records: letters' member copies, a decision's
    # reasons, the versions of the answers, the receipts of mailed documents.
    for table in ("membercopy", "decisionreason", "answerversion", "documentreceipt",
                  "mailingbatch", "mailedcopy", "appealreceipt"):  # the last three: issue 21
        _refused(conn, f"DELETE FROM authorizations_{table}")
        _refused(conn, f"UPDATE authorizations_{table} SET id = id")
    assert AuditEvent.objects.filter(action="probe").count() == 2


@pytest.fixture
def as_app_role(app_connection):
    """Django's own connection, reconnected as the app role for the test's body."""
    settings_dict = connection.settings_dict
    owner, password = settings_dict["USER"], settings_dict.get("PASSWORD", "")
    connection.close()
    settings_dict["USER"], settings_dict["PASSWORD"] = APP, ""
    try:
        yield
    finally:
        connection.close()
        settings_dict["USER"], settings_dict["PASSWORD"] = owner, password


def test_an_appeal_is_decided_as_the_app_role(prescriber, reviewer, submit, quick_letters,
                                              request):
    """N2 (hardening round 3): `select_for_update().select_related("denial")`
    locked the determination row too, which the app role may not UPDATE: every
    appeal decision was a 500 on PostgreSQL as the documented role."""
    from tests.factories import approvable_case, make_reviewer

    second = make_reviewer("reviewer-2", credentials="MD, Hematology")
    req = submit(prescriber, approvable_case(member_id="M-APPEAL-ROLE",
                                             attest_alcohol_counseling=False))
    request_decide(by=reviewer, req=req, approve=False,
                   rationale="Counseling on alcohol is not documented.")
    req.refresh_from_db()
    appeal = appeal_file(by=prescriber, req=req, statement="Counseling was given.",
                         expedited=False, expedited_reason="", representative=True)
    request.getfixturevalue("as_app_role")
    assert connection.cursor().execute("SELECT current_user").fetchone()[0] == APP
    appeal_decide(by=second, appeal=appeal, overturn=False,
                  rationale="The clinic note does not document counseling.")
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld"
