"""The policy engine, criterion by criterion: every ID met and not met, every
boundary of the data dictionary, combinations and the not-applicable rule."""

from datetime import date, timedelta

import pytest

from authorizations import policy
from tests.cases import case_tested_on, iso, years_before
from tests.policy.evaluating import moderately_severe, reason_of, run, status_of


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
                hiv_viral_load_copies_ml=50, hiv_viral_load_date=iso(-38)),
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
    assert status_of(run(date_of_birth=years_before(18).isoformat()), "age") == "met"


def test_day_before_eighteenth_birthday_is_too_young():
    result = run(date_of_birth=(years_before(18) + timedelta(days=1)).isoformat())
    assert status_of(result, "age") == "not_met"
    assert "Age 17" in reason_of(result, "age")


def test_leap_day_birthday_turns_eighteen_on_march_first():
    # Data dictionary, section 2: born on 29 February, 18 on 1 March in a common year.
    case = case_tested_on("2026-01-15", date_of_birth="2008-02-29")
    assert status_of(run(case, as_of=date(2026, 2, 28)), "age") == "not_met"
    assert "Age 17 on February 28, 2026" in reason_of(run(case, as_of=date(2026, 2, 28)), "age")
    assert status_of(run(case, as_of=date(2026, 3, 1)), "age") == "met"


# --- severity: factor IX boundaries at exactly 1% and 2% ---------------------

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
