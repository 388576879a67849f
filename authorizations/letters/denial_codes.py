"""The denial codes: one code and its meaning for each reason a denial can
give (45 CFR 147.136(b)(2)(ii)(E): a group health plan's notice gives the
denial code and its meaning). The letters print them, and the FHIR
ClaimResponse's reason codes map from this same table.

The codes are the payer's own (system DENIAL_CODE_SYSTEM), one per criterion
of the data dictionary (section 2) in the policy's order, and one for a
reason the reviewer gives in their own words. `x12` is the X12 278 review
decision reason code (X12 external code source 886,
https://codesystem.x12.org/external/886) where one applies. That list is
X12's licensed product and was not available to check here, so no row
carries one yet: each is None until someone with the licensed list fills
it in, rather than a code guessed from memory.
"""

from __future__ import annotations

from dataclasses import dataclass

# Marked for the catalogue; the letters translate a meaning where they print
# it (plain.explain), and FHIR keeps the English.
from django.utils.translation import gettext_noop as _

DENIAL_CODE_SYSTEM = "urn:hemgenix-pa:denial-code"
X12_REVIEW_DECISION_REASON_SYSTEM = "https://codesystem.x12.org/external/886"


@dataclass(frozen=True)
class DenialCode:
    code: str
    meaning: str
    x12: str | None = None


# Criterion ID -> its code. The meaning is the code's, in plain words; the
# letter quotes the policy's own words beside it.
DENIAL_CODES: dict[str, DenialCode] = {
    "diagnosis": DenialCode("HGX-01", _("Diagnosis not covered: the policy covers hemophilia B")),
    "age": DenialCode("HGX-02", _("Age below the policy's minimum of 18 years")),
    "severity": DenialCode("HGX-03", _("Severity or factor IX level outside the policy's limits")),
    "prophylaxis": DenialCode("HGX-04", _("Current prophylaxis not shown as the policy asks")),
    "no_combination_prophylaxis": DenialCode(
        "HGX-05", _("Routine prophylaxis planned to continue after gene therapy")),
    "inhibitor_history": DenialCode("HGX-06", _("History of factor IX inhibitors")),
    "inhibitor_screen": DenialCode("HGX-07", _("Latest factor IX inhibitor screen positive")),
    "immune_tolerance_induction": DenialCode("HGX-08", _("Prior immune tolerance induction")),
    "liver_health": DenialCode("HGX-09", _("Liver testing incomplete or abnormal")),
    "aav5_antibodies": DenialCode(
        "HGX-10", _("AAV5 antibody testing missing, or the titer is too high")),
    "hiv": DenialCode("HGX-11", _("HIV not controlled as the policy asks")),
    "hepatitis_b": DenialCode("HGX-12", _("Active hepatitis B infection")),
    "hepatitis_c": DenialCode("HGX-13", _("Active hepatitis C infection")),
    "hepatitis_antiviral_therapy": DenialCode(
        "HGX-14", _("Current antiviral therapy for hepatitis B or C")),
    "prior_gene_therapy": DenialCode("HGX-15", _("Prior gene therapy for hemophilia B")),
    "lifetime_limit": DenialCode("HGX-16", _("One treatment per lifetime already used")),
    "prescriber_htc": DenialCode(
        "HGX-17", _("Prescriber not a bleeding disorder specialist at a designated HTC")),
    "dosing": DenialCode("HGX-18", _("Dose differs from the FDA-approved dose")),
    "monitoring_attestation": DenialCode(
        "HGX-19", _("Liver and factor IX monitoring plan missing")),
    "alcohol_counseling_attestation": DenialCode("HGX-20", _("Alcohol counseling not documented")),
    "no_inpatient_admission": DenialCode(
        "HGX-21", _("Inpatient admission planned only to give the infusion")),
}
# A reason the reviewer wrote in their own words.
OTHER = DenialCode("HGX-99", _("Other reason, given by the clinical reviewer"))


def denial_code(criterion: str) -> DenialCode:
    """The code of a denial's reason: its criterion's, or OTHER for a reason
    in the reviewer's own words ("")."""
    if not criterion:
        return OTHER
    return DENIAL_CODES[criterion]
