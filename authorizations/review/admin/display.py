"""What the request's admin page and queue print beside the fields: the
answers by step, times and the clock in hours (the criteria
with their evidence are review/evidence.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from authorizations.core import deadlines
from authorizations.core.markup import Rows, quick_html
from authorizations.models import AuthorizationRequest
from authorizations.requests import selectors
from authorizations.requests.wizard import REVIEW as REVIEW_STEP
from authorizations.requests.wizard import STEPS as WIZARD_STEPS


def answer_groups(req: AuthorizationRequest) -> Rows:
    """The answers by wizard step, as the prescriber's review shows them, test
    dates with their age at submission; the prescriber's facts last. They
    write themselves (`{{ answer_groups.html }}`)."""
    # The submission's day where the service is, not where the viewer is.
    as_of = timezone.localdate(req.submitted_at, timezone.get_default_timezone()) \
        if req.submitted_at else None
    steps = [(step, "") for step, _form in WIZARD_STEPS if step != REVIEW_STEP]
    steps.append(("prescriber", ""))
    return Rows(selectors.answer_groups(req.answers, steps, as_of=as_of,
                                        origins=req.answer_origins), _answer_groups)


def _answer_groups(groups: list[selectors.AnswerGroup]) -> str:
    """The groups as change_form.html looped over them, written in Python
    (core/markup.py): some 50 answers, 3 values each."""
    return "".join(quick_html(
        "\n  <h3>{}</h3>\n  {}\n  ", group.title,
        quick_html("<table>{}\n  </table>", mark_safe("".join(quick_html(
            '\n    <tr><th>{}</th><td>{}{}</td></tr>\n    ', row.label, row.value,
            quick_html(' <span class="review-badge answer-origin">{}</span>', row.origin)
            if row.origin else "") for row in group.rows)))  # each row quick_html's
        if group.rows else mark_safe('<p class="help">Not asked for this case.</p>'))
        for group in groups)


def waiting_hours(req: AuthorizationRequest, now: datetime) -> int | None:
    if req.submitted_at is None:
        return None
    end = req.decided_at or now
    return int((end - req.submitted_at).total_seconds() // 3600)


def turnaround_hours(req: AuthorizationRequest) -> int:
    return deadlines.turnaround(expedited=req.expedited) // timedelta(hours=1)


def record_fieldsets(adminform) -> SafeString | None:
    """The admin's read-only fieldsets as its includes/fieldset.html writes
    them, for this page's shape only (every field read-only, one a line),
    built in Python: the admin's template spends more on its branches than
    on the 17 values. None for any other shape (the admin's own template then).
    The admin's label_tag is written here too (a field first on its line has
    no class), and quick_html escapes as format_html does."""
    fieldsets = []
    for number, fieldset in enumerate(adminform):
        rows = []
        for line in fieldset:
            fields = list(line)
            if len(fields) != 1 or not fields[0].is_readonly or fieldset.is_collapsible \
                    or not fields[0].is_first:
                return None
            field = fields[0]
            help_text = field.field["help_text"]
            rows.append(quick_html(
                '<div class="form-row field-{}"><div><div class="flex-container">'
                '<label>{}{}</label><div class="readonly">{}</div></div>{}</div></div>',
                field.field["name"], capfirst(field.field["label"]), field.form.label_suffix,
                field.contents(),
                quick_html('<div class="help"><div>{}</div></div>', mark_safe(help_text))
                if help_text else ""))
        heading = f"fieldset-0-{number}-heading"
        fieldsets.append(quick_html(
            '<fieldset class="module aligned {}"{}>{}{}{}</fieldset>', fieldset.classes,
            quick_html(' aria-labelledby="{}"', heading) if fieldset.name else "",
            quick_html('<h2 id="{}" class="fieldset-heading">{}</h2>', heading, fieldset.name)
            if fieldset.name else "",
            quick_html('<div class="description">{}</div>', mark_safe(fieldset.description))
            if fieldset.description else "",
            mark_safe("".join(rows))))  # each row quick_html's
    return mark_safe("".join(fieldsets))  # each fieldset quick_html's
