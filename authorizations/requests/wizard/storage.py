"""The wizard's formtools storage: the request's draft in the database.

formtools keeps a wizard's step data in a storage, the session by default.
Here a step's data is the draft itself: it is read back from the request's
saved answers (as the POST that would give them), and a valid step is written
to them through request_save_draft, with its audit row. So a draft
resumes after a logout, two drafts in two tabs never mix, and the session
holds nothing of the patient's answers (an expired session stays in the
session table until `clearsessions`).

The rest of formtools' state (the step shown, files, extra data) lasts one
HTTP request: the address and the page's management form say which step is
shown; the request's `wizard_step` is the last step saved.
"""

from __future__ import annotations

from typing import Any

from django.utils.datastructures import MultiValueDict
from formtools.wizard.storage.base import BaseStorage

from authorizations.policy import QUESTIONS
from authorizations.requests.services import request_create, request_save_draft
from authorizations.requests.wizard.forms import NO, REVIEW, STEP_FORMS, YES


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
    """Built by formtools from the HTTP request, on which the view has put
    `draft` (the AuthorizationRequest, None for a new request until its first
    step is saved) and `prescriber_profile`."""

    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        self.init_data()  # this HTTP request's state only
        self.draft = request.draft
        self.htc = self.draft.htc if self.draft is not None else request.prescriber_profile.htc

    @property
    def answers(self) -> dict[str, Any]:
        return self.draft.answers if self.draft is not None else {}

    def get_step_data(self, step: str) -> MultiValueDict | None:
        """The POST that gives the step's saved answers; None before it has any."""
        if self.draft is None:
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
        process_step). The first step of a new request creates its draft."""
        by = self.request.user
        if step == REVIEW:
            self.draft = request_save_draft(
                by=by, req=self.draft, answers=self.answers, step=REVIEW,
                expedited=answers["expedited"], expedited_reason=answers["expedited_reason"])
            return
        merged = merge_answers(self.answers, STEP_FORMS[step].keys, answers)
        if self.draft is None:
            self.draft = request_create(by=by, htc=self.htc)
        self.draft = request_save_draft(by=by, req=self.draft, answers=merged,
                                        step=step)
