"""The wizard's formtools storage: the request's draft in the database.

formtools keeps a wizard's step data in a storage, the session by default.
Here a step's data is the draft itself: it is read back from the request's
saved answers (as the POST that would give them), and a valid step is written
to them through request_save_draft, with its audit row. So a draft
resumes after a logout, two drafts in two tabs never mix, and the session
holds nothing of the patient's answers (an expired session stays in the
session table until `clearsessions`).

A step saved before it was complete ("Save and come back later", Back) is
kept as typed (`draft_typed`, see typed.py) beside the saved answers: until
the step is completed its data is None here, so formtools shows it unbound
(the view gives the typed text as the form's initial values, unparsed) and
the submission's revalidation sends the prescriber back to it.

The rest of formtools' state (the step shown, files, extra data) lasts one
HTTP request: the step shown is the one the page posted (its management
form, checked by gate.py) or the one in the address, else the step to resume
(the first unfinished one, or the one after the last saved); the request's
`wizard_step` is the last step saved.
"""

from __future__ import annotations

from typing import Any

from django.utils.datastructures import MultiValueDict
from formtools.wizard.storage.base import BaseStorage

from authorizations import policy
from authorizations.policy import QUESTION_BY_KEY, QUESTIONS
from authorizations.requests.services import (
    request_create,
    request_keep_typed,
    request_save_draft,
)
from authorizations.requests.wizard.forms import NO, REVIEW, STEP_FORMS, STEPS, YES
from authorizations.requests.wizard.typed import Typed


def bleeding_history_asked(answers: dict[str, Any]) -> bool:
    """The bleeding step is asked when its questions are (moderately severe)."""
    return any(QUESTION_BY_KEY[k].is_asked(answers) for k in policy.step_keys("bleeding"))


# Steps asked only on some saved answers: the view's condition_dict and
# asked_steps below both read this one table.
STEP_CONDITIONS = {"bleeding": bleeding_history_asked}


def asked_steps(answers: dict[str, Any]) -> list[str]:
    """The steps a draft with these saved answers asks, in order."""
    return [s for s, _ in STEPS if s not in STEP_CONDITIONS or STEP_CONDITIONS[s](answers)]


def merge_answers(saved: dict[str, Any], step_keys: tuple[str, ...], new: dict[str, Any]
                  ) -> dict[str, Any]:
    """Saved answers with one step's answers replaced, keeping only questions
    still asked: changing an earlier answer that hides a later question drops
    that later answer. Derived answers (the prescriber's status, the HTC's
    designation) are never kept in a draft: they are read at submission."""
    merged = {k: v for k, v in saved.items() if k not in step_keys}
    merged.update(new)
    kept: dict[str, Any] = {}
    for q in QUESTIONS:  # dictionary order: a condition is judged on answers already kept
        if q.key in merged and not q.derived and q.is_asked(kept):
            kept[q.key] = merged[q.key]
    return kept


class DraftStorage(BaseStorage):
    """Built by formtools from the HTTP request, on which the gate (gate.py)
    has put `draft` (the AuthorizationRequest, None for a new request until
    its first step is saved), `prescriber_profile` and `wizard_shown` (the
    step the page posted or the address names; None for the draft's own
    address)."""

    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        self.init_data()  # this HTTP request's state only
        self.draft = request.draft
        self.review: dict[str, Any] | None = None  # the review step's answers, not yet saved
        self.htc = self.draft.htc if self.draft is not None else request.prescriber_profile.htc
        self.current_step = getattr(request, "wizard_shown", None) or self.resume_step()

    @property
    def answers(self) -> dict[str, Any]:
        return self.draft.answers if self.draft is not None else {}

    def resume_step(self) -> str:
        """Where a draft continues: its first unfinished step, else the step
        after the last one saved."""
        asked = asked_steps(self.answers)
        typed = (self.draft.draft_typed or {}) if self.draft is not None else {}
        unfinished = [s for s in asked if s in typed]
        if unfinished:
            return unfinished[0]
        saved = self.draft.wizard_step if self.draft is not None else ""
        if saved not in asked:
            return asked[0]
        return asked[asked.index(saved) + 1] if saved != asked[-1] else REVIEW

    def typed(self, step: str) -> Typed | None:
        """The step as typed when it was saved unfinished; None otherwise."""
        if self.draft is None:
            return None
        return (self.draft.draft_typed or {}).get(step)

    def keep_typed(self, step: str, typed: Typed) -> None:
        """Keep an unfinished step as typed (typed.typed_text's result). The
        first step of a new request creates its draft."""
        by = self.request.user
        if self.draft is None:
            self.draft = request_create(by=by, htc=self.htc)
        self.draft = request_keep_typed(by=by, req=self.draft, step=step, typed=typed)

    def get_step_data(self, step: str) -> MultiValueDict | None:
        """The POST that gives the step's saved answers; None before it has any,
        and while it is kept unfinished as typed."""
        if self.draft is None or self.typed(step) is not None:
            return None
        if step == REVIEW:
            # Saved on the request itself once the review step was posted.
            raw = {} if self.draft.wizard_step != REVIEW else {
                "expedited": YES if self.draft.expedited else NO,
                "expedited_reason": self.draft.expedited_reason}
        else:
            raw = STEP_FORMS[step].raw_data(self.answers)
        return MultiValueDict({f"{step}-{k}": [v] for k, v in raw.items()}) if raw else None

    def set_step_data(self, step: str, answers: dict[str, Any]) -> None:
        """Save a valid step: `answers` is its form's answers() (the view's
        process_step); what was kept of it as typed goes. The first step of a
        new request creates its draft."""
        by = self.request.user
        if step == REVIEW:
            self.review = answers
            if not getattr(self.request, "wizard_submits", False):
                self.save_review()
            # Else the review's POST submits: request_submit saves the step in
            # the submission's transaction (the view's done), or the view
            # calls save_review when it does not submit.
            return
        merged = merge_answers(self.answers, STEP_FORMS[step].keys, answers)
        if self.draft is None:
            self.draft = request_create(by=by, htc=self.htc)
        self.draft = request_save_draft(by=by, req=self.draft, answers=merged,
                                        step=step)

    def save_review(self) -> None:
        """Save the review step's answers (set_step_data's) if not yet saved."""
        if self.review is not None:
            self.draft = request_save_draft(
                by=self.request.user, req=self.draft, answers=self.answers, step=REVIEW,
                expedited=self.review["expedited"],
                expedited_reason=self.review["expedited_reason"])
            self.review = None
