"""FHIR JSON is written by jsonio's own walk of the set elements, not by
fhir_core's serializer (for speed: a letter's two files). Every resource the
service writes must come out byte for byte as fhir_core (with the exact
decimals put back) wrote it; the old path stays only for these comparisons."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.fhirprimitiveextension import FHIRPrimitiveExtension
from fhir.resources.R4B.library import Library
from fhir.resources.R4B.patient import Patient

from authorizations import policy
from authorizations.appeals.services import appeal_decide, appeal_file
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import dtr, jsonio, outcome, pas, questionnaire
from authorizations.models import Status
from authorizations.policy import values
from authorizations.review.services import information_request
from tests import cases
from tests.cases import approvable_case
from tests.factories import make_reviewer, overturn_under_two_keys
from tests.fhir.pas_bundles import inquiry_bundle, request_bundle

pytestmark = pytest.mark.django_db


def fhir_core_text(resource, indent: int | None) -> str:
    return json.dumps(jsonio._to_data_fhir_core(resource), cls=values.ExactJSONEncoder,
                      indent=indent, ensure_ascii=False)


@pytest.fixture
def same(monkeypatch):
    """Assert jsonio writes `resource` as fhir_core does, through the fast
    path alone (the fallback refuses while it writes)."""

    def check(resource) -> str:
        expected = fhir_core_text(resource, 2), fhir_core_text(resource, None)
        with monkeypatch.context() as m:
            m.setattr(jsonio, "_to_data_fhir_core", fallback_refused)
            got = jsonio.dumps(resource), jsonio.dumps(resource, indent=None)
        assert got == expected
        return got[0]

    return check


def fallback_refused(resource):
    raise AssertionError(f"{type(resource).__name__} fell back to fhir_core")


def decided_corpus(req) -> list:
    determination = fhir_bundle.latest_determination(req)
    return [fhir_bundle.request_bundle(req), fhir_bundle.claim_response(req, determination),
            fhir_bundle.questionnaire_response(req), pas.response_bundle(req),
            pas.response_bundle(req, inquiry=True)]


def test_drafts_with_exact_decimals_and_a_weight_written_as_given(make_draft, same):
    req = make_draft(approvable_case(inhibitor_screen_bu=Decimal("0.59999999999999999999"),
                                     weight_kg=Decimal("70.0"), fix_activity_percent="<1"))
    text = same(fhir_bundle.request_bundle(req))
    # The exact decimal; the weight as the wizard keeps it (70).
    assert '"value": 0.59999999999999999999' in text and '"valueDecimal": 70\n' in text
    same(fhir_bundle.questionnaire_response(req))


@pytest.mark.parametrize("status", [Status.APPROVED, Status.PENDING_REVIEW, Status.DENIED])
def test_each_decision_its_letter_files_and_pas_answers(make_decided, same, status):
    req = make_decided(status)
    for resource in decided_corpus(req):
        same(resource)
    # The letter's two files are these texts.
    texts = [text for _, _, text in fhir_bundle.letter_files(
        fhir_bundle.latest_determination(req))]
    assert texts == [fhir_core_text(fhir_bundle.claim_response(
        req, fhir_bundle.latest_determination(req)), 2),
        fhir_core_text(fhir_bundle.questionnaire_response(req), 2)]


def test_pended_with_review_flags_and_for_information(make_decided, reviewer, same):
    req = make_decided(Status.PENDING_REVIEW, flags=["reauthorization"])
    for resource in decided_corpus(req):
        same(resource)
    information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                        document_kinds=["viral_tests"], message="The HBsAg report.")
    req.refresh_from_db()
    for resource in decided_corpus(req):
        same(resource)


@pytest.mark.parametrize("overturn", [False, True])
def test_appeals_upheld_and_overturned(make_decided, prescriber, same, overturn):
    req = make_decided(Status.DENIED)
    appeal = appeal_file(by=prescriber, req=req, statement="The HBsAg was repeated.",
                         expedited=False, representative=True, as_of=cases.AS_OF)
    judge = make_reviewer("appeal-judge", credentials="MD, Hematology and Oncology")
    if overturn:
        overturn_under_two_keys(appeal, first=judge, rationale="Repeat HBsAg negative.",
                                second=make_reviewer("third-key"))
    else:
        appeal_decide(by=judge, appeal=appeal, overturn=False,
                      rationale="HBsAg positive again.")
    req.refresh_from_db()
    assert req.status == (Status.APPROVED if overturn else Status.DENIED)
    for resource in decided_corpus(req):
        same(resource)


def test_questionnaires_library_and_outcomes(same):
    every = [questionnaire.build_questionnaire(v, publisher="Payer")
             for v in policy.versions()]
    for resource in every:
        same(resource)
    same(Bundle(type="searchset", total=len(every),
                entry=[{"fullUrl": f"urn:q:{r.id}", "resource": r, "search": {"mode": "match"}}
                       for r in every]))
    same(Library.model_validate(dtr.library()))
    same(outcome.outcome(422, [("Bundle.entry[0]", "Not a Claim"), (None, "Broken")]))
    same(outcome.outcome(401, []))


def test_pas_request_bundles_with_inline_documents(same):
    """What an EHR sends (base64 documents, contained-free entries), read and
    written again."""
    same(Bundle.model_validate(request_bundle()))
    same(Bundle.model_validate(inquiry_bundle({"system": "urn:x", "value": "HGX-1"})))


def test_primitive_extensions_contained_resources_and_every_primitive(same):
    patient = Patient.model_validate({
        "resourceType": "Patient", "id": "p",
        "meta": {"lastUpdated": datetime(2026, 11, 27, 14, 5, tzinfo=UTC), "tag": []},
        "birthDate": "1985-04-12",
        "_birthDate": {"extension": [{"url": "urn:why", "valueString": "from the EHR, é"}]},
        "_gender": {"extension": [{"url": "urn:absent", "valueCode": "unknown"}]},
        "active": True,
        "name": [{"family": "Quinlan", "given": ["Ada", None],
                  "_given": [None, {"extension": [{"url": "urn:x", "valueBoolean": True}]}]}],
        "deceasedDateTime": "2026-03",
        "contained": [{
            "resourceType": "Observation", "id": "o", "status": "final", "code": {},
            "issued": "2026-11-27T15:00:00.123+00:00",
            "effectiveDateTime": datetime(2026, 11, 1, 1, 30, 0, 400,
                                          tzinfo=timezone(timedelta(hours=-5))),
            "valueQuantity": {"value": Decimal("0.59999999999999999999"), "unit": "BU"},
            "component": [{"code": {"text": "t"}, "valueTime": time(10, 11, 12, 500000)},
                          {"code": {"text": "d"}, "valueDateTime": date(2026, 11, 27)}]}],
        "extension": [{"url": "urn:a", "valueDecimal": Decimal("70.0")},
                      {"url": "urn:b", "valueBase64Binary": "aGVsbG8="},
                      {"url": "urn:c", "valueInstant": "2016-12-31T23:59:60Z"},
                      {"url": "urn:d",
                       "valueUuid": "urn:uuid:c757873d-ec9a-4326-a141-556f43239520"},
                      {"url": "urn:e", "valueDecimal": "1E+3"}],
        "text": {"status": "generated",
                 "div": '<div xmlns="http://www.w3.org/1999/xhtml">A</div>'},
        "fhir_comments": ["kept as fhir_core keeps it"],
    })
    # An extension sibling that writes as {} is dropped (only a model built
    # without validation holds one).
    patient.__dict__["active__ext"] = FHIRPrimitiveExtension.model_construct()
    text = same(patient)
    assert '"_birthDate"' in text and '"_gender"' in text and '"contained"' in text
    same(Bundle(type="collection", entry=[{"fullUrl": "urn:p", "resource": patient}]))


def test_a_model_the_plan_does_not_know_falls_back_to_fhir_core(monkeypatch):
    """A value of a shape the walk does not know (here a complex element that
    is not a model) is written by fhir_core for that model: slower, the same."""
    patient = Patient(id="p", active=True)
    expected = fhir_core_text(patient, 2)
    plan = jsonio._plan_of(Patient)
    monkeypatch.setattr(plan, "slots", tuple(
        (key, jsonio._COMPLEX if key == "active" else kind, field)
        for key, kind, field in plan.slots))
    assert jsonio.dumps(patient) == expected


def test_the_indented_writer_writes_what_json_writes():
    """jsonio's indented writer (faster than json's pure-Python one) against
    json.dumps with the same encoder, on what FHIR data holds and its edges:
    empty and nested containers, tuples, text json escapes, exact decimals
    (large and small), a lab value, a date, booleans, null, floats."""
    data = {
        "resourceType": "Observation", "empty": {}, "none": [], "nested": [[], {}, [{}], [[1]]],
        "text": 'quote " backslash \\ tab \t newline \n bell \x07 é 注意 \u2066', "": "",
        "decimals": [Decimal("0.59999999999999999999"), Decimal("1E+25"), Decimal("-0.0"),
                     Decimal("3E13")],
        "lab": values.LabValue(Decimal("0.3"), below=True),
        "lab_value": values.LabValue(Decimal("12.5")), "day": date(2026, 12, 6),
        "flags": (True, False, None), "numbers": [0, -7, 2**70, 1.5, 1e-7],
    }
    expected = json.dumps(data, cls=values.ExactJSONEncoder, indent=2, ensure_ascii=False)
    assert jsonio._indented(data) == expected
    assert jsonio._indented([]) == "[]" and jsonio._indented("x") == '"x"'


def test_keys_that_are_not_text_are_left_to_json(monkeypatch):
    """json writes an int key as text; the fast writer leaves such data to json."""
    with pytest.raises(TypeError):
        jsonio._indented({1: "one"})
    monkeypatch.setattr(jsonio, "to_data", lambda resource: {"a": {1: Decimal("0.25")}})
    assert jsonio.dumps(Patient(id="p")) == '{\n  "a": {\n    "1": 0.25\n  }\n}'
