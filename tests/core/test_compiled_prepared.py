"""core/prepared.py: on PostgreSQL a compiled query's prepared statement has
its text constants written in (a generic plan can use what names them) and
each call's values bound on the server; the log of queries reads as the
ORM's either way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authorizations.core.compiled import CompiledQuery
from authorizations.models import AuthorizationRequest, Status
from authorizations.requests.services import request_create, request_save_draft
from tests.factories import approvable_case

pytestmark = pytest.mark.django_db


def _member_of_draft(request_id: int):
    return (AuthorizationRequest.objects.filter(pk=request_id, status=Status.DRAFT)
            .values("member_id")[:1])


def _draft(prescriber, member: str) -> AuthorizationRequest:
    req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
    return request_save_draft(by=prescriber, req=req, answers=approvable_case(member_id=member),
                              step="patient")


def test_a_prepared_statement_has_the_querys_text_constants_written_in(prescriber):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    query = CompiledQuery(_member_of_draft, "request_id")
    drafts = [_draft(prescriber, member) for member in ("M-ONE", "M-TWO", "M-THREE")]
    for req in drafts:
        assert query.first(request_id=req.pk) == {"member_id": req.member_id}
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%"member_id" FROM "authorizations_authorizationrequest"%'])
        statements = [row[0] for row in cursor.fetchall()]
    # One statement for the three calls: the id bound on the server, the
    # query's own text constant written in.
    assert len(statements) == 1
    assert '"id" = $1' in statements[0] and "\"status\" = 'draft'" in statements[0]


def test_each_run_is_logged_as_the_orms_query_is(prescriber):
    query = CompiledQuery(_member_of_draft, "request_id")
    for member in ("M-ONE", "M-TWO", "M-THREE"):  # the third, prepared on PostgreSQL
        req = _draft(prescriber, member)
        with CaptureQueriesContext(connection) as compiled:
            read = query.first(request_id=req.pk)
        with CaptureQueriesContext(connection) as orm:
            assert read == _member_of_draft(req.pk).first()
        assert [q["sql"] for q in compiled.captured_queries] == [
            q["sql"] for q in orm.captured_queries]
