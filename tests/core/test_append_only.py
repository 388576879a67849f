"""Determinations, letters and audit rows cannot be changed in the database."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from authorizations.models import AuditEvent, Determination, Letter
from tests.factories import approvable_case, submitted_request

REFUSED = (IntegrityError, DatabaseError)


@pytest.fixture
def decided(prescriber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submitted_request(prescriber, approvable_case()).request


@pytest.mark.django_db
@pytest.mark.parametrize("model,change", [
    (Determination, {"rationale": "rewritten"}),
    (Letter, {"sha256": "0" * 64}),
    (AuditEvent, {"action": "nothing happened"}),
])
def test_updates_are_refused_by_the_database(decided, model, change):
    assert model.objects.exists()
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        model.objects.update(**change)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite keeps DELETE: its test runs empty tables with it")
@pytest.mark.parametrize("model", [Determination, Letter, AuditEvent])
def test_deletes_are_refused_on_postgresql(decided, model):
    # Raw SQL: the database itself refuses, whatever Django's PROTECT would say.
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table}")
