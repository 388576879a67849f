"""A QuestionnaireResponse from an EHR's DTR app becomes a draft request,
which the prescriber finishes in the wizard. Everything is read and checked
before anything is written; the draft, its answers and the audit rows are
written in one transaction, so nothing is ever half-imported."""

from __future__ import annotations

from typing import Any

import pydantic
from django.contrib.auth.models import User
from django.db import transaction
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItemAnswer,
)

from authorizations import policy
from authorizations.core import zones
from authorizations.core.actions import AuditAction
from authorizations.core.audit import audit
from authorizations.fhir import dtr, jsonio
from authorizations.fhir.response import UnreadableResponse, read_response
from authorizations.models import HTC, AuthorizationRequest
from authorizations.policy import Problem
from authorizations.policy.values import ValueProblem
from authorizations.requests import origins as answer_origins
from authorizations.requests.services import request_create, request_save_draft

MAX_BYTES = 1_000_000  # a full response is about 20 kB


class ImportRefused(UnreadableResponse):
    """The response was not imported; `problems` name each linkId."""


# Checked on the raw JSON before any model is built (N1, N5): a full response
# holds about 60 items and answers, 3 levels deep. A hostile file of 19,000
# items cost 24 s of validation; 150 levels made pydantic recurse too deep.
MAX_NODES = 600  # items plus answers
MAX_DEPTH = 12  # item and answer levels
MAX_ERRORS = 50


def _shape_problems(data: dict) -> list[Problem]:
    """Size, depth and NUL problems of the item tree, walked without recursion;
    [] when the tree is small enough to validate."""
    nodes, stack = 0, [(data.get("item"), 1, "(resource)")]
    while stack:
        children, depth, parent = stack.pop()
        if children is None:
            continue
        if not isinstance(children, list):
            return [Problem(parent, "item and answer must be lists")]
        nodes += len(children)
        if nodes > MAX_NODES:
            return [Problem("(file)", f"has more than {MAX_NODES} items and answers; "
                                      "a full response has about 60")]
        if depth > MAX_DEPTH:
            return [Problem(parent, f"items are nested more than {MAX_DEPTH} levels deep")]
        for node in children:
            if not isinstance(node, dict):
                continue
            link_id = node.get("linkId") if isinstance(node.get("linkId"), str) else parent
            if any("\x00" in text for text in _strings(node)):
                # PostgreSQL refuses NUL in text; say so instead of a 500.
                return [Problem(link_id, "contains a NUL character")]
            stack.append((node.get("item"), depth + 1, link_id))
            stack.append((node.get("answer"), depth + 1, link_id))
    return []


def _strings(node: dict):
    """The strings directly in one item or answer (not in its children)."""
    for key, value in node.items():
        if key in ("item", "answer"):
            continue
        if isinstance(value, str):
            yield key
            yield value
        elif isinstance(value, dict):
            for inner_key, inner in value.items():
                yield inner_key
                if isinstance(inner, str):
                    yield inner


def _set_aside_bad_answers(items: Any, problems: list[Problem]) -> None:
    """Drop (and name by linkId) each answer that is not valid FHIR, so the
    others are still read. Each answer is validated once, on its own."""
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        link_id = item.get("linkId") if isinstance(item.get("linkId"), str) else "(item)"
        answers = item.get("answer")
        if isinstance(answers, list):
            for answer in answers:
                try:
                    QuestionnaireResponseItemAnswer.model_validate(answer)
                except pydantic.ValidationError as exc:
                    error = exc.errors()[0]
                    where = ".".join(str(p) for p in error.get("loc", ())
                                     if not isinstance(p, int))
                    problems.append(Problem(link_id, f"answer.{where}: "
                                                     f"{error.get('msg', 'is not valid')}"))
                    item.pop("answer")
                    break
            for answer in item.get("answer") or ():
                if isinstance(answer, dict):
                    _set_aside_bad_answers(answer.get("item"), problems)
        _set_aside_bad_answers(item.get("item"), problems)


def _parse(data: dict) -> tuple[QuestionnaireResponse | None, list[Problem]]:
    """The resource, after setting aside (and naming) each answer that is not
    valid FHIR, so the other answers are still checked; None when something
    outside the answers is wrong. The resource is validated once."""
    problems = _shape_problems(data)
    if problems:
        return None, problems
    _set_aside_bad_answers(data.get("item"), problems)
    try:
        return jsonio.parse(QuestionnaireResponse, data), problems
    except pydantic.ValidationError as exc:
        for error in exc.errors()[:MAX_ERRORS]:
            where = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
            problems.append(Problem(where or "(resource)", error.get("msg", "is not valid")))
        return None, problems


def read(text: str | bytes, *, as_of) -> tuple[policy.PolicyVersion, dict[str, Any]]:
    """Parse and check a QuestionnaireResponse. Raises ImportRefused."""
    version, answers, _ = read_with_origins(text, as_of=as_of)
    return version, answers


def read_with_origins(text: str | bytes, *, as_of
                      ) -> tuple[policy.PolicyVersion, dict[str, Any], dict[str, str]]:
    """read(), and where each answer came from (answer key -> its DTR
    information-origin source, for the answers that carry one): the draft
    keeps them (requests/origins.py), so the pages say which answers the EHR
    filled and the export says it back."""
    if len(text) > MAX_BYTES:
        raise ImportRefused([Problem("(file)", f"is larger than {MAX_BYTES // 1000} kB")])
    try:
        data = policy.values.loads(text)
    except (ValueError, ValueProblem, UnicodeDecodeError) as exc:
        raise ImportRefused([Problem("(file)", f"is not JSON: {str(exc)[:120]}")]) from None
    if not isinstance(data, dict) or data.get("resourceType") != "QuestionnaireResponse":
        found = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise ImportRefused([Problem("resourceType",
                                     f"must be QuestionnaireResponse, not {found}")])
    origins, origin_problems = dtr.answer_origins(data.get("item"))
    resource, problems = _parse(data)
    problems += [Problem(key, message) for key, message in origin_problems]
    if resource is None:
        raise ImportRefused(problems)
    try:
        version, answers = read_response(resource, as_of=as_of,
                                         unreadable=frozenset(p.key for p in problems))
    except UnreadableResponse as exc:
        problems += exc.problems
    if problems:
        raise ImportRefused(problems)
    return version, answers, {k: v for k, v in origins.items() if k in answers}


def first_open_step(answers: dict[str, Any]) -> str:
    """The first wizard step with a question asked and not answered yet, or
    the review when every one is."""
    for step, _ in policy.STEPS:
        for key in policy.step_keys(step, typed_only=True):
            q = policy.QUESTION_BY_KEY[key]
            if q.is_asked(answers) and not q.nullable and answers.get(key) is None:
                return step
    return "review"


def import_questionnaire_response(*, by: User, htc: HTC, text: str | bytes,
                                  via: str, actor: Any = None) -> AuthorizationRequest:
    """A new draft of `by` (a prescriber at `htc`) from a QuestionnaireResponse.
    `via` says how it came (upload, command, api); `actor` is who sent it
    when not the prescriber (an API key). Raises ImportRefused."""
    version, answers, origins = read_with_origins(text, as_of=zones.today())
    with transaction.atomic():
        req = request_create(by=by, htc=htc)
        req = request_save_draft(by=by, req=req, answers=answers,
                                 step=first_open_step(answers), origins=origins)
        audit(by=actor or by, action=AuditAction.FHIR_IMPORT, obj=req, via=via,
              policy=version.number, answered=len(answers),
              ehr_filled=answer_origins.filled_by_software(origins))
    return req
