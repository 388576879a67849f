"""The kit dispensed (policy/dosing.py) and documentation_missing's rule and
words (policy/flags.py): pure, no database."""

from decimal import Decimal

import pytest

from authorizations import policy
from authorizations.policy import dosing, flags
from tests.cases import AS_OF, approvable_case

# ---- the kit dispensed -------------------------------------------------------

@pytest.mark.parametrize("weight, volume, vials, kit", [
    ("20", "40", 4, 10),          # the lightest weight asked: the smallest kit
    ("50", "100", 10, 10),        # exactly the smallest kit
    ("50.5", "101", 11, 11),      # 1 mL over: one more vial, never rounded down
    ("72", "144", 15, 15),
    ("240", "480", 48, 48),       # exactly the largest kit
])
def test_the_kit_is_the_vials_the_dose_needs_but_never_fewer_than_ten(weight, volume, vials,
                                                                      kit):
    plan = dosing.dose_plan(Decimal(weight))
    assert plan.volume_ml == Decimal(volume)
    assert plan.vials == vials
    assert plan.kit_vials == kit and plan.kit_ml == kit * 10
    assert plan.smallest_kit is (vials < 10)
    assert not plan.beyond_largest_kit


def test_a_hair_over_240_kg_needs_more_than_the_largest_kit():
    plan = dosing.dose_plan(Decimal("240.000000000000000000000000001"))
    assert plan.volume_ml == Decimal("480.000000000000000000000000002")  # not rounded
    assert plan.vials == 49 and plan.beyond_largest_kit
    assert plan.kit_vials is None and plan.kit_ml is None


def test_the_volume_follows_the_prescribed_dose_exactly():
    plan = dosing.dose_plan(Decimal("72"), Decimal("2.02e13"))
    assert plan.volume_ml == Decimal("145.44") and plan.vials == 15 and plan.kit_vials == 15


# ---- documentation_missing -------------------------------------------------

def test_the_documents_asked_for_are_the_factor_ix_and_aav5_reports_in_the_policys_words():
    assert [d.kind for d in policy.REQUIRED_DOCUMENTS] == ["factor_ix_lab", "aav5_antibody"]
    assert policy.REQUIRED_DOCUMENTS[0].policy_words == \
        "Documentation of endogenous factor IX levels"
    assert policy.REQUIRED_DOCUMENTS[1].policy_words.startswith(
        "Documentation that the patient has been evaluated for the presence of preexisting "
        "neutralizing antibodies")


@pytest.mark.parametrize("attached, text", [
    ([], "No factor IX lab report and no AAV5 antibody report are attached."),
    (["factor_ix_lab", "other"], "No AAV5 antibody report is attached."),
    (["aav5_antibody"], "No factor IX lab report is attached."),
])
def test_documentation_missing_names_each_missing_document(attached, text):
    [reason] = flags.documentation(attached)
    assert reason.flag == "documentation_missing"
    assert reason.text.startswith(text + " The policy asks for")


def test_both_reports_attached_raise_nothing():
    assert flags.documentation(["aav5_antibody", "clinic_note", "factor_ix_lab"]) == []


def test_a_database_flag_with_its_own_reason_keeps_it_and_pends_the_case():
    evaluation = policy.evaluate(approvable_case(), as_of=AS_OF, lifetime_used=False,
                                 review_flags=flags.documentation([]))
    assert (evaluation.outcome, evaluation.unmet) == ("meets_criteria", [])
    assert evaluation.review_flags == ["documentation_missing"] and not evaluation.approvable
    assert evaluation.flag_reasons[0].text.startswith("No factor IX lab report and no AAV5")


def test_flags_given_as_ids_and_reasons_are_sorted_once_each():
    evaluation = policy.evaluate(
        approvable_case(), as_of=AS_OF, lifetime_used=False,
        review_flags=["reauthorization", *flags.documentation(["factor_ix_lab"]),
                      "reauthorization"])
    assert evaluation.review_flags == ["documentation_missing", "reauthorization"]
    assert [r.flag for r in evaluation.flag_reasons] == ["documentation_missing",
                                                         "reauthorization"]


def test_an_unknown_database_flag_is_an_error_even_as_a_reason():
    with pytest.raises(ValueError, match="unknown review flag"):
        policy.evaluate(approvable_case(), as_of=AS_OF, lifetime_used=False,
                        review_flags=[flags.FlagReason("made_up", "text")])


@pytest.mark.parametrize("key, window", [(k, w) for k, _, w in flags.EVIDENCE_WINDOWS])
def test_every_evidence_window_has_a_remedy_naming_its_window(key, window):
    assert f"last {window} days" in flags.evidence_remedy(key)
