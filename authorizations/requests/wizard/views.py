"""The prescriber's request wizard: formtools' NamedUrlWizardView.

Its data is the request's draft in the database (storage.DraftStorage): each
valid step is saved to the request's answers, and every page reads them back
from there. An answer whose question an earlier change hid is gone everywhere
at once. Each step has its own address (/requests/<id>/edit/<step>/);
submitting is a POST of the review. gate.py checks access and the posted page
before formtools runs; the class overrides only formtools' documented hooks
(docs/architecture.md lists each and why).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from formtools.wizard.views import NamedUrlWizardView

from authorizations import policy
from authorizations.core.pages import SERVICE_NAME
from authorizations.policy import QUESTION_BY_KEY
from authorizations.policy.values import scientific
from authorizations.requests import selectors
from authorizations.requests.services import request_submit
from authorizations.requests.wizard import forms, typed
from authorizations.requests.wizard.forms import REVIEW, STEPS
from authorizations.requests.wizard.gate import DONE, SAVE_AND_EXIT, wizard_gate, wizard_prefix
from authorizations.requests.wizard.storage import STEP_CONDITIONS

CHANGE = "change"  # query flag: the step was opened from the review's "Change" link


def _condition(step: str):
    """formtools calls a condition with the wizard; the rule reads the saved answers."""
    return lambda wizard: STEP_CONDITIONS[step](wizard.storage.answers)


@method_decorator(wizard_gate, name="dispatch")
class RequestWizard(NamedUrlWizardView):
    storage_name = "authorizations.requests.wizard.storage.DraftStorage"
    form_list = STEPS
    condition_dict = {step: _condition(step) for step in STEP_CONDITIONS}
    template_name = "authorizations/wizard_step.html"
    # url_name and done_step_name (DONE: the review's POST, gate.py) are given
    # to as_view in urls.py, as formtools documents.

    @property
    def req(self):
        """The draft; None on a new request until its first step is saved."""
        return self.storage.draft

    def get_prefix(self, request, *args, **kwargs) -> str:
        return wizard_prefix(kwargs.get("pk"))

    def step_url(self, step: str) -> str:
        """A step's own address (a new request has one: its first step's)."""
        if self.req is None:
            return reverse("request_new")
        return reverse("request_step", kwargs={"pk": self.req.pk, "step": step})

    def get_step_url(self, step: str) -> str:
        """Where formtools sends the browser: after a GET of the draft's own
        address, the step to resume; after a step is saved (render_next_step,
        render_done), the next step, except that "Save and come back later"
        goes to the dashboard and a change opened from the review returns to
        the review through any step the change made necessary."""
        if self.request.method == "POST" and SAVE_AND_EXIT in self.request.POST:
            return self.saved_for_later()
        if self.request.method == "POST" and CHANGE in self.request.GET and step != DONE:
            step = next(s for s in self.get_form_list() if s == REVIEW or not self.answered(s))
            return self.step_url(step) + ("" if step == REVIEW else f"?{CHANGE}")
        if step == DONE:
            return reverse("request_step", kwargs={"pk": self.req.pk, "step": DONE})
        return self.step_url(step)

    def saved_for_later(self) -> str:
        """The dashboard, with a message saying what is saved (the page of an
        unfinished step lists what is still to answer)."""
        step = self.steps.current
        kept = self.storage.typed(step)
        left = len(typed.missing(self.get_form(step), kept)) if kept is not None else 0
        still = (f" {left} question{'s' if left != 1 else ''} on “{forms.STEP_FORMS[step].title}” "
                 f"{'are' if left != 1 else 'is'} still to answer." if left else "")
        messages.success(self.request, f"Your draft {self.req.number} is saved.{still} "
                                       "Continue it from this list when you are ready.")
        return reverse("dashboard")

    def answered(self, step: str) -> bool:
        return step != REVIEW and self.storage.get_step_data(step) is not None

    def get_form_initial(self, step: str) -> dict[str, Any]:
        kept = self.storage.typed(step)
        if kept is not None:
            # An unfinished step shows what was typed, unparsed (typed.py).
            return dict(kept)
        if step == "dosing":
            return {"dose_gc_per_kg": forms.raw_value(QUESTION_BY_KEY["dose_gc_per_kg"],
                                                      policy.LABEL_DOSE_GC_PER_KG)}
        return {}

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        if step == REVIEW:
            if self.request.method == "POST" and \
                    self.request.POST.get(f"{REVIEW}-expedited") == forms.NO:
                # "No" reads the same whether the question is asked or not (not
                # expedited, no reason), so the preview's evaluation is not
                # needed to read it; submitting evaluates the request anyway.
                return {"needs_review": True}
            # The expedited question is asked only of a request a person will review.
            preview = self.preview
            return {"needs_review": preview is None or preview.outcome is None
                    or not preview.approvable}
        return {}

    @cached_property
    def preview(self) -> selectors.Preview | None:
        """The criteria result if the draft were submitted now (once per HTTP request)."""
        return selectors.review_preview(self.req) if self.req is not None else None

    def process_step(self, form: forms.StepForm) -> dict[str, Any]:
        # What the storage saves: the step's answers as JSON values.
        return form.answers()

    def keep(self, form: forms.StepForm):
        """Keep the step shown as it is: its answers when it is complete,
        else the text as typed. None when kept; else the step shown again,
        with what stopped it from being kept."""
        if form.is_valid():
            self.storage.set_step_data(self.steps.current, self.process_step(form))
            return None
        text, problems = typed.typed_text(form)
        if problems:
            for name, message in problems.items():
                form.add_error(name, message)
            return super().render(form)
        saved = self.storage.get_step_data(self.steps.current)
        shown = typed.typed_text(self.get_form(data=saved))[0] if saved is not None \
            else typed.as_shown(form)
        if text != shown:  # a page left as it was shown keeps nothing
            self.storage.keep_typed(self.steps.current, text)
        return None

    def render(self, form=None, **kwargs):
        """formtools renders a POSTed step again when it is not valid. "Save and
        come back later" keeps it as typed instead and goes to the dashboard."""
        if (self.request.method == "POST" and SAVE_AND_EXIT in self.request.POST
                and form is not None and form.is_bound):
            return self.keep(form) or redirect(self.saved_for_later())
        return super().render(form, **kwargs)

    def render_goto_step(self, goto_step, **kwargs):
        """Back keeps what was typed on this step, complete or not."""
        shown = self.get_form(data=self.request.POST)
        return self.keep(shown) or redirect(self.step_url(goto_step))

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        messages.error(self.request, "Some answers are missing. Answer the questions on this "
                                     "step, then continue to the review.")
        return redirect(self.step_url(failed_step))

    def render_done(self, form, **kwargs):
        """formtools validates every step's form again before `done`, since its
        own storages (the session, a cookie) could hold what no form checked.
        This storage is the draft in the database, written only from a step's
        valid form (its answers()), and request_submit validates every answer
        again through the policy on the day it is submitted. So here only what
        the draft cannot vouch for is checked: a step asked but not answered,
        or kept unfinished as typed, sends the prescriber to it (as a failed
        revalidation does); the forms are validated again only when the policy
        refuses an answer (done), to show the step that says why."""
        if kwargs.get("step") != self.done_step_name:
            return super().render_done(form, **kwargs)  # formtools: to the done step's URL
        for step in self.get_form_list():
            if step != REVIEW and self.storage.get_step_data(step) is None:
                self.storage.save_review()  # nothing answered on the review is lost
                return self.render_revalidation_failure(step, None, **kwargs)
        response = self.done([form], form_dict={REVIEW: form}, **kwargs)
        self.storage.reset()
        return response

    def refused_step(self):
        """formtools' revalidation: the first step whose saved answers its form
        refuses now (a date gone out of range since it was saved), and that
        form; None when every step's form accepts them."""
        for step in self.get_form_list():
            if step != REVIEW:
                form = self.get_form(step=step, data=self.storage.get_step_data(step))
                if not form.is_valid():
                    return step, form
        return None

    def done(self, form_list, **kwargs):
        review = self.storage.review
        try:
            result = request_submit(by=self.request.user, req=self.req,
                                    profile=self.request.prescriber_profile, **(
                                        {"step": REVIEW, **review} if review is not None else {}))
        except policy.InvalidCase as exc:
            self.storage.save_review()  # nothing answered on the review is lost
            refused = self.refused_step()
            if refused is not None:
                return self.render_revalidation_failure(*refused)
            for problem in exc.problems:
                question = QUESTION_BY_KEY.get(problem.key)
                messages.error(self.request, f"{question.label if question else problem.key}: "
                                             f"{problem.message}")
            return redirect(self.step_url(REVIEW))
        if result.already_submitted:
            messages.info(self.request, f"{self.req.number} was already submitted.")
        return redirect("request_detail", pk=self.req.pk)

    # ---- page --------------------------------------------------------------

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        form_list = self.get_form_list()
        number, count = self.steps.step1, self.steps.count
        errors = form.error_summary() if form.is_bound and form.errors else []
        title = f"{form.title} – Step {number} of {count}"
        kept = self.storage.typed(step)
        context.update({
            "req": self.req,
            "step_title": form.title,
            "step_number": number,
            "step_count": count,
            "progress_steps": [
                {"title": f.title, "current": s == step, "done": self.answered(s),
                 "unfinished": self.storage.typed(s) is not None,
                 "url": self.step_url(s) if self.req is not None else None}
                for s, f in form_list.items()],
            "error_summary": errors,
            "page_title": f"{'Error: ' if errors else ''}{title} – {SERVICE_NAME}",
            "prev_step": self.steps.prev,
            "changing": CHANGE in self.request.GET,
            "is_review": step == REVIEW,
            "htc": self.storage.htc,
            "intro": form.intro,
            # An unfinished step shown again: what is still to answer (typed.py).
            "unfinished": kept is not None and not form.is_bound,
            "still_missing": typed.missing(form, kept) if kept is not None else [],
        })
        if step == "dosing":
            context["dose"] = selectors.dose_summary(self.storage.answers)
            context["label_dose"] = scientific(policy.LABEL_DOSE_GC_PER_KG)
            context["concentration"] = scientific(policy.dosing.VECTOR_GC_PER_ML)
            context["patient_step_url"] = self.step_url("patient")
        if step == REVIEW:
            context["answer_groups"] = selectors.answer_groups(self.storage.answers, [
                (s, f"{self.step_url(s)}?{CHANGE}") for s in form_list if s != REVIEW],
                origins=self.req.answer_origins)
            context["preview"] = self.preview
            context["review"] = selectors.review_facts(self.req)
        return context
