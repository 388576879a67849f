"""The operations pages' period: From and To dates, in the query string,
and the named periods the page offers as links (the default among them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms

from authorizations.core.forms import AccessibleForm

DATE_HELP = "For example, 2026-11-01"
# The period's bounds: the service began in 2026, and a date far out
# overflowed on its way to a datetime (issue 23 N11).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


class PeriodForm(AccessibleForm):
    """From and to dates (GET). Field names are the query's: from, to."""

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["from"] = forms.DateField(
            label="From date", help_text=DATE_HELP, input_formats=["%Y-%m-%d"],
            error_messages={"required": "Enter the From date",
                            "invalid": "From date must be a date like 2026-11-01"})
        self.fields["to"] = forms.DateField(
            label="To date", help_text=DATE_HELP, input_formats=["%Y-%m-%d"],
            error_messages={"required": "Enter the To date",
                            "invalid": "To date must be a date like 2026-11-30"})
        for name, f in self.fields.items():
            f.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off",
                                   "aria-describedby": f"id_{name}_helptext"})

    def clean(self):
        data = super().clean()
        for name, label in (("from", "From date"), ("to", "To date")):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"{label} must be between {EARLIEST.isoformat()} and "
                                     f"{LATEST.isoformat()}")
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "To date must be on or after the From date")
        return data


@dataclass(frozen=True)
class Period:
    key: str
    name: str
    start: date
    end: date

    @property
    def query(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _months_back(day: date, months: int) -> date:
    """The first of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def periods(today: date) -> list[Period]:
    """The named periods, the default first. The default is the last 12 full
    months: a year of whole months, the span of annual prior authorization
    reporting (CMS), unchanged all month long, and one that
    `seed_demo --history` fills (each of its years' requests fall in the year
    before today and at least 75 days back; a quarter's or a month's do not
    reach 11 in every cell). The month so far, the old default, is mostly empty
    in its first days; it stays one link away."""
    this_month = today.replace(day=1)
    last_month_end = this_month - timedelta(days=1)
    quarter = _months_back(today, (today.month - 1) % 3 + 3)
    return [
        Period("last_12_months", "The last 12 full months", _months_back(today, 12),
               last_month_end),
        Period("last_quarter", "The last full quarter", quarter,
               _months_back(quarter, -3) - timedelta(days=1)),
        Period("last_month", "The last full month", last_month_end.replace(day=1),
               last_month_end),
        Period("this_month", "This month so far", this_month, today),
        Period("this_year", "This year so far", today.replace(month=1, day=1), today),
    ]


def default_period(today: date) -> Period:
    return periods(today)[0]
