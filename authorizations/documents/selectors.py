"""What the document pages print: one row per document (templates compute
nothing), for the prescriber's pages and the reviewer's admin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from authorizations.appeals.services import appeal_deadline, appeal_refusal, denial_of, open_appeal
from authorizations.core import zones
from authorizations.core.compiled import CompiledQuery
from authorizations.core.formats import PageTimes
from authorizations.core.markup import Rows, quick_html
from authorizations.documents import checks
from authorizations.models import (
    AuthorizationRequest,
    Document,
    DocumentKind,
    DocumentReceipt,
    Status,
)
from authorizations.policy.values import long_date
from authorizations.requests import selectors
from authorizations.review import selectors as review_selectors

# The kinds' labels (get_kind_display rebuilds the choices on each call).
KIND_LABELS = dict(DocumentKind.choices)


def _documents_of(request_id: int):
    return (Document.objects.filter(request=request_id).order_by("uploaded_at", "id")
            .values("id", "kind", "criterion", "file_name", "content_type", "size",
                    "uploaded_at", "uploaded_by__first_name", "uploaded_by__last_name",
                    "uploaded_by__username", "receipt__received_by", "receipt__received_on"))


# A request's documents, each with who uploaded it and its receipt, not their
# bytes: one query, compiled once per process (core/compiled.py), on every
# request page (the reviewer's and the prescriber's): about 1 ms of CPU
# spared for 20 documents.
DOCUMENTS = CompiledQuery(_documents_of, "request_id")


def document_rows(req: AuthorizationRequest, *, admin: bool = False) -> list[dict[str, Any]]:
    """One row per document, for the templates (they compute nothing)."""
    removable = req.status == Status.DRAFT and not admin
    rows = []
    # One URL reversed for all of them: a request may hold many.
    url_of = _url_maker("admin:authorizations_authorizationrequest_document" if admin
                        else "request_document", req)
    # The admin's viewer (review/admin/desk.py): the first page as an image, and every page.
    image_of = _url_maker("admin:authorizations_authorizationrequest_page", req) if admin \
        else None
    viewer_of = _url_maker("admin:authorizations_authorizationrequest_viewer", req) if admin \
        else None
    for doc in DOCUMENTS.values(using=req._state.db or "default", request_id=req.pk):
        pk = doc["id"]
        uploader = f"{doc['uploaded_by__first_name']} {doc['uploaded_by__last_name']}".strip()
        rows.append({
            "name": doc["file_name"],
            "kind": KIND_LABELS.get(doc["kind"], doc["kind"]),
            "criterion": doc["criterion"],
            "criterion_name": selectors.criterion_name(doc["criterion"]),
            "size": doc["size"],
            "type": checks.TYPE_LABELS.get(doc["content_type"], doc["content_type"]),
            "uploaded_at": doc["uploaded_at"],
            # As User.get_full_name, else the login.
            "uploaded_by": uploader or doc["uploaded_by__username"],
            # "Received by fax on November 27, 2026" for a document a reviewer
            # recorded; "" for an upload.
            "received": review_selectors.receipt_words(DocumentReceipt(
                received_by=doc["receipt__received_by"],
                received_on=doc["receipt__received_on"]))
            if doc["receipt__received_by"] else "",
            "url": url_of(pk),
            "remove_url": reverse("request_document_remove", args=[req.pk, pk])
            if removable else "",
            "image_url": image_of(pk) + "?page=1" if image_of else "",
            "viewer_url": viewer_of(pk) if viewer_of else "",
        })
    return rows


def _url_maker(name: str, req: AuthorizationRequest) -> Callable[[int], str]:
    """A document's URL under `name` (its arguments: the request's number,
    then the document's), reversed once for all the request's documents."""
    sample = reverse(name, args=[req.pk, 0])
    if sample.count("/0/") != 1:
        return lambda pk: reverse(name, args=[req.pk, pk])
    head, tail = sample.split("/0/")
    return lambda pk: f"{head}/{pk}/{tail}"


def admin_document_rows(req: AuthorizationRequest) -> Rows:
    """The admin's rows, which also write their table's body (`{{ documents.html }}`)."""
    return Rows(document_rows(req, admin=True), _admin_table)


def _admin_table(rows: list[dict[str, Any]]) -> str:
    """The admin's table of documents as _documents.html looped over it,
    written in Python (core/markup.py): the request page and the appeal's
    show up to 20 documents, 8 variables each."""
    times = PageTimes()
    return "".join(quick_html(
        "\n      <tr>\n        <td><a href=\"{}\">{}</a> ({})</td>\n        <td>{}</td>\n"
        "        <td>{}</td>\n        <td>{}</td>\n        <td>{}{}</td>\n        <td>{}</td>\n"
        "      </tr>\n    ",
        doc["url"], doc["name"], doc["type"], doc["kind"],
        quick_html("<code>{}</code> {}", doc["criterion"], doc["criterion_name"])
        if doc["criterion"] else "-",
        filesizeformat(doc["size"]), times.plain(doc["uploaded_at"]),
        quick_html("<br>{}", doc["received"]) if doc["received"] else "",
        doc["uploaded_by"]) for doc in rows)


@dataclass(frozen=True)
class StatusNote:
    """What the documents page says can be done in the request's status, and
    the page to go on to (its URL and words), if any."""

    text: str
    link_url: str = ""
    link_text: str = ""


def status_note(req: AuthorizationRequest) -> StatusNote:
    """The truth about adding and removing documents in each status; it
    follows documents.accepts_documents, which the upload obeys."""
    if req.status == Status.DRAFT:
        return StatusNote(
            "Attach the reports that show the criteria are met. The policy asks for the "
            "factor IX lab report and the AAV5 antibody report: without them a request that "
            "meets every criterion goes to a clinical reviewer instead of being approved at "
            "once. You can remove a document until you submit the request; after that, "
            "documents can only be added.")
    if req.status == Status.PENDING_REVIEW:
        return StatusNote(
            "A clinical reviewer decides this request. You can add documents that show the "
            "criteria are met. Documents cannot be removed after submission.")
    if req.status == Status.INFORMATION_REQUESTED:
        return StatusNote(
            "A clinical reviewer asked for more information: add the documents asked for "
            "here, then send your response. Documents cannot be removed after submission.",
            reverse("request_respond", args=[req.pk]), "Go to your response")
    if req.status == Status.DENIED:
        return _denied_note(req)
    return StatusNote(f"This request is {req.get_status_display().lower()}: its documents "
                      "can be read but no longer changed.")


def _denied_note(req: AuthorizationRequest) -> StatusNote:
    if open_appeal(req) is not None:
        return StatusNote(
            "This request was denied and its appeal awaits a decision: you can add "
            "documents that support the appeal. Documents cannot be removed.")
    if not appeal_refusal(req, zones.today()):
        denial = denial_of(req)
        until = f" until {long_date(appeal_deadline(denial))}" if denial is not None else ""
        return StatusNote(
            f"This request was denied. You can add documents that support an appeal{until}, "
            "then file the appeal. Documents cannot be removed.",
            reverse("request_appeal", args=[req.pk]), "File an appeal")
    return StatusNote("This request was denied and can no longer be appealed here: its "
                      "documents can be read but no longer changed.")
