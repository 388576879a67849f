"""Validation against the data dictionary: every problem at once, each naming its key."""

import pytest

from authorizations import policy
from tests.factories import AS_OF, approvable_case


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
    ("date_of_birth", "1899-12-31", "must not be before 1900-01-01"),
    ("date_of_birth", "2026-11-28", "must not be in the future"),
    ("diagnosis", "hemophilia_c", "must be one of hemophilia_b, hemophilia_a, other"),
    ("hiv_status", "unknown", "must be one of negative, positive"),
    ("attest_monitoring", "yes", "must be true or false"),
    ("attest_monitoring", 1, "must be true or false"),
    ("member_id", "UHC 100", "may contain only letters, digits and dashes"),
    ("member_id", "X" * 41, "must be at most 40 characters"),
    ("patient_first_name", "   ", "must not be empty"),
    ("patient_last_name", "Q" * 101, "must be at most 100 characters"),
    ("aav5_nab_titer", -5, "must be at least 0"),
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


@pytest.mark.parametrize("key", ["hiv_on_antiretroviral_therapy", "hiv_viral_load_copies_ml"])
def test_hiv_follow_ups_required_when_positive(key):
    case = approvable_case(hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                           hiv_viral_load_copies_ml=10)
    case[key] = None
    assert list(problems(case)) == [key]


def test_hcv_rna_required_when_antibody_positive():
    assert list(problems(approvable_case(hcv_antibody="positive"))) == ["hcv_rna"]


def test_aav5_follow_ups_required_when_evaluated():
    found = problems(approvable_case(aav5_nab_csl_test=None, aav5_nab_high_titer=None))
    assert set(found) == {"aav5_nab_csl_test", "aav5_nab_high_titer"}


def test_aav5_titer_may_be_null_when_not_detected():
    answers = policy.validate(approvable_case(aav5_nab_titer=None), as_of=AS_OF)
    assert answers["aav5_nab_titer"] is None


def test_non_factor_agent_required_for_non_factor_prophylaxis():
    found = problems(approvable_case(current_prophylaxis="non_factor", fix_exposure_days=None))
    assert found == {"non_factor_agent": "is required when the current prophylaxis is a "
                                         "non-factor replacement therapy"}


def test_unasked_questions_may_be_absent():
    case = {k: v for k, v in approvable_case().items() if v is not None}
    assert policy.validate(case, as_of=AS_OF)["hcv_rna"] is None


def test_unasked_answer_is_dropped():
    answers = policy.validate(approvable_case(non_factor_agent="qfitlia"), as_of=AS_OF)
    assert answers["non_factor_agent"] is None


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
