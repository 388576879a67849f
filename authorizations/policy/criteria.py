"""The criteria of Medical Benefit Drug Policy 2026D0120K, "Hemgenix
(Etranacogene Dezaparvovec-Drlb)", effective June 1, 2026, in the order the
policy states them: read it top to bottom beside the policy's Coverage
Rationale. Each criterion has its data-dictionary ID, the policy's own words
and its rule; an "unproven" exclusion is attached to the criterion that
enforces it. The human text is the policy's; the reasons are ours.
"""

from __future__ import annotations

from authorizations.policy import checks
from authorizations.policy.checks import (
    ADULT_AGE,
    HIV_SUPPRESSED_BELOW,
    INHIBITOR_THRESHOLD_BU,
    MIN_EXPOSURE_DAYS,
)
from authorizations.policy.dosing import LABEL_DOSE_GC_PER_KG
from authorizations.policy.messages import gettext_noop, say
from authorizations.policy.rules import AllOf, AnyOf, Check, Criterion, equals, no, yes
from authorizations.policy.values import plain, scientific

CRITERIA: tuple[Criterion, ...] = (
    # "Hemgenix is proven and medically necessary for the treatment of Hemophilia
    # B ... when all of the following criteria are met:"
    Criterion(
        "diagnosis", gettext_noop("Diagnosis"),
        "Hemgenix is proven and medically necessary for the treatment of Hemophilia B "
        "(congenital factor IX deficiency)",
        Check(checks.diagnosis),
        exclusion="The treatment of hemophilia A",
        documentation=gettext_noop("Clinical notes confirming the diagnosis of hemophilia B."),
    ),
    Criterion(
        "age", gettext_noop("Age"), "Patient is 18 years of age or older",
        Check(checks.age),
        exclusion="The treatment of hemophilia B in patients less than 18 years of age",
        documentation=gettext_noop("Proof of the patient's date of birth."),
    ),
    Criterion(
        "severity", gettext_noop("Severity and factor IX activity"),
        "Diagnosis of severe hemophilia B and documentation of endogenous factor IX levels less "
        "than 1% of normal factor IX (< 0.01 IU/mL); or diagnosis of moderately severe "
        "hemophilia B, documentation of endogenous factor IX levels >= 1% <= 2% (0.01 IU/mL to "
        "0.02 IU/mL), and current or historical life-threatening hemorrhage or repeated, serious "
        "spontaneous bleeding episodes",
        AnyOf((
            AllOf((checks.severity_is("severe"), Check(checks.fix_below_1))),
            AllOf((
                checks.severity_is("moderately_severe"),
                Check(checks.fix_1_to_2),
                AnyOf((
                    yes("life_threatening_hemorrhage",
                        gettext_noop("current or historical life-threatening hemorrhage"),
                        gettext_noop("no life-threatening hemorrhage")),
                    yes("repeated_serious_spontaneous_bleeding",
                        gettext_noop("repeated, serious spontaneous bleeding episodes"),
                        gettext_noop("no repeated, serious spontaneous bleeding episodes")),
                )),
            )),
        )),
        applies=checks.hemophilia_b,
        documentation=gettext_noop(
            "Laboratory report of endogenous factor IX activity and clinical notes "
            "on the bleeding history."),
    ),
    Criterion(
        "prophylaxis", gettext_noop("Current prophylaxis"),
        "Patient is currently receiving routine prophylaxis for hemophilia B with a non-factor "
        "replacement therapy [i.e., Alhemo (concizumab-mtci), Hympavzi (marstacimab-hncq), "
        "Qfitlia (fitusiran)]; or currently uses factor IX prophylaxis therapy and has had a "
        "minimum of 50 exposure days to a factor IX agent; or has been determined to be an "
        "appropriate candidate for Hemgenix by the Hemophilia Treatment Center based on "
        "willingness to adhere to initial and long-term monitoring and management",
        AnyOf((
            AllOf((equals("current_prophylaxis", "non_factor",
                          gettext_noop("on non-factor prophylaxis"),
                          gettext_noop("not on non-factor prophylaxis")),
                   Check(checks.named_agent))),
            AllOf((equals("current_prophylaxis", "factor_ix",
                          gettext_noop("on factor IX prophylaxis"),
                          gettext_noop("not on factor IX prophylaxis")),
                   Check(checks.exposure_days))),
            yes("htc_candidate_determination",
                gettext_noop("the HTC determined the patient an appropriate candidate"),
                gettext_noop("no HTC candidate determination")),
        )),
        documentation=gettext_noop(
            "Prophylaxis records (agent, or factor IX exposure days), or the HTC's "
            "candidate determination."),
    ),
    Criterion(
        "inhibitor_history", gettext_noop("Inhibitor history"),
        "Patient does not have a history of inhibitors to factor IX greater than or equal to "
        "0.6 Bethesda units (BU)",
        no("inhibitor_history", gettext_noop("history of factor IX inhibitors of 0.6 BU or more"),
           gettext_noop("no history of factor IX inhibitors of 0.6 BU or more")),
        documentation=gettext_noop("Inhibitor test history."),
    ),
    Criterion(
        "inhibitor_screen", gettext_noop("Inhibitor screen"),
        "Patient does not screen positive for active factor IX inhibitors as defined as greater "
        "than or equal to 0.6 Bethesda units (BU) prior to administration of Hemgenix",
        Check(checks.screen),
        documentation=gettext_noop(
            "The latest factor IX inhibitor screen (Bethesda assay) report."),
    ),
    Criterion(
        "immune_tolerance_induction", gettext_noop("Immune Tolerance Induction"),
        "Patient has not gone through Immune Tolerance Induction (ITI)",
        no("immune_tolerance_induction",
           gettext_noop("has gone through Immune Tolerance Induction"),
           gettext_noop("has not gone through Immune Tolerance Induction")),
        documentation=gettext_noop("Treatment history showing no Immune Tolerance Induction."),
    ),
    Criterion(
        "liver_health", gettext_noop("Liver health"),
        "Liver health assessments including enzyme testing [e.g., alanine aminotransferase "
        "(ALT), aspartate aminotransferase (AST), alkaline phosphatase (ALP), and total "
        "bilirubin] and hepatic ultrasound and/or elastography are performed to rule out "
        "radiological liver abnormalities and/or sustained liver enzyme elevations",
        AllOf((
            yes("liver_enzymes_tested",
                gettext_noop("liver enzymes tested"),
                gettext_noop("liver enzymes not tested")),
            Check(checks.imaging),
            no("liver_abnormality_found",
               gettext_noop("a radiological liver abnormality or sustained enzyme elevation "
                            "was found"),
               gettext_noop("no liver abnormality found")),
        )),
        documentation=gettext_noop(
            "Liver enzyme results (e.g. ALT, AST, ALP, total bilirubin) and the "
            "hepatic ultrasound or elastography report."),
    ),
    Criterion(
        "aav5_antibodies", gettext_noop("AAV5 antibodies"),
        "Documentation that the patient has been evaluated for the presence of preexisting "
        "neutralizing antibodies to the adenovirus vector (e.g., AAV-5) used to deliver the "
        "therapy; pre-existing anti-AAV5 neutralizing antibodies measured through the "
        "laboratory developed, CLIA-validated AAV5 Neutralizing Antibody Test made available "
        "through CSL Behring; and the patient does not have high anti-AAV antibody (e.g., AAV-5) "
        "titers that may be associated with a lack of response to treatment based on published "
        "clinical evidence",
        AllOf((
            yes("aav5_nab_evaluated",
                gettext_noop("evaluated for anti-AAV5 neutralizing antibodies"),
                gettext_noop("not evaluated for anti-AAV5 neutralizing antibodies")),
            yes("aav5_nab_csl_test", gettext_noop("measured with the CSL Behring AAV5 NAb test"),
                gettext_noop("not measured with the CSL Behring AAV5 NAb test")),
            Check(checks.titer),
        )),
        documentation=gettext_noop("The CSL Behring AAV5 Neutralizing Antibody Test report."),
    ),
    Criterion(
        "hiv", gettext_noop("HIV"),
        "Patient is not HIV positive; or patient is HIV positive and is virally suppressed with "
        "anti-viral therapy (i.e., < 200 copies of HIV per mL)",
        AnyOf((
            equals("hiv_status", "negative",
                   gettext_noop("HIV negative"),
                   gettext_noop("HIV positive")),
            AllOf((
                yes("hiv_on_antiretroviral_therapy", gettext_noop("on antiretroviral therapy"),
                    gettext_noop("not on antiretroviral therapy")),
                Check(checks.viral_load),
            )),
        )),
        documentation=gettext_noop(
            "HIV test result, or antiretroviral therapy and a viral load below "
            "200 copies/mL."),
    ),
    Criterion(
        "hepatitis_b",
        gettext_noop("Hepatitis B"), "The patient's hepatitis B surface antigen is negative",
        equals("hbsag", "negative", gettext_noop("HBsAg negative"), gettext_noop("HBsAg positive")),
        documentation=gettext_noop("Hepatitis B surface antigen result."),
    ),
    Criterion(
        "hepatitis_c", gettext_noop("Hepatitis C"),
        "Patient's hepatitis C virus (HCV) antibody is negative; or patient's HCV antibody is "
        "positive, and the patient's HCV RNA is negative",
        AnyOf((
            equals("hcv_antibody", "negative",
                   gettext_noop("HCV antibody negative"),
                   gettext_noop("HCV antibody positive")),
            equals("hcv_rna", "negative",
                   gettext_noop("HCV RNA negative"),
                   gettext_noop("HCV RNA positive")),
        )),
        documentation=gettext_noop("HCV antibody result and, if positive, HCV RNA result."),
    ),
    Criterion(
        "hepatitis_antiviral_therapy", gettext_noop("Hepatitis antiviral therapy"),
        "The patient is not currently using antiviral therapy for hepatitis B or C",
        no("hepatitis_antiviral_therapy",
           gettext_noop("currently on antiviral therapy for hepatitis B or C"),
           gettext_noop("not on antiviral therapy for hepatitis B or C")),
        documentation=gettext_noop("Current medication list."),
    ),
    Criterion(
        "prior_gene_therapy", gettext_noop("Prior gene therapy"),
        "Patient has not previously received treatment with Hemgenix (etranacogene "
        "dezaparvovec-drlb) or another gene therapy [e.g., Beqvez (fidanacogene "
        "elaparvovec-dzkt)] for the treatment of hemophilia B",
        no("prior_gene_therapy",
           gettext_noop("has received a gene therapy for hemophilia B before"),
           gettext_noop("no prior gene therapy for hemophilia B")),
        exclusion="The repeat administration of Hemgenix for the treatment of hemophilia B; the "
                  "treatment of hemophilia B after previously receiving another factor IX gene "
                  "therapy product",
        documentation=gettext_noop("Treatment history showing no prior gene therapy."),
    ),
    Criterion(
        "prescriber_htc", gettext_noop("Prescriber and HTC"),
        "Hemgenix is prescribed and managed by a bleeding disorder specialist on staff at a "
        "Hemophilia Treatment Center (HTC) that holds Federal designation as evidenced by being "
        "listed within the CDC's HTC directory",
        AllOf((
            yes("prescriber_bleeding_disorder_specialist",
                gettext_noop("bleeding disorder specialist"),
                gettext_noop("the prescriber is not a bleeding disorder specialist")),
            yes("htc_federally_designated", gettext_noop("at a federally designated HTC"),
                gettext_noop("the HTC is not federally designated")),
        )),
        documentation=gettext_noop("The prescriber's HTC as listed in the CDC's HTC directory."),
    ),
    Criterion(
        "monitoring_attestation", gettext_noop("Monitoring attestation"),
        "Prescriber attests that the patient's ALT and AST as well as factor IX activity will be "
        "monitored weekly for at least 3 months following administration of Hemgenix and "
        "regularly thereafter per the monitoring schedule recommended in the prescribing "
        "information",
        yes("attest_monitoring",
            gettext_noop("monitoring attested"),
            gettext_noop("monitoring not attested")),
        documentation=gettext_noop("The prescriber's attestation of the monitoring plan."),
    ),
    Criterion(
        "alcohol_counseling_attestation", gettext_noop("Alcohol counseling attestation"),
        "Prescriber attests that counseling has been provided to the patient around the risks "
        "of alcohol consumption following administration of Hemgenix",
        yes("attest_alcohol_counseling", gettext_noop("alcohol counseling attested"),
            gettext_noop("alcohol counseling not attested")),
        documentation=gettext_noop("The prescriber's attestation of alcohol counseling."),
    ),
    Criterion(
        "dosing", gettext_noop("Dosing"),
        "Hemgenix dosing is in accordance with the United States Food and Drug Administration "
        "approved labeling",
        Check(checks.dose),
        documentation=say(gettext_noop("A dose of %(dose)s genome copies per kg of body weight."),
                          dose=scientific(LABEL_DOSE_GC_PER_KG)),
    ),
    Criterion(
        "no_inpatient_admission", gettext_noop("No inpatient admission"),
        "Provider does not request a planned inpatient admission for the sole purpose of "
        "administering Hemgenix",
        no("planned_inpatient_admission",
           gettext_noop("an inpatient admission is planned solely to administer Hemgenix"),
           gettext_noop("no inpatient admission planned solely to administer Hemgenix")),
        documentation=gettext_noop("An outpatient or infusion-center administration plan."),
    ),
    Criterion(
        "lifetime_limit", gettext_noop("One treatment per lifetime"),
        "Authorization will be issued for no more than one treatment per lifetime and for no "
        "longer than 45 days from approval",
        Check(checks.lifetime),
        exclusion="The repeat administration of Hemgenix for the treatment of hemophilia B",
        documentation=gettext_noop("None can: Hemgenix is covered once per lifetime."),
    ),
    # "Hemgenix is unproven and not medically necessary in the following:" —
    # hemophilia A (diagnosis), repeat administration (prior_gene_therapy,
    # lifetime_limit), after another gene therapy (prior_gene_therapy) and under
    # 18 (age) are enforced above; the one left is its own criterion.
    Criterion(
        "no_combination_prophylaxis", gettext_noop("No routine prophylaxis after treatment"),
        "Hemgenix is unproven and not medically necessary in the routine combination treatment "
        "with chronically administered prophylactic therapy for hemophilia B",
        no("continue_prophylaxis_after_treatment",
           gettext_noop("routine prophylaxis is planned to continue after Hemgenix"),
           gettext_noop("routine prophylaxis is not planned to continue after Hemgenix")),
        exclusion="The routine combination treatment with chronically administered prophylactic "
                  "therapy for hemophilia B",
        documentation=gettext_noop(
            "The treatment plan after Hemgenix, showing routine prophylaxis stops."),
    ),
)

CRITERION_BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}
CRITERION_IDS: tuple[str, ...] = tuple(c.id for c in CRITERIA)

__all__ = ["ADULT_AGE", "CRITERIA", "CRITERION_BY_ID", "CRITERION_IDS", "HIV_SUPPRESSED_BELOW",
           "INHIBITOR_THRESHOLD_BU", "LABEL_DOSE_GC_PER_KG", "MIN_EXPOSURE_DAYS", "plain"]
