# Requests in each state, as in the FHIR tests.
from tests.fhir.conftest import make_decided, make_draft  # noqa: F401
