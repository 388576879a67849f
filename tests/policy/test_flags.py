"""Review flags the answers alone raise (data dictionary version 3, section 4):
evidence_not_recent and dose_over_largest_kit. Not criteria; they send a case
that meets every criterion to a person, and the evaluator lists them whatever
the outcome."""

from datetime import timedelta
from decimal import Decimal

import pytest

from authorizations import policy
from tests.cases import AS_OF, approvable_case, days, iso, long_date


def run(case=None, *, as_of=AS_OF, db_flags=(), **changes):
    return policy.evaluate(case or approvable_case(**changes), as_of=as_of,
                           lifetime_used=False, review_flags=list(db_flags))


def days_before(days: int) -> str:
    return (AS_OF - timedelta(days=days)).isoformat()


HIV_POSITIVE = dict(hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                    hiv_viral_load_copies_ml="<20")
WINDOWS = [("inhibitor_screen_date", 30, {}), ("liver_tests_date", 30, {}),
           ("weight_date", 30, {}), ("aav5_nab_test_date", 90, {}),
           ("hiv_viral_load_date", 90, HIV_POSITIVE), ("liver_imaging_date", 180, {})]


def test_the_windows_are_the_data_dictionarys():
    assert [(key, days) for key, _, days in policy.EVIDENCE_WINDOWS] == [
        (key, days) for key, days, _ in WINDOWS]


@pytest.mark.parametrize("key, window, changes", WINDOWS)
def test_a_result_exactly_its_window_old_is_recent(key, window, changes):
    result = run(**changes, **{key: days_before(window)})
    assert result.review_flags == [] and result.approvable


@pytest.mark.parametrize("key, window, changes", WINDOWS)
def test_a_result_a_day_older_than_its_window_is_flagged(key, window, changes):
    result = run(**changes, **{key: days_before(window + 1)})
    assert result.outcome == "meets_criteria" and result.unmet == []
    assert result.review_flags == ["evidence_not_recent"]
    assert not result.approvable  # pended for a person, never approved
    (reason,) = result.flag_reasons
    assert (reason.flag, reason.key, reason.days, reason.window) == (
        "evidence_not_recent", key, window + 1, window)
    assert f"is {window + 1} days old on {long_date(AS_OF)}: more than {window} days" in \
        reason.text


def test_the_reason_says_which_result_and_how_old():
    result = run(inhibitor_screen_date=iso(-38), liver_tests_date=iso(-57))
    assert [r.text for r in result.flag_reasons] == [
        f"The inhibitor screen of {long_date(days(-38))} is 38 days old on {long_date(AS_OF)}: "
        "more than 30 days.",
        f"The liver enzyme panel of {long_date(days(-57))} is 57 days old on "
        f"{long_date(AS_OF)}: more than 30 days."]
    assert result.review_flags == ["evidence_not_recent"]  # one flag, two reasons


def test_the_factor_ix_baseline_has_no_window():
    assert run(fix_activity_test_date="2020-01-01").review_flags == []


def test_a_test_not_asked_has_no_date_to_age():
    result = run(liver_imaging="none", liver_imaging_date=None)
    assert result.unmet == ["liver_health"] and result.review_flags == []


def test_flags_are_listed_whatever_the_outcome():
    result = run(hbsag="positive", inhibitor_screen_date=days_before(31))
    assert result.unmet == ["hepatitis_b"]
    assert result.review_flags == ["evidence_not_recent"]


@pytest.mark.parametrize("weight, dose, flagged", [
    (Decimal(240), Decimal("2e13"), False),  # 480 mL: the largest kit, not above it
    (Decimal("240.5"), Decimal("2e13"), True),  # 481 mL
    (Decimal("240.000000000000000000000000001"), Decimal("2e13"), True),  # not rounded to 480
    (Decimal(238), Decimal("2.02e13"), True),  # 480.76 mL at the top of the 1% tolerance
    (Decimal(250), Decimal("1.9e13"), False),  # 475 mL (dosing itself is not met)
])
def test_dose_over_the_largest_kit(weight, dose, flagged):
    result = run(weight_kg=weight, dose_gc_per_kg=dose)
    assert ("dose_over_largest_kit" in result.review_flags) is flagged
    if flagged:
        reason = next(r for r in result.flag_reasons if r.flag == "dose_over_largest_kit")
        assert "more than the 480 mL of the largest kit (48 vials of 10 mL)" in reason.text


def test_database_flags_join_the_answers_flags_sorted():
    result = run(db_flags=["reauthorization"], weight_date=days_before(45))
    assert result.review_flags == ["evidence_not_recent", "reauthorization"]
    assert [r.flag for r in result.flag_reasons] == ["evidence_not_recent", "reauthorization"]
    assert result.flag_reasons[1].text == policy.REVIEW_FLAGS["reauthorization"]


def test_an_unknown_flag_is_an_error_never_dropped():
    with pytest.raises(ValueError, match="unknown review flag"):
        run(db_flags=["made_up"])


def test_the_evaluators_output_lists_the_flags():
    result = run(weight_date=days_before(31))
    assert result.as_dict() == {"outcome": "meets_criteria", "unmet": [],
                                "review_flags": ["evidence_not_recent"], "policy": "2026D0120K"}
    traced = result.as_dict(trace=True)["review_flag_reasons"]
    assert traced == [{"flag": "evidence_not_recent", "key": "weight_date", "days": 31,
                       "window": 30, "text": result.flag_reasons[0].text}]


def test_age_counts_from_the_evaluation_date():
    case = approvable_case(planned_infusion_date=None)  # inhibitor screen 17 days before AS_OF
    assert run(case, as_of=days(13)).review_flags == []  # screen 30 days old
    assert run(case, as_of=days(14)).review_flags == ["evidence_not_recent"]


def test_stored_reasons_read_back_for_people():
    reasons = [r.as_dict() for r in run(weight_date=days_before(40)).flag_reasons]
    texts = policy.reason_texts(["evidence_not_recent", "reauthorization"], reasons)
    assert texts[0].startswith(f"The weight of {long_date(days(-40))} is 40 days old")
    # A flag recorded without a reason (before version 3) reads its general text.
    assert texts[1] == policy.REVIEW_FLAGS["reauthorization"]
