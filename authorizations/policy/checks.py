"""The checks of criteria.py that need more than one answer compared with a
value: each returns whether it is met and the finding that says why, built
from a template marked for translation (messages.py) and its values. The
English they return is the evaluator's reason text, unchanged by the
marking; letters/findings.py translates it where a member's letter prints it.
"""

from __future__ import annotations

from decimal import Decimal

from authorizations.policy.dosing import DOSE_HIGHEST, DOSE_LOWEST, LABEL_DOSE_GC_PER_KG
from authorizations.policy.messages import gettext_noop, say
from authorizations.policy.questions import AAV5_TITER_LIMIT, QUESTION_BY_KEY
from authorizations.policy.rules import Answers, Check, Facts
from authorizations.policy.values import LabValue, long_date, plain, scientific

ADULT_AGE = 18
MIN_EXPOSURE_DAYS = 50
INHIBITOR_THRESHOLD_BU = Decimal("0.6")
HIV_SUPPRESSED_BELOW = 200  # copies/mL


def _label(key: str, value: object) -> str:
    return QUESTION_BY_KEY[key].choice_label(value)


AGE_MET = gettext_noop("age %(age)s on %(on)s")
AGE_UNDER = gettext_noop("age %(age)s on %(on)s is under 18")


def age(a: Answers, f: Facts) -> tuple[bool, str]:
    born, day = a["date_of_birth"], f.as_of
    # The birthday counts. Born on 29 February: in a common year (2, 28) is
    # still before (2, 29), so 18 comes on 1 March (data dictionary, section 2).
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    ok = years >= ADULT_AGE
    return ok, say(AGE_MET if ok else AGE_UNDER, age=years, on=long_date(day))


DIAGNOSIS_MET = gettext_noop("diagnosis is hemophilia B")
# The diagnosis's other choices (questions.py), each as one sentence.
NOT_HEMOPHILIA_B = {
    "hemophilia_a": gettext_noop("diagnosis is Hemophilia A, not hemophilia B"),
    "other": gettext_noop("diagnosis is Other, not hemophilia B"),
}


def diagnosis(a: Answers, f: Facts) -> tuple[bool, str]:
    if a["diagnosis"] == "hemophilia_b":
        return True, DIAGNOSIS_MET
    return False, NOT_HEMOPHILIA_B.get(a["diagnosis"]) or \
        f"diagnosis is {_label('diagnosis', a['diagnosis'])}, not hemophilia B"


def hemophilia_b(a: Answers) -> bool:
    return a.get("diagnosis") == "hemophilia_b"


# Each severity a criterion names: (when it is the answer, when it is not).
SEVERITY = {
    "severe": (gettext_noop("severe hemophilia B"), gettext_noop("severity is not severe")),
    "moderately_severe": (gettext_noop("moderately severe hemophilia B"),
                          gettext_noop("severity is not moderately severe")),
}


def severity_is(value: str) -> Check:
    ok, bad = SEVERITY[value]
    return Check(lambda a, f: (a.get("severity") == value,
                               ok if a.get("severity") == value else bad))


# A lab value against its threshold: below it, not shown to be below it ("<2"
# against 1), at or above it. Each template takes the value and the threshold.
FIX_BELOW = (gettext_noop("factor IX activity %(value)s%% is below %(threshold)s%%"),
             gettext_noop("factor IX activity %(value)s%% is not shown to be below "
                          "%(threshold)s%%"),
             gettext_noop("factor IX activity %(value)s%% is not below %(threshold)s%%"))
SCREEN_BELOW = (gettext_noop("inhibitor screen %(value)s BU is below %(threshold)s BU"),
                gettext_noop("inhibitor screen %(value)s BU is not shown to be below "
                             "%(threshold)s BU"),
                gettext_noop("inhibitor screen %(value)s BU is %(threshold)s BU or more"))
VIRAL_LOAD_BELOW = (
    gettext_noop("HIV viral load %(value)s copies/mL is below %(threshold)s copies/mL"),
    gettext_noop("HIV viral load %(value)s copies/mL is not shown to be below "
                 "%(threshold)s copies/mL"),
    gettext_noop("HIV viral load %(value)s copies/mL is not below %(threshold)s copies/mL"))


def _below(lab: LabValue, threshold: Decimal | int, templates: tuple[str, str, str]
           ) -> tuple[bool, str]:
    """A lab value below a threshold: "<1" is below 1, "<2" is not known to be."""
    below, not_shown, at_or_above = templates
    values = {"value": lab, "threshold": plain(threshold)}
    if lab.is_below(threshold):
        return True, say(below, **values)
    return False, say(not_shown if lab.below else at_or_above, **values)


def fix_below_1(a: Answers, f: Facts) -> tuple[bool, str]:
    return _below(a["fix_activity_percent"], 1, FIX_BELOW)


FIX_1_TO_2 = (gettext_noop("factor IX activity %(value)s%% is between 1%% and 2%%"),
              gettext_noop("factor IX activity %(value)s%% is not shown to be 1%% or more"),
              gettext_noop("factor IX activity %(value)s%% is not between 1%% and 2%%"))


def fix_1_to_2(a: Answers, f: Facts) -> tuple[bool, str]:
    fix = a["fix_activity_percent"]
    between, not_shown, outside = FIX_1_TO_2
    if fix.at_least(1) and fix.at_most(2):
        return True, say(between, value=fix)
    return False, say(not_shown if fix.below else outside, value=fix)


# The non-factor agents the policy names (questions.py's choices).
WITH_AGENT = {
    "alhemo": gettext_noop("with Alhemo (concizumab-mtci)"),
    "hympavzi": gettext_noop("with Hympavzi (marstacimab-hncq)"),
    "qfitlia": gettext_noop("with Qfitlia (fitusiran)"),
}
NO_AGENT = gettext_noop("no agent named")


def named_agent(a: Answers, f: Facts) -> tuple[bool, str]:
    agent = a.get("non_factor_agent")
    if not agent:
        return False, NO_AGENT
    return agent in WITH_AGENT, \
        WITH_AGENT.get(agent) or f"with {_label('non_factor_agent', agent)}"


EXPOSURE_NOT_ANSWERED = gettext_noop("exposure days not answered")
EXPOSURE_ENOUGH = gettext_noop("%(days)s exposure days to factor IX (at least 50)")
EXPOSURE_TOO_FEW = gettext_noop("%(days)s exposure days to factor IX is fewer than 50")


def exposure_days(a: Answers, f: Facts) -> tuple[bool, str]:
    days = a.get("fix_exposure_days")
    if days is None:
        return False, EXPOSURE_NOT_ANSWERED
    if days >= MIN_EXPOSURE_DAYS:
        return True, say(EXPOSURE_ENOUGH, days=days)
    return False, say(EXPOSURE_TOO_FEW, days=days)


def screen(a: Answers, f: Facts) -> tuple[bool, str]:
    return _below(a["inhibitor_screen_bu"], INHIBITOR_THRESHOLD_BU, SCREEN_BELOW)


# The hepatic imaging performed (questions.py's choices but "none").
IMAGING = {
    "ultrasound": gettext_noop("hepatic ultrasound performed"),
    "elastography": gettext_noop("hepatic elastography performed"),
    "both": gettext_noop("hepatic ultrasound and elastography performed"),
}
NO_IMAGING = gettext_noop("no hepatic ultrasound or elastography performed")


def imaging(a: Answers, f: Facts) -> tuple[bool, str]:
    done = a["liver_imaging"]
    if done != "none":
        return True, IMAGING.get(done) or \
            f"hepatic {_label('liver_imaging', done).lower()} performed"
    return False, NO_IMAGING


NO_AAV5_ANTIBODIES = gettext_noop("no anti-AAV5 neutralizing antibodies detected")
AAV5_RESULT_NOT_ANSWERED = gettext_noop("AAV5 antibody result not answered")
AAV5_TITER_NOT_ANSWERED = gettext_noop("AAV5 antibody titer not answered")
TITER_MET = gettext_noop(
    "anti-AAV5 titer 1:%(titer)s is not above 1:%(limit)s, the highest titer with factor IX "
    "expression in the pivotal trial (HOPE-B)")
TITER_ABOVE = gettext_noop(
    "anti-AAV5 titer 1:%(titer)s is above 1:%(limit)s: in the pivotal trial (HOPE-B) "
    "1:%(limit)s was the highest titer with factor IX expression, and the one patient at "
    "1:3212 had none, so response is not shown by published clinical evidence")


def titer(a: Answers, f: Facts) -> tuple[bool, str]:
    # A missing result is never "not detected": validation refuses it, and
    # here it is unknown, which is never met.
    result, value = a.get("aav5_nab_result"), a.get("aav5_nab_titer")
    if result == "not_detected":
        return True, NO_AAV5_ANTIBODIES
    if result != "detected" or value is None:
        return False, AAV5_TITER_NOT_ANSWERED if result else AAV5_RESULT_NOT_ANSWERED
    ok = value <= AAV5_TITER_LIMIT
    return ok, say(TITER_MET if ok else TITER_ABOVE, titer=value, limit=AAV5_TITER_LIMIT)


def viral_load(a: Answers, f: Facts) -> tuple[bool, str]:
    return _below(a["hiv_viral_load_copies_ml"], HIV_SUPPRESSED_BELOW, VIRAL_LOAD_BELOW)


DOSE_MET = gettext_noop("dose %(dose)s gc/kg is the label dose of %(label)s gc/kg")
DOSE_NOT_LABEL = gettext_noop(
    "dose %(dose)s gc/kg is not the label dose of %(label)s gc/kg (within 1%%)")


def dose(a: Answers, f: Facts) -> tuple[bool, str]:
    given = a["dose_gc_per_kg"]
    # Compared with the bounds, never through a difference: a dose of 30
    # digits minus the label would be rounded to 28 and could slip inside.
    ok = DOSE_LOWEST <= given <= DOSE_HIGHEST
    return ok, say(DOSE_MET if ok else DOSE_NOT_LABEL, dose=scientific(given),
                   label=scientific(LABEL_DOSE_GC_PER_KG))


LIFETIME_USED = gettext_noop("this member already has a recorded Hemgenix infusion or a live "
                             "authorization")
LIFETIME_FREE = gettext_noop("no recorded Hemgenix infusion and no live authorization for "
                             "this member")


def lifetime(a: Answers, f: Facts) -> tuple[bool, str]:
    if f.lifetime_used:
        return False, LIFETIME_USED
    return True, LIFETIME_FREE
