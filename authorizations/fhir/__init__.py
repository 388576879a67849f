"""The request as standard FHIR resources (R4B models of `fhir.resources`,
validated by construction): the policy's DTR Questionnaire, a request's
QuestionnaireResponse, PAS-shaped Claim and ClaimResponse in a Bundle, the
JSON files embedded in letters, and the import of a QuestionnaireResponse
made by an EHR's DTR app.

- codes.py: every URL, code system, unit and the criterion each answer feeds;
- jsonio.py: FHIR JSON in and out with exact decimals;
- questionnaire.py, response.py: pure policy (no Django);
- parties.py, claim.py, bundle.py: a request's resources;
- importing.py: a QuestionnaireResponse into a draft, in one transaction.

`from authorizations import fhir` gives the pure parts below (they load
without Django); the Django-bound ones are imported from their modules
(`fhir.bundle`, `fhir.importing`).
"""

from authorizations.fhir.codes import CANONICAL_BASE, QUESTIONNAIRE_URL
from authorizations.fhir.jsonio import CONTENT_TYPE, dumps, parse, to_data
from authorizations.fhir.questionnaire import (
    build_questionnaire,
    canonical,
    questionnaire_id,
    version_for_id,
)
from authorizations.fhir.response import UnreadableResponse, build_response, read_response

__all__ = [
    "CANONICAL_BASE", "CONTENT_TYPE", "QUESTIONNAIRE_URL", "UnreadableResponse",
    "build_questionnaire", "build_response", "canonical", "dumps", "parse",
    "questionnaire_id", "read_response", "to_data", "version_for_id",
]
