"""An index for the possible-duplicate check (facts.review_flags): approved
requests by upper-cased patient name. CREATE INDEX only, on both databases:
no table is rebuilt, so the append-only triggers stay as they are."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("authorizations", "0012_letter_copies"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="authorizationrequest",
            index=models.Index(django.db.models.functions.text.Upper("patient_name"),
                               condition=models.Q(("status", "approved")),
                               name="request_approved_patient_name"),
        ),
    ]
