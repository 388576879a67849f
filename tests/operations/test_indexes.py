"""The checks every review page and submit make stay index lookups as the
requests table grows (docs/benchmarks.md: the possible-duplicate check was a
scan of every request, 88 ms at 100,000)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authorizations import policy
from authorizations.requests import facts
from tests.cases import AS_OF, approvable_case
from tests.factories import draft_request

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans"),
    pytest.mark.django_db,
]


def plans_of(ctx: CaptureQueriesContext) -> list[str]:
    plans = []
    with connection.cursor() as cursor:
        # Planned as for a large table: with a few rows a scan is cheaper.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in ctx.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def plans_of_review_flags() -> list[str]:
    answers = policy.validate(approvable_case(), as_of=AS_OF)
    with CaptureQueriesContext(connection) as ctx:
        facts.review_flags(answers, as_of=AS_OF)
    return plans_of(ctx)


def test_the_possible_duplicate_check_reads_the_patient_name_index():
    plans = plans_of_review_flags()
    duplicate = [p for p in plans if "authorizations_authorizationrequest" in p]
    assert len(duplicate) == 1, plans
    assert "request_approved_patient_name" in duplicate[0], duplicate[0]
    assert "Seq Scan" not in duplicate[0]


def test_an_evaluations_one_query_reads_only_indexes(prescriber):
    """evaluate_request reads the member's history, a possible duplicate, the
    roster and the documents in one query: each part an index lookup."""
    req = draft_request(prescriber)
    derived = facts.derived_answers(req)
    with CaptureQueriesContext(connection) as ctx:
        facts.evaluate_request(req, as_of=AS_OF, derived=derived)
    [plan] = plans_of(ctx)
    assert "request_approved_patient_name" in plan, plan
    assert "Seq Scan" not in plan, plan
