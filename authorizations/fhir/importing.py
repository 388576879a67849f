"""A QuestionnaireResponse from an EHR's DTR app becomes a draft request,
which the prescriber finishes in the wizard. Everything is read and checked
before anything is written; the draft, its answers and the audit rows are
written in one transaction, so nothing is ever half-imported."""

from __future__ import annotations

from typing import Any

import pydantic
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from .. import policy, services
from ..models import HTC, AuthorizationRequest
from ..policy import Problem
from ..policy.values import ValueProblem
from . import jsonio
from .response import UnreadableResponse, read_response

MAX_BYTES = 1_000_000  # a full response is about 20 kB


class ImportRefused(UnreadableResponse):
    """The response was not imported; `problems` name each linkId."""


def _item_at(data: Any, location: tuple) -> dict | None:
    """The innermost item (a dict with a linkId) on a validation error's path."""
    found, node = None, data
    for step in location:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("linkId"), str):
            found = node
    return found


def _parse(data: dict) -> tuple[QuestionnaireResponse | None, list[Problem]]:
    """The resource, after setting aside (and naming) each answer that is not
    valid FHIR, so the other answers are still checked; None when something
    outside the answers is wrong."""
    problems: list[Problem] = []
    for _ in range(10):
        try:
            return jsonio.parse(QuestionnaireResponse, data), problems
        except pydantic.ValidationError as exc:
            dropped = False
            for error in exc.errors()[:50]:
                location = tuple(error.get("loc", ()))
                where = ".".join(str(p) for p in location if not isinstance(p, int))
                item = _item_at(data, location)
                message = error.get("msg", "is not valid")
                if item is None or "answer" not in location:
                    problems.append(Problem(item["linkId"] if item else where or "(resource)",
                                            f"{where}: {message}" if item else message))
                    continue
                problems.append(Problem(item["linkId"], f"{where}: {message}"))
                dropped = item.pop("answer", None) is not None or dropped
            if not dropped:
                return None, problems
    return None, problems


def read(text: str | bytes, *, as_of) -> tuple[policy.PolicyVersion, dict[str, Any]]:
    """Parse and check a QuestionnaireResponse. Raises ImportRefused."""
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
    resource, problems = _parse(data)
    if resource is None:
        raise ImportRefused(problems)
    try:
        version, answers = read_response(resource, as_of=as_of,
                                         unreadable=frozenset(p.key for p in problems))
    except UnreadableResponse as exc:
        problems += exc.problems
    if problems:
        raise ImportRefused(problems)
    return version, answers


def first_open_step(answers: dict[str, Any]) -> str:
    """The first wizard step with a question asked and not answered yet, or
    the review when every one is."""
    for step, _ in policy.STEPS:
        for key in policy.step_keys(step, typed_only=True):
            q = policy.QUESTION_BY_KEY[key]
            if q.is_asked(answers) and not q.nullable and answers.get(key) is None:
                return step
    return "review"


def import_questionnaire_response(*, by: AbstractBaseUser, htc: HTC, text: str | bytes,
                                  via: str, actor: Any = None) -> AuthorizationRequest:
    """A new draft of `by` (a prescriber at `htc`) from a QuestionnaireResponse.
    `via` says how it came (upload, command, api); `actor` is who sent it
    when not the prescriber (an API key). Raises ImportRefused."""
    version, answers = read(text, as_of=timezone.localdate())
    with transaction.atomic():
        req = services.request_create(by=by, htc=htc)
        req = services.request_save_draft(by=by, req=req, answers=answers,
                                          step=first_open_step(answers))
        services.audit(by=actor or by, action="fhir_import", obj=req, via=via,
                       policy=version.number, answered=len(answers))
    return req
