"""The criteria of Medical Benefit Drug Policy 2026D0120K, "Hemgenix
(Etranacogene Dezaparvovec-Drlb)", effective June 1, 2026, in the order the
policy states them: read it top to bottom beside the policy's Coverage
Rationale. Each criterion has its data-dictionary ID, the policy's own words
and its rule; an "unproven" exclusion is attached to the criterion that
enforces it. The human text is the policy's; the reasons are ours.
"""

from __future__ import annotations

from decimal import Decimal

from authorizations.policy.dosing import DOSE_HIGHEST, DOSE_LOWEST, LABEL_DOSE_GC_PER_KG
from authorizations.policy.questions import AAV5_TITER_LIMIT, QUESTION_BY_KEY
from authorizations.policy.rules import (
    AllOf,
    Answers,
    AnyOf,
    Check,
    Criterion,
    Facts,
    equals,
    no,
    yes,
)
from authorizations.policy.values import LabValue, plain, scientific

ADULT_AGE = 18
MIN_EXPOSURE_DAYS = 50
INHIBITOR_THRESHOLD_BU = Decimal("0.6")
HIV_SUPPRESSED_BELOW = 200  # copies/mL


def _label(key: str, value: object) -> str:
    return QUESTION_BY_KEY[key].choice_label(value)


def _age(a: Answers, f: Facts) -> tuple[bool, str]:
    born, day = a["date_of_birth"], f.as_of
    # The birthday counts. Born on 29 February: in a common year (2, 28) is
    # still before (2, 29), so 18 comes on 1 March (data dictionary, section 2).
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    on = f"{day:%B} {day.day}, {day.year}"
    return (True, f"age {age} on {on}") if age >= ADULT_AGE else \
        (False, f"age {age} on {on} is under 18")


def _diagnosis(a: Answers, f: Facts) -> tuple[bool, str]:
    if a["diagnosis"] == "hemophilia_b":
        return True, "diagnosis is hemophilia B"
    return False, f"diagnosis is {_label('diagnosis', a['diagnosis'])}, not hemophilia B"


def _hemophilia_b(a: Answers) -> bool:
    return a.get("diagnosis") == "hemophilia_b"


def _severity_is(value: str) -> Check:
    words = _label("severity", value).split(":")[0].lower()
    return Check(lambda a, f: (a.get("severity") == value,
                               f"{words} hemophilia B" if a.get("severity") == value
                               else f"severity is not {words}"))


def _below(what: str, lab: LabValue, threshold: Decimal | int, unit: str, at_or_above: str
           ) -> tuple[bool, str]:
    """A lab value below a threshold: "<1" is below 1, "<2" is not known to be."""
    shown = f"{what} {lab}{unit}"
    if lab.is_below(threshold):
        return True, f"{shown} is below {plain(threshold)}{unit}"
    if lab.below:
        return False, f"{shown} is not shown to be below {plain(threshold)}{unit}"
    return False, f"{shown} {at_or_above}"


def _fix_below_1(a: Answers, f: Facts) -> tuple[bool, str]:
    return _below("factor IX activity", a["fix_activity_percent"], 1, "%", "is not below 1%")


def _fix_1_to_2(a: Answers, f: Facts) -> tuple[bool, str]:
    fix = a["fix_activity_percent"]
    if fix.at_least(1) and fix.at_most(2):
        return True, f"factor IX activity {fix}% is between 1% and 2%"
    if fix.below:
        return False, f"factor IX activity {fix}% is not shown to be 1% or more"
    return False, f"factor IX activity {fix}% is not between 1% and 2%"


def _named_agent(a: Answers, f: Facts) -> tuple[bool, str]:
    agent = a.get("non_factor_agent")
    return agent in ("alhemo", "hympavzi", "qfitlia"), \
        f"with {_label('non_factor_agent', agent)}" if agent else "no agent named"


def _exposure_days(a: Answers, f: Facts) -> tuple[bool, str]:
    days = a.get("fix_exposure_days")
    if days is None:
        return False, "exposure days not answered"
    if days >= MIN_EXPOSURE_DAYS:
        return True, f"{days} exposure days to factor IX (at least 50)"
    return False, f"{days} exposure days to factor IX is fewer than 50"


def _screen(a: Answers, f: Facts) -> tuple[bool, str]:
    return _below("inhibitor screen", a["inhibitor_screen_bu"], INHIBITOR_THRESHOLD_BU, " BU",
                  "is 0.6 BU or more")


def _imaging(a: Answers, f: Facts) -> tuple[bool, str]:
    imaging = a["liver_imaging"]
    if imaging != "none":
        return True, f"hepatic {_label('liver_imaging', imaging).lower()} performed"
    return False, "no hepatic ultrasound or elastography performed"


def _titer(a: Answers, f: Facts) -> tuple[bool, str]:
    # A missing result is never "not detected": validation refuses it, and
    # here it is unknown, which is never met.
    result, titer = a.get("aav5_nab_result"), a.get("aav5_nab_titer")
    if result == "not_detected":
        return True, "no anti-AAV5 neutralizing antibodies detected"
    if result != "detected" or titer is None:
        return False, f"AAV5 antibody {'titer' if result else 'result'} not answered"
    if titer <= AAV5_TITER_LIMIT:
        return True, (f"anti-AAV5 titer 1:{titer} is not above 1:{AAV5_TITER_LIMIT}, the highest "
                      "titer with factor IX expression in the pivotal trial (HOPE-B)")
    return False, (f"anti-AAV5 titer 1:{titer} is above 1:{AAV5_TITER_LIMIT}: in the pivotal "
                   f"trial (HOPE-B) 1:{AAV5_TITER_LIMIT} was the highest titer with factor IX "
                   "expression, and the one patient at 1:3212 had none, so response is not "
                   "shown by published clinical evidence")


def _viral_load(a: Answers, f: Facts) -> tuple[bool, str]:
    return _below("HIV viral load", a["hiv_viral_load_copies_ml"], HIV_SUPPRESSED_BELOW,
                  " copies/mL", "is not below 200 copies/mL")


def _dose(a: Answers, f: Facts) -> tuple[bool, str]:
    dose = a["dose_gc_per_kg"]
    label = scientific(LABEL_DOSE_GC_PER_KG)
    # Compared with the bounds, never through a difference: a dose of 30
    # digits minus the label would be rounded to 28 and could slip inside.
    if DOSE_LOWEST <= dose <= DOSE_HIGHEST:
        return True, f"dose {scientific(dose)} gc/kg is the label dose of {label} gc/kg"
    return False, f"dose {scientific(dose)} gc/kg is not the label dose of {label} gc/kg " \
                  "(within 1%)"


def _lifetime(a: Answers, f: Facts) -> tuple[bool, str]:
    if f.lifetime_used:
        return False, ("this member already has a recorded Hemgenix infusion or a live "
                       "authorization")
    return True, "no recorded Hemgenix infusion and no live authorization for this member"


CRITERIA: tuple[Criterion, ...] = (
    # "Hemgenix is proven and medically necessary for the treatment of Hemophilia
    # B ... when all of the following criteria are met:"
    Criterion(
        "diagnosis", "Diagnosis",
        "Hemgenix is proven and medically necessary for the treatment of Hemophilia B "
        "(congenital factor IX deficiency)",
        Check(_diagnosis),
        exclusion="The treatment of hemophilia A",
        documentation="Clinical notes confirming the diagnosis of hemophilia B.",
    ),
    Criterion(
        "age", "Age", "Patient is 18 years of age or older",
        Check(_age),
        exclusion="The treatment of hemophilia B in patients less than 18 years of age",
        documentation="Proof of the patient's date of birth.",
    ),
    Criterion(
        "severity", "Severity and factor IX activity",
        "Diagnosis of severe hemophilia B and documentation of endogenous factor IX levels less "
        "than 1% of normal factor IX (< 0.01 IU/mL); or diagnosis of moderately severe "
        "hemophilia B, documentation of endogenous factor IX levels >= 1% <= 2% (0.01 IU/mL to "
        "0.02 IU/mL), and current or historical life-threatening hemorrhage or repeated, serious "
        "spontaneous bleeding episodes",
        AnyOf((
            AllOf((_severity_is("severe"), Check(_fix_below_1))),
            AllOf((
                _severity_is("moderately_severe"),
                Check(_fix_1_to_2),
                AnyOf((
                    yes("life_threatening_hemorrhage",
                        "current or historical life-threatening hemorrhage",
                        "no life-threatening hemorrhage"),
                    yes("repeated_serious_spontaneous_bleeding",
                        "repeated, serious spontaneous bleeding episodes",
                        "no repeated, serious spontaneous bleeding episodes"),
                )),
            )),
        )),
        applies=_hemophilia_b,
        documentation="Laboratory report of endogenous factor IX activity and clinical notes "
                      "on the bleeding history.",
    ),
    Criterion(
        "prophylaxis", "Current prophylaxis",
        "Patient is currently receiving routine prophylaxis for hemophilia B with a non-factor "
        "replacement therapy [i.e., Alhemo (concizumab-mtci), Hympavzi (marstacimab-hncq), "
        "Qfitlia (fitusiran)]; or currently uses factor IX prophylaxis therapy and has had a "
        "minimum of 50 exposure days to a factor IX agent; or has been determined to be an "
        "appropriate candidate for Hemgenix by the Hemophilia Treatment Center based on "
        "willingness to adhere to initial and long-term monitoring and management",
        AnyOf((
            AllOf((equals("current_prophylaxis", "non_factor", "on non-factor prophylaxis",
                          "not on non-factor prophylaxis"), Check(_named_agent))),
            AllOf((equals("current_prophylaxis", "factor_ix", "on factor IX prophylaxis",
                          "not on factor IX prophylaxis"), Check(_exposure_days))),
            yes("htc_candidate_determination",
                "the HTC determined the patient an appropriate candidate",
                "no HTC candidate determination"),
        )),
        documentation="Prophylaxis records (agent, or factor IX exposure days), or the HTC's "
                      "candidate determination.",
    ),
    Criterion(
        "inhibitor_history", "Inhibitor history",
        "Patient does not have a history of inhibitors to factor IX greater than or equal to "
        "0.6 Bethesda units (BU)",
        no("inhibitor_history", "history of factor IX inhibitors of 0.6 BU or more",
           "no history of factor IX inhibitors of 0.6 BU or more"),
        documentation="Inhibitor test history.",
    ),
    Criterion(
        "inhibitor_screen", "Inhibitor screen",
        "Patient does not screen positive for active factor IX inhibitors as defined as greater "
        "than or equal to 0.6 Bethesda units (BU) prior to administration of Hemgenix",
        Check(_screen),
        documentation="The latest factor IX inhibitor screen (Bethesda assay) report.",
    ),
    Criterion(
        "immune_tolerance_induction", "Immune Tolerance Induction",
        "Patient has not gone through Immune Tolerance Induction (ITI)",
        no("immune_tolerance_induction", "has gone through Immune Tolerance Induction",
           "has not gone through Immune Tolerance Induction"),
        documentation="Treatment history showing no Immune Tolerance Induction.",
    ),
    Criterion(
        "liver_health", "Liver health",
        "Liver health assessments including enzyme testing [e.g., alanine aminotransferase "
        "(ALT), aspartate aminotransferase (AST), alkaline phosphatase (ALP), and total "
        "bilirubin] and hepatic ultrasound and/or elastography are performed to rule out "
        "radiological liver abnormalities and/or sustained liver enzyme elevations",
        AllOf((
            yes("liver_enzymes_tested", "liver enzymes tested", "liver enzymes not tested"),
            Check(_imaging),
            no("liver_abnormality_found",
               "a radiological liver abnormality or sustained enzyme elevation was found",
               "no liver abnormality found"),
        )),
        documentation="Liver enzyme results (e.g. ALT, AST, ALP, total bilirubin) and the "
                      "hepatic ultrasound or elastography report.",
    ),
    Criterion(
        "aav5_antibodies", "AAV5 antibodies",
        "Documentation that the patient has been evaluated for the presence of preexisting "
        "neutralizing antibodies to the adenovirus vector (e.g., AAV-5) used to deliver the "
        "therapy; pre-existing anti-AAV5 neutralizing antibodies measured through the "
        "laboratory developed, CLIA-validated AAV5 Neutralizing Antibody Test made available "
        "through CSL Behring; and the patient does not have high anti-AAV antibody (e.g., AAV-5) "
        "titers that may be associated with a lack of response to treatment based on published "
        "clinical evidence",
        AllOf((
            yes("aav5_nab_evaluated", "evaluated for anti-AAV5 neutralizing antibodies",
                "not evaluated for anti-AAV5 neutralizing antibodies"),
            yes("aav5_nab_csl_test", "measured with the CSL Behring AAV5 NAb test",
                "not measured with the CSL Behring AAV5 NAb test"),
            Check(_titer),
        )),
        documentation="The CSL Behring AAV5 Neutralizing Antibody Test report.",
    ),
    Criterion(
        "hiv", "HIV",
        "Patient is not HIV positive; or patient is HIV positive and is virally suppressed with "
        "anti-viral therapy (i.e., < 200 copies of HIV per mL)",
        AnyOf((
            equals("hiv_status", "negative", "HIV negative", "HIV positive"),
            AllOf((
                yes("hiv_on_antiretroviral_therapy", "on antiretroviral therapy",
                    "not on antiretroviral therapy"),
                Check(_viral_load),
            )),
        )),
        documentation="HIV test result, or antiretroviral therapy and a viral load below "
                      "200 copies/mL.",
    ),
    Criterion(
        "hepatitis_b", "Hepatitis B", "The patient's hepatitis B surface antigen is negative",
        equals("hbsag", "negative", "HBsAg negative", "HBsAg positive"),
        documentation="Hepatitis B surface antigen result.",
    ),
    Criterion(
        "hepatitis_c", "Hepatitis C",
        "Patient's hepatitis C virus (HCV) antibody is negative; or patient's HCV antibody is "
        "positive, and the patient's HCV RNA is negative",
        AnyOf((
            equals("hcv_antibody", "negative", "HCV antibody negative", "HCV antibody positive"),
            equals("hcv_rna", "negative", "HCV RNA negative", "HCV RNA positive"),
        )),
        documentation="HCV antibody result and, if positive, HCV RNA result.",
    ),
    Criterion(
        "hepatitis_antiviral_therapy", "Hepatitis antiviral therapy",
        "The patient is not currently using antiviral therapy for hepatitis B or C",
        no("hepatitis_antiviral_therapy", "currently on antiviral therapy for hepatitis B or C",
           "not on antiviral therapy for hepatitis B or C"),
        documentation="Current medication list.",
    ),
    Criterion(
        "prior_gene_therapy", "Prior gene therapy",
        "Patient has not previously received treatment with Hemgenix (etranacogene "
        "dezaparvovec-drlb) or another gene therapy [e.g., Beqvez (fidanacogene "
        "elaparvovec-dzkt)] for the treatment of hemophilia B",
        no("prior_gene_therapy", "has received a gene therapy for hemophilia B before",
           "no prior gene therapy for hemophilia B"),
        exclusion="The repeat administration of Hemgenix for the treatment of hemophilia B; the "
                  "treatment of hemophilia B after previously receiving another factor IX gene "
                  "therapy product",
        documentation="Treatment history showing no prior gene therapy.",
    ),
    Criterion(
        "prescriber_htc", "Prescriber and HTC",
        "Hemgenix is prescribed and managed by a bleeding disorder specialist on staff at a "
        "Hemophilia Treatment Center (HTC) that holds Federal designation as evidenced by being "
        "listed within the CDC's HTC directory",
        AllOf((
            yes("prescriber_bleeding_disorder_specialist", "bleeding disorder specialist",
                "the prescriber is not a bleeding disorder specialist"),
            yes("htc_federally_designated", "at a federally designated HTC",
                "the HTC is not federally designated"),
        )),
        documentation="The prescriber's HTC as listed in the CDC's HTC directory.",
    ),
    Criterion(
        "monitoring_attestation", "Monitoring attestation",
        "Prescriber attests that the patient's ALT and AST as well as factor IX activity will be "
        "monitored weekly for at least 3 months following administration of Hemgenix and "
        "regularly thereafter per the monitoring schedule recommended in the prescribing "
        "information",
        yes("attest_monitoring", "monitoring attested", "monitoring not attested"),
        documentation="The prescriber's attestation of the monitoring plan.",
    ),
    Criterion(
        "alcohol_counseling_attestation", "Alcohol counseling attestation",
        "Prescriber attests that counseling has been provided to the patient around the risks "
        "of alcohol consumption following administration of Hemgenix",
        yes("attest_alcohol_counseling", "alcohol counseling attested",
            "alcohol counseling not attested"),
        documentation="The prescriber's attestation of alcohol counseling.",
    ),
    Criterion(
        "dosing", "Dosing",
        "Hemgenix dosing is in accordance with the United States Food and Drug Administration "
        "approved labeling",
        Check(_dose),
        documentation=f"A dose of {scientific(LABEL_DOSE_GC_PER_KG)} genome copies per kg of "
                      "body weight.",
    ),
    Criterion(
        "no_inpatient_admission", "No inpatient admission",
        "Provider does not request a planned inpatient admission for the sole purpose of "
        "administering Hemgenix",
        no("planned_inpatient_admission",
           "an inpatient admission is planned solely to administer Hemgenix",
           "no inpatient admission planned solely to administer Hemgenix"),
        documentation="An outpatient or infusion-center administration plan.",
    ),
    Criterion(
        "lifetime_limit", "One treatment per lifetime",
        "Authorization will be issued for no more than one treatment per lifetime and for no "
        "longer than 45 days from approval",
        Check(_lifetime),
        exclusion="The repeat administration of Hemgenix for the treatment of hemophilia B",
        documentation="None can: Hemgenix is covered once per lifetime.",
    ),
    # "Hemgenix is unproven and not medically necessary in the following:" —
    # hemophilia A (diagnosis), repeat administration (prior_gene_therapy,
    # lifetime_limit), after another gene therapy (prior_gene_therapy) and under
    # 18 (age) are enforced above; the one left is its own criterion.
    Criterion(
        "no_combination_prophylaxis", "No routine prophylaxis after treatment",
        "Hemgenix is unproven and not medically necessary in the routine combination treatment "
        "with chronically administered prophylactic therapy for hemophilia B",
        no("continue_prophylaxis_after_treatment",
           "routine prophylaxis is planned to continue after Hemgenix",
           "routine prophylaxis is not planned to continue after Hemgenix"),
        exclusion="The routine combination treatment with chronically administered prophylactic "
                  "therapy for hemophilia B",
        documentation="The treatment plan after Hemgenix, showing routine prophylaxis stops.",
    ),
)

CRITERION_BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}
CRITERION_IDS: tuple[str, ...] = tuple(c.id for c in CRITERIA)

__all__ = ["CRITERIA", "CRITERION_BY_ID", "CRITERION_IDS", "LABEL_DOSE_GC_PER_KG", "plain"]
