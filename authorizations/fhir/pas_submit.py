"""A PAS request Bundle read and checked: the Claim first, the resources it
references, the DTR QuestionnaireResponse its supportingInfo names. Every
problem carries the FHIRPath of what is wrong. Nothing here writes: the
caller creates the request through the wizard's services once `read` passes.

400: not JSON, not a Bundle, or a resource that is not valid FHIR R4.
422: valid FHIR that breaks a PAS rule (profiles.PAS_SOURCE) or this
service's (a Hemgenix J1411 request, answers the policy can read, every
question asked answered, each supporting document inline with a kind
this service knows: pas_documents)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from authorizations import policy
from authorizations.fhir import codes, importing, jsonio, pas_documents
from authorizations.policy.values import ValueProblem
from authorizations.requests import origins as answer_origins

MAX_BYTES = 2_000_000
MAX_ENTRIES = 100


@dataclass(frozen=True)
class Issue:
    path: str
    message: str


class Refused(Exception):
    def __init__(self, status: int, issues: list[Issue]):
        self.status, self.issues = status, issues
        super().__init__("; ".join(f"{i.path}: {i.message}" for i in issues))


@dataclass
class Submission:
    """What a valid request Bundle says."""

    identifier: dict[str, Any]
    claim_identifiers: list[dict[str, Any]]
    npi: str
    answers: dict[str, Any]
    version: policy.PolicyVersion
    expedited: bool
    ehr_filled: list[str] = field(default_factory=list)
    # Where each answer came from (the QuestionnaireResponse's information-origin).
    origins: dict[str, str] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    # Attached by api.services.pas_submit before the request is submitted.
    documents: list[pas_documents.AttachedDocument] = field(default_factory=list)


def _load(text: bytes) -> dict[str, Any]:
    if len(text) > MAX_BYTES:
        raise Refused(413, [Issue("Bundle", f"is larger than {MAX_BYTES // 1000} kB")])
    try:
        data = policy.values.loads(text)
    except (ValueError, ValueProblem, UnicodeDecodeError) as exc:
        raise Refused(400, [Issue("Bundle", f"is not JSON: {str(exc)[:120]}")]) from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        found = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise Refused(400, [Issue("resourceType", f"must be Bundle, not {found}")])
    entries = data.get("entry")
    if not isinstance(entries, list) or not entries:
        raise Refused(422, [Issue("Bundle.entry", "is required (1..*): the Claim first")])
    if len(entries) > MAX_ENTRIES:
        raise Refused(413, [Issue("Bundle.entry", f"has more than {MAX_ENTRIES} entries")])
    return data


def _validated(data: dict[str, Any]) -> list[Any]:
    """Each entry's resource as its R4B model (the QuestionnaireResponse is
    read by the import, which names its problems by linkId). Raises 400."""
    issues, models = [], []
    for n, entry in enumerate(data["entry"]):
        where = f"Bundle.entry[{n}]"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if not isinstance(kind, str):
            issues.append(Issue(f"{where}.resource", "is required, with its resourceType"))
            models.append(None)
            continue
        if kind == "QuestionnaireResponse":
            models.append(resource)
            continue
        try:
            models.append(get_fhir_model_class(kind).model_validate(resource))
        except KeyError:
            issues.append(Issue(f"{where}.resource", f"{kind} is not a FHIR resource type"))
            models.append(None)
        except pydantic.ValidationError as exc:
            for error in exc.errors()[:importing.MAX_ERRORS]:
                loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                              for p in error.get("loc", ()))
                issues.append(Issue(f"{where}.resource{loc}", error.get("msg", "is not valid")))
            models.append(None)
    if issues:
        raise Refused(400, issues)
    return models


class _Index:
    """The Bundle's resources by fullUrl and by ResourceType/id."""

    def __init__(self, data: dict[str, Any], models: list[Any]):
        self.by_ref: dict[str, tuple[int, Any]] = {}
        for n, (entry, model) in enumerate(zip(data["entry"], models, strict=True)):
            kind = model["resourceType"] if isinstance(model, dict) else \
                model.get_resource_type()
            rid = model.get("id") if isinstance(model, dict) else model.id
            if entry.get("fullUrl"):
                self.by_ref[entry["fullUrl"]] = (n, model)
            if rid:
                self.by_ref[f"{kind}/{rid}"] = (n, model)

    def get(self, ref: Any) -> tuple[int, Any] | None:
        reference = getattr(ref, "reference", None) if ref is not None else None
        if not reference:
            return None
        return self.by_ref.get(reference) or next(
            (v for k, v in self.by_ref.items() if k.endswith("/" + reference)), None)


def _has_code(concept: Any, system: str, code: str) -> bool:
    return any(c.system == system and c.code == code for c in (concept.coding or ())) \
        if concept is not None else False


def _claim_issues(data: dict[str, Any], claim: Any, index: _Index) -> list[Issue]:
    """PAS Request Bundle and PAS Claim rules (min-1 and fixed values) and
    this service's: one Hemgenix item."""
    issues = []
    if data.get("type") != "collection":
        issues.append(Issue("Bundle.type", "must be collection (PAS Request Bundle)"))
    if not isinstance(data.get("identifier"), dict) or not data["identifier"].get("value"):
        issues.append(Issue("Bundle.identifier", "is required (1..1): the submitter's "
                                                 "transaction identifier"))
    if not data.get("timestamp"):
        issues.append(Issue("Bundle.timestamp", "is required (1..1)"))
    for n, entry in enumerate(data["entry"]):
        if not entry.get("fullUrl"):
            issues.append(Issue(f"Bundle.entry[{n}].fullUrl", "is required (1..1)"))
    c = "Bundle.entry[0].resource"
    if claim.use != "preauthorization":
        issues.append(Issue(f"{c}.use", "must be preauthorization"))
    if claim.status != "active":
        issues.append(Issue(f"{c}.status", "must be active"))
    if not claim.identifier or not all(i.system and i.value for i in claim.identifier):
        issues.append(Issue(f"{c}.identifier", "is required (1..2), each with system and value"))
    for name in ("patient", "insurer", "provider"):
        if index.get(getattr(claim, name)) is None:
            issues.append(Issue(f"{c}.{name}", "must reference a resource in the Bundle"))
    focal = [i for i in claim.insurance or () if i.focal]
    if not focal or index.get(focal[0].coverage) is None:
        issues.append(Issue(f"{c}.insurance", "needs a focal coverage in the Bundle"))
    items = claim.item or []
    if len(items) != 1:
        issues.append(Issue(f"{c}.item", "must hold one item: Hemgenix (HCPCS J1411)"))
    for n, item in enumerate(items):
        if not _has_code(item.productOrService, codes.HCPCS, policy.HCPCS_CODE):
            issues.append(Issue(f"{c}.item[{n}].productOrService",
                                f"must be HCPCS {policy.HCPCS_CODE} (Hemgenix): this service "
                                "authorizes nothing else"))
        urls = {e.url for e in item.extension or ()}
        for name in ("serviceItemRequestType", "certificationType"):
            if not any(u.endswith("/extension-" + name) for u in urls):
                issues.append(Issue(f"{c}.item[{n}].extension",
                                    f"needs extension-{name} (1..1 in PAS Claim)"))
    return issues


def _questionnaire_response(claim: Any, index: _Index) -> tuple[int, dict[str, Any]] | None:
    for info in claim.supportingInfo or ():
        found = index.get(info.valueReference)
        if found and isinstance(found[1], dict):
            return found
    return None


def _npi(provider: Any, index: _Index) -> str:
    """The NPI of the Claim's provider: a Practitioner, or a PractitionerRole's."""
    found = index.get(provider)
    resource = found[1] if found else None
    if resource is not None and resource.get_resource_type() == "PractitionerRole":
        found = index.get(resource.practitioner)
        resource = found[1] if found else None
    if resource is None or resource.get_resource_type() != "Practitioner":
        return ""
    return next((i.value for i in resource.identifier or ()
                 if i.system == codes.NPI_SYSTEM and i.value), "")


def _merge_parties(answers: dict[str, Any], claim: Any, index: _Index) -> list[Issue]:
    """Member ID, name and birth date from the Patient and Coverage where the
    answers leave them out; where both say, they must agree."""
    issues: list[Issue] = []
    patient = index.get(claim.patient)
    coverage = index.get(claim.insurance[0].coverage) if claim.insurance else None
    given: dict[str, tuple[str, Any]] = {}
    if patient is not None:
        n, p = patient
        if p.birthDate:
            given["date_of_birth"] = (f"Bundle.entry[{n}].resource.birthDate",
                                      p.birthDate.isoformat() if isinstance(p.birthDate, date)
                                      else str(p.birthDate))
        if p.name:
            if p.name[0].family:
                given["patient_last_name"] = (f"Bundle.entry[{n}].resource.name[0].family",
                                              p.name[0].family)
            if p.name[0].given:
                given["patient_first_name"] = (f"Bundle.entry[{n}].resource.name[0].given",
                                               p.name[0].given[0])
    if coverage is not None:
        n, cov = coverage
        member = cov.subscriberId or next((i.value for i in cov.identifier or ()
                                           if i.value), None)
        if member:
            given["member_id"] = (f"Bundle.entry[{n}].resource.subscriberId", member)
    for key, (path, value) in given.items():
        if answers.get(key) is None:
            answers[key] = value
        elif str(answers[key]).strip().upper() != str(value).strip().upper():
            issues.append(Issue(path, f"differs from the QuestionnaireResponse's {key}"))
    return issues


def missing_answers(answers: dict[str, Any], version: policy.PolicyVersion) -> list[str]:
    """The questions asked and not answered, as the wizard's review step finds them."""
    return [q.key for q in version.questions
            if not q.derived and q.is_asked(answers) and not q.nullable
            and answers.get(q.key) is None]


def read(text: bytes, *, as_of: date) -> Submission:
    """Check a PAS request Bundle. Raises Refused with every problem found."""
    data = _load(text)
    models = _validated(data)
    claim = models[0]
    if isinstance(claim, dict) or claim.get_resource_type() != "Claim":
        raise Refused(422, [Issue("Bundle.entry[0].resource",
                                  "must be the Claim (PAS: the Claim comes first)")])
    index = _Index(data, models)
    issues = _claim_issues(data, claim, index)
    qr = _questionnaire_response(claim, index)
    npi = _npi(claim.provider, index)
    if not npi:
        issues.append(Issue("Bundle.entry[0].resource.provider",
                            "must be the prescriber: a Practitioner (or PractitionerRole of "
                            "one) with an NPI identifier"))
    if qr is None:
        issues.append(Issue("Bundle.entry[0].resource.supportingInfo",
                            "must reference the DTR QuestionnaireResponse in the Bundle"))
    documents, problems = pas_documents.read(claim, models, index)
    issues += [Issue(path, message) for path, message in problems]
    if issues:
        raise Refused(422, issues)
    assert qr is not None
    n, raw = qr
    where = f"Bundle.entry[{n}].resource"
    try:
        version, answers, origins = importing.read_with_origins(jsonio.dumps_data(raw),
                                                               as_of=as_of)
        read_keys = set(answers)
    except importing.ImportRefused as exc:
        raise Refused(422, [Issue(f"{where}.item.where(linkId='{p.key}')"
                                  if p.key in policy.QUESTION_BY_KEY else f"{where}.{p.key}",
                                  p.message) for p in exc.problems]) from None
    issues = _merge_parties(answers, claim, index)
    try:
        policy.validate(answers, as_of=as_of)
    except policy.InvalidCase as exc:
        # Only what the Patient and Coverage added can be wrong here: the
        # answers were checked by the import, and a missing one is named below.
        issues += [Issue(f"{where}.item.where(linkId='{p.key}')", p.message)
                   for p in exc.problems if p.key in answers and p.key not in read_keys]
    issues += [Issue(f"{where}.item.where(linkId='{key}')",
                     "is required: the question is asked and not answered")
               for key in missing_answers(answers, version)]
    if issues:
        raise Refused(422, issues)
    priority = claim.priority.coding[0].code if claim.priority and claim.priority.coding else ""
    return Submission(
        identifier=data["identifier"],
        claim_identifiers=[{"system": i.system, "value": i.value} for i in claim.identifier],
        npi=npi, answers=answers, version=version, expedited=priority == "stat",
        ehr_filled=answer_origins.filled_by_software(origins), origins=origins,
        documents=documents)
