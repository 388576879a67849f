"""The request page's forms render their widgets in Python
(core/widgets.FastWidgets): byte for byte what Django's widget templates write."""

from datetime import date, datetime

import pytest
from django import forms
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from authorizations.core.widgets import FAST_WIDGETS
from authorizations.documents.forms import ReceivedDocumentForm
from authorizations.review.forms import (
    DecisionForm,
    ExceptionForm,
    InformationForm,
    PeerToPeerForm,
)

DJANGO = DjangoTemplates()


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={
        "data-odd": '<"&>', "disabled": False, "autofocus": True, "maxlength": 12}))
    number = forms.IntegerField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    kind = forms.ChoiceField(choices=[
        ("", "Choose"), (1, gettext_lazy("One")), ("two", mark_safe("<b>Two</b>")),
        ("Group <a>", [("g1", "In a group & more"), ("g2", "Second")])])
    many = forms.MultipleChoiceField(choices=[("a", "A <x>"), ("b", "B")], required=False)
    boxes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline"}), required=False,
        choices=[("a", "A"), ("Grouped", [("b", "B & C"), ("c", "C")])])
    radio = forms.ChoiceField(widget=forms.RadioSelect, choices=[("x", "X"), ("y", "Y")])
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                        format="%Y-%m-%dT%H:%M"),
                             required=False)
    agree = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(required=False)
    clearable = forms.FileField(widget=forms.ClearableFileInput, required=False)


def rendered(make, renderer) -> list[str]:
    """Every field as `{{ field }}` writes it, and every choice's `{{ box.tag }}`."""
    form = make()
    form.renderer = renderer
    out = []
    for field in form:
        out.append(str(field))
        if getattr(field.field, "choices", None) is not None:
            out.extend(str(box.tag()) for box in field)
    return out


EVERYTHING_DATA = {
    "text": '<script>"x"</script>', "number": "1234567", "note": "Line one\n<two>",
    "kind": "g1", "many": ["a", "b"], "boxes": ["b"], "radio": "y", "day": "2026-13-40",
    "at": "not a time", "agree": "on", "secret": "&amp;"}


@pytest.mark.parametrize("make", [
    Everything,
    lambda: Everything(EVERYTHING_DATA),
    lambda: Everything(initial={"day": date(2026, 1, 2), "at": datetime(2026, 1, 2, 3, 4),
                                "number": 1234, "kind": 1, "agree": True}),
    lambda: Everything(auto_id=False),
    # A file already there (Django's own template then).
    lambda: Everything(initial={"clearable": FieldFile(None, FileField(), "scan.pdf")}),
], ids=["unbound", "bound", "initial", "no ids", "a file"])
def test_every_plain_widget_is_written_as_djangos_templates_write_it(make):
    assert rendered(make, FAST_WIDGETS) == rendered(make, DJANGO)


def test_what_was_typed_is_escaped():
    html = str(Everything(EVERYTHING_DATA, renderer=FAST_WIDGETS)["text"])
    assert 'value="&lt;script&gt;&quot;x&quot;&lt;/script&gt;"' in html


@pytest.mark.django_db
def test_the_request_pages_forms_use_it_and_write_what_django_writes(pending):
    makers = [
        lambda: DecisionForm(pending),
        lambda: DecisionForm(pending, {"decision": "deny", "rationale": "<why>",
                                       "reasons": [pending.unmet[0]]}),
        lambda: InformationForm(pending),
        lambda: InformationForm(pending, {"message": "", "due_at": "soon"}),
        ExceptionForm,
        lambda: ExceptionForm({"exception-reason": "nope", "exception-rationale": "<b>"}),
        PeerToPeerForm,
        lambda: PeerToPeerForm({"time_1": "2026-01-01T10:00", "held_at": "x"}),
        ReceivedDocumentForm,
        lambda: ReceivedDocumentForm({"kind": "clinic_note", "received_by": "fax",
                                      "received_on": "yesterday"}),
    ]
    for make in makers:
        assert make().renderer is FAST_WIDGETS
        fast = rendered(make, FAST_WIDGETS)
        assert fast and fast == rendered(make, DJANGO)
