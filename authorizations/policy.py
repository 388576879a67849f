"""Medical Benefit Drug Policy 2026D0120K, "Hemgenix (Etranacogene Dezaparvovec-Drlb)".

The policy as data, to be read side by side with the policy document. Every
coverage criterion and every "unproven" exclusion has one ID from the data
dictionary (docs/data-dictionary.md) and carries the policy's own words. Each
criterion's rule is a tree of all-of / any-of nodes over small checks, in the
order the policy states them.

This module imports nothing from Django on purpose: the rules can be read,
tested and run without a database. The one fact that needs the database,
whether the member already has an approved authorization (lifetime_limit), is
passed in by the caller.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

POLICY_NUMBER = "2026D0120K"
POLICY_TITLE = "Hemgenix (Etranacogene Dezaparvovec-Drlb)"
POLICY_EFFECTIVE = date(2026, 6, 1)
# Every version this service has evaluated requests under, newest first; an
# archived version stays listed while requests decided under it exist.
POLICY_VERSIONS = (POLICY_NUMBER,)

MEETS_CRITERIA = "meets_criteria"
NOT_MET = "not_met"

MET = "met"
UNMET = "not_met"
NOT_APPLICABLE = "not_applicable"

LABEL_DOSE_GC_PER_KG = Decimal("2e13")
DOSE_TOLERANCE = Decimal("0.01")  # "within 1%" of the label dose
INHIBITOR_THRESHOLD_BU = Decimal("0.6")
HIV_SUPPRESSED_BELOW = 200  # copies/mL
MIN_EXPOSURE_DAYS = 50
ADULT_AGE = 18
AUTHORIZATION_DAYS = 45
HCPCS_CODE = "J1411"
ICD10_CODE = "D67"


# --------------------------------------------------------------------------
# Questions: the answer keys of the data dictionary, with their types and the
# condition under which each is asked.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class AskedWhen:
    """A question is asked when an earlier answer is one of `values`.

    Kept as data (not a lambda) so the wizard's script and templates can use it.
    Chains work because an unasked answer is None: `severity` is None when the
    diagnosis is not hemophilia B, so questions asked on `severity` are not asked.
    """

    key: str
    values: tuple[Any, ...]
    description: str

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return answers.get(self.key) in self.values


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # text | member_id | date | decimal | integer | bool | choice
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    maximum_exclusive: bool = False
    minimum_exclusive: bool = False
    max_length: int | None = None
    asked_when: AskedWhen | None = None
    nullable: bool = False  # null is a real answer (aav5_nab_titer: not detected)
    help_text: str = ""

    def is_asked(self, answers: Mapping[str, Any]) -> bool:
        return self.asked_when is None or self.asked_when.holds(answers)

    def choice_label(self, value: Any) -> str:
        return dict(self.choices).get(value, str(value))


YES_NO = "bool"
NEGATIVE_POSITIVE = (("negative", "Negative"), ("positive", "Positive"))

QUESTIONS: tuple[Question, ...] = (
    Question("patient_first_name", "text", "Patient first name", max_length=100),
    Question("patient_last_name", "text", "Patient last name", max_length=100),
    Question("member_id", "member_id", "Member ID", max_length=40,
             help_text="As on the member's card: letters, digits and dashes."),
    Question("date_of_birth", "date", "Date of birth"),
    Question("weight_kg", "decimal", "Body weight (kg)", minimum=Decimal(20), maximum=Decimal(250),
             help_text="Used to calculate the dose. Measure it close to the infusion date."),
    Question("diagnosis", "choice", "Diagnosis", choices=(
        ("hemophilia_b", "Hemophilia B (congenital factor IX deficiency)"),
        ("hemophilia_a", "Hemophilia A"),
        ("other", "Other"),
    )),
    Question("severity", "choice", "Severity of hemophilia B", choices=(
        ("severe", "Severe"),
        ("moderately_severe", "Moderately severe"),
        ("moderate", "Moderate"),
        ("mild", "Mild"),
    ), asked_when=AskedWhen("diagnosis", ("hemophilia_b",), "the diagnosis is hemophilia B")),
    Question("fix_activity_percent", "decimal", "Endogenous factor IX activity (% of normal)",
             minimum=Decimal(0), maximum=Decimal(200), maximum_exclusive=True,
             asked_when=AskedWhen("diagnosis", ("hemophilia_b",), "the diagnosis is hemophilia B"),
             help_text="1% of normal is 0.01 IU/mL."),
    Question("life_threatening_hemorrhage", YES_NO,
             "Has the patient had a current or historical life-threatening hemorrhage?",
             asked_when=AskedWhen("severity", ("moderately_severe",),
                                  "the severity is moderately severe")),
    Question("repeated_serious_spontaneous_bleeding", YES_NO,
             "Does the patient have repeated, serious spontaneous bleeding episodes?",
             asked_when=AskedWhen("severity", ("moderately_severe",),
                                  "the severity is moderately severe")),
    Question("current_prophylaxis", "choice", "Current routine prophylaxis for hemophilia B",
             choices=(
                 ("non_factor", "Non-factor replacement therapy"),
                 ("factor_ix", "Factor IX prophylaxis"),
                 ("none", "None"),
             )),
    Question("non_factor_agent", "choice", "Non-factor replacement therapy", choices=(
        ("alhemo", "Alhemo (concizumab-mtci)"),
        ("hympavzi", "Hympavzi (marstacimab-hncq)"),
        ("qfitlia", "Qfitlia (fitusiran)"),
    ), asked_when=AskedWhen("current_prophylaxis", ("non_factor",),
                            "the current prophylaxis is a non-factor replacement therapy")),
    Question("fix_exposure_days", "integer", "Exposure days to a factor IX agent",
             minimum=0, maximum=10000,
             asked_when=AskedWhen("current_prophylaxis", ("factor_ix",),
                                  "the current prophylaxis is factor IX")),
    Question("htc_candidate_determination", YES_NO,
             "Has the HTC determined the patient an appropriate candidate for Hemgenix based on "
             "willingness to adhere to initial and long-term monitoring and management?"),
    Question("continue_prophylaxis_after_treatment", YES_NO,
             "Is routine prophylaxis planned to continue chronically after Hemgenix?"),
    Question("inhibitor_history", YES_NO,
             "Does the patient have a history of inhibitors to factor IX of 0.6 Bethesda units "
             "(BU) or more?"),
    Question("inhibitor_screen_bu", "decimal",
             "Latest factor IX inhibitor screen before administration (Bethesda units)",
             minimum=Decimal(0), maximum=Decimal(100000)),
    Question("immune_tolerance_induction", YES_NO,
             "Has the patient ever gone through Immune Tolerance Induction (ITI)?"),
    Question("aav5_nab_evaluated", YES_NO,
             "Has the patient been evaluated for preexisting neutralizing antibodies to AAV5?"),
    Question("aav5_nab_csl_test", YES_NO,
             "Were they measured with the CLIA-validated AAV5 Neutralizing Antibody Test made "
             "available through CSL Behring?",
             asked_when=AskedWhen("aav5_nab_evaluated", (True,), "AAV5 antibodies were evaluated")),
    Question("aav5_nab_titer", "integer", "Anti-AAV5 neutralizing antibody titer (reciprocal)",
             minimum=0, maximum=10**9, nullable=True,
             asked_when=AskedWhen("aav5_nab_evaluated", (True,), "AAV5 antibodies were evaluated"),
             help_text="Enter 678 for a titer of 1:678. Leave empty if not detected."),
    Question("aav5_nab_high_titer", YES_NO,
             "Is the titer high enough to be associated with a lack of response to treatment "
             "based on published clinical evidence?",
             asked_when=AskedWhen("aav5_nab_evaluated", (True,), "AAV5 antibodies were evaluated")),
    Question("liver_enzymes_tested", YES_NO,
             "Were ALT, AST, alkaline phosphatase (ALP) and total bilirubin tested?"),
    Question("liver_imaging", "choice", "Hepatic imaging performed", choices=(
        ("ultrasound", "Ultrasound"),
        ("elastography", "Elastography"),
        ("both", "Ultrasound and elastography"),
        ("none", "None"),
    )),
    Question("liver_abnormality_found", YES_NO,
             "Was a radiological liver abnormality or a sustained liver enzyme elevation found?"),
    Question("hiv_status", "choice", "HIV status", choices=NEGATIVE_POSITIVE),
    Question("hiv_on_antiretroviral_therapy", YES_NO, "Is the patient on antiretroviral therapy?",
             asked_when=AskedWhen("hiv_status", ("positive",), "the patient is HIV positive")),
    Question("hiv_viral_load_copies_ml", "integer", "Latest HIV viral load (copies/mL)",
             minimum=0, maximum=10**9,
             asked_when=AskedWhen("hiv_status", ("positive",), "the patient is HIV positive")),
    Question("hbsag", "choice", "Hepatitis B surface antigen (HBsAg)", choices=NEGATIVE_POSITIVE),
    Question("hcv_antibody", "choice", "Hepatitis C virus (HCV) antibody",
             choices=NEGATIVE_POSITIVE),
    Question("hcv_rna", "choice", "HCV RNA", choices=NEGATIVE_POSITIVE,
             asked_when=AskedWhen("hcv_antibody", ("positive",), "the HCV antibody is positive")),
    Question("hepatitis_antiviral_therapy", YES_NO,
             "Is the patient currently using antiviral therapy for hepatitis B or C?"),
    Question("prior_gene_therapy", YES_NO,
             "Has the patient ever received Hemgenix or another gene therapy for hemophilia B "
             "(e.g. Beqvez)?"),
    Question("prescriber_bleeding_disorder_specialist", YES_NO,
             "Is the prescriber a bleeding disorder specialist on staff at the HTC?"),
    Question("htc_federally_designated", YES_NO,
             "Does the HTC hold Federal designation (listed in the CDC's HTC directory)?"),
    Question("dose_gc_per_kg", "decimal", "Prescribed dose (genome copies per kg)",
             minimum=Decimal(0), minimum_exclusive=True, maximum=Decimal("1e16"),
             help_text="The label dose is 2 x 10^13 genome copies per kg (2 mL/kg)."),
    Question("attest_monitoring", YES_NO,
             "I attest that the patient's ALT and AST as well as factor IX activity will be "
             "monitored weekly for at least 3 months following administration of Hemgenix and "
             "regularly thereafter per the monitoring schedule recommended in the prescribing "
             "information."),
    Question("attest_alcohol_counseling", YES_NO,
             "I attest that counseling has been provided to the patient around the risks of "
             "alcohol consumption following administration of Hemgenix."),
    Question("planned_inpatient_admission", YES_NO,
             "Is an inpatient admission planned for the sole purpose of administering Hemgenix?"),
    Question("attest_efficacy_assessment", YES_NO,
             "I attest that the patient, while under my care, will be assessed for treatment "
             "efficacy (factor IX expression, breakthrough bleeding episodes, factor IX product "
             "utilization, inhibitor development)."),
    Question("acknowledge_documentation_requests", YES_NO,
             "I acknowledge that UnitedHealthcare may request documentation, not more frequently "
             "than biannually and for no more than 5 years, of follow-up patient assessments."),
)

QUESTION_BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}
ANSWER_KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)


# --------------------------------------------------------------------------
# Validation of a case against the data dictionary.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class InvalidCase(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


MEMBER_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def _as_decimal(value: Any) -> Decimal:
    # bool is an int in Python; true/false is never a number in a case.
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError
    return number


def _coerce(q: Question, value: Any, as_of: date) -> Any:
    """Return the typed value or raise ValueError with a message for the user."""
    if q.kind in ("text", "member_id"):
        if not isinstance(value, str):
            raise ValueError("must be text")
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > (q.max_length or 100):
            raise ValueError(f"must be at most {q.max_length} characters")
        if q.kind == "member_id" and not MEMBER_ID_RE.match(value):
            raise ValueError("may contain only letters, digits and dashes")
        return value
    if q.kind == "date":
        if isinstance(value, date):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"must be a date as YYYY-MM-DD, not {value!r}") from None
        else:
            raise ValueError("must be a date as YYYY-MM-DD")
        if parsed < EARLIEST_BIRTH_DATE:
            raise ValueError("must not be before 1900-01-01")
        if parsed > as_of:
            raise ValueError(f"must not be in the future (after {as_of.isoformat()})")
        return parsed
    if q.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if q.kind == "choice":
        allowed = [c for c, _ in q.choices]
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}, not {value!r}")
        return value
    if q.kind in ("decimal", "integer"):
        try:
            number = _as_decimal(value)
        except (TypeError, ValueError, InvalidOperation):
            raise ValueError(f"must be a number, not {value!r}") from None
        if q.kind == "integer":
            if number != number.to_integral_value():
                raise ValueError(f"must be a whole number, not {value!r}")
            number = int(number)
        low, high = q.minimum, q.maximum
        if low is not None and (number <= low if q.minimum_exclusive else number < low):
            raise ValueError(f"must be {'more than' if q.minimum_exclusive else 'at least'} {low}")
        if high is not None and (number >= high if q.maximum_exclusive else number > high):
            raise ValueError(f"must be {'less than' if q.maximum_exclusive else 'at most'} {high}")
        return number
    raise AssertionError(f"unknown kind {q.kind}")  # pragma: no cover


def validate(case: Any, *, as_of: date) -> dict[str, Any]:
    """Check a case against the data dictionary; return its typed answers.

    Every problem is reported at once (InvalidCase.problems), each naming its
    key. Questions are visited in dictionary order, so a question's condition
    is judged on answers already validated. A question that is not asked comes
    back as None, whatever the case held for it: it cannot count either way.
    """
    if not isinstance(case, Mapping):
        raise InvalidCase([Problem("(case)", "must be a JSON object of answers")])
    problems = [Problem(str(k), "is not a known answer key") for k in case
                if k not in QUESTION_BY_KEY]
    answers: dict[str, Any] = {}
    broken: set[str] = set()
    for q in QUESTIONS:
        # A condition that depends on a broken answer cannot be judged; say
        # nothing more about this question rather than guess.
        if q.asked_when and q.asked_when.key in broken:
            broken.add(q.key)
            answers[q.key] = None
            continue
        asked = q.is_asked(answers)
        value = case.get(q.key)
        if value is None:
            if asked and not q.nullable:
                why = f" when {q.asked_when.description}" if q.asked_when else ""
                problems.append(Problem(q.key, f"is required{why}"))
                broken.add(q.key)
            answers[q.key] = None
            continue
        try:
            typed = _coerce(q, value, as_of)
        except ValueError as exc:
            problems.append(Problem(q.key, str(exc)))
            broken.add(q.key)
            answers[q.key] = None
            continue
        answers[q.key] = typed if asked else None
    if problems:
        raise InvalidCase(problems)
    return answers


def asked_keys(answers: Mapping[str, Any]) -> list[str]:
    """The keys asked for these answers, in dictionary order."""
    return [q.key for q in QUESTIONS if q.is_asked(answers)]


def to_json(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Typed answers as JSON values (dates as ISO text, decimals as numbers)."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() and abs(value) < 10**15 \
                else float(value)
        out[key] = value
    return out


# --------------------------------------------------------------------------
# The rules: checks combined with all-of / any-of, one tree per criterion.
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """A leaf: a test over the answers that explains itself either way."""

    test: Callable[[Mapping[str, Any], Facts], tuple[bool, str]]

    def judge(self, a: Mapping[str, Any], facts: Facts) -> Verdict:
        ok, reason = self.test(a, facts)
        return Verdict(ok, (reason,))


@dataclass(frozen=True)
class AllOf:
    """"All of the following" / "Both of the following": stops at the first
    unmet part, which is then the reason (the later parts may not be asked)."""

    parts: tuple[Node, ...]

    def judge(self, a: Mapping[str, Any], facts: Facts) -> Verdict:
        reasons: list[str] = []
        for part in self.parts:
            verdict = part.judge(a, facts)
            if not verdict.ok:
                return Verdict(False, verdict.reasons)
            reasons.extend(verdict.reasons)
        return Verdict(True, tuple(reasons))


@dataclass(frozen=True)
class AnyOf:
    """"One of the following": met by the first part met; when none is, every
    part's reason counts."""

    parts: tuple[Node, ...]

    def judge(self, a: Mapping[str, Any], facts: Facts) -> Verdict:
        reasons: list[str] = []
        for part in self.parts:
            verdict = part.judge(a, facts)
            if verdict.ok:
                return verdict
            reasons.extend(verdict.reasons)
        return Verdict(False, tuple(reasons))


Node = Check | AllOf | AnyOf


@dataclass(frozen=True)
class Facts:
    """What the rules need besides the answers; the caller supplies them."""

    as_of: date
    has_prior_authorization: bool


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str  # the policy's own words
    rule: Node
    # When this returns False the criterion is "not applicable" (e.g. severity
    # for a diagnosis other than hemophilia B: only `diagnosis` is unmet then).
    applies: Callable[[Mapping[str, Any]], bool] = field(default=lambda a: True)
    exclusion: str = ""  # the "unproven" exclusion this criterion also covers
    documentation: str = ""  # what could resolve it when not met


def _fmt(n: Any) -> str:
    if isinstance(n, Decimal):
        text = format(n.normalize(), "f")
        return text
    return str(n)


def _yes(key: str, yes: str, no: str) -> Check:
    return Check(lambda a, f: (a.get(key) is True, yes if a.get(key) is True else no))


def _no(key: str, yes: str, no: str) -> Check:
    """Met when the answer is an explicit False (unknown never counts as no)."""
    return Check(lambda a, f: (a.get(key) is False, no if a.get(key) is False else yes))


def _is(key: str, value: str, ok: str, bad: str) -> Check:
    return Check(lambda a, f: (a.get(key) == value, ok if a.get(key) == value else bad))


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_age(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    age = _age_on(a["date_of_birth"], f.as_of)
    if age >= ADULT_AGE:
        return True, f"age {age} on {f.as_of.isoformat()}"
    return False, f"age {age} on {f.as_of.isoformat()} is under 18"


def _severity_label(a: Mapping[str, Any]) -> str:
    return QUESTION_BY_KEY["severity"].choice_label(a.get("severity")).lower()


def _fix_below_1(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    fix = a["fix_activity_percent"]
    if fix < 1:
        return True, f"factor IX activity {_fmt(fix)}% is below 1%"
    return False, f"factor IX activity {_fmt(fix)}% is not below 1%"


def _fix_1_to_2(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    fix = a["fix_activity_percent"]
    if 1 <= fix <= 2:
        return True, f"factor IX activity {_fmt(fix)}% is between 1% and 2%"
    return False, f"factor IX activity {_fmt(fix)}% is not between 1% and 2%"


def _exposure_days(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    days = a["fix_exposure_days"]
    if days >= MIN_EXPOSURE_DAYS:
        return True, f"{days} exposure days to factor IX (at least 50)"
    return False, f"{days} exposure days to factor IX is fewer than 50"


def _screen(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    bu = a["inhibitor_screen_bu"]
    if bu < INHIBITOR_THRESHOLD_BU:
        return True, f"inhibitor screen {_fmt(bu)} BU is below 0.6 BU"
    return False, f"inhibitor screen {_fmt(bu)} BU is 0.6 BU or more"


def _viral_load(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    load = a["hiv_viral_load_copies_ml"]
    if load < HIV_SUPPRESSED_BELOW:
        return True, f"HIV viral load {load} copies/mL is below 200"
    return False, f"HIV viral load {load} copies/mL is not below 200"


def _imaging(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    imaging = a["liver_imaging"]
    if imaging != "none":
        label = QUESTION_BY_KEY["liver_imaging"].choice_label(imaging).lower()
        return True, f"hepatic {label} performed"
    return False, "no hepatic ultrasound or elastography performed"


def _dose(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    dose = a["dose_gc_per_kg"]
    mantissa, exponent = f"{dose:.3e}".split("e")
    shown = f"{mantissa} x 10^{int(exponent)}"
    if abs(dose - LABEL_DOSE_GC_PER_KG) <= LABEL_DOSE_GC_PER_KG * DOSE_TOLERANCE:
        return True, f"dose {shown} gc/kg is the label dose of 2 x 10^13 gc/kg"
    return False, (f"dose {shown} gc/kg is not the label dose of 2 x 10^13 gc/kg "
                   "(within 1%)")


def _lifetime(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    if f.has_prior_authorization:
        return False, "an approved Hemgenix authorization already exists for this member"
    return True, "no earlier approved Hemgenix authorization for this member"


def _named_agent(a: Mapping[str, Any], f: Facts) -> tuple[bool, str]:
    agent = a.get("non_factor_agent")
    label = QUESTION_BY_KEY["non_factor_agent"].choice_label(agent)
    return agent in ("alhemo", "hympavzi", "qfitlia"), f"with {label}"


def _hemophilia_b(a: Mapping[str, Any]) -> bool:
    return a.get("diagnosis") == "hemophilia_b"


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "age", "Patient is 18 years of age or older",
        Check(_check_age),
        exclusion="The treatment of hemophilia B in patients less than 18 years of age",
        documentation="Proof of the patient's date of birth.",
    ),
    Criterion(
        "diagnosis",
        "Hemgenix is proven and medically necessary for the treatment of Hemophilia B "
        "(congenital factor IX deficiency)",
        Check(lambda a, f: (
            a["diagnosis"] == "hemophilia_b",
            "diagnosis is hemophilia B" if a["diagnosis"] == "hemophilia_b"
            else f"diagnosis is {QUESTION_BY_KEY['diagnosis'].choice_label(a['diagnosis'])}, "
                 "not hemophilia B")),
        exclusion="The treatment of hemophilia A",
        documentation="Clinical notes confirming the diagnosis of hemophilia B.",
    ),
    Criterion(
        "severity",
        "Diagnosis of severe hemophilia B and documentation of endogenous factor IX levels less "
        "than 1% of normal factor IX (< 0.01 IU/mL); or diagnosis of moderately severe "
        "hemophilia B, documentation of endogenous factor IX levels >= 1% <= 2% (0.01 IU/mL to "
        "0.02 IU/mL), and current or historical life-threatening hemorrhage or repeated, serious "
        "spontaneous bleeding episodes",
        AnyOf((
            AllOf((
                Check(lambda a, f: (
                    a.get("severity") == "severe",
                    "severe hemophilia B" if a.get("severity") == "severe"
                    else f"severity is {_severity_label(a)}, not severe")),
                Check(_fix_below_1),
            )),
            AllOf((
                Check(lambda a, f: (
                    a.get("severity") == "moderately_severe",
                    "moderately severe hemophilia B" if a.get("severity") == "moderately_severe"
                    else "not moderately severe")),
                Check(_fix_1_to_2),
                AnyOf((
                    _yes("life_threatening_hemorrhage",
                         "current or historical life-threatening hemorrhage",
                         "no life-threatening hemorrhage"),
                    _yes("repeated_serious_spontaneous_bleeding",
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
        "prophylaxis",
        "Patient is currently receiving routine prophylaxis for hemophilia B with a non-factor "
        "replacement therapy [i.e., Alhemo (concizumab-mtci), Hympavzi (marstacimab-hncq), "
        "Qfitlia (fitusiran)]; or currently uses factor IX prophylaxis therapy and has had a "
        "minimum of 50 exposure days to a factor IX agent; or has been determined to be an "
        "appropriate candidate for Hemgenix by the Hemophilia Treatment Center based on "
        "willingness to adhere to initial and long-term monitoring and management",
        AnyOf((
            AllOf((
                _is("current_prophylaxis", "non_factor",
                    "on non-factor prophylaxis", "not on non-factor prophylaxis"),
                Check(_named_agent),
            )),
            AllOf((
                _is("current_prophylaxis", "factor_ix",
                    "on factor IX prophylaxis", "not on factor IX prophylaxis"),
                Check(_exposure_days),
            )),
            _yes("htc_candidate_determination",
                 "the HTC determined the patient an appropriate candidate",
                 "no HTC candidate determination"),
        )),
        documentation="Prophylaxis records (agent, or factor IX exposure days), or the HTC's "
                      "candidate determination.",
    ),
    Criterion(
        "no_combination_prophylaxis",
        "Hemgenix is unproven and not medically necessary in the routine combination treatment "
        "with chronically administered prophylactic therapy for hemophilia B",
        _no("continue_prophylaxis_after_treatment",
            "routine prophylaxis is planned to continue after Hemgenix",
            "routine prophylaxis is not planned to continue after Hemgenix"),
        exclusion="The routine combination treatment with chronically administered prophylactic "
                  "therapy for hemophilia B",
        documentation="The treatment plan after Hemgenix, showing routine prophylaxis stops.",
    ),
    Criterion(
        "inhibitor_history",
        "Patient does not have a history of inhibitors to factor IX greater than or equal to "
        "0.6 Bethesda units (BU)",
        _no("inhibitor_history", "history of factor IX inhibitors of 0.6 BU or more",
            "no history of factor IX inhibitors of 0.6 BU or more"),
        documentation="Inhibitor test history.",
    ),
    Criterion(
        "inhibitor_screen",
        "Patient does not screen positive for active factor IX inhibitors as defined as greater "
        "than or equal to 0.6 Bethesda units (BU) prior to administration of Hemgenix",
        Check(_screen),
        documentation="The latest factor IX inhibitor screen (Bethesda assay) report.",
    ),
    Criterion(
        "immune_tolerance_induction",
        "Patient has not gone through Immune Tolerance Induction (ITI)",
        _no("immune_tolerance_induction", "has gone through Immune Tolerance Induction",
            "has not gone through Immune Tolerance Induction"),
        documentation="Treatment history showing no Immune Tolerance Induction.",
    ),
    Criterion(
        "liver_health",
        "Liver health assessments including enzyme testing [e.g., alanine aminotransferase "
        "(ALT), aspartate aminotransferase (AST), alkaline phosphatase (ALP), and total "
        "bilirubin] and hepatic ultrasound and/or elastography are performed to rule out "
        "radiological liver abnormalities and/or sustained liver enzyme elevations",
        AllOf((
            _yes("liver_enzymes_tested", "liver enzymes tested", "liver enzymes not tested"),
            Check(_imaging),
            _no("liver_abnormality_found",
                "a radiological liver abnormality or sustained enzyme elevation was found",
                "no liver abnormality found"),
        )),
        documentation="ALT, AST, ALP and total bilirubin results and the hepatic ultrasound or "
                      "elastography report.",
    ),
    Criterion(
        "aav5_antibodies",
        "Documentation that the patient has been evaluated for the presence of preexisting "
        "neutralizing antibodies to the adenovirus vector (e.g., AAV-5) used to deliver the "
        "therapy; pre-existing anti-AAV5 neutralizing antibodies measured through the "
        "laboratory developed, CLIA-validated AAV5 Neutralizing Antibody Test made available "
        "through CSL Behring; and the patient does not have high anti-AAV antibody (e.g., AAV-5) "
        "titers that may be associated with a lack of response to treatment based on published "
        "clinical evidence",
        AllOf((
            _yes("aav5_nab_evaluated", "evaluated for anti-AAV5 neutralizing antibodies",
                 "not evaluated for anti-AAV5 neutralizing antibodies"),
            _yes("aav5_nab_csl_test", "measured with the CSL Behring AAV5 NAb test",
                 "not measured with the CSL Behring AAV5 NAb test"),
            _no("aav5_nab_high_titer", "high anti-AAV5 antibody titer",
                "no high anti-AAV5 antibody titer"),
        )),
        documentation="The CSL Behring AAV5 Neutralizing Antibody Test report.",
    ),
    Criterion(
        "hiv",
        "Patient is not HIV positive; or patient is HIV positive and is virally suppressed with "
        "anti-viral therapy (i.e., < 200 copies of HIV per mL)",
        AnyOf((
            _is("hiv_status", "negative", "HIV negative", "HIV positive"),
            AllOf((
                _yes("hiv_on_antiretroviral_therapy", "on antiretroviral therapy",
                     "not on antiretroviral therapy"),
                Check(_viral_load),
            )),
        )),
        documentation="HIV test result, or antiretroviral therapy and a viral load below "
                      "200 copies/mL.",
    ),
    Criterion(
        "hepatitis_b",
        "The patient's hepatitis B surface antigen is negative",
        _is("hbsag", "negative", "HBsAg negative", "HBsAg positive"),
        documentation="Hepatitis B surface antigen result.",
    ),
    Criterion(
        "hepatitis_c",
        "Patient's hepatitis C virus (HCV) antibody is negative; or patient's HCV antibody is "
        "positive, and the patient's HCV RNA is negative",
        AnyOf((
            _is("hcv_antibody", "negative", "HCV antibody negative", "HCV antibody positive"),
            _is("hcv_rna", "negative", "HCV RNA negative", "HCV RNA positive"),
        )),
        documentation="HCV antibody result and, if positive, HCV RNA result.",
    ),
    Criterion(
        "hepatitis_antiviral_therapy",
        "The patient is not currently using antiviral therapy for hepatitis B or C",
        _no("hepatitis_antiviral_therapy", "currently on antiviral therapy for hepatitis B or C",
            "not on antiviral therapy for hepatitis B or C"),
        documentation="Current medication list.",
    ),
    Criterion(
        "prior_gene_therapy",
        "Patient has not previously received treatment with Hemgenix (etranacogene "
        "dezaparvovec-drlb) or another gene therapy [e.g., Beqvez (fidanacogene "
        "elaparvovec-dzkt)] for the treatment of hemophilia B",
        _no("prior_gene_therapy", "has received a gene therapy for hemophilia B before",
            "no prior gene therapy for hemophilia B"),
        exclusion="The repeat administration of Hemgenix for the treatment of hemophilia B; the "
                  "treatment of hemophilia B after previously receiving another factor IX gene "
                  "therapy product",
        documentation="Treatment history showing no prior gene therapy.",
    ),
    Criterion(
        "lifetime_limit",
        "Authorization will be issued for no more than one treatment per lifetime",
        Check(_lifetime),
        exclusion="The repeat administration of Hemgenix for the treatment of hemophilia B",
        documentation="None can: Hemgenix is covered once per lifetime.",
    ),
    Criterion(
        "prescriber_htc",
        "Hemgenix is prescribed and managed by a bleeding disorder specialist on staff at a "
        "Hemophilia Treatment Center (HTC) that holds Federal designation as evidenced by being "
        "listed within the CDC's HTC directory",
        AllOf((
            _yes("prescriber_bleeding_disorder_specialist", "bleeding disorder specialist",
                 "the prescriber is not a bleeding disorder specialist"),
            _yes("htc_federally_designated", "at a federally designated HTC",
                 "the HTC is not federally designated"),
        )),
        documentation="The prescriber's HTC as listed in the CDC's HTC directory.",
    ),
    Criterion(
        "dosing",
        "Hemgenix dosing is in accordance with the United States Food and Drug Administration "
        "approved labeling",
        Check(_dose),
        documentation="A dose of 2 x 10^13 genome copies per kg of body weight.",
    ),
    Criterion(
        "monitoring_attestation",
        "Prescriber attests that the patient's ALT and AST as well as factor IX activity will be "
        "monitored weekly for at least 3 months following administration of Hemgenix and "
        "regularly thereafter per the monitoring schedule recommended in the prescribing "
        "information",
        _yes("attest_monitoring", "monitoring attested", "monitoring not attested"),
        documentation="The prescriber's attestation of the monitoring plan.",
    ),
    Criterion(
        "alcohol_counseling_attestation",
        "Prescriber attests that counseling has been provided to the patient around the risks "
        "of alcohol consumption following administration of Hemgenix",
        _yes("attest_alcohol_counseling", "alcohol counseling attested",
             "alcohol counseling not attested"),
        documentation="The prescriber's attestation of alcohol counseling.",
    ),
    Criterion(
        "no_inpatient_admission",
        "Provider does not request a planned inpatient admission for the sole purpose of "
        "administering Hemgenix",
        _no("planned_inpatient_admission",
            "an inpatient admission is planned solely to administer Hemgenix",
            "no inpatient admission planned solely to administer Hemgenix"),
        documentation="An outpatient or infusion-center administration plan.",
    ),
)

CRITERION_BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}
CRITERION_IDS: tuple[str, ...] = tuple(c.id for c in CRITERIA)


@dataclass(frozen=True)
class CriterionResult:
    id: str
    status: str  # met | not_met | not_applicable
    reason: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status, "reason": self.reason, "text": self.text}


@dataclass(frozen=True)
class Evaluation:
    outcome: str
    unmet: list[str]
    results: list[CriterionResult]
    policy: str = POLICY_NUMBER

    def as_dict(self, *, trace: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome, "unmet": self.unmet,
                               "policy": self.policy}
        if trace:
            out["criteria"] = [r.as_dict() for r in self.results]
        return out


def _sentence(reasons: Iterable[str]) -> str:
    text = "; ".join(reasons)
    return text[:1].upper() + text[1:]


def evaluate_answers(answers: Mapping[str, Any], *, as_of: date,
                     has_prior_authorization: bool) -> Evaluation:
    """Evaluate answers that `validate` returned. Both facts are required:
    an unknown prior authorization must never pass for "none"."""
    facts = Facts(as_of=as_of, has_prior_authorization=has_prior_authorization)
    results = []
    for criterion in CRITERIA:
        if not criterion.applies(answers):
            results.append(CriterionResult(criterion.id, NOT_APPLICABLE,
                                           "Not applicable: the diagnosis is not hemophilia B",
                                           criterion.text))
            continue
        verdict = criterion.rule.judge(answers, facts)
        results.append(CriterionResult(criterion.id, MET if verdict.ok else UNMET,
                                       _sentence(verdict.reasons), criterion.text))
    unmet = sorted(r.id for r in results if r.status == UNMET)
    return Evaluation(outcome=NOT_MET if unmet else MEETS_CRITERIA, unmet=unmet, results=results)


def evaluate(case: Any, *, as_of: date, has_prior_authorization: bool) -> Evaluation:
    """Validate a raw case (JSON-like) and evaluate it. Raises InvalidCase."""
    answers = validate(case, as_of=as_of)
    return evaluate_answers(answers, as_of=as_of, has_prior_authorization=has_prior_authorization)


# --------------------------------------------------------------------------
# Dosing arithmetic from the label, shown to the prescriber.
# --------------------------------------------------------------------------

VECTOR_GC_PER_ML = Decimal("1e13")
VIAL_ML = 10
LARGEST_KIT_VIALS = 48


@dataclass(frozen=True)
class DosePlan:
    weight_kg: Decimal
    total_gc: Decimal
    volume_ml: Decimal
    vials: int

    @property
    def beyond_largest_kit(self) -> bool:
        return self.vials > LARGEST_KIT_VIALS


def dose_plan(weight_kg: Decimal, dose_gc_per_kg: Decimal = LABEL_DOSE_GC_PER_KG) -> DosePlan:
    total = weight_kg * dose_gc_per_kg
    volume = total / VECTOR_GC_PER_ML
    vials = int((volume / VIAL_ML).to_integral_value(rounding="ROUND_CEILING"))
    return DosePlan(weight_kg=weight_kg, total_gc=total, volume_ml=volume, vials=vials)
