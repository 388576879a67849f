"""Supporting documents of a request, their bytes in the database.

A document of a request that is no longer a draft cannot be changed or deleted:
PostgreSQL refuses UPDATE and DELETE, SQLite refuses UPDATE (it keeps DELETE, as
in 0004: its test runs empty tables with DELETE, in no set order). A draft's
documents can be removed, and go with a discarded draft.

Note for later migrations: on SQLite the trigger reads
authorizations_authorizationrequest, so a migration that makes SQLite rebuild
that table (most AddField/AlterField on it) must drop this trigger first and
create it again after.

The content column comes last: SQLite then inserts a zero-filled blob
without building it in memory, and the bytes are written a slice at a time.
On PostgreSQL the content column is stored uncompressed out of line (STORAGE
EXTERNAL; PDFs and images hardly compress), so a download reads it in slices
without decompressing the whole value for each.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TABLE = "authorizations_document"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION hemgenix_document_append_only() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM authorizations_authorizationrequest r
               WHERE r.id = OLD.request_id AND r.status <> 'draft')
       OR (TG_OP = 'UPDATE' AND EXISTS (
               SELECT 1 FROM authorizations_authorizationrequest r
               WHERE r.id = NEW.request_id AND r.status <> 'draft')) THEN
        RAISE EXCEPTION '% rows of a submitted request are append-only: % refused',
            TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_TRIGGER = f"""
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE}
WHEN (SELECT status FROM authorizations_authorizationrequest WHERE id = OLD.request_id) <> 'draft'
  OR (SELECT status FROM authorizations_authorizationrequest WHERE id = NEW.request_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, '{TABLE} rows of a submitted request are append-only: UPDATE refused');
END
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN content SET STORAGE EXTERNAL")
        # No parameters: the "%" in RAISE are PL/pgSQL placeholders, not psycopg ones.
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION hemgenix_document_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS hemgenix_document_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only")


class Migration(migrations.Migration):

    dependencies = [
        ('authorizations', '0005_member_key_and_authorization_states'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('factor_ix_lab', 'Factor IX lab report'), ('inhibitor_assay', 'Inhibitor assay'), ('aav5_antibody', 'AAV5 antibody report'), ('liver_panel', 'Liver panel'), ('liver_imaging', 'Liver imaging report'), ('viral_tests', 'Viral tests'), ('clinic_note', 'Clinic note'), ('other', 'Other')], max_length=20)),
                ('criterion', models.CharField(blank=True, max_length=40)),
                ('file_name', models.CharField(max_length=120)),
                ('content_type', models.CharField(max_length=30)),
                ('size', models.PositiveIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='authorizations.authorizationrequest')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                # Last, on purpose: SQLite writes a zero-filled blob in the last
                # column without building it in memory (documents._insert).
                ('content', models.BinaryField()),
            ],
            options={
                'ordering': ['uploaded_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('size__gt', 0), ('size__lte', 20971520)), name='document_size_limit'), models.CheckConstraint(condition=models.Q(('content_type__in', ('application/pdf', 'image/png', 'image/jpeg'))), name='document_content_type')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
