"""One class per answer kind (policy/kinds/): what a person types, read by the
kind and written as its JSON value, is what the engine reads with the same
meaning; the limits (ranges, the earliest date, the evaluation date) are the
same whether a value comes typed or as JSON. The form's side of the same
samples is tests/requests/wizard/test_fields.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from authorizations import policy
from authorizations.policy import kinds
from tests.cases import AS_OF, days, iso, long_date
from tests.policy.kind_samples import TYPED, engine_reads, limit_samples

LIMITS = kinds.Limits(as_of=AS_OF)


def test_every_question_has_a_kind_and_every_kind_a_sample():
    assert {q.kind for q in policy.QUESTIONS} == set(kinds.KINDS)
    assert {policy.QUESTION_BY_KEY[key].kind for key, _, _ in TYPED} == set(kinds.KINDS)


@pytest.mark.parametrize("key, text, expected", TYPED, ids=[f"{k}={t}" for k, t, _ in TYPED])
def test_what_is_typed_means_the_same_to_the_engine(key, text, expected):
    q = policy.QUESTION_BY_KEY[key]
    kind = kinds.of(q)
    typed = kind.read_text(q, text, LIMITS)
    as_json = policy.to_json({key: typed})[key]
    assert as_json == expected
    # The engine reads that JSON value, in a whole case, to the same typed value.
    assert kind.read_json(q, as_json, LIMITS) == typed
    assert engine_reads(key, as_json) == (False, expected)


@pytest.mark.parametrize("key, value", limit_samples())
def test_limits_are_the_same_typed_or_as_json(key, value):
    """On each side of every range and date limit, the kind refuses a value
    typed (as the form shows it) exactly when the engine refuses its JSON."""
    q = policy.QUESTION_BY_KEY[key]
    kind = kinds.of(q)
    refused, kept = engine_reads(key, value)
    try:
        typed = kind.read_text(q, kind.to_text(q, value), LIMITS)
    except kinds.Refusal:
        assert refused, (key, value)
        return
    assert not refused, (key, value)
    assert policy.to_json({key: typed})[key] == kept


@pytest.mark.parametrize("key, day, refused", [
    ("date_of_birth", "1899-12-31", "must not be before January 1, 1900"),
    # The 1900 limit holds for every date, not only the birth date.
    ("weight_date", "1899-12-31", "must not be before January 1, 1900"),
    ("planned_infusion_date", "1899-12-31", "must not be before January 1, 1900"),
    ("date_of_birth", iso(1), "must not be in the future"),
    ("weight_date", iso(1), "must not be after the evaluation date"),
    ("planned_infusion_date", iso(-1), "must not be before the evaluation date"),
])
def test_date_limits(key, day, refused):
    q = policy.QUESTION_BY_KEY[key]
    with pytest.raises(kinds.Refusal, match=refused):
        kinds.of(q).read_json(q, day, LIMITS)
    typed = date.fromisoformat(day)
    with pytest.raises(kinds.Refusal) as typed_refusal:
        kinds.of(q).read_text(q, f"{typed.month}/{typed.day}/{typed.year}", LIMITS)
    assert typed_refusal.value.code == "range"


@pytest.mark.parametrize("text", ["10/20/26", "Oct 20, 26", "20 Oct 26", "26-10-20"])
def test_a_two_digit_year_is_refused_asking_for_four_digits(text):
    q = policy.QUESTION_BY_KEY["weight_date"]
    with pytest.raises(kinds.Refusal) as refusal:
        kinds.of(q).read_text(q, text, LIMITS)
    assert refusal.value.for_person == ("Enter the date the weight was measured with a "
                                        "four-digit year, for example 10/30/2026")


@pytest.mark.parametrize("text", ["20/10/2026", "2026-02-30", "Octember 20, 2026", "yesterday",
                                  "10/20/02026", "Ma 20, 2026"])
def test_what_is_not_a_real_date_says_so(text):
    q = policy.QUESTION_BY_KEY["weight_date"]
    with pytest.raises(kinds.Refusal) as refusal:
        kinds.of(q).read_text(q, text, LIMITS)
    assert refusal.value.for_person.startswith("Enter the date the weight was measured as a "
                                               "real date, for example 10/30/2026")


@pytest.mark.parametrize("value", ["10/20/2026", "Oct 20, 2026", "20261020", "2026-W43-2"])
def test_the_json_value_of_a_date_is_iso_only(value):
    q = policy.QUESTION_BY_KEY["weight_date"]
    with pytest.raises(kinds.Refusal, match="must be a date as YYYY-MM-DD"):
        kinds.of(q).read_json(q, value, LIMITS)


@pytest.mark.parametrize("text", ["UHC 1/2", "ÄBC-1", "- -", "A" * 41, "UHC\t1"])
def test_member_id_pattern_is_one(text):
    """The member ID's characters and length: the same words typed or as JSON."""
    q = policy.QUESTION_BY_KEY["member_id"]
    kind = kinds.of(q)
    with pytest.raises(kinds.Refusal) as as_json:
        kind.read_json(q, text, LIMITS)
    with pytest.raises(kinds.Refusal) as typed:
        kind.read_text(q, text, LIMITS)
    assert str(as_json.value) == str(typed.value)


def test_number_text_is_bounded_before_conversion():
    q = policy.QUESTION_BY_KEY["weight_kg"]
    for text in ("1e600000", "9" * 5000):
        with pytest.raises(kinds.Refusal) as refusal:
            kinds.of(q).read_text(q, text, LIMITS)
        assert refusal.value.code == "range"


@pytest.mark.parametrize("number, factor, asks", [
    ("0.01", 1, True),  # 0.01% is below what labs report; 0.01 IU/mL is 1%
    ("0.3", 1, True),
    ("0.5", 1, False),
    ("0", 1, False),
    ("45", 1, False),  # unusual, but as IU/mL it would be 4500%: no other reading fits
    ("1", 100, True),  # 1 IU/mL is 100%; 1% fits
    ("0.01", 100, False),
    ("0.003", 100, False),  # 0.3% and 0.003%: neither fits better
])
def test_factor_ix_value_that_fits_only_the_other_unit(number, factor, asks):
    assert kinds.fits_only_the_other_unit(Decimal(number), Decimal(factor)) is asks


def test_display_comes_from_the_kind():
    shown = {key: policy.display(key, value) for key, value in (
        ("dose_gc_per_kg", 20000000000000), ("fix_activity_percent", "<1"),
        ("aav5_nab_titer", 678), ("planned_infusion_date", None), ("weight_date", iso(-38)),
        ("attest_monitoring", False), ("inhibitor_history", True), ("weight_kg", 72))}
    assert shown == {"dose_gc_per_kg": "2 × 10¹³ genome copies per kg",
                     "fix_activity_percent": "< 1%", "aav5_nab_titer": "1:678",
                     "planned_infusion_date": "Not scheduled", "weight_date": long_date(days(-38)),
                     "attest_monitoring": "Not ticked", "inhibitor_history": "Yes",
                     "weight_kg": "72 kg"}
