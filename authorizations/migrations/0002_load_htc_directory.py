"""Load the starter HTC directory shipped in data/ (35 federally funded centers,
each with its public source). Operators refresh it with `manage.py import_htcs`."""

from django.db import migrations


def load_starter(apps, schema_editor):
    from authorizations import htc_directory

    HTC = apps.get_model("authorizations", "HTC")
    with open(htc_directory.STARTER_CSV, newline="", encoding="utf-8") as handle:
        htc_directory.load(htc_directory.read_rows(handle), HTC)


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0001_initial")]
    operations = [migrations.RunPython(load_starter, migrations.RunPython.noop)]
