import django.db.models.deletion
from django.core.management import call_command
from django.db import migrations, models


def create_throttle_cache_table(apps, schema_editor):
    # The throttle counts in the database (settings.CACHES["api_throttle"]),
    # so every app server shares them.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("authorizations", "0005_member_key_and_authorization_states"),
    ]

    operations = [
        migrations.CreateModel(
            name="HTCAPIKey",
            fields=[
                ("id", models.CharField(editable=False, max_length=150, primary_key=True,
                                        serialize=False, unique=True)),
                ("prefix", models.CharField(editable=False, max_length=8, unique=True)),
                ("hashed_key", models.CharField(editable=False, max_length=150)),
                ("created", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("name", models.CharField(default=None, help_text="A free-form name for the API key. Need not be unique. 50 characters max.", max_length=50)),
                ("revoked", models.BooleanField(blank=True, default=False, help_text="If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)")),
                ("expiry_date", models.DateTimeField(blank=True, help_text="Once API key expires, clients cannot use it anymore.", null=True, verbose_name="Expires")),
                ("htc", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="api_keys", to="authorizations.htc", verbose_name="HTC")),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "ordering": ("-created",),
                "abstract": False,
            },
        ),
        migrations.RunPython(create_throttle_cache_table, migrations.RunPython.noop),
    ]
