"""Medical Benefit Drug Policy 2026D0120K, "Hemgenix (Etranacogene
Dezaparvovec-Drlb)", as pure Python: no Django import here or below, so the
rules can be read, tested and run without a database.

- questions.py: every answer key once, with all there is to know about it;
- values.py: reading and writing numbers, lab values, dates, NPIs, member keys;
- rules.py: the all-of / any-of vocabulary the criteria are written in;
- criteria.py: the criteria in the policy's order, each with the policy's words;
- evaluation.py: validation and evaluation; versions.py: policy versions;
- flags.py: the review flags, and the two the answers alone raise;
- dosing.py: the label's dose arithmetic.

Callers use `from authorizations import policy` and the names below.
"""

from authorizations.policy.criteria import (
    ADULT_AGE,
    CRITERIA,
    CRITERION_BY_ID,
    CRITERION_IDS,
    HIV_SUPPRESSED_BELOW,
    INHIBITOR_THRESHOLD_BU,
    MIN_EXPOSURE_DAYS,
)
from authorizations.policy.dosing import (
    DOSE_TOLERANCE,
    LABEL_DOSE_GC_PER_KG,
    LARGEST_KIT_VIALS,
    SMALLEST_KIT_VIALS,
    VIAL_ML,
    DosePlan,
    dose_plan,
)
from authorizations.policy.evaluation import (
    MEETS_CRITERIA,
    MEMBER_ID_RE,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    STATUS_LABELS,
    UNMET,
    CriterionResult,
    Evaluation,
    InvalidCase,
    Problem,
    to_json,
    validate,
)
from authorizations.policy.flags import (
    DOCUMENTATION_MISSING,
    DOSE_OVER_LARGEST_KIT,
    EVIDENCE_NOT_RECENT,
    EVIDENCE_WINDOWS,
    LARGEST_KIT_ML,
    REQUIRED_DOCUMENTS,
    REVIEW_FLAGS,
    FlagReason,
    RequiredDocument,
    reason_texts,
)
from authorizations.policy.questions import (
    AAV5_TITER_LIMIT,
    ANSWER_KEYS,
    EARLIEST_BIRTH_DATE,
    QUESTION_BY_KEY,
    QUESTIONS,
    STEP_TITLES,
    STEPS,
    AskedWhen,
    Question,
    asked_keys,
    display,
    step_keys,
)
from authorizations.policy.rules import Criterion, Facts
from authorizations.policy.values import LabValue, member_key
from authorizations.policy.versions import (
    CURRENT,
    PolicyVersion,
    evaluate,
    evaluate_answers,
    register,
    unregister,
    version_for,
    version_named,
    versions,
)

POLICY_NUMBER = CURRENT.number
POLICY_TITLE = CURRENT.title
POLICY_EFFECTIVE = CURRENT.effective
# An authorization covers 45 calendar days counting the approval day: the
# approval date through the approval date + 44 days (data dictionary, section 4).
AUTHORIZATION_DAYS = 45
HCPCS_CODE = "J1411"
ICD10_CODE = "D67"

__all__ = [
    "AAV5_TITER_LIMIT", "ADULT_AGE", "ANSWER_KEYS", "AUTHORIZATION_DAYS", "CRITERIA",
    "CRITERION_BY_ID", "CRITERION_IDS", "CURRENT", "DOSE_OVER_LARGEST_KIT", "DOSE_TOLERANCE",
    "EARLIEST_BIRTH_DATE", "EVIDENCE_NOT_RECENT", "EVIDENCE_WINDOWS", "FlagReason",
    "HCPCS_CODE", "HIV_SUPPRESSED_BELOW", "ICD10_CODE", "INHIBITOR_THRESHOLD_BU",
    "LABEL_DOSE_GC_PER_KG", "LARGEST_KIT_ML", "LARGEST_KIT_VIALS", "MEETS_CRITERIA",
    "MEMBER_ID_RE", "MET", "reason_texts",
    "MIN_EXPOSURE_DAYS", "NOT_APPLICABLE", "NOT_MET", "POLICY_EFFECTIVE", "POLICY_NUMBER",
    "POLICY_TITLE", "QUESTIONS", "QUESTION_BY_KEY", "REVIEW_FLAGS", "STATUS_LABELS", "STEPS",
    "STEP_TITLES", "UNMET", "VIAL_ML", "AskedWhen", "Criterion", "CriterionResult", "DosePlan",
    "Evaluation", "Facts", "InvalidCase", "LabValue", "PolicyVersion", "Problem", "Question",
    "asked_keys", "display", "dose_plan", "evaluate", "evaluate_answers", "member_key",
    "register", "step_keys", "to_json", "unregister", "validate", "version_for",
    "version_named", "versions",
    # documentation_missing (issue 19)
    "DOCUMENTATION_MISSING", "REQUIRED_DOCUMENTS", "RequiredDocument",
    # the kit dispensed (issue 19)
    "SMALLEST_KIT_VIALS",
]
