"""Django's admin autodiscovery imports this module: it registers each
slice's admin pages and puts the documents' and the treatment's parts on the
request's admin page (so no slice imports another slice's admin)."""

from authorizations.appeals import admin as appeals_admin  # noqa: F401
from authorizations.documents import admin as documents_admin
from authorizations.review.admin import records  # noqa: F401
from authorizations.review.admin.requests import AuthorizationRequestAdmin
from authorizations.treatment import admin as treatment_admin

AuthorizationRequestAdmin.parts = (documents_admin, treatment_admin)
