"""A step kept as typed: what "Save and come back later" and Back keep of a
step that is not complete (clinicians gather results over days).

The text is kept exactly as the page's widgets read it from the POST (a
string, a list of strings, or a ticked box's True), never parsed: a
half-typed "1e30" is only text until the step is completed, when the step's
form reads it like any other answer. So it is bounded here, and NUL and other
control characters are refused with a message naming the field, before
anything is kept. Nothing here writes: the storage keeps what this returns.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms

# Longer than any answer the forms accept (the longest is a 2,000-character
# reason); a field's own max_length counts when it is longer.
TYPED_MAX_CHARS = 2000
TYPED_MAX_VALUES = 20  # a field with several values (none today) keeps at most this many
# Typed on a keyboard into a text area: the rest of the control characters are not.
ALLOWED_CONTROLS = frozenset("\t\n\r")

Typed = dict[str, Any]


def _label(field: forms.Field, name: str) -> str:
    return str(field.label or name.replace("_", " ").capitalize())


def _problem(text: str, limit: int, label: str) -> str | None:
    if len(text) > limit:
        return (f"{label}: this is too long to save ({len(text):,} characters; at most "
                f"{limit:,}). Shorten it, then save again.")
    if any(unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS for c in text):
        return (f"{label}: this contains a control character (such as a NUL) that cannot be "
                "saved. Type the answer again without it, then save again.")
    return None


def typed_text(form: forms.Form) -> tuple[Typed, dict[str, str]]:
    """The step's fields as typed in `form` (bound to the POST), and the
    problems that stop it from being kept, as field name -> message."""
    typed: Typed = {}
    problems: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form[name].data  # what the widget reads, unparsed
        limit = max(TYPED_MAX_CHARS, getattr(field, "max_length", None) or 0)
        texts = value if isinstance(value, list) else [value]
        if len(texts) > TYPED_MAX_VALUES:
            problems[name] = f"{_label(field, name)}: choose at most {TYPED_MAX_VALUES}."
            continue
        for text in texts:
            if isinstance(text, str) and (problem := _problem(text, limit, _label(field, name))):
                problems[name] = problem
                break
        else:
            if value not in (None, "", [], False):
                typed[name] = value
    return typed, problems


def as_shown(form: forms.Form) -> Typed:
    """What the step's page showed before anything was typed (its initial
    values), in typed_text's terms: a page left as shown has nothing to keep."""
    return {name: form[name].initial for name in form.fields
            if form[name].initial not in (None, "", [], False)}


def missing(form: forms.Form, typed: Typed) -> list[str]:
    """The labels of the questions still to answer on a step kept as typed:
    required, asked (a question asked on an answer of the same step is judged
    on the typed answer), and empty. Nothing is parsed."""
    conditions: dict[str, tuple[str, list[str], str]] = \
        form.conditions() if hasattr(form, "conditions") else {}
    out = []
    for name, field in form.fields.items():
        if not field.required or typed.get(name) not in (None, "", []):
            continue
        if name in conditions:
            trigger, values, _ = conditions[name]
            if typed.get(trigger) not in values:
                continue
        out.append(_label(field, name))
    return out
