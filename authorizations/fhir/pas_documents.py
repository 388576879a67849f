"""The supporting documents of a PAS request Bundle, read as the PAS guide
sends them (input/fsh/Claim.fsh and Examples.fsh at profiles.PAS_SOURCE):
a Claim.supportingInfo of the AdditionalInformation slice, with its
documentInformation extension (an X12 755 report type), whose valueReference
names a PASDocumentReference in the Bundle; that DocumentReference carries
the file inline (content.attachment.data, base64; no url) and says by its
type which document it is.

Nothing here writes and nothing checks the file itself: the documents
slice's document_add runs its checks (type from the bytes, pypdf or Pillow,
size, pages) when api.services.pas_submit attaches each one."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Protocol

from authorizations.fhir import codes, profiles
from authorizations.models import DOCUMENT_CONTENT_TYPES, DocumentKind

# This service's document kinds (documents.DocumentKind values) as a code
# system: the fallback where LOINC has no document code that says which
# report it is (no LOINC document code names a factor IX or an AAV5
# antibody report: both are "Laboratory report", 11502-2).
DOCUMENT_KIND_SYSTEM = codes.DOCUMENT_KIND_SYSTEM
LOINC = codes.LOINC
# LOINC document codes (scale DOC: FHIR's doc-typecodes value set,
# http://hl7.org/fhir/ValueSet/doc-typecodes; displays as loinc.org gives
# them) that name one of this service's kinds without doubt. Checked (issue
# 22): all four as USCDI's Clinical Notes list names them
# (https://www.healthit.gov/isa/uscdi-data/clinical-notes); 11506-3 and
# 11488-4 also at https://loinc.org/11506-3.html (LOINC 2.78) and
# https://loinc.org/11488-4.html/ (Find:Pt:{Setting}:Doc:{Role}).
KIND_BY_LOINC = {
    "18748-4": DocumentKind.LIVER_IMAGING,  # Diagnostic imaging study
    "11506-3": DocumentKind.CLINIC_NOTE,  # Progress note
    "11488-4": DocumentKind.CLINIC_NOTE,  # Consult note
    "34117-2": DocumentKind.CLINIC_NOTE,  # History and physical note
}
# LOINC codes that say a report is a lab report, not which one.
# 11502-2: component "Laboratory report.total", the whole laboratory report
# (eHealth Suisse's CDA lab report template, ehealthsuisse.art-decor.org;
# loinc.org's own page not read).
LAB_REPORT_LOINC = "11502-2"  # Laboratory report
EXT_DOCUMENT_INFORMATION = profiles.PAS + "extension-documentInformation"


@dataclass(frozen=True)
class AttachedDocument:
    """One file to attach: where it is in the Bundle (for a refusal), its
    kind (a DocumentKind value), the name it was sent with, and its bytes."""

    path: str
    kind: str
    name: str
    content: bytes
    content_type: str


class _Index(Protocol):
    def get(self, ref: Any) -> tuple[int, Any] | None: ...


def document_kind(concept: Any) -> str | None:
    """The DocumentKind a DocumentReference.type names: this service's code
    first (it is the more precise), then a LOINC code that fits one kind."""
    codings = list(getattr(concept, "coding", None) or ())
    for coding in codings:
        if coding.system == DOCUMENT_KIND_SYSTEM and coding.code in DocumentKind.values:
            return str(coding.code)
    for coding in codings:
        if coding.system == LOINC and coding.code in KIND_BY_LOINC:
            return str(KIND_BY_LOINC[coding.code])
    return None


def _type_message(concept: Any) -> str:
    kinds = ", ".join(DocumentKind.values)
    lab = any(c.system == LOINC and c.code == LAB_REPORT_LOINC
              for c in getattr(concept, "coding", None) or ())
    start = (f"LOINC {LAB_REPORT_LOINC} says a laboratory report, not which one: add"
             if lab else "must say which document this is: use")
    return (f"{start} a coding of {DOCUMENT_KIND_SYSTEM} (one of {kinds}), or a LOINC "
            f"document code of {', '.join(KIND_BY_LOINC)}")


def _has_report_type(info: Any) -> bool:
    for ext in info.extension or ():
        if ext.url == EXT_DOCUMENT_INFORMATION and any(
                part.url == "reportTypeCode" and part.valueCodeableConcept is not None
                for part in ext.extension or ()):
            return True
    return False


def _decoded(data: Any) -> bytes | None:
    if isinstance(data, bytes):
        # fhir.resources decodes base64Binary as it validates (bad base64 is a 400).
        return data
    try:
        return base64.b64decode("".join(str(data).split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _attachments(n: int, resource: Any, kind: str) -> tuple[list[AttachedDocument],
                                                             list[tuple[str, str]]]:
    where = f"Bundle.entry[{n}].resource"
    found: list[AttachedDocument] = []
    issues: list[tuple[str, str]] = []
    for m, content in enumerate(resource.content or ()):
        at = f"{where}.content[{m}].attachment"
        attachment = content.attachment
        if attachment.url:
            issues.append((f"{at}.url", "must be absent: PAS sends the document inline, in "
                                        "data (PASDocumentReference)"))
        if attachment.contentType not in DOCUMENT_CONTENT_TYPES:
            issues.append((f"{at}.contentType", "must be one of "
                           f"{', '.join(DOCUMENT_CONTENT_TYPES)}, not "
                           f"{attachment.contentType or 'absent'}"))
        content_bytes = _decoded(attachment.data) if attachment.data else None
        if not attachment.data:
            issues.append((f"{at}.data", "is required (1..1 in PASDocumentReference): the "
                                         "document, base64"))
        elif not content_bytes:
            issues.append((f"{at}.data", "is not base64, or is empty"))
        if content_bytes and attachment.contentType in DOCUMENT_CONTENT_TYPES:
            found.append(AttachedDocument(
                path=f"{at}.data", kind=kind, name=attachment.title or f"{kind}-{n}-{m}",
                content=content_bytes, content_type=str(attachment.contentType)))
    return found, issues


def read(claim: Any, models: list[Any], index: _Index) -> tuple[list[AttachedDocument],
                                                                 list[tuple[str, str]]]:
    """The documents the Claim's supportingInfo references, and the
    problems, as (FHIRPath, message). A DocumentReference in the Bundle that
    no supportingInfo names is a problem too: nothing sent is dropped."""
    documents: list[AttachedDocument] = []
    issues: list[tuple[str, str]] = []
    named: set[int] = set()
    for s, info in enumerate(claim.supportingInfo or ()):
        found = index.get(info.valueReference)
        if found is None or isinstance(found[1], dict) \
                or found[1].get_resource_type() != "DocumentReference":
            continue
        n, resource = found
        named.add(n)
        if not _has_report_type(info):
            issues.append((f"Bundle.entry[0].resource.supportingInfo[{s}].extension",
                           "needs extension-documentInformation with its reportTypeCode "
                           "(1..1 in PAS Claim's AdditionalInformation)"))
        kind = document_kind(resource.type)
        if kind is None:
            issues.append((f"Bundle.entry[{n}].resource.type", _type_message(resource.type)))
            continue
        attached, problems = _attachments(n, resource, kind)
        documents += attached
        issues += problems
    for n, model in enumerate(models):
        if n not in named and not isinstance(model, dict) and model is not None \
                and model.get_resource_type() == "DocumentReference":
            issues.append((f"Bundle.entry[{n}].resource", "no Claim.supportingInfo references "
                                                          "this DocumentReference"))
    return documents, issues
