"""The review's parts of the request's admin page: the peer-to-peer view and
its route, the conversation shown beside the decision, and the queue's
"responses to read" filter. The forms are review/forms.py; the timeline and
the information rows, which the prescriber's pages show too, review/timeline.py."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from authorizations.core.formats import PageTimes
from authorizations.core.markup import Rows, quick_html
from authorizations.models import AuthorizationRequest, InvalidTransition, P2POutcome
from authorizations.review import selectors as review_selectors
from authorizations.review.forms import PeerToPeerForm
from authorizations.review.services import (
    ConflictOfInterest,
    NotTheOwner,
    peer_to_peer_offer,
    peer_to_peer_record,
    peer_to_peer_schedule,
)


def peer_to_peer_view(model_admin, request, pk: int):
    """POST: offer times (`action=offer`), schedule one (`schedule`) or
    record the discussion (`record`)."""
    if not model_admin.has_decide_permission(request):
        raise PermissionDenied
    req = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    form = PeerToPeerForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    action = request.POST.get("action")
    fields = {"record": "Held at / Outcome / What was discussed",
              "schedule": "Time scheduled"}
    # A time the form refused is named, never taken for none (a held time
    # would have become now, an offered one "Offer at least one time").
    typed = {"record": ("held_at",), "schedule": ("scheduled_at",)}.get(
        action or "", ("time_1", "time_2", "time_3"))
    refused = [f"{form.fields[name].label}: {error.rstrip('.')}"
               for name in typed for error in form.errors.get(name, [])]
    back = HttpResponseRedirect(
        reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]) + "#p2p")
    if refused:
        messages.error(request, f"Nothing was recorded: {'; '.join(refused)}.")
        return back
    try:
        if action == "record":
            peer_to_peer_record(by=request.user, req=req,
                                held_at=data.get("held_at") or timezone.now(),
                                notes=data.get("notes", ""),
                                outcome=data.get("outcome", ""))
            messages.success(request, "The peer-to-peer discussion is recorded.")
        elif action == "schedule":
            if data.get("scheduled_at") is None:
                raise ValueError("Choose one of the times offered")
            peer_to_peer_schedule(by=request.user, req=req, at=data["scheduled_at"])
            messages.success(request, "The peer-to-peer discussion is scheduled; the "
                                      "prescriber sees the time on the request's page.")
        else:
            peer_to_peer_offer(by=request.user, req=req, times=[
                data.get(f"time_{i}") for i in (1, 2, 3)])
            messages.success(request, "The peer-to-peer times are offered.")
    except (ConflictOfInterest, NotTheOwner) as exc:
        messages.error(request, f"Nothing was recorded: {exc}")
    except (InvalidTransition, ValueError) as exc:
        messages.error(request, f"Nothing was recorded: {fields.get(action, 'First time offered')}"
                                f": {exc}.")
    return back


def peer_to_peer_rows(req: AuthorizationRequest) -> list[dict[str, Any]]:
    return review_selectors.peer_to_peer_rows(req)


def conversation_context(req: AuthorizationRequest) -> dict[str, Any]:
    """The admin request page's part of the conversation: peer-to-peer
    discussions and versions of the answers with their differences."""
    return {
        "peer_to_peers": peer_to_peer_rows(req),
        "p2p_form": PeerToPeerForm(),
        "p2p_outcomes": P2POutcome.choices,
        "answer_versions": Rows(review_selectors.answer_versions(req), _version_rows),
    }


def _version_rows(versions: list[review_selectors.VersionRow]) -> str:
    """The versions as _versions.html looped over them, written in Python
    (core/markup.py): a request changed ten times prints some 200 values."""
    times = PageTimes()
    return "".join(quick_html(
        "\n      <tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\n        <td>{}</td></tr>\n    ",
        v.number, times(v.at), v.who, capfirst(v.reason),
        mark_safe("<br>".join(quick_html("<strong>{}</strong>: {} → {}", c.label, c.old, c.new)
                              for c in v.changes)) if v.changes  # each part quick_html's
        else "As submitted" if v.number == 1 else "-") for v in versions)


def urls(model_admin) -> list:
    """The review's POST routes on the request's admin page."""
    site = model_admin.admin_site
    return [
        path("<int:pk>/peer-to-peer/", site.admin_view(require_POST(
            partial(peer_to_peer_view, model_admin))),
             name="authorizations_authorizationrequest_peer_to_peer"),
    ]


class RespondedFilter(admin.SimpleListFilter):
    """The queue's "Responses to read": pending requests the prescriber
    answered (review_selectors.RESPONDED)."""

    title = "prescriber's response"
    parameter_name = "responded"

    def lookups(self, request, model_admin):
        return [("yes", "Responded to a request for information")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(review_selectors.RESPONDED)
        return queryset
