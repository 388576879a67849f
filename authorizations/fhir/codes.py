"""Every URL, code system and unit the FHIR resources use, in one place.

The service's own canonical URLs live under CANONICAL_BASE; they identify
things (they need not resolve) and README.md lists them. A deployment with its
own domain changes CANONICAL_BASE once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from authorizations.policy import kinds

CANONICAL_BASE = "https://hemgenix-pa.example.org/fhir"

# ---- this service's definitions
QUESTIONNAIRE_URL = f"{CANONICAL_BASE}/Questionnaire/hemgenix"
CRITERIA_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/criteria"  # the data dictionary's criterion IDs
REVIEW_FLAG_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/review-flags"  # data dictionary, section 4
ANSWER_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/answers"  # the values of the choice questions
# documents.DocumentKind values: a PAS DocumentReference.type where LOINC has
# no document code for the kind (pas_documents.py)
DOCUMENT_KIND_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/document-kinds"
FEEDS_CRITERION_URL = f"{CANONICAL_BASE}/StructureDefinition/feeds-criterion"
MEMBER_ID_SYSTEM = f"{CANONICAL_BASE}/sid/member-id"
REQUEST_NUMBER_SYSTEM = f"{CANONICAL_BASE}/sid/request-number"
AUTHORIZATION_NUMBER_SYSTEM = f"{CANONICAL_BASE}/sid/authorization-number"
HTC_SYSTEM = f"{CANONICAL_BASE}/sid/htc"
DOCUMENT_SYSTEM = f"{CANONICAL_BASE}/sid/document"

# ---- standard systems
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
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

# ---- where each standard code was checked (issue 22)
# LOINC's own pages (loinc.org) for these codes were not among the stored
# copies the checking tools reach. Each code was read instead from a page that
# reproduces the LOINC table row (long common name and the six parts) and
# names its LOINC release, and cross-checked against a laboratory's catalogue
# that uses the code for the test the question asks about. Read 2026-12-06.
LOINC_VERSION = "2.82"


@dataclass(frozen=True)
class LoincChecked:
    long_common_name: str
    parts: str  # component:property:time:system:scale:method as read; "" where not read
    source: str
    also: str = ""  # a second source that uses or names the code


_HA = "https://www.healthassure.in/codes/"
LOINC_CHECKED: dict[str, LoincChecked] = {
    "21112-8": LoincChecked(
        "Birth date", "Birth date:TmStp:Pt:^Patient:Qn:",
        _HA + "loinc-21112-8-birth-date-datetime (LOINC 2.82)",
        "https://ecqi.healthit.gov/mcw/2024/ecqm-dataelement/"
        "patientcharacteristicbirthdatebirthdate.html"),
    "29463-7": LoincChecked(
        "Body weight", "Body weight:Mass:Pt:^Patient:Qn:",
        _HA + "loinc-29463-7-body-weight (LOINC 2.82)"),
    # Percent of normal by a clotting (one-stage) assay: what the question asks
    # (% of normal). No chromogenic-method code was found to compare with.
    "3187-2": LoincChecked(
        "Coagulation factor IX activity actual/normal in Platelet poor plasma by "
        "Coagulation assay",
        "Coagulation factor IX activity actual/Normal:RelTime:Pt:PPP:Qn:Coag",
        _HA + "loinc-3187-2-coagulation-factor-ix-activity-actualnormal-coag-ppp-"
        "relative-time (LOINC 2.82)",
        "https://ltd.aruplab.com/Tests/Pub/0030100 (ARUP Factor IX, Activity: 3187-2)"),
    "20447-9": LoincChecked(
        "HIV 1 RNA [#/volume] (viral load) in Serum or Plasma by NAA with probe detection",
        "",
        "https://theohiostatelabs.testcatalog.org/show/IMML66 (HIV viral load, "
        "copies/mL: 20447-9); long common name not read from a LOINC row"),
    "5196-1": LoincChecked(
        "Hepatitis B virus surface Ag [Presence] in Serum or Plasma by Immunoassay",
        "Hepatitis B virus surface Ag:PrThr:Pt:Ser/Plas:Ord:IA",
        _HA + "loinc-5196-1-hbv-surface-ag-ia-ql (LOINC 2.82)"),
    "13955-0": LoincChecked(
        "Hepatitis C virus Ab [Presence] in Serum or Plasma by Immunoassay",
        "",
        "https://billingscliniclaboratory.testcatalog.org/show/Billings-Clinic-3979 "
        "(Hep C Ab: 13955-0); long common name not read from a LOINC row"),
    "11259-9": LoincChecked(
        "Hepatitis C virus RNA [Presence] in Serum or Plasma by NAA with probe detection",
        "",
        "https://www.labcorp.com/tests/550713/hepatitis-c-virus-hcv-rna-qualitative-naa "
        "(HCV RNA NAA Qualitative: 11259-9); long common name not read from a LOINC row",
        "http://ltd.aruplab.com/tests/pub/0098264 (HCV RNA Qualitative PCR: 11259-9)"),
    "1742-6": LoincChecked(
        "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        "Alanine aminotransferase:CCnc:Pt:Ser/Plas:Qn:",
        _HA + "loinc-1742-6-alt-catalytic-activityvol (LOINC 2.82)",
        "http://build.fhir.org/ig/cqframework/dqm-content-cms-2026/"
        "ValueSet-alt-lab-tests.html (tx.fhir.org expansion, LOINC 2.82)"),
    "1920-8": LoincChecked(
        "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        "",
        "https://kuhlab.testcatalog.org/show/AST (AST, serum: 1920-8); long common "
        "name not read from a LOINC row"),
}
# The factor IX inhibitor in Bethesda units: not sent (dtr.py). 3186-4 is
# "Coagulation factor IX activity [Units/volume] in Platelet poor plasma by
# Coagulation assay", LOINC 2.82, at
# https://www.healthassure.in/codes/loinc-3186-4-coagulation-factor-ix-activity-coag-qn-ppp
# 30086-3 is the inhibitor's presence (Ord), not its titre. The candidate
# below was read only from Uzinfocom's ConceptMap
# https://terminology.dhp.uz/fhir/core/ConceptMap/lab-analytes-to-loinc; confirm
# it at https://loinc.org/3185-6/ before sending it on inhibitor_screen_bu.
FIX_INHIBITOR_CANDIDATE = (
    "3185-6", "Coagulation factor IX inhibitor [Units/volume] in Platelet poor plasma by "
              "Coagulation assay")

# HCPCS J1411 (x12.HCPCS): the descriptor as the policy's Applicable Codes
# table gives it (docs/policy-2026D0120K.md), and as
# https://carecostestimate.com/drugs/hemgenix quotes CMS's. CMS's HCPCS file
# itself was not read.
HCPCS_SOURCE = "docs/policy-2026D0120K.md (Applicable Codes); carecostestimate.com/drugs/hemgenix"
# RxNorm: no RxNorm code is sent. openFDA's NDC record for Hemgenix
# (https://api.fda.gov/drug/ndc.json?search=packaging.package_ndc:"0053-0300-30")
# lists many RXCUIs (2626772, 2626778 to 2626794, and more: the excerpt read was
# cut), but no source read said which one is the ingredient or the branded
# product; none is written here.

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
