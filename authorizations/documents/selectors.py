"""What the document pages print: one row per document (templates compute
nothing), for the prescriber's pages and the reviewer's admin."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from authorizations.documents import services as documents
from authorizations.models import AuthorizationRequest, Status
from authorizations.requests import selectors
from authorizations.review import selectors as review_selectors


def document_rows(req: AuthorizationRequest, *, admin: bool = False) -> list[dict[str, Any]]:
    """One row per document, for the templates (they compute nothing)."""
    removable = req.status == Status.DRAFT and not admin
    received = review_selectors.receipts(req)
    rows = []
    for doc in documents.documents_of(req):
        url = (reverse("admin:authorizations_authorizationrequest_document",
                       args=[req.pk, doc.pk]) if admin
               else reverse("request_document", args=[req.pk, doc.pk]))
        rows.append({
            "obj": doc,
            "name": doc.file_name,
            "kind": doc.get_kind_display(),
            "criterion": doc.criterion,
            "criterion_name": selectors.criterion_name(doc.criterion),
            "size": doc.size,
            "type": documents.TYPE_LABELS.get(doc.content_type, doc.content_type),
            "uploaded_at": doc.uploaded_at,
            "uploaded_by": doc.uploaded_by.get_full_name() or doc.uploaded_by.get_username(),
            # "Received by fax on November 27, 2026" for a document a reviewer
            # recorded; "" for an upload.
            "received": received.get(doc.pk, ""),
            "url": url,
            "remove_url": reverse("request_document_remove", args=[req.pk, doc.pk])
            if removable else "",
        })
    return rows


def admin_document_rows(req: AuthorizationRequest) -> list[dict[str, Any]]:
    return document_rows(req, admin=True)
