"""The policy's questions as a DTR Questionnaire: one item per answer key,
branching that agrees with the policy, units in UCUM, the criterion each item
feeds; served without login with an ETag, one per policy version."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from hypothesis import given, settings
from hypothesis import strategies as st

from authorizations import fhir, policy
from authorizations.fhir import codes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return fhir.parse(Questionnaire, fhir.dumps(
        fhir.build_questionnaire(policy.CURRENT, publisher="UnitedHealthcare")))


def question_items(q: Questionnaire):
    """(group, item) of every question item, in document order."""
    return [(group, item) for group in q.item for item in group.item]


def extension(element, url):
    return [e for e in element.extension or () if e.url == url]


def test_every_answer_key_is_one_item_in_its_steps_group(questionnaire):
    items = question_items(questionnaire)
    assert [item.linkId for _, item in items] == list(policy.ANSWER_KEYS)
    for group, item in items:
        assert group.type == "group"
        assert group.linkId == f"step-{policy.QUESTION_BY_KEY[item.linkId].step}"
    assert [g.text for g in questionnaire.item] == [
        title for step, title in policy.STEPS if policy.step_keys(step)]
    link_ids = [g.linkId for g in questionnaire.item] + [
        i.linkId for _, item in items for i in [item, *(item.item or [])]]
    assert len(link_ids) == len(set(link_ids)), "linkIds are unique"


def test_identity_and_version(questionnaire):
    assert questionnaire.id == "hemgenix-2026D0120K"
    assert questionnaire.url == codes.QUESTIONNAIRE_URL
    assert questionnaire.version == policy.CURRENT.number
    assert questionnaire.status == "active"
    assert questionnaire.effectivePeriod.start == policy.CURRENT.effective


@pytest.mark.parametrize("kind,item_type", [
    ("text", "string"), ("member_id", "string"), ("npi", "string"), ("birth_date", "date"),
    ("test_date", "date"), ("date", "date"), ("decimal", "decimal"), ("integer", "integer"),
    ("titer", "integer"), ("lab_value", "quantity"), ("bool", "boolean"), ("choice", "choice"),
])
def test_item_types_follow_the_question_kind(questionnaire, kind, item_type):
    items = [item for _, item in question_items(questionnaire)
             if policy.QUESTION_BY_KEY[item.linkId].kind == kind]
    assert items and all(item.type == item_type for item in items)


def test_required_readonly_and_choices(questionnaire):
    for _, item in question_items(questionnaire):
        q = policy.QUESTION_BY_KEY[item.linkId]
        assert item.required is (not q.nullable and not q.derived), q.key
        assert bool(item.readOnly) is q.derived
        if q.kind == "choice":
            assert [(o.valueCoding.code, o.valueCoding.display) for o in item.answerOption] \
                == list(q.choices)
            assert {o.valueCoding.system for o in item.answerOption} == {codes.ANSWER_SYSTEM}


def test_the_aav5_result_is_a_required_choice_of_two(questionnaire):
    items = {item.linkId: item for _, item in question_items(questionnaire)}
    result = items["aav5_nab_result"]
    assert result.type == "choice" and result.required is True
    assert [o.valueCoding.code for o in result.answerOption] == ["not_detected", "detected"]
    assert [(w.question, w.answerBoolean) for w in result.enableWhen] == [
        ("aav5_nab_evaluated", True)]
    titer = items["aav5_nab_titer"]
    assert titer.type == "integer" and titer.required is True
    assert [e.valueInteger for e in extension(titer, codes.EXT_MIN_VALUE)] == [1]
    keys = [item.linkId for _, item in question_items(questionnaire)]
    assert keys.index("aav5_nab_csl_test") < keys.index("aav5_nab_result") < \
        keys.index("aav5_nab_titer") < keys.index("aav5_nab_test_date")
    weight_date = items["weight_date"]
    assert (weight_date.type, weight_date.required, weight_date.enableWhen) == (
        "date", True, None)
    assert extension(weight_date, codes.FEEDS_CRITERION_URL) == []


def test_units_are_ucum(questionnaire):
    items = {item.linkId: item for _, item in question_items(questionnaire)}
    units = {key: [(e.valueCoding.system, e.valueCoding.code)
                   for e in extension(item, codes.EXT_UNIT)]
             for key, item in items.items()}
    assert units["weight_kg"] == [(codes.UCUM, "kg")]
    # A lab value since version 3 ("<20"): a quantity with its unit as an option.
    assert units["hiv_viral_load_copies_ml"] == []
    assert units["dose_gc_per_kg"] == [(codes.UCUM, "{genome_copies}/kg")]
    assert units["aav5_nab_titer"] == [(codes.UCUM, "{titer}")]
    options = {key: [e.valueCoding.code for e in extension(item, codes.EXT_UNIT_OPTION)]
               for key, item in items.items()}
    assert options["fix_activity_percent"] == ["%", "[IU]/mL"]
    assert options["inhibitor_screen_bu"] == ["[beth'U]"]
    assert options["hiv_viral_load_copies_ml"] == ["{copies}/mL"]
    for q in policy.QUESTIONS:
        if q.unit:
            assert q.unit in codes.UCUM_BY_UNIT, f"{q.key}: unit {q.unit!r} has no UCUM code"


def test_each_item_names_the_criterion_it_feeds(questionnaire):
    fed = {}
    for _, item in question_items(questionnaire):
        found = extension(item, codes.FEEDS_CRITERION_URL)
        if item.linkId in codes.FEEDS:
            assert len(found) == 1
            coding = found[0].valueCoding
            assert coding.system == codes.CRITERIA_SYSTEM
            assert coding.code == codes.FEEDS[item.linkId]
            assert coding.display == policy.CRITERION_BY_ID[coding.code].name
            fed.setdefault(coding.code, []).append(item.linkId)
        else:
            assert found == []
    assert set(fed) == set(policy.CRITERION_IDS), "every criterion is fed by some question"


def test_feeds_agrees_with_the_data_dictionary():
    """codes.FEEDS is the data dictionary's "feeds criterion" column."""
    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert text.startswith("# Hemgenix prior authorization") and "\nVersion 3 " in text
    table: dict[str, str] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 4 and cells[0].startswith("`"):
            feeds = re.fullmatch(r"`(\w+)`", cells[3])
            for key in re.findall(r"`(\w+)`", cells[0]):
                if feeds:
                    table[key] = feeds[1]
    assert table == codes.FEEDS


def test_branching_items_carry_enable_when_and_behavior(questionnaire):
    items = {item.linkId: item for _, item in question_items(questionnaire)}
    liver = items["liver_imaging_date"]
    assert liver.enableBehavior == "any"
    assert [(w.question, w.operator, w.answerCoding.code) for w in liver.enableWhen] == [
        ("liver_imaging", "=", "ultrasound"), ("liver_imaging", "=", "elastography"),
        ("liver_imaging", "=", "both")]
    csl = items["aav5_nab_csl_test"]
    assert [(w.question, w.answerBoolean) for w in csl.enableWhen] == [
        ("aav5_nab_evaluated", True)]
    titer = items["aav5_nab_titer"]
    assert [(w.question, w.operator, w.answerCoding.code) for w in titer.enableWhen] == [
        ("aav5_nab_result", "=", "detected")]
    assert items["diagnosis"].enableWhen is None


# --------------------------------------------------------------------------
# enableWhen, read the way a FHIR form filler reads it, against the policy.
# --------------------------------------------------------------------------

def enabled(questionnaire: Questionnaire, answers: dict) -> dict[str, bool]:
    """Which items a form filler enables, given a value per linkId (a
    disabled item counts as unanswered, as FHIR says)."""
    state: dict[str, bool] = {}
    for _, item in question_items(questionnaire):
        if not item.enableWhen:
            state[item.linkId] = True
            continue
        results = []
        for when in item.enableWhen:
            value = answers.get(when.question) if state.get(when.question) else None
            expected = when.answerBoolean if when.answerBoolean is not None \
                else when.answerCoding.code
            assert when.operator == "="
            results.append(value is not None and value == expected)
        state[item.linkId] = any(results) if item.enableBehavior == "any" else all(results)
    return state


def any_answer(q: policy.Question):
    if q.kind == "bool":
        return st.none() | st.booleans()
    if q.kind == "choice":
        return st.none() | st.sampled_from([c for c, _ in q.choices])
    return st.none() | st.just("some answer")


ANSWER_SETS = st.fixed_dictionaries({q.key: any_answer(q) for q in policy.QUESTIONS})


@settings(max_examples=300, deadline=None)
@given(raw=ANSWER_SETS)
def test_enable_when_asks_exactly_what_the_policy_asks(raw):
    questionnaire = fhir.build_questionnaire(policy.CURRENT, publisher="UnitedHealthcare")
    # The policy judges each question on the answers kept before it; an answer
    # to a question not asked counts as none (policy.validate).
    kept: dict = {}
    for q in policy.QUESTIONS:
        kept[q.key] = raw[q.key] if q.is_asked(kept) else None
    state = enabled(questionnaire, raw)
    for q in policy.QUESTIONS:
        assert state[q.key] == policy.QUESTION_BY_KEY[q.key].is_asked(kept), q.key


# --------------------------------------------------------------------------
# Served as it is: no login, an ETag, one per policy version.
# --------------------------------------------------------------------------

@pytest.mark.django_db
def test_served_without_login_with_etag_and_policy_version(client):
    response = client.get("/fhir/Questionnaire/hemgenix-2026D0120K")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["X-Policy-Version"] == "2026D0120K"
    etag = response["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    parsed = fhir.parse(Questionnaire, response.content)
    assert parsed.version == "2026D0120K"
    again = client.get("/fhir/Questionnaire/hemgenix-2026D0120K", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    assert client.get("/fhir/Questionnaire/hemgenix-1999X").status_code == 404
    assert client.get("/fhir/Questionnaire/other").status_code == 404


@pytest.mark.django_db
def test_one_questionnaire_per_policy_version(client):
    later = replace(policy.CURRENT, number="2027D0001A", effective=date(2027, 6, 1))
    policy.register(later)
    try:
        listing = client.get("/fhir/Questionnaire").json()
        assert listing["type"] == "searchset"
        assert [e["resource"]["id"] for e in listing["entry"]] == [
            "hemgenix-2027D0001A", "hemgenix-2026D0120K"]
        response = client.get("/fhir/Questionnaire/hemgenix-2027D0001A")
        assert response.status_code == 200
        assert response.json()["version"] == "2027D0001A"
        assert response["ETag"] != client.get("/fhir/Questionnaire/hemgenix-2026D0120K")["ETag"]
    finally:
        policy.unregister("2027D0001A")
