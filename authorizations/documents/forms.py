"""The document forms: the prescriber's upload and the reviewer's record of a
document received by fax or mail (the file's checks are the service's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse

from authorizations import policy
from authorizations.core import zones
from authorizations.core.forms import AccessibleForm
from authorizations.core.widgets import FAST_WIDGETS
from authorizations.documents import services as documents
from authorizations.models import AuthorizationRequest, DocumentKind, ReceivedBy
from authorizations.requests import selectors


class DocumentForm(AccessibleForm):
    """The upload form: `file`, `kind` and an optional `criterion`. The file's
    own checks are the service's (documents.document_add)."""

    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=[("", "Choose a kind")] + list(DocumentKind.choices),
        error_messages={"required": "Choose what kind of document this is.",
                        "invalid_choice": "Choose what kind of document this is."})
    criterion = forms.ChoiceField(
        label="Which criterion does it support? (optional)", required=False,
        choices=[("", "None in particular")] + [
            (cid, selectors.criterion_name(cid)) for cid in policy.CRITERION_IDS],
        error_messages={"invalid_choice": "Choose a criterion from the list, or none."})
    file = forms.FileField(label="File", required=False, allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "document-%s")
        super().__init__(*args, **kwargs)
        # The page limit is a setting: read when the form is made.
        self.fields["file"].help_text = (
            f"A PDF (of up to {settings.DOCUMENT_MAX_PAGES} pages), PNG or JPEG file of up to "
            f"{documents.MAX_SIZE_LABEL}. A request can have up to "
            f"{documents.MAX_PER_REQUEST} documents.")


class ReceivedDocumentForm(DocumentForm):
    """The upload form (kind, criterion, file) with how and when it came."""

    # On the reviewer's request page: widgets written in Python (core/widgets.py).
    default_renderer = FAST_WIDGETS

    received_by = forms.ChoiceField(
        label="Received by", choices=[("", "Choose fax or mail")] + ReceivedBy.choices,
        error_messages={"required": "Choose how the document was received.",
                        "invalid_choice": "Choose how the document was received."})
    received_on = forms.DateField(
        label="Date received", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date the document was received.",
                        "invalid": "Enter the date received as a date, e.g. 2026-11-28."})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "received-%s")
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = zones.today()


def upload_context(req: AuthorizationRequest, form: DocumentForm, count: int,
                   next_url: str, back: str = "") -> dict[str, Any]:
    """What the upload form needs, on the documents page and the review page.
    `next`: where a successful upload goes (the page the form is on, when it
    is not the documents page); `back`: the documents page's way back."""
    return {
        "req": req,
        "form": form,
        "can_add": documents.accepts_documents(req) and count < documents.MAX_PER_REQUEST,
        "count": count,
        "max_count": documents.MAX_PER_REQUEST,
        "full": count >= documents.MAX_PER_REQUEST,
        "upload_url": reverse("request_documents", args=[req.pk]),
        "next": next_url,
        "back": back,
    }
