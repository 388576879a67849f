"""The operations pages' period: From and To dates, in the query string."""

from __future__ import annotations

from datetime import date

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
