"""Coverage requirements discovery (Da Vinci CRD 2.x, profiles.CRD_SOURCE)
as a CDS Hooks service: for an order-sign or order-select naming Hemgenix
(HCPCS J1411, or the drug's name), a coverage-information system action on
each such order and one card linking to the policy and to this service's
request form. Pure: it reads the hook's JSON, writes nothing."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from authorizations import policy
from authorizations.fhir import codes, profiles, questionnaire
from authorizations.policy.evaluation import check_answer

SERVICE_ID = "hemgenix-crd"
HOOKS = ("order-sign", "order-select")
EXT_COVERAGE_INFORMATION = profiles.CRD + "ext-coverage-information"
CARD_TYPE = "http://terminology.hl7.org/CodeSystem/cdshooks-card-type"
NAMES = ("hemgenix", "etranacogene")
ORDER_TYPES = ("MedicationRequest", "ServiceRequest")

PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "coverage": "Coverage?patient={{context.patientId}}&status=active",
    "medicationRequests": "MedicationRequest?_id={{context.draftOrders.MedicationRequest.id}}",
    "serviceRequests": "ServiceRequest?_id={{context.draftOrders.ServiceRequest.id}}",
    # The latest body weight (LOINC 29463-7), for the request form's prefill.
    "weight": "Observation?patient={{context.patientId}}&code=http://loinc.org|29463-7"
              "&_sort=-date&_count=1",
}
WEIGHT_LOINC = "29463-7"
FINAL = ("final", "amended", "corrected")


def services(hooks: tuple[str, ...] = HOOKS) -> dict[str, Any]:
    """The discovery answer: the same service for each hook it answers."""
    return {"services": [{
        "hook": hook,
        "id": SERVICE_ID if hook == "order-sign" else f"{SERVICE_ID}-select",
        "title": "Hemgenix coverage requirements",
        "description": "Whether Hemgenix (etranacogene dezaparvovec-drlb, HCPCS J1411) needs "
                       f"prior authorization under policy {policy.POLICY_NUMBER}, with the "
                       "documentation it asks for (the DTR Questionnaire).",
        "prefetch": PREFETCH,
        "extension": {"davinci-crd.version": ["2.1", "2.2"]},
    } for hook in hooks]}


def _concepts(resource: dict[str, Any]) -> list[dict[str, Any]]:
    found = [resource.get("medicationCodeableConcept"), resource.get("code")]
    return [c for c in found if isinstance(c, dict)]


def names_hemgenix(resource: Any) -> bool:
    if not isinstance(resource, dict) or resource.get("resourceType") not in ORDER_TYPES:
        return False
    for concept in _concepts(resource):
        for coding in concept.get("coding") or ():
            if isinstance(coding, dict) and coding.get("code") == policy.HCPCS_CODE:
                return True
            if isinstance(coding, dict) and any(
                    n in str(coding.get("display", "")).lower() for n in NAMES):
                return True
        if any(n in str(concept.get("text", "")).lower() for n in NAMES):
            return True
    return False


def _resources(value: Any) -> list[dict[str, Any]]:
    """The resources of a Bundle (or the resource itself)."""
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "Bundle":
        return [e["resource"] for e in value.get("entry") or ()
                if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    return [value]


def orders(hook: dict[str, Any]) -> list[dict[str, Any]]:
    """The Hemgenix orders of the hook: the draft orders (order-select: only
    those selected), or the prefetched orders when the context has none."""
    context = hook.get("context") if isinstance(hook.get("context"), dict) else {}
    found = _resources(context.get("draftOrders"))
    prefetch = hook.get("prefetch") if isinstance(hook.get("prefetch"), dict) else {}
    if not found:
        found = [r for key in ("medicationRequests", "serviceRequests")
                 for r in _resources(prefetch.get(key))]
    if hook.get("hook") == "order-select" and isinstance(context.get("selections"), list):
        selected = set(context["selections"])
        found = [r for r in found if f"{r.get('resourceType')}/{r.get('id')}" in selected]
    return [r for r in found if names_hemgenix(r)]


def coverage_reference(hook: dict[str, Any]) -> dict[str, str] | None:
    prefetch = hook.get("prefetch") if isinstance(hook.get("prefetch"), dict) else {}
    for resource in _resources(prefetch.get("coverage")):
        if resource.get("resourceType") == "Coverage" and resource.get("id"):
            return {"reference": f"Coverage/{resource['id']}"}
    return None


def coverage_information(hook: dict[str, Any], order: dict[str, Any], coverage: dict[str, str],
                         *, today: date) -> dict[str, Any]:
    """The CRD coverage-information extension for one order: covered, prior
    authorization needed, clinical documentation for the authorization (the
    policy's Questionnaire)."""
    assertion = uuid.uuid5(uuid.NAMESPACE_URL, f"{codes.CANONICAL_BASE}/crd/"
                           f"{hook.get('hookInstance')}/{order.get('id')}")
    return {"url": EXT_COVERAGE_INFORMATION, "extension": [
        {"url": "coverage", "valueReference": coverage},
        {"url": "covered", "valueCode": "covered"},
        {"url": "pa-needed", "valueCode": "auth-needed"},
        {"url": "doc-needed", "valueCode": "clinical"},
        {"url": "doc-purpose", "valueCode": "withpa"},
        {"url": "billingCode", "valueCoding": {"system": codes.HCPCS,
                                               "code": policy.HCPCS_CODE}},
        {"url": "reason", "valueCodeableConcept": {
            "text": f"Policy {policy.POLICY_NUMBER}: one Hemgenix treatment per lifetime, "
                    "authorized when the policy's criteria are documented"}},
        {"url": "questionnaire",
         "valueCanonical": questionnaire.canonical(policy.CURRENT)},
        {"url": "date", "valueDate": today.isoformat()},
        {"url": "coverage-assertion-id", "valueString": str(assertion)},
    ]}


def form_link(url: str, *, smart_context: str | None = None) -> dict[str, Any]:
    """The card's link to the request form: an absolute link, or, where the
    EHR launches SMART apps, a "smart" link whose appContext the EHR hands
    to the app at launch (CDS Hooks, the Link object)."""
    link: dict[str, Any] = {"label": "Open the Hemgenix request form", "url": url,
                            "type": "absolute" if smart_context is None else "smart"}
    if smart_context is not None:
        link["appContext"] = smart_context
    return link


def answer(hook: dict[str, Any], *, today: date, payer: str, policy_url: str,
           form_url: str, smart_context: str | None = None) -> dict[str, Any]:
    """The CDS Hooks response: no card and no action when no order names Hemgenix."""
    found = orders(hook)
    if not found:
        return {"cards": []}
    coverage = coverage_reference(hook)
    actions = []
    if coverage is not None:
        for order in found:
            updated = {**order, "extension": [
                *[e for e in order.get("extension") or ()
                  if isinstance(e, dict) and e.get("url") != EXT_COVERAGE_INFORMATION],
                coverage_information(hook, order, coverage, today=today)]}
            actions.append({"type": "update", "description": "Coverage information: prior "
                            "authorization needed", "resource": updated})
    detail = (f"{payer} covers Hemgenix under policy {policy.POLICY_NUMBER} with prior "
              "authorization. The request form asks the policy's questions; the "
              "documentation it needs is in the DTR Questionnaire.")
    if coverage is None:
        detail += " No active coverage was prefetched: the answer names none."
    card = {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{codes.CANONICAL_BASE}/crd/card/"
                                                   f"{hook.get('hookInstance')}")),
        "summary": "Prior authorization needed for Hemgenix (J1411)",
        "indicator": "info",
        "detail": detail,
        "source": {"label": payer, "topic": {"system": CARD_TYPE, "code": "coverage-info",
                                             "display": "Coverage Information"}},
        "links": [
            {"label": f"Policy {policy.POLICY_NUMBER}: {policy.POLICY_TITLE}",
             "url": policy_url, "type": "absolute"},
            form_link(form_url, smart_context=smart_context),
        ],
    }
    return {"cards": [card], "systemActions": actions}


# ---- What the order and prefetch say that the request form asks -----------

def _patient(hook: dict[str, Any]) -> dict[str, Any]:
    prefetch = hook.get("prefetch") if isinstance(hook.get("prefetch"), dict) else {}
    for resource in _resources(prefetch.get("patient")):
        if resource.get("resourceType") == "Patient":
            return resource
    return {}


def _member_id(coverage: dict[str, Any]) -> Any:
    """Coverage.subscriberId, or its member number identifier (v2 type MB)."""
    if coverage.get("subscriberId"):
        return coverage["subscriberId"]
    for identifier in coverage.get("identifier") or ():
        codings = ((identifier.get("type") or {}).get("coding") or ()) \
            if isinstance(identifier, dict) else ()
        if any(isinstance(c, dict) and c.get("code") == "MB" for c in codings):
            return identifier.get("value")
    return None


def _latest_weight(resources: list[dict[str, Any]]) -> tuple[Any, Any]:
    """(kg, ISO date) of the latest final body weight in kilograms; a weight in
    another unit is left for the prescriber to type (never converted here)."""
    found = []
    for r in resources:
        codes_ = [c.get("code") for c in (r.get("code") or {}).get("coding") or ()
                  if isinstance(c, dict)]
        quantity = r.get("valueQuantity") if isinstance(r.get("valueQuantity"), dict) else {}
        when = str(r.get("effectiveDateTime") or "")[:10]
        if (r.get("resourceType") == "Observation" and WEIGHT_LOINC in codes_
                and r.get("status") in FINAL and quantity.get("code", quantity.get("unit")) == "kg"
                and quantity.get("value") is not None and len(when) == 10):
            found.append((when, quantity["value"]))
    if not found:
        return None, None
    when, kg = max(found, key=lambda pair: pair[0])
    return kg, when


def prefill(hook: dict[str, Any], *, as_of: date) -> dict[str, Any]:
    """The request form's answers the hook carries (patient name and birth
    date, member ID from the Coverage, the latest weight in kg with its date),
    each checked as the form checks it: one the policy would refuse is left
    out for the prescriber to type. JSON values, as a draft stores them. Read
    the hook with policy.values.loads, so a weight is never a float."""
    patient = _patient(hook)
    names = [n for n in patient.get("name") or () if isinstance(n, dict)]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = name.get("given") or []
    raw: dict[str, Any] = {
        "patient_first_name": given[0] if given else None,
        "patient_last_name": name.get("family"),
        "date_of_birth": patient.get("birthDate"),
    }
    prefetch = hook.get("prefetch") if isinstance(hook.get("prefetch"), dict) else {}
    coverages = [r for r in _resources(prefetch.get("coverage"))
                 if r.get("resourceType") == "Coverage"]
    raw["member_id"] = _member_id(coverages[0]) if coverages else None
    raw["weight_kg"], raw["weight_date"] = _latest_weight(_resources(prefetch.get("weight")))
    kept: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None or value == "":
            continue
        try:
            kept[key] = check_answer(policy.QUESTION_BY_KEY[key], value, as_of=as_of)
        except ValueError:
            continue  # the prescriber types it, and sees why it is refused
    if "weight_date" not in kept:
        kept.pop("weight_kg", None)  # a weight without its date is not evidence
    return policy.to_json(kept)
