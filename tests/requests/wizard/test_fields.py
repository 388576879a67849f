"""The wizard's side of the answer kinds (tests/policy/test_kinds.py is the
engine's): what a step's form accepts, as the JSON value it stores, the engine
accepts with the same meaning, and both refuse the same values on each side
of every range and date limit. Dates as clinicians write them; inputs a phone
opens with a keyboard that has "<", ":", "/" and "x"."""

from __future__ import annotations

import re

import pytest

from authorizations import policy
from authorizations.policy import kinds
from authorizations.requests.wizard.fields import field_for
from authorizations.requests.wizard.forms import STEP_FORMS, raw_value
from tests.cases import days, long_date
from tests.policy.kind_samples import TYPED, case_with, engine_reads, limit_samples


def form_reads(key: str, text: str, case: dict) -> tuple[bool, object]:
    """(refused, stored JSON value) when `text` is typed for `key` on its step,
    the step's other answers from `case` (the factor IX unit: % of normal,
    confirmed: the unit's own tests are in test_lab_values.py)."""
    q = policy.QUESTION_BY_KEY[key]
    form_class = STEP_FORMS[q.step]
    data = {f"{q.step}-{k}": raw_value(policy.QUESTION_BY_KEY[k], case[k])
            for k in form_class.keys if case.get(k) is not None}
    data[f"{q.step}-{key}"] = text
    if q.step == "diagnosis":
        # The unit chosen is the one typed (a unit against the choice is asked
        # about: test_lab_values.py).
        unit = "iu_ml" if text.endswith("IU/mL") else "percent"
        data.update({"diagnosis-fix_activity_unit": unit,
                     "diagnosis-fix_activity_confirmed": "on"})
    form = form_class(data=data, prefix=q.step)
    if not form.is_valid():
        return key in form.errors, None
    return False, form.answers().get(key)


@pytest.mark.parametrize("key, text, expected", TYPED, ids=[f"{k}={t}" for k, t, _ in TYPED])
def test_what_the_form_accepts_the_engine_accepts_with_the_same_meaning(key, text, expected):
    assert form_reads(key, text, case_with(key, None)) == (False, expected)
    assert engine_reads(key, expected) == (False, expected)


@pytest.mark.parametrize("key, value", limit_samples())
def test_the_form_and_the_engine_refuse_the_same_values(key, value):
    q = policy.QUESTION_BY_KEY[key]
    assert form_reads(key, raw_value(q, value), case_with(key, None)) == \
        engine_reads(key, value)


TESTED = days(-38)  # a test date, 38 days before AS_OF


@pytest.mark.parametrize("text", [f"{TESTED:%m/%d/%Y}", f"{TESTED:%b} {TESTED.day}, {TESTED.year}",
                                  f"{TESTED.day} {TESTED:%b %Y}", TESTED.isoformat(),
                                  long_date(TESTED), f"{TESTED:%d-%b-%Y}".upper()])
def test_dates_as_clinicians_write_them(text):
    assert form_reads("weight_date", text, case_with("weight_date", None)) == \
        (False, TESTED.isoformat())


def test_a_two_digit_year_asks_for_four_digits():
    form = STEP_FORMS["patient"](data={"patient-date_of_birth": "04/12/85"}, prefix="patient")
    assert form.errors["date_of_birth"] == ["Enter the date of birth with a four-digit year, "
                                            "for example 04/12/1985"]


def test_the_date_format_shows_before_any_error():
    html = str(STEP_FORMS["patient"](prefix="patient").as_div())
    assert "Write it month first: 04/12/1985 or Apr 12, 1985 (also 12 Apr 1985 or " \
           "1985-04-12)." in html
    assert "Write it month first: 10/30/2026 or Oct 30, 2026 (also 30 Oct 2026 or " \
           "2026-10-30)." in html


def test_the_member_id_is_refused_by_the_form_as_by_the_engine():
    for text in ("UHC 1/2", "ÄBC-1", "- -"):
        assert form_reads("member_id", text, case_with("member_id", None))[0]
        assert engine_reads("member_id", text)[0]


FREE_TEXT = [q.key for q in policy.QUESTIONS if q.kind in (
    "lab_value", "birth_date", "test_date", "date", "npi", "scientific", "titer")]


@pytest.mark.parametrize("key", FREE_TEXT)
def test_lab_date_npi_and_dose_inputs_open_a_full_keyboard(key):
    """No inputmode: "decimal" and "numeric" keyboards hide "<", ":", "/" and "x"."""
    html = field_for(policy.QUESTION_BY_KEY[key]).widget.render(key, "")
    assert 'type="text"' in html
    assert "inputmode" not in html
    assert 'autocomplete="off"' in html and 'spellcheck="false"' in html


def test_the_free_text_inputs_are_the_ones_that_need_those_characters():
    assert set(FREE_TEXT) >= {"fix_activity_percent", "inhibitor_screen_bu",
                              "hiv_viral_load_copies_ml", "date_of_birth", "weight_date",
                              "planned_infusion_date", "site_of_care_npi", "dose_gc_per_kg",
                              "aav5_nab_titer"}
    # Plain numbers keep the keyboard that has their characters.
    modes = {key: re.search(r'inputmode="(\w+)"', field_for(
        policy.QUESTION_BY_KEY[key]).widget.render(key, ""))[1]
        for key in ("weight_kg", "fix_exposure_days")}
    assert modes == {"weight_kg": "decimal", "fix_exposure_days": "numeric"}


def test_every_kind_is_read_by_the_form():
    kinds_on_steps = {q.kind for q in policy.QUESTIONS if not q.derived}
    assert kinds_on_steps == set(kinds.KINDS)
