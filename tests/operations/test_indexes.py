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

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans"),
    pytest.mark.django_db,
]


def plans_of_review_flags() -> list[str]:
    answers = policy.validate(approvable_case(), as_of=AS_OF)
    with CaptureQueriesContext(connection) as ctx:
        facts.review_flags(answers, as_of=AS_OF)
    plans = []
    with connection.cursor() as cursor:
        # Planned as for a large table: with a few rows a scan is cheaper.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in ctx.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_the_possible_duplicate_check_reads_the_patient_name_index():
    plans = plans_of_review_flags()
    duplicate = [p for p in plans if "authorizations_authorizationrequest" in p]
    assert len(duplicate) == 1, plans
    assert "request_approved_patient_name" in duplicate[0], duplicate[0]
    assert "Seq Scan" not in duplicate[0]
