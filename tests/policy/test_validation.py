"""Validation against the data dictionary: every problem at once, each naming its key."""

import pytest

from authorizations import policy
from tests.cases import AS_OF, approvable_case, iso


def problems(case):
    with pytest.raises(policy.InvalidCase) as info:
        policy.validate(case, as_of=AS_OF)
    return {p.key: p.message for p in info.value.problems}


def test_valid_case_gives_typed_answers():
    answers = policy.validate(approvable_case(), as_of=AS_OF)
    assert answers["date_of_birth"].isoformat() == "1985-04-12"
    assert answers["fix_exposure_days"] == 150
    assert set(answers) == set(policy.ANSWER_KEYS)


def test_unknown_key_is_an_error():
    assert problems(approvable_case(favourite_color="blue")) == {
        "favourite_color": "is not a known answer key"}


def test_not_an_object_is_an_error():
    assert "(case)" in problems(["not", "a", "case"])


@pytest.mark.parametrize("key,value,message", [
    ("weight_kg", "72", "must be a number"),
    ("weight_kg", True, "must be a number"),
    ("weight_kg", 19.9, "must be at least 20"),
    ("weight_kg", 250.1, "must be at most 250"),
    ("fix_activity_percent", -0.1, "must be at least 0"),
    ("fix_activity_percent", 200, "must be less than 200"),
    ("fix_exposure_days", 50.5, "must be a whole number"),
    ("fix_exposure_days", 10001, "must be at most 10000"),
    ("inhibitor_screen_bu", -1, "must be at least 0"),
    ("dose_gc_per_kg", 0, "must be more than 0"),
    ("date_of_birth", "12/04/1985", "must be a date as YYYY-MM-DD"),
    ("date_of_birth", "1899-12-31", "must not be before January 1, 1900"),
    ("date_of_birth", iso(1), "must not be in the future"),
    ("diagnosis", "hemophilia_c", "must be one of hemophilia_b, hemophilia_a, other"),
    ("hiv_status", "unknown", "must be one of negative, positive"),
    ("attest_monitoring", "yes", "must be true or false"),
    ("attest_monitoring", 1, "must be true or false"),
    ("member_id", "UHC_100", "may contain only letters, digits, dashes and spaces"),
    ("member_id", " - ", "may contain only letters, digits, dashes and spaces"),
    ("fix_activity_percent", "1", 'must be a number or "<N"'),
    ("fix_activity_percent", "<0", '"<N" needs N above 0'),
    ("fix_activity_percent", "<200", "must be less than 200"),
    ("fix_activity_percent", "about 1", 'must be a number or "<N"'),
    ("inhibitor_screen_bu", "negative", 'must be a number or "<N"'),
    ("fix_exposure_days", 10**40, "is out of range"),
    ("fix_activity_test_date", iso(1), "must not be after the evaluation date"),
    ("inhibitor_screen_date", "1980-01-01", "must not be before the date of birth"),
    ("aav5_nab_test_date", "yesterday", "must be a date as YYYY-MM-DD"),
    ("planned_infusion_date", "12/10/2026", "must be a date as YYYY-MM-DD"),
    ("site_of_care_npi", "1234567890", "must be a 10-digit NPI with a valid check digit"),
    ("site_of_care_npi", 1234567893, "must be a 10-digit NPI with a valid check digit"),
    ("site_of_care_name", "", "must not be empty"),
    ("aav5_nab_titer", 678.5, "must be a whole number"),
    ("member_id", "X" * 41, "must be at most 40 characters"),
    ("patient_first_name", "   ", "must not be empty"),
    ("patient_last_name", "Q" * 101, "must be at most 100 characters"),
    ("aav5_nab_titer", 0, "must be at least 1"),
    ("aav5_nab_result", "negative", "must be one of not_detected, detected"),
    ("weight_date", iso(1), "must not be after the evaluation date"),
    ("weight_date", "1985-04-11", "must not be before the date of birth"),
    ("planned_infusion_date", iso(-1), "must not be before the evaluation date"),
])
def test_bad_values_name_their_key(key, value, message):
    found = problems(approvable_case(**{key: value}))
    assert list(found) == [key]
    assert message in found[key]


def test_nan_and_infinity_are_not_numbers():
    assert "weight_kg" in problems(approvable_case(weight_kg=float("nan")))
    assert "weight_kg" in problems(approvable_case(weight_kg=float("inf")))


def test_asked_question_left_unanswered_names_the_condition():
    found = problems(approvable_case(fix_exposure_days=None))
    assert found == {"fix_exposure_days": "is required when the current prophylaxis is factor IX"}


def test_missing_key_is_unanswered():
    case = approvable_case()
    del case["hbsag"]
    assert problems(case) == {"hbsag": "is required"}


def test_conditional_chain_moderately_severe_questions():
    found = problems(approvable_case(severity="moderately_severe", fix_activity_percent=1.5))
    assert set(found) == {"life_threatening_hemorrhage", "repeated_serious_spontaneous_bleeding"}


@pytest.mark.parametrize("key", ["hiv_on_antiretroviral_therapy", "hiv_viral_load_copies_ml",
                                 "hiv_viral_load_date"])
def test_hiv_follow_ups_required_when_positive(key):
    case = approvable_case(hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                           hiv_viral_load_copies_ml=10, hiv_viral_load_date=iso(-26))
    case[key] = None
    assert list(problems(case)) == [key]


def test_hcv_rna_required_when_antibody_positive():
    assert list(problems(approvable_case(hcv_antibody="positive"))) == ["hcv_rna"]


def test_aav5_follow_ups_required_when_evaluated():
    found = problems(approvable_case(aav5_nab_csl_test=None, aav5_nab_test_date=None))
    assert set(found) == {"aav5_nab_csl_test", "aav5_nab_test_date"}


def test_aav5_result_is_required_when_evaluated():
    # Version 2 read "no titer" as "not detected"; version 3 asks for the result.
    assert problems(approvable_case(aav5_nab_result=None, aav5_nab_titer=None)) == {
        "aav5_nab_result": "is required when AAV5 antibodies were evaluated"}


def test_aav5_titer_is_required_when_detected():
    assert problems(approvable_case(aav5_nab_titer=None)) == {
        "aav5_nab_titer": "is required when AAV5 antibodies were detected"}


def test_aav5_titer_with_not_detected_is_a_contradiction():
    assert problems(approvable_case(aav5_nab_result="not_detected", aav5_nab_titer=57)) == {
        "aav5_nab_titer": "must be empty: it is asked only when AAV5 antibodies were detected"}


def test_the_not_detected_flag_of_version_2_is_an_unknown_key():
    assert problems(approvable_case(aav5_nab_titer_not_detected=True)) == {
        "aav5_nab_titer_not_detected": "is not a known answer key"}


def test_weight_date_is_always_asked():
    assert problems(approvable_case(weight_date=None)) == {"weight_date": "is required"}


def test_hiv_viral_load_reads_as_a_lab_value():
    from decimal import Decimal

    answers = policy.validate(approvable_case(
        hiv_status="positive", hiv_on_antiretroviral_therapy=True,
        hiv_viral_load_copies_ml="<20", hiv_viral_load_date=iso(-26)), as_of=AS_OF)
    assert answers["hiv_viral_load_copies_ml"] == policy.LabValue(Decimal(20), below=True)
    assert policy.to_json(answers)["hiv_viral_load_copies_ml"] == "<20"


@pytest.mark.parametrize("load, message", [("<0", '"<N" needs N above 0'),
                                           ("20", 'must be a number or "<N"'),
                                           (-1, "must be at least 0"),
                                           (20.5, None)])
def test_hiv_viral_load_checks_like_the_other_lab_values(load, message):
    case = approvable_case(hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                           hiv_viral_load_copies_ml=load, hiv_viral_load_date=iso(-26))
    if message is None:
        assert str(policy.validate(case, as_of=AS_OF)["hiv_viral_load_copies_ml"]) == "20.5"
    else:
        assert message in problems(case)["hiv_viral_load_copies_ml"]


def test_planned_infusion_date_on_the_evaluation_date_is_accepted():
    answers = policy.validate(approvable_case(planned_infusion_date=iso(0)), as_of=AS_OF)
    assert answers["planned_infusion_date"].isoformat() == iso(0)


def test_a_reviewers_evaluation_leaves_out_the_planned_date_check():
    # Checked at each submission; a decision after the planned day re-reads the answers.
    case = approvable_case(planned_infusion_date=iso(-7))
    assert policy.validate(case, as_of=AS_OF, scheduling=False)["planned_infusion_date"]
    assert list(problems(case)) == ["planned_infusion_date"]


def test_the_high_titer_question_of_version_1_is_gone():
    assert problems(approvable_case(aav5_nab_high_titer=False)) == {
        "aav5_nab_high_titer": "is not a known answer key"}


def test_lab_values_keep_their_meaning():
    from decimal import Decimal

    answers = policy.validate(approvable_case(fix_activity_percent="<1",
                                              inhibitor_screen_bu=Decimal("0.59999999999999999999")),
                              as_of=AS_OF)
    assert answers["fix_activity_percent"] == policy.LabValue(Decimal(1), below=True)
    assert answers["inhibitor_screen_bu"].value == Decimal("0.59999999999999999999")
    assert policy.to_json(answers)["fix_activity_percent"] == "<1"


def test_planned_infusion_date_may_be_null():
    assert policy.validate(approvable_case(planned_infusion_date=None),
                           as_of=AS_OF)["planned_infusion_date"] is None


def test_test_dates_are_asked_with_their_tests():
    case = approvable_case(liver_imaging="none", liver_imaging_date=None)
    assert policy.validate(case, as_of=AS_OF)["liver_imaging_date"] is None
    assert list(problems(approvable_case(liver_imaging_date=None))) == ["liver_imaging_date"]


@pytest.mark.parametrize("member_id, key", [("uhc 1002-003", "UHC1002003"),
                                            ("UHC1002003", "UHC1002003"),
                                            ("probe-a1", "PROBEA1")])
def test_member_key_ignores_case_spaces_and_dashes(member_id, key):
    assert policy.member_key(member_id) == key


def test_aav5_titer_is_absent_when_not_detected():
    answers = policy.validate(approvable_case(aav5_nab_result="not_detected",
                                              aav5_nab_titer=None), as_of=AS_OF)
    assert answers["aav5_nab_titer"] is None


def test_non_factor_agent_required_for_non_factor_prophylaxis():
    found = problems(approvable_case(current_prophylaxis="non_factor", fix_exposure_days=None))
    assert found == {"non_factor_agent": "is required when the current prophylaxis is a "
                                         "non-factor replacement therapy"}


def test_unasked_questions_may_be_absent():
    case = {k: v for k, v in approvable_case().items() if v is not None}
    assert policy.validate(case, as_of=AS_OF)["hcv_rna"] is None


def test_unasked_answer_is_invalid_input():
    # Version 2 dropped it silently; version 3 names it (data dictionary, section 1).
    assert problems(approvable_case(non_factor_agent="qfitlia")) == {
        "non_factor_agent": "must be empty: it is asked only when the current prophylaxis is "
                            "a non-factor replacement therapy"}


# Every conditional question, answered where the case does not ask it.
UNASKED = {
    "severity": dict(diagnosis="hemophilia_a", fix_activity_percent=None,
                     fix_activity_test_date=None, severity="severe"),
    "fix_activity_percent": dict(diagnosis="other", severity=None, fix_activity_test_date=None),
    "fix_activity_test_date": dict(diagnosis="other", severity=None,
                                   fix_activity_percent=None),
    "life_threatening_hemorrhage": dict(life_threatening_hemorrhage=True),
    "repeated_serious_spontaneous_bleeding": dict(repeated_serious_spontaneous_bleeding=False),
    "non_factor_agent": dict(non_factor_agent="alhemo"),
    "fix_exposure_days": dict(current_prophylaxis="none"),
    "liver_tests_date": dict(liver_enzymes_tested=False),
    "liver_imaging_date": dict(liver_imaging="none"),
    "aav5_nab_csl_test": dict(aav5_nab_evaluated=False, aav5_nab_result=None,
                              aav5_nab_titer=None, aav5_nab_test_date=None),
    "aav5_nab_result": dict(aav5_nab_evaluated=False, aav5_nab_csl_test=None,
                            aav5_nab_titer=None, aav5_nab_test_date=None),
    "aav5_nab_titer": dict(aav5_nab_result="not_detected"),
    "aav5_nab_test_date": dict(aav5_nab_evaluated=False, aav5_nab_csl_test=None,
                               aav5_nab_result=None, aav5_nab_titer=None),
    "hiv_on_antiretroviral_therapy": dict(hiv_on_antiretroviral_therapy=True),
    "hiv_viral_load_copies_ml": dict(hiv_viral_load_copies_ml="<20"),
    "hiv_viral_load_date": dict(hiv_viral_load_date=iso(-26)),
    "hcv_rna": dict(hcv_rna="negative"),
}


def test_every_conditional_question_is_covered():
    assert set(UNASKED) == {q.key for q in policy.QUESTIONS if q.asked_when}


@pytest.mark.parametrize("key", sorted(UNASKED))
def test_an_answer_to_a_question_not_asked_names_its_key(key):
    found = problems(approvable_case(**UNASKED[key]))
    assert list(found) == [key]
    assert found[key].startswith("must be empty: it is asked only when")


def test_broken_condition_does_not_cascade_into_guesses():
    # diagnosis is junk: its dependants are neither required nor judged.
    found = problems(approvable_case(diagnosis=7, severity=None, fix_activity_percent=None))
    assert list(found) == ["diagnosis"]


def test_all_problems_reported_at_once():
    found = problems(approvable_case(weight_kg=5, hbsag="maybe", member_id="", extra=1))
    assert set(found) == {"weight_kg", "hbsag", "member_id", "extra"}


def test_text_is_trimmed():
    answers = policy.validate(approvable_case(member_id="  UHC-1  "), as_of=AS_OF)
    assert answers["member_id"] == "UHC-1"


def test_huge_numbers_are_refused_before_conversion():
    # 4,000 digits: int() of its text would be slow; it is refused by its size.
    found = problems(approvable_case(weight_kg=int("9" * 4000), dose_gc_per_kg=10**31))
    assert set(found) == {"weight_kg", "dose_gc_per_kg"}
    assert all("out of range" in message for message in found.values())
