"""core/compiled.py: a query compiled once runs with each call's values, and a
query whose values Django writes into the SQL itself is refused."""

from datetime import date

import pytest
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL

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

    query = CompiledQuery(lambda request_id: AuthorizationRequest.objects.filter(
        pk=request_id).annotate(drafters=Count("drafted_by")), "request_id")
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    request_save_draft(by=prescriber, req=req, answers=approvable_case(), step="review")
    read = query.instance(AuthorizationRequest, request_id=req.pk)
    orm = AuthorizationRequest.objects.annotate(drafters=Count("drafted_by")).get(pk=req.pk)
    fields = [f.attname for f in AuthorizationRequest._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert read.drafters == orm.drafters == 1
    assert query.instance(AuthorizationRequest, request_id=10**9) is None
