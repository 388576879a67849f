"""The shared rate-limit counters (core/ratelimit.py): one row per hashed key,
counted by an atomic upsert (N9)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("authorizations", "0018_member_roster"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("window_start", models.BigIntegerField()),
                ("count", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["window_start"], name="ratecounter_window")],
            },
        ),
    ]
