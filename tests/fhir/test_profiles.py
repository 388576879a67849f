"""What the service produces, checked against the Da Vinci profiles' rules
kept in tests/fhir/profiles/ (taken from the guides' FHIR Shorthand at the
commits named there): every min-1 element, and every must-support element
the service can know, is present in each resource that declares the
profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from authorizations import fhir, policy
from authorizations.fhir import bundle as fhir_bundle
from authorizations.fhir import crd, pas, profiles
from authorizations.models import Status
from authorizations.review.services import information_request
from tests.cases import AS_OF

RULES = Path(__file__).parent / "profiles"
PAS = json.loads((RULES / "pas-rules.json").read_text())
DTR_CRD = json.loads((RULES / "dtr-crd-rules.json").read_text())


def values(data: Any, path: str) -> list[Any]:
    """The values at a dotted path; `extension[name]` is the extensions whose
    URL ends with /name (or is name, for a sub-extension)."""
    found = [data]
    for part in path.split("."):
        step = []
        for node in found:
            if not isinstance(node, dict):
                continue
            if part.endswith("]"):
                key, _, name = part[:-1].partition("[")
                step += [e for e in node.get(key) or () if isinstance(e, dict) and (
                    e.get("url", "").endswith("/" + name) or e.get("url") == name)]
            else:
                value = node.get(part)
                step += value if isinstance(value, list) else [] if value is None else [value]
        found = step
    return found


def missing(resource: dict, paths: list[str]) -> list[str]:
    return [p for p in paths if not values(resource, p)]


def check(resource: dict, rules: dict) -> None:
    (profile,) = resource["meta"]["profile"]
    rule = rules["profiles"][profile]
    assert missing(resource, rule["required"] + rule["mustSupport"]) == [], (
        resource["resourceType"], profile)


def test_the_rules_name_their_source():
    assert (PAS["source"]["repository"], PAS["source"]["commit"]) == profiles.PAS_SOURCE
    assert [(s["repository"], s["commit"]) for s in DTR_CRD["sources"]] == [
        profiles.DTR_SOURCE, profiles.CRD_SOURCE]


@pytest.fixture
def npi(prescriber):
    prescriber.prescriber.npi = "1234567893"
    prescriber.prescriber.save()


@pytest.mark.django_db
def test_an_approved_requests_export_keeps_the_pas_rules(npi, make_decided):
    req = make_decided(Status.APPROVED)
    data = fhir.to_data(fhir_bundle.request_bundle(req))
    checked = set()
    for entry in data["entry"]:
        resource = entry["resource"]
        profile = (resource.get("meta") or {}).get("profile", [None])[0]
        if profile in PAS["profiles"]:
            check(resource, PAS)
            checked.add(resource["resourceType"])
    assert checked >= {"Claim", "ClaimResponse", "Coverage", "Patient", "Organization",
                       "Practitioner", "PractitionerRole"}
    claim_response = next(e["resource"] for e in data["entry"]
                          if e["resource"]["resourceType"] == "ClaimResponse")
    rule = PAS["profiles"][profiles.PAS_CLAIM_RESPONSE]
    assert missing(claim_response, rule["whenApproved"]) == []


@pytest.mark.django_db
def test_pas_response_bundles_keep_the_rules(npi, make_decided, reviewer):
    approved = fhir.to_data(pas.response_bundle(make_decided(Status.APPROVED)))
    pended = make_decided(Status.PENDING_REVIEW)
    information_request(by=reviewer, req=pended, criteria=["hepatitis_b"],
                        document_kinds=["viral_tests"], message="The latest HBsAg.")
    pended.refresh_from_db()
    asked = fhir.to_data(pas.response_bundle(pended, inquiry=True))
    for bundle in (approved, asked):
        check(bundle, PAS)
        rule = PAS["profiles"][bundle["meta"]["profile"][0]]
        assert bundle["entry"][0]["resource"]["resourceType"] == rule["firstEntry"]
        for entry in bundle["entry"]:
            check(entry["resource"], PAS)  # every entry declares a PAS profile
    response_rule = PAS["profiles"][profiles.PAS_CLAIM_RESPONSE]
    assert missing(asked["entry"][0]["resource"], response_rule["whenPendedForInformation"]) == []
    assert [e["resource"]["resourceType"] for e in asked["entry"]].count(
        "CommunicationRequest") == 1


def test_the_questionnaire_keeps_the_dtr_rules():
    data = fhir.to_data(fhir.build_questionnaire(policy.CURRENT, publisher="Payer"))
    check(data, DTR_CRD)
    rule = DTR_CRD["profiles"][profiles.DTR_QUESTIONNAIRE]
    item_paths = [p[len("item.item."):] for p in rule["required"] if p.startswith("item.item.")]
    for group in data["item"]:
        for item in group["item"]:
            assert missing(item, item_paths) == [], item["linkId"]


def test_the_crd_coverage_information_keeps_its_rules():
    hook = json.loads((Path(__file__).parents[1] / "api" / "cds" /
                       "order-sign-hemgenix.json").read_text())
    answer = crd.answer(hook, today=AS_OF, payer="Payer", policy_url="https://p",
                        form_url="https://f")
    (info,) = answer["systemActions"][0]["resource"]["extension"]
    rule = DTR_CRD["extensions"][info["url"]]
    names = [e["url"] for e in info["extension"]]
    assert [n for n in rule["required"] + rule["mustSupport"] if n not in names] == []
    assert "doc-needed" in names  # crd-ci-q1: a questionnaire only with doc-needed
    purposes = [e["valueCode"] for e in info["extension"] if e["url"] == "doc-purpose"]
    assert purposes and "reason" in names  # crd-ci-q8


@pytest.mark.django_db
def test_the_questionnaire_response_keeps_the_dtr_rules(npi, make_decided):
    """Every answer says where it came from; qr-context, which names the
    order, is checked with a request started from the CRD card
    (tests/requests/test_from_ehr.py)."""
    req = make_decided(Status.APPROVED)
    data = fhir.to_data(fhir_bundle.questionnaire_response(req))
    assert data["meta"]["profile"] == [profiles.DTR_QUESTIONNAIRE_RESPONSE]
    rule = DTR_CRD["profiles"][profiles.DTR_QUESTIONNAIRE_RESPONSE]
    known = [p for p in rule["mustSupport"] if p != "extension[qr-context]"]
    assert missing(data, rule["required"] + known) == []
    answer_paths = [p[len("item.item."):] for p in rule["required"]
                    if p.startswith("item.item.")]
    for group in data["item"]:
        for item in group["item"]:
            assert missing(item, answer_paths) == [], item["linkId"]
