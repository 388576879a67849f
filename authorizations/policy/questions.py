"""The questions of policy 2026D0120K: every answer key of the data dictionary
(version 3) once, with everything any part needs to know about it: type,
range, choices, when it is asked, the wizard step it is on, its label and
help, the noun error messages use, its unit and example, and how its value is
shown to people (`display`).

Adding a question means adding one `Question` here (and its rule, if any, in
criteria.py); the forms, pages, admin, letters and FHIR read it from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from authorizations.policy import kinds

EARLIEST_BIRTH_DATE = kinds.EARLIEST_DATE  # the earliest date of any kind
# The highest AAV5 titer with factor IX expression in the pivotal trial (HOPE-B).
AAV5_TITER_LIMIT = 678


@dataclass(frozen=True)
class AskedWhen:
    """A question is asked when an earlier answer is one of `values`.

    Data, not a lambda, so the forms' script, the templates and the FHIR
    Questionnaire's enableWhen can use it. Chains work because an unasked
    answer is None: `severity` is None when the diagnosis is not hemophilia B.
    """

    key: str
    values: tuple[Any, ...]
    description: str

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return answers.get(self.key) in self.values


@dataclass(frozen=True)
class Question:
    key: str
    # A key of kinds.KINDS: text | member_id | npi | bool | choice | decimal |
    # scientific | integer | titer | lab_value | birth_date | test_date | date
    # (planned). How each is read, checked and shown is in kinds/.
    kind: str
    label: str
    step: str
    noun: str  # how error messages name it: "Enter <noun>"
    choices: tuple[tuple[str, str], ...] = ()
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    minimum_exclusive: bool = False
    maximum_exclusive: bool = False
    max_length: int | None = None
    asked_when: AskedWhen | None = None
    nullable: bool = False  # absent means null, a real answer ("not scheduled")
    derived: bool = False  # in the web app read from the profile or directory, never typed
    help_text: str = ""
    unit: str = ""  # as printed after the value
    example: str = ""  # a valid value as typed, for messages

    def is_asked(self, answers: Mapping[str, Any]) -> bool:
        return self.asked_when is None or self.asked_when.holds(answers)

    def choice_label(self, value: Any) -> str:
        return dict(self.choices).get(value, str(value))

    def range_problem(self, number: Decimal | int) -> str:
        """What is wrong with a number's range ("" when none): the kinds' one
        check (kinds.check_range), so the engine and the forms refuse the same."""
        try:
            kinds.check_range(self, number)
        except kinds.Refusal as exc:
            return str(exc)
        return ""

    @property
    def answer_kind(self) -> kinds.Kind:
        return kinds.of(self)

    def display(self, value: Any) -> str:
        """A stored (JSON) or typed answer as people read it."""
        kind = kinds.of(self)
        return kind.empty_display if value is None else kind.display(self, value)


YES_NO = "bool"
NEGATIVE_POSITIVE = (("negative", "Negative"), ("positive", "Positive"))
HEMOPHILIA_B = AskedWhen("diagnosis", ("hemophilia_b",), "the diagnosis is hemophilia B")
AAV5_EVALUATED = AskedWhen("aav5_nab_evaluated", (True,), "AAV5 antibodies were evaluated")
AAV5_DETECTED = AskedWhen("aav5_nab_result", ("detected",), "AAV5 antibodies were detected")
HIV_POSITIVE = AskedWhen("hiv_status", ("positive",), "the patient is HIV positive")
TEST_DATE_HELP = "The date the sample was taken, as on the lab report."

QUESTIONS: tuple[Question, ...] = (
    # ---- patient
    Question("patient_first_name", "text", "Patient first name", "patient",
             "the patient's first name", max_length=100),
    Question("patient_last_name", "text", "Patient last name", "patient",
             "the patient's last name", max_length=100),
    Question("member_id", "member_id", "Member ID", "patient", "the member ID", max_length=40,
             help_text="As on the member's card: letters, digits, dashes and spaces.",
             example="UHC-100200300"),
    Question("date_of_birth", "birth_date", "Date of birth", "patient", "the date of birth",
             example="04/12/1985"),
    Question("weight_kg", "decimal", "Body weight (kg)", "patient", "the body weight in kg",
             minimum=Decimal(20), maximum=Decimal(250), unit="kg", example="72",
             help_text="Used to calculate the dose. Measure it close to the infusion date."),
    Question("weight_date", "test_date", "Date the weight was measured", "patient",
             "the date the weight was measured", example="10/30/2026",
             help_text="A weight more than 30 days old sends the request to a reviewer."),
    # ---- diagnosis
    Question("diagnosis", "choice", "Diagnosis", "diagnosis", "the diagnosis", choices=(
        ("hemophilia_b", "Hemophilia B (congenital factor IX deficiency)"),
        ("hemophilia_a", "Hemophilia A"),
        ("other", "Other"),
    )),
    Question("severity", "choice", "Severity of hemophilia B", "diagnosis",
             "the severity of hemophilia B", choices=(
                 ("severe", "Severe: factor IX below 1%"),
                 ("moderately_severe", "Moderately severe: factor IX 1% to 2%"),
                 ("moderate", "Moderate: factor IX above 2% to 5%"),
                 ("mild", "Mild: factor IX above 5% to 40%"),
             ), asked_when=HEMOPHILIA_B),
    Question("fix_activity_percent", "lab_value", "Endogenous factor IX activity (% of normal)",
             "diagnosis", "factor IX activity", minimum=Decimal(0), maximum=Decimal(200),
             maximum_exclusive=True, asked_when=HEMOPHILIA_B, unit="%", example="0.5 or <1",
             help_text="As the lab reports it: 0.5, or <1 for a result below 1%. "
                       "1% of normal is 0.01 IU/mL."),
    Question("fix_activity_test_date", "test_date", "Date of the factor IX activity test",
             "diagnosis", "the date of the factor IX activity test", asked_when=HEMOPHILIA_B,
             help_text=TEST_DATE_HELP, example="10/30/2026"),
    # ---- bleeding history
    Question("life_threatening_hemorrhage", YES_NO,
             "Has the patient had a current or historical life-threatening hemorrhage?",
             "bleeding", "a life-threatening hemorrhage",
             asked_when=AskedWhen("severity", ("moderately_severe",),
                                  "the severity is moderately severe")),
    Question("repeated_serious_spontaneous_bleeding", YES_NO,
             "Does the patient have repeated, serious spontaneous bleeding episodes?",
             "bleeding", "repeated, serious spontaneous bleeding",
             asked_when=AskedWhen("severity", ("moderately_severe",),
                                  "the severity is moderately severe")),
    # ---- prophylaxis
    Question("current_prophylaxis", "choice", "Current routine prophylaxis for hemophilia B",
             "prophylaxis", "the current routine prophylaxis", choices=(
                 ("non_factor", "Non-factor replacement therapy"),
                 ("factor_ix", "Factor IX prophylaxis"),
                 ("none", "None"),
             )),
    Question("non_factor_agent", "choice", "Non-factor replacement therapy", "prophylaxis",
             "the non-factor replacement therapy", choices=(
                 ("alhemo", "Alhemo (concizumab-mtci)"),
                 ("hympavzi", "Hympavzi (marstacimab-hncq)"),
                 ("qfitlia", "Qfitlia (fitusiran)"),
             ), asked_when=AskedWhen("current_prophylaxis", ("non_factor",),
                                     "the current prophylaxis is a non-factor replacement "
                                     "therapy")),
    Question("fix_exposure_days", "integer", "Exposure days to a factor IX agent", "prophylaxis",
             "the exposure days to a factor IX agent", minimum=0, maximum=10000, example="150",
             help_text="An exposure day is a day on which the patient received one or more "
                       "doses of a factor IX product.",
             asked_when=AskedWhen("current_prophylaxis", ("factor_ix",),
                                  "the current prophylaxis is factor IX")),
    Question("htc_candidate_determination", YES_NO,
             "Has the HTC determined the patient an appropriate candidate for Hemgenix based on "
             "willingness to adhere to initial and long-term monitoring and management?",
             "prophylaxis", "the HTC's candidate determination"),
    Question("continue_prophylaxis_after_treatment", YES_NO,
             "Is routine prophylaxis planned to continue chronically after Hemgenix?",
             "prophylaxis", "continuing prophylaxis after Hemgenix"),
    # ---- inhibitors
    Question("inhibitor_history", YES_NO,
             "Does the patient have a history of inhibitors to factor IX of 0.6 Bethesda units "
             "(BU) or more?", "inhibitors", "a history of factor IX inhibitors"),
    Question("inhibitor_screen_bu", "lab_value",
             "Latest factor IX inhibitor screen before administration (Bethesda units)",
             "inhibitors", "the latest inhibitor screen in Bethesda units",
             minimum=Decimal(0), maximum=Decimal(100000), unit="BU", example="0 or <0.5",
             help_text="As the lab reports it. A screen reported as negative is entered with "
                       "the lab's cut-off, for example <0.5."),
    Question("inhibitor_screen_date", "test_date", "Date of the inhibitor screen", "inhibitors",
             "the date of the inhibitor screen", help_text=TEST_DATE_HELP, example="10/30/2026"),
    Question("immune_tolerance_induction", YES_NO,
             "Has the patient ever gone through Immune Tolerance Induction (ITI)?",
             "inhibitors", "Immune Tolerance Induction"),
    # ---- AAV5 antibodies
    Question("aav5_nab_evaluated", YES_NO,
             "Has the patient been evaluated for preexisting neutralizing antibodies to AAV5?",
             "aav5", "the AAV5 antibody evaluation"),
    Question("aav5_nab_csl_test", YES_NO,
             "Were they measured with the CLIA-validated AAV5 Neutralizing Antibody Test made "
             "available through CSL Behring?", "aav5", "the CSL Behring AAV5 antibody test",
             asked_when=AAV5_EVALUATED),
    # A missing result is an unanswered question, never "not detected".
    Question("aav5_nab_result", "choice", "Result of the AAV5 antibody test", "aav5",
             "the AAV5 antibody test result", choices=(
                 ("not_detected", "Not detected (no anti-AAV5 neutralizing antibodies found)"),
                 ("detected", "Detected"),
             ), asked_when=AAV5_EVALUATED),
    Question("aav5_nab_titer", "titer", "Anti-AAV5 neutralizing antibody titer", "aav5",
             "the AAV5 antibody titer", minimum=1, maximum=10**9, asked_when=AAV5_DETECTED,
             example="1:678 or 678", help_text="As on the report: 1:678 or 678."),
    Question("aav5_nab_test_date", "test_date", "Date of the AAV5 antibody test", "aav5",
             "the date of the AAV5 antibody test", asked_when=AAV5_EVALUATED,
             help_text=TEST_DATE_HELP, example="10/30/2026"),
    # ---- liver
    Question("liver_enzymes_tested", YES_NO,
             "Was liver enzyme testing done (for example ALT, AST, alkaline phosphatase and "
             "total bilirubin)?", "liver", "the liver enzyme tests"),
    Question("liver_tests_date", "test_date", "Date of the liver enzyme tests", "liver",
             "the date of the liver enzyme tests", help_text=TEST_DATE_HELP,
             example="10/30/2026",
             asked_when=AskedWhen("liver_enzymes_tested", (True,),
                                  "liver enzyme testing was done")),
    Question("liver_imaging", "choice", "Hepatic imaging performed", "liver",
             "the hepatic imaging performed", choices=(
                 ("ultrasound", "Ultrasound"),
                 ("elastography", "Elastography"),
                 ("both", "Ultrasound and elastography"),
                 ("none", "None"),
             )),
    Question("liver_imaging_date", "test_date", "Date of the (latest) hepatic imaging", "liver",
             "the date of the hepatic imaging", help_text=TEST_DATE_HELP, example="10/30/2026",
             asked_when=AskedWhen("liver_imaging", ("ultrasound", "elastography", "both"),
                                  "hepatic imaging was performed")),
    Question("liver_abnormality_found", YES_NO,
             "Was a radiological liver abnormality or a sustained liver enzyme elevation found?",
             "liver", "a liver abnormality"),
    # ---- viral tests
    Question("hiv_status", "choice", "HIV status", "viral", "the HIV status",
             choices=NEGATIVE_POSITIVE),
    Question("hiv_on_antiretroviral_therapy", YES_NO, "Is the patient on antiretroviral therapy?",
             "viral", "antiretroviral therapy", asked_when=HIV_POSITIVE),
    Question("hiv_viral_load_copies_ml", "lab_value", "Latest HIV viral load (copies/mL)",
             "viral", "the HIV viral load in copies/mL", minimum=Decimal(0),
             maximum=Decimal(10**9), unit="copies/mL", example="50 or <20",
             asked_when=HIV_POSITIVE,
             help_text="As the lab reports it: 50, or <20 for a result below the lab's limit."),
    Question("hiv_viral_load_date", "test_date", "Date of the HIV viral load test", "viral",
             "the date of the HIV viral load test", asked_when=HIV_POSITIVE,
             help_text=TEST_DATE_HELP, example="10/30/2026"),
    Question("hbsag", "choice", "Hepatitis B surface antigen (HBsAg)", "viral",
             "the HBsAg result", choices=NEGATIVE_POSITIVE),
    Question("hcv_antibody", "choice", "Hepatitis C virus (HCV) antibody", "viral",
             "the HCV antibody result", choices=NEGATIVE_POSITIVE),
    Question("hcv_rna", "choice", "HCV RNA", "viral", "the HCV RNA result",
             choices=NEGATIVE_POSITIVE,
             asked_when=AskedWhen("hcv_antibody", ("positive",), "the HCV antibody is positive")),
    Question("hepatitis_antiviral_therapy", YES_NO,
             "Is the patient currently using antiviral therapy for hepatitis B or C?", "viral",
             "antiviral therapy for hepatitis B or C"),
    # ---- prior gene therapy
    Question("prior_gene_therapy", YES_NO,
             "Has the patient ever received Hemgenix or another gene therapy for hemophilia B "
             "(e.g. Beqvez)?", "gene_therapy", "a prior gene therapy"),
    # ---- prescriber and HTC: read at submission, never typed
    Question("prescriber_bleeding_disorder_specialist", YES_NO,
             "Prescriber is a bleeding disorder specialist on staff at the HTC", "prescriber",
             "whether the prescriber is a bleeding disorder specialist", derived=True),
    Question("htc_federally_designated", YES_NO,
             "HTC holds Federal designation (listed in the CDC's HTC directory)", "prescriber",
             "the HTC's federal designation", derived=True),
    # ---- dosing
    Question("dose_gc_per_kg", "scientific", "Prescribed dose (genome copies per kg)", "dosing",
             "the prescribed dose in genome copies per kg", minimum=Decimal(0),
             minimum_exclusive=True, maximum=Decimal("1e16"), unit="genome copies per kg",
             example="2 x 10^13",
             help_text="The label dose is 2 × 10¹³ genome copies per kg (2 mL/kg). Write it as "
                       "2e13 or 2 x 10^13."),
    # ---- administration
    Question("planned_infusion_date", "date", "Planned infusion date", "administration",
             "the planned infusion date", nullable=True, example="12/15/2026",
             help_text="Leave empty if the infusion is not scheduled yet. It may not be "
                       "before the day the request is submitted."),
    Question("site_of_care_name", "text", "Site of care", "administration",
             "the site of care", max_length=200,
             help_text="The facility where Hemgenix will be infused."),
    Question("site_of_care_npi", "npi", "Site of care NPI", "administration",
             "the site of care NPI", example="1234567893",
             help_text="The facility's 10-digit National Provider Identifier."),
    Question("planned_inpatient_admission", YES_NO,
             "Is an inpatient admission planned for the sole purpose of administering Hemgenix?",
             "administration", "a planned inpatient admission"),
    # ---- attestations
    Question("attest_monitoring", YES_NO,
             "I attest that the patient's ALT and AST as well as factor IX activity will be "
             "monitored weekly for at least 3 months following administration of Hemgenix and "
             "regularly thereafter per the monitoring schedule recommended in the prescribing "
             "information.", "attestations", "the monitoring attestation"),
    Question("attest_alcohol_counseling", YES_NO,
             "I attest that counseling has been provided to the patient around the risks of "
             "alcohol consumption following administration of Hemgenix.", "attestations",
             "the alcohol counseling attestation"),
    Question("attest_efficacy_assessment", YES_NO,
             "I attest that the patient, while under my care, will be assessed for treatment "
             "efficacy (factor IX expression, breakthrough bleeding episodes, factor IX product "
             "utilization, inhibitor development).", "attestations",
             "the efficacy assessment attestation",
             help_text="For quality purposes only: it does not affect the coverage decision."),
    Question("acknowledge_documentation_requests", YES_NO,
             "I acknowledge that UnitedHealthcare may request documentation, not more frequently "
             "than biannually and for no more than 5 years, of follow-up patient assessments.",
             "attestations", "the documentation requests acknowledgement",
             help_text="For quality purposes only: it does not affect the coverage decision."),
)

QUESTION_BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}
ANSWER_KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)

# The wizard's steps in order, with their titles; each question names its step.
STEPS: tuple[tuple[str, str], ...] = (
    ("patient", "Patient"),
    ("diagnosis", "Diagnosis and factor IX activity"),
    ("bleeding", "Bleeding history"),
    ("prophylaxis", "Prophylaxis"),
    ("inhibitors", "Inhibitors and immune tolerance induction"),
    ("aav5", "AAV5 antibodies"),
    ("liver", "Liver health"),
    ("viral", "Viral tests"),
    ("gene_therapy", "Prior gene therapy"),
    ("prescriber", "Prescriber and HTC"),
    ("dosing", "Dosing"),
    ("administration", "Administration"),
    ("attestations", "Attestations"),
)
STEP_TITLES: dict[str, str] = dict(STEPS)


def step_keys(step: str, *, typed_only: bool = False) -> tuple[str, ...]:
    """The answer keys on a step, in order (typed_only: without derived ones)."""
    return tuple(q.key for q in QUESTIONS
                 if q.step == step and not (typed_only and q.derived))


def display(key: str, value: Any) -> str:
    return QUESTION_BY_KEY[key].display(value)


def asked_keys(answers: Mapping[str, Any]) -> list[str]:
    """The keys asked for these answers, in dictionary order."""
    return [q.key for q in QUESTIONS if q.is_asked(answers)]
