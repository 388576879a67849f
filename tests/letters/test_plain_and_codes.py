"""One plain sentence per criterion ID and per review flag, one denial code per
criterion, in both voices; what would change a high AAV5 titer."""

from authorizations import policy
from authorizations.letters import plain
from authorizations.letters.denial_codes import DENIAL_CODES, OTHER, denial_code


def test_every_criterion_has_a_plain_sentence_and_a_denial_code_of_its_own():
    ids = {c.id for c in policy.CRITERIA}
    assert set(plain.PLAIN_BY_CRITERION) == ids
    assert set(DENIAL_CODES) == ids
    codes = [c.code for c in DENIAL_CODES.values()] + [OTHER.code]
    assert len(set(codes)) == len(codes)
    assert denial_code("") == OTHER
    # No X12 code is claimed without the licensed list to check it against.
    assert all(c.x12 is None for c in DENIAL_CODES.values())


def test_every_review_flag_has_a_plain_sentence():
    assert set(policy.REVIEW_FLAGS) <= set(plain.PLAIN_BY_FLAG)


def test_each_sentence_reads_in_both_voices():
    for criterion in plain.PLAIN_BY_CRITERION:
        member = plain.plain_reason(criterion, plain.MEMBER_VOICE)
        prescriber = plain.plain_reason(criterion, plain.PRESCRIBER_VOICE)
        assert "{" not in member + prescriber
        assert "The patient" not in member and "your" not in prescriber.lower()
    assert plain.plain_reason("hiv", plain.PRESCRIBER_VOICE) == \
        "If the patient has HIV, medicine must keep it under control."


def test_a_titer_above_678_is_changed_by_a_repeat_test_below_it_not_by_its_report():
    answers = {"aav5_nab_result": "detected", "aav5_nab_titer": 900}
    change = plain.what_would_change("aav5_antibodies", answers, "The report.",
                                     plain.MEMBER_VOICE)
    assert "a titer of 1:678 or lower" in change
    assert "The test that showed 1:900 cannot change this decision" in change
    not_tested = plain.what_would_change("aav5_antibodies", {"aav5_nab_evaluated": False},
                                         "The report.", plain.MEMBER_VOICE)
    assert not_tested == "The report."
    at_limit = {"aav5_nab_result": "detected", "aav5_nab_titer": 678}
    assert plain.what_would_change("aav5_antibodies", at_limit, "The report.",
                                   plain.MEMBER_VOICE) == "The report."
