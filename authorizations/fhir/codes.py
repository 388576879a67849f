"""Every URL, code system and unit the FHIR resources use, in one place.

The service's own canonical URLs live under CANONICAL_BASE; they identify
things (they need not resolve) and README.md lists them. A deployment with its
own domain changes CANONICAL_BASE once.
"""

from __future__ import annotations

from decimal import Decimal

from authorizations.policy import kinds

CANONICAL_BASE = "https://hemgenix-pa.example.org/fhir"

# ---- this service's definitions
QUESTIONNAIRE_URL = f"{CANONICAL_BASE}/Questionnaire/hemgenix"
CRITERIA_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/criteria"  # the data dictionary's criterion IDs
REVIEW_FLAG_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/review-flags"  # data dictionary, section 4
ANSWER_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/answers"  # the values of the choice questions
FEEDS_CRITERION_URL = f"{CANONICAL_BASE}/StructureDefinition/feeds-criterion"
MEMBER_ID_SYSTEM = f"{CANONICAL_BASE}/sid/member-id"
REQUEST_NUMBER_SYSTEM = f"{CANONICAL_BASE}/sid/request-number"
AUTHORIZATION_NUMBER_SYSTEM = f"{CANONICAL_BASE}/sid/authorization-number"
HTC_SYSTEM = f"{CANONICAL_BASE}/sid/htc"
DOCUMENT_SYSTEM = f"{CANONICAL_BASE}/sid/document"

# ---- standard systems
UCUM = "http://unitsofmeasure.org"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"  # identifier types (MB, NPI)
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PROCESS_PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
CLAIM_INFO_CATEGORY = "http://terminology.hl7.org/CodeSystem/claiminformationcategory"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
COVERAGE_RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
ITEM_CONTROL = "http://hl7.org/fhir/questionnaire-item-control"
X12_REVIEW_ACTION = "https://codesystem.x12.org/005010/306"  # HCR01 action codes

# ---- standard extensions
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_UNIT_OPTION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption"
EXT_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXT_ENTRY_FORMAT = "http://hl7.org/fhir/StructureDefinition/entryFormat"
EXT_REVIEW_ACTION = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction"
EXT_REVIEW_ACTION_CODE = \
    "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode"

# X12 306 review actions (PAS): certified in total, not certified, pended.
APPROVED, DENIED, PENDED = "A1", "A3", "A4"
REVIEW_ACTION_DISPLAY = {APPROVED: "Certified in total", DENIED: "Not Certified",
                         PENDED: "Pended"}

# UCUM for each unit the questions print (Question.unit). UCUM has the
# Bethesda unit; counts and titers are annotations ({...} means 1 in UCUM).
# No question needs [arb'U] (arbitrary unit), the fallback where nothing fits.
UCUM_BY_UNIT: dict[str, tuple[str, str]] = {
    "kg": ("kg", "kg"),
    "%": ("%", "%"),
    "BU": ("[beth'U]", "Bethesda unit"),
    "copies/mL": ("{copies}/mL", "copies per milliliter"),
    "genome copies per kg": ("{genome_copies}/kg", "genome copies per kilogram"),
}
TITER_UNIT = ("{titer}", "titer (reciprocal dilution)")

# Units a sender may use instead, with the factor to the question's unit:
# factor IX activity in IU/mL (1% of normal is 0.01 IU/mL, data dictionary 1).
ALTERNATE_UNITS: dict[str, dict[str, tuple[str, Decimal]]] = {
    "fix_activity_percent": {"[IU]/mL": ("international units per milliliter",
                                         kinds.PERCENT_PER_IU_ML)},
}

# Which criterion each answer feeds (data dictionary, section 1, last column).
# Keys not listed feed none: names, test dates (documentation and the
# evidence_not_recent flag), the quality-only attestations, the planned date
# and site of care (letters).
FEEDS: dict[str, str] = {
    "member_id": "lifetime_limit",
    "date_of_birth": "age",
    "weight_kg": "dosing",
    "diagnosis": "diagnosis",
    "severity": "severity",
    "fix_activity_percent": "severity",
    "life_threatening_hemorrhage": "severity",
    "repeated_serious_spontaneous_bleeding": "severity",
    "current_prophylaxis": "prophylaxis",
    "non_factor_agent": "prophylaxis",
    "fix_exposure_days": "prophylaxis",
    "htc_candidate_determination": "prophylaxis",
    "continue_prophylaxis_after_treatment": "no_combination_prophylaxis",
    "inhibitor_history": "inhibitor_history",
    "inhibitor_screen_bu": "inhibitor_screen",
    "immune_tolerance_induction": "immune_tolerance_induction",
    "liver_enzymes_tested": "liver_health",
    "liver_imaging": "liver_health",
    "liver_abnormality_found": "liver_health",
    "aav5_nab_evaluated": "aav5_antibodies",
    "aav5_nab_csl_test": "aav5_antibodies",
    "aav5_nab_result": "aav5_antibodies",
    "aav5_nab_titer": "aav5_antibodies",
    "hiv_status": "hiv",
    "hiv_on_antiretroviral_therapy": "hiv",
    "hiv_viral_load_copies_ml": "hiv",
    "hbsag": "hepatitis_b",
    "hcv_antibody": "hepatitis_c",
    "hcv_rna": "hepatitis_c",
    "hepatitis_antiviral_therapy": "hepatitis_antiviral_therapy",
    "prior_gene_therapy": "prior_gene_therapy",
    "prescriber_bleeding_disorder_specialist": "prescriber_htc",
    "htc_federally_designated": "prescriber_htc",
    "dose_gc_per_kg": "dosing",
    "attest_monitoring": "monitoring_attestation",
    "attest_alcohol_counseling": "alcohol_counseling_attestation",
    "planned_inpatient_admission": "no_inpatient_admission",
}


def ucum_for(question) -> tuple[str, str] | None:
    """(UCUM code, display) of a question's unit, or None for a unitless one."""
    if question.kind == "titer":
        return TITER_UNIT
    return UCUM_BY_UNIT.get(question.unit) if question.unit else None
