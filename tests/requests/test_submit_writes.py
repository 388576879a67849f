"""What the wizard's submit writes (requests/services.request_submit with the
review step): its audit rows in one INSERT, in their order; the submitter
among those who drafted it, once; the draft read under its lock as the ORM
reads it (requests/submission.py)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from authorizations.core.actions import AuditAction
from authorizations.models import AuditEvent, AuthorizationRequest
from authorizations.requests.services import request_submit
from authorizations.requests.submission import locked_draft
from tests.cases import AS_OF
from tests.factories import PrescriberFactory, draft_request

pytestmark = pytest.mark.django_db


def submit_review(by, req):
    with CaptureQueriesContext(connection) as queries:
        request_submit(by=by, req=req, as_of=AS_OF, step="review", expedited=False)
    return [q["sql"] for q in queries.captured_queries]


def count(sql: list[str], table: str) -> int:
    """The INSERTs into `table` (SQLite's M2M add: INSERT OR IGNORE INTO)."""
    return sum(s.startswith("INSERT") and f'INTO "{table}"' in s for s in sql)


DRAFTED_BY = "authorizations_authorizationrequest_drafted_by"


def test_the_submits_audit_rows_are_one_insert_in_their_order(prescriber):
    req = draft_request(prescriber)
    sql = submit_review(prescriber, req)
    assert count(sql, "authorizations_auditevent") == 1
    rows = list(AuditEvent.objects.filter(object_type="AuthorizationRequest",
                                          object_id=str(req.pk)).order_by("id"))
    assert [r.action for r in rows] == [AuditAction.CREATE, AuditAction.SAVE_DRAFT,
                                        AuditAction.SAVE_DRAFT, AuditAction.SUBMIT,
                                        AuditAction.DELIVERY_QUEUE]
    assert rows[2].detail == {"step": "review"}
    assert rows[3].detail["status"] == "pending_review"
    assert rows[4].detail["delivery"] and rows[4].actor_username == "system"


def test_the_submitter_is_among_the_drafters_once(prescriber):
    req = draft_request(prescriber)
    # The drafter: on record already, so no INSERT.
    assert count(submit_review(prescriber, req), DRAFTED_BY) == 0
    assert list(req.drafted_by.all()) == [prescriber]
    # A colleague at the HTC who submits a draft they never saved a step of.
    colleague = PrescriberFactory(user__username="colleague", htc=prescriber.prescriber.htc).user
    other = draft_request(prescriber)
    assert count(submit_review(colleague, other), DRAFTED_BY) == 1
    assert set(other.drafted_by.all()) == {prescriber, colleague}


def test_the_locked_draft_reads_as_the_orm_does(prescriber):
    colleague = PrescriberFactory(user__username="colleague", htc=prescriber.prescriber.htc).user
    req = draft_request(prescriber)
    orm = AuthorizationRequest.objects.select_related("htc").get(pk=req.pk)
    fields = [f.attname for f in AuthorizationRequest._meta.concrete_fields]
    with transaction.atomic():
        locked, drafted = locked_draft(orm, by=prescriber)
        assert [getattr(locked, f) for f in fields] == [getattr(orm, f) for f in fields]
        assert drafted is True and locked_draft(orm, by=colleague)[1] is False
        assert locked.htc == orm.htc and AuthorizationRequest.htc.is_cached(locked)
