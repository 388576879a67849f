"""`{% patient_banner req %}`: who the patient is, on every page of a request;
`{% patient_identity req as patient %}` for a table's row (the dashboard's
follow-ups). Both read requests.patient.patient_identity."""

from django import template

from authorizations.models import AuthorizationRequest
from authorizations.requests.patient import PatientIdentity, patient_identity

register = template.Library()


@register.inclusion_tag("authorizations/_patient_banner.html")
def patient_banner(req: AuthorizationRequest | None) -> dict:
    return {"patient": patient_identity(req), "req": req}


@register.simple_tag(name="patient_identity")
def patient_identity_tag(req: AuthorizationRequest | None) -> PatientIdentity:
    return patient_identity(req)
