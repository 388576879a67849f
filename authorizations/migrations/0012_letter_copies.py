"""The member's copy of each letter, in a table of its own: the letter table
is append-only, and a new table leaves its triggers (0004) untouched.
Member copies are append-only too (the function of 0004 on PostgreSQL)."""

import django.db.models.deletion
from django.db import migrations, models


TABLE = "authorizations_membercopy"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION hemgenix_refuse_change()")
    elif vendor == "sqlite":
        # UPDATE only, as 0004: SQLite's test runs empty tables with DELETE.
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} rows are append-only: UPDATE refused'); END")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        on = f" ON {TABLE}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only{on}")


class Migration(migrations.Migration):

    dependencies = [
        ('authorizations', '0011_appeal'),
    ]

    operations = [
        migrations.CreateModel(
            name='MemberCopy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('pdf', models.BinaryField()),
                ('sha256', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('information_request', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='member_copy', to='authorizations.informationrequest')),
                ('letter', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='member_copy', to='authorizations.letter')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('information_request__isnull', True), ('letter__isnull', False)), models.Q(('information_request__isnull', False), ('letter__isnull', True)), _connector='OR'), name='member_copy_of_one_letter')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
