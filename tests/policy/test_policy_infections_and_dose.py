"""The policy engine, criterion by criterion (continued from test_policy.py):
AAV5 antibodies, HIV, hepatitis C, dosing, combinations and lab values."""


import pytest

from authorizations import policy
from tests.cases import AS_OF, approvable_case, iso
from tests.policy.evaluating import moderately_severe, reason_of, run, status_of

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
                hiv_viral_load_copies_ml=load, hiv_viral_load_date=iso(-38))


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
