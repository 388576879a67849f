"""The prescriber's request wizard: `views` (the formtools view), `storage`
(its data, kept in the request's draft in the database), `forms` (the steps,
built from the policy's questions)."""

from authorizations.requests.wizard.forms import REVIEW, STEPS
from authorizations.requests.wizard.views import RequestWizard

__all__ = ["REVIEW", "STEPS", "RequestWizard"]
