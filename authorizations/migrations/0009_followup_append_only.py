"""A submitted follow-up assessment is append-only in the database too: once
its status is "submitted", none of its data changes and the row is never
deleted, whoever holds a connection.

Only a submitted row is fixed: an open follow-up still takes draft answers,
its submission, a waiver, and a new due date when the infusion date is
corrected (services/treatment.py); reminders are rows of their own table.
`updated_at` alone may change (Django's auto_now), since it says nothing.

PostgreSQL refuses the UPDATE and any DELETE of a submitted row (the test
runs empty tables with TRUNCATE, which fires no row trigger). SQLite refuses
the UPDATE, and the DELETE while the follow-up's authorization exists: SQLite
has no TRUNCATE, so its test flush deletes rows, and tests/conftest.py makes
that flush empty the authorizations first (as 0004 and 0008 keep DELETE on
SQLite for the same reason).
"""

from django.db import migrations

TABLE = "authorizations_followup"
SUBMITTED = "submitted"
# Every column but updated_at.
FIXED = ("id", "authorization_id", "number", "due_on", "status", "answers", "submitted_at",
         "submitted_by_id", "waived_reason", "waived_by_id")
MESSAGE = "a submitted follow-up is append-only"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION hemgenix_followup_submitted_fixed() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> '{SUBMITTED}' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{MESSAGE}: DELETE refused'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF {" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in FIXED)} THEN
        RAISE EXCEPTION '{MESSAGE}: UPDATE refused'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_UPDATE = f"""
CREATE TRIGGER {TABLE}_submitted_fixed BEFORE UPDATE ON {TABLE}
WHEN OLD.status = '{SUBMITTED}' AND ({" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in FIXED)})
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused');
END
"""

SQLITE_DELETE = f"""
CREATE TRIGGER {TABLE}_submitted_kept BEFORE DELETE ON {TABLE}
WHEN OLD.status = '{SUBMITTED}' AND EXISTS (
    SELECT 1 FROM authorizations_authorization WHERE id = OLD.authorization_id)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused');
END
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_submitted_fixed BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION hemgenix_followup_submitted_fixed()")
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UPDATE)
        schema_editor.execute(SQLITE_DELETE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_submitted_fixed ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS hemgenix_followup_submitted_fixed()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_submitted_fixed")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_submitted_kept")


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0008_treatment")]
    operations = [migrations.RunPython(forwards, backwards)]
