"""Who read a patient's data is recorded before the page is given; on
PostgreSQL such a record, a transaction of its own, commits without waiting
for the disk's flush, and nothing else does (core/audit.py READ_RECORDS)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorizations.core.actions import AuditAction
from authorizations.core.audit import READ_RECORDS, audit
from authorizations.models import AuditEvent
from tests.cases import approvable_case

pytestmark = [pytest.mark.skipif("connection.vendor != 'postgresql'"),
              # Committed for real: the test's own transaction would hold the record.
              pytest.mark.django_db(transaction=True)]

ASYNC = "SET LOCAL synchronous_commit TO OFF"


def statements(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


def test_a_page_view_commits_its_record_without_the_disk_wait_and_nothing_else(
        reviewer_client, reviewer, prescriber, submit):
    req = submit(prescriber, approvable_case(member_id="M-READ-1", hbsag="positive"))
    page = reverse("admin:authorizations_authorizationrequest_change", args=[req.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = reviewer_client.get(page)
    assert response.status_code == 200 and req.number in response.content.decode()
    sql = statements(ctx)
    assert sql.count(ASYNC) == 1
    # Right before the one INSERT of the record, in the same transaction.
    after = sql[sql.index(ASYNC) + 1]
    assert after.startswith('INSERT INTO "authorizations_auditevent"') and "'view'" in after
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(req.pk),
                                     actor_id=reviewer.pk).count() == 1
    with connection.cursor() as cursor:  # SET LOCAL ended with its transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"

    # A change's record waits for the disk, as every other transaction does.
    with CaptureQueriesContext(connection) as ctx:
        audit(by=reviewer, action=AuditAction.CLAIM, obj=req)
    assert ASYNC not in statements(ctx) and len(statements(ctx)) == 1
    assert AuditAction.CLAIM not in READ_RECORDS


def test_inside_a_transaction_the_record_commits_with_it(reviewer, prescriber, submit):
    from django.db import transaction

    req = submit(prescriber, approvable_case(member_id="M-READ-2", hbsag="positive"))
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        audit(by=reviewer, action=AuditAction.VIEW, obj=req)
    assert ASYNC not in statements(ctx)
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(req.pk)).exists()
