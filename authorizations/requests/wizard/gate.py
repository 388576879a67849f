"""What the wizard checks before formtools sees the HTTP request.

Applied to the view's `dispatch` with Django's `method_decorator` (Django's
documented way to decorate a class-based view), so the view itself overrides
only formtools' documented hooks. Before formtools builds its storage and
reads the POST, the gate:

- lets in prescribers only, finds the draft (another HTC's is a 404), and
  shows a submitted request's result instead of its wizard;
- reads the page's management form: a POST that is not one of this draft's
  pages (an old page, a tampered or truncated form), which formtools would
  answer with a bare 400 or a server error, shows the step again with a
  message; a new request starts with its first step;
- routes: a new request's one page is its first step; a GET of a step the
  draft does not ask resumes the draft; the review's POST is formtools' done
  step (DONE), so submitting is that POST and a GET never submits;
- shows the one result when a submit from another tab won a race (NotADraft).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from formtools.wizard.forms import ManagementForm

from authorizations.core.pages import prescriber_or_refuse
from authorizations.models import Status
from authorizations.requests import selectors
from authorizations.requests.services import NotADraft
from authorizations.requests.wizard.forms import REVIEW, STEPS
from authorizations.requests.wizard.storage import asked_steps

DONE = "submit"  # formtools' done step: the address a review's POST is routed to
FIRST = STEPS[0][0]
SAVE_AND_EXIT = "save_and_exit"  # the "Save and come back later" button's name
OUT_OF_DATE = ("This page was out of date, so nothing on it was saved. Check the answers on "
               "this step and continue.")


def wizard_prefix(pk: int | None) -> str:
    """The management form's prefix: one draft's page is never taken for another's."""
    return f"request_{pk or 'new'}"


def posted_step(request: HttpRequest, pk: int | None) -> str | None:
    """The step the posted page showed, from its management form."""
    management = ManagementForm(request.POST, prefix=wizard_prefix(pk))
    return management.cleaned_data["current_step"] if management.is_valid() else None


def wizard_gate(dispatch: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(dispatch)
    def gate(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        profile, refused = prescriber_or_refuse(request)
        if refused:
            return refused
        pk = kwargs.get("pk")
        draft = selectors.request_for_htc(htc=profile.htc, pk=pk) if pk is not None else None
        if draft is not None and draft.status != Status.DRAFT:
            # Submitted already (a replayed POST, an old tab): show the result.
            return redirect("request_detail", pk=draft.pk)
        # For the storage, which formtools builds from the HTTP request.
        request.prescriber_profile, request.draft = profile, draft
        asked = asked_steps(draft.answers) if draft is not None else [FIRST]
        shown = FIRST if draft is None else kwargs.get("step")
        if request.method == "POST":
            posted = posted_step(request, pk)
            if draft is None and posted != FIRST:
                # A new request starts with the patient; its row exists from then on.
                return redirect("request_new")
            if posted not in asked:
                messages.error(request, OUT_OF_DATE)
                return redirect(*(("request_step", pk, shown) if shown in asked
                                  else ("request_resume", pk)))
            shown = posted
            if posted == REVIEW and SAVE_AND_EXIT not in request.POST:
                kwargs["step"] = DONE
                # For the storage: the review step is saved with the submission,
                # unless the page's Back button was pressed (formtools' goto).
                request.wizard_submits = "wizard_goto_step" not in request.POST
        elif shown == DONE:
            return redirect("request_step", pk, REVIEW)
        elif shown is not None and shown not in asked:
            # A step not asked, or no step at all: the draft's own address resumes it.
            return redirect("request_resume", pk)
        request.wizard_shown = shown
        if draft is None:
            kwargs["step"] = FIRST
        try:
            return dispatch(request, *args, **kwargs)
        except NotADraft:
            # Submitted meanwhile (a double click racing the first submit):
            # show the one result instead of an error.
            return redirect("request_detail", pk=pk)

    return gate
