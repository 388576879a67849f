"""The engine stands alone (no Django), never crashes on valid cases, and never
gives an outcome for junk."""

import subprocess
import sys
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from authorizations import policy
from tests.factories import AS_OF, approvable_case

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
    if q.kind == "integer":
        return st.integers(min_value=int(q.minimum), max_value=min(int(q.maximum), 10**6))
    if q.kind == "decimal":
        low, high = float(q.minimum), min(float(q.maximum), 1e15)
        return st.floats(min_value=low, max_value=high, allow_nan=False,
                         exclude_min=q.minimum_exclusive, exclude_max=q.maximum_exclusive)
    if q.kind == "date":
        return st.dates(min_value=date(1900, 1, 1), max_value=AS_OF).map(date.isoformat)
    if q.kind == "member_id":
        return st.from_regex(r"[A-Za-z0-9-]{1,40}", fullmatch=True)
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
    result = policy.evaluate(case, as_of=AS_OF, has_prior_authorization=prior)
    assert result.outcome in ("meets_criteria", "not_met")
    assert (result.outcome == "meets_criteria") == (result.unmet == [])
    assert result.unmet == sorted(result.unmet)
    assert set(result.unmet) <= set(policy.CRITERION_IDS)
    assert ("lifetime_limit" in result.unmet) == prior
    assert all(r.reason for r in result.results)


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
        policy.evaluate(junk, as_of=AS_OF, has_prior_authorization=False)
    except policy.InvalidCase as exc:
        assert exc.problems
    else:
        raise AssertionError("junk was evaluated")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(policy.ANSWER_KEYS), json_junk)
def test_one_junk_answer_is_reported_or_harmless(key, junk):
    """Replacing one answer with junk is either a named problem or a valid value."""
    case = approvable_case(**{key: junk})
    try:
        policy.validate(case, as_of=AS_OF)
    except policy.InvalidCase as exc:
        assert key in {p.key for p in exc.problems}
