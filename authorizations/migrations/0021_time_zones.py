"""Issue 20: time zones. Each HTC gets its zone (its state's where the state
has one; the starter directory's `time_zone` column for a center in a state
with two), each reviewer a zone of their own (blank: the service's), and each
peer-to-peer the zone its times are set in (the service's for the ones
offered before: their times were read in it)."""

from django.conf import settings
from django.db import migrations, models

from authorizations.accounts import htc_csv
from authorizations.core import zones

ZONES = [
    ("America/New_York", "Eastern time"),
    ("America/Chicago", "Central time"),
    ("America/Denver", "Mountain time"),
    ("America/Phoenix", "Mountain time, no daylight saving (Arizona)"),
    ("America/Los_Angeles", "Pacific time"),
    ("America/Anchorage", "Alaska time"),
    ("America/Adak", "Hawaii-Aleutian time, with daylight saving (Aleutian Islands)"),
    ("Pacific/Honolulu", "Hawaii time"),
    ("America/Puerto_Rico", "Atlantic time (Puerto Rico, US Virgin Islands)"),
    ("Pacific/Guam", "Chamorro time (Guam, Northern Mariana Islands)"),
    ("Pacific/Pago_Pago", "Samoa time (American Samoa)"),
]


def fill_zones(apps, schema_editor):
    # A migration writes its historical models directly (see 0002).
    HTC = apps.get_model("authorizations", "HTC")
    with open(htc_csv.STARTER_CSV, newline="", encoding="utf-8") as handle:
        starter = {(r.name, r.city, r.state): r.time_zone for r in htc_csv.read_rows(handle)}
    for htc in HTC.objects.filter(time_zone=""):
        zone = zones.state_zone(htc.state) or starter.get((htc.name, htc.city, htc.state), "")
        if zone:
            HTC.objects.filter(pk=htc.pk).update(time_zone=zone)
    apps.get_model("authorizations", "PeerToPeer").objects.update(time_zone=settings.TIME_ZONE)


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0020_case_owner")]
    operations = [
        migrations.AddField(
            model_name="htc", name="time_zone",
            field=models.CharField(
                blank=True, choices=ZONES, max_length=40,
                help_text="From the state where it has one zone; set here where it has two "
                          "(e.g. Tennessee). Blank: the service's zone.")),
        migrations.AddField(
            model_name="reviewerprofile", name="time_zone",
            field=models.CharField(blank=True, choices=ZONES, max_length=40,
                                   help_text="Blank: the service's zone.")),
        migrations.AddField(
            model_name="peertopeer", name="time_zone",
            field=models.CharField(blank=True, max_length=40)),
        migrations.RunPython(fill_zones, migrations.RunPython.noop),
    ]
