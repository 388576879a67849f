"""The one base of the project's forms, its one error summary, and the local
date-and-time field that survives the night the clocks fall back.

Every page that shows a form lists its errors at the top (the template
authorizations/_error_summary.html): each message links to the input to fix,
in the page's order; a radio group's first button takes the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from authorizations.policy.text import BIDI_MESSAGE, has_bidi_control


def error_summary(form: forms.BaseForm, *, names_field: bool = False) -> list[tuple[str, str]]:
    """(id of the input to focus, message) for each error, in page order; errors
    of the whole form last, with no input. `names_field`: start each message
    with its field's label, for forms whose messages do not name the field."""
    out = []
    for name, field in form.fields.items():
        for message in form.errors.get(name, []):
            target = form[name].auto_id
            if isinstance(field.widget, forms.RadioSelect):
                target = f"{target}_0"
            out.append((target, f"{field.label}: {message}" if names_field else str(message)))
    out += [("", str(message)) for message in form.non_field_errors()]
    return out


class AccessibleForm(forms.Form):
    summary_names_field = False

    def error_summary(self) -> list[tuple[str, str]]:
        return error_summary(self, names_field=self.summary_names_field)


def no_bidi_controls(label: str) -> Callable[[str], None]:
    """A name field's validator: refuses the Unicode controls that reorder how
    text is shown (policy/text.py), with a message naming the field."""
    def validate(value: str) -> None:
        if has_bidi_control(value or ""):
            raise forms.ValidationError(f"{label} {BIDI_MESSAGE}", code="bidi")
    return validate


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the viewer's zone. On the night the clocks
    fall back, 01:00 to 01:59 happen twice and Django refuses such a time as
    ambiguous: a page that offers the time now (or a due time computed from
    it) would refuse its own offer for that hour. `repeated` names which of
    the two moments is meant, chosen by who the time protects: "earlier" for
    a receipt (a decision clock then never runs later than owed), "later" for
    a due time (the person who must answer never gets less time than shown).
    A time that does not exist (the hour the clocks skip) is still refused,
    with Django's message."""

    def __init__(self, *, repeated: str, **kwargs: Any) -> None:
        if repeated not in ("earlier", "later"):
            raise ValueError(f"repeated must be 'earlier' or 'later', not {repeated!r}")
        self.fold = 0 if repeated == "earlier" else 1
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:
        naive = self._naive(value)
        if naive is not None:
            zone = timezone.get_current_timezone()
            first = naive.replace(tzinfo=zone, fold=0)
            second = naive.replace(tzinfo=zone, fold=1)
            # Ambiguous exactly when the first reading is still summer time
            # (PEP 495: fold picks the reading; UTC makes it unambiguous).
            if first.utcoffset() > second.utcoffset():  # type: ignore[operator]
                return (second if self.fold else first).astimezone(UTC)
        return super().to_python(value)

    def _naive(self, value: Any) -> datetime | None:
        """The typed wall time, read as Django reads it (ISO 8601 first, then
        the input formats); None for anything else, left to Django."""
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()
        try:
            parsed = parse_datetime(text)
        except ValueError:
            return None
        if parsed is None:
            for fmt in self.input_formats:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        return parsed if parsed is not None and parsed.tzinfo is None else None
