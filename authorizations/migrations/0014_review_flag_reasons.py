"""Each review flag's reason (data dictionary version 3: which result and how
many days old). A nullable column without a default, so SQLite adds it with
ALTER TABLE ADD COLUMN and does not rebuild the requests table (whose
document trigger of 0006 would have to be dropped and made again)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("authorizations", "0013_patient_name_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorizationrequest",
            name="review_flag_reasons",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
