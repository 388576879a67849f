"""Data dictionary version 3 through FHIR: the AAV5 result, the HIV viral load
as a Quantity, comparators, the planned date, and a missing AAV5 result left
an unanswered question (a draft that cannot be submitted until answered)."""

from __future__ import annotations

import json

import pytest

from authorizations import fhir, policy
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import codes, importing
from authorizations.models import AuthorizationRequest, Status
from authorizations.requests import selectors
from authorizations.requests.services import request_submit
from tests.cases import AS_OF, approvable_case, days, iso, long_date
from tests.fhir.test_import import base_response, problems_of, set_answer

HIV_POSITIVE = dict(hiv_status="positive", hiv_on_antiretroviral_therapy=True,
                    hiv_viral_load_copies_ml="<20", hiv_viral_load_date=iso(-26))


def read(response: dict) -> dict:
    return importing.read(json.dumps(response), as_of=AS_OF)[1]


def test_a_viral_load_below_20_is_a_quantity_with_comparator():
    response = json.loads(fhir.dumps(fhir.build_response(
        approvable_case(**HIV_POSITIVE), version=policy.CURRENT, status="completed")))
    (item,) = [i for g in response["item"] for i in g["item"]
               if i["linkId"] == "hiv_viral_load_copies_ml"]
    assert item["answer"] == [{"valueQuantity": {
        "value": 20, "comparator": "<", "unit": "copies/mL", "system": codes.UCUM,
        "code": "{copies}/mL"}}]
    assert read(response)["hiv_viral_load_copies_ml"] == "<20"


@pytest.mark.parametrize("key", ["hiv_viral_load_copies_ml", "inhibitor_screen_bu",
                                 "fix_activity_percent"])
@pytest.mark.parametrize("comparator", ["<=", ">", ">="])
def test_any_comparator_but_below_is_refused_naming_the_item(key, comparator):
    response = set_answer(base_response(**HIV_POSITIVE), key, [
        {"valueQuantity": {"value": 20, "comparator": comparator}}])
    found = problems_of(response)
    assert list(found) == [key]
    assert f'comparator "{comparator}" cannot be read' in found[key]


def test_the_aav5_result_is_read_as_its_code():
    response = base_response(aav5_nab_result="not_detected", aav5_nab_titer=None)
    answers = read(response)
    assert answers["aav5_nab_result"] == "not_detected" and "aav5_nab_titer" not in answers


@pytest.mark.parametrize("changes, key", [
    # Version 2's reading: a titer with no result. The titer is not asked then.
    (dict(aav5_nab_result=None), "aav5_nab_titer"),
    (dict(aav5_nab_result="not_detected"), "aav5_nab_titer"),  # a contradiction
])
def test_a_titer_without_a_detected_result_is_refused(changes, key):
    response = base_response()
    if changes["aav5_nab_result"] is None:
        set_answer(response, "aav5_nab_result", None)
    else:
        set_answer(response, "aav5_nab_result", [{"valueCoding": {
            "system": codes.ANSWER_SYSTEM, "code": "not_detected"}}])
    found = problems_of(response)
    assert list(found) == [key]
    assert "asked only when AAV5 antibodies were detected" in found[key]


def test_a_titer_of_zero_is_refused():
    response = set_answer(base_response(), "aav5_nab_titer", [{"valueInteger": 0}])
    assert "must be at least 1" in problems_of(response)["aav5_nab_titer"]


def test_a_planned_date_before_today_is_refused_by_its_item():
    response = set_answer(base_response(), "planned_infusion_date",
                          [{"valueDate": iso(-1)}])
    assert problems_of(response) == {
        "planned_infusion_date":
            f"must not be before the evaluation date ({long_date(AS_OF)})"}


@pytest.mark.django_db
def test_a_missing_aav5_result_is_an_unanswered_question_not_a_negative(prescriber):
    # Evaluated, no result, no titer: version 2 would have approved it as "not detected".
    response = base_response(aav5_nab_result=None, aav5_nab_titer=None)
    req = importing.import_questionnaire_response(
        by=prescriber, htc=prescriber.prescriber.htc, text=json.dumps(response), via="upload")
    assert "aav5_nab_result" not in req.answers and "aav5_nab_titer" not in req.answers
    assert req.wizard_step == importing.first_open_step(req.answers) == "aav5"
    # The review shows it as a problem, and a submission is refused by its key.
    preview = selectors.review_preview(req)
    assert preview.outcome is None
    assert preview.problems == [(policy.QUESTION_BY_KEY["aav5_nab_result"].label,
                                 "is required when AAV5 antibodies were evaluated")]
    with pytest.raises(policy.InvalidCase) as info:
        request_submit(by=prescriber, req=req)
    assert [p.key for p in info.value.problems] == ["aav5_nab_result"]
    req.refresh_from_db()
    assert req.status == Status.DRAFT and not AuthorizationRequest.objects.exclude(
        status=Status.DRAFT).exists()


@pytest.mark.django_db
def test_a_pended_request_tells_fhir_which_result_is_old(prescriber, submit):
    req = submit(prescriber, approvable_case(inhibitor_screen_date=iso(-38)))
    assert req.status == Status.PENDING_REVIEW and req.review_flags == ["evidence_not_recent"]
    response = fhir_bundle.claim_response(req, fhir_bundle.latest_determination(req))
    action = response.item[0].adjudication[0].extension[0]
    assert [e.valueCodeableConcept.coding[0].code for e in action.extension][0] == "A4"
    (flag,) = [e.valueCodeableConcept for e in action.extension
               if e.url == "reasonCode"
               and e.valueCodeableConcept.coding[0].system == codes.REVIEW_FLAG_SYSTEM]
    assert flag.coding[0].code == "evidence_not_recent"
    assert flag.text == (f"The inhibitor screen of {long_date(days(-38))} is 38 days old on "
                         f"{long_date(AS_OF)}: more than 30 days.")
