"""Django's admin autodiscovery imports this module: it registers each
slice's admin pages."""

from authorizations.appeals import admin as appeals_admin  # noqa: F401
from authorizations.documents import admin as documents_admin  # noqa: F401
from authorizations.review.admin import records, requests  # noqa: F401
from authorizations.treatment import admin as treatment_admin  # noqa: F401
