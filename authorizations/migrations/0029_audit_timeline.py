# A record's timeline without its page views (AuditEvent.Meta.indexes).

from django.db import migrations, models


class AddIndexConcurrently(migrations.AddIndex):
    """On PostgreSQL, built without locking the audit log's writes (every
    signed-in page writes one): CREATE INDEX CONCURRENTLY, which may not run
    in a transaction (atomic = False below). Elsewhere, as AddIndex."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('authorizations', '0028_user_session'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('action', 'view'), _negated=True),
                               fields=['object_id', 'object_type', '-at', '-id'],
                               name='audit_timeline'),
        ),
    ]
