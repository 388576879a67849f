"""A lost race writes no member ID to the PostgreSQL server log once the app
role has the settings of docs/deploy.md (bin/create-db-roles applies them):

    ALTER ROLE hemgenix_app SET log_error_verbosity = terse;
    ALTER ROLE hemgenix_app SET log_min_error_statement = panic;

Two approvals of one member race: both transactions insert the member's
authorization, the second waits on the first's uncommitted row in the
one_live_authorization_per_member index, and fails when the first commits.
By default PostgreSQL logs that error with a DETAIL line naming the key (the
member ID) and the failing statement's text (Django binds parameters on the
client, so the values are in it). The control runs the same race as the same
role with PostgreSQL's default settings, and must show the member ID, so this
test can fail.

Both settings are superuser-only, so the test connects as the `postgres`
superuser (trust authentication here and in CI) to set them, to grant the app
role its rows in the test database, and to read the server log
(pg_read_file). It skips, saying why, only when it cannot do that.
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import date, timedelta

import psycopg
import pytest
from django.db import connection

from authorizations import policy
from authorizations.models import AuthorizationRequest, Status
from tests.cases import approvable_case
from tests.factories import PrescriberFactory, submitted_request

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL server log"),
    pytest.mark.django_db(transaction=True),
]

APP = "hemgenix_app"
SUPERUSER = "postgres"
TABLE = "authorizations_authorization"
WAIT = 30  # seconds, at most, for the second insert to queue behind the first
# Django's INSERT of an authorization (services.requests._approve), bound on
# the client as Django binds it.
INSERT = (f"INSERT INTO {TABLE} (request_id, member_id, member_key, status, start_date, "
          "end_date, hcpcs_code, icd10_code, quantity, created_at) "
          "VALUES (%s, %s, %s, 'active', %s, %s, %s, %s, 1, now())")
DEFAULTS = {"log_error_verbosity": "default", "log_min_error_statement": "error"}
DEPLOYED = {"log_error_verbosity": "terse", "log_min_error_statement": "panic"}


def params(**changes) -> dict:
    given = connection.get_connection_params()
    return {**{k: v for k, v in given.items() if k in {"dbname", "host", "port"}}, **changes}


@pytest.fixture
def superuser():
    try:
        conn = psycopg.connect(**params(user=SUPERUSER), autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no superuser connection as {SUPERUSER}: {exc}")
    with conn:
        yield conn


def server_log(superuser) -> str:
    """The server log's path, as the server sees it: the logging collector's
    current file, else Debian's pg_ctlcluster file for this cluster."""
    current = superuser.execute("SELECT pg_current_logfile()").fetchone()[0]
    if current:
        if not current.startswith("/"):
            data = superuser.execute("SHOW data_directory").fetchone()[0]
            current = f"{data}/{current}"
        return current
    version = superuser.execute("SHOW server_version_num").fetchone()[0]
    cluster = superuser.execute("SHOW cluster_name").fetchone()[0]
    return f"/var/log/postgresql/postgresql-{int(version) // 10000}-{cluster.split('/')[-1]}.log"


class Log:
    """What the server writes to its log from now on, read as the superuser."""

    def __init__(self, superuser):
        self.conn, self.path = superuser, server_log(superuser)
        try:
            self.start = self._size()
        except psycopg.Error as exc:
            pytest.skip(f"the server log {self.path} cannot be read: {exc}")

    def _size(self) -> int:
        return self.conn.execute("SELECT size FROM pg_stat_file(%s)", [self.path]).fetchone()[0]

    def since(self) -> str:
        end = self._size()
        return self.conn.execute("SELECT pg_read_file(%s, %s, %s)",
                                 [self.path, self.start, end - self.start]).fetchone()[0]


@pytest.fixture
def app_role(superuser):
    """The app role, with INSERT on authorizations in the test database (as
    bin/db-grants.sql grants it in production)."""
    if superuser.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP]).fetchone() is None:
        superuser.execute(f'CREATE ROLE "{APP}" LOGIN')
    superuser.execute(f'GRANT USAGE ON SCHEMA public TO "{APP}"')
    superuser.execute(f'GRANT SELECT, INSERT ON {TABLE} TO "{APP}"')
    superuser.execute(f'GRANT USAGE ON SEQUENCE {TABLE}_id_seq TO "{APP}"')
    yield APP
    # Leave the role as docs/deploy.md and bin/create-db-roles set it.
    apply(superuser, DEPLOYED)


def apply(superuser, settings: dict[str, str]) -> None:
    for name, value in settings.items():
        superuser.execute(f'ALTER ROLE "{APP}" SET {name} = {value}')


def two_pending_requests(member_id: str) -> list[AuthorizationRequest]:
    """Two requests for one member, waiting for a reviewer (HBsAg positive)."""
    prescriber = PrescriberFactory().user
    reqs = [submitted_request(prescriber, approvable_case(
        member_id=member_id, hbsag="positive", patient_first_name=name)).request
        for name in ("Ada", "Ida")]
    assert [r.status for r in reqs] == [Status.PENDING_REVIEW] * 2
    return reqs


def lost_race(superuser, member_id: str) -> psycopg.errors.UniqueViolation:
    """Both approvals insert the member's authorization as the app role; the
    second queues behind the first and loses when it commits."""
    first_req, second_req = two_pending_requests(member_id)
    today = date.today()
    values = [member_id, member_id, today,
              today + timedelta(days=policy.AUTHORIZATION_DAYS - 1), policy.HCPCS_CODE,
              policy.ICD10_CODE]
    lost: list[Exception] = []
    connect = dict(**params(user=APP), cursor_factory=psycopg.ClientCursor)
    with psycopg.connect(**connect) as first, psycopg.connect(**connect) as second:
        first.execute(INSERT, [first_req.pk, *values])

        def second_approval():
            try:
                second.execute(INSERT, [second_req.pk, *values])
            except psycopg.errors.UniqueViolation as exc:
                lost.append(exc)
                second.rollback()

        racer = threading.Thread(target=second_approval)
        racer.start()
        waiting_on_lock(superuser, second.info.backend_pid)
        first.commit()
        racer.join(WAIT)
    assert len(lost) == 1, "the second approval did not lose the race"
    return lost[0]


def waiting_on_lock(superuser, pid: int) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        row = superuser.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                [pid]).fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.05)
    raise AssertionError("the second insert never waited for the first")


def member() -> str:
    # Upper case, no dashes: the member key is the member ID itself.
    return "UHCLOG" + secrets.token_hex(5).upper()


def test_a_lost_race_logs_no_member_id_with_the_deployed_settings(superuser, app_role):
    apply(superuser, DEFAULTS)
    control_member = member()
    log = Log(superuser)
    lost_race(superuser, control_member)
    control = log.since()
    assert "one_live_authorization_per_member" in control
    assert control_member in control  # PostgreSQL's defaults do log it

    apply(superuser, DEPLOYED)
    guarded_member = member()
    log = Log(superuser)
    error = lost_race(superuser, guarded_member)
    guarded = log.since()
    # The error is still logged, for operations to see; only the member is not.
    assert ('ERROR:  duplicate key value violates unique constraint '
            '"one_live_authorization_per_member"') in guarded
    assert guarded_member not in guarded
    # The application still learns which constraint stopped it.
    assert error.diag.constraint_name == "one_live_authorization_per_member"
