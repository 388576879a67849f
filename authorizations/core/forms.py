"""The one base of the project's forms, and its one error summary.

Every page that shows a form lists its errors at the top (the template
authorizations/_error_summary.html): each message links to the input to fix,
in the page's order; a radio group's first button takes the focus.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms

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
