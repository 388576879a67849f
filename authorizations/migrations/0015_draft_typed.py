"""A draft's unfinished steps, kept as typed (issue 19: entry that never loses
work). A nullable column without a default, so SQLite adds it with ALTER
TABLE ADD COLUMN and does not rebuild the requests table (whose document
trigger of 0006 would have to be dropped and made again)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("authorizations", "0014_review_flag_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorizationrequest",
            name="draft_typed",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
