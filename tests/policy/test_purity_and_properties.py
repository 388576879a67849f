"""The engine stands alone (no Django), never crashes on valid cases, and never
gives an outcome for junk."""

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from authorizations import policy
from tests.cases import AS_OF, approvable_case, days

ROOT = Path(__file__).resolve().parents[2]


def test_policy_module_imports_without_django():
    # A fresh interpreter where importing django fails outright.
    code = (
        "import sys; sys.modules['django'] = None\n"
        "import authorizations.policy as p\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules"
        " if sys.modules[m] is not None)\n"
        "print(p.POLICY_NUMBER)\n"
    )
    # authorizations/__init__.py is empty, so importing the package pulls no Django in.
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026D0120K"


def _answer(q: policy.Question):
    if q.kind == "bool":
        return st.booleans()
    if q.kind == "choice":
        return st.sampled_from([c for c, _ in q.choices])
    if q.kind in ("integer", "titer"):
        return st.integers(min_value=int(q.minimum), max_value=min(int(q.maximum), 10**6))
    if q.kind == "lab_value":
        number = st.decimals(min_value=q.minimum, max_value=min(q.maximum, 1000) - 1,
                             allow_nan=False, allow_infinity=False, places=3)
        below = st.decimals(min_value="0.001", max_value=min(q.maximum, 1000) - 1,
                            allow_nan=False, allow_infinity=False, places=3)
        return number | below.map(lambda n: f"<{n}")
    if q.kind in ("decimal", "scientific"):
        # Exact decimals, as JSON gives them (no float anywhere).
        low = q.minimum + (Decimal("0.001") if q.minimum_exclusive else 0)
        return st.decimals(min_value=low, max_value=min(q.maximum, Decimal("1e15")),
                           allow_nan=False, allow_infinity=False, places=3)
    if q.kind == "birth_date":
        return st.dates(min_value=date(1900, 1, 1), max_value=days(-331)).map(
            date.isoformat)
    if q.kind == "test_date":
        return st.dates(min_value=days(-330), max_value=AS_OF).map(date.isoformat)
    if q.kind == "date":
        return st.none() | st.dates(min_value=AS_OF, max_value=days(399)).map(
            date.isoformat)
    if q.kind == "npi":
        return st.sampled_from(["1234567893", "1245319599", "1003000126"])
    if q.kind == "member_id":
        return st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 -]{0,39}", fullmatch=True)
    return st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=100)


@st.composite
def valid_cases(draw):
    """Answer every question in order, each only when asked, as the wizard does."""
    case = {}
    for q in policy.QUESTIONS:
        case[q.key] = draw(_answer(q)) if q.is_asked(case) else None
    return case


@settings(max_examples=300, deadline=None)
@given(valid_cases(), st.booleans())
def test_random_valid_cases_always_give_an_outcome(case, prior):
    result = policy.evaluate(case, as_of=AS_OF, lifetime_used=prior, review_flags=[])
    assert result.outcome in ("meets_criteria", "not_met")
    assert (result.outcome == "meets_criteria") == (result.unmet == [])
    assert result.unmet == sorted(result.unmet)
    assert set(result.unmet) <= set(policy.CRITERION_IDS)
    assert ("lifetime_limit" in result.unmet) == prior
    assert all(r.reason for r in result.results)
    # Review flags whatever the outcome, each with its reason, never in unmet.
    assert result.review_flags == sorted({r.flag for r in result.flag_reasons})
    assert set(result.review_flags) <= {"evidence_not_recent", "dose_over_largest_kit"}
    assert not set(result.review_flags) & set(result.unmet)


def _asked_on(key: str) -> set[str]:
    """The questions asked on `key`'s answer, directly or through another."""
    found: set[str] = set()
    for q in policy.QUESTIONS:  # in order: a condition's question comes first
        if q.asked_when and q.asked_when.key in found | {key}:
            found.add(q.key)
    return found


json_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(json_junk)
def test_random_junk_never_gives_an_outcome(junk):
    try:
        policy.evaluate(junk, as_of=AS_OF, lifetime_used=False, review_flags=[])
    except policy.InvalidCase as exc:
        assert exc.problems
    else:
        raise AssertionError("junk was evaluated")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(policy.ANSWER_KEYS), json_junk)
def test_one_junk_answer_is_reported_or_harmless(key, junk):
    """Replacing one answer with junk is either a named problem or a valid value.
    Version 3: a junk value that is a valid answer (False for "evaluated") can
    leave a later answer unasked, and that answer is then the named problem."""
    case = approvable_case(**{key: junk})
    try:
        policy.validate(case, as_of=AS_OF)
    except policy.InvalidCase as exc:
        named = {p.key for p in exc.problems}
        assert key in named or named <= _asked_on(key)
