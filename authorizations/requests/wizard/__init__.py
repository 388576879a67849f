"""The prescriber's request wizard: `views` (formtools' NamedUrlWizardView),
`gate` (access and the posted page, before formtools runs), `storage` (its
data, kept in the request's draft in the database), `typed` (an unfinished
step kept as typed), `forms` (the steps, built from the policy's questions)."""

from authorizations.requests.wizard.forms import REVIEW, STEPS
from authorizations.requests.wizard.gate import DONE
from authorizations.requests.wizard.views import RequestWizard

__all__ = ["DONE", "REVIEW", "STEPS", "RequestWizard"]
