"""The reviewer's forms for the request's admin page: the decision with its
reasons, the request for information, the peer-to-peer (the timeline and the
information rows, which the prescriber's pages show too, are review.timeline)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone

from authorizations.models import (
    AuthorizationRequest,
    DocumentKind,
    P2POutcome,
)
from authorizations.requests import selectors
from authorizations.review import selectors as review_selectors
from authorizations.review.services import (
    information_due,
    peer_to_peer_offer,
    peer_to_peer_record,
    peer_to_peer_schedule,
)


def _unmet_choices(req: AuthorizationRequest) -> list[tuple[str, str]]:
    return [(c, selectors.criterion_name(c)) for c in req.unmet]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")])
    reasons = forms.MultipleChoiceField(
        label="Reasons for a denial", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The unmet criteria the denial letter gives as its reasons (all chosen at "
                  "first). Not used for an approval.")
    other_reason = forms.CharField(
        label="Another reason, in your own words", required=False, strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
        help_text="Optional. Printed in the denial letter after the chosen criteria.")
    rationale = forms.CharField(
        label="Clinical rationale",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 90}), strip=True,
        help_text="Required for both decisions. A denial prints it in the letter, with your "
                  "name and credentials.")

    def __init__(self, req: AuthorizationRequest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.req = req
        self.fields["reasons"].choices = _unmet_choices(req)
        self.fields["reasons"].initial = list(req.unmet)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "deny" and not data.get("reasons") \
                and not data.get("other_reason"):
            self.add_error("reasons", "A denial needs at least one reason: choose an unmet "
                                      "criterion or write one in your own words.")
        return data

    def reason_names(self) -> list[str]:
        names = [selectors.criterion_name(c) for c in self.cleaned_data["reasons"]]
        if self.cleaned_data.get("other_reason"):
            names.append(self.cleaned_data["other_reason"])
        return names


class InformationForm(forms.Form):
    criteria = forms.MultipleChoiceField(
        label="Criteria the information is about", required=False,
        widget=forms.CheckboxSelectMultiple)
    document_kinds = forms.MultipleChoiceField(
        label="Documents needed", required=False, choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(
        label="What is missing and why", strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
        help_text="Printed in the Information needed letter.")
    due_at = forms.DateTimeField(
        label="Response due", widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                         format="%Y-%m-%dT%H:%M"),
        help_text="45 days for a standard request, 48 hours for an expedited one.")

    def __init__(self, req: AuthorizationRequest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = _unmet_choices(req)
        self.fields["due_at"].initial = timezone.localtime(
            information_due(req, timezone.now())).replace(second=0, microsecond=0)

    def clean(self):
        data = super().clean()
        if not data.get("criteria") and not data.get("document_kinds"):
            self.add_error("criteria", "Choose at least one criterion or document kind.")
        due = data.get("due_at")
        if due is not None and due <= timezone.now():
            self.add_error("due_at", "The response due time must be in the future.")
        return data


class PeerToPeerForm(forms.Form):
    """Offer times (up to three), schedule one of the times offered, or record
    a discussion held with its outcome."""

    time_1, time_2, time_3 = (
        forms.DateTimeField(label=f"{nth} time offered", required=False,
                            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
        for nth in ("First", "Second", "Third"))
    scheduled_at = forms.DateTimeField(label="Time scheduled", required=False)
    held_at = forms.DateTimeField(label="Held at", required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    outcome = forms.ChoiceField(label="Outcome", required=False,
                                choices=[("", "Choose the outcome")] + P2POutcome.choices)
    notes = forms.CharField(label="What was discussed", required=False, strip=True,
                            widget=forms.Textarea(attrs={"rows": 3, "cols": 90}))


def peer_to_peer_view(model_admin, request, pk: int):
    """POST: offer times (`action=offer`), schedule one (`schedule`) or
    record the discussion (`record`)."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponseRedirect
    from django.shortcuts import get_object_or_404
    from django.urls import reverse

    from authorizations.models import InvalidTransition

    if not model_admin.has_decide_permission(request):
        raise PermissionDenied
    req = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    form = PeerToPeerForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    action = request.POST.get("action")
    fields = {"record": "Held at / Outcome / What was discussed",
              "schedule": "Time scheduled"}
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
    except (InvalidTransition, ValueError) as exc:
        messages.error(request, f"Nothing was recorded: {fields.get(action, 'First time offered')}"
                                f": {exc}.")
    return HttpResponseRedirect(
        reverse("admin:authorizations_authorizationrequest_change", args=[req.pk]) + "#p2p")


def peer_to_peer_rows(req: AuthorizationRequest) -> list[dict[str, Any]]:
    return review_selectors.peer_to_peer_rows(req)


def conversation_context(req: AuthorizationRequest) -> dict[str, Any]:
    """The admin request page's part of the conversation: peer-to-peer
    discussions, versions of the answers with their differences, and the form
    recording a document received by fax or mail."""
    from authorizations.documents.admin import ReceivedDocumentForm

    return {
        "peer_to_peers": peer_to_peer_rows(req),
        "p2p_form": PeerToPeerForm(),
        "p2p_outcomes": P2POutcome.choices,
        "answer_versions": review_selectors.answer_versions(req),
        "received_form": ReceivedDocumentForm(),
    }


def urls(model_admin) -> list:
    """The review's POST routes on the request's admin page."""
    from functools import partial

    from django.urls import path
    from django.views.decorators.http import require_POST

    from authorizations.documents.admin import received_document_view

    site = model_admin.admin_site
    received = partial(received_document_view, model_admin)
    # Its CSRF check runs inside, after the upload limit is in place: the
    # admin must not check (and so read the body) first.
    received.csrf_exempt = True
    return [
        path("<int:pk>/peer-to-peer/", site.admin_view(require_POST(
            partial(peer_to_peer_view, model_admin))),
             name="authorizations_authorizationrequest_peer_to_peer"),
        path("<int:pk>/received-document/", site.admin_view(require_POST(received)),
             name="authorizations_authorizationrequest_received_document"),
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
