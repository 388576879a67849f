"""A request's answers as a QuestionnaireResponse and back.

Writing: each asked, answered question becomes an item (linkId = answer key)
in its step's group; a lab value "<N" is a Quantity with comparator "<".
Reading: every answer is checked against its question and the data
dictionary, and every problem is named by its linkId; nothing is returned
unless everything could be read. No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
)

from authorizations import policy
from authorizations.fhir import codes, dtr, questionnaire
from authorizations.policy import PolicyVersion, Problem, Question, kinds
from authorizations.policy.evaluation import check_answer
from authorizations.policy.values import ValueProblem, number_from_json, parse_lab_value, plain

READABLE_STATUSES = ("in-progress", "completed", "amended")


class UnreadableResponse(ValueError):
    """Problems that stop an import, each naming a linkId (or the element)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

def _quantity(q: Question, value: Any) -> dict[str, Any]:
    lab = parse_lab_value(value)
    quantity: dict[str, Any] = {"value": lab.value}
    if lab.below:
        quantity["comparator"] = "<"
    unit = codes.ucum_for(q)
    if unit:
        quantity.update(unit=q.unit, system=codes.UCUM, code=unit[0])
    return quantity


# How a stored (JSON) answer is written in each answer value[x] (the kind's
# Kind.fhir_value).
_WRITERS: dict[str, Any] = {
    "valueBoolean": lambda q, value: value,
    "valueCoding": questionnaire.answer_coding,
    "valueString": lambda q, value: str(value),
    "valueDate": lambda q, value: kinds.of(q).from_json(q, value),
    "valueDecimal": lambda q, value: number_from_json(value),
    "valueInteger": lambda q, value: int(number_from_json(value)),
    "valueQuantity": _quantity,
}


def answer_value(q: Question, value: Any) -> dict[str, Any]:
    """The `value[x]` of one stored (JSON-like) answer."""
    name = kinds.of(q).fhir_value
    return {name: _WRITERS[name](q, value)}


def _answer(q: Question, value: Any, origin: Extension | None) -> dict[str, Any]:
    answer = answer_value(q, value)
    if origin is not None:
        answer["extension"] = [origin]
    return answer


def response_items(answers: Mapping[str, Any], version: PolicyVersion,
                   origins: Mapping[str, str] | None = None,
                   author: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Groups per wizard step holding the asked questions that have an answer.
    With `origins` (answer key -> DTR code), each answer carries its DTR
    information-origin, a person's naming `author` (a Reference)."""
    # Each origin's extension is built, and validated, once and shared by every
    # answer with that origin: fhir.resources takes a validated model as it is,
    # where a dict per answer was validated again for each (five elements an
    # answer, two thirds of a letter's questionnaire response: 12 -> 4 ms).
    extensions: dict[str | None, Extension] = {}

    def origin(key: str) -> Extension | None:
        if origins is None:
            return None
        source = origins.get(key)
        if source not in extensions:
            extensions[source] = Extension(**dtr.information_origin(source, author))
        return extensions[source]

    groups = []
    for step, title in policy.STEPS:
        items = [{"linkId": q.key, "text": q.label,
                  "answer": [_answer(q, answers[q.key], origin(q.key))]}
                 for q in version.questions
                 if q.step == step and answers.get(q.key) is not None and q.is_asked(answers)]
        if items:
            groups.append({"linkId": questionnaire.group_link_id(step), "text": title,
                           "item": items})
    return groups


def build_response(answers: Mapping[str, Any], *, version: PolicyVersion, status: str,
                   origins: Mapping[str, str] | None = None,
                   **fields: Any) -> QuestionnaireResponse:
    """`fields` are the resource's other elements (id, subject, author, authored...).
    With `origins`, every answer says where it came from (DTR information-origin;
    one not known is the author's, manual)."""
    items = response_items(answers, version, origins, fields.get("author"))
    return QuestionnaireResponse(questionnaire=questionnaire.canonical(version), status=status,
                                 item=items or None, **fields)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

def _wrong_type(q: Question, answer) -> str:
    given = [name for name in type(answer).model_fields
             if name.startswith("value") and not name.endswith("__ext")
             and getattr(answer, name) is not None]
    wanted = answer_value_name(q)
    return f"needs {wanted}, not {given[0] if given else 'no value'}"


def answer_value_name(q: Question) -> str:
    return kinds.of(q).fhir_value


def _read_quantity(q: Question, quantity) -> Any:
    if quantity.value is None:
        raise ValueProblem("has a Quantity without a value")
    number = Decimal(quantity.value)
    if quantity.comparator not in (None, "<"):
        raise ValueProblem(f'comparator "{quantity.comparator}" cannot be read: only "<" '
                           "(a result reported as below N)")
    unit = codes.ucum_for(q)
    given = quantity.code or quantity.unit
    if given and unit and given not in (unit[0], q.unit):
        alternate = codes.ALTERNATE_UNITS.get(q.key, {}).get(quantity.code or "")
        if alternate is None or (quantity.system not in (None, codes.UCUM)):
            allowed = [unit[0], *codes.ALTERNATE_UNITS.get(q.key, {})]
            raise ValueProblem(f"unit {given} is not one of {', '.join(allowed)} (UCUM)")
        number *= alternate[1]
    if quantity.comparator == "<":
        return f"<{plain(number)}"
    return number


def read_answer(q: Question, answer) -> Any:
    """The JSON-like value of one answer, which the kind then reads as it reads
    any JSON value (policy.validate). Raises ValueProblem."""
    wanted = answer_value_name(q)
    if wanted == "valueQuantity" and answer.valueQuantity is not None:
        return _read_quantity(q, answer.valueQuantity)
    if wanted in ("valueQuantity", "valueDecimal") and (answer.valueDecimal is not None
                                                        or answer.valueInteger is not None):
        # A number without a unit is a number in the question's unit.
        value = answer.valueDecimal if answer.valueDecimal is not None else answer.valueInteger
        return Decimal(value) if wanted == "valueDecimal" or isinstance(value, Decimal) \
            else value
    value = getattr(answer, wanted, None)
    if value is None:
        raise ValueProblem(_wrong_type(q, answer))
    if wanted == "valueCoding":
        if value.system not in (None, codes.ANSWER_SYSTEM):
            raise ValueProblem(f"coding system must be {codes.ANSWER_SYSTEM}")
        allowed = [c for c, _ in q.choices]
        if value.code not in allowed:
            raise ValueProblem(f"code must be one of {', '.join(allowed)}, not {value.code!r}")
        return value.code
    if wanted == "valueDate":
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValueProblem(f"must be a full date (YYYY-MM-DD), not {value}")
        return value.isoformat()
    return value


def _answered_items(items, problems: list[Problem], found: dict[str, Any]) -> None:
    for item in items or ():
        if item.answer:
            found.setdefault(item.linkId, [])
            found[item.linkId].append(item)
        _answered_items(item.item, problems, found)
        for answer in item.answer or ():
            _answered_items(answer.item, problems, found)


def read_response(resource: QuestionnaireResponse, *, as_of: date,
                  unreadable: frozenset[str] = frozenset()
                  ) -> tuple[PolicyVersion, dict[str, Any]]:
    """The policy version and the JSON-like answers of a QuestionnaireResponse,
    as a draft may hold them (questions not answered are simply absent).
    `unreadable` are linkIds whose answers the caller could not read.
    Raises UnreadableResponse naming every problem by linkId."""
    problems: list[Problem] = []
    version = questionnaire.version_for_canonical(resource.questionnaire or "")
    if version is None:
        known = " or ".join(questionnaire.canonical(v) for v in policy.versions())
        problems.append(Problem("questionnaire", f"must be {known}, not "
                                f"{resource.questionnaire or 'missing'}"))
        version = policy.CURRENT
    if resource.status not in READABLE_STATUSES:
        problems.append(Problem("status", f"must be one of {', '.join(READABLE_STATUSES)}"))
    by_key = {q.key: q for q in version.questions}
    groups = {questionnaire.group_link_id(step) for step, _ in policy.STEPS}
    found: dict[str, list[QuestionnaireResponseItem]] = {}
    _answered_items(resource.item, problems, found)
    given: dict[str, Any] = {}
    for link_id, items in found.items():
        q = by_key.get(link_id)
        if q is None:
            why = "is a group, not a question" if link_id in groups else \
                f"is not a question of {questionnaire.questionnaire_id(version)}"
            problems.append(Problem(link_id, why))
            continue
        answers = [a for item in items for a in item.answer]
        if len(answers) > 1:
            problems.append(Problem(link_id, f"takes one answer, not {len(answers)}"))
            continue
        if q.derived:
            continue  # read from the prescriber's profile and the directory at submission
        try:
            given[link_id] = read_answer(q, answers[0])
        except ValueProblem as exc:
            problems.append(Problem(link_id, str(exc)))
    broken = set(unreadable) | {p.key for p in problems}
    kept: dict[str, Any] = {}
    for q in version.questions:  # in order: a condition is judged on answers already kept
        if q.asked_when and q.asked_when.key in broken:
            broken.add(q.key)  # asked or not cannot be told: say nothing more about it
            continue
        if q.key not in given:
            continue
        if q.is_asked(kept):
            kept[q.key] = given[q.key]
        else:
            problems.append(Problem(q.key, f"is answered but not asked: it is asked only when "
                                    f"{q.asked_when.description}"))
    try:
        policy.validate(kept, as_of=as_of)
    except policy.InvalidCase as exc:
        # A draft may leave questions unanswered: only the answers given can be wrong.
        problems += [p for p in exc.problems if p.key in kept]
    if problems:
        raise UnreadableResponse(problems)
    # Each answer as the policy types it (exact decimals, "<N", trimmed text),
    # written back as JSON values: the form a draft stores.
    typed = {key: check_answer(by_key[key], value, as_of=as_of) for key, value in kept.items()}
    return version, policy.to_json(typed)
