"""State changes only through the allowed transitions, in the database too
(issue 23 N12): a request, an authorization and a follow-up change status only
along their model's TRANSITIONS table (core/states.py), whoever holds a
connection. So the application's role cannot set an administered
authorization to cancelled (which would free the member key for a second
treatment), nor an approved request back to draft. And infusion rows are
insert-only (a correction is a new version): no UPDATE, no DELETE.

Each trigger is generated from the table below, a frozen copy of the models'
TRANSITIONS as they are at this migration (a migration must not change when
the models do); tests/treatment/test_state_triggers.py fails when a model's
table and this copy differ, so a new transition comes with a new migration.
bin/db-grants.sql also revokes UPDATE and DELETE on infusions from the app
role.

PostgreSQL only: the test flush empties tables with TRUNCATE, which fires no
row trigger. On SQLite (local runs and the tests) it is a no-op; the models'
transition_to holds the line there.
"""

from django.db import migrations

# table: {status: statuses it may become}, as in the models at this migration.
TRANSITIONS = {
    "authorizations_authorizationrequest": {
        "draft": ("approved", "pending_review"),
        "pending_review": ("approved", "denied", "information_requested"),
        "information_requested": ("pending_review", "approved", "denied"),
        "approved": (),
        "denied": ("approved",),
    },
    "authorizations_authorization": {
        "active": ("administered", "expired", "cancelled"),
        "administered": (),
        "expired": (),
        "cancelled": (),
    },
    "authorizations_followup": {
        "open": ("submitted", "waived"),
        "submitted": (),
        "waived": (),
    },
}
INSERT_ONLY = "authorizations_infusion"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def transition_function(table: str, moves: dict[str, tuple[str, ...]]) -> str:
    """A PL/pgSQL trigger function refusing any status change not in `moves`."""
    pairs = ", ".join(f"({_quote(old)}, {_quote(new)})"
                      for old, news in moves.items() for new in news)
    return f"""
CREATE OR REPLACE FUNCTION {table}_transition() RETURNS trigger AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
            AND (OLD.status::text, NEW.status::text) NOT IN ({pairs}) THEN
        RAISE EXCEPTION '{table}: status % cannot become %', OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


INSERT_ONLY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {INSERT_ONLY}_insert_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{INSERT_ONLY} rows are insert-only (a correction is a new version): '
                    '% refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, moves in TRANSITIONS.items():
        # No parameters: the "%" in RAISE are PL/pgSQL placeholders, not psycopg ones.
        schema_editor.execute(transition_function(table, moves), params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_transitions BEFORE UPDATE OF status ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_transition()")
    schema_editor.execute(INSERT_ONLY_FUNCTION, params=None)
    schema_editor.execute(
        f"CREATE TRIGGER {INSERT_ONLY}_insert_only BEFORE UPDATE OR DELETE ON {INSERT_ONLY} "
        f"FOR EACH ROW EXECUTE FUNCTION {INSERT_ONLY}_insert_only()")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in (*TRANSITIONS, INSERT_ONLY):
        suffix = "insert_only" if table == INSERT_ONLY else "transitions"
        function = "insert_only" if table == INSERT_ONLY else "transition"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_{function}()")


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0016_submitted_by")]
    operations = [migrations.RunPython(forwards, backwards)]
