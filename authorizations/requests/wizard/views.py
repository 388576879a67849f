"""The prescriber's request wizard (django-formtools).

Its data is the request's draft in the database (storage.DraftStorage): each
valid step is saved to the request's answers, and every page reads them back
from there. An answer whose question an earlier change hid is gone everywhere
at once. Each step has its own address; submitting is a POST of the review.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import WizardView

from authorizations import policy
from authorizations.core.pages import SERVICE_NAME, prescriber_or_refuse
from authorizations.models import Status
from authorizations.policy import QUESTION_BY_KEY
from authorizations.policy.values import scientific
from authorizations.requests import selectors
from authorizations.requests.services import NotADraft, request_submit
from authorizations.requests.wizard import forms
from authorizations.requests.wizard.forms import REVIEW, STEPS

CHANGE = "change"  # query flag: the step was opened from the review's "Change" link



def bleeding_history_asked(wizard: RequestWizard) -> bool:
    """The bleeding step is asked when its questions are (moderately severe):
    read from the saved answers, so it is cheap and has no side effects."""
    return any(QUESTION_BY_KEY[k].is_asked(wizard.storage.answers)
               for k in policy.step_keys("bleeding"))


class RequestWizard(WizardView):
    storage_name = "authorizations.requests.wizard.storage.DraftStorage"
    form_list = STEPS
    condition_dict = {"bleeding": bleeding_history_asked}
    template_name = "authorizations/wizard_step.html"
    url_name = None  # the URL of a draft's step, given in urls.py

    def dispatch(self, request, *args, **kwargs):
        profile, refused = prescriber_or_refuse(request)
        if refused:
            return refused
        draft = None
        if kwargs.get("pk") is not None:
            draft = selectors.request_for_htc(htc=profile.htc, pk=kwargs["pk"])
            if draft.status != Status.DRAFT:
                # Submitted already (a replayed POST, an old tab): show the result.
                return redirect("request_detail", pk=draft.pk)
        # For the storage, which formtools builds from the HTTP request.
        request.prescriber_profile, request.draft = profile, draft
        return super().dispatch(request, *args, **kwargs)

    @property
    def req(self):
        """The draft; None on a new request until its first step is saved."""
        return self.storage.draft

    def get_prefix(self, request, *args, **kwargs) -> str:
        # The management form's prefix: one draft's page is never taken for another's.
        return f"request_{kwargs.get('pk') or 'new'}"

    def get_step_url(self, step: str) -> str:
        if self.req is None:
            return reverse("request_new")
        return reverse(self.url_name, kwargs={"pk": self.req.pk, "step": step})

    def resume_step(self) -> str:
        """The step after the last one saved."""
        saved = self.req.wizard_step if self.req else ""
        if saved not in self.get_form_list():
            return self.steps.first
        return self.get_next_step(saved) or REVIEW

    def answered(self, step: str) -> bool:
        return step != REVIEW and self.storage.get_step_data(step) is not None

    def get_form_initial(self, step: str) -> dict[str, Any]:
        if step == "dosing":
            return {"dose_gc_per_kg": forms.raw_value(QUESTION_BY_KEY["dose_gc_per_kg"],
                                                      policy.LABEL_DOSE_GC_PER_KG)}
        return {}

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        if step == REVIEW:
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

    # ---- HTTP --------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        if self.req is None:
            return super().get(request, *args, **kwargs)  # a new request's first step
        step = kwargs.get("step")
        if step not in self.get_form_list():
            # The draft's own address, a step not asked, or no step at all.
            return redirect(self.get_step_url(self.resume_step()))
        self.storage.current_step = step
        return self.render(self.get_form(data=self.storage.current_step_data))

    def post(self, *args, **kwargs):
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        step = management.cleaned_data["current_step"] if management.is_valid() else None
        if self.req is None and step != self.steps.first:
            # A new request starts with the patient; its row exists from then on.
            return redirect("request_new")
        if step not in self.get_form_list():
            # Not a post of one of this draft's pages (an old page, a tampered
            # or truncated form): formtools would answer a bare 400. Show the
            # step again from the saved answers instead.
            messages.error(self.request, "This page was out of date, so nothing on it was "
                                         "saved. Check the answers on this step and continue.")
            shown = kwargs.get("step")
            return redirect(self.get_step_url(shown if shown in self.get_form_list()
                                              else self.resume_step()))
        # The step the page showed: the page, not the storage, knows it.
        self.storage.current_step = step
        try:
            if "save_and_exit" in self.request.POST:
                return self.save_and_exit()
            return super().post(*args, **kwargs)
        except NotADraft:
            # Submitted meanwhile (a double click racing the first submit):
            # show the one result instead of an error.
            return redirect("request_detail", pk=self.req.pk)

    def save_and_exit(self):
        form = self.get_form(data=self.request.POST)
        if not form.is_valid():
            return self.render(form)
        self.storage.set_step_data(self.steps.current, self.process_step(form))
        messages.success(self.request, f"Your draft {self.req.number} is saved. Continue it "
                                       "from this list when you are ready.")
        return redirect("dashboard")

    def render_next_step(self, form, **kwargs):
        if CHANGE in self.request.GET:
            # Changing an answer from the review: back to the review, through
            # any step the change made necessary and that has no answers yet.
            step = next(s for s in self.get_form_list() if s == REVIEW or not self.answered(s))
            return redirect(self.get_step_url(step) + ("" if step == REVIEW else f"?{CHANGE}"))
        return redirect(self.get_step_url(self.steps.next))

    def render_goto_step(self, goto_step, **kwargs):
        """Back keeps what was typed on this step when it is valid."""
        form = self.get_form(data=self.request.POST)
        if self.steps.current != REVIEW and form.is_valid():
            self.storage.set_step_data(self.steps.current, self.process_step(form))
        return redirect(self.get_step_url(goto_step))

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        messages.error(self.request, "Some answers are missing. Answer the questions on this "
                                     "step, then continue to the review.")
        return redirect(self.get_step_url(failed_step))

    def done(self, form_list, **kwargs):
        try:
            result = request_submit(by=self.request.user, req=self.req)
        except policy.InvalidCase as exc:
            for problem in exc.problems:
                question = QUESTION_BY_KEY.get(problem.key)
                messages.error(self.request, f"{question.label if question else problem.key}: "
                                             f"{problem.message}")
            return redirect(self.get_step_url(REVIEW))
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
        context.update({
            "req": self.req,
            "step_title": form.title,
            "step_number": number,
            "step_count": count,
            "progress_steps": [
                {"title": f.title, "current": s == step, "done": self.answered(s),
                 "url": self.get_step_url(s) if self.req is not None else None}
                for s, f in form_list.items()],
            "error_summary": errors,
            "page_title": f"{'Error: ' if errors else ''}{title} – {SERVICE_NAME}",
            "prev_step": self.steps.prev,
            "changing": CHANGE in self.request.GET,
            "is_review": step == REVIEW,
            "htc": self.storage.htc,
            "intro": form.intro,
        })
        if step == "dosing":
            context["dose"] = selectors.dose_summary(self.storage.answers)
            context["label_dose"] = scientific(policy.LABEL_DOSE_GC_PER_KG)
            context["concentration"] = scientific(policy.dosing.VECTOR_GC_PER_ML)
            context["patient_step_url"] = self.get_step_url("patient")
        if step == REVIEW:
            context["answer_groups"] = selectors.answer_groups(self.storage.answers, [
                (s, f"{self.get_step_url(s)}?{CHANGE}") for s in form_list if s != REVIEW])
            context["preview"] = self.preview
            context["review"] = selectors.review_facts(self.req)
        return context
