"""Issue 20: each HTC's time zone, from its state where the state has one,
set per center where it has two (Tennessee, Texas, ...)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from authorizations.accounts.directory import htc_save
from authorizations.core import zones
from authorizations.models import HTC

pytestmark = pytest.mark.django_db


def test_the_migration_gives_every_starter_center_its_zone():
    assert not HTC.objects.filter(time_zone="").exists()
    zone = dict(HTC.objects.values_list("city", "time_zone"))
    # Tennessee and Texas have two zones: the directory says which each center is in.
    assert zone["Memphis"] == "America/Chicago"
    assert zone["Dallas"] == "America/Chicago"
    assert zone["Portland"] == "America/Los_Angeles"
    # One-zone states: from the state.
    assert zone["Columbus"] == "America/New_York"
    assert zone["Iowa City"] == "America/Chicago"


def test_a_state_with_two_zones_has_no_zone_of_its_own():
    assert zones.state_zone("TN") == "" and "TN" in zones.SPLIT_STATES
    assert zones.state_zone("ca") == "America/Los_Angeles"
    assert not set(zones.STATE_ZONES) & zones.SPLIT_STATES
    assert set(zones.STATE_ZONES.values()) <= set(zones.ZONE_WORDS)


def test_a_center_saved_without_a_zone_takes_its_states_and_a_split_state_waits_for_one():
    ohio = htc_save(HTC(name="New Ohio Center", city="Akron", state="OH"), by=None)
    assert ohio.time_zone == "America/New_York"
    tennessee = htc_save(HTC(name="New Tennessee Center", city="Knoxville", state="TN"), by=None)
    assert tennessee.time_zone == ""
    assert zones.htc_zone_name(tennessee) == "America/New_York"  # the service's meanwhile


def test_the_import_reads_an_optional_time_zone_column(tmp_path):
    csv = tmp_path / "htcs.csv"
    csv.write_text("name,city,state,time_zone\n"
                   "Knoxville Center,Knoxville,TN,America/New_York\n"
                   "Nashville Center,Nashville,TN,\n"
                   "Boise Center,Boise,ID,America/Denver\n"
                   "Seattle Center,Seattle,WA,\n")
    call_command("import_htcs", str(csv), stdout=None)
    zone = dict(HTC.objects.filter(city__in=["Knoxville", "Nashville", "Boise", "Seattle"])
                .values_list("city", "time_zone"))
    assert zone == {"Knoxville": "America/New_York", "Nashville": "",
                    "Boise": "America/Denver", "Seattle": "America/Los_Angeles"}


def test_an_import_without_the_column_keeps_a_split_state_centers_zone(tmp_path):
    csv = tmp_path / "htcs.csv"
    csv.write_text("name,city,state,region\n"
                   "Hemophilia and Thrombosis Treatment Center at UTHSC (adult),Memphis,TN,"
                   "Southeast (Region IV)\n")
    call_command("import_htcs", str(csv), stdout=None)
    assert HTC.objects.get(city="Memphis").time_zone == "America/Chicago"


def test_an_unknown_zone_is_refused_naming_the_line_and_column(tmp_path):
    csv = tmp_path / "htcs.csv"
    csv.write_text("name,city,state,time_zone\nMemphis Two,Memphis,TN,Central\n")
    with pytest.raises(CommandError, match="line 2: time_zone must be one of"):
        call_command("import_htcs", str(csv))
    assert not HTC.objects.filter(name="Memphis Two").exists()
