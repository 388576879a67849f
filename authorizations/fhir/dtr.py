"""What makes the policy's Questionnaire a DTR one (Da Vinci DTR 2.x,
profiles.DTR_SOURCE): the profile, LOINC codes on the lab and vital items,
and prepopulation: `initialExpression` on each item an EHR can fill, naming
an expression of the CQL Library served at /fhir/Library/<LIBRARY_ID>.
Running the CQL is the EHR's DTR client's job. questionnaire.py calls
`item_additions` and `questionnaire_additions`; no Django here."""

from __future__ import annotations

import base64
import re
from typing import Any

from authorizations.fhir import codes, profiles
from authorizations.fhir.x12 import CodeTable
from authorizations.requests import origins as origin_codes

# LOINC (Regenstrief, loinc.org). Each code below was checked against its
# long common name and parts (codes.LOINC_CHECKED: where it was read, the
# LOINC version that source gives, component:property:time:system:scale:method).
# The factor IX inhibitor items carry no code: 3186-4, used here before, is
# "Coagulation factor IX activity [Units/volume] ..." (an activity, not the
# inhibitor), and the inhibitor code could not be confirmed against LOINC with
# the tools at hand (codes.FIX_INHIBITOR_CANDIDATE). The AAV5 neutralizing
# antibody assay (CSL's) has no LOINC code found, so its items carry none.
LOINC = CodeTable("http://loinc.org", "LOINC", codes.LOINC_VERSION, {
    code: checked.long_common_name for code, checked in codes.LOINC_CHECKED.items()})

# The LOINC codes of each answer key: its own result, or (for the liver panel
# question and the test dates) the results it is about.
ITEM_CODES: dict[str, tuple[str, ...]] = {
    "date_of_birth": ("21112-8",),
    "weight_kg": ("29463-7",),
    "weight_date": ("29463-7",),
    "fix_activity_percent": ("3187-2",),
    "fix_activity_test_date": ("3187-2",),
    "hiv_viral_load_copies_ml": ("20447-9",),
    "hiv_viral_load_date": ("20447-9",),
    "hbsag": ("5196-1",),
    "hcv_antibody": ("13955-0",),
    "hcv_rna": ("11259-9",),
    "liver_enzymes_tested": ("1742-6", "1920-8"),
    "liver_tests_date": ("1742-6", "1920-8"),
}

LIBRARY_NAME = "HemgenixPrepopulation"
LIBRARY_ID = "hemgenix-prepopulation"
LIBRARY_URL = f"{codes.CANONICAL_BASE}/Library/{LIBRARY_ID}"
LIBRARY_VERSION = "2.0.0"  # 2.0.0: the factor IX inhibitor defines removed (wrong code)
EXT_INITIAL_EXPRESSION = \
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression"
EXT_CQF_LIBRARY = "http://hl7.org/fhir/StructureDefinition/cqf-library"

# The CQL define each EHR-fillable item starts from.
INITIAL_EXPRESSIONS: dict[str, str] = {
    "patient_first_name": "PatientFirstName",
    "patient_last_name": "PatientLastName",
    "date_of_birth": "BirthDate",
    "weight_kg": "LatestWeightKg",
    "weight_date": "LatestWeightDate",
    "fix_activity_percent": "LatestFactorIXActivityPercent",
    "fix_activity_test_date": "LatestFactorIXActivityDate",
    "hiv_viral_load_copies_ml": "LatestHIVViralLoad",
    "hiv_viral_load_date": "LatestHIVViralLoadDate",
    "liver_tests_date": "LatestLiverPanelDate",
}

CQL = f'''library {LIBRARY_NAME} version '{LIBRARY_VERSION}'

using FHIR version '4.0.1'

include FHIRHelpers version '4.0.1' called FHIRHelpers

codesystem "LOINC": 'http://loinc.org'

code "Body weight": '29463-7' from "LOINC"
code "Factor IX activity": '3187-2' from "LOINC"
code "HIV viral load": '20447-9' from "LOINC"
code "ALT": '1742-6' from "LOINC"
code "AST": '1920-8' from "LOINC"

context Patient

define "PatientFirstName": First(Patient.name.given)

define "PatientLastName": First(Patient.name.family)

define "BirthDate": Patient.birthDate

define "Weights": [Observation: "Body weight"] O
  where O.status in {{ 'final', 'amended', 'corrected' }}
  sort by effective descending

define "LatestWeightKg": (First("Weights").value as Quantity) convert 'kg'

define "LatestWeightDate": date from (First("Weights").effective as dateTime)

define "FactorIXActivity": [Observation: "Factor IX activity"] O
  where O.status in {{ 'final', 'amended', 'corrected' }}
  sort by effective descending

define "LatestFactorIXActivityPercent": First("FactorIXActivity").value as Quantity

define "LatestFactorIXActivityDate": date from (First("FactorIXActivity").effective as dateTime)

define "HIVViralLoads": [Observation: "HIV viral load"] O
  where O.status in {{ 'final', 'amended', 'corrected' }}
  sort by effective descending

define "LatestHIVViralLoad": First("HIVViralLoads").value as Quantity

define "LatestHIVViralLoadDate": date from (First("HIVViralLoads").effective as dateTime)

define "LiverPanel": ([Observation: "ALT"] union [Observation: "AST"]) O
  where O.status in {{ 'final', 'amended', 'corrected' }}
  sort by effective descending

define "LatestLiverPanelDate": date from (First("LiverPanel").effective as dateTime)
'''


def defined_expressions(cql: str = CQL) -> set[str]:
    """The names the CQL defines."""
    return set(re.findall(r'^define "([^"]+)"', cql, flags=re.MULTILINE))


def item_additions(key: str) -> dict[str, Any]:
    """An item's `code` and `initialExpression` (the extension, to append)."""
    added: dict[str, Any] = {}
    if key in ITEM_CODES:
        added["code"] = [LOINC.coding(code) for code in ITEM_CODES[key]]
    if key in INITIAL_EXPRESSIONS:
        added["extension"] = [{"url": EXT_INITIAL_EXPRESSION, "valueExpression": {
            "language": "text/cql-identifier",
            "expression": f"{LIBRARY_NAME}.{INITIAL_EXPRESSIONS[key]}"}}]
    return added


def questionnaire_additions() -> dict[str, Any]:
    """The Questionnaire's profile and its Library."""
    return {"meta": profiles.meta(profiles.DTR_QUESTIONNAIRE),
            "extension": [{"url": EXT_CQF_LIBRARY,
                           "valueCanonical": f"{LIBRARY_URL}|{LIBRARY_VERSION}"}]}


def library() -> dict[str, Any]:
    """The CQL as a FHIR Library (logic-library)."""
    return {
        "resourceType": "Library", "id": LIBRARY_ID, "url": LIBRARY_URL,
        "version": LIBRARY_VERSION, "name": LIBRARY_NAME,
        "title": "Hemgenix prior authorization prepopulation",
        "status": "active",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/library-type",
                             "code": "logic-library"}]},
        "description": "The expressions the policy's Questionnaire names in "
                       "initialExpression: what an EHR can fill from its own records.",
        "content": [{"contentType": "text/cql",
                     "data": base64.b64encode(CQL.encode()).decode()}],
    }


# ---- information-origin on a QuestionnaireResponse's answers (DTR 2.x)
EXT_INFORMATION_ORIGIN = profiles.DTR + "information-origin"
ORIGINS = origin_codes.CODES
FILLED_BY_SOFTWARE = origin_codes.FILLED_BY_SOFTWARE


def answer_origins(items: Any) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """({linkId: origin source}, [(linkId, problem)]) of the answers of raw
    QuestionnaireResponse items. DTR's rule dtrx-1: an override or a manual
    answer names its author; an automatic one names none."""
    found: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    stack = [items]
    while stack:
        level = stack.pop()
        for item in level if isinstance(level, list) else ():
            if not isinstance(item, dict):
                continue
            link_id = item.get("linkId") if isinstance(item.get("linkId"), str) else "(item)"
            stack.append(item.get("item"))
            for answer in item.get("answer") or ():
                if not isinstance(answer, dict):
                    continue
                stack.append(answer.get("item"))
                for ext in answer.get("extension") or ():
                    if not isinstance(ext, dict) or ext.get("url") != EXT_INFORMATION_ORIGIN:
                        continue
                    parts = {e.get("url"): e for e in ext.get("extension") or ()
                             if isinstance(e, dict)}
                    source = (parts.get("source") or {}).get("valueCode")
                    if source not in ORIGINS:
                        problems.append((link_id, f"information-origin source must be one of "
                                                  f"{', '.join(ORIGINS)}"))
                    elif (source in FILLED_BY_SOFTWARE) == ("author" in parts):
                        problems.append((link_id, "information-origin: an override or manual "
                                                  "answer names its author, an automatic one "
                                                  "none (DTR dtrx-1)"))
                    else:
                        found[link_id] = source
    return found, problems


def information_origin(source: str | None, author: dict[str, Any] | None) -> dict[str, Any]:
    """One answer's information-origin extension. An answer whose origin is not
    known was given by the person who signed the request (manual). DTR's
    dtrx-1: a person's answer (override, manual) names its author (the
    practitioner), an automatic one none."""
    source = source if source in ORIGINS else origin_codes.MANUAL
    parts: list[dict[str, Any]] = [{"url": "source", "valueCode": source}]
    if source not in FILLED_BY_SOFTWARE:
        parts.append({"url": "author", "extension": [
            {"url": "practitioner", "valueReference": author or {"display": "unknown"}}]})
    return {"url": EXT_INFORMATION_ORIGIN, "extension": parts}


# ---- the request's QuestionnaireResponse: what DTR asks of it that is known here
EXT_QR_COVERAGE = profiles.DTR + "qr-coverage"
EXT_QR_CONTEXT = profiles.DTR + "qr-context"
EXT_INTENDED_USE = profiles.DTR + "intendedUse"
CRD_CODES = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/coverage-information-codes"


def response_extensions(coverage: dict[str, str],
                        order: str = "") -> list[dict[str, Any]]:
    """The coverage the answers are for, the order they are for (qr-context:
    known when the request was started from the CRD card of that order, as
    the EHR named it, e.g. MedicationRequest/123), and their use: with the
    prior authorization (CRD's "withpa")."""
    found = [{"url": EXT_QR_COVERAGE, "valueReference": coverage}]
    if order:
        found.append({"url": EXT_QR_CONTEXT, "valueReference": {"reference": order}})
    found.append({"url": EXT_INTENDED_USE, "valueCodeableConcept": {"coding": [{
        "system": CRD_CODES, "code": "withpa", "display": "Include in prior authorization"}]}})
    return found
