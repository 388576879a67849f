"""The pages' one date-and-time format names the zone, even in the hour the
clocks repeat (Django's `T` writes nothing there)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import formats, timezone

from authorizations.core.formats import page_datetime

NEW_YORK = ZoneInfo("America/New_York")


def test_both_one_thirties_of_the_fall_back_night_are_named():
    # 2026-11-01 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second = first + timedelta(hours=1)
    with timezone.override(NEW_YORK):
        assert page_datetime(first) == "November 1, 2026, 1:30 AM EDT"
        assert page_datetime(second) == "November 1, 2026, 1:30 AM EST"
        # What Django's own format writes for them: no zone at all.
        assert formats.date_format(timezone.localtime(second), "DATETIME_FORMAT") == \
            "November 1, 2026, 1:30 AM "


def test_any_other_time_reads_as_django_writes_it():
    moment = datetime(2026, 7, 4, 18, 5, tzinfo=UTC)
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        assert page_datetime(moment) == "July 4, 2026, 11:05 AM PDT" == formats.date_format(
            timezone.localtime(moment), "DATETIME_FORMAT")
    assert page_datetime(None) == ""


def test_every_template_has_the_filter():
    moment = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    with timezone.override(NEW_YORK):
        assert Template("{{ t|page_datetime }}").render(Context({"t": moment})) == \
            "November 1, 2026, 1:30 AM EST"
