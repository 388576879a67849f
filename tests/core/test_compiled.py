"""core/compiled.py: a query compiled once runs with each call's values, and a
query whose values Django writes into the SQL itself is refused."""

import pytest
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL

from authorizations.core.compiled import CompiledQuery
from authorizations.models import AuthorizationRequest, Document
from tests.factories import approvable_case

pytestmark = pytest.mark.django_db


def _has_documents(request_id: int):
    return (AuthorizationRequest.objects.filter(pk=request_id)
            .annotate(documented=Exists(Document.objects.filter(request=OuterRef("pk"))))
            .values("member_id", "documented")[:1])


def test_each_call_runs_with_its_own_values(prescriber):
    from authorizations.requests.services import request_create, request_save_draft

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


def _events_of(request_id: int):
    from authorizations.models import AuditEvent

    # object_id is a text column: the marker goes in as text.
    return (AuditEvent.objects.filter(object_type="AuthorizationRequest",
                                      object_id=str(request_id))
            .order_by("id").values("at", "detail", "action"))


def test_values_are_converted_as_djangos_values_are(prescriber):
    from authorizations.requests.services import request_create

    made = [request_create(by=prescriber, htc=prescriber.prescriber.htc) for _ in range(2)]
    query = CompiledQuery(_events_of, "request_id")
    for req in made + made:
        rows = query.values(request_id=req.pk)
        # Times as aware datetimes and JSON as dicts, on SQLite as on PostgreSQL.
        assert rows and rows == list(_events_of(req.pk))
        assert all(r["at"].tzinfo is not None and isinstance(r["detail"], dict) for r in rows)
    assert query.values(request_id=10**9) == []
