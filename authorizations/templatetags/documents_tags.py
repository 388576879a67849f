"""`{% request_documents req %}`: a request's supporting documents, with a link
to its documents page, on the wizard's review page and the request's page."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from authorizations.documents.forms import DocumentForm, upload_context
from authorizations.documents.selectors import document_rows

register = template.Library()


@register.inclusion_tag("authorizations/documents/_summary.html", takes_context=True)
def request_documents(context, req, with_form=False, compact=False):
    """`with_form` adds the upload form, which comes back to this page."""
    if req is None or req.pk is None:
        return {"rows": [], "hidden": True}
    rows = document_rows(req)
    request = context.get("request")
    next_url = request.get_full_path() if request is not None else ""
    return {
        **upload_context(req, DocumentForm(), len(rows), next_url),
        "rows": rows,
        # The documents page's "Back" link comes back here.
        "documents_url": f"{reverse('request_documents', args=[req.pk])}?"
                         f"{urlencode({'next': next_url})}" if next_url
        else reverse("request_documents", args=[req.pk]),
        "with_form": with_form,
        "compact": compact,
        "csrf_token": context.get("csrf_token"),
    }
