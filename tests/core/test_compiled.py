"""core/compiled.py: a query compiled once runs with each call's values, and a
query whose values Django writes into the SQL itself is refused."""

import re
from datetime import date

import pytest
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from authorizations.core.compiled import CompiledQuery
from authorizations.models import AuthorizationRequest, Document
from authorizations.requests.services import request_create, request_save_draft
from tests.factories import approvable_case

pytestmark = pytest.mark.django_db


def _has_documents(request_id: int):
    return (AuthorizationRequest.objects.filter(pk=request_id)
            .annotate(documented=Exists(Document.objects.filter(request=OuterRef("pk"))))
            .values("member_id", "documented")[:1])


def test_each_call_runs_with_its_own_values(prescriber):
    made = []
    for member in ("M-ONE", "M-TWO"):
        req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
        request_save_draft(by=prescriber, req=req, answers=approvable_case(member_id=member),
                           step="review")
        made.append(req)
    query = CompiledQuery(_has_documents, "request_id")
    for req in made + made:  # the second round runs the SQL compiled in the first
        row = query.first(request_id=req.pk)
        # As Django's own queryset reads it (SQLite gives EXISTS as 0 or 1).
        expected = _has_documents(req.pk).get()
        assert row["member_id"] == expected["member_id"] and row["member_id"].startswith("M-")
        assert bool(row["documented"]) is expected["documented"] is False
    assert [query.first(request_id=r.pk)["member_id"] for r in made] == ["M-ONE", "M-TWO"]
    assert query.first(request_id=10**9) is None


def test_a_value_written_into_the_sql_is_refused():
    query = CompiledQuery(
        lambda request_id: AuthorizationRequest.objects.annotate(
            mine=RawSQL(f"id = {request_id}", [], output_field=BooleanField())).values("mine"),
        "request_id")
    with pytest.raises(ValueError, match="not plain parameters"):
        query.first(request_id=1)


def _as_passed(params) -> list:
    """Parameters as the driver is given them (psycopg's Jsonb has no ==)."""
    return [(type(p).__name__, getattr(p, "obj", p)) for p in params]


@pytest.mark.parametrize("name", ["Ann O'Neil", 'Jo "50%_off" \\ Doe'])
def test_strings_and_dates_run_as_django_writes_them(prescriber, name):
    from authorizations.requests import facts

    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    values = {"request_id": req.pk, "key": "UHC_1%", "as_of": date(2026, 11, 27), "name": name,
              "born": "1985-04-12"}
    # The evaluation's facts (requests/facts.py): a JSON key's value (Jsonb on
    # PostgreSQL, JSON text on SQLite), dates (text on SQLite) and iexact
    # (escaped for LIKE on SQLite), each value passed as Django passes it.
    for query, extra in ((facts._FACTS, {}),
                         (facts._FACTS_AND_ROSTER, {"roster_key": "UHC_1%",
                                                    "roster_born": date(1985, 4, 12)})):
        for run in ({**values, **extra}, {**values, **extra, "name": "Bo", "key": "K"}):
            sql, params = query.bound("default", run)
            django_sql, django_params = query.sql("default", **run)
            assert sql == django_sql
            assert _as_passed(params) == _as_passed(django_params)


def test_a_name_matches_as_django_matches_it(prescriber):
    named = lambda name: AuthorizationRequest.objects.filter(  # noqa: E731
        patient_name__iexact=name).values("patient_name")[:1]
    query = CompiledQuery(named, name=str)
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=req, step="review",
                       answers=approvable_case(patient_first_name="Ann", patient_last_name="Bo"))
    for name in ("ann bo", "Ann_Bo", "Ann%", "Ann Bo"):
        expected = named(name).first()
        assert query.first(name=name) == expected


def test_a_value_inside_a_pattern_is_refused():
    query = CompiledQuery(lambda name: AuthorizationRequest.objects.filter(
        patient_name__contains=name).values("pk"), name=str)
    with pytest.raises(ValueError, match="not plain parameters"):
        query.first(name="Ann")


def test_a_row_as_a_model_instance_reads_as_the_orm_does(prescriber):
    from django.db.models import Count

    def build(request_id):
        return (AuthorizationRequest.objects.filter(pk=request_id)
                .select_related("htc", "prescriber__prescriber", "authorization")
                .annotate(drafters=Count("drafted_by")))

    query = CompiledQuery(build, "request_id")
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=req, answers=approvable_case(), step="review")
    for _ in range(2):  # the second runs the SQL compiled in the first
        read = query.instance(request_id=req.pk)
        orm = build(req.pk).get()
        for one, other in ((read, orm), (read.htc, orm.htc), (read.prescriber, orm.prescriber),
                           (read.prescriber.prescriber, orm.prescriber.prescriber)):
            fields = [f.attname for f in type(one)._meta.concrete_fields]
            assert [getattr(one, f) for f in fields] == [getattr(other, f) for f in fields]
        assert read.drafters == orm.drafters == 1
        # What select_related read costs no query: the missing authorization too.
        with CaptureQueriesContext(connection) as queries:
            assert (read.htc.pk, read.prescriber.prescriber.htc_id) == (
                orm.htc.pk, orm.prescriber.prescriber.htc_id)
            assert not hasattr(read, "authorization")
        assert queries.captured_queries == []
    assert query.instance(request_id=10**9) is None


def test_an_id_no_column_holds_finds_no_row(prescriber, client):
    from authorizations.accounts.backends import ModelBackend
    from tests.factories import login

    query = CompiledQuery(_has_documents, "request_id")
    assert query.first(request_id=2**63) is None and query.first(request_id=-(2**64)) is None
    # As Django's get_object_or_404 answers it: a 404, not a database error.
    login(client, prescriber)
    assert client.get(f"/requests/{10**30}/").status_code == 404
    # The signed-in user as the ORM reads them, with their profile and HTC.
    user = ModelBackend().get_user(prescriber.pk)
    assert (user, user.prescriber, user.prescriber.htc) == (
        prescriber, prescriber.prescriber, prescriber.prescriber.htc)
    assert ModelBackend().get_user(10**9) is None


def test_a_datetime_runs_as_django_writes_it(client, prescriber):
    from datetime import timedelta

    from django.utils import timezone

    from authorizations.core import sessions
    from tests.factories import login

    login(client, prescriber)
    key, now = client.session.session_key, timezone.now()
    # The session's read (core/sessions.py): a datetime (text on SQLite).
    stored = sessions._STORED.instance(key=key, now=now)
    sql, params = sessions._STORED.bound("default", {"key": key, "now": now})
    assert (sql, _as_passed(params)) == (lambda s, p: (s, _as_passed(p)))(
        *sessions._STORED.sql("default", key=key, now=now))
    assert stored.session_key == key and stored.get_decoded()["_auth_user_id"] == str(
        prescriber.pk)
    # Expired by then: none, as Django's read finds none.
    assert sessions._STORED.instance(key=key, now=stored.expire_date) is None
    assert sessions._STORED.instance(key=key, now=now - timedelta(days=1)) is not None


def _events_of(object_id: str):
    from authorizations.models import AuditEvent

    return (AuditEvent.objects.filter(object_type="AuthorizationRequest", object_id=object_id)
            .order_by("id").values("at", "detail", "action"))


def test_values_are_converted_as_djangos_values_are(prescriber):
    from authorizations.requests.services import request_create

    made = [request_create(by=prescriber, htc=prescriber.prescriber.htc) for _ in range(2)]
    query = CompiledQuery(_events_of, object_id=str)
    for req in made + made:
        rows = query.values(object_id=str(req.pk))
        # Times as aware datetimes and JSON as dicts, on SQLite as on PostgreSQL.
        assert rows and rows == list(_events_of(str(req.pk)))
        assert all(r["at"].tzinfo is not None and isinstance(r["detail"], dict) for r in rows)
    assert query.values(object_id="no such request") == []


def test_instances_are_the_querysets(prescriber):
    from authorizations.models import AuditEvent
    from authorizations.requests.services import request_create

    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    query = CompiledQuery(lambda object_id: AuditEvent.objects.filter(
        object_type="AuthorizationRequest", object_id=object_id).order_by("id"), object_id=str)
    ours = query.instances(object_id=str(req.pk))
    djangos = list(AuditEvent.objects.filter(object_type="AuthorizationRequest",
                                             object_id=str(req.pk)).order_by("id"))
    assert ours == djangos and [e.detail for e in ours] == [e.detail for e in djangos]
    assert query.instances(object_id="no such request") == []


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_on_postgresql_a_compiled_query_is_a_prepared_statement_logged_with_its_values(
        prescriber):
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=req, answers=approvable_case(member_id="M-PREP"),
                       step="review")
    query = CompiledQuery(_has_documents, "request_id")
    with CaptureQueriesContext(connection) as ctx:
        assert query.first(request_id=req.pk)["member_id"] == "M-PREP"
        assert query.first(request_id=req.pk)["member_id"] == "M-PREP"
    sql, _ = query.bound("default", {"request_id": req.pk})
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    # Planned once for the connection: its SQL is there, $1, $2... for the values.
    assert any(re.sub(r"\$\d+", "%s", statement) == sql for statement in prepared)
    # The query log (tests, DEBUG) shows the values, as for any other query.
    logged = [q["sql"] for q in ctx.captured_queries]
    assert len(logged) == 2 and all(f'= {req.pk}' in q for q in logged), logged
    # Django's own queries still bind on the client and are never prepared.
    assert not [s for s in prepared if "django_session" in s or "SELECT 1" == s]
