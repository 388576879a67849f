"""The wizard's forms and the engine give the same verdict on the same raw
input for the questions of data dictionary version 3 (aav5_nab_result,
aav5_nab_titer, weight_date, hiv_viral_load_copies_ml as a lab value,
planned_infusion_date): one parser and one set of limits, so an answer the
form takes is never refused at submission, and the reverse.

The raw text is what a person types; the engine gets its JSON form (a
number's text read as a JSON number, "1:678" as 678, a date's ISO text,
nothing typed as null, any other text as a string). Only inputs both can be
given are drawn: the form's conveniences (units, "2 x 10^13", US dates) have
no JSON form."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from authorizations import policy
from authorizations.policy import values
from authorizations.requests.wizard.forms import STEP_FORMS, raw_value
from tests.cases import AS_OF, approvable_case, iso

HIV_POSITIVE = dict(hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                    hiv_viral_load_copies_ml="<20", hiv_viral_load_date=iso(-26))
TITER_PREFIX = re.compile(r"^\s*1\s*:\s*")


def _json_form(key: str, raw: str):
    """What a JSON case holds for the typed text `raw` (nothing typed: null)."""
    if not raw.strip():
        return None
    text = TITER_PREFIX.sub("", raw) if key == "aav5_nab_titer" else raw
    if text.startswith("<") or policy.QUESTION_BY_KEY[key].kind in ("choice", "test_date",
                                                                     "date"):
        return text
    try:
        value = values.loads(text)
    except (ValueError, json.JSONDecodeError):
        return text
    return value if isinstance(value, (int, values.Decimal, values.OutOfRange)) else text


def _form_verdict(key: str, raw: str, case: dict):
    q = policy.QUESTION_BY_KEY[key]
    form_class = STEP_FORMS[q.step]
    data = {f"{q.step}-{k}": raw_value(policy.QUESTION_BY_KEY[k], case[k])
            for k in form_class.keys if case.get(k) is not None}
    data[f"{q.step}-{key}"] = raw
    form = form_class(data=data, prefix=q.step)
    if not form.is_valid():
        return key in form.errors, None
    return False, form.answers().get(key)


def _engine_verdict(key: str, raw: str, case: dict):
    changes = {key: _json_form(key, raw)}
    if key == "aav5_nab_result" and raw != "detected":
        changes["aav5_nab_titer"] = None  # hidden by the form: dropped before evaluation
    try:
        answers = policy.validate({**case, **changes}, as_of=AS_OF)
    except policy.InvalidCase as exc:
        return key in {p.key for p in exc.problems}, None
    return False, policy.to_json(answers)[key]


def _same(key: str, raw: str, case: dict) -> None:
    form_refuses, form_value = _form_verdict(key, raw, case)
    engine_refuses, engine_value = _engine_verdict(key, raw, case)
    assert form_refuses == engine_refuses, (key, raw, form_refuses)
    if not form_refuses:
        assert form_value == engine_value, (key, raw)


numbers = st.one_of(
    st.integers(-10, 10**10).map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),  # "1E+5", "-0.003"...
    st.sampled_from(["0", "-0", "0.0", "1e31", "1e-31", "1" * 31, "199.99999999999999999",
                     "200", "1000000000", "1000000000.1", "1E+9"]),
)
junk = st.sampled_from(["", "abc", "<", "< ", "<abc", "1/2", "twenty", "-", "."])


@settings(max_examples=250, deadline=None)
@given(raw=st.one_of(numbers, numbers.map(lambda n: f"<{n}"), junk))
def test_hiv_viral_load(raw):
    _same("hiv_viral_load_copies_ml", raw, approvable_case(**HIV_POSITIVE))


@settings(max_examples=200, deadline=None)
@given(raw=st.one_of(numbers, numbers.map(lambda n: f"1:{n}"), junk))
def test_aav5_titer(raw):
    _same("aav5_nab_titer", raw, approvable_case())


@settings(max_examples=30, deadline=None)
@given(raw=st.one_of(st.sampled_from(["not_detected", "detected"]), junk,
                     st.sampled_from(["Detected", "negative", "not detected", "None"])))
def test_aav5_result(raw):
    _same("aav5_nab_result", raw, approvable_case())


dates = st.dates(min_value=date(1899, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat)
near = st.integers(-400, 400).map(lambda d: (AS_OF + timedelta(days=d)).isoformat())


@settings(max_examples=200, deadline=None)
@given(raw=st.one_of(dates, near, junk, st.sampled_from(["2026-02-30", "2026-13-01",
                                                          "1985-04-11", "1985-04-12"])))
def test_weight_date(raw):
    _same("weight_date", raw, approvable_case())


@settings(max_examples=200, deadline=None)
@given(raw=st.one_of(dates, near, junk, st.sampled_from([iso(-1), iso(0)])))
def test_planned_infusion_date(raw):
    _same("planned_infusion_date", raw, approvable_case())
