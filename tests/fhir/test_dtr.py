"""The DTR side of the Questionnaire: its profile, LOINC codes on the lab
items, initialExpressions that each name an expression of the CQL Library
served at /fhir/Library/..., and the import honouring information-origin."""

from __future__ import annotations

import base64
import json

import pytest
from fhir.resources.R4B.library import Library
from fhir.resources.R4B.questionnaire import Questionnaire

from authorizations import fhir, policy
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import codes, dtr, importing, profiles
from authorizations.models import AuditEvent
from tests.cases import AS_OF, approvable_case


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return fhir.parse(Questionnaire, fhir.dumps(
        fhir.build_questionnaire(policy.CURRENT, publisher="UnitedHealthcare")))


def items(q: Questionnaire):
    return {item.linkId: item for group in q.item for item in group.item}


def test_the_questionnaire_declares_the_dtr_profile_and_its_library(questionnaire):
    assert questionnaire.meta.profile == [profiles.DTR_QUESTIONNAIRE]
    (library,) = [e for e in questionnaire.extension if e.url == dtr.EXT_CQF_LIBRARY]
    assert library.valueCanonical == f"{dtr.LIBRARY_URL}|{dtr.LIBRARY_VERSION}"


@pytest.mark.parametrize("key,loinc", [
    ("fix_activity_percent", ["3187-2"]),
    ("hiv_viral_load_copies_ml", ["20447-9"]), ("hbsag", ["5196-1"]),
    ("hcv_antibody", ["13955-0"]), ("hcv_rna", ["11259-9"]),
    ("liver_enzymes_tested", ["1742-6", "1920-8"]), ("weight_kg", ["29463-7"]),
])
def test_lab_items_carry_their_loinc_codes(questionnaire, key, loinc):
    item = items(questionnaire)[key]
    assert [(c.system, c.code) for c in item.code] == [("http://loinc.org", c) for c in loinc]
    assert all(c.display == dtr.LOINC.codes[c.code] for c in item.code)


def test_each_loinc_code_names_its_source_and_its_long_common_name():
    assert dtr.LOINC.version == codes.LOINC_VERSION == "2.82"
    named = {code for item_codes in dtr.ITEM_CODES.values() for code in item_codes}
    assert named == set(dtr.LOINC.codes) == set(codes.LOINC_CHECKED)
    assert dtr.LOINC.codes["3187-2"] == ("Coagulation factor IX activity actual/normal in "
                                         "Platelet poor plasma by Coagulation assay")
    assert all(checked.source for checked in codes.LOINC_CHECKED.values())


def test_the_inhibitor_screen_carries_no_factor_ix_activity_code(questionnaire):
    """3186-4 is factor IX activity [Units/volume]: an EHR filling the inhibitor
    screen from it would enter an activity as Bethesda units."""
    for key in ("inhibitor_screen_bu", "inhibitor_screen_date"):
        item = items(questionnaire)[key]
        assert not item.code
        assert not [e for e in item.extension or () if e.url == dtr.EXT_INITIAL_EXPRESSION]
    assert "3186-4" not in dtr.CQL and "3186-4" not in dtr.LOINC.codes
    assert "3186-4" not in fhir.dumps(questionnaire)


def test_every_initial_expression_names_an_expression_of_the_library(client, questionnaire):
    response = client.get(f"/fhir/Library/{dtr.LIBRARY_ID}")
    assert response.status_code == 200
    library = fhir.parse(Library, response.content)
    cql = base64.b64decode(response.json()["content"][0]["data"]).decode()
    assert library.content[0].contentType == "text/cql"
    defined = dtr.defined_expressions(cql)
    named = []
    for item in items(questionnaire).values():
        for ext in item.extension or ():
            if ext.url == dtr.EXT_INITIAL_EXPRESSION:
                name, _, expression = ext.valueExpression.expression.partition(".")
                assert (name, ext.valueExpression.language) == (
                    dtr.LIBRARY_NAME, "text/cql-identifier")
                named.append(expression)
    assert {"BirthDate", "LatestWeightKg", "LatestFactorIXActivityPercent"} <= set(named)
    assert set(named) <= defined, set(named) - defined
    assert f"library {dtr.LIBRARY_NAME} version '{library.version}'" in cql
    assert client.get("/fhir/Library/other").status_code == 404


def origin(source: str, author: bool = False) -> dict:
    parts = [{"url": "source", "valueCode": source}]
    if author:
        parts.append({"url": "author", "extension": [{"url": "role", "valueCodeableConcept": {
            "text": "prescriber"}}]})
    return {"url": dtr.EXT_INFORMATION_ORIGIN, "extension": parts}


def response_with_origins(origins: dict[str, dict]) -> str:
    data = json.loads(fhir.dumps(fhir.build_response(approvable_case(), version=policy.CURRENT,
                                                     status="completed")))
    for group in data["item"]:
        for item in group["item"]:
            if item["linkId"] in origins:
                item["answer"][0]["extension"] = [origins[item["linkId"]]]
    return json.dumps(data)


def test_the_import_records_which_answers_the_ehr_filled(db, prescriber):
    text = response_with_origins({"date_of_birth": origin("auto-client"),
                                  "weight_kg": origin("override", author=True),
                                  "fix_activity_percent": origin("auto-client")})
    _, _, origins = importing.read_with_origins(text, as_of=AS_OF)
    assert origins == {"date_of_birth": "auto-client", "weight_kg": "override",
                       "fix_activity_percent": "auto-client"}
    importing.import_questionnaire_response(by=prescriber, htc=prescriber.prescriber.htc,
                                            text=text, via="upload")
    event = AuditEvent.objects.get(action="fhir_import")
    assert event.detail["ehr_filled"] == ["date_of_birth", "fix_activity_percent"]


def test_a_broken_information_origin_is_named_by_link_id():
    text = response_with_origins({"date_of_birth": origin("guessed"),
                                  "weight_kg": origin("manual")})
    with pytest.raises(importing.ImportRefused) as refused:
        importing.read(text, as_of=AS_OF)
    assert sorted(p.key for p in refused.value.problems) == ["date_of_birth", "weight_kg"]


@pytest.mark.django_db
def test_the_requests_questionnaire_response_names_its_coverage_and_use(make_draft):
    response = fhir_bundle.questionnaire_response(make_draft(approvable_case()))
    urls = {e.url: e for e in response.extension}
    assert urls[dtr.EXT_QR_COVERAGE].valueReference.reference.startswith("urn:uuid:")
    assert urls[dtr.EXT_INTENDED_USE].valueCodeableConcept.coding[0].code == "withpa"
