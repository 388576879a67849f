"""The policy engine, criterion by criterion: every ID met and not met, every
boundary of the data dictionary, combinations and the not-applicable rule."""

from datetime import date

import pytest

from authorizations import policy
from tests.cases import AS_OF, approvable_case, case_tested_on


def run(case=None, *, prior=False, as_of=AS_OF, **changes):
    return policy.evaluate(case or approvable_case(**changes), as_of=as_of,
                           lifetime_used=prior, review_flags=[])


def status_of(evaluation, criterion_id):
    return next(r for r in evaluation.results if r.id == criterion_id).status


def reason_of(evaluation, criterion_id):
    return next(r for r in evaluation.results if r.id == criterion_id).reason


def test_approvable_case_meets_every_criterion():
    result = run()
    assert result.outcome == "meets_criteria"
    assert result.unmet == []
    assert [r.status for r in result.results] == ["met"] * len(policy.CRITERIA)
    # Version 3's output lists the review flags too (data dictionary, section 3).
    assert result.as_dict() == {"outcome": "meets_criteria", "unmet": [], "review_flags": [],
                                "policy": "2026D0120K"}


def test_criterion_ids_are_exactly_the_data_dictionary():
    # In the order the policy states them, the "unproven" list last.
    assert policy.CRITERION_IDS == (
        "diagnosis", "age", "severity", "prophylaxis", "inhibitor_history", "inhibitor_screen",
        "immune_tolerance_induction", "liver_health", "aav5_antibodies", "hiv", "hepatitis_b",
        "hepatitis_c", "hepatitis_antiviral_therapy", "prior_gene_therapy", "prescriber_htc",
        "monitoring_attestation", "alcohol_counseling_attestation", "dosing",
        "no_inpatient_admission", "lifetime_limit", "no_combination_prophylaxis",
    )


# One change that fails exactly one criterion, for every criterion ID.
FAILS_ONE = {
    "age": dict(date_of_birth="2010-01-01"),
    "diagnosis": dict(diagnosis="hemophilia_a", severity=None, fix_activity_percent=None,
                      fix_activity_test_date=None),
    "severity": dict(severity="moderate"),
    "prophylaxis": dict(current_prophylaxis="none", fix_exposure_days=None,
                        htc_candidate_determination=False),
    "no_combination_prophylaxis": dict(continue_prophylaxis_after_treatment=True),
    "inhibitor_history": dict(inhibitor_history=True),
    "inhibitor_screen": dict(inhibitor_screen_bu=1.2),
    "immune_tolerance_induction": dict(immune_tolerance_induction=True),
    "liver_health": dict(liver_abnormality_found=True),
    "aav5_antibodies": dict(aav5_nab_titer=679),
    "hiv": dict(hiv_status="positive", hiv_on_antiretroviral_therapy=False,
                hiv_viral_load_copies_ml=50, hiv_viral_load_date="2026-10-20"),
    "hepatitis_b": dict(hbsag="positive"),
    "hepatitis_c": dict(hcv_antibody="positive", hcv_rna="positive"),
    "hepatitis_antiviral_therapy": dict(hepatitis_antiviral_therapy=True),
    "prior_gene_therapy": dict(prior_gene_therapy=True),
    "prescriber_htc": dict(htc_federally_designated=False),
    "dosing": dict(dose_gc_per_kg=4e13),
    "monitoring_attestation": dict(attest_monitoring=False),
    "alcohol_counseling_attestation": dict(attest_alcohol_counseling=False),
    "no_inpatient_admission": dict(planned_inpatient_admission=True),
}


@pytest.mark.parametrize("criterion_id", sorted(FAILS_ONE))
def test_each_criterion_can_fail_alone(criterion_id):
    result = run(**FAILS_ONE[criterion_id])
    assert result.outcome == "not_met"
    assert result.unmet == [criterion_id]
    assert status_of(result, criterion_id) == "not_met"


def test_lifetime_limit_is_the_fact_passed_in():
    result = run(prior=True)
    assert result.unmet == ["lifetime_limit"]
    assert "already has a recorded Hemgenix infusion or a live authorization" in \
        reason_of(result, "lifetime_limit")


def test_every_criterion_is_covered_by_a_failing_case():
    assert set(FAILS_ONE) | {"lifetime_limit"} == set(policy.CRITERION_IDS)


def test_quality_only_attestations_never_change_the_outcome():
    result = run(attest_efficacy_assessment=False, acknowledge_documentation_requests=False)
    assert result.outcome == "meets_criteria"


# --- age: the 18th birthday counts -------------------------------------------

def test_eighteenth_birthday_is_old_enough():
    assert status_of(run(date_of_birth="2008-11-27"), "age") == "met"


def test_day_before_eighteenth_birthday_is_too_young():
    result = run(date_of_birth="2008-11-28")
    assert status_of(result, "age") == "not_met"
    assert "Age 17" in reason_of(result, "age")


def test_leap_day_birthday_turns_eighteen_on_march_first():
    # Data dictionary, section 2: born on 29 February, 18 on 1 March in a common year.
    case = case_tested_on("2026-01-15", date_of_birth="2008-02-29")
    assert status_of(run(case, as_of=date(2026, 2, 28)), "age") == "not_met"
    assert "Age 17 on February 28, 2026" in reason_of(run(case, as_of=date(2026, 2, 28)), "age")
    assert status_of(run(case, as_of=date(2026, 3, 1)), "age") == "met"


# --- severity: factor IX boundaries at exactly 1% and 2% ---------------------

def moderately_severe(fix, bleeding=True):
    return dict(severity="moderately_severe", fix_activity_percent=fix,
                life_threatening_hemorrhage=bleeding, repeated_serious_spontaneous_bleeding=False)


def test_fix_exactly_one_percent_is_not_severe():
    result = run(fix_activity_percent=1)
    assert status_of(result, "severity") == "not_met"
    assert "Factor IX activity 1% is not below 1%" in reason_of(result, "severity")


def test_fix_just_below_one_percent_is_severe():
    assert status_of(run(fix_activity_percent=0.99), "severity") == "met"


def test_fix_zero_is_severe():
    assert status_of(run(fix_activity_percent=0), "severity") == "met"


@pytest.mark.parametrize("fix", [1, 1.5, 2])
def test_moderately_severe_from_one_to_two_percent_inclusive(fix):
    assert status_of(run(**moderately_severe(fix)), "severity") == "met"


@pytest.mark.parametrize("fix", [0.99, 2.01])
def test_moderately_severe_outside_one_to_two_percent(fix):
    result = run(**moderately_severe(fix))
    assert status_of(result, "severity") == "not_met"
    assert "not between 1% and 2%" in reason_of(result, "severity")


def test_moderately_severe_needs_a_bleeding_history():
    result = run(**moderately_severe(1.5, bleeding=False))
    assert status_of(result, "severity") == "not_met"
    assert "no life-threatening hemorrhage" in reason_of(result, "severity")


def test_repeated_spontaneous_bleeding_alone_is_enough():
    case = moderately_severe(1.5, bleeding=False)
    case["repeated_serious_spontaneous_bleeding"] = True
    assert status_of(run(**case), "severity") == "met"


@pytest.mark.parametrize("severity", ["moderate", "mild"])
def test_moderate_and_mild_never_meet_severity(severity):
    assert status_of(run(severity=severity, fix_activity_percent=0.5), "severity") == "not_met"


def test_severe_with_fix_between_one_and_two_is_not_met():
    # Labelled severe but measured 1.5%: neither branch of the policy holds.
    assert status_of(run(fix_activity_percent=1.5), "severity") == "not_met"


# --- not applicable -----------------------------------------------------------

@pytest.mark.parametrize("diagnosis", ["hemophilia_a", "other"])
def test_severity_not_applicable_unless_hemophilia_b(diagnosis):
    result = run(diagnosis=diagnosis, severity=None, fix_activity_percent=None,
                 fix_activity_test_date=None)
    assert status_of(result, "severity") == "not_applicable"
    assert result.unmet == ["diagnosis"]


def test_unasked_severity_answers_are_invalid_input():
    # Version 2 ignored answers to questions not asked; version 3 refuses them,
    # each by its key: they contradict the diagnosis (data dictionary, section 1).
    with pytest.raises(policy.InvalidCase) as info:
        run(diagnosis="hemophilia_a", severity="mild", fix_activity_percent=50)
    assert [p.key for p in info.value.problems] == [
        "severity", "fix_activity_percent", "fix_activity_test_date"]


# --- prophylaxis: 50 exposure days, named agents, HTC determination -----------

def test_fifty_exposure_days_is_enough():
    result = run(fix_exposure_days=50, htc_candidate_determination=False)
    assert status_of(result, "prophylaxis") == "met"


def test_forty_nine_exposure_days_is_not_enough_alone():
    result = run(fix_exposure_days=49, htc_candidate_determination=False)
    assert status_of(result, "prophylaxis") == "not_met"
    assert "49 exposure days" in reason_of(result, "prophylaxis")


def test_htc_candidate_determination_alone_meets_prophylaxis():
    result = run(current_prophylaxis="none", fix_exposure_days=None,
                 htc_candidate_determination=True)
    assert status_of(result, "prophylaxis") == "met"


@pytest.mark.parametrize("agent", ["alhemo", "hympavzi", "qfitlia"])
def test_non_factor_prophylaxis_with_a_named_agent(agent):
    result = run(current_prophylaxis="non_factor", non_factor_agent=agent, fix_exposure_days=None,
                 htc_candidate_determination=False)
    assert status_of(result, "prophylaxis") == "met"


# --- inhibitors: 0.6 BU ----------------------------------------------------------

def test_inhibitor_screen_exactly_point_six_is_positive():
    result = run(inhibitor_screen_bu=0.6)
    assert result.unmet == ["inhibitor_screen"]
    assert "0.6 BU is 0.6 BU or more" in reason_of(result, "inhibitor_screen")


def test_inhibitor_screen_just_below_point_six_is_negative():
    assert run(inhibitor_screen_bu=0.59).outcome == "meets_criteria"


# --- liver -----------------------------------------------------------------------

@pytest.mark.parametrize("imaging", ["ultrasound", "elastography", "both"])
def test_any_hepatic_imaging_counts(imaging):
    assert status_of(run(liver_imaging=imaging), "liver_health") == "met"


def test_no_hepatic_imaging_fails_liver_health():
    assert run(liver_imaging="none", liver_imaging_date=None).unmet == ["liver_health"]


def test_untested_enzymes_fail_liver_health():
    assert run(liver_enzymes_tested=False, liver_tests_date=None).unmet == ["liver_health"]


# --- AAV5 ------------------------------------------------------------------------

def test_not_evaluated_for_aav5_fails_without_follow_up_answers():
    result = run(aav5_nab_evaluated=False, aav5_nab_csl_test=None, aav5_nab_result=None,
                 aav5_nab_titer=None, aav5_nab_test_date=None)
    assert result.unmet == ["aav5_antibodies"]
    assert "Not evaluated" in reason_of(result, "aav5_antibodies")


def test_aav5_other_lab_fails():
    assert run(aav5_nab_csl_test=False).unmet == ["aav5_antibodies"]


def test_aav5_not_detected_is_met_without_a_titer():
    result = run(aav5_nab_result="not_detected", aav5_nab_titer=None)
    assert status_of(result, "aav5_antibodies") == "met"
    assert "no anti-AAV5 neutralizing antibodies detected" in reason_of(result,
                                                                         "aav5_antibodies")


@pytest.mark.parametrize("titer", [1, 57, 678])
def test_aav5_detected_at_a_titer_up_to_678_is_met(titer):
    # "titer not above 678" (data dictionary, section 2): 1:678 itself is met.
    assert status_of(run(aav5_nab_titer=titer), "aav5_antibodies") == "met"


def test_aav5_missing_result_is_never_not_detected():
    # Version 2 read a missing titer as "not detected" and approved it; in
    # version 3 a missing result is an unanswered question, named by its key.
    for changes in (dict(aav5_nab_result=None, aav5_nab_titer=None),
                    dict(aav5_nab_titer=None)):
        with pytest.raises(policy.InvalidCase) as info:
            run(**changes)
        assert [p.key for p in info.value.problems] == [
            "aav5_nab_result" if "aav5_nab_result" in changes else "aav5_nab_titer"]


def test_aav5_rule_treats_an_unknown_result_as_not_met():
    # Should typed answers without a result ever reach the rule, unknown is not met.
    answers = policy.validate(approvable_case(), as_of=AS_OF)
    for changes in ({"aav5_nab_result": None, "aav5_nab_titer": None},
                    {"aav5_nab_titer": None}):
        result = policy.evaluate_answers({**answers, **changes}, as_of=AS_OF,
                                         lifetime_used=False, review_flags=[])
        assert result.unmet == ["aav5_antibodies"]
        assert "not answered" in reason_of(result, "aav5_antibodies")


def test_aav5_titer_3212_goes_to_a_person_citing_the_trial():
    # Version 1 approved this with "not high" answered; the titer decides now.
    result = run(aav5_nab_titer=3212)
    assert result.unmet == ["aav5_antibodies"]
    reason = reason_of(result, "aav5_antibodies")
    assert "1:3212 is above 1:678" in reason
    assert "pivotal trial (HOPE-B)" in reason


def test_aav5_titer_just_above_678_is_not_met():
    assert run(aav5_nab_titer=679).unmet == ["aav5_antibodies"]


# --- HIV: 200 copies/mL ----------------------------------------------------------

def hiv_positive(load, art=True):
    return dict(hiv_status="positive", hiv_on_antiretroviral_therapy=art,
                hiv_viral_load_copies_ml=load, hiv_viral_load_date="2026-10-20")


def test_hiv_suppressed_below_200_is_met():
    assert status_of(run(**hiv_positive(199)), "hiv") == "met"


def test_hiv_viral_load_exactly_200_is_not_suppressed():
    result = run(**hiv_positive(200))
    assert result.unmet == ["hiv"]
    assert "200 copies/mL is not below 200" in reason_of(result, "hiv")


@pytest.mark.parametrize("load, met", [("<20", True), ("<200", True), ("<201", False),
                                       ("<1000", False)])
def test_hiv_viral_load_is_a_lab_value(load, met):
    # Version 3: "<20" as labs report an undetectable load; "<N" is below 200
    # when N <= 200, and "<201" is not known to be.
    result = run(**hiv_positive(load))
    assert (status_of(result, "hiv") == "met") is met
    if not met:
        assert "is not shown to be below 200" in reason_of(result, "hiv")


def test_hiv_without_antiretroviral_therapy_is_not_met():
    assert run(**hiv_positive(0, art=False)).unmet == ["hiv"]


# --- hepatitis C -------------------------------------------------------------------

def test_hcv_antibody_positive_rna_negative_is_met():
    assert status_of(run(hcv_antibody="positive", hcv_rna="negative"), "hepatitis_c") == "met"


# --- dosing: within 1% of 2e13 ---------------------------------------------------

@pytest.mark.parametrize("dose", [2e13, 1.98e13, 2.02e13])
def test_dose_within_one_percent_is_label_dose(dose):
    assert status_of(run(dose_gc_per_kg=dose), "dosing") == "met"


@pytest.mark.parametrize("dose", [1.9799e13, 2.0201e13, 2e12])
def test_dose_beyond_one_percent_is_not_label_dose(dose):
    assert run(dose_gc_per_kg=dose).unmet == ["dosing"]


@pytest.mark.parametrize("dose, met", [
    ("1.98e13", True), ("2.02e13", True),  # inclusive bounds
    ("2.02000000000000000000000000001e13", False),  # 30 digits: just above, not rounded in
    ("1.97999999999999999999999999999e13", False),
    ("2.01999999999999999999999999999e13", True),
])
def test_dose_tolerance_is_exact_at_thirty_digits(dose, met):
    from decimal import Decimal

    assert (status_of(run(dose_gc_per_kg=Decimal(dose)), "dosing") == "met") is met


def test_prescriber_must_be_a_specialist():
    assert run(prescriber_bleeding_disorder_specialist=False).unmet == ["prescriber_htc"]


# --- combinations ------------------------------------------------------------------

def test_several_failures_are_all_listed_sorted():
    result = run(date_of_birth="2012-05-05", hbsag="positive", dose_gc_per_kg=1e13,
                 prior=True, **hiv_positive(5000))
    assert result.unmet == ["age", "dosing", "hepatitis_b", "hiv", "lifetime_limit"]


def test_hemophilia_a_child_with_everything_else_wrong():
    result = run(diagnosis="hemophilia_a", severity=None, fix_activity_percent=None,
                 fix_activity_test_date=None, date_of_birth="2015-01-01",
                 inhibitor_history=True, prior_gene_therapy=True)
    assert result.unmet == ["age", "diagnosis", "inhibitor_history", "prior_gene_therapy"]


def test_trace_has_policy_words_for_every_criterion():
    result = run(dose_gc_per_kg=3e13)
    trace = result.as_dict(trace=True)["criteria"]
    assert [c["id"] for c in trace] == list(policy.CRITERION_IDS)
    dosing = next(c for c in trace if c["id"] == "dosing")
    assert dosing["text"].startswith("Hemgenix dosing is in accordance with the United States")
    assert "Dose 3 × 10¹³ gc/kg is not the label dose" in dosing["reason"]


# --- dosing arithmetic shown to the prescriber ------------------------------------

def test_dose_plan_for_72_kg_is_144_ml_in_15_vials():
    from decimal import Decimal

    plan = policy.dose_plan(Decimal(72))
    assert plan.volume_ml == Decimal(144)
    assert plan.vials == 15
    assert plan.total_gc == Decimal("1.44e15")
    assert not plan.beyond_largest_kit


def test_dose_plan_over_240_kg_exceeds_the_largest_kit():
    from decimal import Decimal

    assert policy.dose_plan(Decimal(241)).beyond_largest_kit


# --- lab values as labs report them (data dictionary v2) ---------------------------

@pytest.mark.parametrize("fix, status", [("<1", "met"), ("<0.5", "met"), ("<2", "not_met")])
def test_severe_with_a_below_n_factor_ix(fix, status):
    # "<N" is below T when N <= T: "<1" is below 1%, "<2" is not known to be.
    assert status_of(run(fix_activity_percent=fix), "severity") == status


def test_below_n_never_satisfies_at_least_one_percent():
    assert status_of(run(**moderately_severe("<2")), "severity") == "not_met"


@pytest.mark.parametrize("screen, met", [("<0.5", True), ("<0.6", True), ("<0.7", False),
                                         (0, True)])
def test_inhibitor_screen_reported_below_a_cutoff(screen, met):
    assert (run(inhibitor_screen_bu=screen).unmet == []) is met


def test_exact_decimals_are_not_rounded_to_the_threshold():
    from decimal import Decimal

    result = run(inhibitor_screen_bu=Decimal("0.59999999999999999999"))
    assert status_of(result, "inhibitor_screen") == "met"


def test_review_flags_are_not_criteria_and_block_auto_approval():
    result = policy.evaluate(approvable_case(), as_of=AS_OF, lifetime_used=False,
                             review_flags=["reauthorization"])
    assert result.outcome == "meets_criteria" and result.unmet == []
    assert result.review_flags == ["reauthorization"]
    assert not result.approvable
