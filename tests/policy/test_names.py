"""Names refuse the Unicode controls that reorder how text is shown (issue 23):
"Ann\u202eeoD" would show as "AnnDoe" reversed on a letter or a list."""

import pytest

from authorizations import policy
from authorizations.policy.text import BIDI_CONTROLS, has_bidi_control
from tests.cases import AS_OF, approvable_case

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
            "\u2069", "\u200e", "\u200f"]


def test_the_set_is_exactly_the_bidi_controls():
    assert BIDI_CONTROLS == frozenset(CONTROLS)
    # Letters of right-to-left scripts are names like any other.
    assert not has_bidi_control("نور حداد") and not has_bidi_control("שרה לוי")


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
@pytest.mark.parametrize("key", ["patient_first_name", "patient_last_name"])
def test_a_name_with_a_bidi_control_is_refused_by_its_key(key, control):
    with pytest.raises(policy.InvalidCase) as info:
        policy.validate(approvable_case(**{key: f"Ann{control}eoD"}), as_of=AS_OF)
    found = {p.key: p.message for p in info.value.problems}
    assert list(found) == [key]
    assert "direction of text" in found[key]


def test_a_right_to_left_name_is_accepted():
    answers = policy.validate(approvable_case(patient_first_name="نور",
                                              patient_last_name="حداد"), as_of=AS_OF)
    assert answers["patient_first_name"] == "نور"
