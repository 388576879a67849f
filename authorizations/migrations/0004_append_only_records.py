"""Determinations, letters and audit events are append-only in the database too,
not only in the code and the admin: a row, once written, cannot be changed or
deleted, whoever holds a connection.

PostgreSQL refuses UPDATE and DELETE. SQLite (local and tests) refuses UPDATE;
it keeps DELETE, because SQLite has no TRUNCATE and its test runs empty tables
with DELETE.
"""

from django.db import migrations

TABLES = ("authorizations_determination", "authorizations_letter", "authorizations_auditevent")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION hemgenix_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No parameters: the "%" in RAISE are PL/pgSQL placeholders, not psycopg ones.
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION hemgenix_refuse_change()")
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: UPDATE refused'); END")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        for table in TABLES:
            on = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only{on}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS hemgenix_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0003_request_queue_order_index")]
    operations = [migrations.RunPython(forwards, backwards)]
