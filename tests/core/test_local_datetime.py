"""core.forms.LocalDateTimeField: the hour the clocks fall back happens twice,
and the field reads it as the moment its `repeated` names instead of refusing
it; the hour they skip is still refused."""

from datetime import UTC, datetime

import pytest
from django import forms
from django.utils import timezone

from authorizations.core.forms import LocalDateTimeField


def read(value: str, repeated: str):
    class TimeForm(forms.Form):
        at = LocalDateTimeField(repeated=repeated, input_formats=["%Y-%m-%dT%H:%M"])

    with timezone.override("America/New_York"):
        form = TimeForm({"at": value})
        return form.cleaned_data["at"] if form.is_valid() else form.errors["at"]


@pytest.mark.parametrize("value", ["2026-11-01T01:30", "2026-11-01 01:30", "2026-11-01T01:30:00"])
def test_the_repeated_hour_is_the_moment_named(value):
    # 01:30 EDT is 05:30 UTC; 01:30 EST, an hour later, is 06:30 UTC.
    assert read(value, "earlier") == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert read(value, "later") == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_the_skipped_hour_is_still_refused_by_name():
    errors = read("2026-03-08T02:30", "earlier")
    assert isinstance(errors, list) and "2026-03-08 02:30" in errors[0]
    assert "America/New_York" in errors[0]


def test_an_ordinary_time_is_read_in_the_zone():
    assert read("2026-11-27T12:00", "later") == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert read("", "later") == ["This field is required."]
    assert read("not a time", "earlier") == ["Enter a valid date/time."]


def test_repeated_must_be_named():
    with pytest.raises(ValueError, match="repeated"):
        LocalDateTimeField(repeated="either")
