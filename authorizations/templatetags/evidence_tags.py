"""On the wizard's review step: `{% evidence_checklist req %}`, the documents
the policy asks for and the results that are not recent (requests/evidence.py),
and `{% dose_kit req %}`, the dose and the kit dispensed (selectors.dose_summary)."""

from django import template

from authorizations.requests.evidence import evidence_checklist as checklist_of
from authorizations.requests.selectors import dose_summary

register = template.Library()


@register.inclusion_tag("authorizations/_evidence_checklist.html", takes_context=True)
def evidence_checklist(context, req):
    if req is None or req.pk is None:
        return {"checklist": None}
    request = context.get("request")
    # The documents page's "Back" link returns to this review step.
    back = request.get_full_path() if request is not None else ""
    return {"checklist": checklist_of(req, back=back)}


@register.inclusion_tag("authorizations/_dose_kit.html")
def dose_kit(req):
    """The dose and the kit dispensed for the request's answers (the review step)."""
    return {"dose": dose_summary(req.answers) if req is not None else None}
