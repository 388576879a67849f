"""Policy versions: a request is evaluated under the version in effect, and a
new version is a module of its own. The later version here is made up, for
the tests only."""

from dataclasses import replace
from datetime import date

import pytest

from authorizations import policy
from authorizations.policy.rules import Check, Criterion
from tests.cases import AS_OF, approvable_case


@pytest.fixture
def later_version():
    """2027 made up: the same criteria, plus one that needs a weight under 200 kg."""
    weight = Criterion("weight_limit", "Weight", "Patient weighs less than 200 kg",
                       Check(lambda a, f: (a["weight_kg"] < 200, f"{a['weight_kg']} kg")))
    version = replace(policy.CURRENT, number="2027D0120K", effective=date(2027, 1, 1),
                      criteria=(*policy.CURRENT.criteria, weight))
    policy.register(version)
    yield version
    policy.unregister(version.number)


def test_the_current_version_is_2026D0120K_from_june_2026():
    assert policy.version_for(AS_OF).number == "2026D0120K"
    assert policy.version_for(date(2026, 6, 1)).effective == date(2026, 6, 1)


def test_a_later_version_applies_from_its_effective_date(later_version):
    # Not scheduled: a planned date may not be before the evaluation date.
    case = approvable_case(weight_kg=210, planned_infusion_date=None)
    before = policy.evaluate(case, as_of=date(2026, 12, 31), lifetime_used=False,
                             review_flags=[])
    after = policy.evaluate(case, as_of=date(2027, 1, 1), lifetime_used=False,
                            review_flags=[])
    assert (before.policy, before.unmet) == ("2026D0120K", [])
    assert (after.policy, after.unmet) == ("2027D0120K", ["weight_limit"])
    assert [v.number for v in policy.versions()] == ["2027D0120K", "2026D0120K"]


def test_a_version_can_be_asked_for_by_number(later_version):
    old = policy.evaluate(approvable_case(weight_kg=210, planned_infusion_date=None),
                          as_of=date(2027, 2, 1),
                          lifetime_used=False, review_flags=[],
                          version=policy.version_named("2026D0120K"))
    assert old.policy == "2026D0120K" and old.unmet == []


def test_a_version_number_is_registered_once(later_version):
    with pytest.raises(ValueError):
        policy.register(later_version)
