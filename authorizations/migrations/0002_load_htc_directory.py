"""Load the starter HTC directory shipped in data/ (35 federally funded centers,
each with its public source). Operators refresh it with `manage.py import_htcs`."""

from django.db import migrations


def load_starter(apps, schema_editor):
    # A migration writes its historical model directly, the one exception to
    # "the services are the only writers": services use today's models, and a
    # migration must run the same whatever the services become.
    from authorizations.accounts import htc_csv as htc_directory

    HTC = apps.get_model("authorizations", "HTC")
    with open(htc_directory.STARTER_CSV, newline="", encoding="utf-8") as handle:
        rows = htc_directory.read_rows(handle)
    for row in rows:
        HTC.objects.update_or_create(
            name=row.name, city=row.city, state=row.state,
            defaults={"federally_designated": row.federally_designated, "region": row.region,
                      "source_url": row.source_url},
        )


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0001_initial")]
    operations = [migrations.RunPython(load_starter, migrations.RunPython.noop)]
