"""The prescriber's request wizard (django-formtools, session storage).

The database is the record: every valid step is saved to the request's
answers through services.request_save_draft, and the wizard's session storage
is rebuilt from those answers on every request. So a draft resumes after a
logout or an expired session, and an answer whose question an earlier change
hid is gone everywhere at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView, WizardView

from .. import policy, selectors, services
from ..models import Status
from ..policy import QUESTION_BY_KEY, QUESTIONS
from ..roles import is_reviewer, prescriber_profile
from . import forms

STEPS: tuple[tuple[str, type[forms.StepForm]], ...] = (
    ("patient", forms.PatientForm),
    ("diagnosis", forms.DiagnosisForm),
    ("bleeding", forms.BleedingForm),
    ("prophylaxis", forms.ProphylaxisForm),
    ("inhibitors", forms.InhibitorsForm),
    ("aav5", forms.Aav5Form),
    ("liver", forms.LiverForm),
    ("viral", forms.ViralForm),
    ("gene_therapy", forms.GeneTherapyForm),
    ("prescriber", forms.PrescriberForm),
    ("dosing", forms.DosingForm),
    ("attestations", forms.AttestationsForm),
    ("review", forms.ReviewForm),
)
REVIEW = "review"
CHANGE = "change"  # query flag: the step was opened from the review's "Change" link
SERVICE_NAME = "Hemgenix prior authorization"


def bleeding_history_asked(wizard: RequestWizard) -> bool:
    """The bleeding step is asked when its questions are (moderately severe):
    read from the saved answers, so it is cheap and has no side effects."""
    return any(QUESTION_BY_KEY[k].is_asked(wizard.answers) for k in forms.BleedingForm.keys)


def merge_answers(saved: dict[str, Any], step_keys: tuple[str, ...], new: dict[str, Any],
                  *, htc_federally_designated: bool) -> dict[str, Any]:
    """Saved answers with one step's answers replaced, keeping only questions
    still asked: changing an earlier answer that hides a later question drops
    that later answer."""
    merged = {k: v for k, v in saved.items() if k not in step_keys}
    merged.update(new)
    # Derived from the HTC directory, never typed.
    merged["htc_federally_designated"] = htc_federally_designated
    kept: dict[str, Any] = {}
    for q in QUESTIONS:  # dictionary order: a condition is judged on answers already kept
        if q.key in merged and q.is_asked(kept):
            kept[q.key] = merged[q.key]
    return kept


def prescriber_or_refuse(request):
    """The prescriber's profile, or the response for someone who is not one."""
    user = request.user
    if not user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    profile = prescriber_profile(user)
    if profile is None:
        if is_reviewer(user):
            # Reviewers work in the admin, not on the prescriber's pages.
            return None, redirect("admin:index")
        raise PermissionDenied("Only prescribers can use these pages.")
    return profile, None


class RequestWizard(NamedUrlSessionWizardView):
    form_list = STEPS
    condition_dict = {"bleeding": bleeding_history_asked}
    template_name = "authorizations/wizard_step.html"

    def dispatch(self, request, *args, **kwargs):
        self.profile, refused = prescriber_or_refuse(request)
        if refused:
            return refused
        self.req = None
        if kwargs.get("pk") is not None:
            self.req = selectors.request_for_htc(htc=self.profile.htc, pk=kwargs["pk"])
            if self.req.status != Status.DRAFT:
                # Submitted already (a replayed POST, an old tab): show the result.
                return redirect("request_detail", pk=self.req.pk)
        response = super().dispatch(request, *args, **kwargs)
        self._forget_answers()
        return response

    def _forget_answers(self) -> None:
        """Keep no answers in the session: they are rebuilt from the database on
        every request (_load_draft), and an expired session stays in the
        session table, patient data and all, until `clearsessions` runs. The
        page is already built, its forms bound, when this runs."""
        storage = getattr(self, "storage", None)
        if storage is not None:
            storage.data[storage.step_data_key] = {}
            storage.data[storage.step_files_key] = {}

    # ---- state -------------------------------------------------------------

    @property
    def answers(self) -> dict[str, Any]:
        return self.req.answers if self.req is not None else {}

    def get_prefix(self, request, *args, **kwargs) -> str:
        # One wizard state per request, so two drafts in two tabs never mix.
        return f"request_{kwargs.get('pk') or 'new'}"

    def _load_draft(self) -> None:
        """Rebuild the session storage from the saved answers."""
        step_data = self.storage.data[self.storage.step_data_key]
        for step, form_class in self.form_list.items():
            if step == REVIEW:
                continue
            raw = form_class.raw_data(self.answers)
            if raw:
                self.storage.set_step_data(step, {f"{step}-{k}": [v] for k, v in raw.items()})
            else:
                step_data.pop(step, None)

    def get_step_url(self, step: str) -> str:
        if self.req is None:
            return reverse("request_new")
        return reverse("request_step", kwargs={"pk": self.req.pk, "step": step})

    def get_form_initial(self, step: str) -> dict[str, Any]:
        if step == "prescriber":
            # The profile says it; the prescriber confirms it for this request.
            specialist = self.profile.bleeding_disorder_specialist
            return {"prescriber_bleeding_disorder_specialist": forms.YES if specialist
                    else forms.NO}
        if step == "dosing":
            return {"dose_gc_per_kg": forms.raw_value(QUESTION_BY_KEY["dose_gc_per_kg"],
                                                      policy.LABEL_DOSE_GC_PER_KG)}
        if step == REVIEW and self.req is not None and self.req.wizard_step == REVIEW:
            return {"expedited": forms.YES if self.req.expedited else forms.NO,
                    "expedited_reason": self.req.expedited_reason}
        return {}

    def _resume_step(self) -> str:
        """The step after the last one saved."""
        saved = self.req.wizard_step if self.req else ""
        form_list = self.get_form_list()
        if saved not in form_list:
            return self.steps.first
        return self.get_next_step(saved) or REVIEW

    # ---- HTTP --------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        if self.req is None:
            self.storage.reset()
            self.storage.current_step = self.steps.first
            return self.render(self.get_form())
        self._load_draft()
        step = kwargs.get("step")
        if step is None:
            return redirect(self.get_step_url(self._resume_step()))
        if step == self.done_step_name or step not in self.get_form_list():
            # Submitting is a POST on the review step, never a GET of "done".
            return redirect(self.get_step_url(self._resume_step()))
        return super().get(request, *args, **kwargs)

    def post(self, *args, **kwargs):
        self._load_draft()
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        if self.req is None:
            if not management.is_valid() or \
                    management.cleaned_data["current_step"] != self.steps.first:
                # A new request starts with the patient; its row exists from then on.
                return redirect("request_new")
        elif management.is_valid() and management.cleaned_data["current_step"] in \
                self.get_form_list():
            # The step the page showed, even if another tab moved the session on.
            self.storage.current_step = management.cleaned_data["current_step"]
        else:
            # Not a post of one of this draft's pages (an old page, a tampered
            # or truncated form): formtools would answer a bare 400. Show the
            # step again from the saved answers instead.
            messages.error(self.request, "This page was out of date, so nothing on it was "
                                         "saved. Check the answers on this step and continue.")
            step = kwargs.get("step")
            return redirect(self.get_step_url(step if step in self.get_form_list()
                                              else self._resume_step()))
        try:
            if "save_and_exit" in self.request.POST:
                return self._save_and_exit()
            return super().post(*args, **kwargs)
        except services.NotADraft:
            # The draft was submitted meanwhile (a double click racing the
            # first submit): show the one result instead of an error.
            if self.req is not None:
                self.req.refresh_from_db()
                if self.req.status != Status.DRAFT:
                    return redirect("request_detail", pk=self.req.pk)
            raise

    def _save_and_exit(self):
        form = self.get_form(data=self.request.POST)
        if not form.is_valid():
            return self.render(form)
        self.process_step(form)
        messages.success(self.request, f"Your draft {self.req.number} is saved. Continue it "
                                       "from this list when you are ready.")
        return redirect("dashboard")

    def process_step(self, form: forms.StepForm):
        step = self.steps.current
        user = self.request.user
        if step == REVIEW:
            services.request_save_draft(
                by=user, req=self.req, answers=self.answers, step=REVIEW,
                expedited=form.cleaned_data["expedited"],
                expedited_reason=form.cleaned_data.get("expedited_reason") or "")
            return super().process_step(form)
        htc = self.req.htc if self.req else self.profile.htc
        answers = merge_answers(self.answers, form.keys, form.answers(),
                                htc_federally_designated=htc.federally_designated)
        if self.req is None:
            self.req = services.request_create(by=user, htc=htc)
        self.req = services.request_save_draft(by=user, req=self.req, answers=answers,
                                               step=step)
        # The saved answers decide the rest (e.g. whether the bleeding step is asked).
        self._load_draft()
        return super().process_step(form)

    def render_next_step(self, form, **kwargs):
        if CHANGE in self.request.GET:
            # Changing an answer from the review: back to the review, through
            # any step the change made necessary and that has no answers yet.
            step = self._first_unanswered_step()
            self.storage.current_step = step
            return redirect(self.get_step_url(step) + ("" if step == REVIEW else f"?{CHANGE}"))
        response = super().render_next_step(form, **kwargs)
        if self.kwargs.get("pk") is None:
            # The draft now has its own wizard state, under its number.
            self.storage.reset()
        return response

    def _first_unanswered_step(self) -> str:
        for step, form_class in self.get_form_list().items():
            if step != REVIEW and not form_class.raw_data(self.answers):
                return step
        return REVIEW

    def render_goto_step(self, goto_step, **kwargs):
        """Back keeps what was typed on this step when it is valid."""
        form = self.get_form(data=self.request.POST)
        if self.steps.current != REVIEW and form.is_valid():
            self.process_step(form)
        return super().render_goto_step(goto_step, **kwargs)

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        messages.error(self.request, "Some answers are missing. Answer the questions on this "
                                     "step, then continue to the review.")
        return super().render_revalidation_failure(failed_step, form, **kwargs)

    def render_done(self, form, **kwargs):
        # Skip the named-URL wizard's redirect to a "done" URL: submitting
        # happens on this POST only, never on a GET.
        return WizardView.render_done(self, form, **kwargs)

    def done(self, form_list, **kwargs):
        try:
            result = services.request_submit(by=self.request.user, req=self.req)
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
                {"title": f.title, "current": s == step,
                 "done": s != REVIEW and bool(f.raw_data(self.answers)),
                 "url": self.get_step_url(s) if self.req is not None else None}
                for s, f in form_list.items()],
            "error_summary": errors,
            "page_title": f"{'Error: ' if errors else ''}{title} – {SERVICE_NAME}",
            "prev_step": self.steps.prev,
            "changing": CHANGE in self.request.GET,
            "is_review": step == REVIEW,
            "htc": self.req.htc if self.req else self.profile.htc,
        })
        if step == "dosing":
            context["dose"] = selectors.dose_summary(self.answers)
            context["patient_step_url"] = self.get_step_url("patient")
        if step == REVIEW:
            context["answer_groups"] = selectors.answer_groups(self.answers, [
                (s, f, f"{self.get_step_url(s)}?{CHANGE}") for s, f in form_list.items()
                if s != REVIEW])
            context["preview"] = selectors.review_preview(self.req)
        return context
