"""The policy's questions as a DTR Questionnaire (FHIR R4B), one per policy
version: a group per wizard step, an item per answer key (linkId = the key),
enableWhen from each question's asked-when, units in UCUM, and the criterion
each item feeds as an extension. No patient data, no Django: pure policy.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from authorizations import policy
from authorizations.fhir import codes, dtr
from authorizations.policy import PolicyVersion, Question, kinds

# Each answer kind's item type (policy/kinds/: Kind.fhir_type).
ITEM_TYPE = {name: kind.fhir_type for name, kind in kinds.KINDS.items()}
ID_PREFIX = "hemgenix-"


def group_link_id(step: str) -> str:
    """A step's group: prefixed, as linkIds are unique and `diagnosis` is both
    a step and an answer key."""
    return f"step-{step}"


def questionnaire_id(version: PolicyVersion) -> str:
    return f"{ID_PREFIX}{version.number}"


def canonical(version: PolicyVersion) -> str:
    """What a QuestionnaireResponse names in `questionnaire`: url|version."""
    return f"{codes.QUESTIONNAIRE_URL}|{version.number}"


def version_for_id(resource_id: str) -> PolicyVersion | None:
    if not resource_id.startswith(ID_PREFIX):
        return None
    try:
        return policy.version_named(resource_id[len(ID_PREFIX):])
    except KeyError:
        return None


def version_for_canonical(reference: str) -> PolicyVersion | None:
    """The version a QuestionnaireResponse's `questionnaire` names: our url with
    a known |version, or our url alone for the version in effect today."""
    url, _, number = reference.partition("|")
    if url.rstrip("/") != codes.QUESTIONNAIRE_URL:
        return None
    if not number:
        return None
    try:
        return policy.version_named(number)
    except KeyError:
        return None


def answer_coding(question: Question, value: str) -> dict[str, str]:
    return {"system": codes.ANSWER_SYSTEM, "code": value, "display": question.choice_label(value)}


def _enable_answer(controller: Question, value: Any) -> dict[str, Any]:
    fhir_type = kinds.of(controller).fhir_type
    if fhir_type == "boolean":
        return {"answerBoolean": value}
    if fhir_type == "choice":
        return {"answerCoding": {"system": codes.ANSWER_SYSTEM, "code": value}}
    raise ValueError(f"{controller.key}: enableWhen on a {controller.kind} answer is not mapped")


def _number_extension(url: str, question: Question, bound) -> dict[str, Any]:
    if kinds.of(question).fhir_type == "decimal":
        return {"url": url, "valueDecimal": bound}
    return {"url": url, "valueInteger": int(bound)}


def _extensions(q: Question, criterion_names: dict[str, str]) -> list[dict[str, Any]]:
    ext: list[dict[str, Any]] = []
    criterion = codes.FEEDS.get(q.key)
    if criterion in criterion_names:
        ext.append({"url": codes.FEEDS_CRITERION_URL, "valueCoding": {
            "system": codes.CRITERIA_SYSTEM, "code": criterion,
            "display": criterion_names[criterion]}})
    unit = codes.ucum_for(q)
    fhir_type = kinds.of(q).fhir_type
    if fhir_type == "quantity" and unit:
        options = [unit] + [(code, display) for code, (display, _) in
                            codes.ALTERNATE_UNITS.get(q.key, {}).items()]
        ext += [{"url": codes.EXT_UNIT_OPTION, "valueCoding": {
            "system": codes.UCUM, "code": code, "display": display}} for code, display in options]
    elif unit:
        ext.append({"url": codes.EXT_UNIT, "valueCoding": {
            "system": codes.UCUM, "code": unit[0], "display": unit[1]}})
    if fhir_type in ("decimal", "integer"):
        # Only inclusive bounds have an extension; an exclusive one is in the help.
        if q.minimum is not None and not q.minimum_exclusive:
            ext.append(_number_extension(codes.EXT_MIN_VALUE, q, q.minimum))
        if q.maximum is not None and not q.maximum_exclusive:
            ext.append(_number_extension(codes.EXT_MAX_VALUE, q, q.maximum))
    return ext


def _help(q: Question) -> list[dict[str, Any]]:
    text = q.help_text
    if q.asked_when:
        text = f"{text} Asked when {q.asked_when.description}.".strip()
    if q.derived:
        text = f"{text} Filled in by the payer at submission from the prescriber's profile " \
               "and the CDC's HTC directory; not answered here.".strip()
    if not text:
        return []
    return [{"linkId": f"{q.key}.help", "type": "display", "text": text, "extension": [{
        "url": codes.EXT_ITEM_CONTROL, "valueCodeableConcept": {"coding": [{
            "system": codes.ITEM_CONTROL, "code": "help", "display": "Help-Button"}]}}]}]


def question_item(q: Question, by_key: dict[str, Question],
                  criterion_names: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": q.key,
        "text": q.label,
        "type": ITEM_TYPE[q.kind],
        # A required item is required only while it is enabled.
        "required": not (q.nullable or q.derived),
    }
    if q.derived:
        item["readOnly"] = True
    if (max_length := kinds.of(q).max_length(q)) is not None:
        item["maxLength"] = max_length
    if q.choices:
        item["answerOption"] = [{"valueCoding": answer_coding(q, value)}
                                for value, _ in q.choices]
    if q.asked_when:
        controller = by_key[q.asked_when.key]
        item["enableWhen"] = [{"question": controller.key, "operator": "=",
                               **_enable_answer(controller, value)}
                              for value in q.asked_when.values]
        item["enableBehavior"] = "any"
    added = dtr.item_additions(q.key)  # DTR: LOINC codes and prepopulation
    if "code" in added:
        item["code"] = added["code"]
    extensions = _extensions(q, criterion_names) + added.get("extension", [])
    if extensions:
        item["extension"] = extensions
    children = _help(q)
    if children:
        item["item"] = children
    return item


@lru_cache(maxsize=16)
def build_questionnaire(version: PolicyVersion, *, publisher: str) -> Questionnaire:
    """The Questionnaire of one policy version (built once: it never changes)."""
    by_key = {q.key: q for q in version.questions}
    names = {c.id: c.name for c in version.criteria}
    groups = []
    for step, title in policy.STEPS:
        items = [question_item(q, by_key, names) for q in version.questions if q.step == step]
        if items:
            groups.append({"linkId": group_link_id(step), "text": title, "type": "group",
                           "item": items})
    return Questionnaire(
        **dtr.questionnaire_additions(),
        id=questionnaire_id(version),
        url=codes.QUESTIONNAIRE_URL,
        version=version.number,
        name=f"HemgenixPriorAuthorization{version.number}",
        title=f"Hemgenix prior authorization, policy {version.number}",
        status="active",
        subjectType=["Patient"],
        date=version.effective,
        publisher=publisher,
        description=(f"The questions of Medical Benefit Drug Policy {version.number}, "
                     f"\"{version.title}\", as the prior authorization service asks them. "
                     "Each item's linkId is the answer key of the service's data dictionary."),
        effectivePeriod={"start": version.effective},
        item=groups,
    )
