"""core/audit.batched_audits: the audit rows of a block are written at its
end in one INSERT, in the order recorded, each with its log line; a block
that raises writes none."""

from __future__ import annotations

import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit, batched_audits
from authorizations.models import AuditEvent

pytestmark = pytest.mark.django_db


def inserts(queries) -> int:
    return sum('INSERT INTO "authorizations_auditevent"' in q["sql"] for q in queries)


def test_the_rows_of_a_block_are_one_insert_in_their_order(
        prescriber, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="hemgenix.audit")
    before = AuditEvent.objects.count()
    actions = [AuditAction.SAVE_DRAFT, AuditAction.SUBMIT, AuditAction.DELIVERY_QUEUE]
    with django_capture_on_commit_callbacks(execute=True), \
            CaptureQueriesContext(connection) as queries, transaction.atomic():
        with batched_audits():
            made = [audit(by=prescriber, action=a, obj=prescriber, n=i)
                    for i, a in enumerate(actions)]
            with batched_audits():  # inside another: written with it
                made.append(audit(by=None, action=AuditAction.VIEW, obj=prescriber))
            assert AuditEvent.objects.count() == before and made[0].pk is None
    assert inserts(queries.captured_queries) == 1
    rows = list(AuditEvent.objects.order_by("id"))[before:]
    assert [r.pk for r in rows] == [e.pk for e in made]
    assert [(r.action, r.detail, r.actor_username) for r in rows] == [
        (AuditAction.SAVE_DRAFT, {"n": 0}, prescriber.username),
        (AuditAction.SUBMIT, {"n": 1}, prescriber.username),
        (AuditAction.DELIVERY_QUEUE, {"n": 2}, prescriber.username),
        (AuditAction.VIEW, {}, "system")]
    assert [r.at for r in rows] == sorted(r.at for r in rows)
    # Each row's log line, in order, with the id it was given.
    assert [r.fields["audit_id"] for r in caplog.records] == [r.pk for r in rows]


def test_a_block_that_raises_writes_no_row(prescriber):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), batched_audits():
        audit(by=prescriber, action=AuditAction.SUBMIT, obj=prescriber)
        raise RuntimeError("refused after auditing")
    assert AuditEvent.objects.count() == before
    # Outside a block, each row is written at once, as before.
    event = audit(by=prescriber, action=AuditAction.SUBMIT, obj=prescriber)
    assert AuditEvent.objects.order_by("id").last().pk == event.pk


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_row_is_written_at_once(prescriber):
    with batched_audits():
        event = audit(by=prescriber, action=AuditAction.SUBMIT, obj=prescriber)
        assert event.pk is not None
