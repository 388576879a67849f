"""A form renderer that writes Django's plain widgets in Python, byte for
byte as their templates (django/forms/widgets/*.html) write them, and hands
every other template to Django's renderer.

Django renders each widget, each option and each option's attributes
through its template engine: on the reviewer's request page, five forms
(some 60 templates) cost more than the values they print. The forms of that
page use it (`default_renderer = FAST_WIDGETS`); tests/core/test_widgets.py
holds each widget's output equal to Django's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"


def _text(value: Any) -> str:
    """`{{ value }}`: localized when not a string, escaped unless safe."""
    if not isinstance(value, str):
        value = localize(value)
    return str(conditional_escape(value))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (a safe value stays unescaped)."""
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items() if value is not False)


# Each template file ends in a newline, which its output keeps: an include
# adds its own, so `text.html` (which includes input.html) ends in two.
def _input(widget: dict[str, Any]) -> str:
    """input.html."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
            f'{_attrs(widget["attrs"])}>\n')


def _input_type(widget: dict[str, Any]) -> str:
    """text.html, date.html, checkbox.html...: input.html included."""
    return _input(widget) + "\n"


def _input_option(widget: dict[str, Any]) -> str:
    """input_option.html."""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    label_for = (f' for="{_text(widget["attrs"]["id"])}"' if widget["attrs"].get("id")
                 else "")
    return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>\n"


def _choice_option(widget: dict[str, Any]) -> str:
    """checkbox_option.html, radio_option.html: input_option.html included."""
    return _input_option(widget) + "\n"


def _textarea(widget: dict[str, Any]) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return (f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f"{value}</textarea>\n")


def _select_option(widget: dict[str, Any]) -> str:
    return (f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
            f'{_text(widget["label"])}</option>\n')


def _select(widget: dict[str, Any], renderer: FastWidgets) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append("\n  " + renderer.option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(widget: dict[str, Any], renderer: FastWidgets) -> str:
    """multiple_input.html."""
    attrs = widget["attrs"]
    parts = ["<div", f' id="{_text(attrs["id"])}"' if attrs.get("id") else "",
             f' class="{_text(attrs["class"])}"' if attrs.get("class") else "", ">"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {renderer.option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _choices(widget: dict[str, Any], renderer: FastWidgets) -> str:
    """checkbox_select.html, radio.html: multiple_input.html included."""
    return _multiple_input(widget, renderer) + "\n"


SIMPLE: dict[str, Callable[[dict[str, Any]], str]] = {
    f"{WIDGETS}input.html": _input,
    **{f"{WIDGETS}{name}.html": _input_type for name in (
        "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
        "checkbox", "file", "color", "search", "tel")},
    # A file input with no file yet (`is_initial`: FastWidgets.render) writes
    # no value, as input.html, and nothing before it.
    f"{WIDGETS}clearable_file_input.html": _input_type,
    f"{WIDGETS}input_option.html": _input_option,
    f"{WIDGETS}checkbox_option.html": _choice_option,
    f"{WIDGETS}radio_option.html": _choice_option,
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select_option.html": _select_option,
}
NESTED: dict[str, Callable[[dict[str, Any], FastWidgets], str]] = {
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}multiple_input.html": _multiple_input,
    f"{WIDGETS}checkbox_select.html": _choices,
    f"{WIDGETS}radio.html": _choices,
}


class FastWidgets(DjangoTemplates):
    """Django's template renderer, the plain widgets written in Python."""

    def render(self, template_name: str, context: dict[str, Any],
               request: HttpRequest | None = None) -> str:
        widget = context.get("widget") if isinstance(context, dict) else None
        # Stripped, as Django's renderer strips what a template writes.
        if widget is not None and template_name in SIMPLE and not widget.get("is_initial"):
            return mark_safe(SIMPLE[template_name](widget).strip())
        if widget is not None and template_name in NESTED:
            return mark_safe(NESTED[template_name](widget, self).strip())
        return super().render(template_name, context, request)

    def option(self, option: dict[str, Any]) -> str:
        """An option as its template writes it when included (not stripped)."""
        name = option["template_name"]
        if name in SIMPLE:
            return SIMPLE[name](option)
        return str(self.get_template(name).render({"widget": option}))


FAST_WIDGETS = FastWidgets()
